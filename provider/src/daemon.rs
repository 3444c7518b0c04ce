//! The provider daemon, as a library: [`Daemon::start`] runs one provider — it follows the
//! chain for tasks, takes those its strategy and registration allow, executes them on its
//! OpenCL device, seals each result to its client, commits, reveals and delivers through
//! one signer task, records every step durably and follows each task until it is paid,
//! lost or slashed. A process may run several
//! (each with its own key and `state_dir`). `ogpu-provider run` is a thin wrapper.
//!
//! Files: [`config`] (the TOML file), [`key`], [`state`] (redb), [`signer`] (the one
//! task that signs), [`chain`] (reads), [`strategy`] (which tasks, what price),
//! [`models`] (what differs per competition model), `discovery` (finding tasks), `participate` (a task's life),
//! `auction` (a sealed bid), `award` (waiting to be chosen, delivering), `work` (execution), [`blobs`] (large results), [`metrics`], `run` (start/stop).

mod auction;
mod award;
pub mod blobs;
mod budget;
pub mod chain;
pub mod config;
mod discovery;
mod error;
mod fetch;
mod http;
pub mod key;
pub mod metrics;
pub mod models;
mod participate;
pub mod register;
mod run;
pub mod signer;
pub mod state;
pub mod strategy;
mod work;

pub use config::{BlobConfig, DaemonConfig, MetricsConfig, RegistrationConfig, StrategyConfig};
pub use error::{DaemonError, DaemonResult};
pub use fetch::HttpSource;
pub use key::KeyConfig;
pub use metrics::{Stats, StatsSnapshot};
pub use participate::Faults;
pub use run::{Daemon, DaemonHandle};
pub use state::{Phase, Store, TaskRecord};
pub use work::{run as run_job, Work};
