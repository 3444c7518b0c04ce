//! `cosmos.base.tendermint.v1beta1.Service`: node info, syncing, and blocks (the latest or
//! by height, resolved as the RPC's `block` resolves them).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use cosmrs::proto::cosmos::base::tendermint::v1beta1::{
    self as base, service_server::Service as _,
};
use cosmrs::proto::tendermint::types as comet;
use tonic::{Request, Status};

use super::rest::reply;
use super::service::grpc_service;
use super::Api;
use crate::rpc::blocks::stored_block;

grpc_service! {
    base::service_server::Service, "cosmos.base.tendermint.v1beta1.Service";
    abci get_node_info/GetNodeInfo(base::GetNodeInfoRequest) -> base::GetNodeInfoResponse;
    local get_syncing/GetSyncing(base::GetSyncingRequest) -> base::GetSyncingResponse;
    local get_latest_block/GetLatestBlock(base::GetLatestBlockRequest) -> base::GetLatestBlockResponse;
    local get_block_by_height/GetBlockByHeight(base::GetBlockByHeightRequest) -> base::GetBlockByHeightResponse;
    none get_latest_validator_set/GetLatestValidatorSet(base::GetLatestValidatorSetRequest) -> base::GetLatestValidatorSetResponse;
    none get_validator_set_by_height/GetValidatorSetByHeight(base::GetValidatorSetByHeightRequest) -> base::GetValidatorSetByHeightResponse;
    none abci_query/ABCIQuery(base::AbciQueryRequest) -> base::AbciQueryResponse;
}

/// A single node is never catching up.
fn get_syncing(_: &Api, _: base::GetSyncingRequest) -> Result<base::GetSyncingResponse, Status> {
    Ok(base::GetSyncingResponse { syncing: false })
}

fn get_latest_block(
    api: &Api,
    _: base::GetLatestBlockRequest,
) -> Result<base::GetLatestBlockResponse, Status> {
    let (block_id, block, sdk_block) = block(api, None)?;
    Ok(base::GetLatestBlockResponse {
        block_id,
        block,
        sdk_block,
    })
}

fn get_block_by_height(
    api: &Api,
    request: base::GetBlockByHeightRequest,
) -> Result<base::GetBlockByHeightResponse, Status> {
    let height = u64::try_from(request.height)
        .map_err(|_| Status::invalid_argument(format!("height {} is negative", request.height)))?;
    let (block_id, block, sdk_block) = block(api, Some(height))?;
    Ok(base::GetBlockByHeightResponse {
        block_id,
        block,
        sdk_block,
    })
}

pub(super) type BlockParts = (
    Option<comet::BlockId>,
    Option<comet::Block>,
    Option<base::Block>,
);

/// The block's id, the block as CometBFT's protobuf and as the SDK's `sdk_block`, whose
/// proposer is a bech32 consensus address.
pub(super) fn block(api: &Api, height: Option<u64>) -> Result<BlockParts, Status> {
    let stored =
        stored_block(&*api.backend, height).map_err(|e| Status::invalid_argument(e.data))?;
    let raw = comet::Block::from(stored.block.clone());
    let sdk_block = base::Block {
        header: raw.header.clone().map(|h| base::Header {
            version: h.version,
            chain_id: h.chain_id,
            height: h.height,
            time: h.time,
            last_block_id: h.last_block_id,
            last_commit_hash: h.last_commit_hash,
            data_hash: h.data_hash,
            validators_hash: h.validators_hash,
            next_validators_hash: h.next_validators_hash,
            consensus_hash: h.consensus_hash,
            app_hash: h.app_hash,
            last_results_hash: h.last_results_hash,
            evidence_hash: h.evidence_hash,
            proposer_address: api.valcons.encode(&h.proposer_address),
        }),
        data: raw.data.clone(),
        evidence: raw.evidence.clone(),
        last_commit: raw.last_commit.clone(),
    };
    Ok((Some(stored.block_id.into()), Some(raw), Some(sdk_block)))
}

pub(super) fn routes() -> Router<Api> {
    Router::new()
        .route("/cosmos/base/tendermint/v1beta1/node_info", get(node_info))
        .route("/cosmos/base/tendermint/v1beta1/syncing", get(syncing))
        .route(
            "/cosmos/base/tendermint/v1beta1/blocks/latest",
            get(latest_block),
        )
        .route(
            "/cosmos/base/tendermint/v1beta1/blocks/{height}",
            get(block_by_height),
        )
}

async fn node_info(State(api): State<Api>) -> Response {
    let request = Request::new(base::GetNodeInfoRequest {});
    reply(
        api.get_node_info(request)
            .await
            .map(tonic::Response::into_inner),
    )
}

async fn syncing(State(api): State<Api>) -> Response {
    let request = Request::new(base::GetSyncingRequest {});
    reply(
        api.get_syncing(request)
            .await
            .map(tonic::Response::into_inner),
    )
}

async fn latest_block(State(api): State<Api>) -> Response {
    let request = Request::new(base::GetLatestBlockRequest {});
    reply(
        api.get_latest_block(request)
            .await
            .map(tonic::Response::into_inner),
    )
}

async fn block_by_height(State(api): State<Api>, Path(height): Path<String>) -> Response {
    reply(
        async {
            let height = height.parse().map_err(|e| {
                Status::invalid_argument(format!("type mismatch, parameter: height, error: {e}"))
            })?;
            let request = Request::new(base::GetBlockByHeightRequest { height });
            Ok(api.get_block_by_height(request).await?.into_inner())
        }
        .await,
    )
}
