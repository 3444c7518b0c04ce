//! One task's life on the provider's side, the same for every competition model:
//! evaluate → execute → seal (the result to the client's key, salt, commitment) → record
//! durably → commit → reveal when the model allows → deliver when chosen
//! ([`super::award`]) → follow the task to its end. A sealed-bid auction seals, records
//! and commits a bid first, and executes only once awarded ([`super::auction`]). Each step
//! reads the chain first, so a
//! task resumed after a crash, a lost connection or an uncertain transaction picks up
//! exactly where the chain says it is: a commitment on chain is never sent again, one
//! missing is re-sent unchanged while the window is open, a reveal that landed is not
//! repeated.

use std::sync::Arc;
use std::time::Duration;

use cosmwasm_std::{Binary, HexBinary, Uint128};
use ogpu_client::deployment::execute;
use ogpu_client::sealing::{self, SealContext};
use ogpu_client::{ClientError, Gas};
use ogpu_types::commitment::result_commitment;
use ogpu_types::registry::{ExecuteMsg, TaskDetails, TaskLimits};
use ogpu_types::{
    CompetitionModel, Hash32, Payload, ResponseStatus, Task, TaskResponseRecord, TaskStatus,
};
use tokio::sync::{watch, Notify};
use tracing::{debug, error, info, warn};

use super::blobs::BlobStore;
use super::budget::{Budget, Reservation};
use super::chain::{ChainView, Tip};
use super::config::DaemonConfig;
use super::error::DaemonError;
use super::fetch::HttpSource;
use super::metrics::Stats;
use super::models::{self, Model};
use super::signer::{SignerHandle, TxError};
use super::state::{Phase, Store, TaskRecord};
use super::strategy;
use super::work::{self, Work};
use super::{auction, award};
use crate::Executor;

/// How often the chain tip is read while a reveal waits for its block.
pub(super) const TIP_POLL: Duration = Duration::from_millis(100);
/// How long to wait before reading the chain again after a failure or while a revealed
/// task waits for its end.
pub(super) const RETRY: Duration = Duration::from_secs(1);
/// Refused reveals before the provider stops trying (and follows the task to its end).
const MAX_REVEAL_REFUSALS: u32 = 3;

/// Faults to inject, for tests and demos of crash recovery.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Faults {
    /// Stop the whole daemon abruptly, as a kill would, as soon as the first commitment
    /// is recorded as on chain (before its reveal).
    pub crash_after_commit: bool,
}

/// What every task worker shares.
pub struct Shared {
    pub chain: ChainView,
    pub signer: SignerHandle,
    pub store: Store,
    pub stats: Arc<Stats>,
    pub executor: Arc<Executor>,
    pub inputs: Arc<HttpSource>,
    pub blobs: Option<BlobStore>,
    pub config: DaemonConfig,
    pub limits: TaskLimits,
    pub budget: Budget,
    pub stop: watch::Receiver<bool>,
    pub faults: Faults,
    /// Notified when a fault asks for a crash.
    pub crash: Notify,
}

/// What became of an attempt at a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Decided: joined, skipped for good, or failed.
    Done,
    /// Try again at the next sweep (busy, chain unreadable, daemon stopping before
    /// anything was recorded).
    Later,
}

/// What to do after a step.
pub(super) enum Step {
    Continue,
    /// The daemon stops: leave the task as recorded; a restart resumes it.
    Park,
    /// A fault crashed the daemon.
    Crash,
}

impl Shared {
    pub(super) fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    pub(super) async fn pause(&self, time: Duration) -> Step {
        let mut stop = self.stop.clone();
        tokio::select! {
            _ = tokio::time::sleep(time) => Step::Continue,
            _ = stop.wait_for(|s| *s) => Step::Park,
        }
    }

    pub(super) fn me(&self) -> &str {
        self.signer.address()
    }

    /// Records progress (not synced: see [`Store::note`]); a failed write is logged, not
    /// fatal: the chain is read again before every step, so a stale record only costs a
    /// re-check on restart.
    pub(super) fn save(&self, record: &TaskRecord) {
        if let Err(err) = self.store.note(record) {
            error!(%err, phase = ?record.phase, "cannot record the task's progress");
        }
    }
}

