//! `ogpu`: the OpenGPU command line. Parses the command, runs it on a tokio runtime, and
//! turns any failure into one line on stderr — `error: <what>: <how to fix>` — with exit
//! code 2 for usage and input errors and 1 for chain and network errors.
#![forbid(unsafe_code)]

#[macro_use]
mod output;

mod args;
mod armor;
mod coin;
mod commands;
mod context;
mod error;
mod fetch;
mod follow;
mod node;
mod prompt;
mod results;
mod settings;
mod task_spec;
mod tx;
mod tx_response;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::context::Ctx;
use crate::error::{CliError, CliResult};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage(err),
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OGPU_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .without_time()
        .with_target(false)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return fail(&CliError::chain(format!(
                "cannot start the async runtime: {e}"
            )))
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err),
    }
}

/// Help and version as clap prints them; a usage error on one line, exit code 2.
fn usage(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        err.exit();
    }
    let text = err.render().to_string();
    let message = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    let message = match parse_failure(&err) {
        Some((library, plain)) => message.replace(&library, plain),
        None => message.to_string(),
    };
    fail(&CliError::usage(
        message,
        "see `ogpu --help` or docs/cli.md",
    ))
}

/// clap quotes a number parser's own words ("invalid digit found in string"); these are
/// the words to replace and what to say instead.
fn parse_failure(err: &clap::Error) -> Option<(String, &'static str)> {
    use std::error::Error as _;
    use std::num::IntErrorKind;
    let source = err.source()?;
    if let Some(int) = source.downcast_ref::<std::num::ParseIntError>() {
        let plain = match int.kind() {
            IntErrorKind::Empty => "it is empty; give a whole number",
            IntErrorKind::PosOverflow => "the number is too large",
            IntErrorKind::NegOverflow => "the number is too small",
            IntErrorKind::Zero => "it must not be zero",
            _ => "it is not a whole number (digits only)",
        };
        return Some((int.to_string(), plain));
    }
    source
        .downcast_ref::<std::num::ParseFloatError>()
        .map(|float| (float.to_string(), "it is not a number (e.g. 1.4)"))
}

fn fail(err: &CliError) -> ExitCode {
    errln!("error: {}", err.line());
    ExitCode::from(err.code)
}

async fn run(cli: Cli) -> CliResult<()> {
    let ctx = Ctx::new(cli.global)?;
    match cli.command {
        Command::Keys(cmd) => commands::keys::run(&ctx, cmd),
        Command::Deploy(args) => commands::deploy::deploy(&ctx, args).await,
        Command::Migrate(args) => commands::deploy::migrate(&ctx, args).await,
        Command::Task(cmd) => commands::task::run(&ctx, cmd).await,
        Command::Provider(cmd) => commands::provider::run(&ctx, cmd).await,
        Command::Query(cmd) => commands::query::run(&ctx, cmd).await,
        Command::Tx(cmd) => commands::wasm::tx(&ctx, cmd).await,
        Command::Config { key, value } => commands::config::run(&ctx, key, value),
    }
}
