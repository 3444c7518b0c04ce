//! The provider's logs, as an operator reads them: `info` by default (`RUST_LOG`
//! overrides it), on stderr, in colour only on a terminal, as text or as one JSON object
//! a line (`--log-format json`) for a log collector.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// What is logged without `RUST_LOG`: the provider's own decisions, and only warnings of
/// the libraries under it (HTTP servers and clients, the RPC client).
pub const DEFAULT_FILTER: &str = "warn,ogpu_provider=info,ogpu_client=info";

/// Installs the subscriber; a second call (tests) changes nothing.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}
