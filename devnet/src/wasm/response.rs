//! Turning a contract's `Response` into chain effects as wasmd's `handleContractResponse`
//! does: validated `wasm`/`wasm-*` events charged per attribute, then the submessages.

use cosmwasm_std::Response;
use tendermint::abci::Event;

use super::dispatch::dispatch_submessages;
use super::vm::CallCtx;
use crate::error::{ChainError, ChainResult};
use crate::events::event;
use crate::gas::event_costs;

/// What running a contract entry point (and everything it dispatched) produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub events: Vec<Event>,
    /// The contract's result data (possibly replaced by a reply's data).
    pub data: Option<Vec<u8>>,
}

impl Outcome {
    /// Puts `leading` (funds transfers, the `execute` event…) before the outcome's events.
    pub fn after(mut self, mut leading: Vec<Event>) -> Self {
        leading.append(&mut self.events);
        self.events = leading;
        self
    }
}

pub fn handle_response(ctx: &CallCtx, contract: &[u8], response: Response) -> ChainResult<Outcome> {
    let mut events = contract_events(ctx, contract, &response)?;
    let (sub_events, reply_data) = dispatch_submessages(ctx, contract, response.messages)?;
    events.extend(sub_events);
    let data = reply_data.or_else(|| response.data.map(|d| d.to_vec()));
    Ok(Outcome { events, data })
}

/// The `wasm` event (when there are attributes) and one `wasm-<type>` per custom event,
/// each starting with `_contract_address` (wasmd `newWasmModuleEvent`, `newCustomEvents`).
fn contract_events(ctx: &CallCtx, contract: &[u8], response: &Response) -> ChainResult<Vec<Event>> {
    let attributes = response
        .attributes
        .iter()
        .chain(response.events.iter().flat_map(|e| e.attributes.iter()));
    let pairs = attributes
        .clone()
        .map(|a| (a.key.as_str(), a.value.as_str()));
    let types = response.events.iter().map(|e| e.ty.as_str());
    ctx.meter.consume(
        event_costs(pairs, types),
        "custom contract event attributes",
    )?;
    for attribute in attributes {
        validate_attribute(&attribute.key, &attribute.value)?;
    }
    let address = ctx.vm.bech32.encode(contract);
    let with_address = |attrs: &[cosmwasm_std::Attribute]| {
        std::iter::once(("_contract_address".to_string(), address.clone()))
            .chain(attrs.iter().map(|a| (a.key.clone(), a.value.clone())))
            .collect::<Vec<_>>()
    };
    let mut events = Vec::new();
    if !response.attributes.is_empty() {
        events.push(event("wasm", with_address(&response.attributes)));
    }
    for custom in &response.events {
        if custom.ty.trim().len() < 2 {
            return Err(ChainError::wasm_invalid_event(format!(
                "Event type too short: {:?}",
                custom.ty
            )));
        }
        events.push(event(
            format!("wasm-{}", custom.ty.trim()),
            with_address(&custom.attributes),
        ));
    }
    Ok(events)
}

/// wasmd `contractSDKEventAttributes`: keys non-empty and not reserved, values non-empty.
fn validate_attribute(key: &str, value: &str) -> ChainResult<()> {
    if key.trim().is_empty() {
        return Err(ChainError::wasm_invalid_event("Empty attribute key"));
    }
    if key.trim().starts_with('_') {
        return Err(ChainError::wasm_invalid_event(format!(
            "Attribute key starts with reserved prefix _: {key:?}"
        )));
    }
    if value.trim().is_empty() {
        return Err(ChainError::wasm_invalid_event(format!(
            "Empty attribute value. Key: {key}"
        )));
    }
    Ok(())
}
