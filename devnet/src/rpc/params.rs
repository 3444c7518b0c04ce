//! Method parameters, read the same way whichever form they came in: named JSON-RPC params
//! (integers as numbers or strings, bytes as base64 or hex depending on the parameter, as
//! CometBFT's JSON has them) or CometBFT's URI form (strings quoted `"..."`, bytes as `0x`
//! hex, numbers bare).

use std::collections::HashMap;

use base64::{engine::general_purpose::STANDARD as BASE64, Engine};
use serde_json::{Map, Value};

use super::jsonrpc::RpcError;

pub(crate) struct Params {
    values: Map<String, Value>,
    form: Form,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Form {
    Json,
    Uri,
}

/// How JSON-RPC carries a byte parameter (in the URI form bytes are always `0x` hex).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Bytes {
    /// Go `[]byte`: `tx`, the `hash` of `tx`.
    Base64,
    /// CometBFT's `HexBytes`: the `data` of `abci_query`.
    Hex,
}

impl Params {
    /// Named params of a JSON-RPC call; `null` or absent means none. Positional (array)
    /// params are refused: no client this devnet serves sends them.
    pub fn json(params: Value) -> Result<Self, RpcError> {
        let values = match params {
            Value::Null => Map::new(),
            Value::Object(values) => values,
            _ => {
                return Err(RpcError::invalid_params(
                    "params must be an object of named parameters",
                ))
            }
        };
        Ok(Self {
            values,
            form: Form::Json,
        })
    }

    /// The (percent-decoded) query string of a URI call.
    pub fn uri(query: HashMap<String, String>) -> Self {
        Self {
            values: query
                .into_iter()
                .map(|(name, value)| (name, Value::String(value)))
                .collect(),
            form: Form::Uri,
        }
    }

    /// A param's value; `null` counts as absent.
    fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name).filter(|value| !value.is_null())
    }

    pub fn opt_u64(&self, name: &str) -> Result<Option<u64>, RpcError> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        let parsed = match value {
            Value::Number(number) => number.as_u64(),
            Value::String(text) => unquote(text).parse().ok(),
            _ => None,
        };
        parsed
            .map(Some)
            .ok_or_else(|| invalid(name, "expected a non-negative integer"))
    }

    pub fn opt_string(&self, name: &str) -> Result<Option<String>, RpcError> {
        match (self.get(name), self.form) {
            (None, _) => Ok(None),
            (Some(Value::String(text)), Form::Json) => Ok(Some(text.clone())),
            (Some(Value::String(text)), Form::Uri) => Ok(Some(unquote(text).to_owned())),
            (Some(_), _) => Err(invalid(name, "expected a string")),
        }
    }

    pub fn string(&self, name: &str) -> Result<String, RpcError> {
        required(name, self.opt_string(name)?)
    }

    pub fn opt_bytes(&self, name: &str, json: Bytes) -> Result<Option<Vec<u8>>, RpcError> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        let Value::String(text) = value else {
            return Err(invalid(name, "expected a string"));
        };
        let decoded = match (self.form, json) {
            (Form::Json, Bytes::Base64) => BASE64.decode(text).map_err(|e| e.to_string()),
            (Form::Json, Bytes::Hex) => hex::decode(text).map_err(|e| e.to_string()),
            (Form::Uri, _) => uri_bytes(text),
        };
        decoded.map(Some).map_err(|why| invalid(name, &why))
    }

    pub fn bytes(&self, name: &str, json: Bytes) -> Result<Vec<u8>, RpcError> {
        required(name, self.opt_bytes(name, json)?)
    }
}

fn required<T>(name: &str, value: Option<T>) -> Result<T, RpcError> {
    value.ok_or_else(|| invalid(name, "missing"))
}

fn invalid(name: &str, why: &str) -> RpcError {
    RpcError::invalid_params(format!("{name}: {why}"))
}

/// CometBFT's URI bytes: `0x`-prefixed hex, or a quoted string taken as its UTF-8 bytes.
fn uri_bytes(text: &str) -> Result<Vec<u8>, String> {
    if let Some(digits) = text.strip_prefix("0x") {
        return hex::decode(digits).map_err(|e| e.to_string());
    }
    quoted(text)
        .map(|inner| inner.as_bytes().to_vec())
        .ok_or_else(|| "expected 0x-prefixed hex or a quoted string".to_owned())
}

/// URI strings come quoted (`query="tm.event='Tx'"`); bare ones are accepted too.
fn unquote(text: &str) -> &str {
    quoted(text).unwrap_or(text)
}

fn quoted(text: &str) -> Option<&str> {
    text.strip_prefix('"')?.strip_suffix('"')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn uri(pairs: &[(&str, &str)]) -> Params {
        Params::uri(
            pairs
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
        )
    }

    #[test]
    fn integers_come_as_numbers_or_strings() {
        let params = Params::json(json!({"a": 5, "b": "6", "c": null, "d": -1})).unwrap();
        assert_eq!(params.opt_u64("a").unwrap(), Some(5));
        assert_eq!(params.opt_u64("b").unwrap(), Some(6));
        assert_eq!(params.opt_u64("c").unwrap(), None);
        assert_eq!(params.opt_u64("missing").unwrap(), None);
        let error = params.opt_u64("d").unwrap_err();
        assert_eq!(error.code, -32602);
        assert_eq!(error.data, "d: expected a non-negative integer");
        assert_eq!(uri(&[("height", "7")]).opt_u64("height").unwrap(), Some(7));
    }

    #[test]
    fn bytes_follow_the_parameter_type_in_json_and_are_hex_in_uris() {
        let params = Params::json(json!({"tx": "AQI=", "data": "0A0b"})).unwrap();
        assert_eq!(params.bytes("tx", Bytes::Base64).unwrap(), vec![1, 2]);
        assert_eq!(params.bytes("data", Bytes::Hex).unwrap(), vec![10, 11]);
        assert!(params.bytes("missing", Bytes::Base64).is_err());

        let params = uri(&[("tx", "0x0102"), ("data", "\"ab\""), ("bad", "0102")]);
        assert_eq!(params.bytes("tx", Bytes::Base64).unwrap(), vec![1, 2]);
        assert_eq!(params.bytes("data", Bytes::Hex).unwrap(), b"ab".to_vec());
        assert!(params.bytes("bad", Bytes::Hex).is_err());
    }

    #[test]
    fn uri_strings_lose_their_quotes_json_strings_are_kept_as_sent() {
        let params = uri(&[("query", "\"tm.event='Tx'\""), ("order_by", "asc")]);
        assert_eq!(params.string("query").unwrap(), "tm.event='Tx'");
        assert_eq!(params.string("order_by").unwrap(), "asc");

        let params = Params::json(json!({"path": "\"x\""})).unwrap();
        assert_eq!(params.string("path").unwrap(), "\"x\"");
    }

    #[test]
    fn positional_params_are_refused() {
        let error = Params::json(json!([1, 2])).err().unwrap();
        assert_eq!(error.code, -32602);
    }
}
