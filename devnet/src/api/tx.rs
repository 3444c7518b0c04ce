//! `cosmos.tx.v1beta1.Service`: simulate, broadcast (sync and async), one transaction by
//! hash, a search by events and a block's transactions. Broadcast is CheckTx and the search
//! is the RPC's `tx_search`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use cosmrs::proto::cosmos::base::abci::v1beta1::TxResponse;
use cosmrs::proto::cosmos::base::query::v1beta1::PageResponse;
use cosmrs::proto::cosmos::tx::v1beta1::{self as tx, service_server::Service as _};
use prost::{Message, Name};
use serde_json::Value;
use tendermint::{Hash, Time};
use tonic::{Request, Status};

use super::rest::{self, reply, Params};
use super::service::grpc_service;
use super::tx_json::read_tx;
use super::Api;
use crate::rpc::backend::StoredBlock;
use crate::rpc::query::Query as EventQuery;
use crate::rpc::txs::search;

grpc_service! {
    tx::service_server::Service, "cosmos.tx.v1beta1.Service";
    abci simulate/Simulate(tx::SimulateRequest) -> tx::SimulateResponse;
    local get_tx/GetTx(tx::GetTxRequest) -> tx::GetTxResponse;
    local broadcast_tx/BroadcastTx(tx::BroadcastTxRequest) -> tx::BroadcastTxResponse;
    local get_txs_event/GetTxsEvent(tx::GetTxsEventRequest) -> tx::GetTxsEventResponse;
    local get_block_with_txs/GetBlockWithTxs(tx::GetBlockWithTxsRequest) -> tx::GetBlockWithTxsResponse;
    none tx_decode/TxDecode(tx::TxDecodeRequest) -> tx::TxDecodeResponse;
    none tx_encode/TxEncode(tx::TxEncodeRequest) -> tx::TxEncodeResponse;
    none tx_encode_amino/TxEncodeAmino(tx::TxEncodeAminoRequest) -> tx::TxEncodeAminoResponse;
    none tx_decode_amino/TxDecodeAmino(tx::TxDecodeAminoRequest) -> tx::TxDecodeAminoResponse;
}

/// A page's size when none is asked for (the SDK's `query.DefaultLimit`).
const DEFAULT_LIMIT: u64 = 100;
/// Its largest page: CometBFT's `maxPerPage`, which bounds the SDK's search too.
const MAX_LIMIT: u64 = 100;

/// CheckTx; `sync` answers with its verdict, `async` with the hash only. The SDK refuses
/// `block` mode since 0.47.
fn broadcast_tx(
    api: &Api,
    request: tx::BroadcastTxRequest,
) -> Result<tx::BroadcastTxResponse, Status> {
    if request.tx_bytes.is_empty() {
        return Err(Status::invalid_argument("invalid empty tx"));
    }
    let sync = match tx::BroadcastMode::try_from(request.mode) {
        Ok(tx::BroadcastMode::Sync) => true,
        Ok(tx::BroadcastMode::Async) => false,
        _ => {
            return Err(Status::invalid_argument(format!(
                "unsupported broadcast mode {}; supported types: sync, async",
                request.mode
            )))
        }
    };
    let hash = crate::chain::tx_hash(&request.tx_bytes);
    let check = api.backend.check_tx(request.tx_bytes);
    let mut response = TxResponse {
        txhash: hash.to_string(),
        ..TxResponse::default()
    };
    if sync {
        response.code = check.code.value();
        response.codespace = check.codespace;
        response.raw_log = check.log;
        response.data = hex::encode_upper(&check.data);
    }
    Ok(tx::BroadcastTxResponse {
        tx_response: Some(response),
    })
}

fn get_tx(api: &Api, request: tx::GetTxRequest) -> Result<tx::GetTxResponse, Status> {
    if request.hash.is_empty() {
        return Err(Status::invalid_argument("tx hash cannot be empty"));
    }
    let hash = hex::decode(&request.hash)
        .ok()
        .and_then(|bytes| Hash::from_bytes(tendermint::hash::Algorithm::Sha256, &bytes).ok())
        .ok_or_else(|| {
            Status::invalid_argument(format!("{:?} is not a hex SHA-256 tx hash", request.hash))
        })?;
    let stored = api
        .backend
        .tx(&hash)
        .ok_or_else(|| Status::not_found(format!("tx not found: {}", request.hash)))?;
    let block = api.backend.block(stored.height.value()).ok_or_else(|| {
        Status::internal(format!("block {} of tx {hash} is missing", stored.height))
    })?;
    let (tx, tx_response) = included(&block, stored.index as usize, &stored.hash);
    Ok(tx::GetTxResponse {
        tx,
        tx_response: Some(tx_response),
    })
}

