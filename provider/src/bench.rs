//! `ogpu-provider bench`: the device's throughput on built-in kernels, for the provider's
//! capability metadata (`Device::gflops`) and for its operator.
//!
//! The matrix multiplies run as ordinary jobs through the [`Executor`], so they measure
//! the path a client's task takes; each is first checked against a CPU reference on a
//! small size (not timed). Times are the kernel's alone (best of the repeats), without
//! the program build and the input copies.

mod advertise;
mod matmul;

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use cosmwasm_std::Uint64;
use ogpu_types::{KernelArg, KernelSource, OpenClJob};

use crate::error::ExecError;
use crate::{table, Executor, InlineOnly};
use matmul::{Element, Variant, BLOCK_COLS};

pub use advertise::{advertised, Advertised, LADDER};

/// Beyond this a kernel is not run again: noise is small next to it, and the naive
/// kernels take seconds.
const LONG_RUN: Duration = Duration::from_secs(1);

/// What the benchmark runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchConfig {
    /// Side of the square matrices timed (a multiple of 16).
    pub size: usize,
    /// Side of the matrices checked against the CPU (a multiple of 16).
    pub check_size: usize,
    /// Timed runs per kernel (at least two); the fastest counts.
    pub repeats: usize,
    /// Nonces hashed by the timed hash search.
    pub hash_nonces: u64,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            size: 1024,
            check_size: 64,
            repeats: 3,
            hash_nonces: 1 << 24,
        }
    }
}

/// One measured kernel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchResult {
    /// e.g. `matmul f32 blocked`, `hash search`, `job overhead`.
    pub kernel: String,
    /// e.g. `1024³`, `16777216 nonces`.
    pub size: String,
    pub seconds: f64,
    /// Throughput in `unit`.
    pub rate: f64,
    /// `GFLOP/s` (f32), `GOP/s` (i32), `MH/s`, or `jobs/s` (the job overhead alone).
    pub unit: String,
    /// A blocked kernel's rate over the naive one of the same type.
    pub speedup: Option<f64>,
}

/// The benchmark of one device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// The device's name.
    pub device: String,
    pub results: Vec<BenchResult>,
    /// The f32 throughput the provider advertises, measured at the size that saturates
    /// the device (see [`advertised`]), whatever `size` the table used.
    pub advertised: Advertised,
}

impl BenchReport {
    /// The advertised f32 rate, whole GFLOP/s: what `Device::gflops` says.
    pub fn gflops(&self) -> u64 {
        self.advertised.gflops()
    }

    /// The report as a text table.
    pub fn table(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .results
            .iter()
            .map(|r| {
                vec![
                    r.kernel.clone(),
                    r.size.clone(),
                    duration(r.seconds),
                    format!("{:.1} {}", r.rate, r.unit),
                    r.speedup.map_or(String::new(), |s| format!("{s:.1}×")),
                ]
            })
            .collect();
        format!(
            "device: {}\n{}\n{}",
            self.device,
            table::render(&["kernel", "size", "time", "rate", "speedup"], &rows),
            self.advertised
        )
    }
}

/// `seconds` in the unit that shows three or four significant digits.
fn duration(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.3} s")
    } else if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}

/// Runs the benchmark on `executor`'s device.
pub fn run(executor: &Executor, config: &BenchConfig) -> Result<BenchReport, ExecError> {
    for side in [config.size, config.check_size] {
        if side == 0 || side % BLOCK_COLS != 0 {
            return Err(ExecError::InvalidJob(format!(
                "matrix side {side} is not a positive multiple of {BLOCK_COLS}"
            )));
        }
    }
    let mut results = Vec::new();
    for element in [Element::F32, Element::I32] {
        let naive = measure(executor, config, element, Variant::Naive)?;
        let blocked = measure(executor, config, element, Variant::Blocked)?;
        let speedup = blocked.rate / naive.rate;
        results.push(naive);
        results.push(BenchResult {
            speedup: Some(speedup),
            ..blocked
        });
    }
    results.push(hash_rate(executor, config)?);
    results.push(job_overhead(executor)?);
    Ok(BenchReport {
        device: executor.device().name.clone(),
        results,
        advertised: advertised(executor)?,
    })
}

/// Checks one matmul kernel at `check_size`, then times it at `size`.
fn measure(
    executor: &Executor,
    config: &BenchConfig,
    element: Element,
    variant: Variant,
) -> Result<BenchResult, ExecError> {
    check(executor, element, variant, config.check_size)?;
    time(executor, element, variant, config.size, config.repeats)
}

