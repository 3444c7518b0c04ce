//! wasmd's `query wasm` and `tx wasm` commands, with its argument order and flag names.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum WasmQueryCmd {
    /// A contract's state: `smart ADDR JSON` or `raw ADDR KEY`
    #[command(subcommand)]
    ContractState(ContractStateCmd),
}

#[derive(Debug, Subcommand)]
pub enum ContractStateCmd {
    /// Ask the contract a query message (JSON); prints `{"data": <answer>}`
    Smart {
        contract: String,
        query: String,
        #[command(flatten)]
        encoding: Encoding,
    },
    /// Read one key of the contract's storage (hex by default); prints `{"data": <base64>}`
    Raw {
        contract: String,
        key: String,
        #[command(flatten)]
        encoding: Encoding,
    },
}

/// How an argument is written (wasmd's decoder flags): smart queries default to ascii,
/// raw keys to hex.
#[derive(Debug, Clone, Copy, Args)]
#[group(multiple = false)]
pub struct Encoding {
    /// The argument is plain text
    #[arg(long)]
    pub ascii: bool,
    /// The argument is hex
    #[arg(long)]
    pub hex: bool,
    /// The argument is base64
    #[arg(long)]
    pub b64: bool,
}

#[derive(Debug, Subcommand)]
pub enum TxCmd {
    /// The wasm module's messages, as `wasmd tx wasm`
    #[command(subcommand)]
    Wasm(WasmTxCmd),
}

#[derive(Debug, Subcommand)]
pub enum WasmTxCmd {
    /// Upload a contract's code (gzipped here when it is not already); prints its code id
    Store { file: PathBuf },
    /// Create a contract from a stored code
    Instantiate {
        /// The stored code (`tx wasm store` prints its id)
        code_id: u64,
        /// The InstantiateMsg, JSON
        msg: String,
        /// A human-readable name of the contract
        #[arg(long)]
        label: String,
        /// Address (or key name) that may migrate the contract
        #[arg(long, value_name = "ADDR", conflicts_with = "no_admin")]
        admin: Option<String>,
        /// Make the contract immutable: nobody may migrate it
        #[arg(long)]
        no_admin: bool,
        #[command(flatten)]
        amount: AmountArg,
    },
    /// Execute a contract message
    Execute {
        contract: String,
        /// The ExecuteMsg, JSON
        msg: String,
        #[command(flatten)]
        amount: AmountArg,
    },
    /// Move a contract to another code (the sender must be its admin)
    Migrate {
        contract: String,
        /// The code to move to
        code_id: u64,
        /// The MigrateMsg, JSON
        msg: String,
    },
}

#[derive(Debug, Clone, Args)]
pub struct AmountArg {
    /// Coins sent along, e.g. 100ustake or 100ustake,5uatom
    #[arg(long, value_name = "COINS")]
    pub amount: Option<String>,
}
