//! One kernel launch: create the kernel, check and bind its arguments, enqueue it and wait
//! for it with a time limit.
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

use ocl::core::{
    self, ArgVal, CommandExecutionStatus, Event, Kernel, KernelArgAddressQualifier as Space,
    KernelArgInfo, KernelArgInfoResult, KernelInfo, KernelInfoResult, KernelWorkGroupInfo,
    KernelWorkGroupInfoResult, ProfilingInfo, ProfilingInfoResult, Program,
};
use ocl::{flags, Buffer, Context, Device, Queue};
use ogpu_types::Scalar;
use tracing::warn;

use crate::error::ExecError;
use crate::job::Arg;

/// The kernel `name` of `program`, after checking that it takes exactly `expected`
/// arguments.
pub(crate) fn kernel(program: &Program, name: &str, expected: usize) -> Result<Kernel, ExecError> {
    let kernel = core::create_kernel(program, name)
        .map_err(|err| ExecError::InvalidJob(format!("no kernel `{name}` in the source: {err}")))?;
    match core::get_kernel_info(&kernel, KernelInfo::NumArgs)? {
        KernelInfoResult::NumArgs(n) if n as usize == expected => Ok(kernel),
        KernelInfoResult::NumArgs(n) => Err(ExecError::InvalidJob(format!(
            "kernel `{name}` takes {n} arguments, the job gives {expected}"
        ))),
        other => Err(ExecError::Runtime(format!("NumArgs answered {other:?}"))),
    }
}

/// Most work-items of one work-group this kernel can run with on `device`.
pub(crate) fn max_group(kernel: &Kernel, device: Device) -> Result<usize, ExecError> {
    match core::get_kernel_work_group_info(kernel, device, KernelWorkGroupInfo::WorkGroupSize)? {
        KernelWorkGroupInfoResult::WorkGroupSize(n) => Ok(n),
        other => Err(ExecError::Runtime(format!(
            "WorkGroupSize answered {other:?}"
        ))),
    }
}

/// The address space argument `index` is declared in.
fn space(kernel: &Kernel, index: u32) -> Result<Space, ExecError> {
    match core::get_kernel_arg_info(kernel, index, KernelArgInfo::AddressQualifier, None)? {
        KernelArgInfoResult::AddressQualifier(space) => Ok(space),
        other => Err(ExecError::Runtime(format!(
            "the driver gives no argument info ({other:?})"
        ))),
    }
}

/// Binds `value` to argument `index`; the driver checks its size against the declaration.
pub(crate) fn set_scalar(kernel: &Kernel, index: u32, value: &Scalar) -> Result<(), ExecError> {
    let result = match value {
        Scalar::I32(v) => core::set_kernel_arg(kernel, index, ArgVal::scalar(v)),
        Scalar::U32(v) => core::set_kernel_arg(kernel, index, ArgVal::scalar(v)),
        Scalar::I64(v) => core::set_kernel_arg(kernel, index, ArgVal::scalar(&v.i64())),
        Scalar::U64(v) => core::set_kernel_arg(kernel, index, ArgVal::scalar(&v.u64())),
        Scalar::F32Bits(bits) => {
            core::set_kernel_arg(kernel, index, ArgVal::scalar(&f32::from_bits(*bits)))
        }
    };
    result.map_err(|err| ExecError::InvalidJob(format!("argument {index}: {err}")))
}

/// Binds `buffer` to argument `index`.
pub(crate) fn set_buffer(
    kernel: &Kernel,
    index: u32,
    buffer: &Buffer<u8>,
) -> Result<(), ExecError> {
    core::set_kernel_arg(kernel, index, ArgVal::mem(buffer.as_core()))
        .map_err(|err| ExecError::InvalidJob(format!("argument {index}: {err}")))
}

/// A buffer holding a copy of `bytes`, read-only for the kernel.
pub(crate) fn input_buffer(context: &Context, bytes: &[u8]) -> Result<Buffer<u8>, ExecError> {
    Ok(Buffer::builder()
        .context(context)
        .flags(flags::MEM_READ_ONLY)
        .len(bytes.len())
        .copy_host_slice(bytes)
        .build()?)
}

/// A buffer of `len` bytes, zeroed by a fill queued on `queue` (which is in order, so the
/// fill ends before any later kernel starts, without waiting for it here). Zeroed so that
/// bytes a kernel leaves unwritten are the same on every provider, and so is the digest.
pub(crate) fn output_buffer(queue: &Queue, len: usize) -> Result<Buffer<u8>, ExecError> {
    let buffer = Buffer::builder()
        .queue(queue.clone())
        .flags(flags::MEM_READ_WRITE)
        .len(len)
        .build()?;
    buffer.cmd().fill(0u8, None).enq()?;
    Ok(buffer)
}

/// A kernel with every argument bound, and the buffers it uses.
pub(crate) struct Bound {
    pub(crate) kernel: Kernel,
    /// Kept alive while the kernel may run (`clSetKernelArg` does not retain them).
    pub(crate) inputs: Vec<Buffer<u8>>,
    pub(crate) outputs: Vec<Buffer<u8>>,
}

/// Binds the job's arguments in order, refusing an argument whose declared address space
/// does not fit it (buffers need `__global` or `__constant`, scalars a plain value;
/// `__local` arguments are not supported: a job cannot express them).
pub(crate) fn bind(
    kernel: Kernel,
    args: &[Arg],
    context: &Context,
    queue: &Queue,
) -> Result<Bound, ExecError> {
    let mut bound = Bound {
        kernel,
        inputs: Vec::new(),
        outputs: Vec::new(),
    };
    for (index, arg) in (0u32..).zip(args) {
        let space = space(&bound.kernel, index)?;
        let fits = match arg {
            Arg::Input(_) | Arg::Output(_) => matches!(space, Space::Global | Space::Constant),
            Arg::Scalar(_) => space == Space::Private,
        };
        if !fits {
            return Err(ExecError::InvalidJob(format!(
                "argument {index} is declared {space:?}; the job gives {}",
                match arg {
                    Arg::Input(_) => "an input buffer",
                    Arg::Output(_) => "an output buffer",
                    Arg::Scalar(_) => "a scalar",
                }
            )));
        }
        match arg {
            Arg::Input(bytes) => {
                let buffer = input_buffer(context, bytes)?;
                set_buffer(&bound.kernel, index, &buffer)?;
                bound.inputs.push(buffer);
            }
            Arg::Output(len) => {
                let buffer = output_buffer(queue, *len)?;
                set_buffer(&bound.kernel, index, &buffer)?;
                bound.outputs.push(buffer);
            }
            Arg::Scalar(value) => set_scalar(&bound.kernel, index, value)?,
        }
    }
    Ok(bound)
}

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
/// in steps growing to [`MAX_PAUSE`], so a long kernel costs almost nothing to watch.
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
