//! `ogpu task publish|list|show|responses|result|watch|confirm|cancel|finalize|dispute`.

use std::io::Write;

use cosmwasm_std::{HexBinary, Uint128};
use ogpu_client::deployment::execute;
use ogpu_client::{Client, Deployment};
use ogpu_types::events;
use ogpu_types::registry::{
    ConfigResponse, DisputeState, ExecuteMsg, QueryMsg, ResponsesResponse, TaskDetails,
    TasksResponse,
};
use ogpu_types::staking;
use ogpu_types::{
    AssetInfo, Job, KernelArg, KernelSource, Payload, Task, TaskResponseRecord, TaskStatus,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::args::{PublishArgs, StatusArg, TaskCmd};
use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::fetch;
use crate::follow;
use crate::output;
use crate::task_spec;
use crate::tx;

/// Page size of the registry's list queries (its `MAX_LIMIT`).
const PAGE: u32 = 30;

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
                eprintln!("no tasks");
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
        TaskCmd::Show { task_id } => {
            let deployment = ctx.deployment()?;
            let chain = ctx.connect().await?;
            let details = follow::task(&chain, &deployment, task_id).await?;
            if ctx.json() {
                output::json(&details)
            } else {
                print_task(&details);
                Ok(())
            }
        }
        TaskCmd::Responses { task_id } => {
            let deployment = ctx.deployment()?;
            let chain = ctx.connect().await?;
            follow::task(&chain, &deployment, task_id).await?;
            let responses = responses(&chain, &deployment, task_id).await?;
            if ctx.json() {
                return output::json(&json!({ "task_id": task_id, "responses": responses }));
            }
            if responses.is_empty() {
                eprintln!("task {task_id} has no responses yet");
                return Ok(());
            }
            let rows = responses
                .iter()
                .map(|r| {
                    vec![
                        r.provider.to_string(),
                        output::name(&r.status),
                        r.price.map(|p| p.to_string()).unwrap_or_default(),
                        r.digest.as_ref().map(|d| d.to_hex()).unwrap_or_default(),
                        output::time(r.reveal_deadline),
                    ]
                })
                .collect::<Vec<_>>();
            output::table(
                &["PROVIDER", "STATUS", "PRICE", "DIGEST", "REVEAL DEADLINE"],
                &rows,
            );
            Ok(())
        }
        TaskCmd::Result {
            task_id,
            provider,
            out,
        } => result(ctx, task_id, provider, out).await,
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
            follow::task(&chain, &deployment, task_id).await?;
            let task = follow::follow(&chain, &deployment, task_id, signer.as_mut()).await?;
            print_outcome(ctx, &task, json!({ "task_id": task_id, "task": task }))
        }
        TaskCmd::Confirm { task_id, provider } => {
            let provider = ctx.address("provider", &provider)?;
            let msg = ExecuteMsg::Confirm {
                task_id,
                provider: provider.clone(),
            };
            simple_tx(
                ctx,
                task_id,
                msg,
                format!("task {task_id}: confirmed the offer of {provider}"),
            )
            .await
        }
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
        TaskCmd::Dispute { task_id } => dispute(ctx, task_id).await,
    }
}

fn task_status(status: StatusArg) -> TaskStatus {
    match status {
        StatusArg::Open => TaskStatus::Open,
        StatusArg::Completed => TaskStatus::Completed,
        StatusArg::Expired => TaskStatus::Expired,
        StatusArg::Cancelled => TaskStatus::Cancelled,
    }
}

/// A cw20 token's `balance` answer.
#[derive(serde::Deserialize)]
struct Cw20Balance {
    balance: Uint128,
}

async fn publish(ctx: &Ctx, args: PublishArgs) -> CliResult<()> {
    let draft = task_spec::draft(&args, &ctx.config.prefix)?;
    let deployment = ctx.deployment()?;
    let mut signer = ctx.signer()?;
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
    let publish = draft.finish(&config, &staking.params.bond_denom)?;
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
    let msg = deployment.publish(
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
        println!("{}", tx::summary(&sent));
        println!("task {task_id} published");
    }
    let finalizer = if args.no_finalize {
        None
    } else {
        Some(&mut signer)
    };
    let task = follow::follow(&client, &deployment, task_id, finalizer).await?;
    print_outcome(
        ctx,
        &task,
        json!({ "task_id": task_id, "tx": sent.outcome, "fee": sent.fee, "task": task }),
    )
}

