//! `task show` and `task responses`: a task's header, spec and award, and every response
//! with what a client chooses an offer by — its price (in Consensus, one replica's share)
//! and its provider's on-chain record — never the result, which stays sealed until paid.

use cosmwasm_std::Uint128;
use ogpu_client::{Client, Deployment};
use ogpu_types::registry::{AwardState, QueryMsg, ResponsesResponse, TaskDetails};
use ogpu_types::staking::{self, ProviderResponse, ProviderStatus};
use ogpu_types::{
    CompetitionModel, Job, KernelArg, KernelSource, Payload, Reputation, Task, TaskResponseRecord,
};
use serde::Serialize;
use serde_json::json;

use crate::context::Ctx;
use crate::error::{contract_log, CliResult};
use crate::follow;
use crate::output;

use super::PAGE;

/// A response as `task responses` and `task show` print it: the registry's record as it
/// returns it, what delivery pays the provider, and the provider's record in staking.
#[derive(Serialize)]
pub struct ResponseView {
    #[serde(flatten)]
    pub response: TaskResponseRecord,
    /// Gross pay of this response if it wins: its price, or in Consensus one replica's
    /// share of the reward (`reward / replicas`).
    pub pays: Option<Uint128>,
    /// The provider's record in staking; `None` when it is no longer registered.
    pub record: Option<Record>,
}

/// What staking knows of a provider's past: the record a client chooses offers by.
#[derive(Serialize)]
pub struct Record {
    pub status: ProviderStatus,
    pub reputation_score: u64,
    pub reputation: Reputation,
}

pub async fn show(ctx: &Ctx, task_id: u64) -> CliResult<()> {
    let deployment = ctx.deployment()?;
    let chain = ctx.connect().await?;
    let details = follow::task(&chain, &deployment, task_id).await?;
    let award = follow::award(&chain, &deployment, task_id).await?;
    let views = views(&chain, &deployment, &details.task).await?;
    if ctx.json() {
        return output::json(&json!({
            "task": details.task,
            "spec": details.spec,
            "award": award,
            "responses": views,
        }));
    }
    print_task(&details, award.as_ref());
    if !views.is_empty() {
        outln!();
        print_responses(&details.task, &views);
    }
    Ok(())
}

pub async fn responses(ctx: &Ctx, task_id: u64) -> CliResult<()> {
    let deployment = ctx.deployment()?;
    let chain = ctx.connect().await?;
    let task = follow::task(&chain, &deployment, task_id).await?.task;
    let award = follow::award(&chain, &deployment, task_id).await?;
    let views = views(&chain, &deployment, &task).await?;
    if ctx.json() {
        return output::json(&json!({ "task_id": task_id, "award": award, "responses": views }));
    }
    if views.is_empty() {
        errln!("task {task_id} has no responses yet");
        return Ok(());
    }
    print_responses(&task, &views);
    if let Some(award) = &award {
        print_award(&task, award);
    }
    Ok(())
}

