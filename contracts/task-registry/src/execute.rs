//! Execute handlers, one file per concern.

pub mod admin;
pub mod auction;
pub mod award;
pub mod compete;
mod consensus;
pub mod dispute;
pub mod ledger;
pub mod publish;
mod settle;

use cosmwasm_std::{to_json_binary, Addr, Storage, WasmMsg};
use serde::Serialize;

use crate::error::ContractError;
use crate::state::TASKS;
use ogpu_types::Task;

/// A plain (non-reply) execute message to a child contract.
pub(crate) fn call(contract: &Addr, msg: &impl Serialize) -> Result<WasmMsg, ContractError> {
    Ok(WasmMsg::Execute {
        contract_addr: contract.to_string(),
        msg: to_json_binary(msg)?,
        funds: vec![],
    })
}

pub(crate) fn load_task(storage: &dyn Storage, task_id: u64) -> Result<Task, ContractError> {
    TASKS
        .may_load(storage, task_id)?
        .ok_or(ContractError::TaskNotFound { task_id })
}

pub(crate) fn ensure_client(task: &Task, sender: &Addr) -> Result<(), ContractError> {
    if task.client != *sender {
        return Err(ContractError::Unauthorized {
            expected: "the task's client".into(),
        });
    }
    Ok(())
}

pub(crate) fn ensure_open(task: &Task) -> Result<(), ContractError> {
    if task.status.is_terminal() {
        return Err(ContractError::TaskNotOpen {
            task_id: task.id,
            status: task.status,
        });
    }
    Ok(())
}
