//! A job checked against the device's and the executor's limits, with every input fetched:
//! what [`crate::Executor::execute`] runs. Checking the shape first means nothing is
//! downloaded for a job that could never run.

use ogpu_types::{KernelArg, OpenClJob, Scalar};

use crate::error::ExecError;
use crate::input::{self, InputSource};

/// Most kernel arguments a job may have: the task registry's hard cap
/// (`ogpu_task_registry::HARD_MAX_ARGS`, checked in this crate's tests).
pub const MAX_ARGS: usize = 64;

/// What the executor accepts on its device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest single buffer, bytes (the device's `max_alloc_bytes` at most).
    pub max_buffer_bytes: u64,
    /// Largest sum of all buffers of one job, bytes (the device's global memory at most).
    pub max_total_bytes: u64,
    /// Most work-items in a work-group.
    pub max_work_group_size: usize,
    /// Largest local size per dimension; its length is the number of dimensions.
    pub max_work_item_sizes: Vec<usize>,
}

/// One kernel argument, ready to bind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    /// An input buffer's bytes, checked against the job's digest.
    Input(Vec<u8>),
    /// An output buffer's size, bytes.
    Output(usize),
    Scalar(Scalar),
}

/// A job whose shape fits the executor's limits and whose inputs are fetched and verified.
/// Made by [`crate::Executor::prepare`], run by [`crate::Executor::execute`] of the same
/// executor.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedJob {
    pub(crate) source: String,
    pub(crate) entry_point: String,
    pub(crate) args: Vec<Arg>,
    pub(crate) global: Vec<usize>,
    pub(crate) local: Option<Vec<usize>>,
}

impl PreparedJob {
    /// Checks `job` against `limits`, then fetches its kernel source and inputs.
    pub(crate) fn prepare(
        job: &OpenClJob,
        limits: &Limits,
        source: &dyn InputSource,
    ) -> Result<Self, ExecError> {
        let (global, local) = work_sizes(job, limits)?;
        check_buffers(job, limits)?;
        let args = job
            .args
            .iter()
            .map(|arg| {
                Ok(match arg {
                    KernelArg::Input { payload } => Arg::Input(input::payload(payload, source)?),
                    // Fits: check_buffers bounded it by an in-memory size.
                    KernelArg::Output { size } => Arg::Output(size.u64() as usize),
                    KernelArg::Scalar { value } => Arg::Scalar(value.clone()),
                })
            })
            .collect::<Result<_, ExecError>>()?;
        Ok(PreparedJob {
            source: input::kernel_source(&job.kernel, limits.max_buffer_bytes, source)?,
            entry_point: job.entry_point.clone(),
            args,
            global,
            local,
        })
    }

    /// Bytes of the job's output buffers together: what is read back after the run.
    pub fn output_bytes(&self) -> usize {
        self.args
            .iter()
            .map(|arg| match arg {
                Arg::Output(size) => *size,
                _ => 0,
            })
            .sum()
    }
}

fn invalid(reason: String) -> ExecError {
    ExecError::InvalidJob(reason)
}

