//! `ogpu-explorer`: indexes a deployment's events into SQLite and serves the market as web
//! pages until Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ogpu_client::Deployment;
use ogpu_explorer::{Explorer, ExplorerConfig};

#[derive(Parser)]
#[command(
    name = "ogpu-explorer",
    version,
    about = "The OpenGPU market explorer: indexes the suite's events into SQLite and serves web pages of tasks, providers and the market"
)]
struct Args {
    /// CometBFT RPC of a node of the deployment's chain.
    #[arg(long, default_value = "http://127.0.0.1:26657")]
    node: String,
    /// The deployment file `ogpu deploy` wrote (chain id and contract addresses).
    #[arg(long)]
    deployment: PathBuf,
    /// Where to serve the pages.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The SQLite database (created, migrated and resumed from on restart).
    #[arg(long, default_value = "ogpu-explorer.sqlite")]
    db: PathBuf,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let deployment = match Deployment::load(&args.deployment) {
        Ok(deployment) => deployment,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let config = ExplorerConfig {
        node: args.node,
        deployment,
        listen: args.listen,
        db: args.db,
    };
    let explorer = match Explorer::start(config).await {
        Ok(explorer) => explorer,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("explorer at {} (Ctrl-C stops it)", explorer.url());
    tokio::signal::ctrl_c().await.ok();
    explorer.shutdown().await;
    ExitCode::SUCCESS
}
