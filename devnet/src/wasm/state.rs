//! The wasm module's records, laid out as wasmd's keeper stores them (`x/wasm/types/keys.go`):
//! code infos, contract infos as wasmd's own protobufs, contract storage under
//! `0x03 ‖ address`, the code and instance sequences, and the pinned-code set.

use cosmrs::proto::cosmwasm::wasm::v1::{CodeInfo, ContractInfo};
use prost::Message;

use crate::auth::decode_u64;
use crate::error::{ChainError, ChainResult};
use crate::kv::Kv;
use crate::store::Store;

const CODE: u8 = 0x01;
const CONTRACT: u8 = 0x02;
const CONTRACT_STORE: u8 = 0x03;
const SEQUENCE: u8 = 0x04;
const CONTRACTS_BY_CODE: u8 = 0x06;
const PINNED: u8 = 0x07;

fn key(prefix: u8, rest: &[&[u8]]) -> Vec<u8> {
    let mut key = vec![b'w', prefix];
    for part in rest {
        key.extend_from_slice(part);
    }
    key
}

/// Prefix of a contract's own storage.
pub fn contract_store_prefix(address: &[u8]) -> Vec<u8> {
    key(CONTRACT_STORE, &[address])
}

/// Prefix of the index of contracts instantiated from `code_id`.
pub fn contracts_by_code_prefix(code_id: u64) -> Vec<u8> {
    key(CONTRACTS_BY_CODE, &[&code_id.to_be_bytes()])
}

/// Prefix of every code info (ascending by id).
pub fn codes_prefix() -> Vec<u8> {
    key(CODE, &[])
}

/// Bumps and returns a sequence (`lastCodeId`, `lastContractId`), starting at 1 as wasmd.
pub fn next_id(kv: &Kv, name: &str) -> ChainResult<u64> {
    let k = key(SEQUENCE, &[name.as_bytes()]);
    let next = kv.get(&k)?.map_or(1, |bytes| decode_u64(&bytes));
    kv.set(k, (next + 1).to_be_bytes().to_vec())?;
    Ok(next)
}

pub fn save_code(kv: &Kv, code_id: u64, info: &CodeInfo) -> ChainResult<()> {
    kv.set(key(CODE, &[&code_id.to_be_bytes()]), info.encode_to_vec())?;
    Ok(())
}

pub fn load_code(kv: &Kv, code_id: u64) -> ChainResult<CodeInfo> {
    let bytes = kv
        .get(&key(CODE, &[&code_id.to_be_bytes()]))?
        .ok_or_else(|| ChainError::wasm_no_such_code(format!("code id {code_id}")))?;
    decode(&bytes)
}

pub fn save_contract(kv: &Kv, address: &[u8], info: &ContractInfo) -> ChainResult<()> {
    kv.set(key(CONTRACT, &[address]), info.encode_to_vec())?;
    Ok(())
}

pub fn load_contract(kv: &Kv, address: &[u8], bech32: &str) -> ChainResult<ContractInfo> {
    let bytes = kv
        .get(&key(CONTRACT, &[address]))?
        .ok_or_else(|| ChainError::wasm_no_such_contract(format!("address {bech32}")))?;
    decode(&bytes)
}

pub fn contract_exists(kv: &Kv, address: &[u8]) -> ChainResult<bool> {
    Ok(kv.has(&key(CONTRACT, &[address]))?)
}

/// Unmetered read for queries and the VM's contract-info query.
pub fn peek_contract(store: &Store, address: &[u8]) -> Option<ContractInfo> {
    store
        .get(&key(CONTRACT, &[address]))
        .and_then(|bytes| decode(&bytes).ok())
}

/// Unmetered read for queries.
pub fn peek_code(store: &Store, code_id: u64) -> Option<CodeInfo> {
    store
        .get(&key(CODE, &[&code_id.to_be_bytes()]))
        .and_then(|bytes| decode(&bytes).ok())
}

pub fn index_contract(kv: &Kv, code_id: u64, address: &[u8]) -> ChainResult<()> {
    kv.set(
        [contracts_by_code_prefix(code_id), address.to_vec()].concat(),
        Vec::new(),
    )?;
    Ok(())
}

pub fn unindex_contract(kv: &Kv, code_id: u64, address: &[u8]) -> ChainResult<()> {
    kv.remove(&[contracts_by_code_prefix(code_id), address.to_vec()].concat())?;
    Ok(())
}

pub fn pin(kv: &Kv, code_id: u64) -> ChainResult<()> {
    kv.set(key(PINNED, &[&code_id.to_be_bytes()]), vec![1])?;
    Ok(())
}

pub fn is_pinned(kv: &Kv, code_id: u64) -> ChainResult<bool> {
    Ok(kv.has(&key(PINNED, &[&code_id.to_be_bytes()]))?)
}

/// The code id a code-info key belongs to.
pub fn code_id_of(code_key: &[u8]) -> u64 {
    decode_u64(&code_key[2..])
}

fn decode<T: Message + Default>(bytes: &[u8]) -> ChainResult<T> {
    T::decode(bytes).map_err(|e| ChainError::invalid_request(format!("corrupt wasm record: {e}")))
}
