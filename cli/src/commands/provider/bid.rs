//! A provider's sealed bids in sealed-bid auctions, by hand (the provider daemon bids and
//! opens its own). `provider bid` seals a price with a fresh salt, keeps both before the
//! commit is sent — as the daemon records a bid durably before sending it — and commits
//! it; `provider reveal-bid` opens it after the bid window, from the kept bid or from
//! `--price` and `--salt` (a bid made elsewhere). Both check the task, the timing and the
//! commitment first, so a bid that cannot be made or opened costs no fee.
//!
//! A kept bid is `<home>/bids/<registry address>/<task id>-<provider>.json`, readable by
//! the owner only: `{task_id, provider, price, salt, commitment}`. Its salt is the bid's
//! secret until it is opened; losing it before then costs the bid's penalty.

use std::path::PathBuf;

use cosmwasm_std::{HexBinary, Uint128};
use ogpu_client::{Client, Deployment};
use ogpu_types::commitment::{bid_commitment, to_hash32, Hash32};
use ogpu_types::registry::{ExecuteMsg, QueryMsg};
use ogpu_types::{CompetitionModel, Task, TaskResponseRecord};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::armor::random;
use crate::coin;
use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::follow;
use crate::output;
use crate::results::write_private;
use crate::tx;

/// A sealed bid as it is kept until it is opened.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct KeptBid {
    task_id: u64,
    provider: String,
    price: Uint128,
    salt: HexBinary,
    commitment: HexBinary,
}

fn kept_path(ctx: &Ctx, deployment: &Deployment, task_id: u64, provider: &str) -> PathBuf {
    ctx.home
        .join("bids")
        .join(&deployment.registry)
        .join(format!("{task_id}-{provider}.json"))
}

/// The open auction `task_id`.
async fn auction(client: &Client, deployment: &Deployment, task_id: u64) -> CliResult<Task> {
    let task = follow::task(client, deployment, task_id).await?.task;
    if !matches!(task.model, CompetitionModel::SealedBidAuction { .. }) {
        return Err(CliError::usage(
            format!(
                "task {task_id} is a {} task, not an auction: it takes no bids",
                task.model.name()
            ),
            format!("see it with `ogpu task show {task_id}`"),
        ));
    }
    if task.status.is_terminal() {
        return Err(CliError::usage(
            format!("task {task_id} is already {}", task.status.name()),
            format!("see it with `ogpu task auction {task_id}`"),
        ));
    }
    Ok(task)
}

/// The registry's record of `provider`'s bid on `task_id`, if it bid.
async fn response(
    client: &Client,
    deployment: &Deployment,
    task_id: u64,
    provider: &str,
) -> CliResult<Option<TaskResponseRecord>> {
    let query = QueryMsg::Response {
        task_id,
        provider: provider.to_string(),
    };
    Ok(client.smart(&deployment.registry, &query).await?)
}

/// `provider bid TASK_ID PRICE`.
pub async fn bid(ctx: &Ctx, task_id: u64, price: &str) -> CliResult<()> {
    let deployment = ctx.deployment()?;
    let mut signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let task = auction(&client, &deployment, task_id).await?;
    let info = &task.reward.info;
    let price = Uint128::new(coin::parse_asset("price", price, info)?);
    if price > task.reward.amount {
        return Err(CliError::usage(
            format!(
                "a bid of {} is above task {task_id}'s reward of {}",
                output::amount(price, info),
                output::asset(&task.reward)
            ),
            "bid at most the reward",
        ));
    }
    let (_, now) = follow::tip(&client).await?;
    if now > task.commit_deadline {
        return Err(CliError::usage(
            format!(
                "task {task_id}'s bid window closed at {}",
                output::time(task.commit_deadline)
            ),
            format!("see where it stands with `ogpu task auction {task_id}`"),
        ));
    }
    let me = signer.address().to_string();
    if response(&client, &deployment, task_id, &me)
        .await?
        .is_some()
    {
        return Err(CliError::usage(
            format!("{me} already bid on task {task_id}"),
            "a provider bids once; open it with `ogpu provider reveal-bid` after the bid window",
        ));
    }
    let salt = random::<32>()?;
    let kept = KeptBid {
        task_id,
        provider: me.clone(),
        price,
        salt: HexBinary::from(salt),
        commitment: HexBinary::from(bid_commitment(task_id, &me, price, &salt)),
    };
    let path = kept_path(ctx, &deployment, task_id, &me);
    if !ctx.global.dry_run {
        keep(&path, &kept)?;
    }
    let msg = ExecuteMsg::Commit {
        task_id,
        commitment: kept.commitment.clone(),
    };
    let any = deployment.registry().execute(&me, &msg, vec![])?;
    match tx::submit(ctx, &client, &mut signer, vec![any]).await? {
        Some(sent) => tx::print(
            ctx,
            &sent,
            json!({ "task_id": task_id, "price": price, "commitment": kept.commitment, "kept": path }),
            &[
                format!(
                    "task {task_id}: sealed bid of {} placed, {} collateral locked; kept in {}",
                    output::amount(price, info),
                    task.collateral,
                    path.display()
                ),
                format!(
                    "open it with `ogpu provider reveal-bid {task_id}` after {} and by {}",
                    output::time(task.commit_deadline),
                    output::time(task.reveal_deadline)
                ),
            ],
        ),
        None => Ok(()),
    }
}

