//! OpenGPU settlement: per-task escrow of native coins or cw20 tokens, released to
//! providers with a protocol fee (rounded up, to the treasury) or refunded to the payer.
//! Only the task registry may move funds. Every transfer is a submessage that, if it
//! fails, credits the recipient instead, so one failing recipient never blocks the others.
#![forbid(unsafe_code)]

pub mod contract;
mod error;
mod execute;
mod query;
pub mod state;

pub use error::ContractError;