/// The global and local sizes as `usize`, after checking dimensions, zero sizes,
/// divisibility (OpenCL 1.2 needs whole work-groups) and the device's work-group limits.
fn work_sizes(
    job: &OpenClJob,
    limits: &Limits,
) -> Result<(Vec<usize>, Option<Vec<usize>>), ExecError> {
    let dims = job.global_work_size.len();
    let max_dims = limits.max_work_item_sizes.len().min(3);
    if dims == 0 || dims > max_dims {
        return Err(invalid(format!(
            "global work size has {dims} dimensions; the device takes 1 to {max_dims}"
        )));
    }
    let to_usize = |sizes: &[cosmwasm_std::Uint64], what: &str| {
        sizes
            .iter()
            .map(|s| match usize::try_from(s.u64()) {
                Ok(0) | Err(_) => Err(invalid(format!("{what} work size {s} is out of range"))),
                Ok(n) => Ok(n),
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let global = to_usize(&job.global_work_size, "global")?;
    if global
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .is_none()
    {
        return Err(invalid(format!("global work size {global:?} overflows")));
    }
    let Some(local) = &job.local_work_size else {
        return Ok((global, None));
    };
    let local = to_usize(local, "local")?;
    if local.len() != dims {
        return Err(invalid(format!(
            "local work size has {} dimensions, global {dims}",
            local.len()
        )));
    }
    for (d, (&l, &g)) in local.iter().zip(&global).enumerate() {
        if g % l != 0 {
            return Err(invalid(format!(
                "local size {l} does not divide global size {g} in dimension {d}"
            )));
        }
        if l > limits.max_work_item_sizes[d] {
            return Err(invalid(format!(
                "local size {l} exceeds the device's {} in dimension {d}",
                limits.max_work_item_sizes[d]
            )));
        }
    }
    let group: usize = local.iter().product();
    if group > limits.max_work_group_size {
        return Err(invalid(format!(
            "work-group of {group} work-items exceeds the device's {}",
            limits.max_work_group_size
        )));
    }
    Ok((global, Some(local)))
}

/// Argument count, and every buffer's declared size: not empty (OpenCL has no empty
/// buffers), within the per-buffer and per-job limits.
fn check_buffers(job: &OpenClJob, limits: &Limits) -> Result<(), ExecError> {
    if job.args.len() > MAX_ARGS {
        return Err(invalid(format!(
            "{} kernel arguments; at most {MAX_ARGS}",
            job.args.len()
        )));
    }
    let mut total: u64 = 0;
    for (i, arg) in job.args.iter().enumerate() {
        let size = match arg {
            KernelArg::Input { payload } => payload.size(),
            KernelArg::Output { size } => size.u64(),
            KernelArg::Scalar { .. } => continue,
        };
        if size == 0 || size > limits.max_buffer_bytes {
            return Err(invalid(format!(
                "argument {i}: buffer of {size} bytes; 1 to {} allowed",
                limits.max_buffer_bytes
            )));
        }
        total = total.saturating_add(size);
    }
    if total > limits.max_total_bytes {
        return Err(invalid(format!(
            "buffers total {total} bytes; at most {}",
            limits.max_total_bytes
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InlineOnly;
    use cosmwasm_std::Uint64;

    fn limits() -> Limits {
        Limits {
            max_buffer_bytes: 1024,
            max_total_bytes: 2048,
            max_work_group_size: 256,
            max_work_item_sizes: vec![256, 256, 64],
        }
    }

    fn sizes(values: &[u64]) -> Vec<Uint64> {
        values.iter().copied().map(Uint64::new).collect()
    }

    fn prepare(job: &OpenClJob) -> Result<PreparedJob, ExecError> {
        PreparedJob::prepare(job, &limits(), &InlineOnly)
    }

    fn rejected(job: &OpenClJob, reason: &str) {
        match prepare(job) {
            Err(ExecError::InvalidJob(got)) => assert!(got.contains(reason), "{got}"),
            other => panic!("expected InvalidJob({reason}), got {other:?}"),
        }
    }

    #[test]
    fn a_valid_job_keeps_its_arguments_in_order() {
        let job = ogpu_testing::fixtures::job();
        let prepared = prepare(&job).unwrap();
        assert_eq!(
            prepared.args,
            vec![
                Arg::Input(vec![1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0]),
                Arg::Output(16),
                Arg::Scalar(Scalar::U32(10)),
            ]
        );
        assert_eq!(prepared.global, vec![4]);
        assert_eq!(prepared.local, None);
        assert_eq!(prepared.output_bytes(), 16);
    }

    #[test]
    fn work_sizes_are_checked_against_the_device() {
        let mut job = ogpu_testing::fixtures::job();
        job.global_work_size = vec![];
        rejected(&job, "0 dimensions");
        job.global_work_size = sizes(&[4, 4, 4, 4]);
        rejected(&job, "4 dimensions");
        job.global_work_size = sizes(&[4, 0]);
        rejected(&job, "global work size 0");
        job.global_work_size = sizes(&[u64::MAX, u64::MAX]);
        rejected(&job, "overflows");
        job.global_work_size = sizes(&[512, 4]);
        job.local_work_size = Some(sizes(&[512]));
        rejected(&job, "1 dimensions, global 2");
        job.local_work_size = Some(sizes(&[3, 4]));
        rejected(&job, "does not divide");
        job.local_work_size = Some(sizes(&[512, 1]));
        rejected(&job, "exceeds the device's 256 in dimension 0");
        job.local_work_size = Some(sizes(&[128, 4]));
        rejected(&job, "work-group of 512");
        job.local_work_size = Some(sizes(&[64, 4]));
        assert_eq!(prepare(&job).unwrap().local, Some(vec![64, 4]));
    }

    #[test]
    fn buffers_and_arguments_are_bounded() {
        let mut job = ogpu_testing::fixtures::job();
        job.args[1] = KernelArg::Output {
            size: Uint64::new(0),
        };
        rejected(&job, "argument 1: buffer of 0 bytes");
        job.args[1] = KernelArg::Output {
            size: Uint64::new(1025),
        };
        rejected(&job, "argument 1: buffer of 1025 bytes");
        job.args[1] = KernelArg::Output {
            size: Uint64::new(1024),
        };
        job.args.push(job.args[1].clone());
        job.args.push(job.args[1].clone());
        rejected(&job, "total 3088 bytes");
        let scalar = KernelArg::Scalar {
            value: Scalar::I32(-1),
        };
        job.args = vec![scalar; MAX_ARGS + 1];
        rejected(&job, "65 kernel arguments");
    }

    #[test]
    fn the_argument_cap_is_the_registrys() {
        assert_eq!(MAX_ARGS, ogpu_task_registry::HARD_MAX_ARGS as usize);
    }
}