/// Every response to a task, all pages.
pub async fn all_responses(
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

/// Every response with its pay and its provider's record.
async fn views(
    client: &Client,
    deployment: &Deployment,
    task: &Task,
) -> CliResult<Vec<ResponseView>> {
    let mut views = Vec::new();
    for response in all_responses(client, deployment, task.id).await? {
        let record = record(client, deployment, response.provider.as_str()).await?;
        views.push(ResponseView {
            pays: pays(task, &response),
            response,
            record,
        });
    }
    Ok(views)
}

/// What `response` is paid if it wins: Consensus pays each agreeing replica an equal
/// share of the reward; the other models its revealed price (a bid, an offer, the reward).
pub fn pays(task: &Task, response: &TaskResponseRecord) -> Option<Uint128> {
    match task.model {
        CompetitionModel::Consensus { replicas, .. } => Some(share(task.reward.amount, replicas)),
        _ => response.price,
    }
}

/// What one agreeing Consensus replica is paid, gross: `reward / replicas` rounded down,
/// as the registry's tally computes it.
pub fn share(reward: Uint128, replicas: u32) -> Uint128 {
    reward.multiply_ratio(1u128, replicas.max(1))
}

/// A provider's record, `None` when staking no longer knows it.
async fn record(
    client: &Client,
    deployment: &Deployment,
    provider: &str,
) -> CliResult<Option<Record>> {
    let query = staking::QueryMsg::Provider {
        address: provider.to_string(),
    };
    match client
        .smart::<ProviderResponse>(&deployment.staking, &query)
        .await
    {
        Ok(p) => Ok(Some(Record {
            status: p.status,
            reputation_score: p.reputation_score,
            reputation: p.reputation,
        })),
        // The contract answered: not registered (any more).
        Err(err) if contract_log(&err).is_some() => Ok(None),
        Err(err) => Err(err.into()),
    }
}

fn print_responses(task: &Task, views: &[ResponseView]) {
    let rows = views
        .iter()
        .map(|v| {
            let r = &v.response;
            let (score, completed, slashed) = match &v.record {
                Some(rec) => (
                    rec.reputation_score.to_string(),
                    rec.reputation.completed.to_string(),
                    rec.reputation.slashed.to_string(),
                ),
                None => ("-".into(), "-".into(), "-".into()),
            };
            vec![
                r.provider.to_string(),
                output::name(&r.status),
                v.pays
                    .map(|p| output::amount(p, &task.reward.info))
                    .unwrap_or_default(),
                score,
                completed,
                slashed,
                r.digest.as_ref().map(|d| d.to_hex()).unwrap_or_default(),
            ]
        })
        .collect::<Vec<_>>();
    // Consensus pays each agreeing replica a share, not the price its commitment binds.
    let pays = match task.model {
        CompetitionModel::Consensus { .. } => "SHARE",
        _ => "PRICE",
    };
    output::table(
        &[
            "PROVIDER",
            "STATUS",
            pays,
            "SCORE",
            "COMPLETED",
            "SLASHED",
            "DIGEST",
        ],
        &rows,
    );
}

/// Who must deliver, for what, by when, and who stands by.
pub fn print_award(task: &Task, award: &AwardState) {
    let executor = award.ranking.get(award.executor as usize);
    if let Some(offer) = executor {
        outln!(
            "award:      {} must deliver by {}; delivery pays {}",
            offer.provider,
            output::time(award.delivery_deadline),
            output::amount(award.price, &task.reward.info)
        );
    }
    for (i, offer) in award.ranking.iter().enumerate() {
        let role = match i.cmp(&(award.executor as usize)) {
            std::cmp::Ordering::Less => " (missed its delivery)",
            std::cmp::Ordering::Equal => " (delivers now)",
            std::cmp::Ordering::Greater => " (stands by)",
        };
        outln!(
            "  rank {}:   {} at {}{role}",
            i + 1,
            offer.provider,
            output::amount(offer.price, &task.reward.info)
        );
    }
}

fn print_task(details: &TaskDetails, award: Option<&AwardState>) {
    let t = &details.task;
    outln!("task:       {}", t.id);
    outln!("phase:      {}", follow::phase(t));
    outln!("client:     {}", t.client);
    outln!("reward:     {}", output::asset(&t.reward));
    outln!("collateral: {}", t.collateral);
    // Where the model's own state is shown in full.
    let more = match t.model {
        CompetitionModel::SealedBidAuction { .. } => {
            format!(" (bids: `ogpu task auction {}`)", t.id)
        }
        CompetitionModel::Consensus { .. } => format!(" (votes: `ogpu task consensus {}`)", t.id),
        _ => String::new(),
    };
    outln!("model:      {}{more}", t.model.name());
    if let Some(terms) = &details.spec.dispute {
        outln!(
            "dispute:    within {}s of completion, for a bond of {} (`ogpu task dispute-state {}`)",
            terms.window,
            output::amount(terms.bond, &t.reward.info),
            t.id
        );
    }
    outln!(
        "created:    {} (height {})",
        output::time(t.created_at),
        t.created_height
    );
    outln!("commit by:  {}", output::time(t.commit_deadline));
    outln!("reveal by:  {}", output::time(t.reveal_deadline));
    if let Some(confirm) = t.confirm_deadline {
        outln!("confirm by: {}", output::time(confirm));
    }
    outln!(
        "responses:  {} committed, {} revealed",
        t.commit_count,
        t.reveal_count
    );
    match &details.spec.result_key {
        Some(key) => outln!("result:     sealed to the client's key {}", key.to_hex()),
        None => outln!("result:     public"),
    }
    if let Some(award) = award {
        print_award(t, award);
    }
    if let Some(outcome) = &t.outcome {
        let paid = match t.model {
            CompetitionModel::Consensus { .. } => "delivered; each agreeing provider was paid",
            _ => "for",
        };
        outln!(
            "winner:     {} {paid} {} (sha256 {})",
            outcome.winner,
            output::amount(outcome.price, &t.reward.info),
            outcome.digest.to_hex()
        );
    }
    if let Some(finished) = t.finished_at {
        outln!("finished:   {}", output::time(finished));
    }
    print_job(&details.spec.job);
    let e = &details.spec.requirements.eligibility;
    outln!(
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

fn print_job(job: &Job) {
    match job {
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
            outln!(
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
                outln!("  arg {i}:    {text}");
            }
        }
        Job::HashSearch(search) => {
            outln!(
                "job:        hash search, prefix {}, difficulty {}",
                search.prefix.to_hex(),
                search.difficulty
            )
        }
    }
}