/// Counts a task as in progress while alive.
struct InProgress<'a>(&'a Stats);

impl<'a> InProgress<'a> {
    fn new(stats: &'a Stats) -> Self {
        stats.started();
        Self(stats)
    }
}

impl Drop for InProgress<'_> {
    fn drop(&mut self) {
        self.0.finished();
    }
}

/// A task seen for the first time (or again after [`Attempt::Later`]).
pub async fn join(shared: Arc<Shared>, task_id: u64) -> Attempt {
    let s = &*shared;
    let read = tokio::try_join!(
        s.chain.task(task_id),
        s.chain.tip(),
        s.chain.provider(s.me())
    );
    let (details, tip, me) = match read {
        Ok(read) => read,
        // The chain answered but the task is not one this daemon understands (a model or
        // job kind of a newer contract): skipped for good, once.
        Err(err @ ClientError::Invalid { .. }) => {
            info!(%err, "task skipped: unsupported or malformed");
            s.stats.skipped.inc();
            return Attempt::Done;
        }
        Err(err) => {
            warn!(%err, "cannot read the task; trying again later");
            return Attempt::Later;
        }
    };
    let price = match strategy::evaluate(&s.config.strategy, &details, me.as_ref(), tip.time) {
        Ok(price) => price,
        Err(why) => {
            info!(%why, "task skipped");
            s.stats.skipped.inc();
            return Attempt::Done;
        }
    };
    // A key nothing can be sealed to (a low-order point) would make every delivery fail:
    // an auction bid would then be slashed for a result it could not deliver.
    if let Some(key) = &details.spec.result_key {
        if let Err(why) = seal_to(key, task_id, s.me(), b"") {
            info!(%why, "task skipped: its result key is unusable");
            s.stats.skipped.inc();
            return Attempt::Done;
        }
    }
    let Some(reservation) = s.budget.try_reserve(details.task.collateral.u128()) else {
        debug!("at max_concurrent_tasks or the collateral budget; trying again later");
        return Attempt::Later;
    };
    let _busy = InProgress::new(&s.stats);
    let sealed = match details.task.model {
        CompetitionModel::SealedBidAuction { .. } => auction::seal_bid(s, &details.task, price),
        _ => compute(s, &details, price).await,
    };
    let record = match sealed {
        Ok(record) => record,
        Err(attempt) => return attempt,
    };
    if !record_durably(s, &record).await {
        return Attempt::Done;
    }
    follow(s, record, reservation).await;
    Attempt::Done
}

/// Runs the job and seals its result at `price`; when it cannot (logged, nothing
/// recorded), what becomes of the attempt.
pub(super) async fn compute(
    s: &Shared,
    details: &TaskDetails,
    price: Uint128,
) -> Result<TaskRecord, Attempt> {
    let strategy = &s.config.strategy;
    let done = work::run(
        s.executor.clone(),
        s.inputs.clone(),
        details.spec.job.clone(),
        Duration::from_secs(strategy.max_kernel_secs),
        strategy.max_hash_nonces,
    )
    .await;
    let work = match done {
        Ok(work) => work,
        Err(err) => {
            warn!(%err, "job failed: task skipped, nothing committed");
            s.stats.exec_failures.inc();
            s.stats.skipped.inc();
            return Err(Attempt::Done);
        }
    };
    s.stats.add_kernel_time(work.device_time);
    if s.stopping() {
        return Err(Attempt::Later); // nothing recorded: a restart starts it afresh
    }
    seal(s, details, price, work).map_err(|why| {
        warn!(%why, "task skipped, nothing committed");
        s.stats.skipped.inc();
        Attempt::Done
    })
}

/// Writes `record` durably (fsync), off the async threads, before its commitment can be
/// sent; whether it was.
pub(super) async fn record_durably(s: &Shared, record: &TaskRecord) -> bool {
    let store = s.store.clone();
    let written = record.clone();
    let durable = tokio::task::spawn_blocking(move || store.put(&written)).await;
    match durable.unwrap_or_else(|e| Err(DaemonError::State(e.to_string()))) {
        Ok(()) => true,
        Err(err) => {
            error!(%err, "cannot record the commitment: not committing");
            false
        }
    }
}

