//! A task's events arranged for its timeline picture: one column per transaction, one lane
//! for the task itself, one for its client and one per provider, and on each lane the
//! most telling thing the transaction did to that party.

use ogpu_types::events::{self as names, attr};

use crate::read::events::EventRow;
use crate::svg::timeline::{Column, Lane, Mark};
use crate::web::describe::{kind, summary};
use crate::web::format::{amount, short};

/// Event names from the most to the least telling, with the word a mark shows.
const VERBS: [(&str, &str); 19] = [
    (names::TASK_COMPLETED, "completed"),
    (names::TASK_EXPIRED, "expired"),
    (names::TASK_CANCELLED, "cancelled"),
    (names::TASK_FAILED, "failed"),
    (names::DISPUTE_RESOLVED, "resolved"),
    (names::TASK_DISPUTED, "disputed"),
    (names::TASK_PUBLISHED, "published"),
    (names::PROVIDER_SLASHED, "slashed"),
    (names::TASK_DELIVERED, "delivered"),
    (names::PAYOUT, "paid"),
    (names::TASK_AWARDED, "chosen"),
    (names::BID_REVEALED, "bid opened"),
    (names::TASK_REVEALED, "revealed"),
    (names::TASK_COMMITTED, "committed"),
    (names::REFUND, "refunded"),
    (names::COLLATERAL_LOCKED, "locked"),
    (names::COLLATERAL_RELEASED, "released"),
    (names::PROVIDER_REGISTERED, "registered"),
    (names::PROVIDER_UNBONDED, "unbonding"),
];

fn rank(name: &str) -> (usize, &'static str) {
    VERBS
        .iter()
        .enumerate()
        .find(|(_, (n, _))| *n == name)
        .map(|(i, (_, verb))| (i, *verb))
        .unwrap_or((VERBS.len(), "event"))
}

/// The amount a mark shows under its word.
fn note(event: &EventRow) -> Option<String> {
    let key = match event.name.as_str() {
        names::PAYOUT | names::REFUND | names::PROVIDER_SLASHED => attr::AMOUNT,
        names::TASK_AWARDED | names::BID_REVEALED | names::TASK_REVEALED => attr::PRICE,
        _ => return None,
    };
    event.get(key).map(|_| amount(event.amount(key)))
}

/// The address of the party whose lane an event goes on; `None`: the task's own lane.
fn party(event: &EventRow) -> Option<&str> {
    match event.name.as_str() {
        names::TASK_PUBLISHED
        | names::TASK_COMPLETED
        | names::TASK_EXPIRED
        | names::TASK_CANCELLED
        | names::TASK_FAILED
        | names::TASK_DISPUTED
        | names::DISPUTE_RESOLVED => None,
        names::PAYOUT | names::REFUND => event.get(attr::RECIPIENT),
        _ => event.get(attr::PROVIDER),
    }
}

/// The lanes and columns of `events` (one task's, oldest first), `client` its client.
pub fn arrange(events: &[EventRow], client: Option<&str>) -> (Vec<Lane>, Vec<Column>) {
    let mut lanes = vec![Lane {
        label: "task".into(),
        href: None,
    }];
    let mut addresses: Vec<Option<String>> = vec![None];
    if let Some(client) = client {
        lanes.push(Lane {
            label: format!("client {}", short(client)),
            href: Some(format!("/account/{client}")),
        });
        addresses.push(Some(client.to_string()));
    }
    let mut columns: Vec<Column> = Vec::new();
    let mut current_tx: Option<&str> = None;
    // Per column: per lane, the events on it.
    let mut groups: Vec<Vec<(usize, Vec<&EventRow>)>> = Vec::new();
    for event in events {
        if current_tx != Some(event.tx_hash.as_str()) {
            current_tx = Some(&event.tx_hash);
            columns.push(Column {
                height: event.height,
                gas: event.gas_used,
                marks: Vec::new(),
            });
            groups.push(Vec::new());
        }
        let address = party(event).map(str::to_string);
        let lane = match addresses.iter().position(|a| *a == address) {
            Some(lane) => lane,
            None => {
                let shown = address.as_deref().unwrap_or_default();
                lanes.push(Lane {
                    label: short(shown),
                    href: Some(format!("/provider/{shown}")),
                });
                addresses.push(address);
                addresses.len() - 1
            }
        };
        let group = groups.last_mut().expect("a column per transaction");
        match group.iter_mut().find(|(l, _)| *l == lane) {
            Some((_, on_lane)) => on_lane.push(event),
            None => group.push((lane, vec![event])),
        }
    }
    for (column, group) in columns.iter_mut().zip(groups) {
        column.marks = group
            .into_iter()
            .map(|(lane, on_lane)| mark(lane, &on_lane))
            .collect();
    }
    (lanes, columns)
}

