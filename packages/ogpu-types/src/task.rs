//! The task: what a client asks for, how providers compete for it, and its on-chain record.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Binary, HexBinary, Int64, Timestamp, Uint128, Uint64};

use crate::asset::Asset;
use crate::commitment::{sha256, to_hash32, CommitmentError, Hash32};
use crate::hash_search::HashSearch;
use crate::provider::{Device, DeviceProfile, DeviceType};

/// Bytes given inline (size-capped) or by reference to off-chain storage.
#[cw_serde]
pub enum Payload {
    /// The bytes themselves.
    Inline { data: Binary },
    /// Bytes stored elsewhere; whoever fetches them verifies `sha256` and `size`.
    Reference {
        uri: String,
        sha256: HexBinary,
        size: Uint64,
    },
}

impl Payload {
    /// The payload's identity: `sha256` of its bytes.
    pub fn digest(&self) -> Result<Hash32, CommitmentError> {
        match self {
            Payload::Inline { data } => Ok(sha256(data)),
            Payload::Reference { sha256, .. } => to_hash32("sha256", sha256),
        }
    }

    /// Number of bytes the payload stands for.
    pub fn size(&self) -> u64 {
        match self {
            Payload::Inline { data } => data.len() as u64,
            Payload::Reference { size, .. } => size.u64(),
        }
    }
}

/// Where the kernel's OpenCL C source comes from.
#[cw_serde]
pub enum KernelSource {
    /// Source text inline (capped by `TaskLimits::max_kernel_bytes`).
    Inline { source: String },
    /// Source stored off-chain, identified by its SHA-256.
    Reference { uri: String, sha256: HexBinary },
}

/// A scalar kernel argument. Floats travel as their IEEE-754 bit pattern because
/// CosmWasm contracts must not execute float instructions.
#[cw_serde]
pub enum Scalar {
    I32(i32),
    U32(u32),
    I64(Int64),
    U64(Uint64),
    /// `f32::to_bits` of the value.
    F32Bits(u32),
}

/// One argument of the kernel's entry point, in order.
#[cw_serde]
pub enum KernelArg {
    /// A read-only input buffer.
    Input { payload: Payload },
    /// A write-only output buffer of `size` bytes; the result is all output buffers in order.
    Output { size: Uint64 },
    /// A scalar value.
    Scalar { value: Scalar },
}

/// The work: one OpenCL kernel launch. Its result is the bytes of its output buffers
/// concatenated in argument order; the result's identity is `sha256(result)`.
#[cw_serde]
pub struct OpenClJob {
    pub kernel: KernelSource,
    /// Name of the `__kernel` function to run.
    pub entry_point: String,
    pub args: Vec<KernelArg>,
    /// Global work size, 1 to 3 dimensions.
    pub global_work_size: Vec<Uint64>,
    /// Local work size; same dimensions as the global size, or absent for the driver's choice.
    pub local_work_size: Option<Vec<Uint64>>,
}

/// The work a task asks for.
#[cw_serde]
pub enum Job {
    /// A kernel the client supplies; the result is its output buffers. Results are
    /// checked by commitments only.
    #[serde(rename = "opencl")]
    OpenCl(OpenClJob),
    /// A search the registry verifies itself (see `ogpu_types::hash_search`): the
    /// provider runs its own kernel and the result is the nonce it found, 8 bytes.
    HashSearch(HashSearch),
}

impl Job {
    /// Stable lowercase name of the task kind, used in events (and in providers'
    /// advertised task kinds).
    pub fn kind(&self) -> &'static str {
        match self {
            Job::OpenCl(_) => "opencl",
            Job::HashSearch(_) => "hash_search",
        }
    }
}

/// Device classes a task may demand.
#[cw_serde]
#[derive(Copy, Eq, Default)]
pub enum DeviceClass {
    #[default]
    Any,
    Gpu,
    Cpu,
}

