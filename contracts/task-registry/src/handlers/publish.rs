//! Publishing tasks: a native reward, or a cw20 one through the token's `Send` hook (which
//! also carries a cw20 dispute bond).

use cosmwasm_std::{from_json, Addr, DepsMut, Env, MessageInfo, Response};
use cw20::Cw20ReceiveMsg;
use cw_utils::{nonpayable, one_coin};
use ogpu_types::registry::ReceiveMsg;
use ogpu_types::{Asset, AssetInfo, TaskSpec};

use crate::error::ContractError;
use crate::handlers::dispute;
use crate::ledger::create::create;
use crate::ledger::escrow::escrow;
use crate::state::{Config, CONFIG};
use crate::validate;

pub fn publish_native(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    spec: TaskSpec,
) -> Result<Response, ContractError> {
    let reward = Asset::from(one_coin(&info)?);
    let config = CONFIG.load(deps.storage)?;
    let escrow = escrow(&config, &reward)?;
    let (_, response) = publish(deps, &env, &config, info.sender, reward, spec)?;
    Ok(response.add_message(escrow))
}

/// cw20 `Send` hook: `info.sender` is the token contract (only an accepted one passes
/// the reward check, so a forged hook is refused), `msg.sender` the client. The tokens
/// move on to settlement.
pub fn receive_cw20(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: Cw20ReceiveMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let client = deps.api.addr_validate(&msg.sender)?;
    let token = info.sender;
    let bond = Asset::new(AssetInfo::cw20(token.as_str()), msg.amount);
    let spec = match from_json(&msg.msg)? {
        ReceiveMsg::PublishTask { spec } => spec,
        ReceiveMsg::Dispute { task_id } => {
            return dispute::open(deps, &env, client, task_id, bond);
        }
    };
    let config = CONFIG.load(deps.storage)?;
    let escrow = escrow(&config, &bond)?;
    let (_, response) = publish(deps, &env, &config, client, bond, spec)?;
    Ok(response.add_message(escrow))
}

/// Validates and stores a task; returns its id and a response without the escrow message.
fn publish(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    client: Addr,
    reward: Asset,
    spec: TaskSpec,
) -> Result<(u64, Response), ContractError> {
    if config.paused {
        return Err(ContractError::Paused {});
    }
    validate::reward(&config.accepted_assets, &reward.info, reward.amount)?;
    validate::task_spec(deps.api, &config.limits, &spec)?;
    if let Some(terms) = &spec.dispute {
        validate::bond(&config.accepted_assets, &reward.info, terms.bond)?;
    }
    create(deps, env, client, reward, spec)
}
