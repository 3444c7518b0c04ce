//! Executing a transaction's messages: the bank's `MsgSend` and the wasm module's messages,
//! each answered with the SDK's `message` event and its `Msg…Response`.

use std::io::Read;

use cosmrs::proto::cosmos::bank::v1beta1::MsgSendResponse;
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::Any;
use cosmwasm_std::{Coin, Uint256};
use prost::Name;
use tendermint::abci::Event;

use super::decode::Msg;
use crate::error::{ChainError, ChainResult};
use crate::events::event;
use crate::gas::UNCOMPRESS_COST_PER_100_BYTES;
use crate::wasm::keeper::{self, any, MAX_WASM_SIZE};
use crate::wasm::{CallCtx, Instantiation};

/// Runs one message; returns its events (starting with `message`) and its response.
pub fn run(ctx: &CallCtx, msg: &Msg) -> ChainResult<(Vec<Event>, Any)> {
    let bech32 = &ctx.vm.bech32;
    let sender = bech32.decode(msg.signer())?;
    let (events, response) = match msg {
        Msg::Send(m) => {
            let to = bech32.decode(&m.to_address)?;
            let events = crate::bank::send(&ctx.kv(), bech32, &sender, &to, &coins(&m.amount)?)?;
            (events, any(&MsgSendResponse {}))
        }
        Msg::StoreCode(m) => {
            let code = uncompress(ctx, &m.wasm_byte_code)?;
            let (code_id, checksum, events) = keeper::store_code(ctx, &sender, &code)?;
            let checksum = checksum.as_slice().to_vec();
            (
                events,
                any(&wasm::MsgStoreCodeResponse { code_id, checksum }),
            )
        }
        Msg::Instantiate(m) => {
            let funds = coins(&m.funds)?;
            let new = Instantiation {
                code_id: m.code_id,
                admin: optional_address(ctx, &m.admin)?,
                label: &m.label,
                msg: &m.msg,
                funds: &funds,
                salt: None,
            };
            keeper::instantiate_msg(ctx, &sender, new)?
        }
        Msg::Instantiate2(m) => {
            let funds = coins(&m.funds)?;
            let new = Instantiation {
                code_id: m.code_id,
                admin: optional_address(ctx, &m.admin)?,
                label: &m.label,
                msg: &m.msg,
                funds: &funds,
                salt: Some((&m.salt, m.fix_msg)),
            };
            keeper::instantiate_msg(ctx, &sender, new)?
        }
        Msg::Execute(m) => {
            let contract = bech32.decode(&m.contract)?;
            keeper::execute_msg(ctx, &sender, &contract, &m.msg, &coins(&m.funds)?)?
        }
        Msg::Migrate(m) => {
            let contract = bech32.decode(&m.contract)?;
            keeper::migrate_msg(ctx, &sender, &contract, m.code_id, &m.msg)?
        }
        Msg::UpdateAdmin(m) => {
            let (contract, admin) = (bech32.decode(&m.contract)?, bech32.decode(&m.new_admin)?);
            let events = keeper::set_admin(ctx, &sender, &contract, Some(&admin))?;
            (events, any(&wasm::MsgUpdateAdminResponse {}))
        }
        Msg::ClearAdmin(m) => {
            let contract = bech32.decode(&m.contract)?;
            (
                keeper::set_admin(ctx, &sender, &contract, None)?,
                any(&wasm::MsgClearAdminResponse {}),
            )
        }
    };
    let message = event(
        "message",
        [
            ("action", type_url(msg)),
            ("sender", msg.signer().to_string()),
            ("module", msg.module().to_string()),
        ],
    );
    Ok((std::iter::once(message).chain(events).collect(), response))
}

fn type_url(msg: &Msg) -> String {
    match msg {
        Msg::Send(_) => cosmrs::proto::cosmos::bank::v1beta1::MsgSend::type_url(),
        Msg::StoreCode(_) => wasm::MsgStoreCode::type_url(),
        Msg::Instantiate(_) => wasm::MsgInstantiateContract::type_url(),
        Msg::Instantiate2(_) => wasm::MsgInstantiateContract2::type_url(),
        Msg::Execute(_) => wasm::MsgExecuteContract::type_url(),
        Msg::Migrate(_) => wasm::MsgMigrateContract::type_url(),
        Msg::UpdateAdmin(_) => wasm::MsgUpdateAdmin::type_url(),
        Msg::ClearAdmin(_) => wasm::MsgClearAdmin::type_url(),
    }
}

fn coins(coins: &[cosmrs::proto::cosmos::base::v1beta1::Coin]) -> ChainResult<Vec<Coin>> {
    coins
        .iter()
        .map(|c| {
            let amount = c
                .amount
                .parse::<Uint256>()
                .map_err(|e| ChainError::invalid_coins(format!("{:?}: {e}", c.amount)))?;
            Ok(Coin {
                denom: c.denom.clone(),
                amount,
            })
        })
        .collect()
}

fn optional_address(ctx: &CallCtx, address: &str) -> ChainResult<Option<Vec<u8>>> {
    (!address.is_empty())
        .then(|| ctx.vm.bech32.decode(address))
        .transpose()
}

/// Gzip-compressed uploads are accepted as by wasmd (`ioutils.Uncompress`), charged per
/// compressed byte and capped at the maximum code size.
fn uncompress(ctx: &CallCtx, code: &[u8]) -> ChainResult<Vec<u8>> {
    if !code.starts_with(&[0x1f, 0x8b]) {
        return Ok(code.to_vec());
    }
    let cost = code.len() as u64 * UNCOMPRESS_COST_PER_100_BYTES / 100;
    ctx.meter.consume(cost, "Uncompress gzip bytecode")?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(code)
        .take(MAX_WASM_SIZE as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| ChainError::wasm_create(format!("uncompress wasm archive: {e}")))?;
    if out.len() > MAX_WASM_SIZE {
        return Err(ChainError::wasm_limit(format!(
            "uncompressed wasm over {MAX_WASM_SIZE} bytes"
        )));
    }
    Ok(out)
}
