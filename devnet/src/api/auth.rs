//! `cosmos.auth.v1beta1.Query`: accounts (`BaseAccount` with the number and sequence that
//! transactions are signed with).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use cosmrs::proto::cosmos::auth::v1beta1::{self as auth, query_server::Query as _};

use super::rest::reply;
use super::service::grpc_service;
use super::Api;

grpc_service! {
    auth::query_server::Query, "cosmos.auth.v1beta1.Query";
    none accounts/Accounts(auth::QueryAccountsRequest) -> auth::QueryAccountsResponse;
    abci account/Account(auth::QueryAccountRequest) -> auth::QueryAccountResponse;
    none account_address_by_id/AccountAddressByID(auth::QueryAccountAddressByIdRequest) -> auth::QueryAccountAddressByIdResponse;
    none params/Params(auth::QueryParamsRequest) -> auth::QueryParamsResponse;
    none module_accounts/ModuleAccounts(auth::QueryModuleAccountsRequest) -> auth::QueryModuleAccountsResponse;
    none module_account_by_name/ModuleAccountByName(auth::QueryModuleAccountByNameRequest) -> auth::QueryModuleAccountByNameResponse;
    none bech32_prefix/Bech32Prefix(auth::Bech32PrefixRequest) -> auth::Bech32PrefixResponse;
    none address_bytes_to_string/AddressBytesToString(auth::AddressBytesToStringRequest) -> auth::AddressBytesToStringResponse;
    none address_string_to_bytes/AddressStringToBytes(auth::AddressStringToBytesRequest) -> auth::AddressStringToBytesResponse;
    none account_info/AccountInfo(auth::QueryAccountInfoRequest) -> auth::QueryAccountInfoResponse;
}

pub(super) fn routes() -> Router<Api> {
    Router::new().route("/cosmos/auth/v1beta1/accounts/{address}", get(account))
}

async fn account(State(api): State<Api>, Path(address): Path<String>) -> Response {
    let request = auth::QueryAccountRequest { address };
    reply(
        api.account(tonic::Request::new(request))
            .await
            .map(tonic::Response::into_inner),
    )
}
