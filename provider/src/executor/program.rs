//! Building programs, and the cache that makes a repeated kernel cost a lookup instead of
//! a compilation (PoCL: about 0.8 s to build, 0.04 s cached — see shared/BUILDING.md).

use std::ffi::CString;

use ocl::core::{self, Program, ProgramBuildInfo, ProgramBuildInfoResult};
use ocl::{Context, Device};
use ogpu_types::commitment::sha256;
use ogpu_types::Hash32;

use crate::error::ExecError;

/// Options every build gets: argument info lets the executor check each argument's
/// address space before binding it (a scalar bound to a pointer would crash the driver).
pub(crate) const REQUIRED_OPTIONS: &str = "-cl-kernel-arg-info";

/// What identifies a built program: the same source, built with the same options for the
/// same device, is the same binary.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ProgramKey {
    source: Hash32,
    options: String,
    device: Device,
}

impl ProgramKey {
    pub(crate) fn new(source: &str, options: &str, device: Device) -> Self {
        ProgramKey {
            source: sha256(source.as_bytes()),
            options: options.to_string(),
            device,
        }
    }
}

/// Compiles `source` for `device`. A failure carries the compiler's log (or the OpenCL
/// error when the compiler wrote none, e.g. for invalid options).
pub(crate) fn build(
    context: &Context,
    device: Device,
    source: &str,
    options: &str,
) -> Result<Program, ExecError> {
    let text = CString::new(source)
        .map_err(|_| ExecError::InvalidJob("kernel source contains a NUL byte".into()))?;
    let options = CString::new(format!("{REQUIRED_OPTIONS} {options}"))
        .map_err(|_| ExecError::InvalidJob("build options contain a NUL byte".into()))?;
    let program = core::create_program_with_source(context.as_core(), &[text])?;
    match core::build_program(&program, Some(&[device]), &options, None, None) {
        Ok(()) => Ok(program),
        Err(err) => {
            let log =
                match core::get_program_build_info(&program, device, ProgramBuildInfo::BuildLog) {
                    Ok(ProgramBuildInfoResult::BuildLog(log)) if !log.trim().is_empty() => log,
                    _ => err.to_string(),
                };
            Err(ExecError::Build { log })
        }
    }
}
