//! Checks several handlers share: the task is open, the sender is its client, a
//! commitment may be opened, a posted result is valid.

use cosmwasm_std::{Addr, Env, Storage};
use ogpu_types::commitment::Hash32;
use ogpu_types::registry::TaskLimits;
use ogpu_types::{Payload, ResponseStatus, Task, TaskResponseRecord};

use crate::error::ContractError;
use crate::state::{HASH_SEARCHES, RESPONSES, RESULT_KEYS};
use crate::validate;

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

/// `provider`'s commitment on the task, still unopened and made in an earlier block: the
/// one a reveal (of a result or a bid) may open.
pub(crate) fn unopened(
    storage: &dyn Storage,
    env: &Env,
    task_id: u64,
    provider: &Addr,
) -> Result<TaskResponseRecord, ContractError> {
    let response = RESPONSES
        .may_load(storage, (task_id, provider))?
        .ok_or_else(|| ContractError::NoCommitment {
            task_id,
            provider: provider.to_string(),
        })?;
    match response.status {
        ResponseStatus::Committed => {}
        _ if response.revealed_height.is_some() => {
            return Err(ContractError::AlreadyRevealed {
                task_id,
                provider: provider.to_string(),
            })
        }
        // Judged unopened: a bid penalized when the auction was awarded.
        status => {
            return Err(ContractError::CommitmentJudged {
                task_id,
                provider: provider.to_string(),
                status,
            })
        }
    }
    if env.block.height <= response.committed_height {
        return Err(ContractError::RevealTooEarly {
            committed_height: response.committed_height,
        });
    }
    Ok(response)
}

/// A posted result must be what the task's kind asks for and hash to `digest`. A
/// hash-search answer is verified here, so an invalid one is never recorded, let alone
/// paid; a result sealed to the task's result key only has to respect the size limits and
/// the sealing overhead, since its digest can only be checked by the client.
pub(crate) fn check_result(
    storage: &dyn Storage,
    limits: &TaskLimits,
    task_id: u64,
    result: &Payload,
    digest: &Hash32,
) -> Result<(), ContractError> {
    let sealed = RESULT_KEYS.has(storage, task_id);
    validate::result(limits, result, digest, sealed)?;
    match HASH_SEARCHES.may_load(storage, task_id)? {
        Some(search) => Ok(validate::hash_search_answer(&search, result)?),
        None => Ok(()),
    }
}
