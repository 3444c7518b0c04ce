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
use ogpu_client::sealing::{self, SealContext};
use ogpu_client::ClientError;
use ogpu_types::commitment::result_commitment;
use ogpu_types::registry::{ExecuteMsg, TaskDetails, TaskLimits};
use ogpu_types::{
    CompetitionModel, Hash32, Payload, ResponseStatus, Task, TaskResponseRecord, TaskStatus,
};
use tokio::sync::{watch, Notify};
use tracing::{debug, error, info, warn};

use super::blobs::BlobStore;
use super::budget::{Budget, Reservation};
use super::chain::{ChainView, OnChain, Tip};
use super::config::DaemonConfig;
use super::decide;
use super::decline::{Decline, Reason};
use super::engine::Engine;
use super::error::DaemonError;
use super::fees::Terms;
use super::gas::{GasBook, Op};
use super::health::NodeHealth;
use super::identity::ChainIdentity;
use super::metrics::Stats;
use super::models::{self, Model};
use super::precheck::{self, DryRun};
use super::signer::{GasPlan, SignerHandle, TxError};
use super::state::{Phase, Store, TaskRecord};
use super::strategy;
use super::work::Work;
use super::{auction, award};
use crate::ExecError;

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
    /// Every job fails (as a kernel that does not build would): an auction's winner then
    /// cannot deliver.
    pub fail_jobs: bool,
}

/// What every task worker on one chain shares.
pub struct Shared {
    pub chain: ChainView,
    pub signer: SignerHandle,
    pub store: Store,
    pub stats: Arc<Stats>,
    pub engine: Arc<Engine>,
    pub blobs: Option<BlobStore>,
    pub config: DaemonConfig,
    pub limits: TaskLimits,
    /// Gas price, protocol fee, collateral risk: what tasks are priced with.
    pub terms: Terms,
    pub gas: Arc<GasBook>,
    pub dry_run: DryRun,
    pub health: Arc<NodeHealth>,
    pub budget: Budget,
    pub stop: watch::Receiver<bool>,
    pub faults: Faults,
    /// Notified when a fault asks for a crash.
    pub crash: Arc<Notify>,
    /// The chain all this is on.
    pub identity: ChainIdentity,
}

