//! One module per command group; each turns its arguments into queries and transactions.

pub mod config;
pub mod deploy;
pub mod keys;
pub mod provider;
pub mod query;
pub mod task;
pub mod wasm;
