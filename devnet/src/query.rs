//! The gRPC query services clients reach through `abci_query` (the SDK's gRPC-over-ABCI
//! router): auth accounts, bank balances and supply, wasm contract state and codes, tx
//! simulation and node info. The API's gRPC services answer through it too. Requests and responses are the SDK's own protobufs.

use cosmrs::proto::cosmos::auth::v1beta1::{QueryAccountRequest, QueryAccountResponse};
use cosmrs::proto::cosmos::bank::v1beta1::{
    QueryAllBalancesRequest, QueryAllBalancesResponse, QueryBalanceRequest, QueryBalanceResponse,
    QuerySupplyOfRequest, QuerySupplyOfResponse, QueryTotalSupplyRequest, QueryTotalSupplyResponse,
};
use cosmrs::proto::cosmos::base::abci::v1beta1::{GasInfo, Result as AbciResult};
use cosmrs::proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmrs::proto::cosmos::base::tendermint::v1beta1::{
    GetNodeInfoRequest, GetNodeInfoResponse, VersionInfo,
};
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::proto::tendermint::p2p::{DefaultNodeInfo, DefaultNodeInfoOther, ProtocolVersion};
use cosmwasm_std::Coin;
use prost::Message;

use crate::app::App;
use crate::error::{ChainError, ChainResult};
use crate::gas::SMART_QUERY_GAS_LIMIT;
use crate::store::{Direction, Store};
use crate::wasm::{keeper, state};

/// Most items one paginated query returns (the SDK's `MaxLimit` is larger; a devnet needs less).
const MAX_PAGE: u64 = 1_000;
/// Items per page when the request sets no limit (the SDK's `DefaultLimit`).
const DEFAULT_PAGE: u64 = 100;

