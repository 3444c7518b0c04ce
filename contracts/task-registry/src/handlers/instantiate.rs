//! Instantiation: the configuration and both children.

use cosmwasm_std::{to_json_binary, Addr, DepsMut, Env, MessageInfo, Response, SubMsg, WasmMsg};
use cw_utils::nonpayable;
use ogpu_types::registry::InstantiateMsg;
use ogpu_types::{settlement, staking};

use crate::error::ContractError;
use crate::reply::ReplyId;
use crate::state::{Config, CONFIG, NEXT_TASK_ID, OWNER};
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
