//! Queries a contract makes while it runs (`deps.querier`): bank balances and other
//! contracts' smart, raw and info queries, charged on the same SDK gas meter as wasmd does.

use cosmwasm_std::{
    to_json_binary, BankQuery, Binary, ContractResult, Empty, QueryRequest, SystemError,
    SystemResult, WasmQuery,
};
use cosmwasm_vm::{BackendResult, GasInfo, Querier};
use serde_json::json;

use super::keeper;
use super::state;
use super::vm::CallCtx;
use crate::error::ChainResult;
use crate::gas::GAS_MULTIPLIER;

/// wasmd's `DefaultMaxQueryStackSize`: contract → contract query nesting.
const MAX_QUERY_DEPTH: u32 = 10;

pub struct ChainQuerier {
    ctx: CallCtx,
}

impl ChainQuerier {
    pub fn new(ctx: CallCtx) -> Self {
        Self { ctx }
    }
}

type Answer = SystemResult<ContractResult<Binary>>;

impl Querier for ChainQuerier {
    fn query_raw(&self, request: &[u8], _gas_limit: u64) -> BackendResult<Answer> {
        let before = self.ctx.meter.used();
        let answer = self.answer(request);
        let used = self.ctx.meter.used().saturating_sub(before);
        let gas = GasInfo::with_externally_used(used.saturating_mul(GAS_MULTIPLIER));
        match answer {
            Err(err) if err.is_out_of_gas() => (Err(cosmwasm_vm::BackendError::out_of_gas()), gas),
            Err(err) => (Ok(SystemResult::Ok(ContractResult::Err(err.log))), gas),
            Ok(answer) => (Ok(answer), gas),
        }
    }
}

impl ChainQuerier {
    fn answer(&self, request: &[u8]) -> ChainResult<Answer> {
        let request: QueryRequest<Empty> = match serde_json::from_slice(request) {
            Ok(request) => request,
            Err(e) => {
                return Ok(SystemResult::Err(SystemError::InvalidRequest {
                    error: e.to_string(),
                    request: Binary::from(request),
                }))
            }
        };
        let bech32 = &self.ctx.vm.bech32;
        let kv = self.ctx.kv();
        let value = match request {
            QueryRequest::Bank(BankQuery::Balance { address, denom }) => {
                let amount = crate::bank::balance(&kv, &bech32.decode(&address)?, &denom)?;
                json!({ "amount": { "denom": denom, "amount": amount } })
            }
            QueryRequest::Wasm(WasmQuery::Smart { contract_addr, msg }) => {
                if self.ctx.query_depth >= MAX_QUERY_DEPTH {
                    return Err(crate::error::ChainError::wasm_query(
                        "max query stack size exceeded",
                    ));
                }
                let contract = bech32.decode(&contract_addr)?;
                if !state::contract_exists(&kv, &contract)? {
                    return Ok(SystemResult::Err(SystemError::NoSuchContract {
                        addr: contract_addr,
                    }));
                }
                let nested = CallCtx {
                    query_depth: self.ctx.query_depth + 1,
                    ..self.ctx.clone()
                };
                let bytes = keeper::query_smart(&nested, &contract, &msg)?;
                return Ok(SystemResult::Ok(ContractResult::Ok(Binary::new(bytes))));
            }
            QueryRequest::Wasm(WasmQuery::Raw { contract_addr, key }) => {
                let contract = bech32.decode(&contract_addr)?;
                let full = [state::contract_store_prefix(&contract), key.to_vec()].concat();
                let value = kv.get(&full)?.unwrap_or_default();
                return Ok(SystemResult::Ok(ContractResult::Ok(Binary::new(value))));
            }
            QueryRequest::Wasm(WasmQuery::ContractInfo { contract_addr }) => {
                let contract = bech32.decode(&contract_addr)?;
                let Some(info) = state::peek_contract(&self.ctx.store.lock(), &contract) else {
                    return Ok(SystemResult::Err(SystemError::NoSuchContract {
                        addr: contract_addr,
                    }));
                };
                let pinned = state::is_pinned(&kv, info.code_id)?;
                json!({
                    "code_id": info.code_id,
                    "creator": info.creator,
                    "admin": (!info.admin.is_empty()).then_some(info.admin),
                    "pinned": pinned,
                    "ibc_port": null,
                })
            }
            QueryRequest::Wasm(WasmQuery::CodeInfo { code_id }) => {
                let Some(code) = state::peek_code(&self.ctx.store.lock(), code_id) else {
                    return Ok(SystemResult::Err(SystemError::NoSuchCode { code_id }));
                };
                json!({
                    "code_id": code_id,
                    "creator": code.creator,
                    "checksum": hex::encode(&code.code_hash),
                })
            }
            _ => {
                return Ok(SystemResult::Err(SystemError::UnsupportedRequest {
                    kind: "the devnet answers bank balance and wasm queries only".to_string(),
                }))
            }
        };
        let binary = to_json_binary(&value).expect("json values serialize");
        Ok(SystemResult::Ok(ContractResult::Ok(binary)))
    }
}
