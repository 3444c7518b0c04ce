//! HTTP: JSON-RPC `POST /` (single calls and batches) and CometBFT's URI form
//! `GET /<method>?param=...`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::Json;
use serde_json::Value;

use super::backend::RpcBackend;
use super::dispatch;
use super::jsonrpc::{self, Response, RpcError};
use super::params::Params;
use super::server::AppState;

/// CometBFT's default `max_request_batch_size` (`[rpc]` in config.toml).
const MAX_BATCH: usize = 10;

/// Calls are run one after the other; notifications (no `id`) are skipped and get no reply,
/// as in CometBFT.
pub(crate) async fn post(State(state): State<AppState>, body: Bytes) -> HttpResponse {
    let value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => {
            return failure(RpcError::parse_error(format!(
                "error unmarshaling request: {e}"
            )))
        }
    };
    let backend = &*state.backend;
    match value {
        Value::Array(batch) if batch.is_empty() || batch.len() > MAX_BATCH => failure(
            RpcError::invalid_request(format!("a batch holds 1 to {MAX_BATCH} requests")),
        ),
        Value::Array(batch) => {
            let mut replies = Vec::new();
            for value in batch {
                replies.extend(answer(backend, value).await);
            }
            if replies.is_empty() {
                StatusCode::OK.into_response()
            } else {
                Json(replies).into_response()
            }
        }
        value => match answer(backend, value).await {
            Some(reply) => Json(reply).into_response(),
            None => StatusCode::OK.into_response(),
        },
    }
}

async fn answer(backend: &dyn RpcBackend, value: Value) -> Option<Response> {
    match jsonrpc::parse(value) {
        Ok(Some(request)) => Some(dispatch::answer(backend, request).await),
        Ok(None) => None,
        Err(error) => Some(Response::new(Value::Null, Err(error))),
    }
}

/// A body that is not JSON-RPC at all: HTTP 500, as CometBFT.
fn failure(error: RpcError) -> HttpResponse {
    let reply = Response::new(Value::Null, Err(error));
    (StatusCode::INTERNAL_SERVER_ERROR, Json(reply)).into_response()
}

/// CometBFT answers URI calls with id -1, and with HTTP 500 when they fail.
pub(crate) async fn get(
    State(state): State<AppState>,
    Path(method): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> HttpResponse {
    let outcome = dispatch::call(&*state.backend, &method, &Params::uri(query)).await;
    let reply = Response::new(Value::from(-1), outcome);
    let status = if reply.is_error() {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    (status, Json(reply)).into_response()
}
