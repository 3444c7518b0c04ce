//! The executor: runs jobs on one OpenCL device.
//!
//! A job goes through two steps. [`Executor::prepare`] checks its shape against the
//! device's and the configured limits and fetches its inputs (so nothing is downloaded for
//! a job that could never run); [`Executor::execute`] builds the program (or takes it from
//! the cache), binds the arguments, launches the kernel with a time limit and returns the
//! output buffers and the result digest. Every failure is an [`ExecError`].

mod bind;
mod launch;
mod program;

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use ocl::core::Program;
use ocl::{Context, Queue};
use ogpu_types::commitment::sha256;
use ogpu_types::{Hash32, OpenClJob};
use tracing::debug;

use crate::device::{DeviceError, DeviceInfo};
use crate::error::ExecError;
use crate::input::InputSource;
use crate::job::{Limits, PreparedJob};
use crate::lru::Lru;
pub(crate) use bind::{input_buffer, kernel, output_buffer, set_buffer, set_scalar};
pub(crate) use launch::enqueue;
use launch::Abandoned;
use program::ProgramKey;

/// How much the executor accepts. The device's own limits apply on top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutorConfig {
    /// Longest a kernel may run; a shorter limit may be given per job.
    pub max_kernel_time: Duration,
    /// Largest single buffer, bytes.
    pub max_buffer_bytes: u64,
    /// Largest sum of one job's buffers, bytes.
    pub max_total_bytes: u64,
    /// Built programs kept; the least recently used is dropped beyond this.
    pub program_cache_size: usize,
    /// Options added to every build (`-cl-kernel-arg-info` always is). Part of the cache key.
    pub build_options: String,
    /// Nonces per launch in [`Executor::hash_search`]; `None`: 2^20 per compute unit, tens
    /// of milliseconds on a CPU core, so a found answer is reported soon.
    pub hash_batch: Option<u64>,
}

impl Default for ExecutorConfig {
    fn default() -> Self {
        ExecutorConfig {
            max_kernel_time: Duration::from_secs(60),
            max_buffer_bytes: 256 << 20,
            max_total_bytes: 1 << 30,
            program_cache_size: 64,
            build_options: String::new(),
            hash_batch: None,
        }
    }
}

/// What a successful run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionResult {
    /// Each output buffer's bytes, in argument order.
    pub outputs: Vec<Vec<u8>>,
    /// The result's identity (`Payload::digest` of the revealed result): `sha256` of the
    /// output buffers concatenated in argument order.
    pub digest: Hash32,
    /// The kernel's run, start to end, as the device measured it.
    pub kernel_time: Duration,
    /// Compiling the program; zero when it came from the cache.
    pub build_time: Duration,
    /// The program came from the cache.
    pub cached: bool,
}

impl ExecutionResult {
    /// The result bytes the provider reveals: the outputs concatenated in argument order.
    pub fn result(&self) -> Vec<u8> {
        self.outputs.concat()
    }
}

/// A program ready to run, and whether it came from the cache.
pub(crate) struct Built {
    pub(crate) program: Program,
    pub(crate) build_time: Duration,
    pub(crate) cached: bool,
}

/// Runs jobs on one device. Shareable between threads (`Arc<Executor>`): each execution
/// has its own command queue, so a kernel given up on does not block the next.
pub struct Executor {
    device: DeviceInfo,
    pub(crate) context: Context,
    config: ExecutorConfig,
    programs: Mutex<Lru<ProgramKey, Program>>,
    /// Launches that exceeded their limit, kept until the device finishes them.
    abandoned: Mutex<Vec<Abandoned>>,
}

impl Executor {
    /// An executor on `device` (see [`crate::devices`]).
    pub fn new(device: DeviceInfo, config: ExecutorConfig) -> Result<Self, DeviceError> {
        let context = Context::builder()
            .platform(device.platform_handle)
            .devices(device.handle)
            .build()?;
        Ok(Executor {
            programs: Mutex::new(Lru::new(config.program_cache_size)),
            device,
            context,
            config,
            abandoned: Mutex::new(Vec::new()),
        })
    }

    pub fn device(&self) -> &DeviceInfo {
        &self.device
    }

    pub fn config(&self) -> &ExecutorConfig {
        &self.config
    }

