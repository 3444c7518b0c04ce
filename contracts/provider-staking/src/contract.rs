//! Entry points: thin dispatch into `execute` and `query`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response};
use ogpu_types::staking::{ExecuteMsg, InstantiateMsg, QueryMsg};
use ogpu_types::MigrateMsg;

use crate::error::ContractError;
use crate::execute::{payout, provider, slash};
use crate::{execute, query as queries};

pub const CONTRACT_NAME: &str = env!("CARGO_PKG_NAME");
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    execute::instantiate(deps, info, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Register { metadata } => provider::register(deps, info, metadata),
        ExecuteMsg::UpdateMetadata { metadata } => provider::update_metadata(deps, info, metadata),
        ExecuteMsg::Bond {} => provider::bond(deps, info),
        ExecuteMsg::Unbond { amount } => provider::unbond(deps, env, info, amount),
        ExecuteMsg::Claim {} => provider::claim(deps, env, info),
        ExecuteMsg::Deregister {} => provider::deregister(deps, env, info),
        ExecuteMsg::Withdraw {} => payout::withdraw(deps, info),
        ExecuteMsg::Slash { task_id, slashes } => slash::slash(deps, info, task_id, slashes),
        ExecuteMsg::UpdateConfig { treasury, update } => {
            execute::update_config(deps, info, treasury, update)
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    queries::dispatch(deps, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    payout::payout_failed(deps, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let from = cw2::ensure_from_older_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    if !ogpu_types::migration::readable(from.major, from.minor) {
        return Err(ContractError::UnsupportedMigration {
            from: from.to_string(),
        });
    }
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from.to_string())
        .add_attribute("to_version", CONTRACT_VERSION))
}
