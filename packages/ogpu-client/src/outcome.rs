//! What an included transaction produced: code, gas, events — decoded from the RPC's `tx`
//! answer into plain strings that the typed event readers work on.

use serde::Serialize;
use tendermint_rpc::endpoint::tx::Response as TxResponse;

use crate::error::{ClientError, ClientResult};

/// One ABCI event with its attributes in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainEvent {
    pub kind: String,
    pub attributes: Vec<(String, String)>,
}

impl From<&tendermint::abci::Event> for ChainEvent {
    fn from(event: &tendermint::abci::Event) -> Self {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        Self {
            kind: event.kind.clone(),
            attributes: event
                .attributes
                .iter()
                .map(|a| (text(a.key_bytes()), text(a.value_bytes())))
                .collect(),
        }
    }
}

impl ChainEvent {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// An included transaction's result (`-o json` prints it as is).
#[derive(Debug, Clone, Serialize)]
pub struct TxOutcome {
    pub hash: String,
    pub height: u64,
    pub code: u32,
    pub codespace: String,
    pub log: String,
    pub gas_wanted: u64,
    pub gas_used: u64,
    pub events: Vec<ChainEvent>,
}

impl TxOutcome {
    pub fn from_response(response: TxResponse) -> Self {
        let result = response.tx_result;
        let events = result.events.iter().map(ChainEvent::from).collect();
        Self {
            hash: response.hash.to_string(),
            height: response.height.value(),
            code: result.code.value(),
            codespace: result.codespace,
            log: result.log,
            gas_wanted: result.gas_wanted as u64,
            gas_used: result.gas_used as u64,
            events,
        }
    }

    /// `Err` when the transaction failed in its block (its fee was still paid).
    pub fn into_result(self) -> ClientResult<Self> {
        if self.code == 0 {
            return Ok(self);
        }
        Err(ClientError::rejected(
            "DeliverTx",
            self.hash,
            self.code,
            &self.codespace,
            self.log,
        ))
    }

    /// Every event of `kind`.
    pub fn events<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a ChainEvent> {
        self.events.iter().filter(move |e| e.kind == kind)
    }

    /// The first value of `kind.key`.
    pub fn attribute<'a>(&'a self, kind: &'a str, key: &str) -> Option<&'a str> {
        self.events(kind).find_map(|e| e.get(key))
    }
}
