//! Printing: `-o json` writes exactly one JSON document to stdout (shapes in docs/cli.md);
//! `-o text` writes lines for people. Progress and prompts go to stderr in both.
//!
//! Every line goes through [`outln!`] and [`errln!`] instead of `outln!`, which panics
//! when the reader has gone: `ogpu task list | head -1` must end quietly, not with a
//! backtrace.

use std::io::Write;

use cosmwasm_std::{Timestamp, Uint128};
use ogpu_types::{Asset, AssetInfo};
use serde::Serialize;

use crate::error::{CliError, CliResult};

/// `outln!` for stdout that ends the command quietly once stdout is closed.
macro_rules! outln {
    () => { $crate::output::stdout_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::output::stdout_line(format_args!($($arg)*)) };
}

/// `errln!` that never panics: progress lost to a closed stderr is not an error.
macro_rules! errln {
    () => { $crate::output::stderr_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::output::stderr_line(format_args!($($arg)*)) };
}

/// Writes one line to stdout. When the reader has closed the pipe there is nobody left to
/// tell anything, so the command ends there with exit code 0 (as `yes | head` does in
/// effect); any other write error ends it with the reason on stderr.
pub fn stdout_line(args: std::fmt::Arguments) {
    write_stdout(|out| writeln!(out, "{args}"));
}

/// Writes raw bytes to stdout, with [`stdout_line`]'s handling of a closed pipe.
pub fn stdout_bytes(bytes: &[u8]) {
    write_stdout(|out| out.write_all(bytes));
}

fn write_stdout(write: impl FnOnce(&mut std::io::StdoutLock) -> std::io::Result<()>) {
    let mut out = std::io::stdout().lock();
    if let Err(err) = write(&mut out).and_then(|()| out.flush()) {
        closed(&err);
    }
}

/// Ends the process after a failed write to stdout.
fn closed(err: &std::io::Error) -> ! {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    stderr_line(format_args!(
        "error: cannot write to stdout ({err}): check where the output goes, or pass --out FILE where the command has it"
    ));
    std::process::exit(i32::from(crate::error::EXIT_CHAIN));
}

/// Writes one line to stderr, ignoring a closed stderr.
pub fn stderr_line(args: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr().lock(), "{args}");
}

/// Prints `value` as pretty JSON on stdout.
pub fn json(value: &impl Serialize) -> CliResult<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::chain(format!("cannot encode the output as JSON: {e}")))?;
    outln!("{text}");
    Ok(())
}

/// A timestamp as RFC 3339 UTC to the second, e.g. `2026-05-01T12:00:00Z`.
pub fn time(ts: Timestamp) -> String {
    let secs = i64::try_from(ts.seconds()).unwrap_or(i64::MAX);
    cosmrs::tendermint::Time::from_unix_timestamp(secs, 0)
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|_| format!("{}s", ts.seconds()))
}

/// `1000ustake` or `1000 cw20:wasm1…`.
pub fn asset(asset: &Asset) -> String {
    amount(asset.amount, &asset.info)
}

pub fn amount(amount: Uint128, info: &AssetInfo) -> String {
    match info {
        AssetInfo::Native { denom } => format!("{amount}{denom}"),
        AssetInfo::Cw20 { contract_addr } => format!("{amount} cw20:{contract_addr}"),
    }
}

/// Prints rows as left-aligned columns under `header`.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        outln!("{}", out.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// A serde enum value as its JSON name (`"gpu"`, `"refunded"`), for text output.
pub fn name(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Work sizes as `64x64`.
pub fn dims(dims: &[cosmwasm_std::Uint64]) -> String {
    dims.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("x")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_amounts() {
        assert_eq!(time(Timestamp::from_seconds(0)), "1970-01-01T00:00:00Z");
        assert_eq!(
            amount(Uint128::new(5), &AssetInfo::native("ustake")),
            "5ustake"
        );
        assert_eq!(
            amount(Uint128::new(5), &AssetInfo::cw20("wasm1x")),
            "5 cw20:wasm1x"
        );
    }
}
