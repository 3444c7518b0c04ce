//! The daemon's side: kernel workers started on demand, reused while they behave, killed
//! past a job's time limit (or when a kernel given up on still runs in them) and replaced
//! by a fresh one for the next job. Each conversation runs on a blocking thread; the
//! daemon's side only watches the clock.

use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use ogpu_types::Job;
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};
use tracing::{debug, warn};

use super::{frame, Reply, Request, ARG};
use crate::daemon::work::Work;
use crate::ExecError;

/// How long a worker may take to open the device and say so.
const START_LIMIT: Duration = Duration::from_secs(60);
/// How long a job may take before its kernel starts: downloading inputs (at most 120 s,
/// `daemon::fetch`) and building the program.
const PREPARE_LIMIT: Duration = Duration::from_secs(180);
/// What a finished kernel still needs after its limit: reading its outputs back, digesting
/// them, sending them.
const GRACE: Duration = Duration::from_secs(5);
/// Idle workers kept for the next jobs (each holds a device context and its program cache).
const MAX_IDLE: usize = 8;

/// How to start a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerConfig {
    /// The executable that serves as the worker: one that calls
    /// [`super::serve_if_requested`] first (the provider's own binary does).
    pub program: PathBuf,
    /// OpenCL device number.
    pub device: usize,
    /// The executor's own limit on any kernel, seconds.
    pub max_kernel_secs: u64,
}

/// A started worker: the process and, between jobs, its pipes.
struct Worker {
    child: Child,
    pipes: Option<(ChildStdin, ChildStdout)>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.pipes = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Workers for one device.
pub struct WorkerPool {
    config: WorkerConfig,
    idle: Mutex<Vec<Worker>>,
    killed: AtomicU64,
    on_kill: Box<dyn Fn() + Send + Sync>,
}

/// What the blocking side of a conversation hands back: the pipes (to reuse the worker)
/// and the final reply.
type Ended = ((ChildStdin, ChildStdout), std::io::Result<(Reply, Vec<u8>)>);

impl WorkerPool {
    /// Starts one worker, to check that it runs and opens the device; `on_kill` is called
    /// for every worker killed past a time limit. The device's name, as the worker saw it.
    pub async fn start(
        config: WorkerConfig,
        on_kill: Box<dyn Fn() + Send + Sync>,
    ) -> Result<(Self, String), ExecError> {
        let pool = Self {
            config,
            idle: Mutex::new(Vec::new()),
            killed: AtomicU64::new(0),
            on_kill,
        };
        let (worker, device) = pool.spawn().await?;
        pool.release(worker);
        Ok((pool, device))
    }

    /// Workers killed so far.
    pub fn killed(&self) -> u64 {
        self.killed.load(Ordering::Relaxed)
    }

    /// Process ids of the idle workers.
    pub fn idle_pids(&self) -> Vec<u32> {
        self.lock().iter().map(|w| w.child.id()).collect()
    }

    /// Runs `job`: its kernel gets `limit` from the moment it starts, then the worker is
    /// killed.
    pub async fn run(&self, job: Job, limit: Duration, max_nonces: u64) -> Result<Work, ExecError> {
        let request = Request::Run {
            job,
            time_limit: limit,
            max_nonces,
        };
        match self.converse(request, limit).await? {
            (
                Reply::Done {
                    digest,
                    device_time,
                },
                result,
            ) => Ok(Work {
                result,
                digest,
                device_time,
            }),
            (other, _) => Err(unexpected(&other)),
        }
    }

