//! The bid half of a sealed-bid auction, from the provider's side: seal a bid (the
//! strategy's price, a fresh salt) and record it durably before it is committed like any
//! commitment ([`super::participate`]), then open it once the bid window has closed. The
//! award is [`super::award`]'s: chosen — first, or promoted past an executor that missed
//! its delivery — the provider runs the job and delivers, paid the auction's (second)
//! price. Nothing is executed before the award.

use cosmwasm_std::Uint128;
use ogpu_types::commitment::bid_commitment;
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::{Task, TaskResponseRecord};
use tracing::{info, warn};

use super::models::Model;
use super::participate::{fresh_salt, open, openable, Attempt, Shared, Step, TIP_POLL};
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
