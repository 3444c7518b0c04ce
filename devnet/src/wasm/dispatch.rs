//! Submessages and the messages contracts send (wasmd's `msg_dispatcher.go` and
//! `DefaultMessageHandler`): each submessage runs in its own store layer and, with a gas
//! limit, its own gas meter; a failure rolls back only that layer and is handed to `reply`
//! when the contract asked for it.

use std::sync::Arc;

use cosmrs::proto::cosmwasm::wasm::v1 as wasm_proto;
use cosmwasm_std::{
    BankMsg, Binary, CosmosMsg, MsgResponse, Reply, ReplyOn, SubMsg, SubMsgResponse, SubMsgResult,
    WasmMsg,
};
use cosmwasm_vm::call_reply;
use prost::{Message, Name};
use tendermint::abci::Event;

use super::keeper::{self, Instantiation};
use super::response::{handle_response, Outcome};
use super::vm::{CallCtx, CodeRef};
use crate::error::{ChainError, ChainResult};
use crate::events::event;
use crate::gas::{event_costs, GasMeter};

/// What one dispatched message produced.
struct Dispatched {
    events: Vec<Event>,
    msg_response: MsgResponse,
}

/// Runs `messages` in order; returns their events and the data of the last reply that set
/// data (which replaces the contract's own).
pub fn dispatch_submessages(
    ctx: &CallCtx,
    contract: &[u8],
    messages: Vec<SubMsg>,
) -> ChainResult<(Vec<Event>, Option<Vec<u8>>)> {
    let mut events = Vec::new();
    let mut data = None;
    for sub in messages {
        let meter = match sub.gas_limit {
            Some(limit) => Arc::new(GasMeter::new(limit.min(ctx.meter.remaining()))),
            None => ctx.meter.clone(),
        };
        let sub_ctx = ctx.with_meter(meter.clone());
        ctx.store.lock().begin();
        let result = dispatch(&sub_ctx, contract, sub.msg);
        match &result {
            Ok(_) => ctx.store.lock().commit(),
            Err(_) => ctx.store.lock().discard(),
        }
        if sub.gas_limit.is_some() {
            ctx.meter
                .consume(meter.used().min(meter.limit()), "From limited Sub-Message")?;
        }
        let result = match result {
            // Without a limit of its own, running out of gas ends the whole transaction.
            Err(err) if err.is_out_of_gas() && sub.gas_limit.is_none() => return Err(err),
            other => other,
        };
        let wants_reply = match (&result, sub.reply_on) {
            (_, ReplyOn::Always) | (Ok(_), ReplyOn::Success) | (Err(_), ReplyOn::Error) => true,
            (Err(_), ReplyOn::Never | ReplyOn::Success) => {
                return Err(result.err().expect("matched Err"))
            }
            (Ok(_), ReplyOn::Never | ReplyOn::Error) => false,
        };
        let sub_result = match result {
            Ok(dispatched) => {
                // wasmd hands the contract its sub-call's events without `message` events.
                let visible: Vec<Event> = dispatched
                    .events
                    .into_iter()
                    .filter(|e| e.kind != "message")
                    .collect();
                let response = sub_response(&visible, dispatched.msg_response);
                events.extend(visible);
                SubMsgResult::Ok(response)
            }
            // wasmd redacts errors passed to `reply` to codespace and code (non-deterministic
            // details stay out of state).
            Err(err) => {
                SubMsgResult::Err(format!("codespace: {}, code: {}", err.codespace, err.code))
            }
        };
        if !wants_reply {
            continue;
        }
        let reply = Reply {
            id: sub.id,
            payload: sub.payload,
            gas_used: meter.used(),
            result: sub_result,
        };
        let outcome = reply_to(ctx, contract, reply)?;
        events.extend(outcome.events);
        if outcome.data.is_some() {
            data = outcome.data;
        }
    }
    Ok((events, data))
}

#[allow(deprecated)] // `data` is still filled, as wasmd does, for contracts that read it.
fn sub_response(events: &[Event], msg_response: MsgResponse) -> SubMsgResponse {
    let events = events
        .iter()
        .map(|e| {
            // Struct literals: `Attribute::new` rejects wasmd's own `_contract_address`.
            let mut event = cosmwasm_std::Event::new(e.kind.clone());
            event.attributes = e
                .attributes
                .iter()
                .map(|a| cosmwasm_std::Attribute {
                    key: String::from_utf8_lossy(a.key_bytes()).into_owned(),
                    value: String::from_utf8_lossy(a.value_bytes()).into_owned(),
                })
                .collect();
            event
        })
        .collect();
    let data = (!msg_response.value.is_empty()).then(|| msg_response.value.clone());
    SubMsgResponse {
        events,
        data,
        msg_responses: vec![msg_response],
    }
}

