//! `ogpu task publish|list|show|responses|result|watch|confirm|cancel|finalize|dispute|
//! close-dispute|dispute-state|auction|consensus`.

mod competition;
mod dispute;
mod result;
mod show;

use cosmwasm_std::Uint128;
use ogpu_client::{Client, Deployment};
use ogpu_types::events;
use ogpu_types::page::MAX_PAGE as PAGE;
use ogpu_types::registry::{ConfigResponse, ExecuteMsg, QueryMsg, TasksResponse};
use ogpu_types::staking;
use ogpu_types::{AssetInfo, CompetitionModel, Task, TaskStatus};
use serde_json::json;

use crate::args::{PublishArgs, StatusArg, TaskCmd};
use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::follow;
use crate::output;
use crate::task_spec;
use crate::tx;

pub async fn run(ctx: &Ctx, cmd: TaskCmd) -> CliResult<()> {
    match cmd {
        TaskCmd::Publish(args) => publish(ctx, *args).await,
        TaskCmd::List {
            status,
            client,
            mine,
            provider,
            start_after,
            limit,
        } => {
            let client_addr = match (client, mine) {
                (Some(addr), _) => Some(ctx.address("--client", &addr)?),
                (None, true) => Some(ctx.sender_address()?),
                (None, false) => None,
            };
            let provider = provider
                .map(|p| ctx.address("--provider", &p))
                .transpose()?;
            let deployment = ctx.deployment()?;
            let chain = ctx.connect().await?;
            let limit = Some(limit.min(PAGE));
            let query = match (client_addr, provider) {
                (Some(client), _) => QueryMsg::TasksByClient {
                    client,
                    start_after,
                    limit,
                },
                (None, Some(provider)) => QueryMsg::TasksByProvider {
                    provider,
                    start_after,
                    limit,
                },
                (None, None) => QueryMsg::Tasks {
                    status: status.map(task_status),
                    start_after,
                    limit,
                },
            };
            let mut tasks = chain
                .smart::<TasksResponse>(&deployment.registry, &query)
                .await?
                .tasks;
            if let Some(status) = status {
                tasks.retain(|t| t.status == task_status(status));
            }
            if ctx.json() {
                return output::json(&json!({ "tasks": tasks }));
            }
            if tasks.is_empty() {
                errln!("no tasks");
                return Ok(());
            }
            let rows = tasks
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        follow::phase(t),
                        t.model.name().to_string(),
                        output::asset(&t.reward),
                        t.commit_count.to_string(),
                        t.reveal_count.to_string(),
                        output::time(t.commit_deadline),
                        t.client.to_string(),
                    ]
                })
                .collect::<Vec<_>>();
            output::table(
                &[
                    "ID",
                    "PHASE",
                    "MODEL",
                    "REWARD",
                    "COMMITS",
                    "REVEALS",
                    "COMMIT DEADLINE",
                    "CLIENT",
                ],
                &rows,
            );
            Ok(())
        }
        TaskCmd::Show { task_id } => show::show(ctx, task_id).await,
        TaskCmd::Responses { task_id } => show::responses(ctx, task_id).await,
        TaskCmd::Result { task_id, out } => result::result(ctx, task_id, out).await,
        TaskCmd::Watch {
            task_id,
            no_finalize,
        } => {
            let deployment = ctx.deployment()?;
            let mut signer = if no_finalize {
                None
            } else {
                Some(ctx.signer()?)
            };
            let chain = ctx.connect().await?;
            let details = follow::task(&chain, &deployment, task_id).await?;
            let task = follow::follow(&chain, &deployment, task_id, signer.as_mut()).await?;
            keep_result(ctx, &chain, &deployment, &task).await;
            let doc = json!({ "task_id": task_id, "task": task });
            print_outcome(ctx, &task, details.spec.result_key.is_some(), doc)
        }
        TaskCmd::Confirm { task_id, provider } => confirm(ctx, task_id, provider).await,
        TaskCmd::Cancel { task_id } => {
            simple_tx(
                ctx,
                task_id,
                ExecuteMsg::CancelTask { task_id },
                format!("task {task_id}: cancelled, reward refunded"),
            )
            .await
        }
        TaskCmd::Finalize { task_id } => {
            simple_tx(
                ctx,
                task_id,
                ExecuteMsg::Finalize { task_id },
                format!("task {task_id}: finalized"),
            )
            .await
        }
        TaskCmd::Dispute { task_id } => dispute::dispute(ctx, task_id).await,
        TaskCmd::CloseDispute { task_id } => dispute::close(ctx, task_id).await,
        TaskCmd::DisputeState { task_id } => dispute::show(ctx, task_id).await,
        TaskCmd::Auction { task_id } => competition::auction(ctx, task_id).await,
        TaskCmd::Consensus { task_id } => competition::consensus(ctx, task_id).await,
    }
}

