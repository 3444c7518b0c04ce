//! Ending a task: one place that decides every response's verdict, pays or refunds the
//! escrow, settles collateral and reputation, and records the terminal status. Each
//! ending crosses into each child contract at most once.

use cosmwasm_std::{Addr, Decimal, DepsMut, Empty, Env, Event, Response};
use ogpu_types::events::{self, attr};
use ogpu_types::settlement::{self, Deposit, Payout};
use ogpu_types::staking::Compensation;
use ogpu_types::{
    Asset, CompetitionModel, ResponseStatus, Task, TaskOutcome, TaskResponseRecord, TaskStatus,
};

use crate::error::ContractError;
use crate::ledger::child::call;
use crate::ledger::collateral::{Judgement, Verdict};
use crate::ledger::dispute;
use crate::ledger::ending::Ending;
use crate::ledger::task::responses;
use crate::state::{Config, RESPONSES, TASKS, TASKS_BY_STATUS};

/// Whether a response still holds its collateral lock (it has not been judged yet).
pub fn unsettled(status: ResponseStatus) -> bool {
    matches!(status, ResponseStatus::Committed | ResponseStatus::Revealed)
}

/// What a provider whose commitment was never opened loses: the whole lock, except an
/// auction bid, which loses the configured part of it (nothing, a release, when that is
/// zero). It compensates the client: an honest provider commits only to what it can open,
/// so only the client's own accounts could be made to stay silent, and their loss exceeds
/// the client's share.
pub fn silence_verdict(task: &Task, config: &Config) -> Verdict {
    let amount = match task.model {
        CompetitionModel::SealedBidAuction { .. } => Some(task.collateral.mul_floor(Decimal::bps(
            config.limits.unrevealed_bid_penalty_bps.into(),
        ))),
        _ => None,
    };
    if amount.is_some_and(|a| a.is_zero()) {
        return Verdict::Released;
    }
    Verdict::Slashed {
        amount,
        compensation: Some(Compensation {
            client: task.client.to_string(),
            cap: None,
        }),
    }
}

/// The verdict of one response when its task ends at `now`: a winner won; a commitment
/// never opened although its window has passed (while the task was undecided) is slashed;
/// everyone else lost the race, was not chosen or dissented, and gets the collateral back.
/// A dissenting replica is not slashed: a majority of a round may be one party's
/// accounts, and slashing the honest minority would let it grief for the price of fees.
fn judge(response: &TaskResponseRecord, winners: &[Addr], env: &Env) -> ResponseStatus {
    let silent =
        response.status == ResponseStatus::Committed && env.block.time > response.reveal_deadline;
    if winners.contains(&response.provider) {
        ResponseStatus::Won
    } else if silent {
        ResponseStatus::Slashed
    } else {
        ResponseStatus::Lost
    }
}

/// Ends `task`. `opened` is a response this transaction changed (a winning reveal, a
/// delivery) and has not saved: it is written once, with its verdict, not twice.
pub fn settle(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    mut task: Task,
    ending: Ending,
    mut opened: Option<TaskResponseRecord>,
) -> Result<Response, ContractError> {
    let winners: &[Addr] = match &ending {
        Ending::Completed { winners, .. } => winners,
        _ => &[],
    };
    let responses = responses(deps.storage, task.id)?;

    // A disputable task's winner keeps its lock until the dispute window closes.
    let disputable = dispute::open_window(deps.storage, &task, &ending, env.block.time)?;
    let mut judgement = Judgement::new(task.id);
    for stored in responses {
        let (mut response, changed) = match opened.take_if(|o| o.provider == stored.provider) {
            Some(opened) => (opened, true),
            None => (stored, false),
        };
        // Responses judged earlier (unopened bids, a missed delivery) keep their verdict.
        if !unsettled(response.status) {
            if changed {
                RESPONSES.save(deps.storage, (task.id, &response.provider), &response)?;
            }
            continue;
        }
        let status = judge(&response, winners, env);
        let verdict = match (status, &ending) {
            (ResponseStatus::Won, Ending::Completed { price, .. }) => Verdict::Won {
                earned: Asset::new(task.reward.info.clone(), *price),
            },
            (ResponseStatus::Slashed, _) => silence_verdict(&task, config),
            _ => Verdict::Released,
        };
        response.status = status;
        RESPONSES.save(deps.storage, (task.id, &response.provider), &response)?;
        if !(disputable && status == ResponseStatus::Won) {
            judgement.apply(deps.storage, &response.provider, verdict)?;
        }
    }

    // Every opened response is on the task's list; should one not be, it is still kept.
    if let Some(response) = opened {
        RESPONSES.save(deps.storage, (task.id, &response.provider), &response)?;
    }
    let resolution = dispute::resolve_round(deps.storage, &task, &ending)?;
    let mut payouts: Vec<Payout> = match &ending {
        Ending::Completed { winners, price, .. } if !price.is_zero() => winners
            .iter()
            .map(|winner| Payout {
                recipient: winner.to_string(),
                amount: *price,
            })
            .collect(),
        _ => vec![],
    };
    payouts.extend(resolution.as_ref().and_then(|r| r.payout.clone()));
    // Settlement holds the reward since publish; it learns of the task only now.
    let deposit = Deposit {
        task_id: task.id,
        payer: task.client.to_string(),
        asset: task.reward.clone(),
    };
    let escrow_msg = if payouts.is_empty() {
        settlement::ExecuteMsg::Refund { deposit }
    } else {
        settlement::ExecuteMsg::Release { deposit, payouts }
    };
    let mut response = Response::new().add_message(call(&config.settlement, &escrow_msg)?);
    if let Some(resolution) = resolution {
        response = resolution.judge(deps.storage, config, response)?;
    }
    response = judgement.finish(config, response)?;

    let open_status = task.status;
    task.finished_at = Some(env.block.time);
    let event = match ending {
        Ending::Completed {
            winners,
            price,
            digest,
        } => {
            task.status = TaskStatus::Completed;
            let providers = winners.iter().map(|w| (attr::PROVIDER, w.to_string()));
            let event = Event::new(events::TASK_COMPLETED)
                .add_attribute(attr::TASK_ID, task.id.to_string())
                .add_attributes(providers)
                .add_attributes([
                    (attr::PRICE, price.to_string()),
                    (attr::DIGEST, digest.to_hex()),
                    (attr::AGREEING, winners.len().to_string()),
                ]);
            let winner = winners.into_iter().next().ok_or_else(|| {
                cosmwasm_std::StdError::generic_err("a completed task has a winner")
            })?;
            task.outcome = Some(TaskOutcome {
                winner,
                price,
                digest,
            });
            event
        }
        Ending::Expired => {
            task.status = TaskStatus::Expired;
            Event::new(events::TASK_EXPIRED).add_attribute(attr::TASK_ID, task.id.to_string())
        }
        Ending::Cancelled => {
            task.status = TaskStatus::Cancelled;
            Event::new(events::TASK_CANCELLED).add_attribute(attr::TASK_ID, task.id.to_string())
        }
        Ending::Failed => {
            task.status = TaskStatus::Failed;
            Event::new(events::TASK_FAILED).add_attribute(attr::TASK_ID, task.id.to_string())
        }
    };
    TASKS.save(deps.storage, task.id, &task)?;
    TASKS_BY_STATUS.remove(deps.storage, (open_status.name(), task.id));
    TASKS_BY_STATUS.save(deps.storage, (task.status.name(), task.id), &Empty {})?;
    Ok(response.add_event(event.add_attribute(attr::CLIENT, task.client.to_string())))
}