fn keep(path: &std::path::Path, bid: &KeptBid) -> CliResult<()> {
    let fail = |e: std::io::Error| {
        CliError::usage(
            format!("cannot keep the bid in {}: {e}", path.display()),
            "check that the home directory is writable (or pass --home): nothing was sent",
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let text = serde_json::to_vec_pretty(bid).map_err(|e| CliError::chain(e.to_string()))?;
    write_private(path, &text).map_err(fail)
}

/// The price and salt of a bid: from the flags, else the bid kept at `path`.
fn price_and_salt(
    path: &std::path::Path,
    flags: Option<(String, String)>,
    info: &ogpu_types::AssetInfo,
) -> CliResult<(Uint128, Hash32)> {
    if let Some((price, salt)) = flags {
        let price = Uint128::new(coin::parse_asset("--price", &price, info)?);
        let salt = hex::decode(salt.trim_start_matches("0x"))
            .ok()
            .and_then(|bytes| Hash32::try_from(bytes).ok())
            .ok_or_else(|| {
                CliError::usage(
                    format!("--salt {salt:?} is not 32 bytes of hex"),
                    "give the bid's salt as 64 hex characters",
                )
            })?;
        return Ok((price, salt));
    }
    let text = std::fs::read(path).map_err(|e| {
        CliError::usage(
            format!("no kept bid at {} ({e})", path.display()),
            "pass the bid's --price and --salt (a bid made elsewhere), or --home where `provider bid` kept it",
        )
    })?;
    let kept: KeptBid = serde_json::from_slice(&text).map_err(|e| {
        CliError::usage(
            format!("the kept bid {} is not readable: {e}", path.display()),
            "pass the bid's --price and --salt",
        )
    })?;
    let salt = to_hash32("salt", &kept.salt).map_err(|e| {
        CliError::usage(
            format!("the kept bid {}: {e}", path.display()),
            "pass the bid's --price and --salt",
        )
    })?;
    Ok((kept.price, salt))
}

/// `provider reveal-bid TASK_ID [--price P --salt HEX]`.
pub async fn reveal(ctx: &Ctx, task_id: u64, flags: Option<(String, String)>) -> CliResult<()> {
    let deployment = ctx.deployment()?;
    let mut signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let task = auction(&client, &deployment, task_id).await?;
    let me = signer.address().to_string();
    let Some(bid) = response(&client, &deployment, task_id, &me).await? else {
        return Err(CliError::usage(
            format!("{me} has no bid on task {task_id}"),
            format!("bid with `ogpu provider bid {task_id} PRICE` while the bid window is open"),
        ));
    };
    if let Some(price) = bid.price {
        return Err(CliError::usage(
            format!(
                "{me}'s bid on task {task_id} is already open ({}, {})",
                output::amount(price, &task.reward.info),
                output::name(&bid.status)
            ),
            format!("see the auction with `ogpu task auction {task_id}`"),
        ));
    }
    let path = kept_path(ctx, &deployment, task_id, &me);
    let (price, salt) = price_and_salt(&path, flags, &task.reward.info)?;
    if bid.commitment.as_slice() != bid_commitment(task_id, &me, price, &salt) {
        return Err(CliError::usage(
            format!("this price and salt do not open {me}'s bid on task {task_id}"),
            "give the price and salt the bid was sealed with",
        ));
    }
    let (_, now) = follow::tip(&client).await?;
    if now <= task.commit_deadline {
        return Err(CliError::usage(
            format!(
                "task {task_id}'s bid window is open until {}",
                output::time(task.commit_deadline)
            ),
            "bids are opened after it: run this again then",
        ));
    }
    if now > task.reveal_deadline {
        return Err(CliError::usage(
            format!(
                "task {task_id}'s reveal window closed at {}",
                output::time(task.reveal_deadline)
            ),
            "an unopened bid loses part of its collateral when the task is awarded",
        ));
    }
    let msg = ExecuteMsg::RevealBid {
        task_id,
        price,
        salt: HexBinary::from(salt),
    };
    let any = deployment.registry().execute(&me, &msg, vec![])?;
    let Some(sent) = tx::submit(ctx, &client, &mut signer, vec![any]).await? else {
        return Ok(());
    };
    // The last bid opened awards the task in the same transaction.
    let award = follow::award(&client, &deployment, task_id).await?;
    let mut text = vec![format!(
        "task {task_id}: bid of {} opened",
        output::amount(price, &task.reward.info)
    )];
    if let Some(executor) = award
        .as_ref()
        .and_then(|a| a.ranking.get(a.executor as usize))
    {
        text.push(format!(
            "task {task_id} is awarded to {}: see `ogpu task auction {task_id}`",
            executor.provider
        ));
    }
    tx::print(
        ctx,
        &sent,
        json!({ "task_id": task_id, "price": price, "award": award }),
        &text,
    )
}
