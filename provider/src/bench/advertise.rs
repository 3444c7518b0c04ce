//! The throughput a provider advertises (`Device::gflops`): the register-blocked f32
//! matmul's best rate over a ladder of sizes, so that the figure is the device's and not
//! the size's. A size too small leaves compute units idle and pays launch overhead; one
//! too large falls out of the caches (on this CPU the blocked kernel drops from ~70 to ~14
//! GFLOP/s between 1024³ and 2048³). The ladder climbs while the rate grows, stops once it
//! falls well below the best or a run gets long, and keeps the best: the size that
//! saturates the device. It takes a few seconds on a CPU, well under a second on a GPU.

use std::fmt;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::matmul::{Element, Variant};
use super::{check, time, LONG_RUN};
use crate::{ExecError, Executor};

/// Matrix sides tried, in order.
pub const LADDER: [usize; 5] = [128, 256, 512, 1024, 2048];
/// Timed runs per size (the fastest counts).
const REPEATS: usize = 3;
/// Once the rate falls below this share of the best, larger sizes only fall further.
const FALLEN: f64 = 0.5;
/// The ladder stops past this much time (the register command promises under 10 s).
const BUDGET: Duration = Duration::from_secs(6);

/// The advertised rate and where it was measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advertised {
    /// The best rate, GFLOP/s.
    pub rate: f64,
    /// The side it was measured at.
    pub size: usize,
    /// Every size tried and its rate.
    pub ladder: Vec<(usize, f64)>,
}

impl Advertised {
    /// Whole GFLOP/s.
    pub fn gflops(&self) -> u64 {
        self.rate as u64
    }
}

impl fmt::Display for Advertised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tried: Vec<String> = self
            .ladder
            .iter()
            .map(|(n, rate)| format!("{n}³ {rate:.1}"))
            .collect();
        write!(
            f,
            "advertised: {} GFLOP/s (matmul f32 blocked at {}³, the best of {})",
            self.gflops(),
            self.size,
            tried.join(", ")
        )
    }
}

/// Measures the advertised rate on `executor`'s device.
pub fn advertised(executor: &Executor) -> Result<Advertised, ExecError> {
    let start = Instant::now();
    check(executor, Element::F32, Variant::Blocked, 64)?;
    let mut ladder = Vec::new();
    let mut best = (0.0f64, LADDER[0]);
    for n in LADDER {
        let run = time(executor, Element::F32, Variant::Blocked, n, REPEATS)?;
        ladder.push((n, run.rate));
        if run.rate > best.0 {
            best = (run.rate, n);
        }
        let long = Duration::from_secs_f64(run.seconds) > LONG_RUN / 4;
        if run.rate < best.0 * FALLEN || long || start.elapsed() > BUDGET {
            break;
        }
    }
    Ok(Advertised {
        rate: best.0,
        size: best.1,
        ladder,
    })
}
