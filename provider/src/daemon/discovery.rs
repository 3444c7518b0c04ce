//! Finding tasks on one chain: unfinished ones from the state at start, new ones from the
//! websocket (`ogpu_task_published`) and from periodic sweeps of the open tasks — one
//! worker per task. A sweep also looks again at tasks passed over for a reason that may
//! have gone ([`Tracker`]), follows the provider's own registration (a change is logged
//! and makes tasks declined for it worth another look), keeps the ledger file current,
//! and watches for another chain: a height that goes backwards, a deployment file that
//! names other contracts, or a registry that is gone end the coordination, and the daemon
//! starts over on the new chain ([`super::run`]).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use ogpu_client::stream::{events_of, EventStream};
use ogpu_client::{ClientError, Deployment};
use ogpu_types::events::TASK_PUBLISHED;
use ogpu_types::staking::ProviderResponse;
use tokio::task::JoinSet;
use tracing::{debug, info, info_span, warn, Instrument};

use super::chain::ChainView;
use super::decline::{Decline, Reason};
use super::ledger::Ledger;
use super::participate::{self, Attempt, Shared};
use super::tracker::Tracker;

/// Most pages of open tasks one sweep reads (30 tasks each), so a sweep stays bounded.
const MAX_SWEEP_PAGES: usize = 20;
/// Sweeps between two reads of the chain's identity (its genesis document).
const IDENTITY_EVERY: u64 = 12;
/// Blobs are pruned every this many sweeps.
const PRUNE_EVERY: u64 = 120;

/// Why the coordination of a chain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The daemon stops.
    Stopped,
    /// A fault crashed the daemon.
    Crashed,
    /// The node now runs another chain (or the deployment changed): why.
    ChainChanged(String),
}

/// Resumes recorded tasks, then follows new tasks (websocket) and sweeps the open ones
/// (periodic query), one worker per task, until the daemon stops or the chain changes.
pub async fn coordinate(shared: Arc<Shared>, ledger: Ledger) -> Ended {
    let mut workers = JoinSet::new();
    let mut tracker = Tracker::default();
    match shared.store.unfinished() {
        Ok(records) => {
            for record in records {
                let task_id = record.task_id;
                tracker.start(task_id, false, false);
                shared.stats.seen.inc();
                spawn(
                    &mut workers,
                    task_id,
                    shared.clone(),
                    None,
                    Work::Resume(Box::new(record)),
                );
            }
        }
        Err(err) => warn!(%err, "cannot read the recorded tasks"),
    }
    let from = shared.chain.tip().await.map_or(1, |tip| tip.height);
    let node = shared.chain.client().config().node.clone();
    let registry = shared.chain.deployment().registry.clone();
    let mut stream = EventStream::follow(&node, events_of(TASK_PUBLISHED, &registry), from);
    let mut sweep = tokio::time::interval(Duration::from_secs(shared.config.poll_secs));
    let mut stop = shared.stop.clone();
    let mut me: Option<Option<ProviderResponse>> = None;
    let mut sweeps = 0u64;
    let ended = loop {
        let event = tokio::select! {
            _ = stop.wait_for(|s| *s) => Event::Stop,
            _ = shared.crash.notified() => Event::Crash,
            Some(observed) = stream.next() => Event::Ids(observed.event.task_id().into_iter().collect()),
            _ = sweep.tick() => Event::Sweep,
            Some(joined) = workers.join_next() => Event::Joined(joined.ok()),
        };
        let (found, sweeping, provider_changed) = match event {
            Event::Stop => break Ended::Stopped,
            Event::Crash => {
                workers.abort_all();
                return Ended::Crashed;
            }
            Event::Ids(ids) => (ids, false, false),
            Event::Joined(joined) => {
                if let Some((task_id, attempt)) = joined {
                    tracker.finished(
                        task_id,
                        match attempt {
                            Attempt::Declined(decline) => Some(decline),
                            Attempt::Later => Some(Decline::new(Reason::Busy, "stopping")),
                            Attempt::Done => None,
                        },
                    );
                }
                continue;
            }
            Event::Sweep => {
                sweeps += 1;
                let _ = ledger.write(&shared.stats.snapshot());
                let _ = shared.store.set_gas_samples(&shared.gas.samples());
                if let Some(changed) = chain_changed(&shared, sweeps).await {
                    break Ended::ChainChanged(changed);
                }
                if sweeps % PRUNE_EVERY == 1 {
                    prune_blobs(&shared);
                }
                let changed = registration(&shared, &mut me).await;
                match open_tasks(&shared.chain).await {
                    Ok((ids, complete)) => {
                        if complete {
                            tracker.prune(&ids.iter().copied().collect::<BTreeSet<_>>());
                        }
                        (ids, true, changed)
                    }
                    Err(err) if registry_gone(&err) => {
                        break Ended::ChainChanged(format!(
                            "the registry {registry} does not answer: {err}"
                        ));
                    }
                    Err(err) => {
                        shared.health.failed(&err);
                        (vec![], true, changed)
                    }
                }
            }
        };
        for task_id in found {
            if tracker.is_new(task_id) {
                shared.stats.seen.inc();
            }
            let previous = tracker.last_decline(task_id).cloned();
            if tracker.start(task_id, sweeping, provider_changed) {
                spawn(&mut workers, task_id, shared.clone(), previous, Work::Join);
            }
        }
    };
    match ended {
        // Another chain: the workers' tasks are the old chain's; they stop where they are
        // (their records are archived).
        Ended::ChainChanged(_) => workers.abort_all(),
        // Stopping: workers park at their next wait; let them.
        _ => while workers.join_next().await.is_some() {},
    }
    while workers.join_next().await.is_some() {}
    if let Err(err) = shared.store.sync() {
        warn!(%err, "cannot persist the tasks' last progress");
    }
    let _ = ledger.write(&shared.stats.snapshot());
    ended
}

