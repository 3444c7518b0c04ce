//! Launching a bound kernel and waiting for it with a time limit.
//!
//! OpenCL has no way to stop a kernel once it runs. So the caller waits for the launch by
//! polling its event until the limit, then gives up: the job fails with
//! [`ExecError::Timeout`], and the kernel, its queue and its buffers are handed to the
//! executor, which keeps them until the device finishes on its own (and counts such
//! kernels). A kernel that never ends keeps part of the device busy until the process
//! exits. Waiting on the calling thread, rather than on a thread per launch, keeps a small
//! job's overhead near 0.1 ms on a loaded 2-vCPU machine (a launch thread's handoffs cost
//! about 4 ms there).

use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use ocl::core::{self, CommandExecutionStatus, Event, Kernel, ProfilingInfo, ProfilingInfoResult};
use ocl::Queue;
use tracing::warn;

use super::bind::Bound;
use crate::error::ExecError;

/// Enqueues `kernel` over `global` work-items in groups of `local` (the driver's choice
/// when `None`), without waiting; the event is the launch's.
pub(crate) fn enqueue(
    queue: &Queue,
    kernel: &Kernel,
    global: &[usize],
    local: Option<&[usize]>,
) -> Result<Event, ExecError> {
    let dims = |sizes: &[usize]| {
        let mut padded = [1usize; 3];
        padded[..sizes.len()].copy_from_slice(sizes);
        padded
    };
    let mut launch = Event::null();
    // SAFETY: every argument of `kernel` is bound (the argument count was checked and each
    // was set, with its address space checked), the buffers bound to it are kept alive by
    // the caller until the queue has finished, and the work sizes have at most three
    // dimensions, all non-zero, checked against the device's limits. What the kernel does
    // with its memory is the job author's code, run by the driver.
    #[allow(unsafe_code)]
    unsafe {
        core::enqueue_kernel(
            queue.as_core(),
            kernel,
            global.len() as u32,
            None,
            &dims(global),
            local.map(dims),
            None::<Event>,
            Some(&mut launch),
        )?;
    }
    Ok(launch)
}

/// A launch given up on: what must live until the device finishes it.
pub(crate) struct Abandoned {
    launch: Event,
    _queue: Queue,
    _bound: Bound,
}

impl Abandoned {
    /// The kernel has finished (or failed): its objects may go.
    pub(crate) fn is_over(&self) -> bool {
        !matches!(
            core::event_status(&self.launch),
            Ok(CommandExecutionStatus::Queued
                | CommandExecutionStatus::Submitted
                | CommandExecutionStatus::Running)
        )
    }
}

/// Runs a bound kernel and reads its outputs, waiting at most `limit`. A launch given up
/// on goes to `abandoned`.
pub(crate) fn run(
    queue: Queue,
    bound: Bound,
    global: &[usize],
    local: Option<&[usize]>,
    limit: Duration,
    abandoned: &Mutex<Vec<Abandoned>>,
) -> Result<(Vec<Vec<u8>>, Duration), ExecError> {
    let launch = enqueue(&queue, &bound.kernel, global, local)?;
    queue.flush()?;
    if !finishes_within(&launch, limit)? {
        let mut abandoned = abandoned.lock().unwrap_or_else(PoisonError::into_inner);
        abandoned.retain(|earlier| !earlier.is_over());
        abandoned.push(Abandoned {
            launch,
            _queue: queue,
            _bound: bound,
        });
        warn!(
            ?limit,
            stuck = abandoned.len(),
            "kernel exceeded its time limit; abandoned while it still runs"
        );
        return Err(ExecError::Timeout { limit });
    }
    let outputs = bound
        .outputs
        .iter()
        .map(|buffer| {
            let mut bytes = vec![0u8; buffer.len()];
            buffer.read(&mut bytes).queue(&queue).enq()?;
            Ok(bytes)
        })
        .collect::<Result<_, ExecError>>()?;
    Ok((outputs, profiled(&launch)?))
}

/// Polls `launch` until it completes (`true`) or `limit` passes (`false`). Short kernels
/// end within microseconds, so it first yields the processor between polls; then it sleeps,
/// in steps growing to `MAX_PAUSE`, so a long kernel costs almost nothing to watch.
fn finishes_within(launch: &Event, limit: Duration) -> Result<bool, ExecError> {
    const SPIN: Duration = Duration::from_micros(200);
    const MAX_PAUSE: Duration = Duration::from_millis(2);
    let start = Instant::now();
    let mut pause = Duration::from_micros(50);
    loop {
        match core::event_status(launch) {
            Ok(CommandExecutionStatus::Complete) => return Ok(true),
            Ok(_) => {}
            Err(err) => return Err(ExecError::Runtime(format!("the kernel failed: {err}"))),
        }
        let waited = start.elapsed();
        if waited >= limit {
            return Ok(false);
        }
        if waited < SPIN {
            thread::yield_now();
        } else {
            thread::sleep(pause.min(limit - waited));
            pause = (pause * 2).min(MAX_PAUSE);
        }
    }
}

/// From the start to the end of the command `event` stands for (the queue profiles).
fn profiled(event: &Event) -> Result<Duration, ExecError> {
    let at = |info| match core::get_event_profiling_info(event, info)? {
        ProfilingInfoResult::Start(ns) | ProfilingInfoResult::End(ns) => Ok(ns),
        other => Err(ExecError::Runtime(format!("profiling answered {other:?}"))),
    };
    let start = at(ProfilingInfo::Start)?;
    Ok(Duration::from_nanos(
        at(ProfilingInfo::End)?.saturating_sub(start),
    ))
}
