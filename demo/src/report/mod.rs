//! The performance report: every figure the project has a goal for, measured on a fresh
//! embedded devnet (wasmd's gas schedule) and the local OpenCL device, rendered as the
//! Markdown of `docs/performance.md`.

pub mod baseline;
pub mod gas;
pub mod gas_rounds;
pub mod pnl;
pub mod provider;
pub mod render;
pub mod scale;
pub mod sizes;
pub mod throughput;

use std::path::PathBuf;
use std::time::Duration;

use ogpu_provider::{BenchConfig, BenchReport};

use crate::error::DemoResult;
use crate::market::{Market, MarketConfig};

#[derive(Debug, Clone)]
pub struct ReportConfig {
    /// Tasks on chain for the first pass, and before the second.
    pub few_tasks: usize,
    pub many_tasks: usize,
    /// Tasks and providers of the throughput run.
    pub throughput_tasks: usize,
    pub providers: usize,
    pub block_time: Duration,
    pub artifacts: PathBuf,
    /// Run the OpenCL benchmark and the providers' P&L race (needs a device).
    pub opencl: bool,
    /// Daemons and First Response tasks of the P&L race.
    pub pnl_providers: usize,
    pub pnl_tasks: usize,
    /// Only the P&L race (a quick look; the document then holds that section alone).
    pub pnl_only: bool,
}

pub struct Report {
    pub config: ReportConfig,
    pub unpinned: gas::Lifecycles,
    pub pinned: gas::Lifecycles,
    pub scaling: Vec<scale::Scaling>,
    pub throughput: throughput::Throughput,
    pub sizes: Vec<(String, u64)>,
    pub provider: Option<BenchReport>,
    pub pnl: Option<pnl::Pnl>,
}

/// Clients that publish concurrently in every market.
const CLIENTS: usize = 8;

fn market_config(config: &ReportConfig, providers: usize, pin_codes: bool) -> MarketConfig {
    MarketConfig {
        clients: CLIENTS,
        providers,
        pin_codes,
        block_time: config.block_time,
        artifacts: config.artifacts.clone(),
    }
}

/// The providers' P&L race on a chain of its own.
pub async fn race(config: &ReportConfig) -> DemoResult<pnl::Pnl> {
    tracing::info!(
        providers = config.pnl_providers,
        tasks = config.pnl_tasks,
        "provider P&L at the defaults"
    );
    let mut market = Market::start(&market_config(config, config.pnl_providers, false)).await?;
    let pnl = pnl::measure(&mut market, config.pnl_providers, config.pnl_tasks).await?;
    crate::conservation::check(&market, true).await?;
    market.devnet.shutdown().await;
    Ok(pnl)
}

/// Measures everything, each part on a chain of its own.
pub async fn run(config: ReportConfig) -> DemoResult<Report> {
    let sizes = sizes::measure(&config.artifacts)?;

    tracing::info!("gas per operation, codes not pinned, and its dependence on the task count");
    let providers = gas::PROVIDERS;
    let mut market = Market::start(&market_config(&config, providers, false)).await?;
    let mut registration = gas::Lifecycles::default();
    gas::register_providers(&mut market, &mut registration).await?;
    let (mut unpinned, scaling) =
        scale::measure(&mut market, config.few_tasks, config.many_tasks).await?;
    unpinned.ops.splice(0..0, registration.ops);
    market.devnet.shutdown().await;

    tracing::info!("gas per operation, codes pinned");
    let mut market = Market::start(&market_config(&config, providers, true)).await?;
    let mut pinned = gas::Lifecycles::default();
    gas::register_providers(&mut market, &mut pinned).await?;
    let measured = gas::measure(&mut market).await?;
    pinned.ops.extend(measured.ops);
    pinned.first_response_blocks = measured.first_response_blocks;
    market.devnet.shutdown().await;

    tracing::info!(
        tasks = config.throughput_tasks,
        providers = config.providers,
        "throughput"
    );
    let mut market = Market::start(&market_config(&config, config.providers, false)).await?;
    let throughput = throughput::measure(&mut market, config.throughput_tasks).await?;
    crate::conservation::check(&market, true).await?;
    market.devnet.shutdown().await;

    let provider = if config.opencl {
        tracing::info!("OpenCL benchmark");
        let (_, report) =
            tokio::task::spawn_blocking(|| provider::measure(&BenchConfig::default()))
                .await
                .expect("benchmark thread")?;
        Some(report)
    } else {
        None
    };
    let pnl = match config.opencl {
        true => Some(race(&config).await?),
        false => None,
    };
    Ok(Report {
        config,
        unpinned,
        pinned,
        scaling,
        throughput,
        sizes,
        provider,
        pnl,
    })
}
