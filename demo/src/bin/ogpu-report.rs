//! `ogpu-report`: measures every figure the project has a goal for and writes the
//! performance report (`docs/performance.md`). A report, not a test: run it with
//! `bash ci/report.sh` on a quiet machine.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use ogpu_demo::report::{self, render, ReportConfig};
use ogpu_demo::{DemoError, MarketConfig};

#[derive(Parser)]
#[command(
    name = "ogpu-report",
    version,
    about = "Measure OpenGPU against its goals"
)]
struct Args {
    /// Tasks on chain for the first gas pass.
    #[arg(long, default_value_t = 10)]
    few_tasks: usize,
    /// Tasks on chain for the second gas pass.
    #[arg(long, default_value_t = 10_000)]
    many_tasks: usize,
    /// Tasks of the throughput run.
    #[arg(long, default_value_t = 800)]
    throughput_tasks: usize,
    /// Providers of the throughput run.
    #[arg(long, default_value_t = 8)]
    providers: usize,
    /// Block time of each devnet, milliseconds.
    #[arg(long, default_value_t = 200)]
    block_time_ms: u64,
    /// Where `ci/build-wasm.sh` wrote the contracts.
    #[arg(long, default_value_os_t = MarketConfig::default_artifacts())]
    artifacts: PathBuf,
    /// Skip the OpenCL benchmark and the providers' P&L race.
    #[arg(long)]
    no_opencl: bool,
    /// Provider daemons in the P&L race.
    #[arg(long, default_value_t = 2)]
    pnl_providers: usize,
    /// First Response tasks in the P&L race.
    #[arg(long, default_value_t = 20)]
    pnl_tasks: usize,
    /// Run the P&L race only and print its section.
    #[arg(long)]
    pnl_only: bool,
    /// Write the Markdown here instead of printing it.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    // The provider daemons' kernel workers are this executable, re-run (before any
    // runtime starts: a worker runs one of its own).
    ogpu_provider::worker::serve_if_requested();
    // Before any thread starts: the P&L race's daemons read their keys from it.
    std::env::set_var(
        ogpu_demo::main_job::fleet::MNEMONIC_ENV,
        ogpu_devnet::keys::DEFAULT_MNEMONIC,
    );
    tokio::runtime::Runtime::new()
        .expect("a tokio runtime")
        .block_on(report())
}

async fn report() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "ogpu_demo=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), DemoError> {
    let config = ReportConfig {
        few_tasks: args.few_tasks,
        many_tasks: args.many_tasks,
        throughput_tasks: args.throughput_tasks,
        providers: args.providers,
        block_time: Duration::from_millis(args.block_time_ms),
        artifacts: args.artifacts,
        opencl: !args.no_opencl,
        pnl_providers: args.pnl_providers,
        pnl_tasks: args.pnl_tasks,
        pnl_only: args.pnl_only,
    };
    let markdown = if config.pnl_only {
        render::pnl_section(&report::race(&config).await?)
    } else {
        render::markdown(&report::run(config).await?)
    };
    match args.out {
        Some(path) => std::fs::write(&path, markdown).map_err(|source| DemoError::Write {
            path: path.display().to_string(),
            source,
        }),
        None => {
            print!("{markdown}");
            Ok(())
        }
    }
}
