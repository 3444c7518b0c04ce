//! `ogpu-devnet`: a single-node CosmWasm dev chain — the CosmWasm equivalent of Ethereum's
//! anvil. It runs real contract wasm in `cosmwasm-vm`, verifies and charges transactions as
//! the Cosmos SDK and wasmd do, and serves the CometBFT 0.38 RPC that `cosmrs` and CosmJS
//! clients speak.

pub mod address;
pub mod api;
pub mod app;
pub mod auth;
pub mod bank;
pub mod chain;
pub mod client;
pub mod config;
pub mod db;
pub mod devnet;
pub mod error;
pub mod events;
pub mod gas;
pub mod keys;
pub mod kv;
pub mod node;
pub mod query;
pub mod rpc;
pub mod store;
pub mod tx;
pub mod wasm;

/// The CometBFT version the RPC imitates (reported by `status` and `GetNodeInfo`).
pub const COMETBFT_VERSION: &str = "0.38.17";
/// The Cosmos SDK line whose behaviour the devnet follows (events with `msg_index`, the
/// API's paths), reported by `GetNodeInfo` (cosmpy reads it).
pub const COSMOS_SDK_VERSION: &str = "v0.50.13";

pub use config::DevnetConfig;
pub use devnet::Devnet;
pub use keys::DevAccount;
pub use node::StartError;
