//! Disputes of First Response and Manual Confirmation results: the winner's collateral
//! stays locked for the task's dispute window; the client may post a bond to have the job
//! re-run by a Consensus round of other providers (a new task paid from the bond), whose
//! outcome upholds or overturns the result. See docs/protocol.md for who pays what.

use cosmwasm_std::{Addr, DepsMut, Env, Event, MessageInfo, Response, Storage, Uint128, WasmMsg};
use cw_utils::{nonpayable, one_coin};
use ogpu_types::events::{self, attr};
use ogpu_types::registry::{DisputeState, DisputeStatus};
use ogpu_types::settlement::Payout;
use ogpu_types::staking::{self, CollateralOutcome, Compensation, Verdict};
use ogpu_types::{deadline, Asset, AssetInfo, CompetitionModel, Job, Task, TaskSpec};

use crate::error::ContractError;
use crate::execute::publish::{create, escrow_cw20, escrow_native};
use crate::execute::settle::Ending;
use crate::execute::{call, ensure_client, load_task};
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

    let escrow: Vec<WasmMsg> = match &bond.info {
        AssetInfo::Native { denom } => {
            let coin = cosmwasm_std::coin(bond.amount.u128(), denom);
            vec![escrow_native(&config, round, &client, coin)?]
        }
        AssetInfo::Cw20 { contract_addr } => {
            let token = Addr::unchecked(contract_addr);
            escrow_cw20(&config, round, &client, &token, bond.amount)?.to_vec()
        }
    };
    let event = Event::new(events::TASK_DISPUTED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::CLIENT, client.to_string()),
        (attr::PROVIDER, state.winner.to_string()),
        (attr::ROUND, round.to_string()),
        (attr::AMOUNT, bond.to_string()),
    ]);
    Ok(response
        .add_messages(escrow)
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
    let (msg, event) = verdict(&config, &task, &state)?;
    Ok(Response::new()
        .add_message(msg)
        .add_attribute(attr::ACTION, "close_dispute")
        .add_event(event))
}

/// The staking call that settles the disputed winner's lock as `state.status` says, and
/// the resolution event.
fn verdict(
    config: &Config,
    task: &Task,
    state: &DisputeState,
) -> Result<(WasmMsg, Event), ContractError> {
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
    let msg = staking::ExecuteMsg::SettleCollateral {
        task_id: task.id,
        outcomes: vec![CollateralOutcome {
            provider: state.winner.to_string(),
            verdict,
        }],
    };
    let event = Event::new(events::DISPUTE_RESOLVED).add_attributes([
        (attr::TASK_ID, task.id.to_string()),
        (attr::PROVIDER, state.winner.to_string()),
        (attr::STATUS, status.to_string()),
    ]);
    Ok((call(&config.staking, &msg)?, event))
}

/// What ending a re-run round means for the dispute it decides.
pub struct Resolution {
    /// Paid to the disputed winner out of the round's escrow: the bond's unused shares
    /// when the round confirmed its result.
    pub payout: Option<Payout>,
    /// Staking's settlement of the disputed winner's lock.
    pub message: WasmMsg,
    pub event: Event,
}

/// When `round` re-runs a disputed task: a round accepting another digest overturns the
/// result (the winner is slashed; the client is refunded at most its price out of it);
/// any other ending upholds it (the winner's collateral is released and it keeps its
/// pay), and a round that confirmed the digest also pays the winner what the bond did not
/// pay the replicas.
pub fn resolve_round(
    storage: &mut dyn Storage,
    config: &Config,
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
    let (message, event) = verdict(config, &disputed, &state)?;
    Ok(Some(Resolution {
        payout,
        message,
        event: event.add_attribute(attr::ROUND, round.id.to_string()),
    }))
}
