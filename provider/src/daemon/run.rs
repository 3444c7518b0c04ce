//! Starting and stopping a daemon: [`Daemon::start`] connects, opens the state, the device
//! and the servers, resumes unfinished tasks and follows the chain for new ones; the
//! [`DaemonHandle`] it returns reads the live stats and stops it. Several daemons (each
//! with its own key and state directory) can run in one process against one chain.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use cosmrs::crypto::secp256k1::SigningKey;
use ogpu_client::{Client, Deployment, Signer};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use tracing::{info, info_span, Instrument};

use super::blobs::{self, BlobStore};
use super::budget::Budget;
use super::chain::ChainView;
use super::config::DaemonConfig;
use super::discovery;
use super::error::DaemonResult;
use super::fetch::HttpSource;
use super::http;
use super::metrics::{self, Stats, StatsSnapshot};
use super::participate::{Faults, Shared};
use super::signer;
use super::state::Store;
use super::work;
use crate::{Executor, ExecutorConfig};

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
        work::self_test(&executor, &inputs).await?;
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
        let coordinator = tokio::spawn(discovery::coordinate(shared).instrument(span));
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
