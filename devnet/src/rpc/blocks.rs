//! `block`, `block_results` and `blockchain`, with heights resolved as CometBFT resolves them.

use std::sync::Arc;

use cosmrs::proto::tendermint::{v0_38::types::Block as RawBlock, Protobuf};
use tendermint::{block, AppHash};
use tendermint_rpc::endpoint::{self, block_results, blockchain};

use super::backend::{RpcBackend, StoredBlock};
use super::jsonrpc::RpcError;
use super::params::Params;

/// CometBFT's limit on the block metas one `blockchain` call returns.
const MAX_BLOCK_METAS: u64 = 20;

pub(crate) fn block(
    backend: &dyn RpcBackend,
    params: &Params,
) -> Result<endpoint::block::v0_38::DialectResponse, RpcError> {
    let stored = stored_block(backend, params.opt_u64("height")?)?;
    Ok(endpoint::block::v0_38::DialectResponse {
        block_id: stored.block_id,
        block: stored.block.clone().into(),
    })
}

pub(crate) fn block_results(
    backend: &dyn RpcBackend,
    params: &Params,
) -> Result<block_results::Response, RpcError> {
    let stored = stored_block(backend, params.opt_u64("height")?)?;
    let height = stored.block.header.height;
    Ok(block_results::Response {
        height,
        txs_results: Some(stored.tx_results.clone()),
        finalize_block_events: Vec::new(),
        begin_block_events: None,
        end_block_events: None,
        validator_updates: Vec::new(),
        consensus_param_updates: None,
        app_hash: app_hash_after(backend, height.value()),
    })
}

/// Metas of the blocks from `maxHeight` down to `minHeight`, newest first.
pub(crate) fn blockchain(
    backend: &dyn RpcBackend,
    params: &Params,
) -> Result<blockchain::Response, RpcError> {
    let head = backend.latest_height();
    let (min, max) = min_max(
        backend.earliest_height(),
        head,
        params.opt_u64("minHeight")?.unwrap_or(0),
        params.opt_u64("maxHeight")?.unwrap_or(0),
    )?;
    Ok(blockchain::Response {
        last_height: height(head)?,
        block_metas: (min..=max)
            .rev()
            .filter_map(|h| backend.block(h))
            .map(|stored| meta(&stored))
            .collect(),
    })
}

/// CometBFT's `filterMinMax`: 0 means from the base / up to the head; the range is clipped
/// to the stored blocks and to the newest [`MAX_BLOCK_METAS`] of them.
fn min_max(base: u64, head: u64, min: u64, max: u64) -> Result<(u64, u64), RpcError> {
    let max = if max == 0 { head } else { max.min(head) };
    let min = min
        .max(base)
        .max(1)
        .max(max.saturating_sub(MAX_BLOCK_METAS - 1));
    if min > max {
        return Err(RpcError::internal(format!(
            "min height {min} can't be greater than max height {max}"
        )));
    }
    Ok((min, max))
}

fn meta(stored: &StoredBlock) -> block::Meta {
    let size = Protobuf::<RawBlock>::encoded_len(stored.block.clone());
    block::Meta {
        block_id: stored.block_id,
        block_size: size as i64,
        header: stored.block.header.clone(),
        num_txs: stored.block.data.len() as i64,
    }
}

/// The block at `height` (the newest when absent), with CometBFT's `getHeight` errors.
pub(crate) fn stored_block(
    backend: &dyn RpcBackend,
    height: Option<u64>,
) -> Result<Arc<StoredBlock>, RpcError> {
    let head = backend.latest_height();
    let height = match height {
        None => head,
        Some(0) => {
            return Err(RpcError::internal(
                "height must be greater than zero (requested height: 0)",
            ))
        }
        Some(h) if h > head => {
            return Err(RpcError::internal(format!(
                "height must be less than or equal to the head of the node's blockchain \
                 (requested height: {h}, blockchain height: {head})"
            )))
        }
        Some(h) => h,
    };
    backend.block(height).ok_or_else(|| {
        RpcError::internal(format!(
            "height is not available (requested height: {height}, base height: {})",
            backend.earliest_height()
        ))
    })
}

/// The app hash after executing block `height`: the devnet's headers carry their own
/// post-state hash (see `StoredBlock`).
pub(crate) fn app_hash_after(backend: &dyn RpcBackend, height: u64) -> AppHash {
    backend
        .block(height)
        .map(|stored| stored.block.header.app_hash.clone())
        .unwrap_or_default()
}

pub(crate) fn height(value: u64) -> Result<block::Height, RpcError> {
    block::Height::try_from(value).map_err(|e| RpcError::internal(e.to_string()))
}