/// A fresh secret salt.
pub(super) fn fresh_salt() -> Result<Hash32, String> {
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt).map_err(|e| format!("no randomness for the salt: {e}"))?;
    Ok(salt)
}

/// A recorded task found unfinished at start.
pub async fn resume(shared: Arc<Shared>, record: TaskRecord) -> Attempt {
    let reservation = shared.budget.resumed(record.collateral.u128());
    let _busy = InProgress::new(&shared.stats);
    info!(phase = ?record.phase, "resuming");
    follow(&shared, record, reservation).await;
    Attempt::Done
}

/// The result as a reveal or a delivery posts it (sealed to the task's result key when
/// it names one, so only the client reads it), a fresh salt and the commitment, which
/// binds the plaintext's digest.
fn seal(
    s: &Shared,
    details: &TaskDetails,
    price: Uint128,
    work: Work,
) -> Result<TaskRecord, String> {
    let task = &details.task;
    let bytes = match &details.spec.result_key {
        Some(key) => seal_to(key, task.id, s.me(), &work.result)?,
        None => work.result,
    };
    let inline_max = s.limits.max_inline_result_bytes as usize;
    let result = if bytes.len() <= inline_max {
        Payload::Inline {
            data: Binary::from(bytes),
        }
    } else {
        let Some(blobs) = &s.blobs else {
            return Err(format!(
                "the result ({} bytes) is above the inline limit ({inline_max}) and no [blobs] store is configured",
                bytes.len()
            ));
        };
        blobs
            .put(&bytes)
            .map_err(|e| format!("cannot store the result: {e}"))?
    };
    let salt = fresh_salt()?;
    let commitment = result_commitment(task.id, s.me(), &work.digest, price, &salt);
    Ok(TaskRecord {
        digest: Some(HexBinary::from(work.digest)),
        result: Some(result),
        ..TaskRecord::new(task, Phase::Committing, salt, price, commitment)
    })
}

/// `result` sealed with HPKE to the client's `key` (the task's `result_key`), bound to
/// this task and this provider.
pub(super) fn seal_to(
    key: &HexBinary,
    task_id: u64,
    provider: &str,
    result: &[u8],
) -> Result<Vec<u8>, String> {
    let key: [u8; 32] = key
        .as_slice()
        .try_into()
        .map_err(|_| format!("the task's result key is {} bytes, not 32", key.len()))?;
    let context = SealContext { task_id, provider };
    sealing::seal(&key, &context, result).map_err(|e| format!("cannot seal the result: {e}"))
}

/// Drives a recorded task to its end, or parks it when the daemon stops.
async fn follow(s: &Shared, mut record: TaskRecord, reservation: Reservation) {
    let model = models::of(&record.model);
    let mut reveal_refusals = 0;
    while !record.phase.is_final() {
        let step = match record.phase {
            Phase::Bidding | Phase::Committing => commit(s, &mut record).await,
            Phase::BidPlaced => {
                auction::reveal_bid(s, model, &mut record, &mut reveal_refusals).await
            }
            Phase::Committed => reveal(s, model, &mut record, &mut reveal_refusals).await,
            Phase::BidRevealed => award::await_award(s, model, &mut record).await,
            Phase::Revealed if award::awardable(&record.model) => {
                award::await_award(s, model, &mut record).await
            }
            Phase::Delivering => award::deliver(s, &mut record, &mut reveal_refusals).await,
            _ => settle(s, model, &mut record).await,
        };
        match step {
            Step::Continue => {}
            Step::Park => {
                info!(phase = ?record.phase, "parked; a restart resumes it");
                break;
            }
            Step::Crash => break,
        }
    }
    drop(reservation);
}

