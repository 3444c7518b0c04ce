//! OpenGPU task registry: the orchestrator of the suite.
//!
//! Clients publish OpenCL tasks here (the reward is escrowed in `settlement`); providers
//! commit to results and reveal them in a later block (collateral locked in
//! `provider-staking`); the registry runs the competition model, and the transaction that
//! accepts a result also pays it. Every task reaches a terminal state through
//! permissionless calls once its deadlines pass.
#![forbid(unsafe_code)]

pub mod contract;
mod error;
mod execute;
mod query;
mod reply;
pub mod state;
mod validate;

pub use error::ContractError;
pub use validate::{HARD_MAX_ALLOWED_PROVIDERS, HARD_MAX_ARGS, HARD_MAX_COMMITMENTS};
