//! Sample messages of the OpenGPU suite: a valid default of each (deployment, provider,
//! job, task spec of every model) that the demo and the report send and tests mutate, and
//! the secrets a scripted provider seals its answers with ([`Sealed`], [`SealedBid`]).
//! Messages only: no contracts and no cw-multi-test, so the demo's binaries can use them.

use cosmwasm_std::{Binary, HexBinary, Uint128, Uint64};
use ogpu_types::registry::{AcceptedAsset, InstantiateMsg, TaskLimits};
use ogpu_types::staking::StakingParams;
use ogpu_types::{
    AssetInfo, CompetitionModel, Device, DeviceType, HashSearch, Job, KernelArg, KernelSource,
    OpenClJob, Payload, ProviderMetadata, Requirements, Scalar, TaskSpec,
};

mod sealed;

pub use sealed::{Sealed, SealedBid};

/// Denom of stake and collateral.
pub const BOND_DENOM: &str = "ustake";
/// Native denom rewards are paid in.
pub const REWARD_DENOM: &str = "uusdc";

/// Collateral each default task asks of a provider.
pub const COLLATERAL: u128 = 1_000;
/// Stake each default provider registers with.
pub const STAKE: u128 = 10_000;
/// `min_stake` of the default suite.
pub const MIN_STAKE: u128 = StakingParams::RECOMMENDED_MIN_STAKE;

pub fn limits() -> TaskLimits {
    TaskLimits::recommended()
}

pub fn staking_params() -> StakingParams {
    StakingParams::recommended(BOND_DENOM)
}

/// The suite as the devnet tests deploy it: rewards and fees in the bond denom (the
/// devnet's only coin, rewards from 1 000), a 1% protocol fee, `treasury` as treasury.
pub fn devnet_suite(treasury: &str) -> InstantiateMsg {
    InstantiateMsg {
        owner: None,
        treasury: treasury.to_string(),
        protocol_fee_bps: 100,
        accepted_assets: vec![AcceptedAsset {
            info: AssetInfo::Native {
                denom: BOND_DENOM.into(),
            },
            min_reward: Uint128::new(1_000),
        }],
        limits: limits(),
        staking_code_id: 0,
        settlement_code_id: 0,
        staking: staking_params(),
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

/// Commits for 600 s, reveals offers for 300 s, 300 s to confirm, 120 s to deliver.
pub fn manual_confirmation() -> CompetitionModel {
    CompetitionModel::ManualConfirmation {
        commit_window: 600,
        reveal_window: 300,
        confirm_window: 300,
        delivery_window: 120,
    }
}

/// Bids for 60 s, reveals for 60 s, 120 s to deliver once awarded.
pub fn sealed_bid_auction() -> CompetitionModel {
    CompetitionModel::SealedBidAuction {
        bid_window: 60,
        reveal_window: 60,
        delivery_window: 120,
    }
}

/// `replicas` slots, `quorum` agreeing digests, 60 s to commit, 60 s to reveal.
pub fn consensus(replicas: u32, quorum: u32) -> CompetitionModel {
    CompetitionModel::Consensus {
        replicas,
        quorum,
        commit_window: 60,
        reveal_window: 60,
    }
}

pub fn spec(model: CompetitionModel) -> TaskSpec {
    TaskSpec {
        job: Job::OpenCl(job()),
        requirements: Requirements::default(),
        model,
        collateral: Uint128::new(COLLATERAL),
        dispute: None,
        result_key: None,
    }
}

/// A fixed X25519 public key results are sealed to in tests (the registry only checks
/// its length; sealing itself is the client library's).
pub const RESULT_KEY: [u8; 32] = [9; 32];

/// [`spec`] with [`RESULT_KEY`] as its result key: results must be posted sealed.
pub fn sealed_spec(model: CompetitionModel) -> TaskSpec {
    TaskSpec {
        result_key: Some(HexBinary::from(RESULT_KEY)),
        ..spec(model)
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
