//! `cosmwasm.wasm.v1.Query`: smart and raw contract state, contract info, codes and the
//! contracts of a code. cosmos-sdk-proto generates only wasmd's clients: the gRPC service is
//! hand-written (`handwritten`).

use std::convert::Infallible;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use tonic::body::Body;
use tonic::codegen::{http, BoxFuture};
use tonic::Status;

use super::handwritten::{unary, unimplemented, Routes};
use super::rest::{self, reply, Params};
use super::Api;

const SMART: &str = "/cosmwasm.wasm.v1.Query/SmartContractState";
const RAW: &str = "/cosmwasm.wasm.v1.Query/RawContractState";
const CONTRACT_INFO: &str = "/cosmwasm.wasm.v1.Query/ContractInfo";
const CODE: &str = "/cosmwasm.wasm.v1.Query/Code";
const CODES: &str = "/cosmwasm.wasm.v1.Query/Codes";
const CONTRACTS_BY_CODE: &str = "/cosmwasm.wasm.v1.Query/ContractsByCode";

/// The gRPC service; every method goes through the ABCI router.
pub(super) struct WasmQuery;

impl Routes for WasmQuery {
    const NAME: &'static str = "cosmwasm.wasm.v1.Query";

    fn route(
        api: &Api,
        request: http::Request<Body>,
    ) -> BoxFuture<http::Response<Body>, Infallible> {
        let api = api.clone();
        match request.uri().path() {
            SMART => unary(request, move |r: wasm::QuerySmartContractStateRequest| {
                api.abci::<_, wasm::QuerySmartContractStateResponse>(SMART, r)
            }),
            RAW => unary(request, move |r: wasm::QueryRawContractStateRequest| {
                api.abci::<_, wasm::QueryRawContractStateResponse>(RAW, r)
            }),
            CONTRACT_INFO => unary(request, move |r: wasm::QueryContractInfoRequest| {
                api.abci::<_, wasm::QueryContractInfoResponse>(CONTRACT_INFO, r)
            }),
            CODE => unary(request, move |r: wasm::QueryCodeRequest| {
                api.abci::<_, wasm::QueryCodeResponse>(CODE, r)
            }),
            CODES => unary(request, move |r: wasm::QueryCodesRequest| {
                api.abci::<_, wasm::QueryCodesResponse>(CODES, r)
            }),
            CONTRACTS_BY_CODE => unary(request, move |r: wasm::QueryContractsByCodeRequest| {
                api.abci::<_, wasm::QueryContractsByCodeResponse>(CONTRACTS_BY_CODE, r)
            }),
            path => unimplemented(path),
        }
    }
}

pub(super) fn routes() -> Router<Api> {
    Router::new()
        .route("/cosmwasm/wasm/v1/contract/{address}", get(contract_info))
        .route(
            "/cosmwasm/wasm/v1/contract/{address}/smart/{query_data}",
            get(smart),
        )
        .route(
            "/cosmwasm/wasm/v1/contract/{address}/raw/{query_data}",
            get(raw),
        )
        .route("/cosmwasm/wasm/v1/code", get(codes))
        .route("/cosmwasm/wasm/v1/code/{code_id}", get(code))
        .route(
            "/cosmwasm/wasm/v1/code/{code_id}/contracts",
            get(contracts_by_code),
        )
}

/// The query, base64 in the path (URL-encoded: `/` is `%2F`).
async fn smart(
    State(api): State<Api>,
    Path((address, query_data)): Path<(String, String)>,
) -> Response {
    reply((|| {
        let query_data = rest::bytes("query_data", &query_data)?;
        let request = wasm::QuerySmartContractStateRequest {
            address,
            query_data,
        };
        api.abci::<_, wasm::QuerySmartContractStateResponse>(SMART, request)
    })())
}

async fn raw(
    State(api): State<Api>,
    Path((address, query_data)): Path<(String, String)>,
) -> Response {
    reply((|| {
        let query_data = rest::bytes("query_data", &query_data)?;
        let request = wasm::QueryRawContractStateRequest {
            address,
            query_data,
        };
        api.abci::<_, wasm::QueryRawContractStateResponse>(RAW, request)
    })())
}

async fn contract_info(State(api): State<Api>, Path(address): Path<String>) -> Response {
    let request = wasm::QueryContractInfoRequest { address };
    reply(api.abci::<_, wasm::QueryContractInfoResponse>(CONTRACT_INFO, request))
}

async fn codes(State(api): State<Api>, Query(params): Query<Vec<(String, String)>>) -> Response {
    reply((|| {
        let request = wasm::QueryCodesRequest {
            pagination: Params(params).pagination()?,
        };
        api.abci::<_, wasm::QueryCodesResponse>(CODES, request)
    })())
}

async fn code(State(api): State<Api>, Path(code_id): Path<String>) -> Response {
    reply((|| {
        let request = wasm::QueryCodeRequest {
            code_id: code_id_param(&code_id)?,
        };
        api.abci::<_, wasm::QueryCodeResponse>(CODE, request)
    })())
}

async fn contracts_by_code(
    State(api): State<Api>,
    Path(code_id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    reply((|| {
        let request = wasm::QueryContractsByCodeRequest {
            code_id: code_id_param(&code_id)?,
            pagination: Params(params).pagination()?,
        };
        api.abci::<_, wasm::QueryContractsByCodeResponse>(CONTRACTS_BY_CODE, request)
    })())
}

fn code_id_param(text: &str) -> Result<u64, Status> {
    text.parse().map_err(|e| {
        Status::invalid_argument(format!("type mismatch, parameter: code_id, error: {e}"))
    })
}
