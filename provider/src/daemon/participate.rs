//! One task's life on the provider's side, the same for every competition model:
//! evaluate → execute → seal (salt, commitment) → record durably → commit → reveal when
//! the model allows → follow the task to its end. Each step reads the chain first, so a
//! task resumed after a crash, a lost connection or an uncertain transaction picks up
//! exactly where the chain says it is: a commitment on chain is never sent again, one
//! missing is re-sent unchanged while the window is open, a reveal that landed is not
//! repeated.

use std::sync::Arc;
use std::time::Duration;

use cosmwasm_std::{Binary, HexBinary, Uint128};
use ogpu_client::deployment::execute;
use ogpu_client::{ClientError, Gas};
use ogpu_types::commitment::result_commitment;
use ogpu_types::registry::{ExecuteMsg, TaskDetails, TaskLimits};
use ogpu_types::{Payload, ResponseStatus, Task, TaskStatus};
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
use crate::Executor;

/// How often the chain tip is read while a reveal waits for its block.
const TIP_POLL: Duration = Duration::from_millis(100);
/// How long to wait before reading the chain again after a failure or while a revealed
/// task waits for its end.
const RETRY: Duration = Duration::from_secs(1);
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
enum Step {
    Continue,
    /// The daemon stops: leave the task as recorded; a restart resumes it.
    Park,
    /// A fault crashed the daemon.
    Crash,
}

impl Shared {
    fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    async fn pause(&self, time: Duration) -> Step {
        let mut stop = self.stop.clone();
        tokio::select! {
            _ = tokio::time::sleep(time) => Step::Continue,
            _ = stop.wait_for(|s| *s) => Step::Park,
        }
    }

    fn me(&self) -> &str {
        self.signer.address()
    }

    /// Records progress (not synced: see [`Store::note`]); a failed write is logged, not
    /// fatal: the chain is read again before every step, so a stale record only costs a
    /// re-check on restart.
    fn save(&self, record: &TaskRecord) {
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
    let Some(reservation) = s.budget.try_reserve(details.task.collateral.u128()) else {
        debug!("at max_concurrent_tasks or the collateral budget; trying again later");
        return Attempt::Later;
    };
    let _busy = InProgress::new(&s.stats);
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
            return Attempt::Done;
        }
    };
    s.stats.add_kernel_time(work.device_time);
    if s.stopping() {
        return Attempt::Later; // nothing recorded: a restart starts it afresh
    }
    let record = match seal(s, &details, price, work) {
        Ok(record) => record,
        Err(why) => {
            warn!(%why, "task skipped, nothing committed");
            s.stats.skipped.inc();
            return Attempt::Done;
        }
    };
    // Durable (fsync) before the commitment can be sent; off the async threads.
    let store = s.store.clone();
    let written = record.clone();
    let durable = tokio::task::spawn_blocking(move || store.put(&written)).await;
    if let Err(err) = durable.unwrap_or_else(|e| Err(DaemonError::State(e.to_string()))) {
        error!(%err, "cannot record the commitment: not committing");
        return Attempt::Done;
    }
    follow(s, record, reservation).await;
    Attempt::Done
}

/// A recorded task found unfinished at start.
pub async fn resume(shared: Arc<Shared>, record: TaskRecord) -> Attempt {
    let reservation = shared.budget.resumed(record.collateral.u128());
    let _busy = InProgress::new(&shared.stats);
    info!(phase = ?record.phase, "resuming");
    follow(&shared, record, reservation).await;
    Attempt::Done
}

/// The result as the reveal publishes it, a fresh salt and the commitment.
fn seal(
    s: &Shared,
    details: &TaskDetails,
    price: Uint128,
    work: Work,
) -> Result<TaskRecord, String> {
    let task = &details.task;
    let inline_max = s.limits.max_inline_result_bytes as usize;
    let result = if work.result.len() <= inline_max {
        Payload::Inline {
            data: Binary::from(work.result),
        }
    } else {
        let Some(blobs) = &s.blobs else {
            return Err(format!(
                "the result ({} bytes) is above the inline limit ({inline_max}) and no [blobs] store is configured",
                work.result.len()
            ));
        };
        blobs
            .put(&work.result)
            .map_err(|e| format!("cannot store the result: {e}"))?
    };
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt).map_err(|e| format!("no randomness for the salt: {e}"))?;
    let commitment = result_commitment(task.id, s.me(), &work.digest, price, &salt);
    Ok(TaskRecord {
        task_id: task.id,
        model: task.model,
        phase: Phase::Committing,
        salt: HexBinary::from(salt),
        digest: HexBinary::from(work.digest),
        price,
        result,
        commitment: HexBinary::from(commitment),
        collateral: task.collateral,
        commit_deadline: task.commit_deadline,
        commit_height: None,
        reveal_deadline: None,
        commit_tx: None,
        reveal_tx: None,
    })
}

