//! The OpenGPU provider's compute engine: OpenCL device discovery ([`devices`]), the job
//! executor ([`Executor`]: prepare, build with a program cache, run with a time limit,
//! digest), the hash-search kernel ([`Executor::hash_search`]) and the benchmark
//! ([`mod@bench`]) whose report feeds the provider's on-chain metadata, and the kernel
//! worker process jobs run in ([`worker`]).
//!
//! Everything is synchronous: OpenCL calls block. An async daemon runs them on blocking
//! threads; an [`Executor`] can be shared between them.
#![deny(unsafe_code)]

pub mod bench;
pub mod daemon;
pub mod device;
mod error;
mod executor;
mod hash_search;
pub mod input;
mod job;
pub mod logging;
mod lru;
pub mod table;
pub mod worker;

pub use bench::{BenchConfig, BenchReport, BenchResult};
pub use device::{device, devices, DeviceError, DeviceInfo};
pub use error::ExecError;
pub use executor::{ExecutionResult, Executor, ExecutorConfig};
pub use input::{InlineOnly, InputSource};
pub use job::{Limits, PreparedJob, MAX_ARGS};
