//! The daemon's configuration file (TOML). Every table rejects unknown fields, so a typo is
//! an error rather than a silently ignored setting; relative paths are read from the
//! directory of the file, `~/` from `$HOME`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use cosmwasm_std::{Decimal, Uint128};
use ogpu_client::ChainConfig;
use serde::{Deserialize, Serialize};

pub use super::engine::KernelIsolation;
use super::error::{DaemonError, DaemonResult};
use super::key::KeyConfig;

/// Everything `ogpu-provider run` needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaemonConfig {
    /// The chain (node, chain id, gas price…), as the `ogpu` CLI reads it.
    #[serde(default)]
    pub chain: ChainConfig,
    /// The key that signs; its address is the provider's.
    pub key: KeyConfig,
    /// The suite's deployment file, as `ogpu deploy` writes it.
    pub deployment: PathBuf,
    /// Where the durable task state lives (`state.redb`).
    pub state_dir: PathBuf,
    /// OpenCL device number, as `ogpu-provider devices` lists them.
    #[serde(default)]
    pub device: usize,
    #[serde(default)]
    pub strategy: StrategyConfig,
    /// Results too large to reveal inline are served from here; without it such tasks
    /// are skipped.
    #[serde(default)]
    pub blobs: Option<BlobConfig>,
    /// The Prometheus endpoint; absent: no endpoint (the stats stay readable in-process).
    #[serde(default)]
    pub metrics: Option<MetricsConfig>,
    /// Seconds between catch-up sweeps of the open tasks (the websocket delivers new ones
    /// at once; the sweep finds what a reconnect missed and retries tasks skipped as busy).
    #[serde(default = "defaults::poll_secs")]
    pub poll_secs: u64,
    /// What `ogpu-provider register` sends (flags override it).
    #[serde(default)]
    pub registration: RegistrationConfig,
    /// How transactions get their gas.
    #[serde(default)]
    pub gas: GasConfig,
    /// Where kernels run: `process` (a worker process, killed past `max_kernel_secs`) or
    /// `in_process` (the daemon's own threads; a runaway kernel then runs until restart).
    #[serde(default)]
    pub kernel_isolation: KernelIsolation,
    /// The executable started as the kernel worker; default: this program itself. An
    /// embedder whose `main` calls `ogpu_provider::worker::serve_if_requested` needs none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_program: Option<PathBuf>,
}

/// Gas: every transaction's limit is its simulated gas, or (for a reveal sent in the block
/// right after its commitment, which cannot be simulated) the most this daemon measured
/// for that operation recently, times `margin`. The fee is the limit times the chain's gas
/// price, whatever the transaction then uses, so the margin is paid for on every
/// transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GasConfig {
    /// Simulated or measured gas × this (at least 1).
    pub margin: f64,
}

impl Default for GasConfig {
    fn default() -> Self {
        // Simulation at the last block differs from execution in the next one by a few
        // storage reads at most (a reveal that pays reads the escrow too): 15% covers it.
        Self { margin: 1.15 }
    }
}

/// Which tasks the provider takes and at what price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StrategyConfig {
    /// Competition models to take part in: `first_response`, `manual_confirmation`,
    /// `consensus`, `sealed_bid_auction`.
    pub models: Vec<String>,
    /// Task kinds to accept: `opencl`, `hash_search`.
    pub task_kinds: Vec<String>,
    /// Reward assets accepted (native denoms or cw20 contract addresses); empty: any.
    pub reward_assets: Vec<String>,
    /// The least the provider is paid per work unit (a million work-items, or a million
    /// expected hashes), in the reward asset's base unit. Tasks paying less are skipped.
    pub min_price_per_unit: Decimal,
    /// Manual Confirmation: the price offered, as a share of the reward (never below the
    /// minimum above).
    pub offer_fraction: Decimal,
    /// Sealed-bid auctions: the bid, as a share of the reward (never below the minimum
    /// above). The winner is paid the next bid's price, so bidding one's true cost is
    /// the best strategy.
    pub bid_fraction: Decimal,
    /// Tasks in progress at once (executing, committed or revealed and unsettled).
    pub max_concurrent_tasks: usize,
    /// Most collateral (bond denom) locked in tasks at once.
    pub collateral_budget: Uint128,
    /// Longest a kernel may run, seconds.
    pub max_kernel_secs: u64,
    /// Most nonces a hash search tries before the task is given up; a search expected to
    /// need more (2^difficulty) is declined before anything runs.
    pub max_hash_nonces: u64,
    /// The least expected profit a task must promise, in the reward's base unit: the price
    /// less the protocol fee, less the fees of every transaction winning it takes (measured
    /// gas × gas price), less the collateral at risk. Compared only where the reward is
    /// paid in the chain's fee denom.
    pub min_profit: Uint128,
    /// The share of a task's collateral counted as at risk (an honest provider loses it
    /// only by missing a window: a crash, an outage).
    pub collateral_risk: Decimal,
}