fn task_status(status: StatusArg) -> TaskStatus {
    match status {
        StatusArg::Open => TaskStatus::Open,
        StatusArg::Completed => TaskStatus::Completed,
        StatusArg::Expired => TaskStatus::Expired,
        StatusArg::Cancelled => TaskStatus::Cancelled,
        StatusArg::Failed => TaskStatus::Failed,
    }
}

/// A cw20 token's `balance` answer.
#[derive(serde::Deserialize)]
struct Cw20Balance {
    balance: Uint128,
}

async fn publish(ctx: &Ctx, args: PublishArgs) -> CliResult<()> {
    if args.wait {
        ctx.require_wait("publish --wait")?;
    }
    let draft = task_spec::draft(&args, &ctx.config.prefix)?;
    let deployment = ctx.deployment()?;
    let key = ctx.key()?;
    let mut signer = key.signer(&ctx.config.prefix)?;
    let client = ctx.connect().await?;
    let config: ConfigResponse = client
        .smart(&deployment.registry, &QueryMsg::Config {})
        .await?;
    let staking: staking::ConfigResponse = client
        .smart(&deployment.staking, &staking::QueryMsg::Config {})
        .await?;
    if config.paused {
        return Err(CliError::chain(
            "the market is paused: publishing is disabled until the owner resumes it",
        ));
    }
    let publish = draft.finish(&config, &staking.params.bond_denom, || {
        Ok(key.result_key()?.public())
    })?;
    let sealed = publish.spec.result_key.is_some();
    let balance = match &publish.asset {
        AssetInfo::Native { denom } => client.balance(signer.address(), denom).await?,
        AssetInfo::Cw20 { contract_addr } => {
            let query = json!({ "balance": { "address": signer.address() } });
            let answer: Cw20Balance = client.smart(contract_addr, &query).await?;
            answer.balance
        }
    };
    if balance.u128() < publish.reward {
        return Err(CliError::chain(format!(
            "{} has {}, less than the reward of {}: fund the account or lower --reward",
            signer.address(),
            output::amount(balance, &publish.asset),
            output::amount(publish.reward.into(), &publish.asset)
        )));
    }
    let msg = deployment.registry().publish(
        signer.address(),
        publish.spec,
        &publish.asset,
        publish.reward,
    )?;
    let Some(sent) = tx::submit(ctx, &client, &mut signer, vec![msg]).await? else {
        return Ok(());
    };
    // The registry's own event (a cw20 publish also carries the token's events).
    let task_id = ogpu_client::events::ogpu_events(&sent.outcome)
        .iter()
        .find(|e| e.name == events::TASK_PUBLISHED && e.contract == deployment.registry)
        .and_then(|e| e.task_id())
        .ok_or_else(|| {
            CliError::chain(format!(
                "tx {} has no task_published event from the registry: is --deployment right?",
                sent.outcome.hash
            ))
        })?;
    if !args.wait {
        return tx::print(
            ctx,
            &sent,
            json!({ "task_id": task_id }),
            &[format!(
                "task {task_id} published: follow it with `ogpu task watch {task_id}`"
            )],
        );
    }
    if !ctx.json() {
        outln!("{}", tx::summary(&sent));
        outln!("task {task_id} published");
    }
    let finalizer = if args.no_finalize {
        None
    } else {
        Some(&mut signer)
    };
    let task = follow::follow(&client, &deployment, task_id, finalizer).await?;
    keep_result(ctx, &client, &deployment, &task).await;
    let doc = tx::document(
        &sent.response,
        &sent.fee,
        json!({ "task_id": task_id, "task": task }),
    );
    print_outcome(ctx, &task, sealed, doc)
}

