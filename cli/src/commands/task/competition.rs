//! `task auction` and `task consensus`: where a task's competition stands, from the
//! registry's `responses` and `award` queries. An auction's bids (sealed, or opened with
//! their prices) and who must deliver for which second price; a Consensus round's
//! replicas, the digests they revealed with their votes, and each agreeing provider's
//! share of the reward, gross and after the protocol fee.

use std::collections::BTreeMap;

use cosmwasm_std::Timestamp;
use ogpu_client::Client;
use ogpu_types::fee::protocol_fee;
use ogpu_types::registry::AwardState;
use ogpu_types::{settlement, CompetitionModel, Task, TaskResponseRecord};
use serde::Serialize;
use serde_json::json;

use super::show::{all_responses, print_award, share};
use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::follow;
use crate::output;

/// What both views read: the task, its responses, its award, the latest block's time.
struct Competition {
    task: Task,
    responses: Vec<TaskResponseRecord>,
    award: Option<AwardState>,
    now: Timestamp,
}

/// Reads task `task_id` with what `params` takes out of its model, refusing a task of
/// another model than `wanted` names.
async fn read<T>(
    ctx: &Ctx,
    task_id: u64,
    wanted: &str,
    params: fn(&CompetitionModel) -> Option<T>,
) -> CliResult<(Client, Competition, T)> {
    let deployment = ctx.deployment()?;
    let client = ctx.connect().await?;
    let task = follow::task(&client, &deployment, task_id).await?.task;
    let Some(params) = params(&task.model) else {
        return Err(CliError::usage(
            format!(
                "task {task_id} is a {} task, not {wanted}",
                task.model.name()
            ),
            format!("see it with `ogpu task show {task_id}`"),
        ));
    };
    let responses = all_responses(&client, &deployment, task_id).await?;
    let award = follow::award(&client, &deployment, task_id).await?;
    let (_, now) = follow::tip(&client).await?;
    let competition = Competition {
        task,
        responses,
        award,
        now,
    };
    Ok((client, competition, params))
}

pub async fn auction(ctx: &Ctx, task_id: u64) -> CliResult<()> {
    let is =
        |m: &CompetitionModel| matches!(m, CompetitionModel::SealedBidAuction { .. }).then_some(());
    let (_, c, ()) = read(ctx, task_id, "an auction", is).await?;
    if ctx.json() {
        return output::json(&json!({
            "task_id": task_id,
            "task": c.task,
            "bids": c.responses,
            "award": c.award,
        }));
    }
    let t = &c.task;
    let info = &t.reward.info;
    outln!(
        "task:       {task_id} ({}), sealed-bid auction",
        follow::phase(t)
    );
    outln!(
        "reward:     {} (the most a bid may ask; a lone bid is paid it)",
        output::asset(&t.reward)
    );
    outln!("bids by:    {}", output::time(t.commit_deadline));
    outln!("opened by:  {}", output::time(t.reveal_deadline));
    let rows = c
        .responses
        .iter()
        .map(|r| {
            vec![
                r.provider.to_string(),
                output::name(&r.status),
                r.price
                    .map(|p| output::amount(p, info))
                    .unwrap_or_else(|| "sealed".into()),
                r.committed_height.to_string(),
                r.revealed_height.map(|h| h.to_string()).unwrap_or_default(),
            ]
        })
        .collect::<Vec<_>>();
    if rows.is_empty() {
        outln!("bids:       none yet");
    } else {
        output::table(
            &["BIDDER", "STATUS", "BID", "BID HEIGHT", "OPENED HEIGHT"],
            &rows,
        );
    }
    match &c.award {
        Some(award) => print_award(t, award),
        None => outln!("{}", auction_next(t, c.now)),
    }
    Ok(())
}