impl DeviceClass {
    pub fn admits(self, device_type: DeviceType) -> bool {
        match self {
            DeviceClass::Any => true,
            DeviceClass::Gpu => device_type == DeviceType::Gpu,
            DeviceClass::Cpu => device_type == DeviceType::Cpu,
        }
    }
}

/// What the staking contract checks when a provider locks collateral for a task.
#[cw_serde]
#[derive(Default)]
pub struct Eligibility {
    /// Minimum bonded stake (on top of the staking contract's own `min_stake`).
    pub min_stake: Uint128,
    pub device_class: DeviceClass,
    /// Minimum global memory of one qualifying device, MiB.
    pub min_memory_mb: u64,
    /// Minimum benchmarked GFLOP/s of one qualifying device.
    pub min_gflops: u64,
    /// Minimum [`crate::Reputation::score`].
    pub min_reputation: u64,
}

impl Eligibility {
    /// True when one single device meets the class, memory and throughput demands.
    pub fn admits_device(&self, device: &Device) -> bool {
        self.admits(&DeviceProfile::from(device))
    }

    /// The same, for a device as the registry keeps it.
    pub fn admits(&self, device: &DeviceProfile) -> bool {
        self.device_class.admits(device.device_type)
            && device.memory_mb >= self.min_memory_mb
            && device.gflops >= self.min_gflops
    }
}

/// Who may take part in a task.
#[cw_serde]
#[derive(Default)]
pub struct Requirements {
    pub eligibility: Eligibility,
    /// When not empty, only these providers may commit (size-capped).
    pub allowed_providers: Vec<String>,
}

/// How providers compete. Windows are in seconds and bounded by `TaskLimits`.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum CompetitionModel {
    /// Providers commit during `commit_window`, in a queue: the first commitment opens in
    /// a later block, within `reveal_window` seconds; each later one only once every
    /// commitment before it has passed its window unopened, then for `reveal_window`
    /// seconds. The first valid reveal wins the whole reward, paid in the same
    /// transaction — so a provider that commits behind another knows at once it is a
    /// stand-by, and pays for a reveal only if the ones before it stay silent.
    FirstResponse {
        commit_window: u64,
        reveal_window: u64,
    },
    /// Sealed offers: providers commit a result digest and a price ≤ reward during
    /// `commit_window` and reveal both (never the result) during the following
    /// `reveal_window`. The client confirms one offer by price and by the provider's record
    /// within the reveal and `confirm_window`; after that anyone can finalize and the
    /// cheapest offer is confirmed. The chosen provider delivers its result within
    /// `delivery_window` and is paid its price in that transaction; a missed delivery is
    /// slashed and the next offer, cheapest first, is promoted.
    ManualConfirmation {
        commit_window: u64,
        reveal_window: u64,
        confirm_window: u64,
        delivery_window: u64,
    },
    /// A sealed-bid reverse (second-price) auction for the right to execute. Providers
    /// commit sealed price bids ([`crate::bid_commitment`], collateral locked) during
    /// `bid_window` and open them during the following `reveal_window`. The lowest
    /// revealed price wins and is paid the second-lowest revealed price (the reward when
    /// it is the only one); it delivers its result by commit–reveal within
    /// `delivery_window` of being awarded, else it is slashed and the next-lowest bidder
    /// is promoted. Unrevealed bids lose `TaskLimits::unrevealed_bid_penalty_bps` of
    /// their collateral; the other losers get theirs back when the winner is fixed.
    SealedBidAuction {
        bid_window: u64,
        reveal_window: u64,
        delivery_window: u64,
    },
    /// Replication: up to `replicas` providers commit result digests during
    /// `commit_window`; reveals (of digests only) open when all `replicas` committed or the
    /// window passes, for `reveal_window` seconds. A strict majority (`quorum` > `replicas`
    /// / 2) of agreeing digests accepts the result; one of the agreeing providers then
    /// delivers it within another `reveal_window`, and each of them is paid
    /// `reward / replicas` in that transaction.
    Consensus {
        replicas: u32,
        quorum: u32,
        commit_window: u64,
        reveal_window: u64,
    },
}

