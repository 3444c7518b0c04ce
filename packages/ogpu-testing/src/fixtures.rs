//! Valid default messages that tests mutate.

use cosmwasm_std::{Binary, HexBinary, Uint128, Uint64};
use ogpu_types::registry::TaskLimits;
use ogpu_types::staking::{MetadataLimits, StakingParams};
use ogpu_types::{
    CompetitionModel, Device, DeviceType, HashSearch, Job, KernelArg, KernelSource, OpenClJob,
    Payload, ProviderMetadata, Requirements, Scalar, TaskSpec,
};

use crate::suite::BOND_DENOM;

/// Collateral each default task asks of a provider.
pub const COLLATERAL: u128 = 1_000;
/// Stake each default provider registers with.
pub const STAKE: u128 = 10_000;
/// `min_stake` of the default suite.
pub const MIN_STAKE: u128 = 5_000;

pub fn limits() -> TaskLimits {
    TaskLimits {
        max_kernel_bytes: 16 * 1024,
        max_inline_input_bytes: 16 * 1024,
        max_inline_result_bytes: 4 * 1024,
        max_output_bytes: 1 << 30,
        max_args: 16,
        max_uri_len: 256,
        max_allowed_providers: 16,
        max_commitments: 8,
        min_window: 10,
        max_window: 7 * 24 * 3600,
        min_collateral: Uint128::new(100),
    }
}

pub fn staking_params() -> StakingParams {
    StakingParams {
        bond_denom: BOND_DENOM.into(),
        min_stake: Uint128::new(MIN_STAKE),
        unbonding_period: 3600,
        slash_client_share_bps: 5_000,
        max_unbonding_entries: 7,
        metadata_limits: MetadataLimits {
            max_moniker_len: 64,
            max_devices: 8,
            max_field_len: 64,
            max_task_kinds: 8,
        },
    }
}

/// One GPU with 8 GiB and 50 GFLOP/s.
pub fn metadata(moniker: &str) -> ProviderMetadata {
    ProviderMetadata {
        moniker: moniker.into(),
        devices: vec![Device {
            device_type: DeviceType::Gpu,
            vendor: "NVIDIA".into(),
            name: "H100".into(),
            memory_mb: 8192,
            opencl_version: "OpenCL 3.0".into(),
            gflops: 50,
        }],
        task_kinds: vec!["opencl".into()],
    }
}

/// A vector addition of 4 u32 values.
pub fn job() -> OpenClJob {
    OpenClJob {
        kernel: KernelSource::Inline {
            source: "__kernel void add(__global const uint* a, __global uint* out, uint k) \
                     { size_t i = get_global_id(0); out[i] = a[i] + k; }"
                .into(),
        },
        entry_point: "add".into(),
        args: vec![
            KernelArg::Input {
                payload: Payload::Inline {
                    data: Binary::from(vec![1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0]),
                },
            },
            KernelArg::Output {
                size: Uint64::new(16),
            },
            KernelArg::Scalar {
                value: Scalar::U32(10),
            },
        ],
        global_work_size: vec![Uint64::new(4)],
        local_work_size: None,
    }
}

pub fn first_response() -> CompetitionModel {
    CompetitionModel::FirstResponse {
        commit_window: 600,
        reveal_window: 60,
    }
}

pub fn manual_confirmation() -> CompetitionModel {
    CompetitionModel::ManualConfirmation {
        commit_window: 600,
        reveal_window: 300,
        confirm_window: 300,
    }
}

pub fn spec(model: CompetitionModel) -> TaskSpec {
    TaskSpec {
        job: Job::OpenCl(job()),
        requirements: Requirements::default(),
        model,
        collateral: Uint128::new(COLLATERAL),
    }
}

/// Prefix of the fixtures' hash searches.
pub const PREFIX: &[u8] = b"ogpu";

/// A hash search over [`PREFIX`] for `difficulty` leading zero bits, otherwise as [`spec`].
pub fn hash_search(model: CompetitionModel, difficulty: u32) -> TaskSpec {
    TaskSpec {
        job: Job::HashSearch(HashSearch {
            prefix: HexBinary::from(PREFIX),
            difficulty,
        }),
        ..spec(model)
    }
}
