//! The methods served over both HTTP and the websocket, by name.

use serde::Serialize;
use serde_json::Value;
use tendermint_rpc::endpoint::health;

use super::backend::RpcBackend;
use super::jsonrpc::{Request, Response, RpcError};
use super::params::Params;
use super::{blocks, broadcast, info, txs};

/// Runs a JSON-RPC call and builds its reply.
pub(crate) async fn answer(backend: &dyn RpcBackend, request: Request) -> Response {
    let outcome = match Params::json(request.params) {
        Ok(params) => call(backend, &request.method, &params).await,
        Err(error) => Err(error),
    };
    Response::new(request.id, outcome)
}

/// The `result` of `method`. The websocket-only methods (`subscribe`...) are not found here,
/// as over CometBFT's HTTP.
pub(crate) async fn call(
    backend: &dyn RpcBackend,
    method: &str,
    params: &Params,
) -> Result<Value, RpcError> {
    match method {
        "health" => to_json(health::Response {}),
        "status" => info::status_json(backend),
        "abci_info" => to_json(info::abci_info(backend)?),
        "abci_query" => to_json(info::abci_query(backend, params)?),
        "genesis" => Ok(info::genesis(backend)),
        "block" => to_json(blocks::block(backend, params)?),
        "block_results" => to_json(blocks::block_results(backend, params)?),
        "blockchain" => to_json(blocks::blockchain(backend, params)?),
        "tx" => to_json(txs::tx(backend, params)?),
        "tx_search" => to_json(txs::tx_search(backend, params)?),
        "broadcast_tx_async" => to_json(broadcast::tx_async(backend, params)?),
        "broadcast_tx_sync" => to_json(broadcast::tx_sync(backend, params)?),
        "broadcast_tx_commit" => to_json(broadcast::tx_commit(backend, params).await?),
        _ => Err(RpcError::method_not_found()),
    }
}

fn to_json(response: impl Serialize) -> Result<Value, RpcError> {
    let mut value =
        serde_json::to_value(response).map_err(|e| RpcError::internal(e.to_string()))?;
    super::compat::mend(&mut value);
    Ok(value)
}
