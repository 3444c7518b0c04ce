//! Ending a task: one place that decides every response's verdict, pays or refunds the
//! escrow, settles collateral and reputation, and records the terminal status. Each
//! ending crosses into each child contract at most once.

use cosmwasm_std::{Addr, DepsMut, Empty, Env, Event, HexBinary, Order, Response, Uint128};
use ogpu_types::events::{self, attr};
use ogpu_types::settlement::{self, Payout};
use ogpu_types::staking::{self, CollateralOutcome, Verdict};
use ogpu_types::{Asset, ResponseStatus, Task, TaskOutcome, TaskResponseRecord, TaskStatus};

use crate::error::ContractError;
use crate::execute::call;
use crate::state::{Config, RESPONSES, TASKS, TASKS_BY_STATUS};

/// How a task ends.
pub enum Ending {
    /// `winner` is paid `price` (gross) out of the escrow; the rest goes back to the client.
    Completed {
        winner: Addr,
        price: Uint128,
        digest: HexBinary,
    },
    /// No result was accepted in time: refund.
    Expired,
    /// The client withdrew the task before any commitment: refund.
    Cancelled,
}

/// The verdict of one response when its task ends at `now`: the winner won; a commitment
/// never opened although its window has passed (while the task was undecided) is slashed;
/// everyone else lost the race and gets the collateral back.
fn judge(response: &TaskResponseRecord, winner: Option<&Addr>, env: &Env) -> ResponseStatus {
    if winner == Some(&response.provider) {
        ResponseStatus::Won
    } else if response.status == ResponseStatus::Committed
        && env.block.time > response.reveal_deadline
    {
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
    let winner = match &ending {
        Ending::Completed { winner, .. } => Some(winner.clone()),
        _ => None,
    };
    // Bounded: a task holds at most `limits.max_commitments` (≤ 64) responses.
    let responses: Vec<TaskResponseRecord> = RESPONSES
        .prefix(task.id)
        .range(deps.storage, None, None, Order::Ascending)
        .map(|item| item.map(|(_, response)| response))
        .collect::<Result<_, _>>()?;

    let mut outcomes = Vec::with_capacity(responses.len());
    for mut response in responses {
        let status = judge(&response, winner.as_ref(), env);
        let verdict = match (status, &ending) {
            (ResponseStatus::Won, Ending::Completed { price, .. }) => Verdict::Won {
                earned: Asset::new(task.reward.info.clone(), *price),
            },
            (ResponseStatus::Slashed, _) => Verdict::Slashed {
                beneficiary: task.client.to_string(),
            },
            _ => Verdict::Released {},
        };
        response.status = status;
        RESPONSES.save(deps.storage, (task.id, &response.provider), &response)?;
        outcomes.push(CollateralOutcome {
            provider: response.provider.into_string(),
            verdict,
        });
    }

    let mut response = Response::new();
    let escrow_msg = match &ending {
        Ending::Completed { winner, price, .. } if !price.is_zero() => {
            settlement::ExecuteMsg::Release {
                task_id: task.id,
                payouts: vec![Payout {
                    recipient: winner.to_string(),
                    amount: *price,
                }],
            }
        }
        _ => settlement::ExecuteMsg::Refund { task_id: task.id },
    };
    response = response.add_message(call(&config.settlement, &escrow_msg)?);
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
            winner,
            price,
            digest,
        } => {
            task.status = TaskStatus::Completed;
            let event = Event::new(events::TASK_COMPLETED).add_attributes([
                (attr::TASK_ID, task.id.to_string()),
                (attr::PROVIDER, winner.to_string()),
                (attr::PRICE, price.to_string()),
                (attr::DIGEST, digest.to_hex()),
            ]);
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
    };
    TASKS.save(deps.storage, task.id, &task)?;
    TASKS_BY_STATUS.remove(deps.storage, (open_status.name(), task.id));
    TASKS_BY_STATUS.save(deps.storage, (task.status.name(), task.id), &Empty {})?;
    Ok(response.add_event(event.add_attribute(attr::CLIENT, task.client.to_string())))
}
