//! Following a task (`task publish --wait`, `task watch`): the Task query once per block,
//! each phase change printed on stderr as it happens — open → committed N → revealed N →
//! completed / expired / cancelled — and `finalize` sent once the deadlines allow it, so
//! the task always reaches its end.

use std::time::Duration;

use cosmrs::rpc::Client as _;
use cosmwasm_std::Timestamp;
use ogpu_client::deployment::execute;
use ogpu_client::{Client, ClientError, Deployment, Gas, Signer};
use ogpu_types::registry::{ExecuteMsg, QueryMsg, TaskDetails};
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

/// A task's phase as `--wait` shows it.
pub fn phase(task: &Task) -> String {
    match task.status {
        TaskStatus::Open if task.reveal_count > 0 => format!("revealed {}", task.reveal_count),
        TaskStatus::Open if task.commit_count > 0 => format!("committed {}", task.commit_count),
        TaskStatus::Open => "open".to_string(),
        status => status.name().to_string(),
    }
}

/// Whether `finalize` would settle the task in a block after `now` (the latest block's time).
pub fn finalizable(task: &Task, now: Timestamp) -> bool {
    if task.status.is_terminal() {
        return false;
    }
    match task.model {
        CompetitionModel::FirstResponse { .. } => {
            now > task.commit_deadline && now > task.reveal_deadline
        }
        CompetitionModel::ManualConfirmation { .. } => {
            (now > task.commit_deadline && task.commit_count == 0)
                || (now > task.reveal_deadline && task.reveal_count == 0)
                || task.confirm_deadline.is_some_and(|d| now > d)
        }
        // An awarded auction's delivery deadline is in the registry's `Auction` query,
        // not the header: the executor delivers, or another follower finalizes.
        CompetitionModel::SealedBidAuction { .. } if task.best.is_some() => false,
        CompetitionModel::SealedBidAuction { .. } | CompetitionModel::Consensus { .. } => {
            (now > task.commit_deadline && task.commit_count == 0) || now > task.reveal_deadline
        }
    }
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
        // The latest block, then the task: a node that stops answering for a while (a
        // long wait on a public RPC) is retried, not fatal.
        let observed: CliResult<Option<(u64, Timestamp, Task)>> = async {
            let status = client
                .rpc()
                .status()
                .await
                .map_err(|e| crate::error::unreachable(&client.config().node, &e))?;
            let height = status.sync_info.latest_block_height.value();
            if height == last_height {
                return Ok(None);
            }
            let now = status.sync_info.latest_block_time.unix_timestamp_nanos();
            let now = Timestamp::from_nanos(u64::try_from(now).unwrap_or(0));
            Ok(Some((
                height,
                now,
                task(client, deployment, task_id).await?.task,
            )))
        }
        .await;
        let (height, now, task) = match observed {
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
                    eprintln!("task {task_id}: {}; retrying", err.line());
                }
                tokio::time::sleep(RETRY).await;
                continue;
            }
            Err(err) => return Err(err),
        };
        last_height = height;
        let current = phase(&task);
        if current != last_phase {
            eprintln!("task {task_id}: {current} (height {height})");
            last_phase = current;
        }
        if task.status.is_terminal() {
            return Ok(task);
        }
        if let (CompetitionModel::ManualConfirmation { .. }, false, Some(deadline)) =
            (task.model, hinted, task.confirm_deadline)
        {
            if now > task.reveal_deadline && task.reveal_count > 0 {
                hinted = true;
                let best = task
                    .best
                    .as_ref()
                    .map(|b| format!("; cheapest {} from {}", b.price, b.provider))
                    .unwrap_or_default();
                eprintln!(
                    "task {task_id}: confirm an offer with `ogpu task confirm {task_id} PROVIDER` before {} (then the cheapest is confirmed automatically){best}",
                    output::time(deadline)
                );
            }
        }
        if let Some(signer) = finalizer.as_deref_mut() {
            if finalizable(&task, now) {
                attempts += 1;
                eprintln!("task {task_id}: deadlines passed, sending finalize");
                let msg = execute(
                    signer.address(),
                    &deployment.registry,
                    &ExecuteMsg::Finalize { task_id },
                    vec![],
                )?;
                match client.send(signer, vec![msg], Gas::Auto).await {
                    Ok(outcome) => eprintln!("task {task_id}: finalized in tx {}", outcome.hash),
                    Err(err) if attempts < FINALIZE_ATTEMPTS => {
                        eprintln!(
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
    use ogpu_types::{Asset, AssetInfo};

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

    #[test]
    fn phases() {
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
        assert_eq!(phase(&t), "completed");
    }

    #[test]
    fn when_finalize_works() {
        let s = Timestamp::from_seconds;
        let mut fr = task(CompetitionModel::FirstResponse {
            commit_window: 10,
            reveal_window: 10,
        });
        assert!(!finalizable(&fr, s(10)));
        assert!(finalizable(&fr, s(11)));
        fr.reveal_deadline = s(20);
        assert!(!finalizable(&fr, s(11)));
        let mut mc = task(CompetitionModel::ManualConfirmation {
            commit_window: 10,
            reveal_window: 10,
            confirm_window: 10,
        });
        mc.reveal_deadline = s(20);
        assert!(
            finalizable(&mc, s(11)),
            "no commitment after the commit deadline"
        );
        mc.commit_count = 1;
        assert!(!finalizable(&mc, s(11)));
        assert!(
            finalizable(&mc, s(21)),
            "no reveal after the reveal deadline"
        );
        mc.reveal_count = 1;
        assert!(!finalizable(&mc, s(21)));
        assert!(finalizable(&mc, s(31)), "after the confirm deadline");
    }
}
