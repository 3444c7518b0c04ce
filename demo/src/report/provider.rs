//! The provider's OpenCL figures: the built-in benchmark on the first device.

use ogpu_provider::{bench, device, BenchConfig, BenchReport, Executor, ExecutorConfig};

use crate::error::{DemoError, DemoResult};

/// Runs `ogpu-provider bench`'s kernels on device 0.
pub fn measure() -> DemoResult<BenchReport> {
    let setup = |e: &dyn std::fmt::Display| {
        DemoError::Setup(format!(
            "OpenCL: {e} (install an OpenCL driver, e.g. `apt install pocl-opencl-icd`)"
        ))
    };
    let info = device(0).map_err(|e| setup(&e))?;
    let executor = Executor::new(info, ExecutorConfig::default()).map_err(|e| setup(&e))?;
    bench::run(&executor, &BenchConfig::default()).map_err(|e| setup(&e))
}

/// The result of one kernel of the report, by name.
pub fn result<'a>(report: &'a BenchReport, kernel: &str) -> Option<&'a bench::BenchResult> {
    report.results.iter().find(|r| r.kernel == kernel)
}