impl CompetitionModel {
    /// Stable lowercase name, used in events and queries.
    pub fn name(&self) -> &'static str {
        match self {
            CompetitionModel::FirstResponse { .. } => "first_response",
            CompetitionModel::ManualConfirmation { .. } => "manual_confirmation",
            CompetitionModel::SealedBidAuction { .. } => "sealed_bid_auction",
            CompetitionModel::Consensus { .. } => "consensus",
        }
    }

    /// Every window of the model, named as in its fields without `_window`, in order.
    pub fn windows(&self) -> Vec<(&'static str, u64)> {
        match *self {
            CompetitionModel::FirstResponse {
                commit_window,
                reveal_window,
            }
            | CompetitionModel::Consensus {
                commit_window,
                reveal_window,
                ..
            } => vec![("commit", commit_window), ("reveal", reveal_window)],
            CompetitionModel::ManualConfirmation {
                commit_window,
                reveal_window,
                confirm_window,
                delivery_window,
            } => vec![
                ("commit", commit_window),
                ("reveal", reveal_window),
                ("confirm", confirm_window),
                ("delivery", delivery_window),
            ],
            CompetitionModel::SealedBidAuction {
                bid_window,
                reveal_window,
                delivery_window,
            } => vec![
                ("bid", bid_window),
                ("reveal", reveal_window),
                ("delivery", delivery_window),
            ],
        }
    }

    /// Whether a result reveal carries no price: the price is fixed by the model (the
    /// reward in First Response, a replica's share in Consensus, the auction's price).
    pub fn fixed_price(&self) -> bool {
        !matches!(self, CompetitionModel::ManualConfirmation { .. })
    }
}

/// What a client publishes. The reward is the funds sent with `PublishTask`
/// (or the cw20 amount), the most the client pays.
#[cw_serde]
pub struct TaskSpec {
    pub job: Job,
    pub requirements: Requirements,
    pub model: CompetitionModel,
    /// Collateral in the bond denom each provider locks when it commits.
    pub collateral: Uint128,
    /// First Response and Manual Confirmation on OpenCL jobs: let the client dispute the
    /// accepted result (the winner's collateral stays locked for the window).
    #[serde(default)]
    pub dispute: Option<DisputeTerms>,
    /// OpenCL jobs: the client's X25519 public key (32 bytes). Providers deliver the result
    /// sealed to it with HPKE (RFC 9180), so only the client reads it; commitments and
    /// consensus still bind the plaintext's digest. Without it results are public.
    #[serde(default)]
    pub result_key: Option<HexBinary>,
}

/// Bytes HPKE adds to a sealed result: the encapsulated X25519 key (32) and the AEAD tag
/// (16). An inline sealed result is at least this long.
pub const SEALED_RESULT_OVERHEAD: usize = 32 + 16;

/// How an accepted result may be disputed: within `window` seconds of completion the
/// client posts `bond` (in the reward's asset) and the job is re-run as a Consensus round
/// of `replicas` (at least 3) other providers with a strict-majority `quorum`, paid from
/// the bond.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct DisputeTerms {
    pub window: u64,
    pub replicas: u32,
    pub quorum: u32,
    pub bond: Uint128,
}

/// Life-cycle status of a task. Every task ends in one of the last three.
#[cw_serde]
#[derive(Copy, Eq, PartialOrd, Ord, Hash)]
pub enum TaskStatus {
    /// Accepting commitments, reveals or a confirmation, depending on the time.
    Open,
    /// A result was accepted and paid.
    Completed,
    /// Deadlines passed with no accepted result; the client was refunded.
    Expired,
    /// Withdrawn by the client before any commitment; fully refunded.
    Cancelled,
    /// Consensus: the revealed results reached no quorum; the client was refunded.
    Failed,
}

