//! `broadcast_tx_async`, `broadcast_tx_sync` and `broadcast_tx_commit`: hand a transaction
//! to CheckTx and answer as soon as CometBFT would.

use std::sync::Arc;
use std::time::Duration;

use tendermint::{abci, Hash};
use tendermint_rpc::endpoint::broadcast::{tx_async, tx_commit, tx_sync};
use tokio::sync::broadcast::{error::RecvError, Receiver};

use super::backend::{NodeEvent, RpcBackend, StoredTx};
use super::jsonrpc::RpcError;
use super::params::{Bytes, Params};
use super::txs::tx_hash;

/// CometBFT's default `timeout_broadcast_tx_commit` (config.toml, `[rpc]`).
const COMMIT_TIMEOUT: Duration = Duration::from_secs(10);

fn tx_param(params: &Params) -> Result<Vec<u8>, RpcError> {
    params.bytes("tx", Bytes::Base64)
}

/// Answers before CheckTx's verdict is known to the client: only the hash.
pub(crate) fn tx_async(
    backend: &dyn RpcBackend,
    params: &Params,
) -> Result<tx_async::Response, RpcError> {
    let tx = tx_param(params)?;
    let hash = tx_hash(&tx);
    backend.check_tx(tx);
    Ok(tx_async::Response {
        codespace: String::new(),
        code: abci::Code::Ok,
        data: Default::default(),
        log: String::new(),
        hash,
    })
}

pub(crate) fn tx_sync(
    backend: &dyn RpcBackend,
    params: &Params,
) -> Result<tx_sync::Response, RpcError> {
    let tx = tx_param(params)?;
    let hash = tx_hash(&tx);
    let check = backend.check_tx(tx);
    Ok(tx_sync::Response {
        codespace: check.codespace,
        code: check.code,
        data: check.data,
        log: check.log,
        hash,
    })
}

/// CheckTx, then waits until the transaction is in a block. A rejected transaction is
/// answered at once with the CheckTx result and height 0, as CometBFT does.
pub(crate) async fn tx_commit(
    backend: &dyn RpcBackend,
    params: &Params,
) -> Result<tx_commit::Response, RpcError> {
    let tx = tx_param(params)?;
    let hash = tx_hash(&tx);
    // Subscribed before CheckTx, so that the block including it cannot slip past.
    let mut events = backend.subscribe();
    let check_tx = backend.check_tx(tx);
    if check_tx.code.is_err() {
        return Ok(tx_commit::Response {
            check_tx,
            tx_result: Default::default(),
            hash,
            height: 0_u32.into(),
        });
    }
    let included = tokio::time::timeout(COMMIT_TIMEOUT, included(backend, &mut events, &hash))
        .await
        .map_err(|_| RpcError::internal("timed out waiting for tx to be included in a block"))??;
    Ok(tx_commit::Response {
        check_tx,
        tx_result: included.result.clone(),
        hash,
        height: included.height,
    })
}

/// The transaction once a block includes it. Having fallen behind the event stream, it looks
/// the transaction up instead of waiting for an event that may have been dropped.
async fn included(
    backend: &dyn RpcBackend,
    events: &mut Receiver<NodeEvent>,
    hash: &Hash,
) -> Result<Arc<StoredTx>, RpcError> {
    loop {
        match events.recv().await {
            Ok(NodeEvent::Tx(tx)) if tx.hash == *hash => return Ok(tx),
            Ok(_) => {}
            Err(RecvError::Lagged(_)) => {
                if let Some(tx) = backend.tx(hash) {
                    return Ok(tx);
                }
            }
            Err(RecvError::Closed) => return Err(RpcError::internal("the node stopped")),
        }
    }
}
