//! Live progress: follows every transaction that executes the registry, prints each suite
//! event as one line, and keeps what the summary tables need (heights, the transactions
//! of each task, who joined, won and was slashed).

use std::collections::{BTreeMap, BTreeSet};

use ogpu_client::stream::{EventStream, Observed};
use ogpu_types::events::{self as names, attr};
use tendermint_rpc::query::{EventType, Query};

/// One task as the chain's events told it.
#[derive(Debug, Clone, Default)]
pub struct TaskTrail {
    pub published_height: Option<u64>,
    /// The height of the transaction that paid it, or expired or cancelled it.
    pub ended_height: Option<u64>,
    /// Every transaction that carried one of its events.
    pub txs: BTreeSet<String>,
    /// Protocol fees its payouts paid.
    pub fees: u128,
}

/// One provider as the chain's events told it.
#[derive(Debug, Clone, Default)]
pub struct ProviderTrail {
    pub committed: BTreeSet<u64>,
    pub won: BTreeSet<u64>,
    pub slashed: BTreeSet<u64>,
}

#[derive(Debug, Default)]
pub struct Trails {
    pub tasks: BTreeMap<u64, TaskTrail>,
    pub providers: BTreeMap<String, ProviderTrail>,
    /// The tasks each transaction touched (a provider batches several in one).
    pub tx_tasks: BTreeMap<String, BTreeSet<u64>>,
}

impl Trails {
    /// Records one event; returns the progress line to print.
    pub fn record(&mut self, observed: &Observed) -> Option<String> {
        let event = &observed.event;
        let task_id = event.task_id()?;
        self.tx_tasks
            .entry(observed.tx_hash.clone())
            .or_default()
            .insert(task_id);
        let task = self.tasks.entry(task_id).or_default();
        task.txs.insert(observed.tx_hash.clone());
        let provider = event.get(attr::PROVIDER).map(str::to_string);
        let who = provider.as_deref().map(short).unwrap_or_default();
        let line = match event.name {
            names::TASK_PUBLISHED => {
                task.published_height = Some(observed.height);
                format!(
                    "published ({}, {})",
                    event.get(attr::MODEL).unwrap_or("?"),
                    event.get(attr::KIND).unwrap_or("?")
                )
            }
            names::TASK_COMMITTED => {
                self.provider(provider).committed.insert(task_id);
                format!("{who} committed")
            }
            names::TASK_REVEALED => format!("{who} revealed"),
            names::TASK_COMPLETED => {
                task.ended_height = Some(observed.height);
                // A consensus round names every agreeing replica.
                let winners: Vec<String> = event
                    .attributes
                    .iter()
                    .filter(|(key, _)| key == attr::PROVIDER)
                    .map(|(_, address)| address.clone())
                    .collect();
                for winner in &winners {
                    self.provider(Some(winner.clone())).won.insert(task_id);
                }
                let names: Vec<String> = winners.iter().map(|w| short(w)).collect();
                format!(
                    "completed: {} paid {} each",
                    names.join(", "),
                    event.get(attr::PRICE).unwrap_or("?")
                )
            }
            names::TASK_EXPIRED | names::TASK_CANCELLED => {
                task.ended_height = Some(observed.height);
                event.name.trim_start_matches("ogpu_task_").to_string()
            }
            names::PAYOUT => {
                let fee: u128 = event
                    .get(attr::FEE)
                    .and_then(|f| f.parse().ok())
                    .unwrap_or(0);
                task.fees += fee;
                format!(
                    "payout {} to {}, fee {fee}",
                    event.get(attr::AMOUNT).unwrap_or("?"),
                    event.get(attr::RECIPIENT).map(short).unwrap_or_default()
                )
            }
            names::PROVIDER_SLASHED => {
                self.provider(provider).slashed.insert(task_id);
                format!("{who} slashed {}", event.get(attr::AMOUNT).unwrap_or("?"))
            }
            _ => return None,
        };
        Some(format!(
            "block {:>5}  task {task_id:>3}  {line}",
            observed.height
        ))
    }

    /// The share of `tx_hash`'s gas that falls to one of its tasks.
    pub fn share(&self, tx_hash: &str, gas: u64) -> u64 {
        let tasks = self.tx_tasks.get(tx_hash).map_or(1, BTreeSet::len) as u64;
        gas / tasks.max(1)
    }

    fn provider(&mut self, address: Option<String>) -> &mut ProviderTrail {
        self.providers
            .entry(address.unwrap_or_default())
            .or_default()
    }
}

/// `wasm1…` addresses are long; the last characters tell the demo's keys apart.
pub fn short(address: &str) -> String {
    let tail = address.len().saturating_sub(6);
    format!("…{}", &address[tail..])
}

/// Every transaction that executes `registry`, from `from_height`.
pub fn follow(node: &str, registry: &str, from_height: u64) -> EventStream {
    let query = Query::from(EventType::Tx).and_eq("execute._contract_address", registry);
    EventStream::follow(node, query, from_height)
}
