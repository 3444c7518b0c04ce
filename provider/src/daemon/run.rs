//! Starting and stopping a daemon: [`Daemon::start`] connects, opens the state, the device
//! and the servers, resumes unfinished tasks and follows the chain for new ones; the
//! [`DaemonHandle`] it returns reads the live stats and stops it. Several daemons (each
//! with its own key and state directory) can run in one process against one chain.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use cosmrs::crypto::secp256k1::SigningKey;
use cosmwasm_std::Uint64;
use ogpu_client::stream::{events_of, EventStream};
use ogpu_client::{Client, Deployment, Signer};
use ogpu_types::events::TASK_PUBLISHED;
use ogpu_types::{Job, KernelArg, KernelSource, OpenClJob};
use tokio::sync::{watch, Notify};
use tokio::task::{JoinHandle, JoinSet};
use tracing::{info, info_span, warn, Instrument};

use super::blobs::{self, BlobStore};
use super::budget::Budget;
use super::chain::ChainView;
use super::config::DaemonConfig;
use super::error::DaemonResult;
use super::fetch::HttpSource;
use super::http;
use super::metrics::{self, Stats, StatsSnapshot};
use super::participate::{self, Attempt, Faults, Shared};
use super::signer;
use super::state::Store;
use super::work;
use crate::{DeviceError, Executor, ExecutorConfig};

/// Most pages of open tasks one sweep reads (30 tasks each), so a sweep stays bounded.
const MAX_SWEEP_PAGES: usize = 20;

pub struct Daemon;

/// A running daemon.
pub struct DaemonHandle {
    address: String,
    stats: Arc<Stats>,
    stop: watch::Sender<bool>,
    coordinator: JoinHandle<()>,
    /// The signer and the HTTP servers.
    services: Vec<JoinHandle<()>>,
    blob_addr: Option<SocketAddr>,
    metrics_addr: Option<SocketAddr>,
}

impl Daemon {
    /// Starts a daemon signing with `key`.
    ///
    /// A program that handles SIGINT/SIGTERM must install its handlers before the first
    /// daemon starts (before OpenCL is first used): PoCL's LLVM installs handlers of its
    /// own that end the process, and only handlers installed earlier still run.
    pub async fn start(config: DaemonConfig, key: SigningKey) -> DaemonResult<DaemonHandle> {
        Self::start_with(config, key, Faults::default()).await
    }

    /// [`Daemon::start`] with faults injected (tests, demos of recovery).
    pub async fn start_with(
        config: DaemonConfig,
        key: SigningKey,
        faults: Faults,
    ) -> DaemonResult<DaemonHandle> {
        config.validate()?;
        let deployment = Deployment::load(&config.deployment)?;
        deployment.check_chain(&config.chain.chain_id)?;
        let client = Arc::new(Client::connect(config.chain.clone()).await?);
        let signer = Signer::new(key, &config.chain.prefix)?;
        let address = signer.address().to_string();
        let device = crate::device(config.device)?;
        let executor = Executor::new(
            device,
            ExecutorConfig {
                max_kernel_time: Duration::from_secs(config.strategy.max_kernel_secs),
                ..ExecutorConfig::default()
            },
        )?;
        let executor = Arc::new(executor);
        let inputs = Arc::new(HttpSource::new(tokio::runtime::Handle::current()));
        self_test(&executor, &inputs).await?;
        let chain = ChainView::new(client.clone(), deployment);
        let limits = chain.registry_config().await?.limits;
        let store = Store::open(&config.state_dir)?;

        let (stop, stopped) = watch::channel(false);
        let stats = Arc::new(Stats::default());
        let mut services = Vec::new();
        let (blobs, blob_addr) = match &config.blobs {
            Some(blob_config) => {
                let listener = http::bind(blob_config.listen).await?;
                let bound = http::local_addr(&listener, blob_config.listen)?;
                let url = blob_config
                    .public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{bound}"));
                let store = BlobStore::open(&blob_config.dir, &url).map_err(|e| {
                    super::DaemonError::Config(format!(
                        "[blobs] dir {}: {e}",
                        blob_config.dir.display()
                    ))
                })?;
                services.push(http::serve(
                    listener,
                    blobs::router(store.clone()),
                    stopped.clone(),
                ));
                (Some(store), Some(bound))
            }
            None => (None, None),
        };
        let metrics_addr = match &config.metrics {
            Some(metrics_config) => {
                let listener = http::bind(metrics_config.listen).await?;
                let bound = http::local_addr(&listener, metrics_config.listen)?;
                services.push(http::serve(
                    listener,
                    metrics::router(stats.clone()),
                    stopped.clone(),
                ));
                Some(bound)
            }
            None => None,
        };
        let (signer, signer_task) = signer::spawn(client, signer, stats.clone());
        services.push(signer_task);
        let budget = Budget::new(
            config.strategy.max_concurrent_tasks,
            config.strategy.collateral_budget.u128(),
        );
        let shared = Arc::new(Shared {
            chain,
            signer,
            store,
            stats: stats.clone(),
            executor,
            inputs,
            blobs,
            config,
            limits,
            budget,
            stop: stopped,
            faults,
            crash: Notify::new(),
        });
        info!(provider = %address, ?blob_addr, ?metrics_addr, "provider daemon started");
        let span = info_span!("daemon", provider = %address);
        let coordinator = tokio::spawn(coordinate(shared).instrument(span));
        Ok(DaemonHandle {
            address,
            stats,
            stop,
            coordinator,
            services,
            blob_addr,
            metrics_addr,
        })
    }
}

