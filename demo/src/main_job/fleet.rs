//! The demo's providers: real `ogpu-provider` daemons, one per funded key, all in this
//! process on the local OpenCL device, each registered with metadata from the device and a
//! quick benchmark, each with its own durable state directory.

use std::path::Path;

use cosmwasm_std::{Decimal, Uint128};
use ogpu_client::ChainConfig;
use ogpu_provider::daemon::{self, register, DaemonConfig, DaemonHandle, KeyConfig};

use crate::error::{DemoError, DemoResult};
use crate::market::Market;

/// The variable the demo's daemons read their mnemonic from (the devnet's public test
/// mnemonic: `ogpu-demo` sets it), as a real provider's config names its own.
pub const MNEMONIC_ENV: &str = "OGPU_DEMO_MNEMONIC";

/// Stake each demo provider bonds: room for every task's collateral at once.
pub const STAKE: u128 = 1_000_000;
/// GFLOP/s of the local device as `ogpu-provider register` measures it (the same on
/// every demo provider: they share the device).
pub fn benchmark() -> DemoResult<(ogpu_provider::DeviceInfo, u64)> {
    crate::report::provider::advertised()
}

/// The daemon configuration of provider `index`: its key is the devnet account after the
/// owner's and the clients'.
pub fn config(market: &Market, deployment: &Path, state: &Path, index: usize) -> DaemonConfig {
    let account = 1 + market.clients.len() + index;
    let key = KeyConfig {
        mnemonic_env: Some(MNEMONIC_ENV.into()),
        hd_path: Some(format!("m/44'/118'/0'/0/{account}")),
        ..KeyConfig::default()
    };
    let chain = ChainConfig {
        node: market.devnet.rpc_url(),
        chain_id: market.devnet.chain_id().to_string(),
        ..ChainConfig::default()
    };
    let state_dir = state.join(format!("provider-{index}"));
    let mut config = DaemonConfig::new(chain, key, deployment.to_path_buf(), state_dir);
    config.poll_secs = 1;
    // Different bids, so that the auction has a clear winner and a second price.
    config.strategy.bid_fraction = Decimal::percent((60 + 10 * index as u64).min(100));
    config
}

/// Registers provider `index` with the device's metadata and starts its daemon.
pub async fn start(
    config: DaemonConfig,
    index: usize,
    device: &ogpu_provider::DeviceInfo,
    gflops: u64,
) -> DemoResult<DaemonHandle> {
    let (_, _, staking) = register::staking_config(&config)
        .await
        .map_err(daemon_error)?;
    let moniker = format!("gpu-{index}");
    let metadata = register::metadata(
        &moniker,
        device,
        gflops,
        &config.strategy.task_kinds,
        &staking,
    );
    let key = || config.key.signing_key().map_err(daemon_error);
    register::register(&config, key()?, metadata, Some(Uint128::new(STAKE)))
        .await
        .map_err(daemon_error)?;
    let key = key()?;
    daemon::Daemon::start(config, key)
        .await
        .map_err(daemon_error)
}

pub fn daemon_error(e: daemon::DaemonError) -> DemoError {
    DemoError::Setup(format!("provider daemon: {e}"))
}
