//! One transaction as the explorer stores it: read whole from the node by its hash (the
//! event stream only says that it exists), with its position in its block, its gas, who
//! sent it, what it did, and the suite events of this deployment's contracts.

use ogpu_client::{ChainEvent, OgpuEvent, TxOutcome};
use tendermint_rpc::{Client as _, HttpClient};

use crate::error::{ExplorerError, ExplorerResult};

#[derive(Debug, Clone, PartialEq)]
pub struct IndexedTx {
    pub hash: String,
    pub height: u64,
    /// Position in its block.
    pub index: u32,
    /// Chain time of its block, unix seconds.
    pub time: i64,
    /// The signer (`message.sender`).
    pub sender: Option<String>,
    /// The first contract action it ran (`publish_task`, `commit`, `send`, ...).
    pub action: Option<String>,
    pub gas_wanted: u64,
    pub gas_used: u64,
    /// Its suite events from the deployment's contracts, in emission order.
    pub events: Vec<OgpuEvent>,
}

/// Reads transaction `hash` and its block's time from the node.
pub async fn fetch(
    rpc: &HttpClient,
    hash: &str,
    contracts: &[String],
) -> ExplorerResult<IndexedTx> {
    let parsed = hash
        .parse()
        .map_err(|e| ExplorerError::Internal(format!("tx hash {hash}: {e}")))?;
    let response = rpc.tx(parsed, false).await?;
    let index = response.index;
    let block = rpc.block(response.height).await?;
    let time = block.block.header.time.unix_timestamp();
    Ok(from_outcome(
        TxOutcome::from_response(response),
        index,
        time,
        contracts,
    ))
}

/// The stored form of an included transaction.
pub fn from_outcome(outcome: TxOutcome, index: u32, time: i64, contracts: &[String]) -> IndexedTx {
    let first = |kind: &str, key: &str| outcome.attribute(kind, key).map(str::to_string);
    let sender = first("message", "sender");
    let action = first("wasm", "action");
    let events = suite_events(&outcome.events, contracts);
    IndexedTx {
        hash: outcome.hash,
        height: outcome.height,
        index,
        time,
        sender,
        action,
        gas_wanted: outcome.gas_wanted,
        gas_used: outcome.gas_used,
        events,
    }
}

/// The suite events among `events` that one of `contracts` emitted (another deployment's
/// contracts emit the same names).
fn suite_events(events: &[ChainEvent], contracts: &[String]) -> Vec<OgpuEvent> {
    events
        .iter()
        .filter_map(OgpuEvent::from_chain)
        .filter(|e| contracts.contains(&e.contract))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, attributes: &[(&str, &str)]) -> ChainEvent {
        ChainEvent {
            kind: kind.into(),
            attributes: attributes
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn only_the_deployments_suite_events_are_kept_with_the_sender_and_action() {
        let outcome = TxOutcome {
            hash: "AB".into(),
            height: 7,
            code: 0,
            codespace: String::new(),
            log: String::new(),
            gas_wanted: 200,
            gas_used: 150,
            events: vec![
                event("message", &[("sender", "wasm1client")]),
                event(
                    "wasm",
                    &[
                        ("_contract_address", "wasm1reg"),
                        ("action", "publish_task"),
                    ],
                ),
                event(
                    "wasm-ogpu_task_published",
                    &[("_contract_address", "wasm1reg"), ("task_id", "1")],
                ),
                event(
                    "wasm-ogpu_task_published",
                    &[("_contract_address", "wasm1elsewhere"), ("task_id", "9")],
                ),
                event("wasm-something_else", &[("_contract_address", "wasm1reg")]),
            ],
        };
        let tx = from_outcome(outcome, 2, 1_700_000_000, &["wasm1reg".to_string()]);
        assert_eq!(tx.sender.as_deref(), Some("wasm1client"));
        assert_eq!(tx.action.as_deref(), Some("publish_task"));
        assert_eq!((tx.height, tx.index, tx.gas_used), (7, 2, 150));
        assert_eq!(tx.events.len(), 1);
        assert_eq!(tx.events[0].task_id(), Some(1));
    }
}
