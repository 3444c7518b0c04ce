//! Escrow, release, refund, withdraw of failed transfers, configuration.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, Api, BankMsg, CosmosMsg, DepsMut, Event, MessageInfo, Reply,
    Response, Storage, SubMsg, Uint128, WasmMsg,
};
use cw20::Cw20ExecuteMsg;
use cw_utils::nonpayable;
use ogpu_types::events::{self, attr};
use ogpu_types::fee;
use ogpu_types::settlement::{AssetTotals, Deposit, EscrowStatus, InstantiateMsg, Payout};
use ogpu_types::{Asset, AssetInfo};

use crate::error::ContractError;
use crate::state::{Config, Escrow, CONFIG, CREDITS, ESCROWS, TOTALS};

/// Most payouts in one release (the registry pays one winner per task today).
pub const MAX_PAYOUTS: usize = 64;
/// Reply id of a transfer that failed and must be credited instead.
pub const REPLY_TRANSFER_FAILED: u64 = 1;

pub fn instantiate(
    deps: DepsMut,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = Config {
        registry: info.sender,
        treasury: deps.api.addr_validate(&msg.treasury)?,
        protocol_fee_bps: fee_bps(msg.protocol_fee_bps)?,
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "instantiate")
        .add_attribute("registry", config.registry))
}

fn fee_bps(bps: u16) -> Result<u16, ContractError> {
    if !fee::is_rate(bps) {
        return Err(ContractError::InvalidFee { bps });
    }
    Ok(bps)
}

fn only_registry(storage: &dyn Storage, sender: &Addr) -> Result<Config, ContractError> {
    let config = CONFIG.load(storage)?;
    if config.registry != *sender {
        return Err(ContractError::Unauthorized {});
    }
    Ok(config)
}

fn update_totals(
    storage: &mut dyn Storage,
    info: &AssetInfo,
    change: impl FnOnce(&mut AssetTotals) -> Result<(), ContractError>,
) -> Result<(), ContractError> {
    let key = info.key();
    let mut totals = TOTALS.may_load(storage, &key)?.unwrap_or(AssetTotals {
        info: info.clone(),
        deposited: Uint128::zero(),
        paid_out: Uint128::zero(),
        fees: Uint128::zero(),
        refunded: Uint128::zero(),
        credited: Uint128::zero(),
    });
    change(&mut totals)?;
    TOTALS.save(storage, &key, &totals)?;
    Ok(())
}

/// The escrow `deposit` describes, not closed yet (a task ends once).
fn open_escrow(
    storage: &dyn Storage,
    api: &dyn Api,
    deposit: Deposit,
) -> Result<Escrow, ContractError> {
    if ESCROWS.has(storage, deposit.task_id) {
        return Err(ContractError::EscrowClosed {
            task_id: deposit.task_id,
        });
    }
    if deposit.asset.amount.is_zero() {
        return Err(ContractError::ZeroDeposit {});
    }
    Ok(Escrow {
        payer: api.addr_validate(&deposit.payer)?,
        deposit: deposit.asset,
        status: EscrowStatus::Released,
        paid_out: Uint128::zero(),
        fees: Uint128::zero(),
        refunded: Uint128::zero(),
    })
}

/// A transfer that, should it fail, is credited to the recipient (see `transfer_failed`).
#[cw_serde]
struct Credit {
    recipient: Addr,
    asset: Asset,
}

fn transfer(recipient: &Addr, asset: Asset) -> Result<SubMsg, ContractError> {
    let msg: CosmosMsg = match &asset.info {
        AssetInfo::Native { denom } => BankMsg::Send {
            to_address: recipient.to_string(),
            amount: cosmwasm_std::coins(asset.amount.u128(), denom),
        }
        .into(),
        AssetInfo::Cw20 { contract_addr } => WasmMsg::Execute {
            contract_addr: contract_addr.clone(),
            msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
                recipient: recipient.to_string(),
                amount: asset.amount,
            })?,
            funds: vec![],
        }
        .into(),
    };
    let credit = Credit {
        recipient: recipient.clone(),
        asset,
    };
    Ok(SubMsg::reply_on_error(msg, REPLY_TRANSFER_FAILED).with_payload(to_json_binary(&credit)?))
}

