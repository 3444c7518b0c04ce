//! Disputes of First Response and Manual Confirmation results: the client may post a bond
//! to have the job re-run by a Consensus round of other providers (a new task paid from
//! the bond), whose outcome upholds or overturns the result; once the window passed
//! undisputed anyone may close it. The dispute's books are `ledger::dispute`. See
//! docs/protocol.md for who pays what.

use cosmwasm_std::{Addr, DepsMut, Env, Event, MessageInfo, Response, Storage};
use cw_utils::{nonpayable, one_coin};
use ogpu_types::events::{self, attr};
use ogpu_types::registry::{DisputeState, DisputeStatus};
use ogpu_types::{Asset, CompetitionModel, Job, TaskSpec};

use crate::error::ContractError;
use crate::handlers::checks::ensure_client;
use crate::ledger::create::create;
use crate::ledger::dispute::judge_winner;
use crate::ledger::escrow::escrow;
use crate::ledger::task::load_task;
use crate::state::{CONFIG, DISPUTES, JOBS, REQUIREMENTS, RESULT_KEYS, ROUNDS};

/// `ExecuteMsg::Dispute`: the bond is the one native coin sent along.
pub fn dispute_native(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    task_id: u64,
) -> Result<Response, ContractError> {
    let coin = one_coin(&info)?;
    open(deps, &env, info.sender, task_id, Asset::from(coin))
}

/// Checks the client's dispute and its bond, then publishes the re-run round: a Consensus
/// task with the same job, requirements and collateral, the bond as its reward, and the
/// disputed task's commit and reveal windows.
pub fn open(
    mut deps: DepsMut,
    env: &Env,
    client: Addr,
    task_id: u64,
    bond: Asset,
) -> Result<Response, ContractError> {
    let task = load_task(deps.storage, task_id)?;
    ensure_client(&task, &client)?;
    let mut state = open_state(deps.storage, task_id)?;
    if env.block.time > state.window_end {
        return Err(ContractError::DisputeWindowClosed {
            task_id,
            deadline: state.window_end,
        });
    }
    let expected = Asset::new(task.reward.info.clone(), state.terms.bond);
    if bond != expected {
        return Err(ContractError::WrongBond {
            expected: expected.to_string(),
        });
    }
    let config = CONFIG.load(deps.storage)?;
    let (commit_window, reveal_window) = match task.model {
        CompetitionModel::FirstResponse {
            commit_window,
            reveal_window,
        }
        | CompetitionModel::ManualConfirmation {
            commit_window,
            reveal_window,
            ..
        } => (commit_window, reveal_window),
        _ => return Err(ContractError::NotDisputable { task_id }),
    };
    let spec = TaskSpec {
        job: Job::OpenCl(JOBS.load(deps.storage, task_id)?),
        requirements: REQUIREMENTS.load(deps.storage, task_id)?,
        model: CompetitionModel::Consensus {
            replicas: state.terms.replicas,
            quorum: state.terms.quorum,
            commit_window,
            reveal_window,
        },
        collateral: task.collateral,
        dispute: None,
        // The round's results are sealed to the disputing client, like the task's.
        result_key: RESULT_KEYS.may_load(deps.storage, task_id)?,
    };
    let (round, response) = create(deps.branch(), env, client.clone(), bond.clone(), spec)?;
    ROUNDS.save(deps.storage, round, &task_id)?;
    state.status = DisputeStatus::Disputed { round };
    DISPUTES.save(deps.storage, task_id, &state)?;

    let escrow = escrow(&config, &bond)?;
    let event = Event::new(events::TASK_DISPUTED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::CLIENT, client.to_string()),
        (attr::PROVIDER, state.winner.to_string()),
        (attr::ROUND, round.to_string()),
        (attr::AMOUNT, bond.to_string()),
    ]);
    Ok(response
        .add_message(escrow)
        .add_attribute(attr::ACTION, "dispute")
        .add_event(event))
}

/// The dispute state of `task_id` while it may still be disputed or closed.
fn open_state(storage: &dyn Storage, task_id: u64) -> Result<DisputeState, ContractError> {
    let state = DISPUTES
        .may_load(storage, task_id)?
        .ok_or(ContractError::NotDisputable { task_id })?;
    match state.status {
        DisputeStatus::Open => Ok(state),
        DisputeStatus::Disputed { .. } => Err(ContractError::AlreadyDisputed { task_id }),
        DisputeStatus::Upheld | DisputeStatus::Overturned => {
            Err(ContractError::DisputeClosed { task_id })
        }
    }
}

/// `ExecuteMsg::CloseDispute`: anyone, once the window passed undisputed, releases the
/// winner's collateral and records its completion.
pub fn close(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    task_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut state = open_state(deps.storage, task_id)?;
    if env.block.time <= state.window_end {
        return Err(ContractError::NotFinalizable {
            task_id,
            after: state.window_end,
        });
    }
    let task = load_task(deps.storage, task_id)?;
    let config = CONFIG.load(deps.storage)?;
    state.status = DisputeStatus::Upheld;
    DISPUTES.save(deps.storage, task_id, &state)?;
    let response = Response::new().add_attribute(attr::ACTION, "close_dispute");
    judge_winner(deps.storage, &config, &task, &state, None, response)
}