impl DaemonHandle {
    /// The provider's address.
    pub fn address(&self) -> &str {
        &self.address
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// Where the blob server listens, if configured.
    pub fn blob_addr(&self) -> Option<SocketAddr> {
        self.blob_addr
    }

    /// Where `/metrics` is served, if configured.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// True once the daemon stopped by itself (an injected crash).
    pub fn is_finished(&self) -> bool {
        self.coordinator.is_finished()
    }

    /// Stops taking tasks, lets in-flight transactions finish and parks every task at its
    /// recorded phase (a restart resumes them), then stops the servers.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.coordinator.await;
        for service in self.services {
            let _ = service.await;
        }
        info!(provider = %self.address, "provider daemon stopped");
    }

    /// Stops everything at once, wherever it is, as a killed process would: the state on
    /// disk is all that survives. For tests of crash recovery.
    pub async fn kill(self) {
        self.coordinator.abort();
        for service in &self.services {
            service.abort();
        }
        let _ = self.coordinator.await;
        for service in self.services {
            let _ = service.await;
        }
    }
}

/// Resumes recorded tasks, then follows new tasks (websocket) and sweeps the open ones
/// (periodic query), one worker per task.
async fn coordinate(shared: Arc<Shared>) {
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

/// Builds and runs a one-work-item kernel: a device that cannot is refused at start rather
/// than failing every task.
async fn self_test(executor: &Arc<Executor>, inputs: &Arc<HttpSource>) -> DaemonResult<()> {
    let job = Job::OpenCl(OpenClJob {
        kernel: KernelSource::Inline {
            source: "__kernel void self_test(__global uint* out) { out[0] = 42u; }".into(),
        },
        entry_point: "self_test".into(),
        args: vec![KernelArg::Output {
            size: Uint64::new(4),
        }],
        global_work_size: vec![Uint64::new(1)],
        local_work_size: None,
    });
    let done = work::run(
        executor.clone(),
        inputs.clone(),
        job,
        Duration::from_secs(60),
        0,
    )
    .await;
    match done {
        Ok(work) if work.result == 42u32.to_le_bytes() => Ok(()),
        Ok(work) => Err(DeviceError::OpenCl(format!(
            "the self-test kernel wrote {:?}, not 42",
            work.result
        ))
        .into()),
        Err(err) => Err(DeviceError::OpenCl(format!("the self-test kernel failed: {err}")).into()),
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
