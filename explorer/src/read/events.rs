//! Reading indexed events back with their transaction, block time, attributes and the
//! reward denom of their task: one query, grouped into rows in Rust.

use rusqlite::{params_from_iter, Connection};

/// One stored suite event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: i64,
    pub height: u64,
    /// Chain time of its block, unix seconds.
    pub time: i64,
    pub tx_hash: String,
    pub gas_used: u64,
    pub sender: Option<String>,
    pub action: Option<String>,
    pub name: String,
    pub task_id: Option<u64>,
    /// The reward denom of its task, when it has one.
    pub denom: Option<String>,
    pub attributes: Vec<(String, String)>,
}

impl EventRow {
    pub fn get<'a>(&'a self, key: &'a str) -> Option<&'a str> {
        self.all(key).next()
    }

    /// Every value of `key` (a completed consensus task names each paid provider).
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attributes
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The amount in attribute `key` (`0` when absent or not a number).
    pub fn amount(&self, key: &str) -> u128 {
        self.get(key).and_then(|v| v.parse().ok()).unwrap_or(0)
    }

    /// The event's name without the suite's `ogpu_` prefix.
    pub fn short_name(&self) -> &str {
        self.name.trim_start_matches("ogpu_")
    }
}

/// Which events to read.
pub enum Filter<'a> {
    /// Every event of one task (its round's events are the round's own task).
    Task(u64),
    /// Events naming `address` as provider, recipient or client.
    Address(&'a str),
    /// Every event of the tasks `client` published.
    Client(&'a str),
    /// Events of these names.
    Names(&'a [&'a str]),
    /// The newest events.
    Latest(u32),
}

/// The events `filter` selects, oldest first.
pub fn select(conn: &Connection, filter: Filter) -> rusqlite::Result<Vec<EventRow>> {
    let (condition, values): (String, Vec<String>) = match filter {
        Filter::Task(id) => ("e.task_id = ?".into(), vec![id.to_string()]),
        Filter::Address(address) => (
            "e.id IN (SELECT event_id FROM attributes
                      WHERE key IN ('provider', 'recipient', 'client') AND value = ?)"
                .into(),
            vec![address.to_string()],
        ),
        Filter::Client(client) => (
            "e.task_id IN (SELECT id FROM tasks WHERE client = ?)".into(),
            vec![client.to_string()],
        ),
        Filter::Names(names) => (
            format!("e.name IN ({})", vec!["?"; names.len()].join(", ")),
            names.iter().map(|n| n.to_string()).collect(),
        ),
        Filter::Latest(limit) => (
            "e.id IN (SELECT id FROM events ORDER BY height DESC, id DESC LIMIT ?)".into(),
            vec![limit.to_string()],
        ),
    };
    let sql = format!(
        "SELECT e.id, e.height, b.time, e.tx_hash, x.gas_used, x.sender, x.action, e.name,
                e.task_id, t.denom, a.key, a.value
         FROM events e
         JOIN txs x ON x.hash = e.tx_hash
         JOIN blocks b ON b.height = e.height
         LEFT JOIN tasks t ON t.id = e.task_id
         LEFT JOIN attributes a ON a.event_id = e.id
         WHERE {condition}
         ORDER BY e.height, x.idx, e.position, a.position"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query(params_from_iter(values))?;
    let mut events: Vec<EventRow> = Vec::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let attribute: Option<(String, String)> = match row.get::<_, Option<String>>(10)? {
            Some(key) => Some((key, row.get(11)?)),
            None => None,
        };
        if events.last().map(|e| e.id) != Some(id) {
            events.push(EventRow {
                id,
                height: row.get(1)?,
                time: row.get(2)?,
                tx_hash: row.get(3)?,
                gas_used: row.get(4)?,
                sender: row.get(5)?,
                action: row.get(6)?,
                name: row.get(7)?,
                task_id: row.get(8)?,
                denom: row.get(9)?,
                attributes: Vec::new(),
            });
        }
        if let (Some(event), Some(attribute)) = (events.last_mut(), attribute) {
            event.attributes.push(attribute);
        }
    }
    Ok(events)
}
