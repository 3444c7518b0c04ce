//! The CLI's one error type: a single line saying what went wrong and how to fix it, and
//! the exit code — 2 for usage and input errors (as clap's own), 1 for chain and network
//! errors.

use ogpu_client::keys::KeyError;
use ogpu_client::ClientError;

/// Exit code of a usage or input error (a bad flag, a missing file, an unknown task).
pub const EXIT_USAGE: u8 = 2;
/// Exit code of a chain or network error (unreachable node, rejected transaction).
pub const EXIT_CHAIN: u8 = 1;

#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

pub type CliResult<T> = Result<T, CliError>;

impl CliError {
    /// A usage or input error: `what` went wrong, `fix` says what to do.
    pub fn usage(what: impl std::fmt::Display, fix: impl std::fmt::Display) -> Self {
        Self {
            code: EXIT_USAGE,
            message: format!("{what}: {fix}"),
        }
    }

    /// A chain or network error.
    pub fn chain(message: impl std::fmt::Display) -> Self {
        Self {
            code: EXIT_CHAIN,
            message: message.to_string(),
        }
    }

    /// The message on one line (errors of the RPC stack may span several).
    pub fn line(&self) -> String {
        self.message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line())
    }
}

impl From<KeyError> for CliError {
    fn from(err: KeyError) -> Self {
        let code = match err {
            KeyError::Random { .. } => EXIT_CHAIN,
            _ => EXIT_USAGE,
        };
        Self {
            code,
            message: err.to_string(),
        }
    }
}

impl From<ClientError> for CliError {
    fn from(err: ClientError) -> Self {
        match err {
            ClientError::Config(message) => Self {
                code: EXIT_USAGE,
                message,
            },
            ClientError::Key(key) => key.into(),
            // Fixed by the user's settings (--gas, max_gas), not by the chain.
            err @ ClientError::GasAboveMax { .. } => Self {
                code: EXIT_USAGE,
                message: err.to_string(),
            },
            ClientError::Unreachable { node, source } => unreachable(&node, &source),
            other => Self::chain(other),
        }
    }
}

/// The node at `node` did not answer.
pub fn unreachable(node: &str, err: &impl std::fmt::Display) -> CliError {
    CliError::chain(format!(
        "cannot reach the node at {node}: {}: check that it is running and that --node is right",
        rpc_reason(&err.to_string())
    ))
}

/// The useful part of a tendermint-rpc error: its cause, without the trace and backtrace
/// its error tracer appends (`… Caused by: <cause> Location: … Stack backtrace: …`).
fn rpc_reason(text: &str) -> String {
    let text = text.split("Location:").next().unwrap_or(text);
    let text = text
        .split_once("Caused by:")
        .map_or(text, |(_, cause)| cause);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A file's parse error in the user's terms. cosmwasm's number types word a bad value as
/// `invalid Uint128 'x' - Generic error: Parsing u128: invalid digit found in string`;
/// this says `"x" is not a whole number` instead, keeping serde's position.
pub fn plain_parse_error(text: &str) -> String {
    const GENERIC: &str = " - Generic error: ";
    let Some(at) = text.find(GENERIC) else {
        return text.to_string();
    };
    let head = &text[..at];
    let Some(start) = head.rfind("invalid ") else {
        return text.to_string();
    };
    let value = head[start..].split('\'').nth(1).unwrap_or_default();
    let what = if head[start..].contains("Decimal") {
        "a decimal number (e.g. \"0.5\")"
    } else {
        "a whole number (digits only, e.g. \"1000\")"
    };
    let rest = &text[at + GENERIC.len()..];
    let position = rest.find(" at line ").map_or("", |i| &rest[i..]);
    format!("{}{value:?} is not {what}{position}", &head[..start])
}

/// The error a contract query or execution reported, if `err` is one: its log.
pub fn contract_log(err: &ClientError) -> Option<&str> {
    match err {
        ClientError::Query { log, .. } | ClientError::Rejected { log, .. } => Some(log),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line() {
        let err = CliError::chain("a\n  b\tc");
        assert_eq!(err.line(), "a b c");
        let err = CliError::usage("file x.cl", "check the path");
        assert_eq!(err.to_string(), "file x.cl: check the path");
        assert_eq!(err.code, EXIT_USAGE);
    }

    #[test]
    fn rpc_errors_keep_their_cause_only() {
        let text = "HTTP error\n\nCaused by:\n    error trying to connect: Connection refused (os error 111)\n\n\
                    Location:\n    /src/eyre.rs:10:9\n\nStack backtrace:\n 0: eyre::x";
        assert_eq!(
            rpc_reason(text),
            "error trying to connect: Connection refused (os error 111)"
        );
        assert_eq!(rpc_reason("timed out"), "timed out");
    }

    #[test]
    fn cosmwasm_number_errors_are_reworded() {
        let serde = "invalid $t 'abc' - Generic error: Parsing u128: invalid digit found in \
                     string at line 1 column 33";
        assert_eq!(
            plain_parse_error(serde),
            "\"abc\" is not a whole number (digits only, e.g. \"1000\") at line 1 column 33"
        );
        let decimal = "limits: invalid Decimal '1,5' - Generic error: Error parsing whole";
        assert_eq!(
            plain_parse_error(decimal),
            "limits: \"1,5\" is not a decimal number (e.g. \"0.5\")"
        );
        assert_eq!(plain_parse_error("missing field `x`"), "missing field `x`");
    }

    #[test]
    fn config_errors_are_usage_errors() {
        let err: CliError = ClientError::Config("bad".into()).into();
        assert_eq!(err.code, EXIT_USAGE);
        let err: CliError = ClientError::WrongChain {
            node: "n".into(),
            expected: "a".into(),
            actual: "b".into(),
        }
        .into();
        assert_eq!(err.code, EXIT_CHAIN);
    }
}