/// Words a mark shows at most (the rest are counted, and all are in its tooltip).
const WORDS: usize = 2;

/// One mark for the events one transaction caused on one lane: coloured by the most
/// telling, labelled with the two most telling, noting the first amount among them.
fn mark(lane: usize, events: &[&EventRow]) -> Mark {
    let mut ranked: Vec<&EventRow> = events.to_vec();
    ranked.sort_by_key(|e| rank(&e.name).0);
    let mut verbs: Vec<&str> = ranked.iter().map(|e| rank(&e.name).1).collect();
    verbs.dedup();
    let more = verbs.len().saturating_sub(WORDS);
    let mut label = verbs[..verbs.len().min(WORDS)].join(" · ");
    if more > 0 {
        label.push_str(&format!(" +{more}"));
    }
    Mark {
        lane,
        kind: kind(&ranked[0].name),
        label,
        note: ranked.iter().find_map(|e| note(e)),
        detail: events
            .iter()
            .map(|e| summary(e))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(tx: &str, name: &str, attributes: &[(&str, &str)]) -> EventRow {
        EventRow {
            id: 0,
            height: 10,
            time: 0,
            tx_hash: tx.into(),
            gas_used: 100,
            sender: None,
            action: None,
            name: name.into(),
            task_id: Some(1),
            denom: Some("ustake".into()),
            attributes: attributes
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn one_column_per_transaction_one_lane_per_party_and_the_telling_words_first() {
        let events = [
            event("A", names::TASK_PUBLISHED, &[("client", "wasm1client")]),
            event("B", names::TASK_COMMITTED, &[("provider", "wasm1provider")]),
            event(
                "B",
                names::COLLATERAL_LOCKED,
                &[("provider", "wasm1provider")],
            ),
            event("C", names::TASK_COMPLETED, &[("provider", "wasm1provider")]),
            event(
                "C",
                names::COLLATERAL_RELEASED,
                &[("provider", "wasm1provider")],
            ),
            event(
                "C",
                names::PAYOUT,
                &[("recipient", "wasm1provider"), ("amount", "49500")],
            ),
            event("C", names::TASK_DELIVERED, &[("provider", "wasm1provider")]),
        ];
        let (lanes, columns) = arrange(&events, Some("wasm1client"));
        let labels: Vec<&str> = lanes.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["task", "client wasm1client", "wasm1provider"]);
        assert_eq!(columns.len(), 3);
        let marks = |column: usize| -> Vec<(usize, &str)> {
            columns[column]
                .marks
                .iter()
                .map(|m| (m.lane, m.label.as_str()))
                .collect()
        };
        assert_eq!(marks(0), [(0, "published")]);
        assert_eq!(marks(1), [(2, "committed · locked")]);
        assert_eq!(marks(2), [(0, "completed"), (2, "delivered · paid +1")]);
        let delivered = &columns[2].marks[1];
        assert_eq!(delivered.note.as_deref(), Some("49\u{2009}500"));
        assert_eq!(delivered.kind, "k-deliver");
        assert_eq!(delivered.detail.lines().count(), 3);
    }
}
