//! The code a v1 OpenGPU deployment (contracts 0.1.x) passes through on its way to v2.
//!
//! v2 stores records in postcard instead of JSON, keeps the collateral ledger in the
//! registry instead of staking, and has settlement record an escrow only when its task
//! ends. Rewriting a live deployment's records may take more gas than one block allows,
//! so each contract is migrated to this code first, which converts its storage in steps of
//! bounded size (`Step`, callable by anyone), and then to v2, whose `migrate` accepts the
//! state only once every step is done. While a contract runs this code it answers nothing
//! else: no task, stake or escrow can change half-converted.
//!
//! The order (docs/upgrade.md): the registry first (its operator, the wasm admin), then
//! its children through the registry's `MigrateChild` (the registry is their admin);
//! `Step` on each until `Progress` says done (the registry is done last: it waits for
//! staking to hand over the providers' collateral books); the registry to v2; the children
//! to v2 through it.

#![forbid(unsafe_code)]

pub mod contract;
mod error;
pub mod msg;
mod progress;
mod registry;
mod settlement;
mod staking;
mod sweep;
mod v1;

pub use error::ContractError;

#[cfg(test)]
mod tests;