/// What happens next in an auction not yet awarded.
fn auction_next(task: &Task, now: Timestamp) -> String {
    let id = task.id;
    if task.status.is_terminal() {
        return format!("award:      none ({})", task.status.name());
    }
    if now <= task.commit_deadline {
        format!("award:      none yet: providers bid with `ogpu provider bid {id} PRICE` until the bid deadline")
    } else if now <= task.reveal_deadline {
        format!("award:      none yet: bidders open their bids with `ogpu provider reveal-bid {id}`; the last one opened awards the task")
    } else {
        format!("award:      none yet: the reveal window passed, `ogpu task finalize {id}` awards the task")
    }
}

/// One digest revealed in a Consensus round and who revealed it.
#[derive(Serialize)]
struct Vote {
    digest: String,
    providers: Vec<String>,
}

pub async fn consensus(ctx: &Ctx, task_id: u64) -> CliResult<()> {
    let replication = |m: &CompetitionModel| match *m {
        CompetitionModel::Consensus {
            replicas, quorum, ..
        } => Some((replicas, quorum)),
        _ => None,
    };
    let (client, c, (replicas, quorum)) =
        read(ctx, task_id, "a consensus task", replication).await?;
    let share = share(c.task.reward.amount, replicas);
    let net = share.saturating_sub(protocol_fee(share, fee_bps(ctx, &client).await?));
    let mut by_digest: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &c.responses {
        if let Some(digest) = &r.digest {
            let voters = by_digest.entry(digest.to_hex()).or_default();
            voters.push(r.provider.to_string());
        }
    }
    let mut votes: Vec<Vote> = by_digest
        .into_iter()
        .map(|(digest, providers)| Vote { digest, providers })
        .collect();
    votes.sort_by_key(|v| std::cmp::Reverse(v.providers.len()));
    if ctx.json() {
        return output::json(&json!({
            "task_id": task_id,
            "task": c.task,
            "replicas": replicas,
            "quorum": quorum,
            "share": share,
            "share_after_fee": net,
            "votes": votes,
            "responses": c.responses,
            "award": c.award,
        }));
    }
    let t = &c.task;
    let info = &t.reward.info;
    let revealed = c.responses.iter().filter(|r| r.digest.is_some()).count();
    outln!("task:       {task_id} ({}), consensus", follow::phase(t));
    outln!(
        "replicas:   {} of {replicas} joined, {revealed} revealed; a result needs {quorum} equal digests",
        c.responses.len()
    );
    outln!(
        "share:      {} to each agreeing provider ({} / {replicas} replicas), {} after the protocol fee",
        output::amount(share, info),
        output::asset(&t.reward),
        output::amount(net, info)
    );
    outln!("join by:    {}", output::time(t.commit_deadline));
    outln!("reveal by:  {}", output::time(t.reveal_deadline));
    if votes.is_empty() {
        outln!("votes:      none revealed yet");
    } else {
        let rows = votes
            .iter()
            .map(|v| {
                let reached = if v.providers.len() >= quorum as usize {
                    " (quorum)"
                } else {
                    ""
                };
                vec![
                    v.digest.clone(),
                    format!("{}{reached}", v.providers.len()),
                    v.providers.join(", "),
                ]
            })
            .collect::<Vec<_>>();
        output::table(&["DIGEST", "VOTES", "PROVIDERS"], &rows);
    }
    if let Some(award) = &c.award {
        print_award(t, award);
    } else if let Some(outcome) = &t.outcome {
        outln!(
            "outcome:    {} delivered; each agreeing provider was paid {}",
            outcome.winner,
            output::amount(outcome.price, info)
        );
    }
    Ok(())
}

/// Settlement's protocol fee, basis points.
async fn fee_bps(ctx: &Ctx, client: &Client) -> CliResult<u16> {
    let deployment = ctx.deployment()?;
    let config: settlement::ConfigResponse = client
        .smart(&deployment.settlement, &settlement::QueryMsg::Config {})
        .await?;
    Ok(config.protocol_fee_bps)
}