/// Drives a recorded task to its end, or parks it when the daemon stops.
async fn follow(s: &Shared, mut record: TaskRecord, reservation: Reservation) {
    let Some(model) = models::of(&record.model) else {
        warn!(
            task = record.task_id,
            "a recorded task of a model the daemon does not follow; left as is"
        );
        return;
    };
    let mut reveal_refusals = 0;
    while !record.phase.is_final() {
        let step = match record.phase {
            Phase::Committing => commit(s, &mut record).await,
            Phase::Committed => reveal(s, model, &mut record, &mut reveal_refusals).await,
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

/// `Committing`: make sure the commitment is on chain, once.
async fn commit(s: &Shared, record: &mut TaskRecord) -> Step {
    let task_id = record.task_id;
    let read = tokio::try_join!(s.chain.tip(), s.chain.response(task_id, s.me()));
    let (tip, response) = match read {
        Ok(read) => read,
        Err(err) => {
            warn!(%err, "cannot read the chain; retrying");
            return s.pause(RETRY).await;
        }
    };
    match response {
        Some(on_chain) if on_chain.commitment == record.commitment => {
            record.phase = Phase::Committed;
            record.commit_height = Some(on_chain.committed_height);
            record.reveal_deadline = Some(on_chain.reveal_deadline);
            s.save(record);
            s.stats.joined.inc();
            info!(
                tx_hash = record.commit_tx.as_deref().unwrap_or("?"),
                height = on_chain.committed_height,
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
                    match s.chain.response(task_id, s.me()).await {
                        Ok(Some(r)) if r.commitment == record.commitment => Step::Continue,
                        _ => {
                            warn!(%why, "commit refused; abandoned (nothing locked)");
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
    let (tip, task) = match read_task(s, task_id).await {
        Ok(read) => read,
        Err(step) => return step,
    };
    let too_late = record.reveal_deadline.is_some_and(|d| tip.time > d);
    if task.status.is_terminal() || too_late || *refusals >= MAX_REVEAL_REFUSALS {
        return settle(s, model, record).await;
    }
    if !model.reveal_open(record, &task, tip) {
        return s.pause(TIP_POLL).await;
    }
    let msg = ExecuteMsg::Reveal {
        task_id,
        result: record.result.clone(),
        salt: record.salt.clone(),
        price: model.reveal_price(record),
    };
    let sent = send(s, &msg, Gas::Fixed(s.config.reveal_gas), "reveal", task_id).await;
    let landed = match &sent {
        Ok(_) => true,
        // It may have landed all the same (uncertain), or lost a race: the chain says.
        Err(_) => matches!(
            s.chain.response(task_id, s.me()).await,
            Ok(Some(r)) if r.revealed_height.is_some()
        ),
    };
    if !landed {
        if matches!(sent, Err(TxError::Refused(_))) {
            *refusals += 1;
        }
        return s.pause(TIP_POLL).await;
    }
    record.reveal_tx = sent.ok();
    record.phase = Phase::Revealed;
    s.save(record);
    s.stats.revealed.inc();
    info!(
        tx_hash = record.reveal_tx.as_deref().unwrap_or("?"),
        "revealed"
    );
    Step::Continue
}

/// Revealed (or past its reveal): wait for the task's end, settling it when the model
/// says the provider should.
async fn settle(s: &Shared, model: &dyn Model, record: &mut TaskRecord) -> Step {
    let task_id = record.task_id;
    let (tip, task) = match read_task(s, task_id).await {
        Ok(read) => read,
        Err(step) => return step,
    };
    if task.status.is_terminal() {
        return conclude(s, record, &task).await;
    }
    if record.phase == Phase::Revealed {
        if let Some(msg) = model.settle(&task, s.me(), tip) {
            let _ = send(s, &msg, Gas::Auto, "finalize", task_id).await;
        }
    }
    s.pause(RETRY).await
}

/// The chain's tip and the task, or (after a pause) the step to take when unreadable.
async fn read_task(s: &Shared, task_id: u64) -> Result<(Tip, Task), Step> {
    match tokio::try_join!(s.chain.tip(), s.chain.task(task_id)) {
        Ok((tip, details)) => Ok((tip, details.task)),
        Err(err) => {
            warn!(%err, "cannot read the chain; retrying");
            Err(s.pause(RETRY).await)
        }
    }
}

/// The task ended: what it means for this provider.
async fn conclude(s: &Shared, record: &mut TaskRecord, task: &Task) -> Step {
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

fn end(s: &Shared, record: &mut TaskRecord, phase: Phase) {
    record.phase = phase;
    s.save(record);
}

/// Sends one registry message through the signer; the transaction hash when included.
async fn send(
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
