//! The owner's messages: configuration, pause switch, two-step ownership and child
//! migrations.

use cosmwasm_std::{Addr, Binary, DepsMut, MessageInfo, Response, Storage, WasmMsg};
use cw_utils::nonpayable;
use ogpu_types::registry::{Child, ConfigUpdate};
use ogpu_types::{settlement, staking};

use crate::error::ContractError;
use crate::ledger::child::call;
use crate::state::{CONFIG, OWNER, PENDING_OWNER};
use crate::validate;

fn ensure_owner(storage: &dyn Storage, sender: &Addr) -> Result<(), ContractError> {
    if OWNER.load(storage)? != *sender {
        return Err(ContractError::Unauthorized {
            expected: "the owner".into(),
        });
    }
    Ok(())
}

/// Changes the registry's own settings and forwards the children's to them.
pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    update: ConfigUpdate,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    ensure_owner(deps.storage, &info.sender)?;
    let mut config = CONFIG.load(deps.storage)?;
    if let Some(treasury) = &update.treasury {
        config.treasury = deps.api.addr_validate(treasury)?;
    }
    if let Some(bps) = update.protocol_fee_bps {
        validate::fee_bps(bps)?;
    }
    if let Some(assets) = update.accepted_assets {
        validate::accepted_assets(deps.api, &assets)?;
        config.accepted_assets = assets;
    }
    if let Some(limits) = update.limits {
        validate::limits(&limits)?;
        config.limits = limits;
    }
    // Staking validates it and refuses, reverting this too, if it is out of bounds.
    if let Some(min_stake) = update.staking.as_ref().and_then(|s| s.min_stake) {
        config.min_stake = min_stake;
    }
    CONFIG.save(deps.storage, &config)?;

    let mut response = Response::new().add_attribute("action", "update_config");
    if update.treasury.is_some() || update.protocol_fee_bps.is_some() {
        let msg = settlement::ExecuteMsg::UpdateConfig {
            treasury: update.treasury.clone(),
            protocol_fee_bps: update.protocol_fee_bps,
        };
        response = response.add_message(call(&config.settlement, &msg)?);
    }
    if update.treasury.is_some() || update.staking.is_some() {
        let msg = staking::ExecuteMsg::UpdateConfig {
            treasury: update.treasury,
            update: update.staking.unwrap_or_default(),
        };
        response = response.add_message(call(&config.staking, &msg)?);
    }
    Ok(response)
}

pub fn set_paused(
    deps: DepsMut,
    info: MessageInfo,
    paused: bool,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    ensure_owner(deps.storage, &info.sender)?;
    CONFIG.update(deps.storage, |mut config| -> Result<_, ContractError> {
        config.paused = paused;
        Ok(config)
    })?;
    Ok(Response::new()
        .add_attribute("action", "set_paused")
        .add_attribute("paused", paused.to_string()))
}

pub fn transfer_ownership(
    deps: DepsMut,
    info: MessageInfo,
    new_owner: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    ensure_owner(deps.storage, &info.sender)?;
    let new_owner = deps.api.addr_validate(&new_owner)?;
    PENDING_OWNER.save(deps.storage, &new_owner)?;
    Ok(Response::new()
        .add_attribute("action", "transfer_ownership")
        .add_attribute("pending_owner", new_owner))
}

pub fn accept_ownership(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if PENDING_OWNER.may_load(deps.storage)? != Some(info.sender.clone()) {
        return Err(ContractError::NotPendingOwner {});
    }
    OWNER.save(deps.storage, &info.sender)?;
    PENDING_OWNER.remove(deps.storage);
    Ok(Response::new()
        .add_attribute("action", "accept_ownership")
        .add_attribute("owner", info.sender))
}

pub fn cancel_ownership_transfer(
    deps: DepsMut,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    ensure_owner(deps.storage, &info.sender)?;
    PENDING_OWNER.remove(deps.storage);
    Ok(Response::new().add_attribute("action", "cancel_ownership_transfer"))
}

/// The registry is each child's wasm admin, so ownership of the registry covers the suite.
pub fn migrate_child(
    deps: DepsMut,
    info: MessageInfo,
    child: Child,
    new_code_id: u64,
    msg: Binary,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    ensure_owner(deps.storage, &info.sender)?;
    let config = CONFIG.load(deps.storage)?;
    let contract = config.child(child);
    Ok(Response::new()
        .add_message(WasmMsg::Migrate {
            contract_addr: contract.to_string(),
            new_code_id,
            msg,
        })
        .add_attribute("action", "migrate_child")
        .add_attribute("contract", contract)
        .add_attribute("new_code_id", new_code_id.to_string()))
}
