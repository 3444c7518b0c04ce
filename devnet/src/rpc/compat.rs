//! Where tendermint-rs's serde output differs from CometBFT's JSON, and how it is mended.
//!
//! `ExecTxResult.data` (and every other `Bytes` field serialized with tendermint-rs's
//! `nullable` helper) comes out as an array of numbers; CometBFT writes base64, and CosmJS
//! rejects anything else. tendermint-rpc reads both.

use base64::Engine;
use serde_json::Value;

/// Rewrites every `"data": [n, n, …]` into CometBFT's base64 string, at any depth.
pub(crate) fn mend(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match byte_array(child) {
                    Some(bytes) if key == "data" => {
                        *child =
                            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes));
                    }
                    _ => mend(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mend),
        _ => {}
    }
}

/// The bytes of a JSON array of numbers 0–255 (an empty array counts).
fn byte_array(value: &Value) -> Option<Vec<u8>> {
    value
        .as_array()?
        .iter()
        .map(|n| n.as_u64().and_then(|n| u8::try_from(n).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn byte_arrays_named_data_become_base64_and_nothing_else_changes() {
        let mut value = json!({
            "tx_result": { "data": [1, 2, 3], "log": "" },
            "txs": [{ "tx_result": { "data": [] } }],
            "block": { "data": { "txs": ["AQI="] } },
            "other": [1, 2, 3]
        });
        mend(&mut value);
        assert_eq!(value["tx_result"]["data"], "AQID");
        assert_eq!(value["txs"][0]["tx_result"]["data"], "");
        assert_eq!(value["block"]["data"]["txs"][0], "AQI=");
        assert_eq!(value["other"], json!([1, 2, 3]));
    }
}
