//! The provider's OpenCL figures: the built-in benchmark on the first device.

use ogpu_provider::{
    bench, device, BenchConfig, BenchReport, DeviceInfo, Executor, ExecutorConfig,
};

use crate::error::{DemoError, DemoResult};

fn opencl(e: impl std::fmt::Display) -> DemoError {
    DemoError::Setup(format!(
        "OpenCL: {e} (install an OpenCL driver, e.g. `apt install pocl-opencl-icd`)"
    ))
}

/// Runs `ogpu-provider bench`'s kernels on device 0: the device and its report.
pub fn measure(config: &BenchConfig) -> DemoResult<(DeviceInfo, BenchReport)> {
    let info = device(0).map_err(opencl)?;
    let executor = Executor::new(info.clone(), ExecutorConfig::default()).map_err(opencl)?;
    let report = bench::run(&executor, config).map_err(opencl)?;
    Ok((info, report))
}

/// The throughput `ogpu-provider register` advertises for device 0 (the best f32 rate
/// over the size ladder): the device and its whole GFLOP/s.
pub fn advertised() -> DemoResult<(DeviceInfo, u64)> {
    let info = device(0).map_err(opencl)?;
    let executor = Executor::new(info.clone(), ExecutorConfig::default()).map_err(opencl)?;
    let rate = bench::advertised(&executor).map_err(opencl)?;
    Ok((info, rate.gflops()))
}

/// The result of one kernel of the report, by name.
pub fn result<'a>(report: &'a BenchReport, kernel: &str) -> Option<&'a bench::BenchResult> {
    report.results.iter().find(|r| r.kernel == kernel)
}
