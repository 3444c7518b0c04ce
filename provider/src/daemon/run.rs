//! Starting and stopping a daemon: [`Daemon::start`] connects, opens the state, the kernel
//! worker and the servers, then runs the chain it finds — resuming unfinished tasks and
//! following the chain for new ones — and, when the node turns out to run another chain
//! (a devnet reset, a redeployment), archives the old chain's records and starts afresh on
//! the new one. The [`DaemonHandle`] it returns reads the live stats and stops it. Several
//! daemons (each with its own key and state directory) can run in one process against one
//! chain.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use cosmrs::crypto::secp256k1::SigningKey;
use ogpu_client::{Client, Deployment, Signer};
use ogpu_types::settlement;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use tracing::{info, info_span, warn, Instrument};

use super::blobs::{self, BlobStore};
use super::budget::Budget;
use super::chain::ChainView;
use super::config::DaemonConfig;
use super::discovery::{self, Ended};
use super::engine::Engine;
use super::error::{DaemonError, DaemonResult};
use super::fees::Terms;
use super::gas::GasBook;
use super::health::NodeHealth;
use super::http;
use super::identity::ChainIdentity;
use super::ledger::Ledger;
use super::metrics::{self, Stats, StatsSnapshot};
use super::participate::{Faults, Shared};
use super::precheck::DryRun;
use super::signer::{self, SignerEnv, SignerHandle};
use super::state::Store;

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

/// What outlives a chain: the process's key, device, servers and counters.
struct Base {
    config: DaemonConfig,
    client: Arc<Client>,
    signer: SignerHandle,
    /// A clone of the signer's key for simulations ([`DryRun`]).
    simulator: Signer,
    store: Store,
    stats: Arc<Stats>,
    engine: Arc<Engine>,
    blobs: Option<BlobStore>,
    gas: Arc<GasBook>,
    health: Arc<NodeHealth>,
    budget: Budget,
    stop: watch::Receiver<bool>,
    faults: Faults,
    crash: Arc<Notify>,
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
        let simulator = Signer::new(key, &config.chain.prefix)?;
        let address = simulator.address().to_string();
        let stats = Arc::new(Stats::default());
        let (engine, device) = Engine::start(&config, stats.clone()).await?;
        let store = Store::open(&config.state_dir)?;
        let gas = Arc::new(GasBook::new(config.gas.margin, store.gas_samples()?));
        let health = Arc::new(NodeHealth::default());

