//! `ogpu-client`: what the `ogpu` CLI and the provider daemon use to talk to a chain running
//! the OpenGPU contracts — chain configuration, an encrypted keyring, signed transactions
//! over CometBFT RPC (simulate, broadcast, wait, retry), typed calls of every contract
//! message and the events the contracts emit.

pub mod client;
pub mod config;
pub mod deploy;
pub mod deployment;
pub mod error;
pub mod events;
pub mod keys;
pub mod outcome;
pub mod retention;
pub mod sealing;
pub mod signer;
pub mod stream;
pub mod upgrade;

pub use client::{Client, Gas, SignedTx};
pub use config::{ChainConfig, GasPrice};
pub use deployment::Deployment;
pub use error::{ClientError, ClientResult};
pub use events::{dispute_round, ogpu_events, OgpuEvent};
pub use outcome::{ChainEvent, TxOutcome};
pub use sealing::{ResultKey, SealContext, SealError, SEALED_OVERHEAD};
pub use signer::Signer;
