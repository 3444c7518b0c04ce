//! Entry points: thin dispatch into `handlers` (one per message), `query` and `reply`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Reply, Response};
use ogpu_types::registry::{ExecuteMsg, InstantiateMsg, QueryMsg};
use ogpu_types::MigrateMsg;

use crate::error::ContractError;
use crate::handlers::{
    admin, cancel, commit, confirm, deliver, dispute, finalize, instantiate as init, publish,
    reveal, reveal_bid, sync_provider,
};
use crate::{query, reply as replies};

pub const CONTRACT_NAME: &str = env!("CARGO_PKG_NAME");
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    init::instantiate(deps, env, info, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::PublishTask { spec } => publish::publish_native(deps, env, info, spec),
        ExecuteMsg::Receive(msg) => publish::receive_cw20(deps, env, info, msg),
        ExecuteMsg::Commit {
            task_id,
            commitment,
        } => commit::commit(deps, env, info, task_id, commitment),
        ExecuteMsg::Reveal {
            task_id,
            digest,
            salt,
            price,
            result,
        } => reveal::reveal(deps, env, info, task_id, digest, salt, price, result),
        ExecuteMsg::RevealBid {
            task_id,
            price,
            salt,
        } => reveal_bid::reveal_bid(deps, env, info, task_id, price, salt),
        ExecuteMsg::Deliver {
            task_id,
            digest,
            result,
        } => deliver::deliver(deps, env, info, task_id, digest, result),
        ExecuteMsg::Dispute { task_id } => dispute::dispute_native(deps, env, info, task_id),
        ExecuteMsg::CloseDispute { task_id } => dispute::close(deps, env, info, task_id),
        ExecuteMsg::Confirm { task_id, provider } => {
            confirm::confirm(deps, env, info, task_id, provider)
        }
        ExecuteMsg::CancelTask { task_id } => cancel::cancel(deps, env, info, task_id),
        ExecuteMsg::Finalize { task_id } => finalize::finalize(deps, env, info, task_id),
        ExecuteMsg::UpdateConfig(update) => admin::update_config(deps, info, update),
        ExecuteMsg::SetPaused { paused } => admin::set_paused(deps, info, paused),
        ExecuteMsg::TransferOwnership { new_owner } => {
            admin::transfer_ownership(deps, info, new_owner)
        }
        ExecuteMsg::AcceptOwnership {} => admin::accept_ownership(deps, info),
        ExecuteMsg::CancelOwnershipTransfer {} => admin::cancel_ownership_transfer(deps, info),
        ExecuteMsg::SyncProvider(sync) => sync_provider::sync_provider(deps, info, sync),
        ExecuteMsg::MigrateChild {
            child,
            new_code_id,
            msg,
        } => admin::migrate_child(deps, info, child, new_code_id, msg),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    query::dispatch(deps, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    replies::dispatch(deps, msg)
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