/// Pays each payout minus the protocol fee, the fees to the treasury and the remainder
/// of the escrow back to the payer; closes the escrow.
pub fn release(
    deps: DepsMut,
    info: MessageInfo,
    deposit: Deposit,
    payouts: Vec<Payout>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = only_registry(deps.storage, &info.sender)?;
    let task_id = deposit.task_id;
    let mut escrow = open_escrow(deps.storage, deps.api, deposit)?;
    if payouts.is_empty() {
        return Err(ContractError::NoPayouts {});
    }
    if payouts.len() > MAX_PAYOUTS {
        return Err(ContractError::TooManyPayouts {
            count: payouts.len() as u64,
            max: MAX_PAYOUTS as u64,
        });
    }
    let mut gross_total = Uint128::zero();
    let mut response = Response::new().add_attribute(attr::ACTION, "release");
    for payout in &payouts {
        let recipient = deps.api.addr_validate(&payout.recipient)?;
        if payout.amount.is_zero() {
            return Err(ContractError::ZeroPayout {
                recipient: payout.recipient.clone(),
            });
        }
        gross_total = gross_total.checked_add(payout.amount)?;
        let fee = fee::protocol_fee(payout.amount, config.protocol_fee_bps);
        let net = payout.amount.checked_sub(fee)?;
        escrow.fees = escrow.fees.checked_add(fee)?;
        escrow.paid_out = escrow.paid_out.checked_add(net)?;
        if !net.is_zero() {
            let asset = Asset::new(escrow.deposit.info.clone(), net);
            response = response.add_submessage(transfer(&recipient, asset)?);
        }
        response = response.add_event(Event::new(events::PAYOUT).add_attributes([
            (attr::TASK_ID, task_id.to_string()),
            (attr::RECIPIENT, recipient.to_string()),
            (attr::AMOUNT, net.to_string()),
            (attr::FEE, fee.to_string()),
        ]));
    }
    if gross_total > escrow.deposit.amount {
        return Err(ContractError::PayoutExceedsEscrow {
            total: gross_total,
            deposit: escrow.deposit.amount,
        });
    }
    if !escrow.fees.is_zero() {
        let fees = Asset::new(escrow.deposit.info.clone(), escrow.fees);
        response = response.add_submessage(transfer(&config.treasury, fees)?);
    }
    escrow.refunded = escrow.deposit.amount - gross_total;
    if !escrow.refunded.is_zero() {
        let (msg, event) = refund_msgs(task_id, &escrow)?;
        response = response.add_submessage(msg).add_event(event);
    }
    close(deps.storage, task_id, escrow, EscrowStatus::Released)?;
    Ok(response)
}

/// The transfer of `escrow.refunded` back to the payer and its event.
fn refund_msgs(task_id: u64, escrow: &Escrow) -> Result<(SubMsg, Event), ContractError> {
    let asset = Asset::new(escrow.deposit.info.clone(), escrow.refunded);
    let event = Event::new(events::REFUND).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::RECIPIENT, escrow.payer.to_string()),
        (attr::AMOUNT, asset.amount.to_string()),
    ]);
    Ok((transfer(&escrow.payer, asset)?, event))
}

fn close(
    storage: &mut dyn Storage,
    task_id: u64,
    mut escrow: Escrow,
    status: EscrowStatus,
) -> Result<(), ContractError> {
    escrow.status = status;
    update_totals(storage, &escrow.deposit.info, |t| {
        t.deposited = t.deposited.checked_add(escrow.deposit.amount)?;
        t.paid_out = t.paid_out.checked_add(escrow.paid_out)?;
        t.fees = t.fees.checked_add(escrow.fees)?;
        t.refunded = t.refunded.checked_add(escrow.refunded)?;
        Ok(())
    })?;
    ESCROWS.save(storage, task_id, &escrow)?;
    Ok(())
}

pub fn refund(
    deps: DepsMut,
    info: MessageInfo,
    deposit: Deposit,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    only_registry(deps.storage, &info.sender)?;
    let task_id = deposit.task_id;
    let mut escrow = open_escrow(deps.storage, deps.api, deposit)?;
    escrow.refunded = escrow.deposit.amount;
    let (msg, event) = refund_msgs(task_id, &escrow)?;
    close(deps.storage, task_id, escrow, EscrowStatus::Refunded)?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "refund")
        .add_submessage(msg)
        .add_event(event))
}

/// Reply to a failed transfer: its funds stay here, credited to the recipient.
pub fn transfer_failed(deps: DepsMut, reply: Reply) -> Result<Response, ContractError> {
    if reply.id != REPLY_TRANSFER_FAILED {
        return Err(ContractError::UnknownReplyId { id: reply.id });
    }
    let credit: Credit = from_json(&reply.payload)?;
    let key = credit.asset.info.key();
    let mut held = CREDITS
        .may_load(deps.storage, (&credit.recipient, &key))?
        .unwrap_or_else(|| Asset::new(credit.asset.info.clone(), 0u128));
    held.amount = held.amount.checked_add(credit.asset.amount)?;
    CREDITS.save(deps.storage, (&credit.recipient, &key), &held)?;
    update_totals(deps.storage, &credit.asset.info, |t| {
        t.credited = t.credited.checked_add(credit.asset.amount)?;
        Ok(())
    })?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "credit_failed_transfer")
        .add_attribute(attr::RECIPIENT, credit.recipient)
        .add_attribute(attr::AMOUNT, credit.asset.to_string()))
}

/// The caller takes back funds credited after a failed transfer (a plain message: if it
/// fails again, the whole withdrawal reverts and the credit stays).
pub fn withdraw(
    deps: DepsMut,
    info: MessageInfo,
    asset: AssetInfo,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let key = asset.key();
    let credit = CREDITS
        .may_load(deps.storage, (&info.sender, &key))?
        .ok_or(ContractError::NothingToWithdraw {})?;
    CREDITS.remove(deps.storage, (&info.sender, &key));
    update_totals(deps.storage, &asset, |t| {
        t.credited = t.credited.checked_sub(credit.amount)?;
        Ok(())
    })?;
    let msg = transfer(&info.sender, credit.clone())?.msg;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "withdraw")
        .add_attribute(attr::AMOUNT, credit.to_string())
        .add_message(msg))
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    treasury: Option<String>,
    protocol_fee_bps: Option<u16>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut config = only_registry(deps.storage, &info.sender)?;
    if let Some(treasury) = treasury {
        config.treasury = deps.api.addr_validate(&treasury)?;
    }
    if let Some(bps) = protocol_fee_bps {
        config.protocol_fee_bps = fee_bps(bps)?;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute(attr::ACTION, "update_config"))
}
