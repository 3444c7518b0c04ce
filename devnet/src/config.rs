//! How a devnet is started: the flags of `ogpu-devnet start` and of `Devnet::spawn`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::keys::DEFAULT_MNEMONIC;
use crate::tx::GasPrice;

#[derive(Debug, Clone)]
pub struct DevnetConfig {
    pub chain_id: String,
    /// Where the RPC listens; port 0 picks a free one.
    pub rpc_addr: SocketAddr,
    /// Where the REST API server listens (`None`: not served); port 0 picks a free one.
    pub api_addr: Option<SocketAddr>,
    /// Where the gRPC server listens (`None`: not served); port 0 picks a free one.
    pub grpc_addr: Option<SocketAddr>,
    pub block_time: Duration,
    /// Persist the chain here; `None` keeps it in memory.
    pub home: Option<PathBuf>,
    pub mnemonic: String,
    /// Funded genesis accounts derived from the mnemonic.
    pub accounts: u32,
    /// Genesis balance of each account, in `denom`.
    pub balance: u128,
    /// The bond and fee denom.
    pub denom: String,
    pub min_gas_price: GasPrice,
    pub prefix: String,
    /// Pin every stored code (wasmd's discounted instance cost), to measure both costs.
    pub pin_codes: bool,
}

impl Default for DevnetConfig {
    fn default() -> Self {
        Self {
            chain_id: "ogpu-devnet-1".to_string(),
            rpc_addr: SocketAddr::from(([127, 0, 0, 1], 26657)),
            // A chain's defaults (app.toml `[api]` and `[grpc]`).
            api_addr: Some(SocketAddr::from(([127, 0, 0, 1], 1317))),
            grpc_addr: Some(SocketAddr::from(([127, 0, 0, 1], 9090))),
            block_time: Duration::from_secs(1),
            home: None,
            mnemonic: DEFAULT_MNEMONIC.to_string(),
            accounts: 10,
            balance: 1_000_000_000_000,
            denom: "ustake".to_string(),
            min_gas_price: "0.025ustake".parse().expect("valid literal"),
            prefix: "wasm".to_string(),
            pin_codes: false,
        }
    }
}

impl DevnetConfig {
    /// The defaults on free local ports with fast blocks: what tests and the demo use.
    pub fn for_tests() -> Self {
        let free = SocketAddr::from(([127, 0, 0, 1], 0));
        Self {
            rpc_addr: free,
            api_addr: Some(free),
            grpc_addr: Some(free),
            block_time: Duration::from_millis(200),
            ..Self::default()
        }
    }

    /// Rejects settings the chain cannot start with, saying how to fix them.
    pub fn validate(&self) -> Result<(), String> {
        if self.chain_id.is_empty() || self.chain_id.len() > 50 {
            return Err(format!(
                "--chain-id {:?}: 1 to 50 characters",
                self.chain_id
            ));
        }
        if self.block_time.is_zero() {
            return Err("--block-time must be positive, e.g. 1s or 200ms".to_string());
        }
        if !crate::bank::valid_denom(&self.denom) {
            return Err(format!("denom {:?} is not a valid SDK denom", self.denom));
        }
        if self.min_gas_price.denom != self.denom {
            return Err(format!(
                "--min-gas-price {} must be in the fee denom {}",
                self.min_gas_price, self.denom
            ));
        }
        if self.prefix.is_empty()
            || !self
                .prefix
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            return Err(format!(
                "--prefix {:?}: lowercase letters and digits only",
                self.prefix
            ));
        }
        if self.accounts == 0 || self.accounts > 1_000 {
            return Err(format!("--accounts {}: between 1 and 1000", self.accounts));
        }
        Ok(())
    }
}
