//! Following a task (`task publish --wait`, `task watch`): the Task query once per block,
//! each step printed on stderr as it happens — open → committed N → revealed N → awarded
//! (who must deliver, for what, by when) → delivered → completed, or expired / failed /
//! cancelled — and `finalize` sent once the deadlines allow it (the cheapest offer awarded,
//! a missed delivery slashed and the next provider promoted, an expiry), so the task always
//! reaches its end. A task that ends without a result is an error (exit code 1), so
//! `publish --wait && task result` never reads a result that does not exist.

use std::time::Duration;

use cosmrs::rpc::Client as _;
use cosmwasm_std::Timestamp;
use ogpu_client::{Client, ClientError, Deployment, Gas, Signer};
use ogpu_types::finalize;
use ogpu_types::registry::{AwardState, ExecuteMsg, QueryMsg, TaskDetails};
use ogpu_types::{CompetitionModel, Task, TaskStatus};

use crate::error::{CliError, CliResult, EXIT_CHAIN};
use crate::output;

/// How often the latest height is polled.
const POLL: Duration = Duration::from_millis(250);
/// Consecutive failed polls (one per `RETRY`) before giving up: about two minutes.
const RPC_RETRIES: u32 = 60;
const RETRY: Duration = Duration::from_secs(2);
/// Finalize attempts (one per block) before giving up.
const FINALIZE_ATTEMPTS: u32 = 5;

/// A task's phase as `task list` shows it.
pub fn phase(task: &Task) -> String {
    match task.status {
        TaskStatus::Open if task.best.is_some() => "awarded".to_string(),
        TaskStatus::Open if task.reveal_count > 0 => format!("revealed {}", task.reveal_count),
        TaskStatus::Open if task.commit_count > 0 => format!("committed {}", task.commit_count),
        TaskStatus::Open => "open".to_string(),
        status => status.name().to_string(),
    }
}

/// A task's step as `--wait` prints it: the phase, with who must deliver once awarded (a
/// promotion is a new step) and who delivered once completed.
pub fn step(task: &Task, award: Option<&AwardState>) -> String {
    match (task.status, &task.best, award, &task.outcome) {
        (TaskStatus::Open, Some(best), Some(award), _) => format!(
            "awarded to {}: it must deliver by {} to be paid {}",
            best.provider,
            output::time(award.delivery_deadline),
            output::amount(award.price, &task.reward.info)
        ),
        (TaskStatus::Completed, _, _, Some(outcome)) if awarded_model(task.model) => {
            format!("delivered by {}, completed", outcome.winner)
        }
        _ => phase(task),
    }
}

/// Models whose result is delivered after an award (not with the reveal).
pub fn awarded_model(model: CompetitionModel) -> bool {
    !matches!(model, CompetitionModel::FirstResponse { .. })
}

/// Whether `finalize` would move the task on in a block after `now` (the latest block's
/// time); `award` is the registry's Award of an awarded task.
pub fn finalizable(task: &Task, award: Option<&AwardState>, now: Timestamp) -> bool {
    !task.status.is_terminal() && finalize::due(task, award, now).is_due()
}

/// The end of a followed task: `Ok` when it completed, else the error that says how it
/// ended (the reward was refunded).
pub fn ended(task: &Task) -> CliResult<()> {
    let id = task.id;
    let why = match task.status {
        TaskStatus::Completed | TaskStatus::Open => return Ok(()),
        TaskStatus::Expired => format!(
            "task {id} expired without a result: the reward was refunded (see `ogpu task responses {id}`)"
        ),
        TaskStatus::Failed => format!(
            "task {id} failed: its replicas reached no quorum and the reward was refunded (see `ogpu task responses {id}`)"
        ),
        TaskStatus::Cancelled => format!("task {id} was cancelled: the reward was refunded"),
    };
    Err(CliError::chain(why))
}

/// The registry's task, with a clear error when it does not exist.
pub async fn task(
    client: &Client,
    deployment: &Deployment,
    task_id: u64,
) -> CliResult<TaskDetails> {
    client
        .smart(&deployment.registry, &QueryMsg::Task { task_id })
        .await
        .map_err(|e| unknown_task(e, task_id))
}

/// The registry's Award of an awarded task: who must deliver, for what, by when.
pub async fn award(
    client: &Client,
    deployment: &Deployment,
    task_id: u64,
) -> CliResult<Option<AwardState>> {
    Ok(client
        .smart(&deployment.registry, &QueryMsg::Award { task_id })
        .await?)
}

