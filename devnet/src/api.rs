//! The Cosmos SDK's API servers beside the CometBFT RPC: gRPC (`:9090` on a chain) and REST
//! (the API server, `:1317`), which cosmpy, Keplr, explorers and cw-orch use.
//!
//! gRPC serves the services cosmos-sdk-proto generates (auth, bank, tx, tendermint) and,
//! hand-written, the two it has no server for (`cosmwasm.wasm.v1.Query`,
//! `cosmos.consensus.v1.Query`).
//! REST is grpc-gateway's transcoding: each route builds the gRPC request from the path and
//! query string, calls the same gRPC method, and writes its answer as the SDK's JSON.
//! Queries reach the chain through `abci_query`, the router the RPC serves, so every rule
//! lives once; the node-level methods (broadcast, tx lookup and search, blocks) use the
//! RPC's own functions.

// tonic's handlers return `Result<_, tonic::Status>` (176 bytes): the functions that feed
// them speak the same type rather than box it and unbox it again.
#![allow(clippy::result_large_err)]

mod auth;
mod bank;
mod consensus;
mod grpc;
mod handwritten;
pub mod json;
mod node;
mod rest;
mod service;
mod status;
mod tx;
mod tx_json;
mod wasm;

use std::sync::Arc;

use prost::Message;
use tonic::Status;

use crate::address::Bech32;
use crate::rpc::backend::RpcBackend;

pub use grpc::serve as serve_grpc;
pub use rest::serve as serve_rest;

/// What both servers answer from: the chain, as the RPC server sees it.
#[derive(Clone)]
pub struct Api {
    backend: Arc<dyn RpcBackend>,
    /// Validator consensus addresses (`wasmvalcons1…`), as the `sdk_block` writes them.
    valcons: Bech32,
}

impl Api {
    pub fn new(backend: Arc<dyn RpcBackend>, prefix: &str) -> Self {
        Self {
            backend,
            valcons: Bech32::new(format!("{prefix}valcons")),
        }
    }

    /// A query through the ABCI router (`abci_query` with the method's full name), as the
    /// SDK's gRPC server and its ABCI queries share one router.
    fn abci<Req: Message, Resp: Message + Default>(
        &self,
        path: &str,
        request: Req,
    ) -> Result<Resp, Status> {
        let outcome = self
            .backend
            .abci_query(path, &request.encode_to_vec(), None);
        if outcome.code != 0 {
            return Err(status::from_chain(
                &outcome.codespace,
                outcome.code,
                &outcome.log,
            ));
        }
        Resp::decode(outcome.value.as_slice())
            .map_err(|e| Status::internal(format!("{path}: undecodable answer: {e}")))
    }
}
