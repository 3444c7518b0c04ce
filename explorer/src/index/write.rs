//! Writing one transaction: its block's time, the transaction, its events and their
//! attributes, and what they change in the task projection, all in one SQLite
//! transaction — so a transaction is either wholly indexed or not at all, and indexing it
//! again (a replay after a reconnect or a restart) changes nothing.

use ogpu_client::OgpuEvent;
use ogpu_types::events::{self as names, attr};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::index::tx::IndexedTx;

/// Stores `tx` unless it is already stored; `true` when it was new.
pub fn insert(conn: &mut Connection, tx: &IndexedTx) -> rusqlite::Result<bool> {
    let db = conn.transaction()?;
    if known(&db, &tx.hash)? {
        return Ok(false);
    }
    db.execute(
        "INSERT OR IGNORE INTO blocks (height, time) VALUES (?1, ?2)",
        params![tx.height, tx.time],
    )?;
    db.execute(
        "INSERT INTO txs (hash, height, idx, sender, action, gas_wanted, gas_used)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            tx.hash,
            tx.height,
            tx.index,
            tx.sender,
            tx.action,
            tx.gas_wanted,
            tx.gas_used
        ],
    )?;
    for (position, event) in tx.events.iter().enumerate() {
        db.execute(
            "INSERT INTO events (tx_hash, position, height, name, contract, task_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                tx.hash,
                position,
                tx.height,
                event.name,
                event.contract,
                event.task_id()
            ],
        )?;
        let event_id = db.last_insert_rowid();
        for (position, (key, value)) in event.attributes.iter().enumerate() {
            db.execute(
                "INSERT INTO attributes (event_id, position, key, value) VALUES (?1, ?2, ?3, ?4)",
                params![event_id, position, key, value],
            )?;
        }
        project(&db, tx.height, event)?;
    }
    db.commit()?;
    Ok(true)
}

/// Whether transaction `hash` is stored.
pub fn known(conn: &Connection, hash: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT 1 FROM txs WHERE hash = ?1", [hash], |_| Ok(()))
        .optional()
        .map(|found| found.is_some())
}

/// Where stream `stream` resumes, if it ran before.
pub fn cursor(conn: &Connection, stream: &str) -> rusqlite::Result<Option<u64>> {
    conn.query_row(
        "SELECT height FROM cursors WHERE stream = ?1",
        [stream],
        |r| r.get(0),
    )
    .optional()
}

/// Moves stream `stream`'s resume point to `height`, never backwards.
pub fn advance(conn: &Connection, stream: &str, height: u64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO cursors (stream, height) VALUES (?1, ?2)
         ON CONFLICT (stream) DO UPDATE SET height = max(height, excluded.height)",
        params![stream, height],
    )?;
    Ok(())
}

/// Updates the task projection for one event. Each column is written by one kind of event
/// (the award height only ever grows), so the order events arrive in does not matter.
fn project(db: &Transaction, height: u64, event: &OgpuEvent) -> rusqlite::Result<()> {
    let Some(task_id) = event.task_id() else {
        return Ok(());
    };
    let get = |key: &str| event.get(key).map(str::to_string);
    let ensure = |id: u64| {
        db.execute(
            "INSERT INTO tasks (id) VALUES (?1) ON CONFLICT DO NOTHING",
            [id],
        )
    };
    match event.name {
        names::TASK_PUBLISHED => {
            ensure(task_id)?;
            let (reward, denom) = split_asset(event.get(attr::REWARD).unwrap_or_default());
            db.execute(
                "UPDATE tasks SET client = ?2, model = ?3, kind = ?4, reward = ?5, denom = ?6,
                 collateral = ?7, published_height = ?8 WHERE id = ?1",
                params![
                    task_id,
                    get(attr::CLIENT),
                    get(attr::MODEL),
                    get(attr::KIND),
                    reward,
                    denom,
                    get(attr::COLLATERAL),
                    height
                ],
            )?;
        }
        names::TASK_AWARDED => {
            ensure(task_id)?;
            db.execute(
                "UPDATE tasks SET awarded_height = max(coalesce(awarded_height, 0), ?2)
                 WHERE id = ?1",
                params![task_id, height],
            )?;
        }
        names::TASK_COMPLETED
        | names::TASK_EXPIRED
        | names::TASK_CANCELLED
        | names::TASK_FAILED => {
            ensure(task_id)?;
            let winners = event
                .attributes
                .iter()
                .filter(|(key, _)| key == attr::PROVIDER)
                .count();
            db.execute(
                "UPDATE tasks SET ending = ?2, ended_height = ?3, price = ?4, winners = ?5
                 WHERE id = ?1",
                params![
                    task_id,
                    ending(event.name),
                    height,
                    get(attr::PRICE),
                    winners
                ],
            )?;
        }
        names::TASK_DISPUTED => {
            let round: Option<u64> = event.get(attr::ROUND).and_then(|r| r.parse().ok());
            ensure(task_id)?;
            db.execute(
                "UPDATE tasks SET round = ?2 WHERE id = ?1",
                params![task_id, round],
            )?;
            if let Some(round) = round {
                ensure(round)?;
                db.execute(
                    "UPDATE tasks SET round_of = ?2 WHERE id = ?1",
                    params![round, task_id],
                )?;
            }
        }
        names::DISPUTE_RESOLVED => {
            ensure(task_id)?;
            db.execute(
                "UPDATE tasks SET dispute = ?2 WHERE id = ?1",
                params![task_id, get(attr::STATUS)],
            )?;
        }
        _ => {}
    }
    Ok(())
}

/// The task status a terminal event sets (`ogpu_task_completed` → `completed`).
pub fn ending(name: &str) -> &str {
    name.trim_start_matches("ogpu_task_")
}

/// `50000ustake` → (`50000`, `ustake`); a cw20 amount is followed by the token's address.
pub fn split_asset(asset: &str) -> (String, String) {
    let digits = asset
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(asset.len());
    (asset[..digits].to_string(), asset[digits..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_asset_splits_into_amount_and_denom() {
        assert_eq!(
            split_asset("50000ustake"),
            ("50000".into(), "ustake".into())
        );
        assert_eq!(
            split_asset("7wasm1token"),
            ("7".into(), "wasm1token".into())
        );
        assert_eq!(split_asset(""), (String::new(), String::new()));
    }
}