/// The latest block's height and time: what the registry's deadlines are compared with.
pub async fn tip(client: &Client) -> CliResult<(u64, Timestamp)> {
    let status = client
        .rpc()
        .status()
        .await
        .map_err(|e| crate::error::unreachable(&client.config().node, &e))?;
    let now = status.sync_info.latest_block_time.unix_timestamp_nanos();
    Ok((
        status.sync_info.latest_block_height.value(),
        Timestamp::from_nanos(u64::try_from(now).unwrap_or(0)),
    ))
}

/// "task N not found" as a usage error; anything else as it is.
pub fn unknown_task(err: ClientError, task_id: u64) -> CliError {
    if crate::error::contract_log(&err)
        .is_some_and(|log| log.contains(&format!("task {task_id} not found")))
    {
        return CliError::usage(
            format!("task {task_id} not found"),
            "list the tasks with `ogpu task list`",
        );
    }
    err.into()
}

/// One poll's view of the task.
struct Observed {
    height: u64,
    /// The latest block's time.
    now: Timestamp,
    task: Task,
    award: Option<AwardState>,
}

/// Follows `task_id` until it ends and returns its last header. With `finalizer`, sends
/// `finalize` from it once the deadlines passed.
pub async fn follow(
    client: &Client,
    deployment: &Deployment,
    task_id: u64,
    mut finalizer: Option<&mut Signer>,
) -> CliResult<Task> {
    let mut last_height = 0;
    let mut last_phase = String::new();
    let mut hinted = false;
    let mut attempts = 0;
    let mut failures = 0;
    loop {
        // The latest block, then the task (and its award once awarded): a node that stops
        // answering for a while (a long wait on a public RPC) is retried, not fatal.
        let observed: CliResult<Option<Observed>> = async {
            let (height, now) = tip(client).await?;
            if height == last_height {
                return Ok(None);
            }
            let task = task(client, deployment, task_id).await?.task;
            let award = match (&task.best, task.status) {
                (Some(_), TaskStatus::Open) => award(client, deployment, task_id).await?,
                _ => None,
            };
            Ok(Some(Observed {
                height,
                now,
                task,
                award,
            }))
        }
        .await;
        let Observed {
            height,
            now,
            task,
            award,
        } = match observed {
            Ok(Some(observed)) => {
                failures = 0;
                observed
            }
            Ok(None) => {
                tokio::time::sleep(POLL).await;
                continue;
            }
            Err(err) if err.code == EXIT_CHAIN && failures < RPC_RETRIES => {
                failures += 1;
                if failures == 1 {
                    errln!("task {task_id}: {}; retrying", err.line());
                }
                tokio::time::sleep(RETRY).await;
                continue;
            }
            Err(err) => return Err(err),
        };
        last_height = height;
        let current = step(&task, award.as_ref());
        if current != last_phase {
            errln!("task {task_id}: {current} (height {height})");
            last_phase = current;
        }
        if task.status.is_terminal() {
            return Ok(task);
        }
        if let (CompetitionModel::ManualConfirmation { .. }, false, None, Some(deadline)) =
            (task.model, hinted, &task.best, task.confirm_deadline)
        {
            if now > task.reveal_deadline && task.reveal_count > 0 {
                hinted = true;
                errln!(
                    "task {task_id}: {} offers: compare their prices and providers' records with `ogpu task responses {task_id}`, then award one with `ogpu task confirm {task_id} PROVIDER` before {} (after that the cheapest is awarded)",
                    task.reveal_count,
                    output::time(deadline)
                );
            }
        }
        if let Some(signer) = finalizer.as_deref_mut() {
            if finalizable(&task, award.as_ref(), now) {
                attempts += 1;
                errln!("task {task_id}: deadlines passed, sending finalize");
                let msg = deployment.registry().execute(
                    signer.address(),
                    &ExecuteMsg::Finalize { task_id },
                    vec![],
                )?;
                match client.send(signer, vec![msg], Gas::Auto).await {
                    Ok(outcome) => {
                        attempts = 0;
                        errln!("task {task_id}: finalized in tx {}", outcome.hash)
                    }
                    Err(err) if attempts < FINALIZE_ATTEMPTS => {
                        errln!(
                            "task {task_id}: finalize failed ({}), retrying next block",
                            CliError::from(err)
                        )
                    }
                    Err(err) => return Err(err.into()),
                }
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{Addr, Uint128};
    use ogpu_types::{Asset, AssetInfo, Offer, TaskOutcome};

    fn task(model: CompetitionModel) -> Task {
        let t = Timestamp::from_seconds;
        Task {
            id: 1,
            client: Addr::unchecked("c"),
            reward: Asset::new(AssetInfo::native("ustake"), 1000u128),
            collateral: Uint128::new(100),
            model,
            status: TaskStatus::Open,
            created_height: 1,
            created_at: t(0),
            commit_deadline: t(10),
            reveal_deadline: t(10),
            confirm_deadline: matches!(model, CompetitionModel::ManualConfirmation { .. })
                .then(|| t(30)),
            commit_count: 0,
            reveal_count: 0,
            best: None,
            outcome: None,
            finished_at: None,
        }
    }

    fn mc() -> Task {
        task(CompetitionModel::ManualConfirmation {
            commit_window: 10,
            reveal_window: 10,
            confirm_window: 10,
            delivery_window: 10,
        })
    }

    fn award(deadline: u64) -> AwardState {
        AwardState {
            ranking: vec![Offer {
                provider: Addr::unchecked("p"),
                price: Uint128::new(600),
            }],
            executor: 0,
            price: Uint128::new(600),
            delivery_deadline: Timestamp::from_seconds(deadline),
        }
    }

    #[test]
    fn phases_and_steps() {
        let mut t = task(CompetitionModel::FirstResponse {
            commit_window: 10,
            reveal_window: 10,
        });
        assert_eq!(phase(&t), "open");
        t.commit_count = 2;
        assert_eq!(phase(&t), "committed 2");
        t.reveal_count = 1;
        assert_eq!(phase(&t), "revealed 1");
        t.status = TaskStatus::Completed;
        t.outcome = Some(TaskOutcome {
            winner: Addr::unchecked("p"),
            price: Uint128::new(1000),
            digest: Default::default(),
        });
        assert_eq!(phase(&t), "completed");
        assert_eq!(
            step(&t, None),
            "completed",
            "first response has no delivery"
        );

        let mut t = mc();
        t.reveal_count = 2;
        t.best = Some(Offer {
            provider: Addr::unchecked("p"),
            price: Uint128::new(600),
        });
        assert_eq!(phase(&t), "awarded");
        assert_eq!(
            step(&t, Some(&award(40))),
            "awarded to p: it must deliver by 1970-01-01T00:00:40Z to be paid 600ustake"
        );
        t.status = TaskStatus::Completed;
        t.outcome = Some(TaskOutcome {
            winner: Addr::unchecked("p"),
            price: Uint128::new(600),
            digest: Default::default(),
        });
        assert_eq!(step(&t, None), "delivered by p, completed");
    }

    #[test]
    fn when_finalize_works() {
        let s = Timestamp::from_seconds;
        let mut fr = task(CompetitionModel::FirstResponse {
            commit_window: 10,
            reveal_window: 10,
        });
        assert!(!finalizable(&fr, None, s(10)));
        assert!(finalizable(&fr, None, s(11)));
        // A commitment's reveal window runs on past the commit deadline.
        fr.commit_count = 1;
        fr.reveal_deadline = s(20);
        assert!(!finalizable(&fr, None, s(11)));
        assert!(finalizable(&fr, None, s(21)));
        let mut mc = mc();
        mc.reveal_deadline = s(20);
        assert!(
            finalizable(&mc, None, s(11)),
            "no commitment after the commit deadline"
        );
        mc.commit_count = 1;
        assert!(!finalizable(&mc, None, s(11)));
        assert!(
            finalizable(&mc, None, s(21)),
            "no reveal after the reveal deadline"
        );
        mc.reveal_count = 1;
        assert!(!finalizable(&mc, None, s(21)));
        assert!(finalizable(&mc, None, s(31)), "after the confirm deadline");
        let awarded = award(40);
        assert!(
            !finalizable(&mc, Some(&awarded), s(31)),
            "awarded: the provider has until its delivery deadline"
        );
        assert!(
            finalizable(&mc, Some(&awarded), s(41)),
            "a missed delivery is slashed and the next offer promoted"
        );
    }

    #[test]
    fn only_completed_tasks_end_well() {
        let mut t = mc();
        t.status = TaskStatus::Completed;
        assert!(ended(&t).is_ok());
        for (status, needle) in [
            (TaskStatus::Expired, "task 1 expired without a result"),
            (TaskStatus::Failed, "task 1 failed"),
            (TaskStatus::Cancelled, "task 1 was cancelled"),
        ] {
            t.status = status;
            let err = ended(&t).unwrap_err();
            assert_eq!(err.code, EXIT_CHAIN);
            assert!(err.line().contains(needle), "{}", err.line());
        }
    }
}
