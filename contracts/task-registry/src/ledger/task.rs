//! Reading a task and its responses.

use cosmwasm_std::{Order, Storage};
use ogpu_types::{Task, TaskResponseRecord};

use crate::error::ContractError;
use crate::state::{RESPONSES, TASKS};

pub(crate) fn load_task(storage: &dyn Storage, task_id: u64) -> Result<Task, ContractError> {
    TASKS
        .may_load(storage, task_id)?
        .ok_or(ContractError::TaskNotFound { task_id })
}

/// Every response of a task. Bounded: a task holds at most `limits.max_commitments`
/// (≤ 64) responses.
pub fn responses(
    storage: &dyn Storage,
    task_id: u64,
) -> Result<Vec<TaskResponseRecord>, ContractError> {
    Ok(RESPONSES
        .prefix_range(storage, task_id, None, Order::Ascending)
        .map(|item| item.map(|(_, response)| response))
        .collect::<Result<_, _>>()?)
}
