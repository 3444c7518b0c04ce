//! A test-only contract for the devnet's own tests: it writes and reads storage, fails on
//! demand, dispatches submessages with every reply mode and gas limit, records what its
//! `reply` receives, queries other contracts and burns gas. Each behaviour is one message,
//! so a test states exactly which chain semantics it checks.

use cosmwasm_schema::cw_serde;
#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Reply, ReplyOn, Response, StdError,
    StdResult, SubMsg, SubMsgResult, WasmMsg,
};

const LAST_REPLY: &[u8] = b"last_reply";

#[cw_serde]
pub struct InstantiateMsg {}

#[cw_serde]
pub enum ReplyMode {
    Never,
    Success,
    Error,
    Always,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Stores `value` under `key`.
    Set { key: String, value: String },
    /// Stores `value` under `key`, then fails (the write must not survive).
    SetThenFail { key: String, value: String },
    /// Stores `value` under `key`, then executes `msg` on `contract` as a submessage.
    Dispatch {
        key: String,
        value: String,
        contract: String,
        msg: Binary,
        reply: ReplyMode,
        gas_limit: Option<u64>,
    },
    /// Smart-queries `contract` for `key` and stores the answer under `key` here.
    CopyFrom { contract: String, key: String },
    /// Spins `rounds` times over storage reads (to run out of gas on demand).
    Burn { rounds: u32 },
}

#[cw_serde]
pub enum QueryMsg {
    Get {
        key: String,
    },
    /// What the last `reply` received: `ok:<payload>` or `err:<payload>:<error>`.
    LastReply {},
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(_: DepsMut, _: Env, _: MessageInfo, _: InstantiateMsg) -> StdResult<Response> {
    Ok(Response::new().add_attribute("action", "instantiate"))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(deps: DepsMut, _: Env, _: MessageInfo, msg: ExecuteMsg) -> StdResult<Response> {
    match msg {
        ExecuteMsg::Set { key, value } => {
            deps.storage.set(key.as_bytes(), value.as_bytes());
            Ok(Response::new().add_attribute("set", key))
        }
        ExecuteMsg::SetThenFail { key, value } => {
            deps.storage.set(key.as_bytes(), value.as_bytes());
            Err(StdError::generic_err(format!(
                "failing after setting {key}"
            )))
        }
        ExecuteMsg::Dispatch {
            key,
            value,
            contract,
            msg,
            reply,
            gas_limit,
        } => {
            deps.storage.set(key.as_bytes(), value.as_bytes());
            let exec = WasmMsg::Execute {
                contract_addr: contract,
                msg,
                funds: vec![],
            };
            let reply_on = match reply {
                ReplyMode::Never => ReplyOn::Never,
                ReplyMode::Success => ReplyOn::Success,
                ReplyMode::Error => ReplyOn::Error,
                ReplyMode::Always => ReplyOn::Always,
            };
            let mut sub = SubMsg::new(exec).with_payload(key.into_bytes());
            sub.reply_on = reply_on;
            sub.gas_limit = gas_limit;
            sub.id = 7;
            Ok(Response::new().add_submessage(sub))
        }
        ExecuteMsg::CopyFrom { contract, key } => {
            let value: Option<String> = deps
                .querier
                .query_wasm_smart(contract, &QueryMsg::Get { key: key.clone() })?;
            deps.storage
                .set(key.as_bytes(), value.unwrap_or_default().as_bytes());
            Ok(Response::new())
        }
        ExecuteMsg::Burn { rounds } => {
            let mut total = 0usize;
            for round in 0..rounds {
                total += deps
                    .storage
                    .get(&round.to_be_bytes())
                    .map_or(0, |v| v.len());
            }
            Ok(Response::new().add_attribute("burned", total.to_string()))
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _: Env, reply: Reply) -> StdResult<Response> {
    let payload = String::from_utf8_lossy(&reply.payload).into_owned();
    let record = match reply.result {
        SubMsgResult::Ok(_) => format!("ok:{payload}"),
        SubMsgResult::Err(err) => format!("err:{payload}:{err}"),
    };
    deps.storage.set(LAST_REPLY, record.as_bytes());
    Ok(Response::new().add_attribute("reply", record))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _: Env, msg: QueryMsg) -> StdResult<Binary> {
    let read = |key: &[u8]| {
        deps.storage
            .get(key)
            .map(|v| String::from_utf8_lossy(&v).into_owned())
    };
    match msg {
        QueryMsg::Get { key } => to_json_binary(&read(key.as_bytes())),
        QueryMsg::LastReply {} => to_json_binary(&read(LAST_REPLY)),
    }
}
