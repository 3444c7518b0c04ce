//! What a committed block or transaction looks like to queries and subscribers: CometBFT's
//! flattened `type.key → values` event map (what `tx_search` and subscriptions match, and
//! what a pushed event carries as `events`) and the pushed message itself.

use std::collections::BTreeMap;

use serde_json::Value;
use tendermint::abci::{self, types::ExecTxResult};
use tendermint::{block, Hash};
use tendermint_rpc::event::{self, v0_38::SerEvent, Event, EventData, TxInfo};

use super::backend::{NodeEvent, RpcBackend, StoredBlock, StoredTx};
use super::blocks;

/// `type.key → values`, as CometBFT flattens ABCI events.
pub(crate) type EventMap = BTreeMap<String, Vec<String>>;

/// A transaction's events plus the keys CometBFT adds: `tm.event`, `tx.hash` (upper-case
/// hex) and `tx.height`.
pub(crate) fn tx_events(hash: &Hash, height: block::Height, result: &ExecTxResult) -> EventMap {
    let mut map = EventMap::new();
    map.insert("tm.event".into(), vec!["Tx".into()]);
    map.insert("tx.hash".into(), vec![hash.to_string()]);
    map.insert("tx.height".into(), vec![height.to_string()]);
    add(&mut map, &result.events);
    map
}

/// The map of a `NewBlock` event: `tm.event` only, the devnet emitting no block-level events.
fn new_block_events() -> EventMap {
    EventMap::from([("tm.event".into(), vec!["NewBlock".into()])])
}

/// CometBFT skips events without a type and attributes without a key.
fn add(map: &mut EventMap, events: &[abci::Event]) {
    for event in events.iter().filter(|event| !event.kind.is_empty()) {
        for attribute in &event.attributes {
            let key = String::from_utf8_lossy(attribute.key_bytes());
            if key.is_empty() {
                continue;
            }
            let value = String::from_utf8_lossy(attribute.value_bytes()).into_owned();
            map.entry(format!("{}.{key}", event.kind))
                .or_default()
                .push(value);
        }
    }
}

/// The event map a node event is matched against.
pub(crate) fn event_map(event: &NodeEvent) -> EventMap {
    match event {
        NodeEvent::NewBlock(_) => new_block_events(),
        NodeEvent::Tx(tx) => tx_events(&tx.hash, tx.height, &tx.result),
    }
}

/// The `result` CometBFT 0.38 pushes to a subscription: `{query, data: {type, value}, events}`.
///
/// Serialized by tendermint-rpc's `SerEvent`, then corrected where it differs from CometBFT:
/// it writes the variant name (`Tx`) as `type` where CometBFT writes the amino name
/// (`tendermint/event/Tx`, which tendermint-rpc reads as an alias); and its `TxResult` has no
/// `code`, `data`, `info` or `codespace` while CometBFT sends the whole `ExecTxResult`, from
/// which CosmJS reads `code` (without it a failed transaction would look successful).
pub(crate) fn pushed(
    backend: &dyn RpcBackend,
    query: &str,
    event: &NodeEvent,
    events: &EventMap,
) -> serde_json::Result<Value> {
    let (kind, data) = match event {
        NodeEvent::NewBlock(stored) => {
            ("tendermint/event/NewBlock", new_block_data(backend, stored))
        }
        NodeEvent::Tx(tx) => ("tendermint/event/Tx", tx_data(tx)),
    };
    let mut value = serde_json::to_value(SerEvent::from(Event {
        query: query.to_owned(),
        data,
        events: Some(events.clone()),
    }))?;
    if let Some(kind_field) = value.pointer_mut("/data/type") {
        *kind_field = kind.into();
    }
    if let (NodeEvent::Tx(tx), Some(result)) =
        (event, value.pointer_mut("/data/value/TxResult/result"))
    {
        *result = serde_json::to_value(&tx.result)?;
    }
    super::compat::mend(&mut value);
    Ok(value)
}

fn new_block_data(backend: &dyn RpcBackend, stored: &StoredBlock) -> EventData {
    EventData::NewBlock {
        block: Some(Box::new(stored.block.clone())),
        block_id: stored.block_id,
        result_finalize_block: Some(abci::response::FinalizeBlock {
            events: Vec::new(),
            tx_results: stored.tx_results.clone(),
            validator_updates: Vec::new(),
            consensus_param_updates: None,
            app_hash: blocks::app_hash_after(backend, stored.block.header.height.value()),
        }),
    }
}

fn tx_data(tx: &StoredTx) -> EventData {
    EventData::Tx {
        tx_result: TxInfo {
            height: tx.height.into(),
            index: Some(tx.index.into()),
            tx: tx.tx.clone(),
            result: event::TxResult {
                log: Some(tx.result.log.clone()),
                gas_wanted: Some(tx.result.gas_wanted.to_string()),
                gas_used: Some(tx.result.gas_used.to_string()),
                events: tx.result.events.clone(),
            },
        },
    }
}
