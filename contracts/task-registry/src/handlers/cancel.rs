//! Cancelling a task nobody committed to.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};
use cw_utils::nonpayable;
use ogpu_types::events::attr;

use crate::error::ContractError;
use crate::handlers::checks::{ensure_client, ensure_open};
use crate::ledger::ending::Ending;
use crate::ledger::settle::settle;
use crate::ledger::task::load_task;
use crate::state::CONFIG;

/// The client withdraws a task nobody committed to; the escrow is refunded in full.
pub fn cancel(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    task_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let task = load_task(deps.storage, task_id)?;
    ensure_client(&task, &info.sender)?;
    ensure_open(&task)?;
    if task.commit_count > 0 {
        return Err(ContractError::HasCommitments { task_id });
    }
    let config = CONFIG.load(deps.storage)?;
    let response = settle(deps, &env, &config, task, Ending::Cancelled, None)?;
    Ok(response.add_attribute(attr::ACTION, "cancel_task"))
}
