//! Errors the chain reports to clients, with the codespace and code the Cosmos SDK and wasmd
//! use for them (`types/errors/errors.go`, `x/wasm/types/errors.go`), so clients that branch
//! on codes (sequence mismatch → refresh and retry) work unchanged.

use crate::gas::OutOfGas;

/// A failed check or message: what ABCI reports as `codespace`/`code`/`log`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{log}")]
pub struct ChainError {
    pub codespace: &'static str,
    pub code: u32,
    pub log: String,
}

const SDK: &str = "sdk";
const WASM: &str = "wasm";

macro_rules! codes {
    ($($name:ident => $space:ident $code:literal $suffix:literal;)*) => {
        impl ChainError {
            $(
                #[doc = concat!("`", $suffix, "` (", stringify!($space), " ", $code, ")")]
                pub fn $name(detail: impl std::fmt::Display) -> Self {
                    Self { codespace: $space, code: $code, log: format!("{detail}: {}", $suffix) }
                }
            )*
        }
    };
}

codes! {
    tx_decode => SDK 2 "tx parse error";
    unauthorized => SDK 4 "unauthorized";
    insufficient_funds => SDK 5 "insufficient funds";
    unknown_request => SDK 6 "unknown request";
    invalid_address => SDK 7 "invalid address";
    invalid_pubkey => SDK 8 "invalid pubkey";
    unknown_address => SDK 9 "unknown address";
    invalid_coins => SDK 10 "invalid coins";
    memo_too_large => SDK 12 "memo too large";
    insufficient_fee => SDK 13 "insufficient fee";
    too_many_signatures => SDK 14 "maximum number of signatures exceeded";
    no_signatures => SDK 15 "no signatures supplied";
    invalid_request => SDK 18 "invalid request";
    tx_in_mempool => SDK 19 "tx already in mempool";
    tx_too_large => SDK 21 "tx too large";
    invalid_chain_id => SDK 28 "invalid chain-id";
    wrong_sequence => SDK 32 "incorrect account sequence";
    not_supported => SDK 37 "feature not supported";
    not_found => SDK 38 "not found";
    invalid_gas_limit => SDK 41 "invalid gas limit";
    wasm_create => WASM 2 "create wasm contract failed";
    wasm_account_exists => WASM 3 "contract account already exists";
    wasm_instantiate => WASM 4 "instantiate wasm contract failed";
    wasm_execute => WASM 5 "execute wasm contract failed";
    wasm_not_found => WASM 8 "not found";
    wasm_query => WASM 9 "query wasm contract failed";
    wasm_invalid_msg => WASM 10 "invalid CosmosMsg from the contract";
    wasm_migrate => WASM 11 "migrate wasm contract failed";
    wasm_empty => WASM 12 "empty";
    wasm_limit => WASM 13 "exceeds limit";
    wasm_invalid => WASM 14 "invalid";
    wasm_duplicate => WASM 15 "duplicate";
    wasm_unknown_msg => WASM 20 "unknown message from the contract";
    wasm_invalid_event => WASM 21 "invalid event";
    wasm_no_such_contract => WASM 22 "no such contract";
    wasm_no_such_code => WASM 28 "no such code";
}

impl ChainError {
    /// Out of gas: SDK code 11.
    pub fn is_out_of_gas(&self) -> bool {
        self.codespace == SDK && self.code == 11
    }

    /// Rebuilds an error from a result's parts (codespaces are the SDK's or wasmd's).
    pub fn from_parts(codespace: &str, code: u32, log: String) -> Self {
        let codespace = if codespace == WASM { WASM } else { SDK };
        Self {
            codespace,
            code,
            log,
        }
    }

    /// Prefixes the log with where the error happened, keeping code and codespace.
    pub fn context(mut self, context: impl std::fmt::Display) -> Self {
        self.log = format!("{context}: {}", self.log);
        self
    }
}

impl From<OutOfGas> for ChainError {
    fn from(err: OutOfGas) -> Self {
        Self {
            codespace: SDK,
            code: 11,
            log: format!("{err}: out of gas"),
        }
    }
}

pub type ChainResult<T> = Result<T, ChainError>;
