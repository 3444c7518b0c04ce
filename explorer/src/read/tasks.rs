//! Reading the task projection: one task, the newest, a client's, and the counts by model
//! and status.

use std::collections::BTreeMap;

use ogpu_types::events::{self as names, attr};
use rusqlite::{Connection, OptionalExtension, Row};

/// A task as its indexed events tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub id: u64,
    pub client: Option<String>,
    pub model: Option<String>,
    pub kind: Option<String>,
    pub reward: u128,
    pub denom: String,
    pub collateral: u128,
    pub published_height: Option<u64>,
    pub awarded_height: Option<u64>,
    /// `completed`, `expired`, `cancelled` or `failed` once it ended.
    pub ending: Option<String>,
    pub ended_height: Option<u64>,
    /// What each winner was paid, gross, when it completed.
    pub price: Option<u128>,
    pub winners: u64,
    /// The consensus round re-running it, when disputed.
    pub round: Option<u64>,
    /// The task it re-runs, when it is a dispute's round.
    pub round_of: Option<u64>,
    /// `upheld` or `overturned` once its dispute ended.
    pub dispute: Option<String>,
}

impl TaskRow {
    /// Where the task stands: its ending, `awarded` (waiting for a delivery) or `open`.
    pub fn status(&self) -> &str {
        status(self.ending.as_deref(), self.awarded_height.is_some())
    }

    pub fn model(&self) -> &str {
        self.model.as_deref().unwrap_or("unknown")
    }
}

/// A task's status from its ending and whether it was awarded.
fn status(ending: Option<&str>, awarded: bool) -> &str {
    match (ending, awarded) {
        (Some(ending), _) => ending,
        (None, true) => "awarded",
        (None, false) => "open",
    }
}

/// The statuses in the order pages list them.
pub const STATUSES: [&str; 6] = [
    "open",
    "awarded",
    "completed",
    "expired",
    "cancelled",
    "failed",
];

const COLUMNS: &str = "id, client, model, kind, reward, denom, collateral, published_height,
    awarded_height, ending, ended_height, price, winners, round, round_of, dispute";

fn amount(text: Option<String>) -> u128 {
    text.and_then(|t| t.parse().ok()).unwrap_or(0)
}

fn task_row(row: &Row) -> rusqlite::Result<TaskRow> {
    Ok(TaskRow {
        id: row.get(0)?,
        client: row.get(1)?,
        model: row.get(2)?,
        kind: row.get(3)?,
        reward: amount(row.get(4)?),
        denom: row.get::<_, Option<String>>(5)?.unwrap_or_default(),
        collateral: amount(row.get(6)?),
        published_height: row.get(7)?,
        awarded_height: row.get(8)?,
        ending: row.get(9)?,
        ended_height: row.get(10)?,
        price: row
            .get::<_, Option<String>>(11)?
            .and_then(|p| p.parse().ok()),
        winners: row.get::<_, Option<u64>>(12)?.unwrap_or(0),
        round: row.get(13)?,
        round_of: row.get(14)?,
        dispute: row.get(15)?,
    })
}

pub fn one(conn: &Connection, id: u64) -> rusqlite::Result<Option<TaskRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM tasks WHERE id = ?1"),
        [id],
        task_row,
    )
    .optional()
}

/// The newest `limit` tasks, newest first.
pub fn newest(conn: &Connection, limit: u32) -> rusqlite::Result<Vec<TaskRow>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM tasks ORDER BY id DESC LIMIT ?1"
    ))?;
    let rows = statement.query_map([limit], task_row)?;
    rows.collect()
}

/// Tasks `client` published, newest first.
pub fn of_client(conn: &Connection, client: &str) -> rusqlite::Result<Vec<TaskRow>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM tasks WHERE client = ?1 ORDER BY id DESC"
    ))?;
    let rows = statement.query_map([client], task_row)?;
    rows.collect()
}

/// Tasks per (model, status).
pub fn counts(conn: &Connection) -> rusqlite::Result<BTreeMap<(String, String), u64>> {
    let mut statement = conn.prepare_cached(
        "SELECT coalesce(model, 'unknown'), ending, awarded_height IS NOT NULL, count(*)
         FROM tasks GROUP BY 1, 2, 3 ORDER BY 1",
    )?;
    let rows = statement.query_map([], |r| {
        let ending: Option<String> = r.get(1)?;
        let status = status(ending.as_deref(), r.get(2)?).to_string();
        Ok(((r.get::<_, String>(0)?, status), r.get::<_, u64>(3)?))
    })?;
    let mut counts = BTreeMap::new();
    for row in rows {
        let (key, count) = row?;
        *counts.entry(key).or_default() += count;
    }
    Ok(counts)
}

/// Tasks `provider` committed to, newest first.
pub fn of_provider(conn: &Connection, provider: &str) -> rusqlite::Result<Vec<TaskRow>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM tasks WHERE id IN (
             SELECT e.task_id FROM events e JOIN attributes a ON a.event_id = e.id
             WHERE e.name = '{committed}' AND a.key = '{provider}' AND a.value = ?1)
         ORDER BY id DESC",
        committed = names::TASK_COMMITTED,
        provider = attr::PROVIDER,
    ))?;
    let rows = statement.query_map([provider], task_row)?;
    rows.collect()
}
