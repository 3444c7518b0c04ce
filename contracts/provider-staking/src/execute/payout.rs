//! Slash payouts that never block a settlement: a transfer that fails (a recipient that
//! cannot receive) is credited here and withdrawn later by its recipient, as settlement
//! does with escrow payouts.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    coins, from_json, to_json_binary, Addr, BankMsg, DepsMut, MessageInfo, Reply, Response, SubMsg,
    Uint128,
};
use cw_utils::nonpayable;
use ogpu_types::events::attr;

use crate::error::ContractError;
use crate::state::{CONFIG, CREDITS, TOTALS};

/// Reply id of a slash payout that failed and must be credited instead.
pub const REPLY_PAYOUT_FAILED: u64 = 1;

/// What a failed payout credits, carried in the submessage's payload.
#[cw_serde]
struct Credit {
    recipient: Addr,
    amount: Uint128,
}

/// Sends `amount` of `denom` to `recipient`; should the transfer fail, the funds are
/// credited to the recipient instead (see [`payout_failed`]).
pub fn send(recipient: &Addr, amount: Uint128, denom: &str) -> Result<SubMsg, ContractError> {
    let msg = BankMsg::Send {
        to_address: recipient.to_string(),
        amount: coins(amount.u128(), denom),
    };
    let credit = Credit {
        recipient: recipient.clone(),
        amount,
    };
    Ok(SubMsg::reply_on_error(msg, REPLY_PAYOUT_FAILED).with_payload(to_json_binary(&credit)?))
}

/// Reply to a failed payout: its funds stay here, credited to the recipient.
pub fn payout_failed(deps: DepsMut, reply: Reply) -> Result<Response, ContractError> {
    if reply.id != REPLY_PAYOUT_FAILED {
        return Err(ContractError::UnknownReplyId { id: reply.id });
    }
    let credit: Credit = from_json(&reply.payload)?;
    let held = CREDITS
        .may_load(deps.storage, &credit.recipient)?
        .unwrap_or_default()
        .checked_add(credit.amount)?;
    CREDITS.save(deps.storage, &credit.recipient, &held)?;
    TOTALS.update(deps.storage, |mut t| -> Result<_, ContractError> {
        t.credited = t.credited.checked_add(credit.amount)?;
        Ok(t)
    })?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "credit_failed_payout")
        .add_attribute(attr::RECIPIENT, credit.recipient)
        .add_attribute(attr::AMOUNT, credit.amount))
}

/// The caller takes back funds credited after a failed payout (a plain message: if it
/// fails again, the whole withdrawal reverts and the credit stays).
pub fn withdraw(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let amount = CREDITS
        .may_load(deps.storage, &info.sender)?
        .ok_or(ContractError::NothingToWithdraw {})?;
    CREDITS.remove(deps.storage, &info.sender);
    TOTALS.update(deps.storage, |mut t| -> Result<_, ContractError> {
        t.credited = t.credited.checked_sub(amount)?;
        Ok(t)
    })?;
    let denom = CONFIG.load(deps.storage)?.params.bond_denom;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "withdraw")
        .add_attribute(attr::AMOUNT, amount)
        .add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: coins(amount.u128(), denom),
        }))
}