/// Runs one matmul kernel at `n`³ and compares its result with the CPU's byte for byte
/// (entries are small integers, so every f32 sum is exact).
fn check(
    executor: &Executor,
    element: Element,
    variant: Variant,
    n: usize,
) -> Result<(), ExecError> {
    let (a, b) = matmul::operands(n);
    let job = executor.prepare(&matmul::job(element, variant, n, &a, &b), &InlineOnly)?;
    if executor.execute(&job, None)?.result() != matmul::reference(element, n, &a, &b) {
        return Err(ExecError::Runtime(format!(
            "matmul {} {} differs from the CPU at {n}³",
            element.name(),
            variant.name()
        )));
    }
    Ok(())
}

/// The best of `repeats` runs of one matmul kernel at `n`³.
fn time(
    executor: &Executor,
    element: Element,
    variant: Variant,
    n: usize,
    repeats: usize,
) -> Result<BenchResult, ExecError> {
    let (a, b) = matmul::operands(n);
    let timed = executor.prepare(&matmul::job(element, variant, n, &a, &b), &InlineOnly)?;
    let seconds = best_of(repeats, || Ok(executor.execute(&timed, None)?.kernel_time))?;
    Ok(BenchResult {
        kernel: format!("matmul {} {}", element.name(), variant.name()),
        size: format!("{n}³"),
        seconds,
        rate: 2.0 * (n as f64).powi(3) / seconds / 1e9,
        unit: match element {
            Element::F32 => "GFLOP/s",
            Element::I32 => "GOP/s",
        }
        .into(),
        speedup: None,
    })
}

/// Hashes `nonces` nonces at a difficulty no nonce meets in practice.
fn hash_rate(executor: &Executor, config: &BenchConfig) -> Result<BenchResult, ExecError> {
    const PREFIX: &[u8] = b"ogpu-provider bench";
    let nonces = config.hash_nonces;
    let seconds = best_of(config.repeats, || {
        let start = Instant::now();
        executor.hash_search(PREFIX, 64, 0, nonces)?;
        Ok(start.elapsed())
    })?;
    Ok(BenchResult {
        kernel: "hash search".into(),
        size: format!("{nonces} nonces"),
        seconds,
        rate: nonces as f64 / seconds / 1e6,
        unit: "MH/s".into(),
        speedup: None,
    })
}

/// The shortest of `repeats` timings, in seconds, and of at least two: the first run of a
/// kernel pays for compiling it (PoCL compiles again for each new work-group shape). Runs
/// stop once the best took over [`LONG_RUN`].
fn best_of(
    repeats: usize,
    mut time: impl FnMut() -> Result<Duration, ExecError>,
) -> Result<f64, ExecError> {
    let mut best = Duration::MAX;
    for run in 0..repeats.max(2) {
        best = best.min(time()?);
        if run >= 1 && best > LONG_RUN {
            break;
        }
    }
    Ok(best.as_secs_f64())
}

/// What a job costs besides its kernel once its program is cached: preparing it, a
/// command queue, the kernel object and its argument checks, the buffers, waiting for the
/// launch, reading the output.
/// The median of `OVERHEAD_RUNS` tiny jobs.
fn job_overhead(executor: &Executor) -> Result<BenchResult, ExecError> {
    const OVERHEAD_RUNS: usize = 21;
    const ITEMS: u64 = 64;
    let job = OpenClJob {
        kernel: KernelSource::Inline {
            source: "__kernel void ids(__global uint *out) { out[get_global_id(0)] = 1; }".into(),
        },
        entry_point: "ids".into(),
        args: vec![KernelArg::Output {
            size: Uint64::new(4 * ITEMS),
        }],
        global_work_size: vec![Uint64::new(ITEMS)],
        local_work_size: None,
    };
    executor.execute(&executor.prepare(&job, &InlineOnly)?, None)?;
    let mut overheads = Vec::with_capacity(OVERHEAD_RUNS);
    for _ in 0..OVERHEAD_RUNS {
        let start = Instant::now();
        let result = executor.execute(&executor.prepare(&job, &InlineOnly)?, None)?;
        overheads.push(start.elapsed().saturating_sub(result.kernel_time));
    }
    overheads.sort();
    let seconds = overheads[OVERHEAD_RUNS / 2].as_secs_f64();
    Ok(BenchResult {
        kernel: "job overhead".into(),
        size: format!("{ITEMS} work-items, cached"),
        seconds,
        rate: 1.0 / seconds,
        unit: "jobs/s".into(),
        speedup: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_keep_their_digits() {
        assert_eq!(duration(1.9204), "1.920 s");
        assert_eq!(duration(0.0201), "20.10 ms");
        assert_eq!(duration(0.000_127_6), "127.6 µs");
    }
}
