//! Instantiation, configuration, pause switch, two-step ownership and child migrations.

use cosmwasm_std::{
    to_json_binary, Addr, Binary, DepsMut, Env, MessageInfo, Response, Storage, SubMsg, WasmMsg,
};
use cw_utils::nonpayable;
use ogpu_types::registry::{Child, ConfigUpdate, InstantiateMsg};
use ogpu_types::{settlement, staking};

use crate::error::ContractError;
use crate::execute::call;
use crate::reply::ReplyId;
use crate::state::{Config, CONFIG, NEXT_TASK_ID, OWNER, PENDING_OWNER};
use crate::validate;

/// Stores the configuration and instantiates both children; their addresses arrive in
/// `reply`, within this same transaction, before any other message can run.
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let owner = match &msg.owner {
        Some(owner) => deps.api.addr_validate(owner)?,
        None => info.sender,
    };
    let treasury = deps.api.addr_validate(&msg.treasury)?;
    validate::fee_bps(msg.protocol_fee_bps)?;
    validate::accepted_assets(deps.api, &msg.accepted_assets)?;
    validate::limits(&msg.limits)?;

    let unset = Addr::unchecked("");
    CONFIG.save(
        deps.storage,
        &Config {
            staking: unset.clone(),
            settlement: unset,
            treasury,
            accepted_assets: msg.accepted_assets,
            limits: msg.limits,
            paused: false,
            min_stake: msg.staking.min_stake,
        },
    )?;
    OWNER.save(deps.storage, &owner)?;
    NEXT_TASK_ID.save(deps.storage, &1)?;

    let admin = Some(env.contract.address.to_string());
    let staking_init = staking::InstantiateMsg {
        params: msg.staking,
        treasury: msg.treasury.clone(),
    };
    let settlement_init = settlement::InstantiateMsg {
        treasury: msg.treasury,
        protocol_fee_bps: msg.protocol_fee_bps,
    };
    let children = [
        (
            msg.staking_code_id,
            to_json_binary(&staking_init)?,
            "ogpu-provider-staking",
            ReplyId::InstantiateStaking,
        ),
        (
            msg.settlement_code_id,
            to_json_binary(&settlement_init)?,
            "ogpu-settlement",
            ReplyId::InstantiateSettlement,
        ),
    ];
    let submsgs = children.into_iter().map(|(code_id, msg, label, id)| {
        SubMsg::reply_on_success(
            WasmMsg::Instantiate {
                admin: admin.clone(),
                code_id,
                msg,
                funds: vec![],
                label: label.to_string(),
            },
            id as u64,
        )
    });
    Ok(Response::new()
        .add_submessages(submsgs)
        .add_attribute("action", "instantiate")
        .add_attribute("owner", owner))
}

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
    let contract = match child {
        Child::Staking => config.staking,
        Child::Settlement => config.settlement,
    };
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
