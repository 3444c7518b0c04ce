//! The wasm module's operations (wasmd's `x/wasm/keeper`): store, instantiate, execute,
//! migrate, admin changes and smart queries, each charging gas and emitting events as
//! wasmd does.

use cosmrs::proto::cosmwasm::wasm::v1::{
    self as wasm_proto, AbsoluteTxPosition, CodeInfo, ContractInfo,
};
use cosmrs::Any;
use cosmwasm_std::{Addr, Checksum, Coin, MessageInfo};
use cosmwasm_vm::{call_execute, call_instantiate, call_migrate, call_query_raw};
use tendermint::abci::Event;

use super::response::{handle_response, Outcome};
use super::state;
use super::vm::{CallCtx, CodeRef};
use crate::bank;
use crate::error::{ChainError, ChainResult};
use crate::events::event;
use crate::gas::COMPILE_COST_PER_BYTE;

/// Largest code wasmd accepts (`MaxWasmSize`, 800 KiB).
pub const MAX_WASM_SIZE: usize = 819_200;
/// Longest contract label (wasmd `MaxLabelSize`).
const MAX_LABEL_SIZE: usize = 128;
/// Longest instantiate2 salt (wasmd `MaxSaltSize`).
const MAX_SALT_SIZE: usize = 64;

/// `MsgStoreCode`: checks, compiles and registers `wasm` (already decompressed).
pub fn store_code(
    ctx: &CallCtx,
    sender: &[u8],
    wasm: &[u8],
) -> ChainResult<(u64, Checksum, Vec<Event>)> {
    if wasm.is_empty() {
        return Err(ChainError::wasm_empty("wasm code"));
    }
    if wasm.len() > MAX_WASM_SIZE {
        return Err(ChainError::wasm_limit(format!(
            "wasm code of {} bytes",
            wasm.len()
        )));
    }
    ctx.meter.consume(
        COMPILE_COST_PER_BYTE * wasm.len() as u64,
        "Compiling wasm bytecode",
    )?;
    let checksum = ctx.vm.store_code(wasm)?;
    let kv = ctx.kv();
    let code_id = state::next_id(&kv, "lastCodeId")?;
    let info = CodeInfo {
        code_hash: checksum.as_slice().to_vec(),
        creator: ctx.vm.bech32.encode(sender),
        instantiate_config: None,
    };
    state::save_code(&kv, code_id, &info)?;
    let events = vec![event(
        "store_code",
        [
            ("code_checksum", checksum.to_hex()),
            ("code_id", code_id.to_string()),
        ],
    )];
    Ok((code_id, checksum, events))
}

/// Pins a stored code: its instance cost drops to wasmd's discounted cost.
pub fn pin_code(ctx: &CallCtx, code_id: u64) -> ChainResult<()> {
    let kv = ctx.kv();
    let info = state::load_code(&kv, code_id)?;
    ctx.vm.pin(&checksum_of(&info)?)?;
    state::pin(&kv, code_id)
}

/// What a new contract is made of.
pub struct Instantiation<'a> {
    pub code_id: u64,
    pub admin: Option<Vec<u8>>,
    pub label: &'a str,
    pub msg: &'a [u8],
    pub funds: &'a [Coin],
    /// `Some((salt, fix_msg))` for `MsgInstantiateContract2`.
    pub salt: Option<(&'a [u8], bool)>,
}