/// What woke the coordinator.
enum Event {
    Stop,
    Crash,
    /// Tasks announced by the websocket.
    Ids(Vec<u64>),
    /// Time to sweep the open tasks.
    Sweep,
    /// A worker ended (`None`: it was aborted).
    Joined(Option<(u64, Attempt)>),
}

/// What a worker does with its task.
enum Work {
    Join,
    Resume(Box<super::state::TaskRecord>),
}

/// Runs one task's worker, its logs tagged with the task id.
fn spawn(
    workers: &mut JoinSet<(u64, Attempt)>,
    task_id: u64,
    shared: Arc<Shared>,
    previous: Option<Decline>,
    work: Work,
) {
    let span = info_span!("task", task_id);
    workers.spawn(
        async move {
            let attempt = match work {
                Work::Join => participate::join(shared, task_id, previous).await,
                Work::Resume(record) => participate::resume(shared, *record).await,
            };
            (task_id, attempt)
        }
        .instrument(span),
    );
}

/// Ids of the open tasks, at most [`MAX_SWEEP_PAGES`] pages, and whether that was all.
async fn open_tasks(chain: &ChainView) -> Result<(Vec<u64>, bool), ClientError> {
    let mut ids = Vec::new();
    let mut start_after = None;
    for _ in 0..MAX_SWEEP_PAGES {
        let page = chain.open_tasks(start_after).await?;
        if page.is_empty() {
            return Ok((ids, true));
        }
        start_after = page.last().copied();
        ids.extend(page);
    }
    Ok((ids, false))
}

/// A query error that says the registry does not exist on this chain.
fn registry_gone(err: &ClientError) -> bool {
    matches!(err, ClientError::Query { log, .. } if log.contains("no such contract") || log.contains("contract not found"))
}

/// Whether the chain changed under the daemon, and how: its height went backwards (read
/// every sweep), the deployment file names other contracts (every sweep), or its genesis
/// changed (every [`IDENTITY_EVERY`] sweeps).
async fn chain_changed(s: &Shared, sweeps: u64) -> Option<String> {
    let tip = match s.chain.tip().await {
        Ok(tip) => tip,
        Err(err) => {
            s.health.failed(&err);
            return None;
        }
    };
    s.health.ok();
    let last = s.store.last_height().unwrap_or(0);
    if tip.height < last {
        return Some(format!(
            "the chain's height went back from {last} to {}: it was reset",
            tip.height
        ));
    }
    if tip.height > last {
        let _ = s.store.set_last_height(tip.height);
    }
    let deployment = s.chain.deployment();
    match Deployment::load(&s.config.deployment) {
        Ok(now) if now.registry != deployment.registry || now.staking != deployment.staking => {
            return Some(format!(
                "the deployment file {} now names registry {}",
                s.config.deployment.display(),
                now.registry
            ));
        }
        _ => {}
    }
    if sweeps.is_multiple_of(IDENTITY_EVERY) {
        let identity = super::identity::ChainIdentity::read(s.chain.client(), deployment).await;
        if let Ok(Some(known)) = s.store.chain() {
            if !known.same_as(&identity) {
                return Some(format!("the node now runs {identity}, not {known}"));
            }
        }
    }
    None
}

/// Reads the provider's registration; logs a change (a warning when it cannot take
/// tasks); whether it changed since the last sweep.
async fn registration(s: &Shared, last: &mut Option<Option<ProviderResponse>>) -> bool {
    let now = match s.chain.provider(s.me()).await {
        Ok(now) => now,
        Err(err) => {
            s.health.failed(&err);
            return false;
        }
    };
    if last.as_ref() == Some(&now) {
        return false;
    }
    match &now {
        None => warn!(
            "this provider is not registered: tasks are passed over until it is (run `ogpu-provider register --config FILE`)"
        ),
        Some(p) if p.status != ogpu_types::staking::ProviderStatus::Active => warn!(
            status = ?p.status,
            bonded = %p.bonded,
            "this provider is not active: tasks are passed over until it is (bond up to the minimum stake)"
        ),
        // Stake or status changed (registered, bonded, unjailed): worth a line.
        Some(p) if last.as_ref().is_some_and(|l| l.as_ref().map(|l| (l.status, l.bonded)) != Some((p.status, p.bonded))) => info!(
            status = ?p.status,
            bonded = %p.bonded,
            locked = %p.locked,
            "registration changed"
        ),
        // Collateral locked and released, reputation: every task does that.
        Some(p) => debug!(bonded = %p.bonded, locked = %p.locked, "registration read"),
    }
    let changed = last.is_some();
    *last = Some(now);
    changed
}

/// Deletes stored results older than the declared retention.
fn prune_blobs(s: &Shared) {
    if let (Some(store), Some(config)) = (&s.blobs, &s.config.blobs) {
        match store.prune(Duration::from_secs(config.retention_secs)) {
            Ok(0) => {}
            Ok(n) => info!(deleted = n, "results past their retention deleted"),
            Err(err) => warn!(%err, "cannot prune the result store"),
        }
    }
}
