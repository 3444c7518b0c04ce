//! The provider daemon, as a library: [`Daemon::start`] runs one provider — it follows the
//! chain for tasks, takes those its strategy and registration allow, executes them on its
//! OpenCL device, seals each result to its client, commits, reveals and delivers through
//! one signer task, records every step durably and follows each task until it is paid,
//! lost or slashed. A process may run several
//! (each with its own key and `state_dir`). `ogpu-provider run` is a thin wrapper.
//!
//! Files: [`config`] (the TOML file), [`key`], [`state`] (redb), [`signer`] (the one
//! task that signs), [`gas`] (measured gas per operation), [`chain`] (reads),
//! [`identity`] (which chain), [`strategy`] (which tasks, what price), `precheck` (what
//! must hold before anything runs or is sent), [`fees`] (is it worth its fees),
//! `decide` (the decision, logged), [`decline`] (why not), `tracker` (what was seen),
//! [`models`] (what differs per competition model), `discovery` (finding tasks),
//! `participate` (a task's life), `auction` (a sealed bid), `award` (waiting to be chosen,
//! delivering), `engine` and `work` (execution, in a kernel worker), [`blobs`] (large
//! results), [`metrics`], [`ledger`] (profit and loss), `health` (the node's),
//! [`status`] (what `ogpu-provider status` shows), `run` (start/stop, chain changes).

mod auction;
mod award;
pub mod blobs;
mod budget;
pub mod chain;
pub mod config;
mod decide;
pub mod decline;
mod discovery;
mod engine;
mod error;
pub mod fees;
mod fetch;
pub mod gas;
pub mod health;
mod http;
pub mod identity;
pub mod key;
pub mod ledger;
pub mod metrics;
pub mod models;
mod participate;
mod precheck;
pub mod register;
mod run;
pub mod signer;
pub mod state;
pub mod status;
pub mod strategy;
#[cfg(test)]
mod testing;
mod tracker;
pub(crate) mod work;

pub use config::{
    BlobConfig, DaemonConfig, GasConfig, KernelIsolation, MetricsConfig, RegistrationConfig,
    StrategyConfig,
};
pub use error::{DaemonError, DaemonResult};
pub use fetch::HttpSource;
pub use key::KeyConfig;
pub use metrics::{Stats, StatsSnapshot};
pub use participate::Faults;
pub use run::{Daemon, DaemonHandle};
pub use state::{Phase, Store, TaskRecord};
pub use work::{execute as run_job, Work};
