//! Running a task's job on the device: the client's OpenCL kernel (inputs fetched and
//! verified, program cached, time-limited) or a hash search with the built-in kernel. On
//! a blocking thread, so the daemon's tasks keep running; every failure is an
//! [`ExecError`] and the task is skipped before anything is committed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cosmwasm_std::Uint64;
use ogpu_types::commitment::sha256;
use ogpu_types::{Hash32, Job, KernelArg, KernelSource, OpenClJob};

use super::error::DaemonResult;
use super::fetch::HttpSource;
use crate::{DeviceError, ExecError, Executor};

/// A computed result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    /// The bytes the reveal publishes.
    pub result: Vec<u8>,
    pub digest: Hash32,
    /// Time on the device (kernel time for OpenCL jobs, the search's wall time).
    pub device_time: Duration,
}

/// Runs `job` with at most `time_limit` per kernel and `max_nonces` per search.
pub async fn run(
    executor: Arc<Executor>,
    inputs: Arc<HttpSource>,
    job: Job,
    time_limit: Duration,
    max_nonces: u64,
) -> Result<Work, ExecError> {
    let blocking = tokio::task::spawn_blocking(move || match job {
        Job::OpenCl(job) => {
            let prepared = executor.prepare(&job, &*inputs)?;
            let done = executor.execute(&prepared, Some(time_limit))?;
            Ok(Work {
                result: done.result(),
                digest: done.digest,
                device_time: done.kernel_time,
            })
        }
        Job::HashSearch(search) => {
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
    });
    blocking
        .await
        .unwrap_or_else(|panic| Err(ExecError::Runtime(format!("the job panicked: {panic}"))))
}

/// Builds and runs a one-work-item kernel: a device that cannot is refused at start rather
/// than failing every task.
pub async fn self_test(executor: &Arc<Executor>, inputs: &Arc<HttpSource>) -> DaemonResult<()> {
    let job = Job::OpenCl(OpenClJob {
        kernel: KernelSource::Inline {
            source: "__kernel void self_test(__global uint* out) { out[0] = 42u; }".into(),
        },
        entry_point: "self_test".into(),
        args: vec![KernelArg::Output {
            size: Uint64::new(4),
        }],
        global_work_size: vec![Uint64::new(1)],
        local_work_size: None,
    });
    let done = run(
        executor.clone(),
        inputs.clone(),
        job,
        Duration::from_secs(60),
        0,
    )
    .await;
    match done {
        Ok(work) if work.result == 42u32.to_le_bytes() => Ok(()),
        Ok(work) => Err(DeviceError::OpenCl(format!(
            "the self-test kernel wrote {:?}, not 42",
            work.result
        ))
        .into()),
        Err(err) => Err(DeviceError::OpenCl(format!("the self-test kernel failed: {err}")).into()),
    }
}