/// `Committing` (or `Bidding`): make sure the commitment (or bid) is on chain, once.
async fn commit(s: &Shared, record: &mut TaskRecord) -> Step {
    let task_id = record.task_id;
    let read = tokio::try_join!(s.chain.tip(), s.chain.commitment(task_id, s.me()));
    let (tip, on_chain) = match read {
        Ok(read) => read,
        Err(err) => {
            warn!(%err, "cannot read the chain; retrying");
            return s.pause(RETRY).await;
        }
    };
    match on_chain {
        Some(on_chain) if on_chain.commitment == record.commitment => {
            s.stats.joined.inc();
            record.phase = match record.phase {
                Phase::Bidding => Phase::BidPlaced,
                _ => Phase::Committed,
            };
            record.commit_height = Some(on_chain.height);
            record.reveal_opens = on_chain.reveal_opens;
            record.reveal_deadline = Some(on_chain.reveal_deadline);
            s.save(record);
            info!(
                tx_hash = record.commit_tx.as_deref().unwrap_or("?"),
                height = on_chain.height,
                phase = ?record.phase,
                "committed"
            );
            if s.faults.crash_after_commit {
                warn!("fault injection: crashing after the commitment");
                s.crash.notify_one();
                return Step::Crash;
            }
            Step::Continue
        }
        Some(_) => {
            error!("a different commitment of this provider is on chain for this task; giving up on it");
            end(s, record, Phase::Abandoned);
            Step::Continue
        }
        None if tip.time > record.commit_deadline => {
            warn!("the commitment did not land before the commit deadline; abandoned");
            end(s, record, Phase::Abandoned);
            Step::Continue
        }
        None => {
            let msg = ExecuteMsg::Commit {
                task_id,
                commitment: record.commitment.clone(),
            };
            match send(s, &msg, Gas::Auto, "commit", task_id).await {
                Ok(hash) => {
                    record.commit_tx = Some(hash);
                    Step::Continue
                }
                Err(TxError::Refused(why)) => {
                    // Refused now; only an earlier attempt of ours could still be there.
                    match s.chain.commitment(task_id, s.me()).await {
                        Ok(Some(c)) if c.commitment == record.commitment => Step::Continue,
                        _ => {
                            warn!(%why, "commit refused; abandoned");
                            end(s, record, Phase::Abandoned);
                            Step::Continue
                        }
                    }
                }
                Err(TxError::Uncertain(why)) => {
                    warn!(%why, "commit uncertain; checking the chain");
                    s.pause(RETRY).await
                }
            }
        }
    }
}

/// `Committed`: reveal as soon as the model allows.
async fn reveal(
    s: &Shared,
    model: &dyn Model,
    record: &mut TaskRecord,
    refusals: &mut u32,
) -> Step {
    let task_id = record.task_id;
    let (tip, task) = match openable(s, model, record, *refusals).await {
        Ok(read) => read,
        Err(step) => return step,
    };
    if !model.reveal_open(record, &task, tip) {
        return s.pause(TIP_POLL).await;
    }
    let (Some(digest), Some(result)) = (record.digest.clone(), record.result.clone()) else {
        error!("no sealed result to reveal; abandoned");
        end(s, record, Phase::Abandoned);
        return Step::Continue;
    };
    let msg = ExecuteMsg::Reveal {
        task_id,
        digest,
        salt: record.salt.clone(),
        price: model.reveal_price(record),
        result: model.reveal_result().then_some(result),
    };
    // The digest is on the response once opened.
    let opened = |r: &TaskResponseRecord| r.digest.is_some();
    record.reveal_tx = match open(s, &msg, "reveal", task_id, refusals, opened).await {
        Ok(tx) => tx,
        Err(step) => return step,
    };
    record.phase = Phase::Revealed;
    s.save(record);
    s.stats.revealed.inc();
    info!(
        tx_hash = record.reveal_tx.as_deref().unwrap_or("?"),
        "revealed"
    );
    Step::Continue
}

/// The chain's tip and the task while the recorded commitment may still be opened; once
/// the task has ended, the reveal window has passed or reveals were refused too often,
/// the task is followed to its end instead (that step is the error).
pub(super) async fn openable(
    s: &Shared,
    model: &dyn Model,
    record: &mut TaskRecord,
    refusals: u32,
) -> Result<(Tip, Task), Step> {
    let (tip, task) = read_task(s, record.task_id).await?;
    let too_late = record.reveal_deadline.is_some_and(|d| tip.time > d);
    if task.status.is_terminal() || too_late || refusals >= MAX_REVEAL_REFUSALS {
        return Err(settle(s, model, record).await);
    }
    Ok((tip, task))
}

