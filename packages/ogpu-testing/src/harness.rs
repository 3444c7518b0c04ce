//! An invariant harness for random sequences of every message (the proptest strategies
//! live in `tests/invariants.rs`):
//!
//! - [`Action`]: one step — a message from an honest, lazy or malicious actor, or time
//!   passing; indices wrap around what exists, so shrunk sequences stay meaningful;
//! - [`World`]: the executor — it runs an action, holds its outcome to the model's
//!   prediction, then checks every invariant; [`World::finish`] drives every task to its
//!   end (liveness);
//! - [`Model`]: what the harness knows beyond the chain (each provider's secrets, the
//!   reveals it saw accepted, what each account earned) and expects.
//!
//! A new competition model or dispute flow adds its messages to `Action`, their
//! predictions to `expect`, and whatever it must preserve to `invariants`; the existing
//! invariants (conservation, escrows, locks, frozen terminal tasks, payments only to
//! winners) apply to it unchanged.

mod action;
mod auction;
mod award;
mod compensation;
mod dispute;
mod due;
mod ending;
mod execute;
mod expect;
mod forge;
mod invariants;
mod model;
mod staking;
mod world;

pub use action::{
    Action, Actor, Answer, Competition, Forged, Intruder, RewardAsset, Tamper, TaskTemplate,
};
pub use model::{Model, Secret, TaskRecord};
pub use world::{
    Expect, World, INITIAL_BALANCE, MAX_COMMITMENTS, PAST_EVERY_WINDOW, UNBONDING_PERIOD,
};
