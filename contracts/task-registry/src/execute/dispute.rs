//! Disputes of First Response and Manual Confirmation results: the winner's collateral
//! stays locked for the task's dispute window; the client may post a bond to have the job
//! re-run by a Consensus round of other providers (a new task paid from the bond), whose
//! outcome upholds or overturns the result. See docs/protocol.md for who pays what.

use cosmwasm_std::{Addr, DepsMut, Env, Event, MessageInfo, Response, Storage, Uint128};
use cw_utils::{nonpayable, one_coin};
use ogpu_types::events::{self, attr};
use ogpu_types::registry::{DisputeState, DisputeStatus};
use ogpu_types::settlement::Payout;
use ogpu_types::staking::Compensation;
use ogpu_types::{deadline, Asset, CompetitionModel, Job, Task, TaskSpec};

use crate::error::ContractError;
use crate::execute::ledger::{Judgement, Verdict};
use crate::execute::publish::{create, escrow};
use crate::execute::settle::Ending;
use crate::execute::{ensure_client, load_task};
use crate::state::{
    Config, CONFIG, DISPUTES, DISPUTE_TERMS, JOBS, REQUIREMENTS, RESULT_KEYS, ROUNDS,
};

/// At completion of a disputable task: opens its window. Returns whether the task is
/// disputable (then the winner keeps its lock until the dispute ends).
pub fn open_window(
    storage: &mut dyn Storage,
    task: &Task,
    ending: &Ending,
    now: cosmwasm_std::Timestamp,
) -> Result<bool, ContractError> {
    let Ending::Completed {
        winners,
        price,
        digest,
    } = ending
    else {
        return Ok(false);
    };
    let Some(terms) = DISPUTE_TERMS.may_load(storage, task.id)? else {
        return Ok(false);
    };
    let Some(winner) = winners.first() else {
        return Ok(false);
    };
    let state = DisputeState {
        task_id: task.id,
        terms,
        window_end: deadline(now, terms.window)?,
        winner: winner.clone(),
        digest: digest.clone(),
        price: *price,
        status: DisputeStatus::Open,
    };
    DISPUTES.save(storage, task.id, &state)?;
    Ok(true)
}

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

/// Settles the disputed winner's lock as `state.status` says and adds the resolution event
/// (naming the re-run `round`, if there was one).
fn judge_winner(
    storage: &mut dyn Storage,
    config: &Config,
    task: &Task,
    state: &DisputeState,
    round: Option<u64>,
    response: Response,
) -> Result<Response, ContractError> {
    let (verdict, status) = match state.status {
        // The client's share refunds at most what it paid for the overturned result; the
        // rest goes to the treasury, never to the round's replicas, who may be the client's
        // own accounts: no one profits from overturning a result.
        DisputeStatus::Overturned => (
            Verdict::Slashed {
                amount: None,
                compensation: Some(Compensation {
                    client: task.client.to_string(),
                    cap: Some(Asset::new(task.reward.info.clone(), state.price)),
                }),
            },
            "overturned",
        ),
        _ => (
            Verdict::Won {
                earned: Asset::new(task.reward.info.clone(), state.price),
            },
            "upheld",
        ),
    };
    let mut judgement = Judgement::new(task.id);
    judgement.apply(storage, &state.winner, verdict)?;
    let mut event = Event::new(events::DISPUTE_RESOLVED).add_attributes([
        (attr::TASK_ID, task.id.to_string()),
        (attr::PROVIDER, state.winner.to_string()),
        (attr::STATUS, status.to_string()),
    ]);
    if let Some(round) = round {
        event = event.add_attribute(attr::ROUND, round.to_string());
    }
    judgement.finish(config, response.add_event(event))
}

/// What ending a re-run round means for the dispute it decides.
pub struct Resolution {
    /// Paid to the disputed winner out of the round's escrow: the bond's unused shares
    /// when the round confirmed its result.
    pub payout: Option<Payout>,
    disputed: Task,
    state: DisputeState,
    round: u64,
}

impl Resolution {
    /// Settles the disputed winner's lock (its task's own judgement).
    pub fn judge(
        self,
        storage: &mut dyn Storage,
        config: &Config,
        response: Response,
    ) -> Result<Response, ContractError> {
        let round = Some(self.round);
        judge_winner(
            storage,
            config,
            &self.disputed,
            &self.state,
            round,
            response,
        )
    }
}

/// When `round` re-runs a disputed task: a round accepting another digest overturns the
/// result (the winner is slashed; the client is refunded at most its price out of it);
/// any other ending upholds it (the winner's collateral is released and it keeps its
/// pay), and a round that confirmed the digest also pays the winner what the bond did not
/// pay the replicas.
pub fn resolve_round(
    storage: &mut dyn Storage,
    round: &Task,
    ending: &Ending,
) -> Result<Option<Resolution>, ContractError> {
    if !matches!(round.model, CompetitionModel::Consensus { .. }) {
        return Ok(None);
    }
    let Some(task_id) = ROUNDS.may_load(storage, round.id)? else {
        return Ok(None);
    };
    let disputed = load_task(storage, task_id)?;
    let mut state = DISPUTES.load(storage, task_id)?;
    let mut payout = None;
    state.status = match ending {
        Ending::Completed { digest, .. } if *digest != state.digest => DisputeStatus::Overturned,
        Ending::Completed { winners, price, .. } => {
            let paid = price.checked_mul(Uint128::from(winners.len() as u128))?;
            let rest = round.reward.amount.checked_sub(paid)?;
            payout = (!rest.is_zero()).then(|| Payout {
                recipient: state.winner.to_string(),
                amount: rest,
            });
            DisputeStatus::Upheld
        }
        _ => DisputeStatus::Upheld,
    };
    DISPUTES.save(storage, task_id, &state)?;
    Ok(Some(Resolution {
        payout,
        disputed,
        state,
        round: round.id,
    }))
}