/// Sends an opening (`Reveal`, `RevealBid`) with the fixed reveal gas, then sees whether
/// it is on chain (`opened` reads the provider's response): its transaction hash when
/// this send landed it; otherwise (a refusal counted) the step after a short pause.
pub(super) async fn open(
    s: &Shared,
    msg: &ExecuteMsg,
    what: &str,
    task_id: u64,
    refusals: &mut u32,
    opened: impl Fn(&TaskResponseRecord) -> bool,
) -> Result<Option<String>, Step> {
    let sent = send(s, msg, Gas::Fixed(s.config.reveal_gas), what, task_id).await;
    let landed = match &sent {
        Ok(_) => true,
        // It may have landed all the same (uncertain), or lost a race: the chain says.
        Err(_) => matches!(
            s.chain.response(task_id, s.me()).await,
            Ok(Some(r)) if opened(&r)
        ),
    };
    if !landed {
        if matches!(sent, Err(TxError::Refused(_))) {
            *refusals += 1;
        }
        return Err(s.pause(TIP_POLL).await);
    }
    Ok(sent.ok())
}

/// Revealed (or past its reveal): wait for the task's end, settling it when the model
/// says the provider should.
pub(super) async fn settle(s: &Shared, model: &dyn Model, record: &mut TaskRecord) -> Step {
    let task_id = record.task_id;
    let (tip, task) = match read_task(s, task_id).await {
        Ok(read) => read,
        Err(step) => return step,
    };
    if task.status.is_terminal() {
        return conclude(s, record, &task).await;
    }
    if record.phase == Phase::Revealed {
        if let Some(msg) = model.settle(&task, &[], s.me(), tip) {
            let _ = send(s, &msg, Gas::Auto, "finalize", task_id).await;
        }
    }
    s.pause(RETRY).await
}

/// The chain's tip and the task, or (after a pause) the step to take when unreadable.
async fn read_task(s: &Shared, task_id: u64) -> Result<(Tip, Task), Step> {
    match tokio::try_join!(s.chain.tip(), s.chain.task_header(task_id)) {
        Ok((tip, task)) => Ok((tip, task)),
        Err(err) => {
            warn!(%err, "cannot read the chain; retrying");
            Err(s.pause(RETRY).await)
        }
    }
}

/// The task ended: what it means for this provider.
pub(super) async fn conclude(s: &Shared, record: &mut TaskRecord, task: &Task) -> Step {
    let response = match s.chain.response(task.id, s.me()).await {
        Ok(response) => response,
        Err(err) => {
            warn!(%err, "cannot read the chain; retrying");
            return s.pause(RETRY).await;
        }
    };
    let phase = match (task.status, response.map(|r| r.status)) {
        (_, Some(ResponseStatus::Won)) => Phase::Won,
        // A commitment left unopened past its window is slashed, and may be removed.
        (_, Some(ResponseStatus::Slashed) | None) => Phase::Slashed,
        (TaskStatus::Completed, _) => Phase::Lost,
        _ => Phase::Expired,
    };
    match phase {
        Phase::Won => {
            s.stats.won.inc();
            let price = task.outcome.as_ref().map_or(0, |o| o.price.u128());
            s.stats
                .add_earning(strategy::asset_name(&task.reward.info), price);
        }
        Phase::Lost => s.stats.lost.inc(),
        Phase::Slashed => s.stats.slashed.inc(),
        _ => s.stats.expired.inc(),
    }
    info!(?phase, status = task.status.name(), "task ended");
    end(s, record, phase);
    Step::Continue
}

pub(super) fn end(s: &Shared, record: &mut TaskRecord, phase: Phase) {
    record.phase = phase;
    s.save(record);
}

/// Sends one registry message through the signer; the transaction hash when included.
pub(super) async fn send(
    s: &Shared,
    msg: &ExecuteMsg,
    gas: Gas,
    what: &str,
    task_id: u64,
) -> Result<String, TxError> {
    let deployment = s.chain.deployment();
    let any = execute(s.me(), &deployment.registry, msg, vec![])
        .map_err(|e| TxError::Refused(e.to_string()))?;
    s.signer
        .submit(any, gas, format!("{what} {task_id}"))
        .await
        .map(|outcome| outcome.hash)
}