/// Answers `path` with `data` (both as `abci_query` carries them).
pub fn route(app: &mut App, path: &str, data: &[u8]) -> ChainResult<Vec<u8>> {
    let store = app.store.clone();
    let bech32 = app.params.bech32.clone();
    match path {
        "/cosmos.auth.v1beta1.Query/Account" => {
            let req: QueryAccountRequest = decode(data)?;
            let address = bech32.decode(&req.address)?;
            let ctx = app.query_ctx(u64::MAX);
            let account = crate::auth::load(&ctx.kv(), &address)?
                .ok_or_else(|| not_found(format!("account {} not found", req.address)))?;
            let any = cosmrs::Any::from_msg(&crate::auth::to_proto(&bech32, &account))
                .map_err(ChainError::invalid_request)?;
            Ok(QueryAccountResponse { account: Some(any) }.encode_to_vec())
        }
        "/cosmos.bank.v1beta1.Query/Balance" => {
            let req: QueryBalanceRequest = decode(data)?;
            let address = bech32.decode(&req.address)?;
            valid_denom(&req.denom)?;
            let ctx = app.query_ctx(u64::MAX);
            let amount = crate::bank::balance(&ctx.kv(), &address, &req.denom)?;
            let balance = proto_coin(&Coin {
                denom: req.denom,
                amount,
            });
            Ok(QueryBalanceResponse {
                balance: Some(balance),
            }
            .encode_to_vec())
        }
        "/cosmos.bank.v1beta1.Query/AllBalances" => {
            let req: QueryAllBalancesRequest = decode(data)?;
            let address = bech32.decode(&req.address)?;
            let balances = crate::bank::all_balances(&store.lock(), &address);
            let (page, pagination) = paginate(balances, req.pagination.as_ref());
            let balances = page.iter().map(proto_coin).collect();
            Ok(QueryAllBalancesResponse {
                balances,
                pagination: Some(pagination),
            }
            .encode_to_vec())
        }
        "/cosmos.bank.v1beta1.Query/TotalSupply" => {
            let req: QueryTotalSupplyRequest = decode(data)?;
            let supply = crate::bank::total_supply(&store.lock());
            let (page, pagination) = paginate(supply, req.pagination.as_ref());
            Ok(QueryTotalSupplyResponse {
                supply: page.iter().map(proto_coin).collect(),
                pagination: Some(pagination),
            }
            .encode_to_vec())
        }
        "/cosmos.bank.v1beta1.Query/SupplyOf" => {
            let req: QuerySupplyOfRequest = decode(data)?;
            valid_denom(&req.denom)?;
            let amount = crate::bank::supply(&store.lock(), &req.denom);
            let amount = proto_coin(&Coin {
                denom: req.denom,
                amount,
            });
            Ok(QuerySupplyOfResponse {
                amount: Some(amount),
            }
            .encode_to_vec())
        }
        "/cosmwasm.wasm.v1.Query/SmartContractState" => {
            let req: wasm::QuerySmartContractStateRequest = decode(data)?;
            let contract = bech32.decode(&req.address)?;
            // wasmd checks before it calls the contract (`grpc_query.go`).
            if serde_json::from_slice::<serde::de::IgnoredAny>(&req.query_data).is_err() {
                return Err(ChainError::invalid_request("invalid query data"));
            }
            let ctx = app.query_ctx(SMART_QUERY_GAS_LIMIT);
            let data = keeper::query_smart(&ctx, &contract, &req.query_data)?;
            Ok(wasm::QuerySmartContractStateResponse { data }.encode_to_vec())
        }
        "/cosmwasm.wasm.v1.Query/RawContractState" => {
            let req: wasm::QueryRawContractStateRequest = decode(data)?;
            let contract = bech32.decode(&req.address)?;
            let key = [state::contract_store_prefix(&contract), req.query_data].concat();
            let data = store.lock().get(&key).unwrap_or_default();
            Ok(wasm::QueryRawContractStateResponse { data }.encode_to_vec())
        }
        "/cosmwasm.wasm.v1.Query/ContractInfo" => {
            let req: wasm::QueryContractInfoRequest = decode(data)?;
            let contract = bech32.decode(&req.address)?;
            let info = state::peek_contract(&store.lock(), &contract)
                .ok_or_else(|| not_found(format!("address {}: no such contract", req.address)))?;
            Ok(wasm::QueryContractInfoResponse {
                address: req.address,
                contract_info: Some(info),
            }
            .encode_to_vec())
        }
        "/cosmwasm.wasm.v1.Query/Code" => {
            let req: wasm::QueryCodeRequest = decode(data)?;
            let info = state::peek_code(&store.lock(), req.code_id)
                .ok_or_else(|| not_found(format!("code id {}: no such code", req.code_id)))?;
            let wasm_code = app.vm.load_wasm(&keeper::checksum_of(&info)?)?;
            Ok(wasm::QueryCodeResponse {
                code_info: Some(code_info(req.code_id, info)),
                data: wasm_code,
            }
            .encode_to_vec())
        }
        "/cosmwasm.wasm.v1.Query/Codes" => {
            let req: wasm::QueryCodesRequest = decode(data)?;
            let codes = scan(
                &store.lock(),
                &state::codes_prefix(),
                req.pagination.as_ref(),
                |key, value| {
                    let info = wasm::CodeInfo::decode(value).ok()?;
                    Some(code_info(state::code_id_of(key), info))
                },
            );
            let (code_infos, pagination) = codes;
            Ok(wasm::QueryCodesResponse {
                code_infos,
                pagination: Some(pagination),
            }
            .encode_to_vec())
        }
        "/cosmwasm.wasm.v1.Query/ContractsByCode" => {
            let req: wasm::QueryContractsByCodeRequest = decode(data)?;
            let prefix = state::contracts_by_code_prefix(req.code_id);
            let (contracts, pagination) =
                scan(&store.lock(), &prefix, req.pagination.as_ref(), |key, _| {
                    Some(bech32.encode(&key[prefix.len()..]))
                });
            Ok(wasm::QueryContractsByCodeResponse {
                contracts,
                pagination: Some(pagination),
            }
            .encode_to_vec())
        }
        "/cosmos.tx.v1beta1.Service/Simulate" => {
            let req: SimulateRequest = decode(data)?;
            // The deprecated `tx` field (cosmpy still sends it): a `Tx` encodes to the same
            // bytes as the `TxRaw` of its body and auth info.
            #[allow(deprecated)]
            let tx_bytes = match (req.tx_bytes, req.tx) {
                (bytes, _) if !bytes.is_empty() => bytes,
                (_, Some(tx)) => tx.encode_to_vec(),
                _ => return Err(ChainError::invalid_request("empty txBytes is not allowed")),
            };
            let outcome = app.simulate(&tx_bytes);
            if outcome.code != 0 {
                let log = format!(
                    "{} With gas wanted: '{}' and gas used: '{}'",
                    outcome.log, outcome.gas_wanted, outcome.gas_used
                );
                return Err(ChainError::from_parts(
                    &outcome.codespace,
                    outcome.code,
                    log,
                ));
            }
            #[allow(deprecated)] // `data` is still filled by the SDK.
            let response = SimulateResponse {
                gas_info: Some(GasInfo {
                    gas_wanted: outcome.gas_wanted,
                    gas_used: outcome.gas_used,
                }),
                result: Some(AbciResult {
                    data: outcome.data.clone(),
                    log: outcome.log.clone(),
                    events: outcome.events.iter().cloned().map(Into::into).collect(),
                    msg_responses: msg_responses(&outcome.data),
                }),
            };
            Ok(response.encode_to_vec())
        }
        other => Err(ChainError::unknown_request(format!(
            "unknown query path {other}"
        ))),
    }
}

/// Node info is the node's, not the application's: the node answers this path itself.
pub const GET_NODE_INFO: &str = "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo";

