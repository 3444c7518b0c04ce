//! JSON-RPC 2.0 envelopes with CometBFT's error codes and messages, which clients match on
//! (`tendermint_rpc::Code`, CosmJS's error handling).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One call read from a body, a batch element or a websocket message.
#[derive(Debug)]
pub(crate) struct Request {
    pub id: Value,
    pub method: String,
    pub params: Value,
}

/// Reads one call. `Ok(None)` is a notification (no `id`), which CometBFT neither runs nor
/// answers.
pub(crate) fn parse(value: Value) -> Result<Option<Request>, RpcError> {
    #[derive(Deserialize)]
    struct Raw {
        id: Option<Value>,
        method: String,
        #[serde(default)]
        params: Value,
    }
    let raw: Raw = serde_json::from_value(value)
        .map_err(|e| RpcError::invalid_request(format!("error unmarshaling request: {e}")))?;
    Ok(raw.id.map(|id| Request {
        id,
        method: raw.method,
        params: raw.params,
    }))
}

/// A reply: `result` or `error`, never both.
#[derive(Debug, Serialize)]
pub(crate) struct Response {
    jsonrpc: &'static str,
    id: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<RpcError>,
}

impl Response {
    pub fn new(id: Value, outcome: Result<Value, RpcError>) -> Self {
        let (result, error) = match outcome {
            Ok(result) => (Some(result), None),
            Err(error) => (None, Some(error)),
        };
        Self {
            jsonrpc: "2.0",
            id,
            result,
            error,
        }
    }

    pub fn is_error(&self) -> bool {
        self.error.is_some()
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("a response is JSON values and strings")
    }
}

/// CometBFT's `RPCError`: the codes and messages of `rpc/jsonrpc/types`, with `data` saying
/// what went wrong (for handler failures CometBFT puts the error text there).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct RpcError {
    pub code: i32,
    pub message: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub data: String,
}

impl RpcError {
    fn new(code: i32, message: &'static str, data: impl Into<String>) -> Self {
        Self {
            code,
            message,
            data: data.into(),
        }
    }

    pub fn parse_error(data: impl Into<String>) -> Self {
        Self::new(-32700, "Parse error", data)
    }

    pub fn invalid_request(data: impl Into<String>) -> Self {
        Self::new(-32600, "Invalid Request", data)
    }

    pub fn method_not_found() -> Self {
        Self::new(-32601, "Method not found", "")
    }

    pub fn invalid_params(data: impl Into<String>) -> Self {
        Self::new(-32602, "Invalid params", data)
    }

    /// What CometBFT answers when a method itself fails (unknown tx, height out of range...).
    pub fn internal(data: impl Into<String>) -> Self {
        Self::new(-32603, "Internal error", data)
    }

    /// Used for a subscription the server cancels.
    pub fn server(data: impl Into<String>) -> Self {
        Self::new(-32000, "Server error", data)
    }
}
