//! `ogpu-provider`: the OpenGPU provider's command line. The work is in the library; this
//! parses arguments, prints reports and turns errors into one line and exit code 1.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ogpu_provider::{bench, devices, table, BenchConfig, DeviceInfo, Executor, ExecutorConfig};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "ogpu-provider",
    version,
    about = "The OpenGPU provider: OpenCL devices and their benchmark"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Text,
    Json,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
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
    }
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
