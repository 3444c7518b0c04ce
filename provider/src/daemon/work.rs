//! Running a task's job on the device: the client's OpenCL kernel (inputs fetched and
//! verified, program cached, time-limited) or a hash search with the built-in kernel. The
//! same synchronous code runs in a kernel worker process ([`crate::worker`], the default)
//! or on a blocking thread of the daemon ([`super::engine`]); every failure is an
//! [`ExecError`] and the task is skipped before anything is committed.

use std::time::{Duration, Instant};

use cosmwasm_std::Uint64;
use ogpu_types::commitment::sha256;
use ogpu_types::{Hash32, Job, KernelArg, KernelSource, OpenClJob};

use crate::{ExecError, Executor, InputSource};

/// A computed result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    /// The bytes the reveal publishes.
    pub result: Vec<u8>,
    pub digest: Hash32,
    /// Time on the device (kernel time for OpenCL jobs, the search's wall time).
    pub device_time: Duration,
}

/// Runs `job` on the calling thread with at most `time_limit` per kernel and `max_nonces`
/// per search. `launching` is called once the inputs are fetched and the program is built,
/// right before the device starts: a worker tells its daemon then, which starts the
/// kernel's clock.
pub fn execute(
    executor: &Executor,
    inputs: &dyn InputSource,
    job: &Job,
    time_limit: Duration,
    max_nonces: u64,
    launching: &mut dyn FnMut(),
) -> Result<Work, ExecError> {
    match job {
        Job::OpenCl(job) => {
            let prepared = executor.prepare(job, inputs)?;
            executor.build(&prepared)?;
            launching();
            let done = executor.execute(&prepared, Some(time_limit))?;
            Ok(Work {
                result: done.result(),
                digest: done.digest,
                device_time: done.kernel_time,
            })
        }
        Job::HashSearch(search) => {
            launching();
            let start = Instant::now();
            let nonce = executor
                .hash_search(&search.prefix, search.difficulty, 0, max_nonces)?
                .ok_or_else(|| {
                    ExecError::InvalidJob(format!(
                        "no answer among the first {max_nonces} nonces (strategy.max_hash_nonces)"
                    ))
                })?;
            let result = nonce.to_be_bytes().to_vec();
            Ok(Work {
                digest: sha256(&result),
                result,
                device_time: start.elapsed(),
            })
        }
    }
}

/// Whether `job` can run here, without running it: its shape fits, its inputs are fetched
/// and verified and its kernel builds. What a bidder checks before it promises a result
/// it computes only once awarded. A hash search always can (its kernel is built in).
pub fn check(executor: &Executor, inputs: &dyn InputSource, job: &Job) -> Result<(), ExecError> {
    match job {
        Job::OpenCl(job) => executor.build(&executor.prepare(job, inputs)?),
        Job::HashSearch(_) => Ok(()),
    }
}

/// A one-work-item kernel that writes 42: run at start, so that a device (or a worker)
/// that cannot run kernels is refused then rather than failing every task.
pub fn self_test_job() -> Job {
    Job::OpenCl(OpenClJob {
        kernel: KernelSource::Inline {
            source: "__kernel void self_test(__global uint* out) { out[0] = 42u; }".into(),
        },
        entry_point: "self_test".into(),
        args: vec![KernelArg::Output {
            size: Uint64::new(4),
        }],
        global_work_size: vec![Uint64::new(1)],
        local_work_size: None,
    })
}

/// Whether `work` is what [`self_test_job`] must produce; the error says what went wrong.
pub fn self_test_passed(work: Result<Work, ExecError>) -> Result<(), String> {
    match work {
        Ok(work) if work.result == 42u32.to_le_bytes() => Ok(()),
        Ok(work) => Err(format!(
            "the self-test kernel wrote {:?}, not 42",
            work.result
        )),
        Err(err) => Err(format!("the self-test kernel failed: {err}")),
    }
}
