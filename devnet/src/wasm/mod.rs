//! The wasm module: CosmWasm contracts on `cosmwasm-vm`, with wasmd's semantics.

pub mod address;
pub mod backend;
pub mod dispatch;
pub mod keeper;
pub mod querier;
pub mod response;
pub mod state;
pub mod vm;

pub use keeper::Instantiation;
pub use response::Outcome;
pub use vm::{BlockEnv, CallCtx, Vm};