/// The end of a followed task: its JSON document, or lines for people.
fn print_outcome(ctx: &Ctx, task: &Task, doc: serde_json::Value) -> CliResult<()> {
    if ctx.json() {
        return output::json(&doc);
    }
    match (&task.status, &task.outcome) {
        (TaskStatus::Completed, Some(outcome)) => {
            println!(
                "task {} completed: {} won {} (result sha256 {})",
                task.id,
                outcome.winner,
                output::amount(outcome.price, &task.reward.info),
                outcome.digest.to_hex()
            );
            println!(
                "fetch the result with `ogpu task result {} --out FILE`",
                task.id
            );
        }
        (TaskStatus::Expired, _) => println!("task {} expired: the reward was refunded", task.id),
        (TaskStatus::Cancelled, _) => {
            println!("task {} was cancelled: the reward was refunded", task.id)
        }
        (status, _) => println!("task {} is {}", task.id, status.name()),
    }
    Ok(())
}

/// Every response to a task, all pages.
async fn responses(
    client: &Client,
    deployment: &Deployment,
    task_id: u64,
) -> CliResult<Vec<TaskResponseRecord>> {
    let mut all: Vec<TaskResponseRecord> = Vec::new();
    loop {
        let start_after = all.last().map(|r| r.provider.to_string());
        let query = QueryMsg::Responses {
            task_id,
            start_after,
            limit: Some(PAGE),
        };
        let page: ResponsesResponse = client.smart(&deployment.registry, &query).await?;
        let done = page.responses.len() < PAGE as usize;
        all.extend(page.responses);
        if done {
            return Ok(all);
        }
    }
}

/// A task transaction from `--from`, after checking the task exists and is open.
async fn simple_tx(ctx: &Ctx, task_id: u64, msg: ExecuteMsg, done: String) -> CliResult<()> {
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
    let any = execute(signer.address(), &deployment.registry, &msg, vec![])?;
    match tx::submit(ctx, &client, &mut signer, vec![any]).await? {
        Some(sent) => tx::print(ctx, &sent, json!({ "task_id": task_id }), &[done]),
        None => Ok(()),
    }
}

/// Disputes a result published with dispute terms: posts the terms' bond in the reward's
/// asset, which opens a consensus re-run round (a new task).
async fn dispute(ctx: &Ctx, task_id: u64) -> CliResult<()> {
    let deployment = ctx.deployment()?;
    let mut signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let details = follow::task(&client, &deployment, task_id).await?;
    let state: Option<DisputeState> = client
        .smart(&deployment.registry, &QueryMsg::Dispute { task_id })
        .await?;
    let Some(state) = state else {
        return Err(CliError::usage(
            format!("task {task_id} cannot be disputed: it was published without dispute terms or has no accepted result yet"),
            "publish with `dispute` terms in a raw spec file (see docs/cli.md) to be able to dispute a result",
        ));
    };
    let any = deployment.dispute(
        signer.address(),
        task_id,
        &details.task.reward.info,
        state.terms.bond.u128(),
    )?;
    match tx::submit(ctx, &client, &mut signer, vec![any]).await? {
        Some(sent) => tx::print(
            ctx,
            &sent,
            json!({ "task_id": task_id, "bond": state.terms.bond }),
            &[format!(
                "task {task_id}: disputed with a bond of {}; a consensus round re-runs it",
                state.terms.bond
            )],
        ),
        None => Ok(()),
    }
}

/// `task result`: the winner's (or `--provider`'s) revealed result, checked against its
/// sha256, to `--out` or stdout.
async fn result(
    ctx: &Ctx,
    task_id: u64,
    provider: Option<String>,
    out: Option<std::path::PathBuf>,
) -> CliResult<()> {
    let provider = provider
        .map(|p| ctx.address("--provider", &p))
        .transpose()?;
    let deployment = ctx.deployment()?;
    let client = ctx.connect().await?;
    let details = follow::task(&client, &deployment, task_id).await?;
    let task = &details.task;
    let provider = match (provider, &task.outcome) {
        (Some(p), _) => p,
        (None, Some(outcome)) => outcome.winner.to_string(),
        (None, None) => {
            return Err(CliError::usage(
                format!(
                    "task {task_id} has no accepted result ({}, {} revealed)",
                    follow::phase(task),
                    task.reveal_count
                ),
                "pass --provider ADDR to fetch a revealed offer (see `ogpu task responses`)",
            ))
        }
    };
    let response = responses(&client, &deployment, task_id)
        .await?
        .into_iter()
        .find(|r| r.provider.as_str() == provider)
        .ok_or_else(|| {
            CliError::usage(
                format!("{provider} has no response on task {task_id}"),
                "see `ogpu task responses`",
            )
        })?;
    let (Some(payload), Some(digest)) = (&response.result, &response.digest) else {
        return Err(CliError::usage(
            format!("{provider} has not revealed its result on task {task_id}"),
            "wait for its reveal (`ogpu task watch`)",
        ));
    };
    let (bytes, uri) = match payload {
        Payload::Inline { data } => (data.to_vec(), None),
        Payload::Reference { uri, size, .. } => {
            (fetch::fetch(uri, size.u64()).await?, Some(uri.clone()))
        }
    };
    let actual = Sha256::digest(&bytes);
    let expected: &HexBinary = match &task.outcome {
        Some(outcome) if outcome.winner.as_str() == provider => &outcome.digest,
        _ => digest,
    };
    if actual.as_slice() != expected.as_slice() || payload.size() != bytes.len() as u64 {
        return Err(CliError::chain(format!(
            "the result of task {task_id} from {provider} does not match its sha256 {} (got {}, {} bytes){}",
            expected.to_hex(),
            hex::encode(actual),
            bytes.len(),
            uri.as_ref().map(|u| format!(": {u} serves other bytes")).unwrap_or_default()
        )));
    }
    let summary = json!({
        "task_id": task_id,
        "provider": provider,
        "sha256": expected.to_hex(),
        "size": bytes.len(),
        "uri": uri,
    });
    match out {
        Some(path) => {
            std::fs::write(&path, &bytes).map_err(|e| {
                CliError::usage(
                    format!("cannot write {}: {e}", path.display()),
                    "check the directory exists and is writable",
                )
            })?;
            if ctx.json() {
                let mut doc = summary;
                doc["out"] = json!(path);
                output::json(&doc)
            } else {
                println!(
                    "wrote {} bytes (sha256 {} verified) to {}",
                    bytes.len(),
                    expected.to_hex(),
                    path.display()
                );
                Ok(())
            }
        }
        None if ctx.json() => {
            use base64::Engine as _;
            let mut doc = summary;
            doc["data_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(&bytes));
            output::json(&doc)
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&bytes)
                .and_then(|_| stdout.flush())
                .map_err(|e| {
                    CliError::usage(format!("cannot write to stdout: {e}"), "pass --out FILE")
                })
        }
    }
}

