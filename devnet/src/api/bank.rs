//! `cosmos.bank.v1beta1.Query`: balances and supply.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use cosmrs::proto::cosmos::bank::v1beta1::{self as bank, query_server::Query as _};
use tonic::Request;

use super::rest::{reply, Params};
use super::service::grpc_service;
use super::Api;

grpc_service! {
    bank::query_server::Query, "cosmos.bank.v1beta1.Query";
    abci balance/Balance(bank::QueryBalanceRequest) -> bank::QueryBalanceResponse;
    abci all_balances/AllBalances(bank::QueryAllBalancesRequest) -> bank::QueryAllBalancesResponse;
    none spendable_balances/SpendableBalances(bank::QuerySpendableBalancesRequest) -> bank::QuerySpendableBalancesResponse;
    none spendable_balance_by_denom/SpendableBalanceByDenom(bank::QuerySpendableBalanceByDenomRequest) -> bank::QuerySpendableBalanceByDenomResponse;
    abci total_supply/TotalSupply(bank::QueryTotalSupplyRequest) -> bank::QueryTotalSupplyResponse;
    abci supply_of/SupplyOf(bank::QuerySupplyOfRequest) -> bank::QuerySupplyOfResponse;
    none params/Params(bank::QueryParamsRequest) -> bank::QueryParamsResponse;
    none denom_metadata/DenomMetadata(bank::QueryDenomMetadataRequest) -> bank::QueryDenomMetadataResponse;
    none denom_metadata_by_query_string/DenomMetadataByQueryString(bank::QueryDenomMetadataByQueryStringRequest) -> bank::QueryDenomMetadataByQueryStringResponse;
    none denoms_metadata/DenomsMetadata(bank::QueryDenomsMetadataRequest) -> bank::QueryDenomsMetadataResponse;
    none denom_owners/DenomOwners(bank::QueryDenomOwnersRequest) -> bank::QueryDenomOwnersResponse;
    none denom_owners_by_query/DenomOwnersByQuery(bank::QueryDenomOwnersByQueryRequest) -> bank::QueryDenomOwnersByQueryResponse;
    none send_enabled/SendEnabled(bank::QuerySendEnabledRequest) -> bank::QuerySendEnabledResponse;
}

pub(super) fn routes() -> Router<Api> {
    Router::new()
        .route("/cosmos/bank/v1beta1/balances/{address}", get(balances))
        .route(
            "/cosmos/bank/v1beta1/balances/{address}/by_denom",
            get(balance_by_denom),
        )
        .route("/cosmos/bank/v1beta1/supply", get(supply))
        .route("/cosmos/bank/v1beta1/supply/by_denom", get(supply_by_denom))
}

async fn balances(
    State(api): State<Api>,
    Path(address): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    reply(
        async {
            let request = bank::QueryAllBalancesRequest {
                address,
                pagination: Params(params).pagination()?,
                resolve_denom: false,
            };
            Ok(api.all_balances(Request::new(request)).await?.into_inner())
        }
        .await,
    )
}

async fn balance_by_denom(
    State(api): State<Api>,
    Path(address): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let request = bank::QueryBalanceRequest {
        address,
        denom: Params(params).string("denom"),
    };
    reply(
        api.balance(Request::new(request))
            .await
            .map(tonic::Response::into_inner),
    )
}

async fn supply(State(api): State<Api>, Query(params): Query<Vec<(String, String)>>) -> Response {
    reply(
        async {
            let request = bank::QueryTotalSupplyRequest {
                pagination: Params(params).pagination()?,
            };
            Ok(api.total_supply(Request::new(request)).await?.into_inner())
        }
        .await,
    )
}

async fn supply_by_denom(
    State(api): State<Api>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let request = bank::QuerySupplyOfRequest {
        denom: Params(params).string("denom"),
    };
    reply(
        api.supply_of(Request::new(request))
            .await
            .map(tonic::Response::into_inner),
    )
}