    /// The configured limits narrowed to the device's.
    pub fn limits(&self) -> Limits {
        Limits {
            max_buffer_bytes: self
                .config
                .max_buffer_bytes
                .min(self.device.max_alloc_bytes),
            max_total_bytes: self
                .config
                .max_total_bytes
                .min(self.device.global_memory_bytes),
            max_work_group_size: self.device.max_work_group_size,
            max_work_item_sizes: self.device.max_work_item_sizes.clone(),
        }
    }

    /// Checks `job` against [`Executor::limits`], then fetches its kernel source and inputs
    /// (references through `source`, each checked against its size and SHA-256).
    pub fn prepare(
        &self,
        job: &OpenClJob,
        source: &dyn InputSource,
    ) -> Result<PreparedJob, ExecError> {
        PreparedJob::prepare(job, &self.limits(), source)
    }

    /// Builds a prepared job's program (or finds it in the cache) and checks that its entry
    /// point takes the job's arguments, without running anything: what a provider checks
    /// before it promises a result it has not computed yet (an auction bid).
    pub fn build(&self, job: &PreparedJob) -> Result<(), ExecError> {
        let built = self.program(&job.source, "")?;
        kernel(&built.program, &job.entry_point, job.args.len()).map(|_| ())
    }

    /// Runs a prepared job. The kernel gets `timeout`, cut to the configured
    /// `max_kernel_time` (which applies alone when `None`).
    pub fn execute(
        &self,
        job: &PreparedJob,
        timeout: Option<Duration>,
    ) -> Result<ExecutionResult, ExecError> {
        let limit = timeout.map_or(self.config.max_kernel_time, |t| {
            t.min(self.config.max_kernel_time)
        });
        let built = self.program(&job.source, "")?;
        let kernel = kernel(&built.program, &job.entry_point, job.args.len())?;
        if let Some(local) = &job.local {
            let group: usize = local.iter().product();
            let max = bind::max_group(&kernel, self.device.handle)?;
            if group > max {
                return Err(ExecError::InvalidJob(format!(
                    "work-group of {group} work-items; this kernel runs at most {max}"
                )));
            }
        }
        let queue = self.queue()?;
        let bound = bind::bind(kernel, &job.args, &self.context, &queue)?;
        let (outputs, kernel_time) = launch::run(
            queue,
            bound,
            &job.global,
            job.local.as_deref(),
            limit,
            &self.abandoned,
        )?;
        Ok(ExecutionResult {
            digest: sha256(&outputs.concat()),
            outputs,
            kernel_time,
            build_time: built.build_time,
            cached: built.cached,
        })
    }

    /// Kernels that exceeded their time limit and are still running on the device. While
    /// this is not zero the device is partly busy; a daemon may wait for it to drop, or
    /// restart (only ending the process stops such a kernel).
    pub fn stuck_kernels(&self) -> usize {
        let mut abandoned = self
            .abandoned
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        abandoned.retain(|launch| !launch.is_over());
        abandoned.len()
    }

    /// Programs in the cache.
    pub fn cached_programs(&self) -> usize {
        self.programs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// The program for `source` built with the configured and the `extra` options: from
    /// the cache, or compiled (outside the lock, so other jobs' lookups do not wait) and
    /// cached.
    pub(crate) fn program(&self, source: &str, extra: &str) -> Result<Built, ExecError> {
        let options = format!("{} {extra}", self.config.build_options);
        let key = ProgramKey::new(source, &options, self.device.handle);
        let lock = || self.programs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(program) = lock().get(&key) {
            return Ok(Built {
                program,
                build_time: Duration::ZERO,
                cached: true,
            });
        }
        let start = Instant::now();
        let program = program::build(&self.context, self.device.handle, source, &options)
            .inspect_err(|err| debug!(%err, "program build failed"))?;
        let build_time = start.elapsed();
        debug!(?build_time, options = options.trim(), "program built");
        lock().insert(key, program.clone());
        Ok(Built {
            program,
            build_time,
            cached: false,
        })
    }

    /// A fresh in-order queue on the device, profiling (for the kernel's own time).
    pub(crate) fn queue(&self) -> Result<Queue, ExecError> {
        let properties = Some(ocl::flags::QUEUE_PROFILING_ENABLE);
        Ok(Queue::new(&self.context, self.device.handle, properties)?)
    }
}