/// Calls the contract's `reply` entry point (wasmd `ReplyCosts`: the discounted instance
/// cost plus the costs of the sub-call's events).
fn reply_to(ctx: &CallCtx, contract: &[u8], reply: Reply) -> ChainResult<Outcome> {
    if let SubMsgResult::Ok(response) = &reply.result {
        let attrs = response.events.iter().flat_map(|e| e.attributes.iter());
        let types = response.events.iter().map(|e| e.ty.as_str());
        let cost = event_costs(attrs.map(|a| (a.key.as_str(), a.value.as_str())), types);
        ctx.meter.consume(cost, "reply events")?;
    }
    let kv = ctx.kv();
    let human = ctx.vm.bech32.encode(contract);
    let info = super::state::load_contract(&kv, contract, &human)?;
    let checksum = keeper::checksum_of(&super::state::load_code(&kv, info.code_id)?)?;
    let code = CodeRef {
        checksum,
        pinned: true,
    };
    let env = ctx.env(&human);
    let response = ctx
        .run(contract, &code, ChainError::wasm_execute, |instance| {
            call_reply(instance, &env, &reply)
        })?
        .into_result()
        .map_err(ChainError::wasm_execute)?;
    let leading = vec![event("reply", [("_contract_address", human)])];
    Ok(handle_response(ctx, contract, response)?.after(leading))
}

/// Executes one message a contract sent, with the contract as sender.
fn dispatch(ctx: &CallCtx, contract: &[u8], msg: CosmosMsg) -> ChainResult<Dispatched> {
    let bech32 = &ctx.vm.bech32;
    match msg {
        CosmosMsg::Bank(BankMsg::Send { to_address, amount }) => {
            let to = bech32.decode(&to_address)?;
            let events = crate::bank::send(&ctx.kv(), bech32, contract, &to, &amount)?;
            let msg_response =
                response_of(&cosmrs::proto::cosmos::bank::v1beta1::MsgSendResponse {});
            Ok(Dispatched {
                events,
                msg_response,
            })
        }
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr,
            msg,
            funds,
        }) => {
            let target = bech32.decode(&contract_addr)?;
            dispatched(keeper::execute_msg(ctx, contract, &target, &msg, &funds)?)
        }
        CosmosMsg::Wasm(WasmMsg::Instantiate {
            admin,
            code_id,
            msg,
            funds,
            label,
        }) => {
            let admin = admin.map(|a| bech32.decode(&a)).transpose()?;
            let new = Instantiation {
                code_id,
                admin,
                label: &label,
                msg: &msg,
                funds: &funds,
                salt: None,
            };
            dispatched(keeper::instantiate_msg(ctx, contract, new)?)
        }
        CosmosMsg::Wasm(WasmMsg::Instantiate2 {
            admin,
            code_id,
            label,
            msg,
            funds,
            salt,
        }) => {
            let admin = admin.map(|a| bech32.decode(&a)).transpose()?;
            let salt = Some((salt.as_slice(), false));
            let new = Instantiation {
                code_id,
                admin,
                label: &label,
                msg: &msg,
                funds: &funds,
                salt,
            };
            dispatched(keeper::instantiate_msg(ctx, contract, new)?)
        }
        CosmosMsg::Wasm(WasmMsg::Migrate {
            contract_addr,
            new_code_id,
            msg,
        }) => {
            let target = bech32.decode(&contract_addr)?;
            dispatched(keeper::migrate_msg(
                ctx,
                contract,
                &target,
                new_code_id,
                &msg,
            )?)
        }
        CosmosMsg::Wasm(WasmMsg::UpdateAdmin {
            contract_addr,
            admin,
        }) => {
            let (target, admin) = (bech32.decode(&contract_addr)?, bech32.decode(&admin)?);
            let events = keeper::set_admin(ctx, contract, &target, Some(&admin))?;
            Ok(Dispatched {
                events,
                msg_response: response_of(&wasm_proto::MsgUpdateAdminResponse {}),
            })
        }
        CosmosMsg::Wasm(WasmMsg::ClearAdmin { contract_addr }) => {
            let target = bech32.decode(&contract_addr)?;
            let events = keeper::set_admin(ctx, contract, &target, None)?;
            Ok(Dispatched {
                events,
                msg_response: response_of(&wasm_proto::MsgClearAdminResponse {}),
            })
        }
        other => Err(ChainError::wasm_unknown_msg(format!(
            "the devnet supports bank sends and wasm messages only, not {}",
            message_kind(&other)
        ))),
    }
}

fn response_of<M: Message + Name>(msg: &M) -> MsgResponse {
    to_msg_response(keeper::any(msg))
}

fn to_msg_response(any: cosmrs::Any) -> MsgResponse {
    MsgResponse {
        type_url: any.type_url,
        value: Binary::new(any.value),
    }
}

fn dispatched((events, response): (Vec<Event>, cosmrs::Any)) -> ChainResult<Dispatched> {
    Ok(Dispatched {
        events,
        msg_response: to_msg_response(response),
    })
}

fn message_kind(msg: &CosmosMsg) -> &'static str {
    match msg {
        CosmosMsg::Bank(_) => "this bank message",
        CosmosMsg::Custom(_) => "custom messages",
        CosmosMsg::Staking(_) => "staking messages",
        CosmosMsg::Distribution(_) => "distribution messages",
        CosmosMsg::Ibc(_) => "IBC messages",
        CosmosMsg::Gov(_) => "gov messages",
        CosmosMsg::Any(_) => "protobuf (Any) messages",
        _ => "this message",
    }
}
