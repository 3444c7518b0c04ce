//! A transaction's result in the Cosmos SDK's `TxResponse` shape, as `wasmd tx … -o json`
//! and `wasmd query tx` print it, so scripts written against wasmd read ogpu's output:
//! int64 fields as strings (protobuf JSON), events as `{"type", "attributes": [{"key",
//! "value", "index"}]}`.

use cosmrs::rpc::endpoint::tx::Response as IncludedTx;
use cosmrs::tendermint::abci::Event;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Serialize)]
pub struct TxResponse {
    /// `"0"` until the tx is in a block (`--broadcast-mode sync|async`).
    pub height: String,
    pub txhash: String,
    pub codespace: String,
    pub code: u32,
    /// The messages' results (`TxMsgData`), hex, upper case.
    pub data: String,
    pub raw_log: String,
    /// Empty since SDK 0.50, which dropped the per-message logs for `events`.
    pub logs: Vec<Value>,
    pub info: String,
    pub gas_wanted: String,
    pub gas_used: String,
    pub events: Vec<SdkEvent>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SdkEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub attributes: Vec<SdkAttribute>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SdkAttribute {
    pub key: String,
    pub value: String,
    pub index: bool,
}

impl From<&Event> for SdkEvent {
    fn from(event: &Event) -> Self {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        Self {
            kind: event.kind.clone(),
            attributes: event
                .attributes
                .iter()
                .map(|a| SdkAttribute {
                    key: text(a.key_bytes()),
                    value: text(a.value_bytes()),
                    index: a.index(),
                })
                .collect(),
        }
    }
}

impl TxResponse {
    /// A transaction in a block, as the node's `tx` endpoint returns it.
    pub fn included(tx: &IncludedTx) -> Self {
        let result = &tx.tx_result;
        Self {
            height: tx.height.value().to_string(),
            txhash: tx.hash.to_string(),
            codespace: result.codespace.clone(),
            code: result.code.value(),
            data: hex::encode_upper(&result.data),
            raw_log: result.log.clone(),
            logs: vec![],
            info: result.info.clone(),
            gas_wanted: result.gas_wanted.to_string(),
            gas_used: result.gas_used.to_string(),
            events: result.events.iter().map(SdkEvent::from).collect(),
        }
    }

    /// A transaction the node accepted but has not put in a block yet.
    pub fn broadcast(txhash: String, code: u32, codespace: String, raw_log: String) -> Self {
        Self {
            height: "0".into(),
            txhash,
            codespace,
            code,
            data: String::new(),
            raw_log,
            logs: vec![],
            info: String::new(),
            gas_wanted: "0".into(),
            gas_used: "0".into(),
            events: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmrs::tendermint::abci::EventAttribute;

    #[test]
    fn events_have_the_sdk_shape() {
        let event = Event {
            kind: "wasm".into(),
            attributes: vec![EventAttribute::from(("action", "publish", true))],
        };
        let json = serde_json::to_value(SdkEvent::from(&event)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "wasm", "attributes": [{"key": "action", "value": "publish", "index": true}]})
        );
        let sent =
            serde_json::to_value(TxResponse::broadcast("AB".into(), 0, "".into(), "".into()))
                .unwrap();
        assert_eq!(sent["height"], "0");
        assert_eq!(sent["gas_used"], "0");
        assert_eq!(sent["txhash"], "AB");
    }
}
