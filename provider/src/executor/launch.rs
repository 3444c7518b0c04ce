//! One kernel launch: create the kernel, check and bind its arguments, enqueue it and wait
//! for it with a time limit.
//!
//! OpenCL has no way to stop a kernel once it runs. So the launch waits on a worker thread
//! and the caller gives up on it after the limit: the job fails with
//! [`ExecError::Timeout`], and the worker, the kernel and its buffers live on until the
//! device finishes on its own (the executor counts such kernels). A kernel that never ends
//! keeps part of the device busy until the process exits.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use ocl::core::{
    self, ArgVal, Kernel, KernelArgAddressQualifier as Space, KernelArgInfo, KernelArgInfoResult,
    KernelInfo, KernelInfoResult, KernelWorkGroupInfo, KernelWorkGroupInfoResult, Program,
};
use ocl::{flags, Buffer, Context, Device, Queue};
use ogpu_types::Scalar;

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

/// A zero-filled buffer of `len` bytes. Zeroed so that bytes a kernel leaves unwritten
/// are the same on every provider, and so is the result digest.
pub(crate) fn output_buffer(queue: &Queue, len: usize) -> Result<Buffer<u8>, ExecError> {
    Ok(Buffer::builder()
        .queue(queue.clone())
        .flags(flags::MEM_READ_WRITE)
        .len(len)
        .fill_val(0u8)
        .build()?)
}

/// A kernel with every argument bound, and the buffers it uses.
pub(crate) struct Bound {
    pub(crate) kernel: Kernel,
    /// Kept alive while the kernel may run: OpenCL does not retain bound buffers.
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
/// when `None`), without waiting.
pub(crate) fn enqueue(
    queue: &Queue,
    kernel: &Kernel,
    global: &[usize],
    local: Option<&[usize]>,
) -> Result<(), ExecError> {
    let dims = |sizes: &[usize]| {
        let mut padded = [1usize; 3];
        padded[..sizes.len()].copy_from_slice(sizes);
        padded
    };
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
            None::<core::Event>,
            None::<&mut core::Event>,
        )?;
    }
    Ok(())
}

/// Runs a bound kernel and reads its outputs, waiting at most `limit`. `stuck` counts the
/// kernels given up on that are still running.
pub(crate) fn run(
    queue: Queue,
    bound: Bound,
    global: Vec<usize>,
    local: Option<Vec<usize>>,
    limit: Duration,
    stuck: &Arc<AtomicUsize>,
) -> Result<(Vec<Vec<u8>>, Duration), ExecError> {
    const RUNNING: u8 = 0;
    const DONE: u8 = 1;
    const ABANDONED: u8 = 2;
    let state = Arc::new(AtomicU8::new(RUNNING));
    let (sender, receiver) = mpsc::channel();
    let worker = {
        let state = Arc::clone(&state);
        let stuck = Arc::clone(stuck);
        move || {
            let result = launch_and_read(&queue, &bound, &global, local.as_deref());
            if state.swap(DONE, Ordering::AcqRel) == ABANDONED {
                stuck.fetch_sub(1, Ordering::AcqRel);
            }
            // The receiver is gone when the caller gave up: nothing to report then.
            let _ = sender.send(result);
        }
    };
    thread::Builder::new()
        .name("ogpu-kernel".into())
        .spawn(worker)
        .map_err(|err| ExecError::Runtime(format!("cannot start the kernel thread: {err}")))?;
    match receiver.recv_timeout(limit) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // Counted before it is marked, so the worker's decrement always follows.
            stuck.fetch_add(1, Ordering::AcqRel);
            if state.swap(ABANDONED, Ordering::AcqRel) == DONE {
                stuck.fetch_sub(1, Ordering::AcqRel);
            }
            Err(ExecError::Timeout { limit })
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(ExecError::Runtime(
            "the kernel thread stopped without a result".into(),
        )),
    }
}

/// On the worker thread: launch, wait, read every output. The time is the kernel's alone.
fn launch_and_read(
    queue: &Queue,
    bound: &Bound,
    global: &[usize],
    local: Option<&[usize]>,
) -> Result<(Vec<Vec<u8>>, Duration), ExecError> {
    queue.finish()?; // the outputs' zero fill
    let start = Instant::now();
    enqueue(queue, &bound.kernel, global, local)?;
    queue.finish()?;
    let kernel_time = start.elapsed();
    let outputs = bound
        .outputs
        .iter()
        .map(|buffer| {
            let mut bytes = vec![0u8; buffer.len()];
            buffer.read(&mut bytes).queue(queue).enq()?;
            Ok(bytes)
        })
        .collect::<Result<_, ExecError>>()?;
    Ok((outputs, kernel_time))
}
