//! Ending a task: one place that decides every response's verdict, pays or refunds the
//! escrow, settles collateral and reputation, and records the terminal status. Each
//! ending crosses into each child contract at most once.

use cosmwasm_std::{
    Addr, Decimal, DepsMut, Empty, Env, Event, HexBinary, Order, Response, Uint128,
};
use ogpu_types::events::{self, attr};
use ogpu_types::settlement::{self, Payout};
use ogpu_types::staking::{self, CollateralOutcome, Verdict};
use ogpu_types::{
    Asset, CompetitionModel, ResponseStatus, Task, TaskOutcome, TaskResponseRecord, TaskStatus,
};

use crate::error::ContractError;
use crate::execute::{call, dispute};
use crate::state::{Config, RESPONSES, TASKS, TASKS_BY_STATUS};

/// How a task ends.
pub enum Ending {
    /// Each of `winners` is paid `price` (gross) out of the escrow; the rest goes back to
    /// the client. One winner, except in Consensus, where every agreeing replica wins.
    Completed {
        winners: Vec<Addr>,
        price: Uint128,
        digest: HexBinary,
    },
    /// No result was accepted in time: refund.
    Expired,
    /// The client withdrew the task before any commitment: refund.
    Cancelled,
    /// Consensus: the revealed results reached no quorum: refund.
    Failed,
}

/// Whether a response still holds its collateral lock (it has not been judged yet).
pub fn unsettled(status: ResponseStatus) -> bool {
    matches!(status, ResponseStatus::Committed | ResponseStatus::Revealed)
}

/// What a provider whose commitment was never opened loses: the whole lock, except an
/// auction bid, which loses the configured part of it.
pub fn silence_verdict(task: &Task, config: &Config) -> Verdict {
    let beneficiary = task.client.to_string();
    match task.model {
        CompetitionModel::SealedBidAuction { .. } => Verdict::Penalized {
            beneficiary,
            amount: task.collateral.mul_floor(Decimal::bps(
                config.limits.unrevealed_bid_penalty_bps.into(),
            )),
        },
        _ => Verdict::Slashed { beneficiary },
    }
}

/// The verdict of one response when its task ends at `now`: a winner won; a commitment
/// never opened although its window has passed (while the task was undecided) is slashed;
/// in an accepted Consensus round a revealed result outside the quorum is slashed too;
/// everyone else lost the race and gets the collateral back.
fn judge(
    response: &TaskResponseRecord,
    task: &Task,
    winners: &[Addr],
    env: &Env,
) -> ResponseStatus {
    let consensus = matches!(task.model, CompetitionModel::Consensus { .. });
    let silent =
        response.status == ResponseStatus::Committed && env.block.time > response.reveal_deadline;
    let dissenting =
        consensus && !winners.is_empty() && response.status == ResponseStatus::Revealed;
    if winners.contains(&response.provider) {
        ResponseStatus::Won
    } else if silent || dissenting {
        ResponseStatus::Slashed
    } else {
        ResponseStatus::Lost
    }
}

pub fn settle(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    mut task: Task,
    ending: Ending,
) -> Result<Response, ContractError> {
    let winners: &[Addr] = match &ending {
        Ending::Completed { winners, .. } => winners,
        _ => &[],
    };
    // Bounded: a task holds at most `limits.max_commitments` (≤ 64) responses.
    let responses: Vec<TaskResponseRecord> = RESPONSES
        .prefix(task.id)
        .range(deps.storage, None, None, Order::Ascending)
        .map(|item| item.map(|(_, response)| response))
        .collect::<Result<_, _>>()?;

    // A disputable task's winner keeps its lock until the dispute window closes.
    let disputable = dispute::open_window(deps.storage, &task, &ending, env.block.time)?;
    let mut outcomes = Vec::with_capacity(responses.len());
    for mut response in responses {
        let locked = unsettled(response.status);
        // Responses judged earlier (auction losers, a slashed executor) keep their
        // verdict; a promoted auction executor has no lock left but still wins.
        if !locked && !winners.contains(&response.provider) {
            continue;
        }
        let status = judge(&response, &task, winners, env);
        let verdict = match (status, &ending) {
            (ResponseStatus::Won, Ending::Completed { price, .. }) => Verdict::Won {
                earned: Asset::new(task.reward.info.clone(), *price),
            },
            (ResponseStatus::Slashed, _) if response.status == ResponseStatus::Committed => {
                silence_verdict(&task, config)
            }
            (ResponseStatus::Slashed, _) => Verdict::Slashed {
                beneficiary: task.client.to_string(),
            },
            _ => Verdict::Released {},
        };
        response.status = status;
        RESPONSES.save(deps.storage, (task.id, &response.provider), &response)?;
        if locked && !(disputable && status == ResponseStatus::Won) {
            outcomes.push(CollateralOutcome {
                provider: response.provider.into_string(),
                verdict,
            });
        }
    }

    let resolution = dispute::resolve_round(deps.storage, config, &task, &ending)?;
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
    let escrow_msg = if payouts.is_empty() {
        settlement::ExecuteMsg::Refund { task_id: task.id }
    } else {
        settlement::ExecuteMsg::Release {
            task_id: task.id,
            payouts,
        }
    };
    let mut response = Response::new().add_message(call(&config.settlement, &escrow_msg)?);
    if let Some(resolution) = resolution {
        response = response
            .add_message(resolution.message)
            .add_event(resolution.event);
    }
    if !outcomes.is_empty() {
        let msg = staking::ExecuteMsg::SettleCollateral {
            task_id: task.id,
            outcomes,
        };
        response = response.add_message(call(&config.staking, &msg)?);
    }

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
            let winner = winners
                .into_iter()
                .next()
                .expect("a completed task has a winner");
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
