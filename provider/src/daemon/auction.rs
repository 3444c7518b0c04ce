//! The bid half of a sealed-bid auction, from the provider's side: seal a bid (the
//! strategy's price, a fresh salt) and record it durably before it is committed like any
//! commitment ([`super::participate`]), then open it once the bid window has closed. The
//! award is [`super::award`]'s: chosen — first, or promoted past an executor that missed
//! its delivery — the provider runs the job and delivers, paid the auction's (second)
//! price. Nothing is executed before the award.

use cosmwasm_std::Uint128;
use ogpu_types::commitment::bid_commitment;
use ogpu_types::registry::{ExecuteMsg, TaskDetails};
use ogpu_types::TaskResponseRecord;
use tracing::debug;

use super::decline::{Decline, Reason};
use super::gas::Op;
use super::models::Model;
use super::participate::{fresh_salt, open, openable, Attempt, Shared, Step, TIP_POLL};
use super::state::{Phase, TaskRecord};

/// The record of a sealed bid of `price` on the task of `details`, before it is sent. A
/// bid promises a result computed only once awarded, so the job's inputs are fetched and
/// its kernel built first: a bid on a job this provider cannot run is never placed.
pub(super) async fn seal_bid(
    s: &Shared,
    details: &TaskDetails,
    price: Uint128,
) -> Result<TaskRecord, Attempt> {
    let task = &details.task;
    let undeliverable = |why: String| Attempt::Declined(Decline::new(Reason::Undeliverable, why));
    if let Err(err) = s.engine.check(details.spec.job.clone()).await {
        return Err(undeliverable(format!(
            "the job could not be run if awarded, no bid placed: {err}"
        )));
    }
    let salt = fresh_salt().map_err(undeliverable)?;
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
    let tx = match open(s, &msg, Op::RevealBid, tip, record, refusals, opened).await {
        Ok(tx) => tx,
        Err(step) => return step,
    };
    record.phase = Phase::BidRevealed;
    s.save(record);
    debug!(
        tx_hash = tx.as_deref().unwrap_or("?"),
        price = %record.price,
        "bid opened"
    );
    Step::Continue
}