/// `MsgInstantiateContract(2)`: derives the address, moves the funds, runs `instantiate`.
pub fn instantiate(
    ctx: &CallCtx,
    sender: &[u8],
    new: Instantiation,
) -> ChainResult<(Vec<u8>, Outcome)> {
    if new.label.trim().is_empty() {
        return Err(ChainError::wasm_empty("label"));
    }
    if new.label.len() > MAX_LABEL_SIZE {
        return Err(ChainError::wasm_limit(format!(
            "label of {} bytes",
            new.label.len()
        )));
    }
    let kv = ctx.kv();
    let code = state::load_code(&kv, new.code_id)?;
    let checksum = checksum_of(&code)?;
    let address = match new.salt {
        Some((salt, fix_msg)) => {
            if salt.is_empty() || salt.len() > MAX_SALT_SIZE {
                return Err(ChainError::wasm_invalid(format!(
                    "salt of {} bytes",
                    salt.len()
                )));
            }
            let init_msg = if fix_msg { new.msg } else { &[] };
            super::address::predictable(checksum.as_slice(), sender, salt, init_msg)
        }
        None => super::address::classic(new.code_id, state::next_id(&kv, "lastContractId")?),
    };
    let bech32 = &ctx.vm.bech32;
    let human = bech32.encode(&address);
    if state::contract_exists(&kv, &address)? {
        return Err(ChainError::wasm_duplicate(format!(
            "contract address {human} already exists"
        )));
    }
    crate::auth::load_or_create(&kv, bech32, &address)?;
    let mut events = transfer_funds(ctx, sender, &address, new.funds)?;
    let info = ContractInfo {
        code_id: new.code_id,
        creator: bech32.encode(sender),
        admin: new
            .admin
            .as_deref()
            .map(|a| bech32.encode(a))
            .unwrap_or_default(),
        label: new.label.to_string(),
        created: Some(position(ctx)),
        ibc_port_id: String::new(),
        extension: None,
    };
    state::save_contract(&kv, &address, &info)?;
    state::index_contract(&kv, new.code_id, &address)?;
    let code_ref = CodeRef {
        checksum,
        pinned: state::is_pinned(&kv, new.code_id)?,
    };
    let (env, msg_info) = (ctx.env(&human), message_info(ctx, sender, new.funds));
    let response = ctx
        .run(
            &address,
            &code_ref,
            ChainError::wasm_instantiate,
            |instance| call_instantiate(instance, &env, &msg_info, new.msg),
        )?
        .into_result()
        .map_err(ChainError::wasm_instantiate)?;
    events.push(event(
        "instantiate",
        [
            ("_contract_address", human),
            ("code_id", new.code_id.to_string()),
        ],
    ));
    let outcome = handle_response(ctx, &address, response)?;
    Ok((address, outcome.after(events)))
}

/// Instantiates and answers with the SDK's `MsgInstantiateContract(2)Response`.
pub fn instantiate_msg(
    ctx: &CallCtx,
    sender: &[u8],
    new: Instantiation,
) -> ChainResult<(Vec<Event>, Any)> {
    let predictable = new.salt.is_some();
    let (address, outcome) = instantiate(ctx, sender, new)?;
    let address = ctx.vm.bech32.encode(&address);
    let data = outcome.data.unwrap_or_default();
    let response = if predictable {
        any(&wasm_proto::MsgInstantiateContract2Response { address, data })
    } else {
        any(&wasm_proto::MsgInstantiateContractResponse { address, data })
    };
    Ok((outcome.events, response))
}

/// Executes and answers with the SDK's `MsgExecuteContractResponse`.
pub fn execute_msg(
    ctx: &CallCtx,
    sender: &[u8],
    contract: &[u8],
    msg: &[u8],
    funds: &[Coin],
) -> ChainResult<(Vec<Event>, Any)> {
    let outcome = execute(ctx, sender, contract, msg, funds)?;
    let data = outcome.data.unwrap_or_default();
    Ok((
        outcome.events,
        any(&wasm_proto::MsgExecuteContractResponse { data }),
    ))
}

/// Migrates and answers with the SDK's `MsgMigrateContractResponse`.
pub fn migrate_msg(
    ctx: &CallCtx,
    sender: &[u8],
    contract: &[u8],
    code_id: u64,
    msg: &[u8],
) -> ChainResult<(Vec<Event>, Any)> {
    let outcome = migrate(ctx, sender, contract, code_id, msg)?;
    let data = outcome.data.unwrap_or_default();
    Ok((
        outcome.events,
        any(&wasm_proto::MsgMigrateContractResponse { data }),
    ))
}

