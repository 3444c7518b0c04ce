//! `ogpu-demo`: the main job. A whole OpenGPU market on the embedded devnet, end to end;
//! exits 0 only if every task reached the end its scenario expects and funds were
//! conserved. `bash ci/demo.sh` runs it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use ogpu_demo::main_job::{self, fleet, scenarios, summary, DemoConfig};
use ogpu_demo::MarketConfig;

#[derive(Parser)]
#[command(
    name = "ogpu-demo",
    version,
    about = "A whole OpenGPU market on an embedded devnet: real contracts, real OpenCL providers"
)]
struct Args {
    /// Provider daemons to run (plus a scripted key that withholds its result). A dispute
    /// is re-run by three providers other than the disputed winner: with fewer than 4 the
    /// dispute scenario is left out.
    #[arg(long, default_value_t = 4)]
    providers: usize,
    /// Tasks to publish (at least the 10 scenarios; more are vector additions).
    #[arg(long, default_value_t = scenarios::FIXED)]
    tasks: usize,
    /// Block time of the devnet, milliseconds.
    #[arg(long, default_value_t = 200)]
    block_time_ms: u64,
    /// Seconds to wait for the providers at each step before giving up.
    #[arg(long, default_value_t = 120)]
    patience_secs: u64,
    /// Where `ci/build-wasm.sh` wrote the contracts.
    #[arg(long, default_value_os_t = MarketConfig::default_artifacts())]
    artifacts: PathBuf,
    /// Serve the market explorer here while the demo runs (e.g. 127.0.0.1:8080; port 0
    /// picks a free one), and check at the end that it indexed every task's end.
    #[arg(long, value_name = "ADDR")]
    explorer: Option<SocketAddr>,
    /// With --explorer: keep the chain and the explorer up after the run, until Ctrl-C.
    #[arg(long, requires = "explorer")]
    keep_open: bool,
}

fn main() -> ExitCode {
    // The provider daemons' kernel workers are this executable, re-run.
    ogpu_provider::worker::serve_if_requested();
    // Before any thread starts: the daemons read their keys from it.
    std::env::set_var(fleet::MNEMONIC_ENV, ogpu_devnet::keys::DEFAULT_MNEMONIC);
    tokio::runtime::Runtime::new()
        .expect("a tokio runtime")
        .block_on(run())
}

async fn run() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    if args.providers < 2 || args.tasks < scenarios::FIXED {
        eprintln!(
            "error: --providers must be at least 2 (replicas and bidders need a rival) and --tasks at least {}",
            scenarios::FIXED
        );
        return ExitCode::from(2);
    }
    if !scenarios::can_dispute(args.providers) {
        eprintln!(
            "note: the dispute scenario needs at least {} providers (its round leaves the winner out); it is left out",
            scenarios::ROUND_REPLICAS + 1
        );
    }
    let config = DemoConfig {
        providers: args.providers,
        tasks: args.tasks,
        block_time: Duration::from_millis(args.block_time_ms),
        patience: Duration::from_secs(args.patience_secs),
        artifacts: args.artifacts,
        explorer: args.explorer,
        keep_open: args.keep_open,
    };
    let mut outcome = match main_job::run(config).await {
        Ok(outcome) => outcome,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("\nTasks\n{}", summary::tasks(&outcome.tasks));
    println!(
        "\nProviders\n{}",
        summary::providers(&outcome.providers, &outcome.trails)
    );
    let c = &outcome.conservation;
    println!(
        "\nConservation: {} minted = {} held (gas fees {}, staking {} = bonded {} + unbonding {}, escrow left {})",
        c.genesis,
        c.held,
        c.gas_fees,
        c.staking_balance,
        c.staking_totals.bonded,
        c.staking_totals.unbonding,
        c.escrow
    );
    let code = if outcome.all_as_expected() {
        println!("every task reached the end it should: ok");
        ExitCode::SUCCESS
    } else {
        println!("some tasks did not reach the end they should (see FAILED above)");
        ExitCode::FAILURE
    };
    if let Some(kept) = outcome.kept.take() {
        println!(
            "\nThe chain and the explorer stay up: {} (Ctrl-C stops them)",
            kept.beside.explorer.url()
        );
        tokio::signal::ctrl_c().await.ok();
        kept.shutdown().await;
    }
    code
}
