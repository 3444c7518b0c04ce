//! Awarded tasks, from the provider's side (Manual Confirmation, sealed-bid auctions,
//! Consensus): a revealed offer, bid or replica waits for the award, asking for it once it
//! is due; chosen, it delivers its sealed result before the deadline and is paid in that
//! transaction; ranked next behind a chosen provider that missed its deadline, it asks for
//! the promotion. An auction's winner runs the job only now.

use ogpu_types::finalize::{self, Due};
use ogpu_types::registry::{AwardState, ExecuteMsg};
use ogpu_types::{CompetitionModel, Task};
use tracing::{debug, info, warn};

use super::chain::Tip;
use super::gas::Op;
use super::models::Model;
use super::participate::{
    compute, conclude, end, record_durably, send, Attempt, Shared, Step, RETRY,
};
use super::signer::{GasPlan, TxError};
use super::state::{Phase, TaskRecord};

/// Refused deliveries before the provider gives up (and follows the task to its end).
const MAX_DELIVERY_REFUSALS: u32 = 3;

/// Whether a revealed response of `model` waits for an award (all but First Response,
/// whose reveal is paid at once).
pub fn awardable(model: &CompetitionModel) -> bool {
    !matches!(model, CompetitionModel::FirstResponse { .. })
}

/// `Revealed` (an offer, a replica) or `BidRevealed`: wait for the award; chosen and in
/// time, prepare the delivery; ranked right behind a provider that missed its deadline,
/// ask for the promotion; otherwise follow the task to its end.
pub(super) async fn await_award(s: &Shared, model: &dyn Model, record: &mut TaskRecord) -> Step {
    let task_id = record.task_id;
    let (tip, task, awarded) = match read(s, task_id).await {
        Ok(read) => read,
        Err(step) => return step,
    };
    let task = &task;
    if task.status.is_terminal() {
        return conclude(s, record, task).await;
    }
    let Some(award) = awarded else {
        ask_for_award(s, model, task, tip).await;
        return s.pause(RETRY).await;
    };
    let executor = award.executor as usize;
    let rank = award
        .ranking
        .iter()
        .position(|o| o.provider.as_str() == s.me());
    let in_time = tip.time <= award.delivery_deadline;
    match rank {
        Some(rank) if rank == executor && in_time => prepare(s, &award, record).await,
        Some(rank) if rank == executor + 1 && !in_time => {
            crank(s, task_id, "promote").await;
            s.pause(RETRY).await
        }
        _ => s.pause(RETRY).await,
    }
}

/// Before the award: the model's crank when it is due (an auction: anyone, after the
/// reveal window).
async fn ask_for_award(s: &Shared, model: &dyn Model, task: &Task, tip: Tip) {
    let msg = match task.model {
        CompetitionModel::SealedBidAuction { .. } => (finalize::due(task, None, tip.time)
            == Due::Award)
            .then_some(ExecuteMsg::Finalize { task_id: task.id }),
        _ => match s.chain.responses(task.id).await {
            Ok(responses) => model.settle(task, &responses, s.me(), tip),
            Err(err) => {
                s.health.failed(&err);
                debug!(%err, "cannot read the responses");
                None
            }
        },
    };
    if msg.is_some() {
        crank(s, task.id, "award").await;
    }
}

/// Chosen: the recorded sealed result (an auction's winner computes and seals it now,
/// recorded durably before it is sent) is to be delivered.
async fn prepare(s: &Shared, award: &AwardState, record: &mut TaskRecord) -> Step {
    info!(price = %award.price, deadline = %award.delivery_deadline, "chosen to deliver");
    if record.result.is_none() {
        let details = match s.chain.task(record.task_id).await {
            Ok(details) => details,
            Err(err) => {
                warn!(%err, "cannot read the task; retrying");
                return s.pause(RETRY).await;
            }
        };
        match compute(s, &details, award.price).await {
            Ok(sealed) => {
                record.digest = sealed.digest;
                record.result = sealed.result;
            }
            // Stopping: the bid stays recorded as opened; a restart runs the job again.
            Err(Attempt::Later) => return Step::Park,
            Err(failed) => {
                let why = match failed {
                    Attempt::Declined(decline) => decline.why,
                    _ => "it failed".into(),
                };
                warn!("the awarded job cannot be delivered (its collateral is slashed at the deadline): {why}");
                end(s, record, Phase::Abandoned);
                return Step::Continue;
            }
        }
        record.phase = Phase::Delivering;
        if !record_durably(s, record).await {
            return s.pause(RETRY).await;
        }
    } else {
        record.phase = Phase::Delivering;
        s.save(record);
    }
    Step::Continue
}

/// `Delivering`: send the result once, while this provider is the one chosen and its
/// deadline has not passed; the task's end (paid, or moved past it) is read from the chain.
pub(super) async fn deliver(s: &Shared, record: &mut TaskRecord, refusals: &mut u32) -> Step {
    let task_id = record.task_id;
    let (tip, task, awarded) = match read(s, task_id).await {
        Ok(read) => read,
        Err(step) => return step,
    };
    if task.status.is_terminal() {
        return conclude(s, record, &task).await;
    }
    let chosen = awarded.as_ref().is_some_and(|a| {
        a.ranking
            .get(a.executor as usize)
            .is_some_and(|o| o.provider.as_str() == s.me())
            && tip.time <= a.delivery_deadline
    });
    let (Some(digest), Some(result)) = (record.digest.clone(), record.result.clone()) else {
        end(s, record, Phase::Abandoned);
        return Step::Continue;
    };
    if !chosen || *refusals >= MAX_DELIVERY_REFUSALS {
        info!("no longer the one to deliver; following the task to its end");
        record.phase = Phase::Revealed;
        s.save(record);
        return s.pause(RETRY).await;
    }
    let msg = ExecuteMsg::Deliver {
        task_id,
        digest,
        result,
    };
    match send(s, &msg, Op::Deliver, GasPlan::Simulate, task_id).await {
        Ok(hash) => {
            record.reveal_tx = Some(hash);
            s.save(record);
            s.stats.delivered.inc();
            info!(
                tx_hash = record.reveal_tx.as_deref().unwrap_or("?"),
                "delivered; payment follows in this transaction"
            );
            Step::Continue
        }
        Err(TxError::Refused(why)) => {
            *refusals += 1;
            warn!(%why, "delivery refused");
            s.pause(RETRY).await
        }
        Err(TxError::Uncertain(why)) => {
            warn!(%why, "delivery uncertain; checking the chain");
            s.pause(RETRY).await
        }
    }
}

/// The chain's tip, the task's header and its award, or (after a pause) the step to take
/// when the chain cannot be read.
async fn read(s: &Shared, task_id: u64) -> Result<(Tip, Task, Option<AwardState>), Step> {
    let read = tokio::try_join!(
        s.chain.tip(),
        s.chain.task_header(task_id),
        s.chain.award(task_id)
    );
    match read {
        Ok(read) => Ok(read),
        Err(err) => Err(s.chain_failed(&err).await),
    }
}

/// `Finalize`: an award or a promotion that is due. Best effort: another party may have
/// sent it first.
async fn crank(s: &Shared, task_id: u64, what: &str) {
    let msg = ExecuteMsg::Finalize { task_id };
    if let Err(err) = send(s, &msg, Op::Finalize, GasPlan::Simulate, task_id).await {
        debug!(%err, "{what} not sent");
    }
}
