//! Creating a task: its id, deadlines, records and the `task_published` event.

use cosmwasm_std::{Addr, DepsMut, Empty, Env, Event, Response};
use ogpu_types::events::{self, attr};
use ogpu_types::{deadline, Asset, CompetitionModel, Job, Task, TaskSpec, TaskStatus};

use crate::error::ContractError;
use crate::state::{
    DISPUTE_TERMS, HASH_SEARCHES, JOBS, NEXT_TASK_ID, REQUIREMENTS, RESULT_KEYS, TASKS,
    TASKS_BY_CLIENT, TASKS_BY_STATUS,
};

/// Stores a valid task and returns its id and a response without the escrow message.
pub(crate) fn create(
    deps: DepsMut,
    env: &Env,
    client: Addr,
    reward: Asset,
    spec: TaskSpec,
) -> Result<(u64, Response), ContractError> {
    let task_id = NEXT_TASK_ID.load(deps.storage)?;
    NEXT_TASK_ID.save(
        deps.storage,
        &task_id.checked_add(1).ok_or_else(|| {
            cosmwasm_std::OverflowError::new(cosmwasm_std::OverflowOperation::Add)
        })?,
    )?;

    let now = env.block.time;
    let (commit_deadline, reveal_deadline, confirm_deadline) = match spec.model {
        // A First Response reveal deadline grows with each commitment; none yet.
        CompetitionModel::FirstResponse { commit_window, .. } => {
            let commit = deadline(now, commit_window)?;
            (commit, commit, None)
        }
        CompetitionModel::ManualConfirmation {
            commit_window,
            reveal_window,
            confirm_window,
            ..
        } => {
            let commit = deadline(now, commit_window)?;
            let reveal = deadline(commit, reveal_window)?;
            (commit, reveal, Some(deadline(reveal, confirm_window)?))
        }
        // Bids, then their reveals; the delivery deadline is set when the auction is awarded.
        CompetitionModel::SealedBidAuction {
            bid_window: commit_window,
            reveal_window,
            ..
        }
        | CompetitionModel::Consensus {
            commit_window,
            reveal_window,
            ..
        } => {
            let commit = deadline(now, commit_window)?;
            (commit, deadline(commit, reveal_window)?, None)
        }
    };
    let task = Task {
        id: task_id,
        client: client.clone(),
        reward: reward.clone(),
        collateral: spec.collateral,
        model: spec.model,
        status: TaskStatus::Open,
        created_height: env.block.height,
        created_at: now,
        commit_deadline,
        reveal_deadline,
        confirm_deadline,
        commit_count: 0,
        reveal_count: 0,
        best: None,
        outcome: None,
        finished_at: None,
    };
    TASKS.save(deps.storage, task_id, &task)?;
    TASKS_BY_STATUS.save(deps.storage, (task.status.name(), task_id), &Empty {})?;
    TASKS_BY_CLIENT.save(deps.storage, (&client, task_id), &Empty {})?;
    let kind = spec.job.kind();
    match &spec.job {
        Job::OpenCl(job) => JOBS.save(deps.storage, task_id, job)?,
        Job::HashSearch(search) => HASH_SEARCHES.save(deps.storage, task_id, search)?,
    }
    REQUIREMENTS.save(deps.storage, task_id, &spec.requirements)?;
    if let Some(terms) = &spec.dispute {
        DISPUTE_TERMS.save(deps.storage, task_id, terms)?;
    }
    if let Some(key) = &spec.result_key {
        RESULT_KEYS.save(deps.storage, task_id, key)?;
    }

    let event = Event::new(events::TASK_PUBLISHED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::CLIENT, client.to_string()),
        (attr::MODEL, spec.model.name().to_string()),
        (attr::KIND, kind.to_string()),
        (attr::REWARD, reward.to_string()),
        (attr::COLLATERAL, spec.collateral.to_string()),
        (attr::COMMIT_DEADLINE, commit_deadline.seconds().to_string()),
    ]);
    let response = Response::new()
        .add_attribute(attr::ACTION, "publish_task")
        .add_attribute(attr::TASK_ID, task_id.to_string())
        .add_event(event);
    Ok((task_id, response))
}
