//! Figures computed from indexed events: each provider's record (tasks joined and won,
//! slashes, earnings), the market's totals and its activity per minute, and one
//! provider's history over time. Amounts are `u128` sums done here, not in SQL (SQLite
//! integers are 64-bit).

use std::collections::{BTreeMap, BTreeSet};

use ogpu_types::events::{self as names, attr};

use crate::read::events::EventRow;

/// The events the figures below use.
pub const NAMES: [&str; 7] = [
    names::PROVIDER_REGISTERED,
    names::TASK_PUBLISHED,
    names::TASK_COMMITTED,
    names::TASK_COMPLETED,
    names::PROVIDER_SLASHED,
    names::PAYOUT,
    names::REFUND,
];

/// One provider's record, as the events tell it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderStats {
    pub registered_height: Option<u64>,
    /// Tasks it committed to (bids and replicas included).
    pub joined: BTreeSet<u64>,
    /// Tasks it was paid for.
    pub won: BTreeSet<u64>,
    pub slashes: u64,
    /// Collateral slashed, in the bond denom.
    pub slashed: u128,
    /// Net payouts per denom.
    pub earned: BTreeMap<String, u128>,
    /// Protocol fees its payouts paid, per denom.
    pub fees: BTreeMap<String, u128>,
}

impl ProviderStats {
    /// Share of joined tasks it won, in percent.
    pub fn win_rate(&self) -> u64 {
        match self.joined.len() as u64 {
            0 => 0,
            joined => self.won.len() as u64 * 100 / joined,
        }
    }

    pub fn earned_in(&self, denom: &str) -> u128 {
        self.earned.get(denom).copied().unwrap_or(0)
    }
}

fn denom(event: &EventRow) -> String {
    event.denom.clone().unwrap_or_default()
}

/// Every provider's record, by address.
pub fn providers(events: &[EventRow]) -> BTreeMap<String, ProviderStats> {
    let mut stats: BTreeMap<String, ProviderStats> = BTreeMap::new();
    for event in events {
        let task = event.task_id.unwrap_or_default();
        let provider = event.get(attr::PROVIDER).map(str::to_string);
        match event.name.as_str() {
            names::PROVIDER_REGISTERED => {
                if let Some(p) = provider {
                    stats.entry(p).or_default().registered_height = Some(event.height);
                }
            }
            names::TASK_COMMITTED => {
                if let Some(p) = provider {
                    stats.entry(p).or_default().joined.insert(task);
                }
            }
            names::TASK_COMPLETED => {
                for p in event.all(attr::PROVIDER) {
                    stats.entry(p.to_string()).or_default().won.insert(task);
                }
            }
            names::PROVIDER_SLASHED => {
                if let Some(p) = provider {
                    let record = stats.entry(p).or_default();
                    record.slashes += 1;
                    record.slashed += event.amount(attr::AMOUNT);
                }
            }
            names::PAYOUT => {
                if let Some(recipient) = event.get(attr::RECIPIENT) {
                    let record = stats.entry(recipient.to_string()).or_default();
                    *record.earned.entry(denom(event)).or_default() += event.amount(attr::AMOUNT);
                    *record.fees.entry(denom(event)).or_default() += event.amount(attr::FEE);
                }
            }
            _ => {}
        }
    }
    stats
}

/// What the market settled, per denom: payouts (net), the protocol's fees, refunds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settled {
    pub paid: BTreeMap<String, u128>,
    pub fees: BTreeMap<String, u128>,
    pub refunded: BTreeMap<String, u128>,
}

impl Settled {
    /// Gross volume (payouts and their fees) in `denom`.
    pub fn volume(&self, denom: &str) -> u128 {
        self.paid.get(denom).copied().unwrap_or(0) + self.fees.get(denom).copied().unwrap_or(0)
    }

    /// The denom most was paid in (charts and rankings count in it); empty before any
    /// payout.
    pub fn main_denom(&self) -> String {
        self.paid
            .iter()
            .max_by_key(|(_, paid)| **paid)
            .map(|(denom, _)| denom.clone())
            .unwrap_or_default()
    }
}

pub fn settled(events: &[EventRow]) -> Settled {
    let mut settled = Settled::default();
    for event in events {
        let denom = denom(event);
        match event.name.as_str() {
            names::PAYOUT => {
                *settled.paid.entry(denom.clone()).or_default() += event.amount(attr::AMOUNT);
                *settled.fees.entry(denom).or_default() += event.amount(attr::FEE);
            }
            names::REFUND => {
                *settled.refunded.entry(denom).or_default() += event.amount(attr::AMOUNT);
            }
            _ => {}
        }
    }
    settled
}

/// The market in one minute of chain time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Minute {
    /// Unix seconds of the minute's start.
    pub start: i64,
    pub published: u64,
    pub completed: u64,
    /// Gross payouts (net and fee) in the chart's denom.
    pub volume: u128,
    pub fees: u128,
}

