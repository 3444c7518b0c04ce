//! The explorer's SQLite database: opened (created on first use), migrated to the schema
//! this build knows, and shared between async tasks through a blocking thread, since
//! SQLite calls block.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension};

use crate::error::{ExplorerError, ExplorerResult};

/// The schema, one step per file, applied in order; `PRAGMA user_version` counts the steps
/// a database has. A changed layout is a new file, never an edit of an applied one.
const MIGRATIONS: [&str; 1] = [include_str!("../migrations/0001_events.sql")];

/// How long a statement waits for the other connection's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// One connection, usable from async code.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (or creates) the database at `path` and migrates it. The indexer and the web
    /// server each open their own: with WAL, readers never wait for the writer.
    pub fn open(path: &Path) -> ExplorerResult<Self> {
        let mut conn = Connection::open(path).map_err(|e| ExplorerError::db(path, e))?;
        configure(&conn).map_err(|e| ExplorerError::db(path, e))?;
        migrate(&mut conn).map_err(|e| ExplorerError::db(path, e))?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection on a blocking thread.
    pub async fn call<T, F>(&self, f: F) -> ExplorerResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| ExplorerError::Internal(format!("database thread: {e}")))?
        .map_err(ExplorerError::Sql)
    }

    /// Records which chain and deployment this database indexes, or refuses one made for
    /// another (its events would mix with this deployment's).
    pub async fn bind(&self, chain_id: &str, registry: &str) -> ExplorerResult<()> {
        let expected = vec![
            ("chain_id".to_string(), chain_id.to_string()),
            ("registry".to_string(), registry.to_string()),
        ];
        let found = self
            .call(move |conn| {
                let mut found = Vec::new();
                for (key, value) in &expected {
                    let stored: Option<String> = conn
                        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                        .optional()?;
                    match stored {
                        Some(stored) if stored != *value => found.push((key.clone(), stored)),
                        Some(_) => {}
                        None => {
                            conn.execute(
                                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                                [key, value],
                            )?;
                        }
                    }
                }
                Ok(found)
            })
            .await?;
        match found.first() {
            None => Ok(()),
            Some((key, stored)) => Err(ExplorerError::Config(format!(
                "the database indexes {key} {stored}, not this deployment's: pass another --db"
            ))),
        }
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL: the web server reads while the indexer writes. NORMAL is durable across an
    // application crash; a power loss may lose the last transactions, which the indexer
    // then reads again from the chain.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")
}

/// Applies the migrations this database has not seen, each in its own transaction.
fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let applied: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", step + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_is_migrated_once_and_reopens_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("explorer.sqlite");
        Store::open(&path).unwrap();
        let store = Store::open(&path).unwrap();
        let conn = store.conn.lock().unwrap();
        let version: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 7);
    }

    #[tokio::test]
    async fn a_database_of_another_deployment_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("explorer.sqlite");
        let store = Store::open(&path).unwrap();
        store.bind("chain-1", "wasm1registry").await.unwrap();
        store.bind("chain-1", "wasm1registry").await.unwrap();
        let err = store.bind("chain-1", "wasm1other").await.unwrap_err();
        assert!(err.to_string().contains("wasm1registry"), "{err}");
    }
}