/// A completed task's result, kept on this machine as soon as the task completes.
async fn keep_result(ctx: &Ctx, client: &Client, deployment: &Deployment, task: &Task) {
    if task.status == TaskStatus::Completed {
        result::keep(ctx, client, deployment, task.id).await;
    }
}

/// The end of a followed task: its JSON document, or lines for people; a task that ended
/// without a result is an error (see `follow::ended`). `sealed`: the result is sealed to
/// the client, so reading it takes the client's key.
fn print_outcome(ctx: &Ctx, task: &Task, sealed: bool, doc: serde_json::Value) -> CliResult<()> {
    follow::ended(task)?;
    if ctx.json() {
        return output::json(&doc);
    }
    if let (TaskStatus::Completed, Some(outcome)) = (&task.status, &task.outcome) {
        // Consensus pays every agreeing replica the same share; the winner delivered.
        let paid = match task.model {
            CompetitionModel::Consensus { .. } => "delivered; every agreeing provider was paid",
            _ => "was paid",
        };
        outln!(
            "task {} completed: {} {paid} {} (result sha256 {})",
            task.id,
            outcome.winner,
            output::amount(outcome.price, &task.reward.info),
            outcome.digest.to_hex()
        );
        let key = if sealed { " --from KEY" } else { "" };
        outln!(
            "read the result with `ogpu task result {}{key} --out FILE`",
            task.id
        );
    }
    Ok(())
}

/// Manual Confirmation: awards the offer of `provider`, which must then deliver by its
/// deadline to be paid its price; the rest of the reward goes back to the client then.
async fn confirm(ctx: &Ctx, task_id: u64, provider: String) -> CliResult<()> {
    let provider = ctx.address("provider", &provider)?;
    let msg = ExecuteMsg::Confirm {
        task_id,
        provider: provider.clone(),
    };
    let Some(done) = task_tx(ctx, task_id, msg).await? else {
        return Ok(());
    };
    let award = follow::award(&done.client, &done.deployment, task_id)
        .await?
        .ok_or_else(|| CliError::chain(format!("task {task_id} has no award after the confirm")))?;
    let reward = done.task.reward;
    let refund = reward.amount.saturating_sub(award.price);
    tx::print(
        ctx,
        &done.sent,
        json!({ "task_id": task_id, "award": award }),
        &[
            format!(
                "task {task_id}: awarded to {provider}: it must deliver by {} to be paid {}",
                output::time(award.delivery_deadline),
                output::amount(award.price, &reward.info)
            ),
            format!(
                "on delivery the other {} of the reward is refunded; without one, `ogpu task finalize {task_id}` after the deadline slashes it and promotes the next offer",
                output::amount(refund, &reward.info)
            ),
        ],
    )
}

/// A task transaction from `--from`, after checking the task exists and is open.
async fn simple_tx(ctx: &Ctx, task_id: u64, msg: ExecuteMsg, done: String) -> CliResult<()> {
    match task_tx(ctx, task_id, msg).await? {
        Some(sent) => tx::print(ctx, &sent.sent, json!({ "task_id": task_id }), &[done]),
        None => Ok(()),
    }
}

/// A task transaction that went through, with what the caller may still need.
struct TaskTx {
    sent: tx::Sent,
    client: Client,
    deployment: Deployment,
    /// The task as it was before the transaction.
    task: Task,
}

/// Sends `msg` about an open task from `--from`; `None` with `--dry-run`.
async fn task_tx(ctx: &Ctx, task_id: u64, msg: ExecuteMsg) -> CliResult<Option<TaskTx>> {
    let deployment = ctx.deployment()?;
    let mut signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let details = follow::task(&client, &deployment, task_id).await?;
    if details.task.status.is_terminal() {
        return Err(CliError::usage(
            format!("task {task_id} is already {}", details.task.status.name()),
            "nothing left to do (see `ogpu task show`)",
        ));
    }
    let any = deployment
        .registry()
        .execute(signer.address(), &msg, vec![])?;
    let sent = tx::submit(ctx, &client, &mut signer, vec![any]).await?;
    Ok(sent.map(|sent| TaskTx {
        sent,
        client,
        deployment,
        task: details.task,
    }))
}
