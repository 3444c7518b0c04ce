//! The device the tests run on, or a clear skip where there is none.

use std::io::Write;

use ogpu_provider::{DeviceError, Executor, ExecutorConfig};

/// An executor on device `OGPU_DEVICE` (default 0). Without any OpenCL platform it returns
/// `None` and the test passes after saying why, unless `OGPU_REQUIRE_OPENCL` is set (CI
/// sets it where PoCL is installed, so a broken driver cannot pass silently).
pub fn executor(config: ExecutorConfig) -> Option<Executor> {
    let index = std::env::var("OGPU_DEVICE").map_or(0, |v| v.parse().expect("OGPU_DEVICE"));
    match ogpu_provider::device(index) {
        Ok(device) => Some(Executor::new(device, config).expect("open the device")),
        Err(DeviceError::NoPlatform(reason))
            if std::env::var_os("OGPU_REQUIRE_OPENCL").is_none() =>
        {
            // Straight to stderr: the test harness captures `eprintln!` of passing tests.
            let _ = writeln!(std::io::stderr(), "SKIPPED: no OpenCL platform ({reason})");
            None
        }
        Err(err) => panic!("{err}"),
    }
}