/// `query` in CometBFT's language or, as before SDK 0.50, `events` conditions joined by AND.
#[allow(deprecated)] // `events`, still sent by older clients
fn get_txs_event(
    api: &Api,
    request: tx::GetTxsEventRequest,
) -> Result<tx::GetTxsEventResponse, Status> {
    let text = if request.query.is_empty() {
        request.events.join(" AND ")
    } else {
        request.query
    };
    if text.is_empty() {
        return Err(Status::invalid_argument("query cannot be empty"));
    }
    let query = EventQuery::parse(&text)
        .map_err(|e| Status::invalid_argument(format!("query {text:?}: {e}")))?;
    let mut hits = search(&*api.backend, &query);
    if request.order_by == tx::OrderBy::Desc as i32 {
        hits.reverse();
    }
    let limit = match request.limit {
        0 => DEFAULT_LIMIT,
        n => n.min(MAX_LIMIT),
    };
    let skip = request.page.max(1).saturating_sub(1).saturating_mul(limit);
    let total = hits.len() as u64;
    let (txs, tx_responses): (Vec<_>, Vec<_>) = hits
        .iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(limit as usize)
        .map(|hit| included(&hit.block, hit.index, &hit.hash))
        .unzip();
    // `pagination` is still in the message; the SDK leaves it empty.
    Ok(tx::GetTxsEventResponse {
        txs: txs.into_iter().flatten().collect(),
        tx_responses,
        pagination: None,
        total,
    })
}

/// A block with its transactions decoded, paged by `pagination`'s offset and limit.
fn get_block_with_txs(
    api: &Api,
    request: tx::GetBlockWithTxsRequest,
) -> Result<tx::GetBlockWithTxsResponse, Status> {
    let height = u64::try_from(request.height)
        .map_err(|_| Status::invalid_argument(format!("height {} is negative", request.height)))?;
    let (block_id, block, _) = super::node::block(api, Some(height))?;
    let txs = block
        .as_ref()
        .and_then(|b| b.data.as_ref())
        .map_or(&[][..], |d| &d.txs);
    let (offset, limit) = request.pagination.map_or((0, 0), |p| (p.offset, p.limit));
    let limit = if limit == 0 { DEFAULT_LIMIT } else { limit };
    let total = txs.len() as u64;
    if offset > 0 && offset >= total {
        return Err(Status::invalid_argument(format!(
            "out of range: cannot paginate {total} txs with offset {offset} and limit {limit}"
        )));
    }
    let page = txs
        .iter()
        .skip(offset as usize)
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|bytes| tx::Tx::decode(bytes.as_slice()))
        .collect::<Result<_, _>>()
        .map_err(|e| Status::internal(format!("a stored tx does not decode: {e}")))?;
    Ok(tx::GetBlockWithTxsResponse {
        txs: page,
        block_id,
        block,
        pagination: Some(PageResponse {
            next_key: Vec::new(),
            total,
        }),
    })
}

/// The `index`th transaction of `block` as the SDK reports it: the decoded `Tx` and its
/// `TxResponse` (stamped with the block's time, to the second as the SDK writes it).
fn included(block: &StoredBlock, index: usize, hash: &Hash) -> (Option<tx::Tx>, TxResponse) {
    let (header, bytes) = (&block.block.header, &block.block.data[index]);
    let result = &block.tx_results[index];
    let decoded = tx::Tx::decode(bytes.as_slice()).ok();
    let response = TxResponse {
        height: header.height.value() as i64,
        txhash: hash.to_string(),
        codespace: result.codespace.clone(),
        code: result.code.value(),
        data: hex::encode_upper(&result.data),
        raw_log: result.log.clone(),
        logs: Vec::new(),
        info: result.info.clone(),
        gas_wanted: result.gas_wanted,
        gas_used: result.gas_used,
        // A TxRaw's bytes are the encoding of the Tx it carries.
        tx: decoded.as_ref().map(|_| cosmrs::Any {
            type_url: tx::Tx::type_url(),
            value: bytes.clone(),
        }),
        timestamp: rfc3339_seconds(header.time),
        events: result.events.iter().cloned().map(Into::into).collect(),
    };
    (decoded, response)
}

fn rfc3339_seconds(time: Time) -> String {
    let text = time.to_rfc3339();
    match text.split_once('.') {
        Some((seconds, _)) => format!("{seconds}Z"),
        None => text,
    }
}

