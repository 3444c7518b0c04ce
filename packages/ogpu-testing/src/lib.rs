//! A cw-multi-test harness for the OpenGPU contract suite, in the spirit of DAO DAO's
//! `dao-testing`: [`SuiteBuilder`] instantiates the registry (which instantiates staking
//! and settlement), a cw20 token and funded accounts; [`Suite`] drives every message,
//! moves time, reads balances, checks conservation of funds and counts the storage entries
//! each operation touches.

mod actions;
mod bank;
mod conservation;
pub mod harness;
pub mod inspect;
mod metered;
mod snapshot;
mod suite;

pub use actions::{assert_error, find_error};
pub use bank::RefusingBank;
pub use inspect::emitted;
pub use metered::{MeteredStorage, StorageOps};
pub use ogpu_fixtures as fixtures;
pub use ogpu_fixtures::{Sealed, SealedBid};
pub use snapshot::{Balances, Snapshot, TaskState};
pub use suite::{
    Suite, SuiteApp, SuiteBuilder, BLOCK_SECONDS, BOND_DENOM, MIN_REWARD, REWARD_DENOM,
};
