//! OpenGPU task registry: the orchestrator of the suite.
//!
//! Clients publish OpenCL tasks here (the reward is escrowed in `settlement`); providers
//! commit to results and reveal them in a later block (collateral locked in
//! `provider-staking`); the registry runs the competition model, and the transaction that
//! accepts a result also pays it. Every task reaches a terminal state through
//! permissionless calls once its deadlines pass.
//!
//! # Layers
//!
//! Each layer imports only the layers below it, never one above:
//!
//! 1. `contract`: the entry points; `execute` is one flat `match`, one handler per message.
//!    `query` and `reply` are its other two dispatchers; `reply` imports only `state`, so
//!    the instantiate handler shares its `ReplyId`.
//! 2. `handlers`: one file per execute message or tight family (publish, cancel, commit,
//!    reveal, reveal_bid, confirm, deliver, finalize, dispute, sync_provider, admin) and
//!    instantiation: each does its message's checks and calls down.
//! 3. `models`: what differs per competition model (`first_response`,
//!    `manual_confirmation`, `sealed_bid_auction`, `consensus`) and the award, delivery
//!    and promotion the awarded models share (`award`).
//! 4. `ledger`: the books: creating a task (`create`) and its escrow (`escrow`), collateral
//!    locks and verdicts (`collateral`), ending a task (`ending`, `settle`, `dispute`).
//!
//! `state`, `validate` and `error` are used by every layer and import none of them.
//! Within a layer, files import each other without cycles. To check:
//! `grep -rn "crate::\(handlers\|models\|contract\)" src/ledger` and
//! `grep -rn "crate::\(handlers\|contract\)" src/models` find nothing.
#![forbid(unsafe_code)]

pub mod contract;
mod error;
mod handlers;
mod ledger;
mod models;
mod query;
mod reply;
pub mod state;
mod validate;

pub use error::ContractError;
pub use validate::{HARD_MAX_ALLOWED_PROVIDERS, HARD_MAX_ARGS, HARD_MAX_COMMITMENTS};