        let (stop, stopped) = watch::channel(false);
        let mut services = Vec::new();
        let (blobs, blob_addr) = match &config.blobs {
            Some(blob_config) => {
                let listener = http::bind(blob_config.listen).await?;
                let bound = http::local_addr(&listener, blob_config.listen)?;
                let url = blob_config
                    .public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{bound}"));
                warn_if_unreachable(&url, &config.chain.node);
                let store = BlobStore::open(&blob_config.dir, &url).map_err(|e| {
                    DaemonError::Config(format!("[blobs] dir {}: {e}", blob_config.dir.display()))
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
        let env = SignerEnv {
            stats: stats.clone(),
            gas: gas.clone(),
            health: health.clone(),
        };
        let (signer, signer_task) = signer::spawn(client.clone(), simulator.clone(), env);
        services.push(signer_task);
        let budget = Budget::new(
            config.strategy.max_concurrent_tasks,
            config.strategy.collateral_budget.u128(),
        );
        let base = Base {
            config,
            client,
            signer,
            simulator,
            store,
            stats: stats.clone(),
            engine: Arc::new(engine),
            blobs,
            gas,
            health,
            budget,
            stop: stopped,
            faults,
            crash: Arc::new(Notify::new()),
        };
        let (shared, ledger) = base.chain(deployment).await?;
        info!(
            provider = %address,
            device = %device,
            isolation = ?base.config.kernel_isolation,
            node = %base.config.chain.node,
            ?blob_addr,
            ?metrics_addr,
            "provider daemon started on {}",
            shared.chain_identity()
        );
        let span = info_span!("daemon", provider = %address);
        let coordinator = tokio::spawn(supervise(base, shared, ledger).instrument(span));
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

impl Base {
    /// What the daemon shares on the chain `deployment` is on. Another chain than the
    /// records are of: they are archived and the state starts empty.
    async fn chain(&self, deployment: Deployment) -> DaemonResult<(Arc<Shared>, Ledger)> {
        let config = &self.config;
        deployment.check_chain(&config.chain.chain_id)?;
        let chain = ChainView::new(self.client.clone(), deployment.clone());
        let registry = chain.registry_config().await.map_err(|e| {
            DaemonError::Config(format!(
                "the deployment's registry {} does not answer on this chain ({e}): deploy the suite with `ogpu deploy` and point `deployment` in the config at its file",
                deployment.registry
            ))
        })?;
        let settlement: settlement::ConfigResponse = self
            .client
            .smart(&deployment.settlement, &settlement::QueryMsg::Config {})
            .await?;
        let identity = ChainIdentity::read(&self.client, &deployment).await;
        let tip = chain.tip().await?;
        let store = &self.store;
        let archived = match store.chain()? {
            Some(known) if known.same_as(&identity) && tip.height >= store.last_height()? => None,
            None => {
                store.adopt_chain(&identity)?;
                None
            }
            Some(known) => {
                let archived = store.switch_chain(&identity)?;
                self.signer.chain_changed();
                warn!(
                    archived_as = archived,
                    "the node runs {identity}, not {known} the records are of: they are archived and the state starts empty"
                );
                archived
            }
        };
        store.set_last_height(tip.height)?;
        let gas_price = config
            .chain
            .gas_price()
            .map_err(|e| DaemonError::Config(format!("[chain] {e}")))?;
        let terms = Terms {
            protocol_fee_bps: settlement.protocol_fee_bps,
            collateral_risk: config.strategy.collateral_risk,
            gas_price,
        };
        let ledger = Ledger::open(
            &config.state_dir,
            &identity,
            self.signer.address(),
            &terms.gas_price.denom,
            archived,
            self.stats.snapshot(),
        );
        let dry_run = DryRun::new(
            self.client.clone(),
            self.simulator.clone(),
            deployment.registry.clone(),
        );
        let shared = Shared {
            chain,
            signer: self.signer.clone(),
            store: store.clone(),
            stats: self.stats.clone(),
            engine: self.engine.clone(),
            blobs: self.blobs.clone(),
            config: config.clone(),
            limits: registry.limits,
            terms,
            gas: self.gas.clone(),
            dry_run,
            health: self.health.clone(),
            budget: self.budget.clone(),
            stop: self.stop.clone(),
            faults: self.faults,
            crash: self.crash.clone(),
            identity,
        };
        Ok((Arc::new(shared), ledger))
    }

    fn stopping(&self) -> bool {
        *self.stop.borrow()
    }
}

/// Coordinates the chain, and starts over on the next one whenever the chain changes.
async fn supervise(base: Base, mut shared: Arc<Shared>, mut ledger: Ledger) {
    loop {
        let ended = discovery::coordinate(shared.clone(), ledger).await;
        let _ = base.store.set_gas_samples(&base.gas.samples());
        let _ = base.store.sync();
        let Ended::ChainChanged(why) = ended else {
            return;
        };
        // Nothing signed for the old chain may reach the new one.
        base.signer.chain_changed();
        warn!("{why}: starting afresh on the chain the node now runs");
        let mut reported = false;
        loop {
            if base.stopping() {
                return;
            }
            let next = match Deployment::load(&base.config.deployment) {
                Ok(deployment) => base.chain(deployment).await,
                Err(err) => Err(err.into()),
            };
            match next {
                Ok((next, next_ledger)) => {
                    info!("now on {}", next.chain_identity());
                    (shared, ledger) = (next, next_ledger);
                    break;
                }
                Err(err) if !reported => {
                    warn!("{err}; retrying until it does");
                    reported = true;
                }
                Err(_) => {}
            }
            tokio::time::sleep(Duration::from_secs(base.config.poll_secs)).await;
        }
    }
}

/// Warns when results are published at an address only this machine can reach while the
/// chain is elsewhere: clients could not fetch what they paid for.
fn warn_if_unreachable(public_url: &str, node: &str) {
    let local = |url: &str| {
        ["://127.", "://localhost", "://[::1]", "://0.0.0.0"]
            .iter()
            .any(|needle| url.contains(needle))
    };
    if local(public_url) && !local(node) {
        warn!(
            public_url,
            "[blobs] public_url is an address of this machine only: clients elsewhere cannot fetch large results; set it to an address they reach"
        );
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
