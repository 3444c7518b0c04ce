//! Client errors: each carries its context (which tx, which message, the chain's log) and
//! says what to do about it.

use crate::keys::KeyError;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("cannot reach the node at {node}: {} (is it running? check --node)", .source.detail())]
    Unreachable {
        node: String,
        #[source]
        source: Box<tendermint_rpc::Error>,
    },
    #[error(
        "the node at {node} runs chain {actual:?}, not {expected:?}: check --chain-id and --node"
    )]
    WrongChain {
        node: String,
        expected: String,
        actual: String,
    },
    #[error("query {path} failed (code {code}{codespace}): {log}")]
    Query {
        path: String,
        code: u32,
        codespace: String,
        log: String,
    },
    #[error("{stage} rejected tx {hash} (code {code}, codespace {codespace}): {log}{hint}")]
    Rejected {
        stage: &'static str,
        hash: String,
        code: u32,
        codespace: String,
        log: String,
        /// What to do about it, when the code says (`""` otherwise).
        hint: String,
    },
    #[error(
        "the transaction needs {gas} gas, above the configured max_gas of {max_gas}: nothing was \
         sent; raise `max_gas` in the chain config (ogpu's config.toml or --config file, the \
         provider's [chain] table) if the chain's block gas limit allows, or send fewer \
         messages in one transaction"
    )]
    GasAboveMax { gas: u64, max_gas: u64 },
    #[error("tx {hash} was not included within {secs} s: it may still land; look it up with `ogpu query tx {hash}`")]
    Timeout { hash: String, secs: u64 },
    #[error("{what}: {detail}")]
    Invalid { what: String, detail: String },
}

impl ClientError {
    /// A CheckTx or DeliverTx failure with the advice its code calls for.
    pub fn rejected(
        stage: &'static str,
        hash: String,
        code: u32,
        codespace: &str,
        log: String,
    ) -> Self {
        let hint = match (codespace, code) {
            ("sdk", 5) => " — fund the account (ogpu query balance) or lower the amount",
            ("sdk", 11) => " — raise --gas or use --gas auto",
            ("sdk", 13) => " — raise --fees or --gas-prices to the node's minimum",
            ("sdk", 32) => " — another tx from this key was sent meanwhile; retry",
            ("sdk", 4) => " — check --chain-id and that --from is the right key",
            _ => "",
        };
        Self::Rejected {
            stage,
            hash,
            code,
            codespace: codespace.to_string(),
            log,
            hint: hint.to_string(),
        }
    }

    pub fn invalid(what: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        Self::Invalid {
            what: what.into(),
            detail: detail.to_string(),
        }
    }

    /// An SDK sequence mismatch (code 32) at CheckTx, or in a simulation's log: worth
    /// refreshing the account and retrying.
    pub fn is_sequence_mismatch(&self) -> bool {
        match self {
            Self::Rejected {
                code: 32,
                codespace,
                ..
            } => codespace == "sdk",
            Self::Query { path, log, .. } => {
                path.ends_with("/Simulate") && log.contains("account sequence mismatch")
            }
            _ => false,
        }
    }
}

pub type ClientResult<T> = Result<T, ClientError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sequence_mismatch_is_recognized_at_check_tx_and_in_simulation() {
        let check_tx = ClientError::rejected("CheckTx", "AB".into(), 32, "sdk", "x".into());
        assert!(check_tx.is_sequence_mismatch());
        let simulation = ClientError::Query {
            path: "/cosmos.tx.v1beta1.Service/Simulate".into(),
            code: 32,
            codespace: ", sdk".into(),
            log: "account sequence mismatch, expected 3, got 2: incorrect account sequence".into(),
        };
        assert!(simulation.is_sequence_mismatch());
        let other = ClientError::rejected("CheckTx", "AB".into(), 5, "sdk", "x".into());
        assert!(!other.is_sequence_mismatch());
    }
}