/// `minutes` minutes of activity in `denom`, the last one holding `end` (unix seconds).
pub fn per_minute(events: &[EventRow], denom: &str, minutes: usize, end: i64) -> Vec<Minute> {
    let last = end.div_euclid(60) * 60;
    let first = last - 60 * (minutes as i64 - 1);
    let mut series: Vec<Minute> = (0..minutes as i64)
        .map(|i| Minute {
            start: first + 60 * i,
            ..Minute::default()
        })
        .collect();
    for event in events {
        if event.time < first || event.time >= last + 60 {
            continue;
        }
        let minute = &mut series[((event.time - first) / 60) as usize];
        match event.name.as_str() {
            names::TASK_PUBLISHED => minute.published += 1,
            names::TASK_COMPLETED => minute.completed += 1,
            names::PAYOUT if event.denom.as_deref() == Some(denom) => {
                let fee = event.amount(attr::FEE);
                minute.volume += event.amount(attr::AMOUNT) + fee;
                minute.fees += fee;
            }
            _ => {}
        }
    }
    series
}

/// One provider over time: each point is (unix seconds, value after the event).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Cumulative net earnings in the denom asked for.
    pub earned: Vec<(i64, u128)>,
    /// Cumulative tasks won.
    pub won: Vec<(i64, u128)>,
    /// Collateral locked for its open tasks.
    pub locked: Vec<(i64, u128)>,
}

/// `provider`'s history from its own events (`events` name it), earnings in `denom`.
pub fn history(events: &[EventRow], provider: &str, denom: &str) -> History {
    let mut history = History::default();
    let (mut earned, mut won) = (0u128, 0u128);
    let mut locks: BTreeMap<u64, u128> = BTreeMap::new();
    for event in events {
        let mine = |key: &str| event.all(key).any(|v| v == provider);
        let task = event.task_id.unwrap_or_default();
        match event.name.as_str() {
            names::PAYOUT if mine(attr::RECIPIENT) && event.denom.as_deref() == Some(denom) => {
                earned += event.amount(attr::AMOUNT);
                history.earned.push((event.time, earned));
            }
            names::TASK_COMPLETED if mine(attr::PROVIDER) => {
                won += 1;
                history.won.push((event.time, won));
            }
            names::COLLATERAL_LOCKED if mine(attr::PROVIDER) => {
                locks.insert(task, event.amount(attr::AMOUNT));
                history.locked.push((event.time, locks.values().sum()));
            }
            names::COLLATERAL_RELEASED | names::PROVIDER_SLASHED if mine(attr::PROVIDER) => {
                locks.remove(&task);
                history.locked.push((event.time, locks.values().sum()));
            }
            _ => {}
        }
    }
    history
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, task: u64, time: i64, attributes: &[(&str, &str)]) -> EventRow {
        EventRow {
            id: 0,
            height: 1,
            time,
            tx_hash: String::new(),
            gas_used: 0,
            sender: None,
            action: None,
            name: name.into(),
            task_id: Some(task),
            denom: Some("ustake".into()),
            attributes: attributes
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn market() -> Vec<EventRow> {
        vec![
            event(names::TASK_PUBLISHED, 1, 600, &[]),
            event(names::TASK_COMMITTED, 1, 601, &[("provider", "a")]),
            event(names::TASK_COMMITTED, 1, 601, &[("provider", "b")]),
            event(
                names::COLLATERAL_LOCKED,
                1,
                601,
                &[("provider", "a"), ("amount", "10")],
            ),
            event(
                names::TASK_COMPLETED,
                1,
                665,
                &[("provider", "a"), ("provider", "b")],
            ),
            event(
                names::PAYOUT,
                1,
                665,
                &[("recipient", "a"), ("amount", "99"), ("fee", "1")],
            ),
            event(
                names::PAYOUT,
                1,
                665,
                &[("recipient", "b"), ("amount", "99"), ("fee", "1")],
            ),
            event(names::COLLATERAL_RELEASED, 1, 665, &[("provider", "a")]),
            event(
                names::REFUND,
                1,
                665,
                &[("recipient", "client"), ("amount", "5")],
            ),
        ]
    }

    #[test]
    fn a_consensus_pays_every_named_provider() {
        let stats = providers(&market());
        assert_eq!(stats["a"].joined.len(), 1);
        assert_eq!(stats["b"].won.len(), 1);
        assert_eq!(stats["a"].earned_in("ustake"), 99);
        assert_eq!(stats["a"].win_rate(), 100);
        let settled = settled(&market());
        assert_eq!(settled.volume("ustake"), 200);
        assert_eq!(settled.refunded["ustake"], 5);
    }

    #[test]
    fn activity_falls_into_its_minute() {
        let series = per_minute(&market(), "ustake", 3, 700);
        assert_eq!(
            series.iter().map(|m| m.start).collect::<Vec<_>>(),
            [540, 600, 660]
        );
        assert_eq!((series[1].published, series[1].completed), (1, 0));
        assert_eq!(
            (series[2].completed, series[2].volume, series[2].fees),
            (1, 200, 2)
        );
    }

    #[test]
    fn a_history_tracks_earnings_wins_and_locks() {
        let history = history(&market(), "a", "ustake");
        assert_eq!(history.earned, [(665, 99)]);
        assert_eq!(history.won, [(665, 1)]);
        assert_eq!(history.locked, [(601, 10), (665, 0)]);
    }
}
