//! `ogpu-client`: what the `ogpu` CLI and the provider daemon use to talk to a chain running
//! the OpenGPU contracts — chain configuration, an encrypted keyring, signed transactions
//! over CometBFT RPC through one send pipeline (estimate, sign, broadcast, sequence retry,
//! wait: [`Client::send`]), typed handles of the three contracts whose methods take only
//! that contract's messages ([`Deployment::registry`], [`contract`]) and the events the
//! contracts emit.

pub mod client;
pub mod config;
pub mod contract;
pub mod deploy;
pub mod deployment;
pub mod error;
pub mod events;
pub mod gas;
pub mod keys;
pub mod outcome;
pub mod retention;
pub mod sealing;
pub mod send;
pub mod sign;
pub mod signer;
pub mod stream;
pub mod upgrade;

pub use client::Client;
pub use config::{ChainConfig, GasPrice};
pub use contract::{Contract, Cw20, Registry, Settlement, Staking};
pub use deployment::Deployment;
pub use error::{ClientError, ClientResult};
pub use events::{dispute_round, ogpu_events, OgpuEvent};
pub use gas::Gas;
pub use outcome::{ChainEvent, TxOutcome};
pub use sealing::{ResultKey, SealContext, SealError, SEALED_OVERHEAD};
pub use send::Resequence;
pub use sign::SignedTx;
pub use signer::Signer;