pub(super) fn routes() -> Router<Api> {
    Router::new()
        .route("/cosmos/tx/v1beta1/simulate", post(simulate_rest))
        .route(
            "/cosmos/tx/v1beta1/txs",
            post(broadcast_rest).get(search_rest),
        )
        .route("/cosmos/tx/v1beta1/txs/{hash}", get(get_tx_rest))
        .route(
            "/cosmos/tx/v1beta1/txs/block/{height}",
            get(block_with_txs_rest),
        )
}

/// `{"tx_bytes": base64}`, or the deprecated `{"tx": {...}}` as JSON (what cosmpy posts).
async fn simulate_rest(State(api): State<Api>, body: Bytes) -> Response {
    reply(
        async {
            let body = json_body(&body)?;
            #[allow(deprecated)]
            let request = match (body_bytes(&body, "tx_bytes")?, rest::field(&body, "tx")) {
                (Some(tx_bytes), _) => tx::SimulateRequest { tx_bytes, tx: None },
                (None, Some(json)) => tx::SimulateRequest {
                    tx_bytes: Vec::new(),
                    tx: Some(
                        read_tx(json).map_err(|e| Status::invalid_argument(format!("tx: {e}")))?,
                    ),
                },
                (None, None) => {
                    return Err(Status::invalid_argument("empty txBytes is not allowed"))
                }
            };
            Ok(api.simulate(Request::new(request)).await?.into_inner())
        }
        .await,
    )
}

/// `{"tx_bytes": base64, "mode": "BROADCAST_MODE_SYNC"}` (or the mode's number).
async fn broadcast_rest(State(api): State<Api>, body: Bytes) -> Response {
    reply(
        async {
            let body = json_body(&body)?;
            let mode = match rest::field(&body, "mode") {
                Some(Value::String(name)) => {
                    tx::BroadcastMode::from_str_name(name).map_or(-1, |m| m as i32)
                }
                Some(Value::Number(n)) => {
                    n.as_i64().and_then(|n| i32::try_from(n).ok()).unwrap_or(-1)
                }
                _ => tx::BroadcastMode::Unspecified as i32,
            };
            let request = tx::BroadcastTxRequest {
                tx_bytes: body_bytes(&body, "tx_bytes")?.unwrap_or_default(),
                mode,
            };
            Ok(api.broadcast_tx(Request::new(request)).await?.into_inner())
        }
        .await,
    )
}

async fn get_tx_rest(State(api): State<Api>, Path(hash): Path<String>) -> Response {
    let request = tx::GetTxRequest { hash };
    reply(
        api.get_tx(Request::new(request))
            .await
            .map(tonic::Response::into_inner),
    )
}

async fn block_with_txs_rest(
    State(api): State<Api>,
    Path(height): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    reply(
        async {
            let request = tx::GetBlockWithTxsRequest {
                height: height.parse().map_err(|e| {
                    Status::invalid_argument(format!(
                        "type mismatch, parameter: height, error: {e}"
                    ))
                })?,
                pagination: Params(params).pagination()?,
            };
            Ok(api
                .get_block_with_txs(Request::new(request))
                .await?
                .into_inner())
        }
        .await,
    )
}

/// `?query=...` or `?events=...&events=...`, with `order_by`, `page`, `limit`.
async fn search_rest(
    State(api): State<Api>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    reply(
        async {
            let params = Params(params);
            let order_by = params.string("order_by");
            let order_by = tx::OrderBy::from_str_name(&order_by)
                .map_or_else(|| params.number("order_by"), |o| Ok(o as i32))?;
            #[allow(deprecated)]
            let request = tx::GetTxsEventRequest {
                events: params.all("events"),
                pagination: params.pagination()?,
                order_by,
                page: params.number("page")?,
                limit: params.number("limit")?,
                query: params.string("query"),
            };
            Ok(api.get_txs_event(Request::new(request)).await?.into_inner())
        }
        .await,
    )
}

fn json_body(body: &[u8]) -> Result<Value, Status> {
    serde_json::from_slice(body).map_err(|e| Status::invalid_argument(format!("request body: {e}")))
}

fn body_bytes(body: &Value, field: &str) -> Result<Option<Vec<u8>>, Status> {
    match rest::field(body, field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => rest::bytes(field, text).map(Some),
        Some(other) => Err(Status::invalid_argument(format!(
            "{field}: expected base64, got {other}"
        ))),
    }
}
