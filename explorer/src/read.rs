//! Everything the pages read from the index.

pub mod events;
pub mod stats;
pub mod tasks;

use rusqlite::Connection;
use serde::Serialize;

/// How far the index got, for every page's footer and `/api/status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Height of the newest indexed transaction.
    pub indexed_height: u64,
    /// Chain time of that block, unix seconds.
    pub indexed_time: i64,
    pub txs: u64,
    pub events: u64,
    pub tasks: u64,
}

pub fn progress(conn: &Connection) -> rusqlite::Result<Progress> {
    conn.query_row(
        "SELECT coalesce((SELECT max(height) FROM txs), 0),
                coalesce((SELECT time FROM blocks ORDER BY height DESC LIMIT 1), 0),
                (SELECT count(*) FROM txs),
                (SELECT count(*) FROM events),
                (SELECT count(*) FROM tasks)",
        [],
        |r| {
            Ok(Progress {
                indexed_height: r.get(0)?,
                indexed_time: r.get(1)?,
                txs: r.get(2)?,
                events: r.get(3)?,
                tasks: r.get(4)?,
            })
        },
    )
}

/// Stored events per name, for `/api/status` (and the tests that check every kind).
pub fn events_by_name(conn: &Connection) -> rusqlite::Result<Vec<(String, u64)>> {
    let mut statement =
        conn.prepare_cached("SELECT name, count(*) FROM events GROUP BY name ORDER BY name")?;
    let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Whether `address` ever registered as a provider.
pub fn is_provider(conn: &Connection, address: &str) -> rusqlite::Result<bool> {
    use rusqlite::OptionalExtension;
    let sql = format!(
        "SELECT 1 FROM events e JOIN attributes a ON a.event_id = e.id
         WHERE e.name = '{registered}' AND a.key = '{provider}' AND a.value = ?1 LIMIT 1",
        registered = ogpu_types::events::PROVIDER_REGISTERED,
        provider = ogpu_types::events::attr::PROVIDER,
    );
    Ok(conn
        .query_row(&sql, [address], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The task a transaction carried events of, for searching by transaction hash.
pub fn task_of_tx(conn: &Connection, hash: &str) -> rusqlite::Result<Option<u64>> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT task_id FROM events WHERE tx_hash = ?1 AND task_id IS NOT NULL
         ORDER BY position LIMIT 1",
        [hash.to_ascii_uppercase()],
        |r| r.get(0),
    )
    .optional()
}
