//! A kernel ready to launch: created from its program, its arguments checked against the
//! kernel's declaration and bound, its buffers made.

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
