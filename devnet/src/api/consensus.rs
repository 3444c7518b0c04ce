//! `cosmos.consensus.v1.Query`: the consensus parameters of the genesis, which clients read
//! for the block gas limit (cosmpy caps its gas estimates with `max_gas`). cosmos-sdk-proto
//! 0.27 does not compile this package, so its two messages are declared here and the gRPC
//! service is hand-written (`handwritten`).

use std::convert::Infallible;

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use cosmrs::proto::tendermint::types::ConsensusParams;
use tonic::body::Body;
use tonic::codegen::{http, BoxFuture};
use tonic::Status;

use super::handwritten::{unary, unimplemented, Routes};
use super::json::{Gateway, Json};
use super::rest::reply;
use super::Api;

const PARAMS: &str = "/cosmos.consensus.v1.Query/Params";

/// `cosmos.consensus.v1.QueryParamsRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct QueryParamsRequest {}

/// `cosmos.consensus.v1.QueryParamsResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct QueryParamsResponse {
    #[prost(message, optional, tag = "1")]
    pub params: Option<ConsensusParams>,
}

impl Gateway for QueryParamsResponse {
    fn json(&self) -> Json {
        Json::Object(vec![("params", self.params.json())])
    }
}

pub(super) struct ConsensusQuery;

impl Routes for ConsensusQuery {
    const NAME: &'static str = "cosmos.consensus.v1.Query";

    fn route(
        api: &Api,
        request: http::Request<Body>,
    ) -> BoxFuture<http::Response<Body>, Infallible> {
        let api = api.clone();
        match request.uri().path() {
            PARAMS => unary(request, move |r| params(&api, r)),
            path => unimplemented(path),
        }
    }
}

/// The genesis document's `consensus_params` (the devnet never changes them). As in the SDK,
/// `version` is left out: x/upgrade tracks it.
fn params(api: &Api, _: QueryParamsRequest) -> Result<QueryParamsResponse, Status> {
    let genesis = api.backend.genesis();
    let params: tendermint::consensus::Params =
        serde_json::from_value(genesis["consensus_params"].clone())
            .map_err(|e| Status::internal(format!("genesis consensus_params: {e}")))?;
    let params = ConsensusParams {
        version: None,
        ..params.into()
    };
    Ok(QueryParamsResponse {
        params: Some(params),
    })
}

pub(super) fn routes() -> Router<Api> {
    Router::new().route("/cosmos/consensus/v1/params", get(params_rest))
}

async fn params_rest(State(api): State<Api>) -> Response {
    reply(params(&api, QueryParamsRequest {}))
}
