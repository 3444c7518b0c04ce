//! What a provider advertises about itself and what the market remembers about it.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::Uint128;

/// Kind of an OpenCL device, as reported by `CL_DEVICE_TYPE`.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum DeviceType {
    Gpu,
    Cpu,
    Accelerator,
}

/// One OpenCL device a provider offers.
#[cw_serde]
pub struct Device {
    /// GPU, CPU or accelerator.
    pub device_type: DeviceType,
    /// Vendor string (`CL_DEVICE_VENDOR`), size-capped.
    pub vendor: String,
    /// Device name (`CL_DEVICE_NAME`), size-capped.
    pub name: String,
    /// Global memory in MiB.
    pub memory_mb: u64,
    /// OpenCL version string, e.g. `OpenCL 3.0`.
    pub opencl_version: String,
    /// Benchmarked f32 matmul throughput in GFLOP/s (from `ogpu-provider bench`).
    pub gflops: u64,
}

/// What a task's requirements look at in one device: the registry keeps this much of
/// each registered device, so a commitment is checked without reading the metadata.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct DeviceProfile {
    pub device_type: DeviceType,
    /// Global memory in MiB.
    pub memory_mb: u64,
    /// Benchmarked f32 matmul throughput in GFLOP/s.
    pub gflops: u64,
}

impl From<&Device> for DeviceProfile {
    fn from(device: &Device) -> Self {
        DeviceProfile {
            device_type: device.device_type,
            memory_mb: device.memory_mb,
            gflops: device.gflops,
        }
    }
}

/// Self-declared provider description, size-capped by the staking contract's limits.
#[cw_serde]
pub struct ProviderMetadata {
    /// Human-readable name.
    pub moniker: String,
    /// Devices the provider runs tasks on.
    pub devices: Vec<Device>,
    /// Task kinds it accepts, e.g. `opencl`.
    pub task_kinds: Vec<String>,
}

/// Reputation counters, updated only by the task registry.
#[cw_serde]
#[derive(Default)]
pub struct Reputation {
    /// Tasks won and paid.
    pub completed: u64,
    /// Tasks joined and not delivered (every slash is also a failure).
    pub failed: u64,
    /// Times collateral was slashed.
    pub slashed: u64,
}

/// How many completed tasks one slash cancels in the reputation score.
pub const SLASH_WEIGHT: u64 = 5;

impl Reputation {
    /// The score `min_reputation` is compared with: `completed − 5 × slashed`, floored at 0.
    pub fn score(&self) -> u64 {
        self.completed
            .saturating_sub(self.slashed.saturating_mul(SLASH_WEIGHT))
    }
}

/// Earnings in one asset, kept per provider.
#[cw_serde]
pub struct Earning {
    /// Asset key as produced by [`crate::AssetInfo::key`].
    pub asset: String,
    pub amount: Uint128,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_discounts_slashes_and_floors_at_zero() {
        let rep = Reputation {
            completed: 12,
            failed: 1,
            slashed: 1,
        };
        assert_eq!(rep.score(), 7);
        let bad = Reputation {
            completed: 2,
            failed: 3,
            slashed: 3,
        };
        assert_eq!(bad.score(), 0);
    }
}
