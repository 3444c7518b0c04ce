//! Finding tasks: unfinished ones from the state at start, new ones from the websocket
//! (`ogpu_task_published`) and from periodic sweeps of the open tasks (which also retry
//! tasks put off as busy) — one worker per task, each looked at once.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use ogpu_client::stream::{events_of, EventStream};
use ogpu_types::events::TASK_PUBLISHED;
use tokio::task::JoinSet;
use tracing::{info_span, warn, Instrument};

use super::chain::ChainView;
use super::participate::{self, Attempt, Shared};

/// Most pages of open tasks one sweep reads (30 tasks each), so a sweep stays bounded.
const MAX_SWEEP_PAGES: usize = 20;

/// Resumes recorded tasks, then follows new tasks (websocket) and sweeps the open ones
/// (periodic query), one worker per task.
pub async fn coordinate(shared: Arc<Shared>) {
    let mut workers = JoinSet::new();
    let mut seen = HashSet::new();
    let mut active = HashSet::new();
    match shared.store.unfinished() {
        Ok(records) => {
            for record in records {
                let task_id = record.task_id;
                seen.insert(task_id);
                active.insert(task_id);
                spawn(
                    &mut workers,
                    task_id,
                    participate::resume(shared.clone(), record),
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
    loop {
        let found = tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            _ = shared.crash.notified() => {
                workers.abort_all();
                return;
            }
            Some(observed) = stream.next() => Found::Ids(observed.event.task_id().into_iter().collect()),
            _ = sweep.tick() => Found::SweepDue,
            Some(joined) = workers.join_next() => {
                if let Ok((task_id, Attempt::Later)) = joined {
                    active.remove(&task_id);
                }
                continue;
            }
        };
        let found = match found {
            Found::Ids(ids) => ids,
            Found::SweepDue => open_tasks(&shared.chain).await,
        };
        for task_id in found {
            if seen.insert(task_id) {
                shared.stats.seen.inc();
            }
            if active.insert(task_id) {
                spawn(
                    &mut workers,
                    task_id,
                    participate::join(shared.clone(), task_id),
                );
            }
        }
    }
    // Stopping: workers park at their next wait; let them, then persist their progress.
    while workers.join_next().await.is_some() {}
    if let Err(err) = shared.store.sync() {
        warn!(%err, "cannot persist the tasks' last progress");
    }
}

/// Where new task ids come from.
enum Found {
    Ids(Vec<u64>),
    /// Time to list the open tasks.
    SweepDue,
}

/// Runs one task's worker, its logs tagged with the task id.
fn spawn(
    workers: &mut JoinSet<(u64, Attempt)>,
    task_id: u64,
    work: impl std::future::Future<Output = Attempt> + Send + 'static,
) {
    let span = info_span!("task", task_id);
    workers.spawn(async move { (task_id, work.await) }.instrument(span));
}

/// Ids of the open tasks, at most [`MAX_SWEEP_PAGES`] pages.
async fn open_tasks(chain: &ChainView) -> Vec<u64> {
    let mut ids = Vec::new();
    let mut start_after = None;
    for _ in 0..MAX_SWEEP_PAGES {
        match chain.open_tasks(start_after).await {
            Ok(page) if page.is_empty() => break,
            Ok(page) => {
                start_after = page.last().copied();
                ids.extend(page);
            }
            Err(err) => {
                warn!(%err, "cannot list the open tasks");
                break;
            }
        }
    }
    ids
}
