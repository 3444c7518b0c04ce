//! The providers' profit and loss at the defaults: real provider daemons (their default
//! strategy, kernels on the local OpenCL device) race for First Response tasks that pay
//! the default minimum reward of a deployment (`ogpu deploy`); each provider's earnings
//! after the protocol fee, the fees it paid, its net, and the transactions the chain
//! refused, read from its daemon and checked against its balance.

use std::time::{Duration, Instant};

use ogpu_client::deploy::DEFAULT_MIN_REWARD;
use ogpu_fixtures as fixtures;
use ogpu_provider::daemon::{DaemonHandle, StatsSnapshot};

use crate::error::{DemoError, DemoResult};
use crate::main_job::fleet;
use crate::market::{Market, DENOM};

/// How long one task may take to complete.
const TASK_PATIENCE: Duration = Duration::from_secs(60);

/// One provider's account of the race.
#[derive(Debug, Clone)]
pub struct ProviderPnl {
    pub address: String,
    pub won: u64,
    pub lost: u64,
    /// Commitments made (each task joined).
    pub joined: u64,
    /// Earned after the protocol fee.
    pub earned: u128,
    pub fees: u128,
    /// Transactions refused by the chain (in their block, charged; or at CheckTx).
    pub refused: u64,
    /// The balance's change over the race (stake untouched): must be `earned − fees`.
    pub balance_change: i128,
}

impl ProviderPnl {
    pub fn net(&self) -> i128 {
        self.earned as i128 - self.fees as i128
    }
}

#[derive(Debug, Clone)]
pub struct Pnl {
    pub tasks: usize,
    pub reward: u128,
    pub providers: Vec<ProviderPnl>,
}

/// Starts `providers` daemons at their defaults on `market`, publishes `tasks` First
/// Response tasks at the default minimum reward one after the other (each raced by every
/// daemon), and accounts for each provider.
pub async fn measure(market: &mut Market, providers: usize, tasks: usize) -> DemoResult<Pnl> {
    let state = tempfile::tempdir().map_err(|e| DemoError::Setup(format!("temp dir: {e}")))?;
    let deployment = state.path().join("deployment.json");
    market.deployment.save(&deployment)?;
    let (device, gflops) = fleet::benchmark()?;
    let mut daemons: Vec<DaemonHandle> = Vec::new();
    for index in 0..providers {
        let mut config = fleet::config(market, &deployment, state.path(), index);
        // The daemon's own defaults: strategy, gas margin, kernels in a worker.
        config.strategy = Default::default();
        daemons.push(fleet::start(config, index, &device, gflops).await?);
    }
    let mut before = Vec::new();
    for daemon in &daemons {
        before.push(market.client.balance(daemon.address(), DENOM).await?.u128());
    }
    let start = daemons.iter().map(|d| d.stats()).collect::<Vec<_>>();
    for _ in 0..tasks {
        let spec = fixtures::spec(fixtures::first_response());
        let (id, _) = market.publish(0, spec, DEFAULT_MIN_REWARD).await?;
        let deadline = Instant::now() + TASK_PATIENCE;
        while !market.task(id).await?.task.status.is_terminal() {
            if Instant::now() > deadline {
                return Err(DemoError::Unexpected(format!(
                    "P&L race: task {id} did not end"
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let settled = settle(&daemons).await?;
    let mut rows = Vec::new();
    for ((daemon, stats), (start, before)) in
        daemons.iter().zip(settled).zip(start.iter().zip(before))
    {
        let after = market.client.balance(daemon.address(), DENOM).await?.u128();
        rows.push(row(
            daemon.address(),
            &stats,
            start,
            after as i128 - before as i128,
        ));
    }
    for daemon in daemons {
        daemon.shutdown().await;
    }
    Ok(Pnl {
        tasks,
        reward: DEFAULT_MIN_REWARD,
        providers: rows,
    })
}

/// Every daemon's counters once none has a task in progress.
async fn settle(daemons: &[DaemonHandle]) -> DemoResult<Vec<StatsSnapshot>> {
    let deadline = Instant::now() + TASK_PATIENCE;
    loop {
        let stats: Vec<_> = daemons.iter().map(|d| d.stats()).collect();
        if stats.iter().all(|s| s.in_progress == 0) {
            return Ok(stats);
        }
        if Instant::now() > deadline {
            return Err(DemoError::Unexpected(
                "P&L race: the daemons did not settle".into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn row(
    address: &str,
    now: &StatsSnapshot,
    start: &StatsSnapshot,
    balance_change: i128,
) -> ProviderPnl {
    let net = |s: &StatsSnapshot| s.earnings_net.get(DENOM).copied().unwrap_or(0);
    ProviderPnl {
        address: address.to_string(),
        won: now.won - start.won,
        lost: now.lost - start.lost,
        joined: now.joined - start.joined,
        earned: net(now) - net(start),
        fees: now.fees_paid - start.fees_paid,
        refused: (now.tx_failed + now.tx_rejected) - (start.tx_failed + start.tx_rejected),
        balance_change,
    }
}
