//! `tx` (one transaction by hash) and `tx_search` (transactions whose events match a query).
//!
//! `tx_search` reads blocks rather than an index: it scans from the oldest to the newest
//! candidate block, every transaction's events against the query. A devnet's chain is short,
//! so a linear scan is fast enough and there is no index to keep consistent. Conditions on
//! `tx.height` and `tx.hash` narrow the scan to the blocks they allow.

use std::ops::RangeInclusive;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tendermint::{hash::Algorithm, Hash};
use tendermint_rpc::endpoint::{tx, tx_search};

use super::backend::{RpcBackend, StoredBlock};
use super::events::tx_events;
use super::jsonrpc::RpcError;
use super::params::{Bytes, Params};
use super::query::Query;

/// CometBFT's page size when none is asked for (`defaultPerPage`, rpc/core/env.go).
const DEFAULT_PER_PAGE: u64 = 30;
/// CometBFT's largest page (`maxPerPage`).
const MAX_PER_PAGE: u64 = 100;

/// CometBFT's transaction hash: SHA-256 of the raw bytes.
pub(crate) fn tx_hash(tx: &[u8]) -> Hash {
    Hash::Sha256(Sha256::digest(tx).into())
}

/// The hash comes base64 in JSON-RPC (tendermint-rpc's `tx_hash_base64`) and `0x` hex in
/// URIs. Inclusion proofs are not produced.
pub(crate) fn tx(backend: &dyn RpcBackend, params: &Params) -> Result<tx::Response, RpcError> {
    let bytes = params.bytes("hash", Bytes::Base64)?;
    let hash = Hash::from_bytes(Algorithm::Sha256, &bytes)
        .map_err(|e| RpcError::invalid_params(format!("hash: {e}")))?;
    let stored = backend
        .tx(&hash)
        .ok_or_else(|| RpcError::internal(format!("tx ({hash}) not found")))?;
    Ok(tx::Response {
        hash: stored.hash,
        height: stored.height,
        index: stored.index,
        tx_result: stored.result.clone(),
        tx: stored.tx.clone(),
        proof: None,
    })
}

pub(crate) fn tx_search(
    backend: &dyn RpcBackend,
    params: &Params,
) -> Result<tx_search::Response, RpcError> {
    let query = Query::parse(&params.string("query")?)
        .map_err(|e| RpcError::invalid_params(format!("query: {e}")))?;
    let descending = match params.opt_string("order_by")?.as_deref() {
        None | Some("") | Some("asc") => false,
        Some("desc") => true,
        Some(_) => {
            return Err(RpcError::invalid_params(
                "order_by: expected `asc` or `desc` or empty",
            ))
        }
    };
    let per_page = match params.opt_u64("per_page")? {
        None | Some(0) => DEFAULT_PER_PAGE,
        Some(n) => n.min(MAX_PER_PAGE),
    };

    let mut hits = search(backend, &query);
    if descending {
        hits.reverse();
    }
    let total = hits.len() as u64;
    let pages = total.div_ceil(per_page).max(1);
    let page = params.opt_u64("page")?.unwrap_or(1);
    if !(1..=pages).contains(&page) {
        return Err(RpcError::invalid_params(format!(
            "page should be within [1, {pages}] range, given {page}"
        )));
    }
    let txs = hits
        .iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(Hit::response)
        .collect();
    Ok(tx_search::Response {
        txs,
        total_count: u32::try_from(total).unwrap_or(u32::MAX),
    })
}

/// A matching transaction: its block and its position there.
pub(crate) struct Hit {
    pub block: Arc<StoredBlock>,
    pub index: usize,
    pub hash: Hash,
}

impl Hit {
    fn response(&self) -> tx::Response {
        tx::Response {
            hash: self.hash,
            height: self.block.block.header.height,
            index: self.index as u32,
            tx_result: self.block.tx_results[self.index].clone(),
            tx: self.block.block.data[self.index].clone(),
            proof: None,
        }
    }
}

/// Every matching transaction, oldest first (also the API's `GetTxsEvent`).
pub(crate) fn search(backend: &dyn RpcBackend, query: &Query) -> Vec<Hit> {
    let mut hits = Vec::new();
    let heights = candidate_heights(backend, query).into_iter().flatten();
    for block in heights.filter_map(|h| backend.block(h)) {
        let height = block.block.header.height;
        for (index, (tx, result)) in block.block.data.iter().zip(&block.tx_results).enumerate() {
            let hash = tx_hash(tx);
            if query.matches(&tx_events(&hash, height, result)) {
                hits.push(Hit {
                    block: Arc::clone(&block),
                    index,
                    hash,
                });
            }
        }
    }
    hits
}

/// The heights a match can be at; `None` when the query rules every block out.
fn candidate_heights(backend: &dyn RpcBackend, query: &Query) -> Option<RangeInclusive<u64>> {
    let heights = query.tx_heights(backend.earliest_height()..=backend.latest_height())?;
    let Some(hash) = query.tx_hash() else {
        return Some(heights);
    };
    let bytes = hex::decode(hash).ok()?;
    let tx = backend.tx(&Hash::from_bytes(Algorithm::Sha256, &bytes).ok()?)?;
    let height = tx.height.value();
    heights.contains(&height).then_some(height..=height)
}