impl Default for StrategyConfig {
    fn default() -> Self {
        Self {
            models: vec![
                "first_response".into(),
                "manual_confirmation".into(),
                "consensus".into(),
                "sealed_bid_auction".into(),
            ],
            task_kinds: vec!["opencl".into(), "hash_search".into()],
            reward_assets: vec![],
            min_price_per_unit: Decimal::zero(),
            offer_fraction: Decimal::percent(90),
            bid_fraction: Decimal::percent(80),
            max_concurrent_tasks: 4,
            collateral_budget: Uint128::new(1_000_000),
            max_kernel_secs: 60,
            max_hash_nonces: 1 << 32,
            min_profit: Uint128::zero(),
            collateral_risk: Decimal::percent(1),
        }
    }
}

/// The provider's registration on the staking contract.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistrationConfig {
    /// The name shown to clients; default `ogpu-provider`.
    pub moniker: Option<String>,
    /// Stake to bond (bond denom); default the contract's minimum. Registered already:
    /// bonded up to this.
    pub stake: Option<Uint128>,
}

/// The content-addressed result store and its HTTP server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlobConfig {
    pub dir: PathBuf,
    /// Where the server listens; port 0 picks a free one.
    pub listen: SocketAddr,
    /// The base URL clients fetch results from (`<public_url>/blobs/<sha256>`); absent:
    /// `http://<listen address>`, right only when clients reach this machine directly.
    #[serde(default)]
    pub public_url: Option<String>,
    /// How long a result is kept and served after it was stored, seconds: declared in the
    /// provider's metadata at registration (`retention=<secs>`), so clients know how long
    /// they have to fetch it. Older results are deleted.
    #[serde(default = "defaults::retention_secs")]
    pub retention_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Where `/metrics` is served; port 0 picks a free one.
    pub listen: SocketAddr,
}

/// `~/…` from `$HOME`; any other relative path from `base` (the config file's directory).
fn resolve(path: &mut PathBuf, base: &Path) {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    if let (Ok(rest), Some(home)) = (path.strip_prefix("~"), home) {
        *path = PathBuf::from(home).join(rest);
    } else if path.is_relative() {
        *path = base.join(&*path);
    }
}

mod defaults {
    pub fn poll_secs() -> u64 {
        5
    }
    /// A week: long enough for a client that was offline over a weekend.
    pub fn retention_secs() -> u64 {
        7 * 24 * 3600
    }
}

/// Model names the daemon can take part in (`CompetitionModel::name`).
pub const KNOWN_MODELS: [&str; 4] = [
    "first_response",
    "manual_confirmation",
    "consensus",
    "sealed_bid_auction",
];
/// Task kinds it can run (`Job::kind`).
pub const KNOWN_KINDS: [&str; 2] = ["opencl", "hash_search"];

impl DaemonConfig {
    /// What a file with only these four settings gives: every other field at its default.
    pub fn new(
        chain: ChainConfig,
        key: KeyConfig,
        deployment: PathBuf,
        state_dir: PathBuf,
    ) -> Self {
        Self {
            chain,
            key,
            deployment,
            state_dir,
            device: 0,
            strategy: StrategyConfig::default(),
            blobs: None,
            metrics: None,
            poll_secs: defaults::poll_secs(),
            registration: RegistrationConfig::default(),
            gas: GasConfig::default(),
            kernel_isolation: KernelIsolation::default(),
            worker_program: None,
        }
    }

