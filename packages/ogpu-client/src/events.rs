//! The OpenGPU contracts' events (`wasm-ogpu_*`, names from `ogpu_types::events`) read
//! from a transaction's result or from a subscription.

use ogpu_types::events as names;
use serde::Serialize;

use crate::outcome::{ChainEvent, TxOutcome};

/// Every event the suite emits, by name.
pub const ALL: [&str; 19] = [
    names::TASK_PUBLISHED,
    names::TASK_COMMITTED,
    names::TASK_REVEALED,
    names::TASK_COMPLETED,
    names::TASK_EXPIRED,
    names::TASK_CANCELLED,
    names::TASK_FAILED,
    names::BID_REVEALED,
    names::TASK_AWARDED,
    names::TASK_DELIVERED,
    names::TASK_DISPUTED,
    names::DISPUTE_RESOLVED,
    names::PROVIDER_REGISTERED,
    names::PROVIDER_SLASHED,
    names::COLLATERAL_LOCKED,
    names::COLLATERAL_RELEASED,
    names::PROVIDER_UNBONDED,
    names::PAYOUT,
    names::REFUND,
];

/// One suite event: its name (without `wasm-`), the emitting contract and its attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OgpuEvent {
    pub name: &'static str,
    pub contract: String,
    pub attributes: Vec<(String, String)>,
}

impl OgpuEvent {
    /// Reads a chain event if it is one of the suite's.
    pub fn from_chain(event: &ChainEvent) -> Option<Self> {
        let name = event.kind.strip_prefix("wasm-")?;
        let name = ALL.into_iter().find(|known| *known == name)?;
        Some(Self {
            name,
            contract: event
                .get("_contract_address")
                .unwrap_or_default()
                .to_string(),
            attributes: event
                .attributes
                .iter()
                .filter(|(k, _)| k != "_contract_address" && k != "msg_index")
                .cloned()
                .collect(),
        })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn task_id(&self) -> Option<u64> {
        self.get(names::attr::TASK_ID)?.parse().ok()
    }
}

/// The consensus round a `Dispute` transaction opened (its `ogpu_task_disputed` event).
pub fn dispute_round(outcome: &TxOutcome) -> Option<u64> {
    ogpu_events(outcome)
        .iter()
        .find(|e| e.name == names::TASK_DISPUTED)?
        .get(names::attr::ROUND)?
        .parse()
        .ok()
}

/// The suite's events of a transaction, in order.
pub fn ogpu_events(outcome: &TxOutcome) -> Vec<OgpuEvent> {
    outcome
        .events
        .iter()
        .filter_map(OgpuEvent::from_chain)
        .collect()
}
