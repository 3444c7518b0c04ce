//! `ogpu-devnet`: start a single-node CosmWasm dev chain (see the crate docs).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use ogpu_devnet::{Devnet, DevnetConfig};

#[derive(Parser)]
#[command(
    name = "ogpu-devnet",
    version,
    about = "A single-node CosmWasm dev chain with CometBFT RPC, REST API and gRPC"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the chain and serve its RPC, REST API and gRPC until Ctrl-C.
    Start(StartArgs),
}

#[derive(clap::Args)]
struct StartArgs {
    /// Where the CometBFT RPC listens (HOST:PORT; port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:26657", value_parser = parse_addr)]
    rpc_addr: SocketAddr,
    /// Where the REST API server listens (wasmd's `--api.address`, e.g. tcp://0.0.0.0:1317).
    #[arg(long, default_value = "127.0.0.1:1317", value_parser = parse_addr)]
    api_addr: SocketAddr,
    /// Do not serve the REST API (wasmd's `--api.enable=false`).
    #[arg(long)]
    no_api: bool,
    /// Where the gRPC server listens (wasmd's `--grpc.address`).
    #[arg(long, default_value = "127.0.0.1:9090", value_parser = parse_addr)]
    grpc_addr: SocketAddr,
    /// Do not serve gRPC (wasmd's `--grpc.enable=false`).
    #[arg(long)]
    no_grpc: bool,
    /// Time between blocks, e.g. 1s or 200ms.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    block_time: Duration,
    #[arg(long, default_value = "ogpu-devnet-1")]
    chain_id: String,
    /// Keep the chain in this directory and continue it on the next start.
    #[arg(long)]
    home: Option<PathBuf>,
    /// Mnemonic of the funded accounts (default: the well-known dev mnemonic).
    #[arg(long, env = "OGPU_DEVNET_MNEMONIC")]
    mnemonic: Option<String>,
    /// Number of funded accounts (m/44'/118'/0'/0/0..N).
    #[arg(long, default_value_t = 10)]
    accounts: u32,
    /// Genesis balance of each account in the fee denom.
    #[arg(long, default_value_t = 1_000_000_000_000)]
    balance: u128,
    /// Minimum gas price CheckTx requires, e.g. 0.025ustake (its denom is the fee denom).
    #[arg(long, default_value = "0.025ustake")]
    min_gas_price: String,
    /// Bech32 prefix of addresses.
    #[arg(long, default_value = "wasm")]
    prefix: String,
    /// Pin every stored code (wasmd's discounted instance cost).
    #[arg(long)]
    pin_codes: bool,
}

/// `HOST:PORT`, also written `tcp://HOST:PORT` as in wasmd's app.toml.
fn parse_addr(s: &str) -> Result<SocketAddr, String> {
    s.strip_prefix("tcp://")
        .unwrap_or(s)
        .parse()
        .map_err(|e| format!("{s:?}: {e} (write HOST:PORT, e.g. 127.0.0.1:1317)"))
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let parse = |n: &str| {
        n.parse::<u64>()
            .map_err(|e| format!("{s:?}: {e} (write 1s or 200ms)"))
    };
    if let Some(ms) = s.strip_suffix("ms") {
        return Ok(Duration::from_millis(parse(ms)?));
    }
    if let Some(secs) = s.strip_suffix('s') {
        return Ok(Duration::from_secs(parse(secs)?));
    }
    Err(format!("{s:?}: give a unit, e.g. 1s or 200ms"))
}

impl StartArgs {
    fn into_config(self) -> Result<DevnetConfig, String> {
        let defaults = DevnetConfig::default();
        let min_gas_price: ogpu_devnet::tx::GasPrice = self.min_gas_price.parse()?;
        Ok(DevnetConfig {
            chain_id: self.chain_id,
            rpc_addr: self.rpc_addr,
            api_addr: (!self.no_api).then_some(self.api_addr),
            grpc_addr: (!self.no_grpc).then_some(self.grpc_addr),
            block_time: self.block_time,
            home: self.home,
            mnemonic: self.mnemonic.unwrap_or(defaults.mnemonic),
            accounts: self.accounts,
            balance: self.balance,
            denom: min_gas_price.denom.clone(),
            min_gas_price,
            prefix: self.prefix,
            pin_codes: self.pin_codes,
        })
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "ogpu_devnet=info".into()),
        )
        .init();
    let Command::Start(args) = Cli::parse().command;
    let config = match args.into_config() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let devnet = match Devnet::spawn(config).await {
        Ok(devnet) => devnet,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    print_banner(&devnet);
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {err}");
    }
    println!("\nshutting down at height {}", devnet.height());
    devnet.shutdown().await;
    ExitCode::SUCCESS
}

fn print_banner(devnet: &Devnet) {
    let config = devnet.config();
    println!(
        "ogpu-devnet {} — chain {}",
        env!("CARGO_PKG_VERSION"),
        devnet.chain_id()
    );
    println!();
    println!(
        "Available accounts ({} {} each)",
        config.balance, config.denom
    );
    println!("==================");
    for account in devnet.accounts() {
        println!("({}) {}  {}", account.index, account.address, account.path);
    }
    println!();
    println!("Private keys (hex)");
    println!("==================");
    for account in devnet.accounts() {
        println!("({}) {}", account.index, hex::encode(account.private_key));
    }
    println!();
    println!("Mnemonic: {}", config.mnemonic);
    println!("HD path:  m/44'/118'/0'/0/<index>");
    println!();
    println!(
        "Min gas price: {}   Block time: {:?}",
        config.min_gas_price, config.block_time
    );
    match &config.home {
        Some(home) => println!("State:    {} (persistent)", home.display()),
        None => println!("State:    in memory (use --home DIR to keep it)"),
    }
    println!("RPC:      {}", devnet.rpc_url());
    println!("WS:       {}", devnet.websocket_url());
    let off = || "off".to_string();
    println!("REST API: {}", devnet.api_url().unwrap_or_else(off));
    println!("gRPC:     {}", devnet.grpc_url().unwrap_or_else(off));
}