/// What became of an attempt at a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Taken and followed to its end (or parked), or failed after being taken.
    Done,
    /// Passed over; the decline says whether to look again.
    Declined(Decline),
    /// The daemon stopped before anything was recorded: a restart starts it afresh.
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

    pub fn chain_identity(&self) -> &ChainIdentity {
        &self.identity
    }

    /// The chain could not be read: reported as the node's health (rate-limited), and a
    /// reason to look at the task again at the next sweep.
    pub(super) fn unreadable(&self, err: &ClientError) -> Decline {
        self.health.failed(err);
        Decline::new(Reason::Busy, format!("cannot read the chain: {err}"))
    }

    /// Waits a moment after the chain could not be read.
    pub(super) async fn chain_failed(&self, err: &ClientError) -> Step {
        self.health.failed(err);
        if !matches!(
            err,
            ClientError::Unreachable { .. } | ClientError::Timeout { .. }
        ) {
            warn!(%err, "cannot read the chain; retrying");
        }
        self.pause(RETRY).await
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

/// A task seen for the first time, or again once the reason it was passed over may have
/// gone (`previous`).
pub async fn join(shared: Arc<Shared>, task_id: u64, previous: Option<Decline>) -> Attempt {
    let s = &*shared;
    let decline = |decline: Decline| {
        decide::declined(s, &decline, previous.as_ref());
        Attempt::Declined(decline)
    };
    let taken = match decide::decide(s, task_id).await {
        Ok(taken) => taken,
        Err(declined) => return decline(declined),
    };
    let Some(reservation) = s.budget.try_reserve(taken.details.task.collateral.u128()) else {
        return decline(Decline::new(
            Reason::Busy,
            "at max_concurrent_tasks or the collateral budget",
        ));
    };
    decide::took(&taken);
    let _busy = InProgress::new(&s.stats);
    let (details, price) = (&taken.details, taken.price);
    let sealed = match details.task.model {
        CompetitionModel::SealedBidAuction { .. } => auction::seal_bid(s, details, price).await,
        _ => compute(s, details, price).await,
    };
    let record = match sealed {
        Ok(record) => record,
        Err(Attempt::Declined(declined)) => return decline(declined),
        Err(attempt) => return attempt,
    };
    if !record_durably(s, &record).await {
        return Attempt::Done;
    }
    follow(s, record, reservation).await;
    Attempt::Done
}

/// Runs the job and seals its result at `price`; when it cannot (nothing recorded), what
/// becomes of the attempt.
pub(super) async fn compute(
    s: &Shared,
    details: &TaskDetails,
    price: Uint128,
) -> Result<TaskRecord, Attempt> {
    let strategy = &s.config.strategy;
    let done = if s.faults.fail_jobs {
        Err(ExecError::Runtime(
            "fault injection: every job fails".into(),
        ))
    } else {
        s.engine
            .run(
                details.spec.job.clone(),
                Duration::from_secs(strategy.max_kernel_secs),
                strategy.max_hash_nonces,
            )
            .await
    };
    let work = match done {
        Ok(work) => work,
        Err(err) => {
            s.stats.exec_failures.inc();
            let why = format!("the job failed, nothing committed: {err}");
            return Err(Attempt::Declined(Decline::new(Reason::ExecFailed, why)));
        }
    };
    s.stats.add_kernel_time(work.device_time);
    if s.stopping() {
        return Err(Attempt::Later); // nothing recorded: a restart starts it afresh
    }
    seal(s, details, price, work)
        .map_err(|why| Attempt::Declined(Decline::new(Reason::Undeliverable, why)))
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
    let read = tokio::try_join!(s.chain.tip(), s.chain.responses(task_id));
    let (tip, responses) = match read {
        Ok(read) => read,
        Err(err) => return s.chain_failed(&err).await,
    };
    let on_chain = responses
        .iter()
        .find(|r| r.provider.as_str() == s.me())
        .map(OnChain::of);
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
            debug!(
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
            info!("the commitment did not land before the commit deadline; abandoned (nothing locked)");
            end(s, record, Phase::Abandoned);
            Step::Continue
        }
        None => {
            // Another provider committed meanwhile and reveals first: committing now
            // would only pay for a commitment that cannot win.
            if let Err(ahead) = precheck::ahead_of_me(&record.model, &responses, s.me(), tip) {
                info!("not committing after all: {ahead}");
                end(s, record, Phase::Abandoned);
                return Step::Continue;
            }
            let msg = ExecuteMsg::Commit {
                task_id,
                commitment: record.commitment.clone(),
            };
            match send(s, &msg, Op::Commit, GasPlan::Simulate, task_id).await {
                Ok(hash) => {
                    record.commit_tx = Some(hash);
                    Step::Continue
                }
                Err(TxError::Refused(why)) => {
                    // Refused now; only an earlier attempt of ours could still be there.
                    match s.chain.commitment(task_id, s.me()).await {
                        Ok(Some(c)) if c.commitment == record.commitment => Step::Continue,
                        _ => {
                            info!("not committing after all: the chain would refuse it: {why}");
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
    let op = Op::reveal_of(&record.model);
    record.reveal_tx = match open(s, &msg, op, tip, record, refusals, opened).await {
        Ok(tx) => tx,
        Err(step) => return step,
    };
    record.phase = Phase::Revealed;
    s.save(record);
    s.stats.revealed.inc();
    debug!(
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

/// Sends an opening (`Reveal`, `RevealBid`) of `record`, then sees whether it is on chain
/// (`opened` reads the provider's response): its transaction hash when this send landed
/// it; otherwise (a refusal counted) the step after a short pause. Simulated where the
/// chain can simulate it — once a block after the commitment's is the latest — else with
/// the gas this daemon measured for `op`.
pub(super) async fn open(
    s: &Shared,
    msg: &ExecuteMsg,
    op: Op,
    tip: Tip,
    record: &TaskRecord,
    refusals: &mut u32,
    opened: impl Fn(&TaskResponseRecord) -> bool,
) -> Result<Option<String>, Step> {
    let task_id = record.task_id;
    let simulable = record.commit_height.is_some_and(|h| tip.height > h);
    let plan = if simulable {
        GasPlan::Simulate
    } else {
        GasPlan::Learned
    };
    let sent = send(s, msg, op, plan, task_id).await;
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
            let _ = send(s, &msg, Op::Finalize, GasPlan::Simulate, task_id).await;
        }
    }
    s.pause(RETRY).await
}

/// The chain's tip and the task, or (after a pause) the step to take when unreadable.
async fn read_task(s: &Shared, task_id: u64) -> Result<(Tip, Task), Step> {
    match tokio::try_join!(s.chain.tip(), s.chain.task_header(task_id)) {
        Ok((tip, task)) => {
            s.health.ok();
            Ok((tip, task))
        }
        Err(err) => Err(s.chain_failed(&err).await),
    }
}

/// The task ended: what it means for this provider, logged as one line.
pub(super) async fn conclude(s: &Shared, record: &mut TaskRecord, task: &Task) -> Step {
    let response = match s.chain.response(task.id, s.me()).await {
        Ok(response) => response,
        Err(err) => return s.chain_failed(&err).await,
    };
    let phase = match (task.status, response.map(|r| r.status)) {
        (_, Some(ResponseStatus::Won)) => Phase::Won,
        // A commitment left unopened past its window is slashed, and may be removed.
        (_, Some(ResponseStatus::Slashed) | None) => Phase::Slashed,
        (TaskStatus::Completed, _) => Phase::Lost,
        _ => Phase::Expired,
    };
    let asset = strategy::asset_name(&task.reward.info);
    match phase {
        Phase::Won => {
            s.stats.won.inc();
            let price = task.outcome.as_ref().map_or(0, |o| o.price.u128());
            let fee = s.terms.protocol_fee(price);
            s.stats.add_earning(asset, price, price - fee);
            info!(
                paid = price - fee,
                protocol_fee = fee,
                asset,
                "won: paid {}{asset} after the protocol fee",
                price - fee
            );
        }
        Phase::Lost => {
            s.stats.lost.inc();
            info!("lost: another provider was paid; the collateral is released");
        }
        Phase::Slashed => {
            s.stats.slashed.inc();
            warn!(collateral = %record.collateral, "slashed: the commitment was not opened (or the delivery missed) in time");
        }
        _ => {
            s.stats.expired.inc();
            info!(
                status = task.status.name(),
                "ended without a winner: the collateral is released"
            );
        }
    }
    end(s, record, phase);
    Step::Continue
}

pub(super) fn end(s: &Shared, record: &mut TaskRecord, phase: Phase) {
    record.phase = phase;
    s.save(record);
}

/// Sends one registry message, an `op`, through the signer; the transaction hash when
/// included.
pub(super) async fn send(
    s: &Shared,
    msg: &ExecuteMsg,
    op: Op,
    gas: GasPlan,
    task_id: u64,
) -> Result<String, TxError> {
    let deployment = s.chain.deployment();
    let any = deployment
        .registry()
        .execute(s.me(), msg, vec![])
        .map_err(|e| TxError::Refused(e.to_string()))?;
    s.signer
        .submit(any, op, gas, format!("{} {task_id}", op.name()))
        .await
        .map(|outcome| outcome.hash)
}