/// A message response packed as the SDK packs it.
pub fn any<M: prost::Message + prost::Name>(msg: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

/// `MsgExecuteContract`: moves the funds and runs `execute`.
pub fn execute(
    ctx: &CallCtx,
    sender: &[u8],
    contract: &[u8],
    msg: &[u8],
    funds: &[Coin],
) -> ChainResult<Outcome> {
    let (human, code_ref) = contract_code(ctx, contract)?;
    let mut events = transfer_funds(ctx, sender, contract, funds)?;
    let (env, msg_info) = (ctx.env(&human), message_info(ctx, sender, funds));
    let response = ctx
        .run(contract, &code_ref, ChainError::wasm_execute, |instance| {
            call_execute(instance, &env, &msg_info, msg)
        })?
        .into_result()
        .map_err(ChainError::wasm_execute)?;
    events.push(event("execute", [("_contract_address", human)]));
    Ok(handle_response(ctx, contract, response)?.after(events))
}

/// `MsgMigrateContract`: only the admin may move a contract to another code.
pub fn migrate(
    ctx: &CallCtx,
    sender: &[u8],
    contract: &[u8],
    code_id: u64,
    msg: &[u8],
) -> ChainResult<Outcome> {
    let kv = ctx.kv();
    let bech32 = &ctx.vm.bech32;
    let human = bech32.encode(contract);
    let mut info = state::load_contract(&kv, contract, &human)?;
    require_admin(&info, &bech32.encode(sender), "migrate")?;
    let checksum = checksum_of(&state::load_code(&kv, code_id)?)?;
    state::unindex_contract(&kv, info.code_id, contract)?;
    state::index_contract(&kv, code_id, contract)?;
    info.code_id = code_id;
    state::save_contract(&kv, contract, &info)?;
    let code_ref = CodeRef {
        checksum,
        pinned: state::is_pinned(&kv, code_id)?,
    };
    let env = ctx.env(&human);
    let response = ctx
        .run(contract, &code_ref, ChainError::wasm_migrate, |instance| {
            call_migrate(instance, &env, msg)
        })?
        .into_result()
        .map_err(ChainError::wasm_migrate)?;
    let events = vec![event(
        "migrate",
        [
            ("_contract_address", human),
            ("code_id", code_id.to_string()),
        ],
    )];
    Ok(handle_response(ctx, contract, response)?.after(events))
}

/// `MsgUpdateAdmin` (`Some`) and `MsgClearAdmin` (`None`): only the admin may.
pub fn set_admin(
    ctx: &CallCtx,
    sender: &[u8],
    contract: &[u8],
    admin: Option<&[u8]>,
) -> ChainResult<Vec<Event>> {
    let kv = ctx.kv();
    let bech32 = &ctx.vm.bech32;
    let human = bech32.encode(contract);
    let mut info = state::load_contract(&kv, contract, &human)?;
    require_admin(&info, &bech32.encode(sender), "modify contract")?;
    info.admin = admin.map(|a| bech32.encode(a)).unwrap_or_default();
    state::save_contract(&kv, contract, &info)?;
    Ok(vec![event(
        "update_contract_admin",
        [
            ("_contract_address", human),
            ("new_admin_address", info.admin),
        ],
    )])
}

/// A smart query (from `abci_query` or from another contract), metered like a call.
pub fn query_smart(ctx: &CallCtx, contract: &[u8], msg: &[u8]) -> ChainResult<Vec<u8>> {
    let (human, code_ref) = contract_code(ctx, contract)?;
    let env = ctx.env(&human);
    let binary = ctx.run(contract, &code_ref, ChainError::wasm_query, |instance| {
        call_query_raw(instance, &cosmwasm_vm::to_vec(&env)?, msg)
    })?;
    let result: cosmwasm_std::ContractResult<cosmwasm_std::Binary> =
        serde_json::from_slice(&binary)
            .map_err(|e| ChainError::wasm_query(format!("invalid query result: {e}")))?;
    result
        .into_result()
        .map(|b| b.to_vec())
        .map_err(ChainError::wasm_query)
}

fn contract_code(ctx: &CallCtx, contract: &[u8]) -> ChainResult<(String, CodeRef)> {
    let kv = ctx.kv();
    let human = ctx.vm.bech32.encode(contract);
    let info = state::load_contract(&kv, contract, &human)?;
    let checksum = checksum_of(&state::load_code(&kv, info.code_id)?)?;
    let pinned = state::is_pinned(&kv, info.code_id)?;
    Ok((human, CodeRef { checksum, pinned }))
}

fn require_admin(info: &ContractInfo, sender: &str, action: &str) -> ChainResult<()> {
    if info.admin.is_empty() || info.admin != sender {
        return Err(ChainError::unauthorized(format!("can not {action}")));
    }
    Ok(())
}

fn transfer_funds(
    ctx: &CallCtx,
    from: &[u8],
    to: &[u8],
    funds: &[Coin],
) -> ChainResult<Vec<Event>> {
    if funds.is_empty() {
        return Ok(Vec::new());
    }
    bank::send(&ctx.kv(), &ctx.vm.bech32, from, to, funds)
}

fn message_info(ctx: &CallCtx, sender: &[u8], funds: &[Coin]) -> MessageInfo {
    MessageInfo {
        sender: Addr::unchecked(ctx.vm.bech32.encode(sender)),
        funds: funds.to_vec(),
    }
}

fn position(ctx: &CallCtx) -> AbsoluteTxPosition {
    AbsoluteTxPosition {
        block_height: ctx.block.height,
        tx_index: ctx.tx.as_ref().map_or(0, |(index, _)| u64::from(*index)),
    }
}

pub fn checksum_of(code: &CodeInfo) -> ChainResult<Checksum> {
    Checksum::try_from(code.code_hash.as_slice())
        .map_err(|e| ChainError::wasm_invalid(format!("stored checksum: {e}")))
}