fn print_task(details: &TaskDetails) {
    let t = &details.task;
    println!("task:       {}", t.id);
    println!("phase:      {}", follow::phase(t));
    println!("client:     {}", t.client);
    println!("reward:     {}", output::asset(&t.reward));
    println!("collateral: {}", t.collateral);
    println!("model:      {}", t.model.name());
    println!(
        "created:    {} (height {})",
        output::time(t.created_at),
        t.created_height
    );
    println!("commit by:  {}", output::time(t.commit_deadline));
    println!("reveal by:  {}", output::time(t.reveal_deadline));
    if let Some(confirm) = t.confirm_deadline {
        println!("confirm by: {}", output::time(confirm));
    }
    println!(
        "responses:  {} committed, {} revealed",
        t.commit_count, t.reveal_count
    );
    if let Some(best) = &t.best {
        println!("best offer: {} from {}", best.price, best.provider);
    }
    if let Some(outcome) = &t.outcome {
        println!(
            "winner:     {} for {} (sha256 {})",
            outcome.winner,
            outcome.price,
            outcome.digest.to_hex()
        );
    }
    if let Some(finished) = t.finished_at {
        println!("finished:   {}", output::time(finished));
    }
    match &details.spec.job {
        Job::OpenCl(job) => {
            let kernel = match &job.kernel {
                KernelSource::Inline { source } => format!("inline, {} bytes", source.len()),
                KernelSource::Reference { uri, .. } => uri.clone(),
            };
            let local = job
                .local_work_size
                .as_ref()
                .map(|l| format!(", local {}", output::dims(l)))
                .unwrap_or_default();
            println!(
                "job:        opencl `{}` ({kernel}), global {}{local}",
                job.entry_point,
                output::dims(&job.global_work_size)
            );
            for (i, arg) in job.args.iter().enumerate() {
                let text = match arg {
                    KernelArg::Input {
                        payload: Payload::Inline { data },
                    } => format!("input, inline {} bytes", data.len()),
                    KernelArg::Input {
                        payload: Payload::Reference { uri, size, .. },
                    } => format!("input, {size} bytes at {uri}"),
                    KernelArg::Output { size } => format!("output, {size} bytes"),
                    KernelArg::Scalar { value } => format!(
                        "scalar {}",
                        serde_json::to_string(value).unwrap_or_default()
                    ),
                };
                println!("  arg {i}:    {text}");
            }
        }
        Job::HashSearch(search) => {
            println!(
                "job:        hash search, prefix {}, difficulty {}",
                search.prefix.to_hex(),
                search.difficulty
            )
        }
    }
    let e = &details.spec.requirements.eligibility;
    println!(
        "requires:   device {}, memory ≥ {} MiB, ≥ {} GFLOP/s, reputation ≥ {}, stake ≥ {}{}",
        output::name(&e.device_class),
        e.min_memory_mb,
        e.min_gflops,
        e.min_reputation,
        e.min_stake,
        if details.spec.requirements.allowed_providers.is_empty() {
            String::new()
        } else {
            format!(
                ", only {}",
                details.spec.requirements.allowed_providers.join(", ")
            )
        }
    );
}