    /// Reads and checks `path`; relative paths in it are taken from its directory.
    pub fn load(path: &Path) -> DaemonResult<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| DaemonError::Config(format!("cannot read {}: {e}", path.display())))?;
        let mut config: Self = toml::from_str(&text)
            .map_err(|e| DaemonError::Config(format!("{}: {}", path.display(), e.message())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.resolve_paths(base);
        config.validate()?;
        Ok(config)
    }

    fn resolve_paths(&mut self, base: &Path) {
        resolve(&mut self.deployment, base);
        resolve(&mut self.state_dir, base);
        if let Some(blobs) = &mut self.blobs {
            resolve(&mut blobs.dir, base);
        }
        if let Some(keyring) = &mut self.key.keyring {
            resolve(keyring, base);
        }
        if let Some(program) = &mut self.worker_program {
            resolve(program, base);
        }
    }

    /// Checks every field, saying which one is wrong and how to fix it.
    pub fn validate(&self) -> DaemonResult<()> {
        self.chain
            .validate()
            .map_err(|e| DaemonError::Config(format!("[chain] {e}")))?;
        self.key.validate()?;
        let s = &self.strategy;
        let bad = |why: String| Err(DaemonError::Config(format!("[strategy] {why}")));
        if let Some(m) = s
            .models
            .iter()
            .find(|m| !KNOWN_MODELS.contains(&m.as_str()))
        {
            return bad(format!("model {m:?} is not one of {KNOWN_MODELS:?}"));
        }
        if let Some(k) = s
            .task_kinds
            .iter()
            .find(|k| !KNOWN_KINDS.contains(&k.as_str()))
        {
            return bad(format!("task kind {k:?} is not one of {KNOWN_KINDS:?}"));
        }
        if s.offer_fraction > Decimal::one() || s.bid_fraction > Decimal::one() {
            return bad("offer_fraction and bid_fraction are at most 1 (the whole reward)".into());
        }
        if s.max_concurrent_tasks == 0 || s.max_kernel_secs == 0 || s.max_hash_nonces == 0 {
            return bad(
                "max_concurrent_tasks, max_kernel_secs and max_hash_nonces must be positive".into(),
            );
        }
        if s.collateral_risk > Decimal::one() {
            return bad("collateral_risk is at most 1 (the whole collateral)".into());
        }
        if self.poll_secs == 0 {
            return Err(DaemonError::Config("poll_secs must be positive".into()));
        }
        if !(1.0..=10.0).contains(&self.gas.margin) {
            return Err(DaemonError::Config(format!(
                "[gas] margin {} must be between 1 and 10 (1.1–1.3 is usual)",
                self.gas.margin
            )));
        }
        if self.blobs.as_ref().is_some_and(|b| b.retention_secs == 0) {
            return Err(DaemonError::Config(
                "[blobs] retention_secs must be positive: clients fetch results after they are paid".into(),
            ));
        }
        if let Some(url) = self.blobs.as_ref().and_then(|b| b.public_url.as_ref()) {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(DaemonError::Config(format!(
                    "[blobs] public_url {url:?} must be an http(s) URL"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
deployment = "deployment.json"
state_dir = "state"
[key]
mnemonic_env = "OGPU_MNEMONIC"
"#;

    fn parse(text: &str) -> DaemonResult<DaemonConfig> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("provider.toml");
        std::fs::write(&path, text).unwrap();
        DaemonConfig::load(&path)
    }

    #[test]
    fn a_minimal_file_gets_defaults_and_absolute_paths() {
        let config = parse(MINIMAL).unwrap();
        assert!(config.state_dir.is_absolute());
        let home = parse(&MINIMAL.replace("\"state\"", "\"~/ogpu-state\"")).unwrap();
        let expected = PathBuf::from(std::env::var_os("HOME").unwrap()).join("ogpu-state");
        assert_eq!(home.state_dir, expected);
        assert_eq!(config.strategy, StrategyConfig::default());
        assert_eq!(config.chain, ChainConfig::default());
        assert!(config.blobs.is_none() && config.metrics.is_none());
    }

    #[test]
    fn unknown_fields_and_bad_values_are_refused() {
        let err = parse(&format!("{MINIMAL}\n[strategy]\nmax_tasks = 3\n")).unwrap_err();
        assert!(
            err.to_string().contains("unknown field `max_tasks`"),
            "{err}"
        );
        let err = parse(&format!("{MINIMAL}\n[strategy]\nmodels = [\"auction\"]\n")).unwrap_err();
        assert!(err.to_string().contains("\"auction\""), "{err}");
        let err = parse(&format!(
            "{MINIMAL}\n[strategy]\noffer_fraction = \"1.5\"\n"
        ))
        .unwrap_err();
        assert!(err.to_string().contains("at most 1"), "{err}");
        let err = parse(&format!("{MINIMAL}\n[strategy]\nbid_fraction = \"1.01\"\n")).unwrap_err();
        assert!(err.to_string().contains("bid_fraction"), "{err}");
        let err = parse(&format!("{MINIMAL}\n[gas]\nmargin = 0.9\n")).unwrap_err();
        assert!(err.to_string().contains("margin"), "{err}");
        let err = parse(&format!("{MINIMAL}\nkernel_isolation = \"thread\"\n")).unwrap_err();
        assert!(err.to_string().contains("kernel_isolation"), "{err}");
    }

    #[test]
    fn the_example_file_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("provider.example.toml");
        let config = DaemonConfig::load(&path).unwrap();
        assert!(config.blobs.is_some() && config.metrics.is_some());
    }
}
