//! OpenGPU provider staking: registration with device metadata, stake in the bond denom,
//! an unbonding queue, per-task collateral locks, slashing, jail and reputation.
//! Only the task registry may lock, settle (unlock/slash/record) and configure.
#![forbid(unsafe_code)]

pub mod contract;
mod error;
mod execute;
mod query;
pub mod state;

pub use error::ContractError;