    /// Fetches `job`'s inputs and builds its kernel without running it.
    pub async fn check(&self, job: Job) -> Result<(), ExecError> {
        match self
            .converse(Request::Check { job }, Duration::ZERO)
            .await?
        {
            (Reply::Checked, _) => Ok(()),
            (other, _) => Err(unexpected(&other)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Worker>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn release(&self, worker: Worker) {
        let mut idle = self.lock();
        if idle.len() < MAX_IDLE {
            idle.push(worker);
        }
    }

    /// A worker that just said it is ready, and the device it opened.
    async fn spawn(&self) -> Result<(Worker, String), ExecError> {
        let config = &self.config;
        let mut child = Command::new(&config.program)
            .arg(ARG)
            .arg(config.device.to_string())
            .arg(config.max_kernel_secs.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                ExecError::Runtime(format!(
                    "cannot start the kernel worker {}: {e}",
                    config.program.display()
                ))
            })?;
        let pipes = child.stdin.take().zip(child.stdout.take()).expect("piped");
        let mut worker = Worker { child, pipes: None };
        let hello = tokio::task::spawn_blocking(move || {
            let mut pipes = pipes;
            let reply = frame::read::<Reply>(&mut pipes.1);
            (pipes, reply)
        });
        let (pipes, reply) = match tokio::time::timeout(START_LIMIT, hello).await {
            Ok(Ok(answered)) => answered,
            _ => return Err(ExecError::Runtime("the kernel worker did not start".into())),
        };
        worker.pipes = Some(pipes);
        match reply {
            Ok(Some((Reply::Ready { device }, _))) => {
                debug!(pid = worker.child.id(), %device, "kernel worker started");
                Ok((worker, device))
            }
            Ok(Some((Reply::Failed { error, .. }, _))) => Err(error),
            Ok(other) => Err(ExecError::Runtime(format!(
                "the kernel worker did not start: {}",
                other.map_or("it exited".into(), |(reply, _)| format!("{reply:?}"))
            ))),
            Err(err) => Err(ExecError::Runtime(format!(
                "the kernel worker did not start: {err}"
            ))),
        }
    }

    /// One request to an idle (or a new) worker, watched: [`PREPARE_LIMIT`] until the
    /// kernel starts, then `limit` and [`GRACE`]. A worker past its time, or one still
    /// running a kernel it gave up on, is killed; one that failed otherwise is reused.
    async fn converse(
        &self,
        request: Request,
        limit: Duration,
    ) -> Result<(Reply, Vec<u8>), ExecError> {
        let idle = self.lock().pop();
        let mut worker = match idle {
            Some(worker) => worker,
            None => self.spawn().await?.0,
        };
        let mut pipes = worker.pipes.take().expect("an idle worker has its pipes");
        let (running, mut started) = mpsc::unbounded_channel();
        let mut conversation = tokio::task::spawn_blocking(move || -> Ended {
            let answer = (|| {
                frame::write(&mut pipes.0, &request, b"")?;
                loop {
                    match frame::read::<Reply>(&mut pipes.1)? {
                        Some((Reply::Running, _)) => {
                            let _ = running.send(());
                        }
                        Some(reply) => return Ok(reply),
                        None => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                    }
                }
            })();
            (pipes, answer)
        });
        let mut deadline = Instant::now() + PREPARE_LIMIT;
        let ended = loop {
            tokio::select! {
                ended = &mut conversation => break ended,
                Some(()) = started.recv() => deadline = Instant::now() + limit + GRACE,
                _ = sleep_until(deadline) => {
                    self.kill(worker, "past its time limit");
                    let _ = conversation.await;
                    return Err(ExecError::Timeout { limit });
                }
            }
        };
        let (pipes, answer) =
            ended.map_err(|e| ExecError::Runtime(format!("worker thread: {e}")))?;
        worker.pipes = Some(pipes);
        match answer {
            Ok((Reply::Failed { error, stuck }, _)) if stuck > 0 => {
                self.kill(worker, "a kernel it gave up on still runs");
                Err(error)
            }
            Ok((Reply::Failed { error, .. }, _)) => {
                self.release(worker);
                Err(error)
            }
            Ok(answer) => {
                self.release(worker);
                Ok(answer)
            }
            Err(err) => {
                let status = worker.child.try_wait().ok().flatten();
                warn!(%err, ?status, "the kernel worker died");
                Err(ExecError::Runtime(format!(
                    "the kernel worker died running the job ({})",
                    status.map_or_else(|| err.to_string(), |s| s.to_string())
                )))
            }
        }
    }

    /// Ends `worker` (and the kernel running in it); counted.
    fn kill(&self, worker: Worker, why: &str) {
        warn!(pid = worker.child.id(), why, "killing the kernel worker");
        drop(worker);
        self.killed.fetch_add(1, Ordering::Relaxed);
        (self.on_kill)();
    }
}

fn unexpected(reply: &Reply) -> ExecError {
    ExecError::Runtime(format!("the kernel worker answered {reply:?}"))
}
