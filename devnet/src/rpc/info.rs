//! `status`, `abci_info`, `abci_query` and `genesis`: what clients ask before anything else
//! (chain id, latest height, account and contract state).

use serde_json::{json, Value};
use tendermint::{abci, block, AppHash, Hash, Time};
use tendermint_rpc::endpoint::{abci_info, abci_query, status};

use super::backend::{RpcBackend, StoredBlock};
use super::blocks::{app_hash_after, height};
use super::jsonrpc::RpcError;
use super::params::{Bytes, Params};

/// `status` as CometBFT writes it. tendermint-rs serializes a validator's power as `power`
/// (the genesis spelling) where `status` says `voting_power`, which CosmJS requires.
pub(crate) fn status_json(backend: &dyn RpcBackend) -> Result<serde_json::Value, RpcError> {
    let mut value =
        serde_json::to_value(status(backend)).map_err(|e| RpcError::internal(e.to_string()))?;
    if let Some(info) = value["validator_info"].as_object_mut() {
        info.remove("name");
        if let Some(power) = info.remove("power") {
            info.insert("voting_power".to_string(), power);
        }
    }
    Ok(value)
}

pub(crate) fn status(backend: &dyn RpcBackend) -> status::Response {
    let earliest = summary(backend.block(backend.earliest_height()).as_deref());
    let latest = summary(backend.block(backend.latest_height()).as_deref());
    status::Response {
        node_info: backend.node_info(),
        sync_info: status::SyncInfo {
            earliest_block_hash: earliest.hash,
            earliest_app_hash: earliest.app_hash,
            earliest_block_height: earliest.height,
            earliest_block_time: earliest.time,
            latest_block_hash: latest.hash,
            latest_app_hash: latest.app_hash,
            latest_block_height: latest.height,
            latest_block_time: latest.time,
            catching_up: false,
        },
        validator_info: backend.validator_info(),
    }
}

/// What `status` reports of a block; zeroes before the first block.
struct Summary {
    hash: Hash,
    app_hash: AppHash,
    height: block::Height,
    time: Time,
}

fn summary(stored: Option<&StoredBlock>) -> Summary {
    match stored {
        Some(stored) => Summary {
            hash: stored.block_id.hash,
            app_hash: stored.block.header.app_hash.clone(),
            height: stored.block.header.height,
            time: stored.block.header.time,
        },
        None => Summary {
            hash: Hash::None,
            app_hash: AppHash::default(),
            height: 0_u32.into(),
            time: Time::unix_epoch(),
        },
    }
}

pub(crate) fn abci_info(backend: &dyn RpcBackend) -> Result<abci_info::Response, RpcError> {
    let latest = backend.latest_height();
    Ok(abci_info::Response {
        response: abci::response::Info {
            data: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            app_version: backend.node_info().protocol_version.app,
            last_block_height: height(latest)?,
            last_block_app_hash: app_hash_after(backend, latest),
        },
    })
}

/// `height` 0 or absent means the latest state, as in CometBFT. Proofs are not produced.
pub(crate) fn abci_query(
    backend: &dyn RpcBackend,
    params: &Params,
) -> Result<abci_query::Response, RpcError> {
    let path = params.opt_string("path")?.unwrap_or_default();
    let data = params.opt_bytes("data", Bytes::Hex)?.unwrap_or_default();
    let at = params.opt_u64("height")?.filter(|&h| h != 0);
    let outcome = backend.abci_query(&path, &data, at);
    Ok(abci_query::Response {
        response: abci_query::AbciQuery {
            code: outcome.code.into(),
            log: outcome.log,
            info: String::new(),
            index: 0,
            key: Vec::new(),
            value: outcome.value,
            proof: None,
            height: height(outcome.height)?,
            codespace: outcome.codespace,
        },
    })
}

/// The backend already holds the document in CometBFT's JSON shape; it is served as is.
pub(crate) fn genesis(backend: &dyn RpcBackend) -> Value {
    json!({ "genesis": backend.genesis() })
}
