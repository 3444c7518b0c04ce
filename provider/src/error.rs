//! Why a job produced no result. Every failure is one of these: the executor never panics
//! on a job, whatever its author wrote, so the daemon can skip the task and go on.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Serializable: a kernel worker process sends it back to the daemon.
#[derive(Error, Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExecError {
    /// The kernel source did not compile; `log` is the compiler's build log.
    #[error("kernel build failed:\n{log}")]
    Build { log: String },
    /// The job cannot run on this device or breaks the executor's limits.
    #[error("invalid job: {0}")]
    InvalidJob(String),
    /// An input (or a referenced kernel source) could not be fetched or failed its check.
    #[error("input: {0}")]
    Input(String),
    /// The kernel did not finish within `limit`. It may still be running on the device:
    /// OpenCL cannot stop a launched kernel (see [`crate::Executor::stuck_kernels`]).
    #[error("kernel still running after {limit:?}; abandoned")]
    Timeout { limit: Duration },
    /// An OpenCL call failed while running the job.
    #[error("OpenCL runtime: {0}")]
    Runtime(String),
}

impl From<ocl::Error> for ExecError {
    fn from(err: ocl::Error) -> Self {
        ExecError::Runtime(err.to_string())
    }
}

impl From<ocl::OclCoreError> for ExecError {
    fn from(err: ocl::OclCoreError) -> Self {
        ExecError::Runtime(err.to_string())
    }
}
