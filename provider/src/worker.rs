//! Kernels in a worker process. OpenCL cannot stop a kernel once it runs, and on a CPU
//! device a kernel is native code inside the process that launched it: the only way to
//! stop a runaway kernel, or to survive one that crashes, is to run it in a process of its
//! own and end that process. So the daemon runs every job in a kernel worker — the
//! provider's own binary, re-executed with the hidden [`ARG`] subcommand — that speaks a
//! small protocol on its stdin and stdout ([`frame`]): the daemon sends a [`Request`],
//! the worker answers [`Reply::Running`] once the inputs are fetched and the program built,
//! then the result. Past the time limit the daemon kills the worker and starts another for
//! the next job ([`WorkerPool`]); it counts every kill.
//!
//! A program that embeds daemons (the demo, the report) calls [`serve_if_requested`] first
//! thing in `main`, so that its own executable can serve as the worker.

mod frame;
mod pool;
mod serve;

use std::time::Duration;

use ogpu_types::{Hash32, Job};
use serde::{Deserialize, Serialize};

use crate::ExecError;

pub use pool::{WorkerConfig, WorkerPool};
pub use serve::{serve_if_requested, ARG};

/// What the daemon asks of a worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Request {
    /// Run a job: its result comes back as the reply's body.
    Run {
        job: Job,
        time_limit: Duration,
        max_nonces: u64,
    },
    /// Fetch the inputs and build the kernel, without running it.
    Check { job: Job },
}

/// What a worker answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Reply {
    /// The device is open: the first frame a worker sends.
    Ready { device: String },
    /// The inputs are fetched and the program built: the kernel starts now.
    Running,
    /// The job's result (the frame's body) and its digest.
    Done {
        digest: Hash32,
        device_time: Duration,
    },
    /// A `Check` passed.
    Checked,
    /// The job failed; `stuck` kernels (abandoned past their limit) still run in the
    /// worker, which must then be ended.
    Failed { error: ExecError, stuck: usize },
}
