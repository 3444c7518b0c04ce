//! The node's CometBFT 0.38 RPC: JSON-RPC over HTTP (`POST /`, batches included), CometBFT's
//! URI form (`GET /<method>?param=...`) and `/websocket` with event subscriptions, so that
//! `tendermint-rpc`/`cosmrs` and CosmJS clients work against the devnet unchanged.
//!
//! Every answer is built from `tendermint-rpc`'s own response types and serialized with their
//! serde impls: the JSON is what those clients parse, not a hand-written look-alike.

pub mod backend;
pub(crate) mod blocks;
mod broadcast;
mod compat;
mod dispatch;
mod events;
mod http;
mod info;
mod jsonrpc;
mod params;
pub(crate) mod query;
pub(crate) mod server;
pub(crate) mod txs;
mod websocket;

#[cfg(test)]
mod tests;

pub use server::serve;
