//! Where the daemon's jobs run: in kernel worker processes ([`crate::worker`], the
//! default), which the daemon kills past the time limit, or — where the program cannot
//! serve as a worker (tests, embedders) — on blocking threads of the daemon's own process,
//! where a runaway kernel keeps its compute units busy until the daemon restarts.

use std::sync::Arc;
use std::time::Duration;

use ogpu_types::Job;
use serde::{Deserialize, Serialize};

use super::config::DaemonConfig;
use super::error::{DaemonError, DaemonResult};
use super::fetch::HttpSource;
use super::metrics::Stats;
use super::work::{self, Work};
use crate::worker::{WorkerConfig, WorkerPool};
use crate::{DeviceError, ExecError, Executor, ExecutorConfig};

/// How kernels are isolated from the daemon.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KernelIsolation {
    /// In worker processes, killed at the time limit.
    #[default]
    Process,
    /// On the daemon's own threads.
    InProcess,
}

pub enum Engine {
    InProcess {
        executor: Arc<Executor>,
        inputs: Arc<HttpSource>,
    },
    Workers(WorkerPool),
}

impl Engine {
    /// Opens the configured device the configured way and runs a self-test kernel on it;
    /// the engine and the device's name.
    pub async fn start(config: &DaemonConfig, stats: Arc<Stats>) -> DaemonResult<(Self, String)> {
        let max_kernel_secs = config.strategy.max_kernel_secs;
        let (engine, device) = match config.kernel_isolation {
            KernelIsolation::InProcess => {
                let device = crate::device(config.device)?;
                let name = device.name.clone();
                let executor = Executor::new(
                    device,
                    ExecutorConfig {
                        max_kernel_time: Duration::from_secs(max_kernel_secs),
                        ..ExecutorConfig::default()
                    },
                )?;
                let inputs = HttpSource::new(tokio::runtime::Handle::current());
                let engine = Engine::InProcess {
                    executor: Arc::new(executor),
                    inputs: Arc::new(inputs),
                };
                (engine, name)
            }
            KernelIsolation::Process => {
                let program = match &config.worker_program {
                    Some(program) => program.clone(),
                    None => std::env::current_exe().map_err(|e| {
                        DaemonError::Config(format!(
                            "cannot find the provider's executable to start kernel workers: {e}"
                        ))
                    })?,
                };
                let worker = WorkerConfig {
                    program,
                    device: config.device,
                    max_kernel_secs,
                };
                let on_kill = Box::new(move || stats.kernels_killed.inc());
                let (pool, name) = WorkerPool::start(worker, on_kill)
                    .await
                    .map_err(|e| DeviceError::OpenCl(e.to_string()))?;
                (Engine::Workers(pool), name)
            }
        };
        let test = engine
            .run(work::self_test_job(), Duration::from_secs(60), 0)
            .await;
        work::self_test_passed(test).map_err(DeviceError::OpenCl)?;
        Ok((engine, device))
    }

    /// Runs `job` with at most `limit` per kernel and `max_nonces` per search.
    pub async fn run(&self, job: Job, limit: Duration, max_nonces: u64) -> Result<Work, ExecError> {
        match self {
            Engine::Workers(pool) => pool.run(job, limit, max_nonces).await,
            Engine::InProcess { executor, inputs } => {
                let (executor, inputs) = (executor.clone(), inputs.clone());
                blocking(move || {
                    work::execute(&executor, &*inputs, &job, limit, max_nonces, &mut || {})
                })
                .await
            }
        }
    }

    /// Whether `job` can run here (inputs fetched, kernel built), without running it.
    pub async fn check(&self, job: Job) -> Result<(), ExecError> {
        match self {
            Engine::Workers(pool) => pool.check(job).await,
            Engine::InProcess { executor, inputs } => {
                let (executor, inputs) = (executor.clone(), inputs.clone());
                blocking(move || work::check(&executor, &*inputs, &job)).await
            }
        }
    }
}

/// `f` on a blocking thread; a panic in it is a runtime error of the job.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ExecError> + Send + 'static,
) -> Result<T, ExecError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|panic| Err(ExecError::Runtime(format!("the job panicked: {panic}"))))
}
