//! `ogpu`: the OpenGPU command line. Parses the command, runs it on a tokio runtime, and
//! turns any failure into one line on stderr — `error: <what>: <how to fix>` — with exit
//! code 2 for usage and input errors and 1 for chain and network errors.
#![forbid(unsafe_code)]

mod args;
mod coin;
mod commands;
mod context;
mod error;
mod fetch;
mod follow;
mod output;
mod prompt;
mod results;
mod task_spec;
mod tx;

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
    fail(&CliError::usage(
        message,
        "see `ogpu --help` or docs/cli.md",
    ))
}

fn fail(err: &CliError) -> ExitCode {
    eprintln!("error: {}", err.line());
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
    }
}
