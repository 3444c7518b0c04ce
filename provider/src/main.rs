//! `ogpu-provider`: the OpenGPU provider's command line. The work is in the library; this
//! parses arguments, prints reports and turns errors into one line and exit code 1.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use cosmwasm_std::Uint128;
use ogpu_client::retention;
use ogpu_provider::daemon::{register, status, Daemon, DaemonConfig};
use ogpu_provider::logging::{self, LogFormat};
use ogpu_provider::{
    bench, devices, table, worker, BenchConfig, DeviceInfo, Executor, ExecutorConfig,
};
use serde::Serialize;

mod hints;

#[derive(Parser)]
#[command(
    name = "ogpu-provider",
    version,
    about = "The OpenGPU provider: OpenCL devices, their benchmark, registration and the daemon"
)]
struct Cli {
    /// Log lines as text or as one JSON object a line (`RUST_LOG` sets the levels; default
    /// info).
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    log_format: Format,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// List OpenCL platforms and devices.
    Devices {
        #[arg(short, long, value_enum, default_value_t = Output::Text)]
        output: Output,
    },
    /// Measure a device: f32 and i32 matmul (naive and register-blocked), hash search.
    Bench {
        /// Device number, as `devices` lists them.
        #[arg(short, long, default_value_t = 0)]
        device: usize,
        /// Side of the timed square matrices (a multiple of 16).
        #[arg(long, default_value_t = BenchConfig::default().size)]
        size: usize,
        /// Timed runs per kernel (at least two); the fastest counts.
        #[arg(long, default_value_t = BenchConfig::default().repeats)]
        repeats: usize,
        /// Nonces hashed by the timed hash search.
        #[arg(long, default_value_t = BenchConfig::default().hash_nonces)]
        hash_nonces: u64,
        #[arg(short, long, value_enum, default_value_t = Output::Text)]
        output: Output,
    },
    /// Register the provider (or update its metadata and stake) with metadata built from
    /// the configured device and its throughput (a few seconds of benchmark at the matrix
    /// size that saturates the device).
    Register {
        /// The daemon's configuration file (chain, key, deployment, device).
        #[arg(short, long)]
        config: PathBuf,
        /// The name shown to clients (default: the file's registration.moniker).
        #[arg(long)]
        moniker: Option<String>,
        /// Stake to bond, in the bond denom's base unit (default: registration.stake, else
        /// the contract's minimum).
        #[arg(long)]
        stake: Option<Uint128>,
    },
    /// Run the daemon: follow the chain, execute tasks, commit, reveal, get paid.
    Run {
        #[arg(short, long)]
        config: PathBuf,
    },
    /// Where the provider stands: registration, stake, locks, earnings, fees and net.
    Status {
        #[arg(short, long)]
        config: PathBuf,
        #[arg(short, long, value_enum, default_value_t = Output::Text)]
        output: Output,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Text,
    Json,
}

fn main() -> ExitCode {
    // Started by a daemon as its kernel worker: serves, then exits.
    worker::serve_if_requested();
    let cli = Cli::parse();
    logging::init(match cli.log_format {
        Format::Text => LogFormat::Text,
        Format::Json => LogFormat::Json,
    });
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", hints::for_provider(&err.to_string()));
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), Box<dyn std::error::Error>> {
    match command {
        Command::Devices { output } => {
            let list = devices()?;
            print(output, &list, || devices_table(&list))
        }
        Command::Bench {
            device,
            size,
            repeats,
            hash_nonces,
            output,
        } => {
            let executor =
                Executor::new(ogpu_provider::device(device)?, ExecutorConfig::default())?;
            let config = BenchConfig {
                size,
                repeats,
                hash_nonces,
                ..BenchConfig::default()
            };
            let report = bench::run(&executor, &config)?;
            print(output, &report, || report.table())
        }
        Command::Register {
            config,
            moniker,
            stake,
        } => {
            let config = DaemonConfig::load(&config)?;
            let key = config.key.signing_key()?;
            let executor = Executor::new(
                ogpu_provider::device(config.device)?,
                ExecutorConfig::default(),
            )?;
            let advertised = bench::advertised(&executor)?;
            eprintln!("{advertised}");
            let moniker = moniker
                .or_else(|| config.registration.moniker.clone())
                .unwrap_or_else(|| "ogpu-provider".into());
            let stake = stake.or(config.registration.stake);
            runtime()?.block_on(async {
                let (_, _, staking) = register::staking_config(&config).await?;
                let mut metadata = register::metadata(
                    &moniker,
                    executor.device(),
                    advertised.gflops(),
                    &config.strategy.task_kinds,
                    &staking,
                );
                if let Some(blobs) = &config.blobs {
                    retention::declare(&mut metadata, blobs.retention_secs);
                }
                let done = register::register(&config, key, metadata, stake).await?;
                let what = if done.new { "registered" } else { "updated" };
                println!(
                    "{what} provider {} ({} GFLOP/s advertised), staked {}{} more, tx {}",
                    done.address,
                    advertised.gflops(),
                    done.staked,
                    done.bond_denom,
                    done.tx_hash
                );
                Ok(())
            })
        }
        Command::Status { config, output } => {
            let config = DaemonConfig::load(&config)?;
            let address = config.key.address(&config.chain.prefix)?;
            let status = runtime()?.block_on(status::read(&config, &address))?;
            print(output, &status, || status.text())
        }
        Command::Run { config } => {
            let config = DaemonConfig::load(&config)?;
            let key = config.key.signing_key()?;
            runtime()?.block_on(async {
                let stop = stop_signals()?;
                let daemon = Daemon::start(config, key).await?;
                tracing::info!("running; stop with ctrl-c or SIGTERM (tasks in flight are parked and resumed at the next start)");
                stop.await;
                tracing::info!("stopping: parking in-flight tasks");
                daemon.shutdown().await;
                Ok(())
            })
        }
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

/// Resolves on the first SIGINT (ctrl-c) or SIGTERM after this call. Called before the
/// OpenCL platform is first used: PoCL's LLVM installs its own handlers for both, which end
/// the process, and only handlers installed before them are still called.
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// `value` as JSON, or the text `table` makes. A reader that stops early (`| head`) is
/// not an error.
fn print<T: Serialize>(
    output: Output,
    value: &T,
    table: impl FnOnce() -> String,
) -> Result<(), Box<dyn std::error::Error>> {
    let text = match output {
        Output::Json => serde_json::to_string_pretty(value)? + "\n",
        Output::Text => table(),
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(err) if err.kind() == ErrorKind::BrokenPipe => Ok(()),
        result => Ok(result?),
    }
}

fn devices_table(list: &[DeviceInfo]) -> String {
    const MIB: u64 = 1 << 20;
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|d| {
            vec![
                d.index.to_string(),
                d.platform.clone(),
                d.name.clone(),
                d.vendor.clone(),
                format!("{:?}", d.device_type).to_lowercase(),
                d.compute_units.to_string(),
                format!("{} MiB", d.global_memory_bytes / MIB),
                format!("{} MiB", d.max_alloc_bytes / MIB),
                d.max_work_group_size.to_string(),
                d.short_version(),
            ]
        })
        .collect();
    table::render(
        &[
            "#",
            "platform",
            "device",
            "vendor",
            "type",
            "units",
            "memory",
            "max buffer",
            "max group",
            "version",
        ],
        &rows,
    )
}
