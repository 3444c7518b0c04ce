//! The bid half of a sealed-bid auction, from the provider's side: seal a bid (the
//! strategy's price, a fresh salt) and record it durably before it is committed like any
//! commitment ([`super::participate`]), open it once the bid window has closed, then wait
//! for the award. Awarded — first, or promoted past an executor that missed its delivery —
//! the provider runs the job and delivers its result by the ordinary commit → reveal, at
//! the auction's (second) price. Nothing is executed, let alone committed, before the
//! award.

use cosmwasm_std::Uint128;
use ogpu_client::Gas;
use ogpu_types::commitment::bid_commitment;
use ogpu_types::registry::{AuctionState, ExecuteMsg, TaskDetails};
use ogpu_types::{Task, TaskResponseRecord};
use tracing::{info, warn};

use super::models::Model;
use super::participate::{
    compute, conclude, end, fresh_salt, open, openable, record_durably, send, settle, Attempt,
    Shared, Step, RETRY, TIP_POLL,
};
use super::state::{Phase, TaskRecord};

/// The record of a sealed bid of `price` on `task`, before it is sent.
pub(super) fn seal_bid(s: &Shared, task: &Task, price: Uint128) -> Result<TaskRecord, Attempt> {
    let salt = fresh_salt().map_err(|why| {
        warn!(%why, "task skipped, nothing committed");
        s.stats.skipped.inc();
        Attempt::Done
    })?;
    let commitment = bid_commitment(task.id, s.me(), price, &salt);
    Ok(TaskRecord::new(
        task,
        Phase::Bidding,
        salt,
        price,
        commitment,
    ))
}

/// `BidPlaced`: open the bid in the reveal window, in a later block than the bid.
pub(super) async fn reveal_bid(
    s: &Shared,
    model: &dyn Model,
    record: &mut TaskRecord,
    refusals: &mut u32,
) -> Step {
    let task_id = record.task_id;
    // Past the window the bid stays unopened (the award penalizes it).
    let (tip, task) = match openable(s, model, record, *refusals).await {
        Ok(read) => read,
        Err(step) => return step,
    };
    let after_bid = record.commit_height.is_some_and(|h| tip.height >= h);
    if !after_bid || tip.time <= task.commit_deadline {
        return s.pause(TIP_POLL).await;
    }
    let msg = ExecuteMsg::RevealBid {
        task_id,
        price: record.price,
        salt: record.salt.clone(),
    };
    let opened = |r: &TaskResponseRecord| r.revealed_height.is_some();
    let tx = match open(s, &msg, "reveal bid", task_id, refusals, opened).await {
        Ok(tx) => tx,
        Err(step) => return step,
    };
    record.phase = Phase::BidRevealed;
    s.save(record);
    info!(
        tx_hash = tx.as_deref().unwrap_or("?"),
        price = %record.price,
        "bid opened"
    );
    Step::Continue
}

/// `BidRevealed`: wait for the award; deliver when this provider is the executor and its
/// delivery window is open. A bidder ranked behind the executor waits for a promotion
/// (and asks for it once the executor's delivery deadline has passed); any other follows
/// the task to its end.
pub(super) async fn await_award(s: &Shared, model: &dyn Model, record: &mut TaskRecord) -> Step {
    let task_id = record.task_id;
    let read = tokio::try_join!(
        s.chain.tip(),
        s.chain.task(task_id),
        s.chain.auction(task_id)
    );
    let (tip, details, awarded) = match read {
        Ok(read) => read,
        Err(err) => {
            warn!(%err, "cannot read the chain; retrying");
            return s.pause(RETRY).await;
        }
    };
    if details.task.status.is_terminal() {
        return conclude(s, record, &details.task).await;
    }
    let Some(auction) = awarded else {
        // A bid is still unopened: after the reveal window anyone may award.
        if tip.time > details.task.reveal_deadline {
            crank(s, task_id, "award").await;
        }
        return s.pause(RETRY).await;
    };
    let executor = auction.executor as usize;
    let rank = auction
        .ranking
        .iter()
        .position(|o| o.provider.as_str() == s.me());
    let open = tip.time <= auction.delivery_deadline;
    match rank {
        Some(rank) if rank == executor && open => deliver(s, &details, &auction, record).await,
        Some(rank) if rank > executor => {
            if rank == executor + 1 && tip.time > auction.delivery_deadline {
                crank(s, task_id, "promote").await;
            }
            s.pause(RETRY).await
        }
        _ => settle(s, model, record).await,
    }
}

/// Awarded: run the job and seal its result at the auction's price, recorded durably as
/// `Committing` (the delivery) before its commitment can be sent.
async fn deliver(
    s: &Shared,
    details: &TaskDetails,
    auction: &AuctionState,
    record: &mut TaskRecord,
) -> Step {
    info!(price = %auction.price, deadline = %auction.delivery_deadline, "awarded: running the job");
    match compute(s, details, auction.price).await {
        Ok(mut sealed) => {
            sealed.commit_deadline = auction.delivery_deadline;
            if !record_durably(s, &sealed).await {
                return s.pause(RETRY).await;
            }
            *record = sealed;
            Step::Continue
        }
        // Stopping: the bid stays recorded as opened; a restart runs the job again.
        Err(Attempt::Later) => Step::Park,
        Err(Attempt::Done) => {
            warn!(
                "the awarded job failed: no delivery (its collateral is slashed at the deadline)"
            );
            end(s, record, Phase::Abandoned);
            Step::Continue
        }
    }
}

/// `Finalize`: awards the auction after the reveal window, or promotes the next bidder
/// after a missed delivery. Best effort: another party may have done it first.
async fn crank(s: &Shared, task_id: u64, what: &str) {
    let msg = ExecuteMsg::Finalize { task_id };
    if let Err(err) = send(s, &msg, Gas::Auto, what, task_id).await {
        info!(%err, "{what} not sent");
    }
}
