//! `cosmwasm.wasm.v1.Query`: smart and raw contract state, contract info, codes and the
//! contracts of a code. cosmos-sdk-proto generates only wasmd's clients, so the gRPC service
//! is written here as its generator writes the others: route by path, decode, answer.

use std::convert::Infallible;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use prost::Message;
use tonic::codec::ProstCodec;
use tonic::codegen::{http, Body, BoxFuture, Context, Poll, Service, StdError};
use tonic::server::{Grpc, NamedService};
use tonic::Status;

use super::rest::{self, reply, Params};
use super::Api;

const SMART: &str = "/cosmwasm.wasm.v1.Query/SmartContractState";
const RAW: &str = "/cosmwasm.wasm.v1.Query/RawContractState";
const CONTRACT_INFO: &str = "/cosmwasm.wasm.v1.Query/ContractInfo";
const CODE: &str = "/cosmwasm.wasm.v1.Query/Code";
const CODES: &str = "/cosmwasm.wasm.v1.Query/Codes";
const CONTRACTS_BY_CODE: &str = "/cosmwasm.wasm.v1.Query/ContractsByCode";

/// The gRPC service; every method goes through the ABCI router.
#[derive(Clone)]
pub(super) struct WasmQueryServer(pub Api);

impl NamedService for WasmQueryServer {
    const NAME: &'static str = "cosmwasm.wasm.v1.Query";
}

impl<B> Service<http::Request<B>> for WasmQueryServer
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let api = self.0.clone();
        match request.uri().path() {
            SMART => unary::<
                wasm::QuerySmartContractStateRequest,
                wasm::QuerySmartContractStateResponse,
                B,
            >(api, SMART, request),
            RAW => {
                unary::<wasm::QueryRawContractStateRequest, wasm::QueryRawContractStateResponse, B>(
                    api, RAW, request,
                )
            }
            CONTRACT_INFO => unary::<
                wasm::QueryContractInfoRequest,
                wasm::QueryContractInfoResponse,
                B,
            >(api, CONTRACT_INFO, request),
            CODE => unary::<wasm::QueryCodeRequest, wasm::QueryCodeResponse, B>(api, CODE, request),
            CODES => {
                unary::<wasm::QueryCodesRequest, wasm::QueryCodesResponse, B>(api, CODES, request)
            }
            CONTRACTS_BY_CODE => unary::<
                wasm::QueryContractsByCodeRequest,
                wasm::QueryContractsByCodeResponse,
                B,
            >(api, CONTRACTS_BY_CODE, request),
            path => {
                let status = super::status::unimplemented(path);
                Box::pin(async move { Ok(status.into_http()) })
            }
        }
    }
}

/// One unary call: tonic decodes `Req` from the gRPC frame, the ABCI router answers.
fn unary<Req, Resp, B>(
    api: Api,
    path: &'static str,
    request: http::Request<B>,
) -> BoxFuture<http::Response<tonic::body::Body>, Infallible>
where
    Req: Message + Default + Send + 'static,
    Resp: Message + Default + Send + 'static,
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    let method = tower::service_fn(move |request: tonic::Request<Req>| {
        let answer = api.abci::<Req, Resp>(path, request.into_inner());
        std::future::ready(answer.map(tonic::Response::new))
    });
    Box::pin(async move {
        let mut grpc = Grpc::new(ProstCodec::<Resp, Req>::default());
        Ok(grpc.unary(method, request).await)
    })
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