/// `GetNodeInfo`: the node info CometBFT's `status` reports, and this application's version.
pub fn node_info(info: &tendermint::node::Info, data: &[u8]) -> ChainResult<Vec<u8>> {
    let _: GetNodeInfoRequest = decode(data)?;
    let response = GetNodeInfoResponse {
        default_node_info: Some(DefaultNodeInfo {
            protocol_version: Some(ProtocolVersion {
                p2p: info.protocol_version.p2p,
                block: info.protocol_version.block,
                app: info.protocol_version.app,
            }),
            default_node_id: info.id.to_string(),
            listen_addr: info.listen_addr.to_string(),
            network: info.network.to_string(),
            version: info.version.to_string(),
            channels: hex::decode(info.channels.to_string()).unwrap_or_default(),
            moniker: info.moniker.to_string(),
            other: Some(DefaultNodeInfoOther {
                tx_index: if bool::from(info.other.tx_index) {
                    "on"
                } else {
                    "off"
                }
                .to_string(),
                rpc_address: info.other.rpc_address.clone(),
            }),
        }),
        application_version: Some(VersionInfo {
            name: "ogpu-devnet".to_string(),
            app_name: "ogpu-devnet".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            cosmos_sdk_version: crate::COSMOS_SDK_VERSION.to_string(),
            ..Default::default()
        }),
    };
    Ok(response.encode_to_vec())
}

fn decode<M: Message + Default>(data: &[u8]) -> ChainResult<M> {
    M::decode(data).map_err(|e| ChainError::tx_decode(format!("query request: {e}")))
}

/// How the SDK words a gRPC `NotFound` passed through ABCI: `{PREFIX}{what}{SUFFIX}`.
pub const NOT_FOUND_PREFIX: &str = "rpc error: code = NotFound desc = ";
pub const NOT_FOUND_SUFFIX: &str = ": key not found";

/// The SDK turns gRPC `NotFound` into `ErrKeyNotFound` (code 22) with this wording, which
/// CosmJS recognises.
fn not_found(what: String) -> ChainError {
    ChainError {
        codespace: "sdk",
        code: 22,
        log: format!("{NOT_FOUND_PREFIX}{what}{NOT_FOUND_SUFFIX}"),
    }
}

/// The bank queries refuse a malformed denom, as the SDK's (`sdk.ValidateDenom`).
fn valid_denom(denom: &str) -> ChainResult<()> {
    if crate::bank::valid_denom(denom) {
        Ok(())
    } else {
        Err(ChainError::invalid_coins(format!(
            "invalid denom: {denom:?}"
        )))
    }
}

fn proto_coin(coin: &Coin) -> ProtoCoin {
    ProtoCoin {
        denom: coin.denom.clone(),
        amount: coin.amount.to_string(),
    }
}

fn code_info(code_id: u64, info: wasm::CodeInfo) -> wasm::CodeInfoResponse {
    wasm::CodeInfoResponse {
        code_id,
        creator: info.creator,
        data_hash: info.code_hash,
        instantiate_permission: None,
    }
}

fn msg_responses(tx_data: &[u8]) -> Vec<cosmrs::Any> {
    cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData::decode(tx_data)
        .map(|d| d.msg_responses)
        .unwrap_or_default()
}

fn page_bounds(page: Option<&PageRequest>) -> (u64, u64) {
    let limit = page.map_or(0, |p| p.limit);
    let limit = if limit == 0 {
        DEFAULT_PAGE
    } else {
        limit.min(MAX_PAGE)
    };
    (page.map_or(0, |p| p.offset), limit)
}

fn paginate<T>(items: Vec<T>, page: Option<&PageRequest>) -> (Vec<T>, PageResponse) {
    let (offset, limit) = page_bounds(page);
    let total = items.len() as u64;
    let page: Vec<T> = items
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    let more = offset + (page.len() as u64) < total;
    let next_key = if more {
        (offset + limit).to_be_bytes().to_vec()
    } else {
        Vec::new()
    };
    (page, PageResponse { next_key, total })
}

/// Walks the entries under `prefix` (from the request's `key`, else its `offset`) and maps
/// each with `f`; `next_key` is the key to continue from.
fn scan<T>(
    store: &Store,
    prefix: &[u8],
    page: Option<&PageRequest>,
    f: impl Fn(&[u8], &[u8]) -> Option<T>,
) -> (Vec<T>, PageResponse) {
    use std::ops::Bound;
    let (mut skip, limit) = page_bounds(page);
    let start = page.map(|p| p.key.clone()).filter(|k| !k.is_empty());
    let mut lower = match start {
        Some(key) => {
            skip = 0;
            Bound::Included([prefix, key.as_slice()].concat())
        }
        None => Bound::Included(prefix.to_vec()),
    };
    let upper = Bound::Excluded(crate::bank::prefix_end(prefix));
    let mut items = Vec::new();
    while let Some((key, value)) =
        store.next_in_range(lower.clone(), upper.clone(), Direction::Ascending)
    {
        if items.len() as u64 == limit {
            return (
                items,
                PageResponse {
                    next_key: key[prefix.len()..].to_vec(),
                    total: 0,
                },
            );
        }
        lower = Bound::Excluded(key.clone());
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if let Some(item) = f(&key, &value) {
            items.push(item);
        }
    }
    (
        items,
        PageResponse {
            next_key: Vec::new(),
            total: 0,
        },
    )
}