impl TaskStatus {
    pub fn is_terminal(self) -> bool {
        self != TaskStatus::Open
    }

    /// Stable lowercase name, used in events and as a storage index key.
    pub fn name(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Completed => "completed",
            TaskStatus::Expired => "expired",
            TaskStatus::Cancelled => "cancelled",
            TaskStatus::Failed => "failed",
        }
    }
}

/// The accepted result of a completed task.
#[cw_serde]
pub struct TaskOutcome {
    pub winner: Addr,
    /// Gross amount paid to the winner (before the protocol fee); in Consensus, to each
    /// agreeing provider (the winner is the first of them in address order).
    pub price: Uint128,
    /// `sha256` of the accepted result.
    pub digest: HexBinary,
}

/// A revealed price offer.
#[cw_serde]
pub struct Offer {
    pub provider: Addr,
    pub price: Uint128,
}

/// A task's on-chain header: everything but the (large) spec.
#[cw_serde]
pub struct Task {
    pub id: u64,
    pub client: Addr,
    /// Escrowed reward: the most the client pays.
    pub reward: Asset,
    /// Collateral each provider locks, in the bond denom.
    pub collateral: Uint128,
    pub model: CompetitionModel,
    pub status: TaskStatus,
    pub created_height: u64,
    pub created_at: Timestamp,
    /// Last moment (inclusive) a commitment is accepted.
    pub commit_deadline: Timestamp,
    /// Last moment (inclusive) any reveal is accepted. In First Response it is the latest
    /// commitment's own reveal deadline (the commit deadline while there is none).
    pub reveal_deadline: Timestamp,
    /// Manual Confirmation: last moment (inclusive) the client may confirm.
    pub confirm_deadline: Option<Timestamp>,
    pub commit_count: u32,
    pub reveal_count: u32,
    /// Once the task is awarded (Manual Confirmation, sealed-bid auction, Consensus): the
    /// provider that must deliver and the price it is paid on delivery.
    pub best: Option<Offer>,
    /// Set when the task completed.
    pub outcome: Option<TaskOutcome>,
    /// When the task reached its terminal status.
    pub finished_at: Option<Timestamp>,
}

/// Where a provider's response to a task stands.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum ResponseStatus {
    /// Commitment posted, not opened.
    Committed,
    /// Opened: its digest and price are public (a First Response reveal also carries the
    /// result, sealed to the client when the task names a result key).
    Revealed,
    /// Accepted and paid.
    Won,
    /// Another response was accepted; collateral returned.
    Lost,
    /// Not opened in its window, or chosen and not delivered in time, or a result
    /// overturned by a dispute; collateral slashed (an unrevealed bid: part of it).
    Slashed,
}

/// One provider's response to a task.
#[cw_serde]
pub struct TaskResponse {
    pub task_id: u64,
    pub provider: Addr,
    pub commitment: HexBinary,
    pub committed_height: u64,
    pub committed_at: Timestamp,
    /// First Response: the moment after which this commitment may be opened (the
    /// previous commitment's reveal deadline; its own commit time for the first).
    #[serde(default)]
    pub reveal_opens: Option<Timestamp>,
    /// Last moment (inclusive) this commitment may be opened.
    pub reveal_deadline: Timestamp,
    pub status: ResponseStatus,
    /// Set on reveal: `sha256` of the result.
    pub digest: Option<HexBinary>,
    /// The result (inline or by reference; sealed when the task names a result key): set
    /// by a First Response reveal or by the delivery of a chosen provider.
    pub result: Option<Payload>,
    /// Set on reveal: the asked price (the reward in First Response).
    pub price: Option<Uint128>,
    pub revealed_height: Option<u64>,
}

impl TaskResponse {
    /// First Response: when a commitment queued behind another may be opened (after
    /// this moment); `None` for one that may be opened at once.
    pub fn queued_until(&self) -> Option<Timestamp> {
        self.reveal_opens.filter(|opens| *opens > self.committed_at)
    }
}
