//! Messages of the `task-registry` contract, the suite's orchestrator.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Binary, HexBinary, Timestamp, Uint128};
use cw20::Cw20ReceiveMsg;

use crate::asset::AssetInfo;
use crate::provider::{DeviceProfile, Earning, Reputation};
use crate::staking::{StakingConfigUpdate, StakingParams};
use crate::task::{Offer, Payload, Task, TaskResponse, TaskSpec, TaskStatus};

/// A provider's stake and registration as staking reports them to the registry.
#[cw_serde]
pub struct ProviderSync {
    pub provider: String,
    pub bonded: Uint128,
    /// Registered and not deregistered.
    pub active: bool,
    pub devices: Vec<DeviceProfile>,
}

/// The registry calls staking makes, encoded exactly as the same variants of
/// [`ExecuteMsg`] and [`QueryMsg`]: staking's wasm then carries the JSON code of these
/// two alone instead of every registry message's (about 30 KB).
pub mod from_staking {
    use cosmwasm_schema::cw_serde;

    use super::ProviderSync;

    /// [`super::ExecuteMsg::SyncProvider`].
    #[cw_serde]
    pub enum ExecuteMsg {
        SyncProvider(ProviderSync),
    }

    /// [`super::QueryMsg::ProviderLedger`].
    #[cw_serde]
    pub enum QueryMsg {
        ProviderLedger { provider: String },
    }
}

/// Bounds every task is validated against. Each is also capped by a compile-time
/// maximum in the registry so that no configuration makes an execute path unbounded.
#[cw_serde]
pub struct TaskLimits {
    /// Largest inline kernel source, bytes.
    pub max_kernel_bytes: u32,
    /// Largest sum of inline input buffers, bytes.
    pub max_inline_input_bytes: u32,
    /// Largest inline result, bytes.
    pub max_inline_result_bytes: u32,
    /// Largest output buffer, bytes.
    pub max_output_bytes: u64,
    /// Most kernel arguments.
    pub max_args: u32,
    /// Longest URI or entry point name.
    pub max_uri_len: u32,
    /// Longest provider allow-list.
    pub max_allowed_providers: u32,
    /// Most commitments one task accepts.
    pub max_commitments: u32,
    /// Shortest window of any kind, seconds.
    pub min_window: u64,
    /// Longest window of any kind (commit, reveal, confirm, delivery, dispute), seconds;
    /// at most one year.
    pub max_window: u64,
    /// Smallest per-provider collateral a task may ask, in the bond denom.
    pub min_collateral: Uint128,
    /// Share of its collateral an auction bid that is never opened loses, basis points.
    /// (Absent in configurations stored before auctions existed: the default applies.)
    #[serde(default = "TaskLimits::default_unrevealed_bid_penalty_bps")]
    pub unrevealed_bid_penalty_bps: u16,
    /// Most replicas a Consensus task may ask (also capped by `max_commitments`).
    #[serde(default = "TaskLimits::default_max_replicas")]
    pub max_replicas: u32,
}

impl TaskLimits {
    /// Sensible bounds for a new deployment (and those the contract tests use).
    pub fn recommended() -> Self {
        Self {
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
            unrevealed_bid_penalty_bps: Self::default_unrevealed_bid_penalty_bps(),
            max_replicas: Self::default_max_replicas(),
        }
    }

    /// Half of the collateral: silence costs more than an honest high bid.
    pub fn default_unrevealed_bid_penalty_bps() -> u16 {
        5_000
    }

    pub fn default_max_replicas() -> u32 {
        5
    }
}

/// An asset accepted as a reward, with the smallest reward a task may offer in it.
#[cw_serde]
pub struct AcceptedAsset {
    pub info: AssetInfo,
    pub min_reward: Uint128,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// Owner of the suite (config, pause, migrations); defaults to the sender.
    pub owner: Option<String>,
    /// Receives protocol fees and the treasury's share of slashes.
    pub treasury: String,
    /// Protocol fee on every payout, basis points (≤ 10 000), rounded up.
    pub protocol_fee_bps: u16,
    /// Assets a reward may be paid in.
    pub accepted_assets: Vec<AcceptedAsset>,
    pub limits: TaskLimits,
    /// Code id of `ogpu-provider-staking`, instantiated by the registry.
    pub staking_code_id: u64,
    /// Code id of `ogpu-settlement`, instantiated by the registry.
    pub settlement_code_id: u64,
    /// Parameters of the staking contract.
    pub staking: StakingParams,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Publish a task paying its reward in the one native coin sent along.
    PublishTask { spec: TaskSpec },
    /// Publish a task paying in an allow-listed cw20 token (`Send` with a [`ReceiveMsg`]).
    Receive(Cw20ReceiveMsg),
    /// Post a result commitment (see [`crate::result_commitment`]) and lock collateral.
    /// In a sealed-bid auction, a sealed bid (see [`crate::bid_commitment`]). In
    /// Consensus: joining one of the replica slots. Never by the task's client.
    Commit { task_id: u64, commitment: HexBinary },
    /// Open a commitment in a later block: `digest` is `sha256` of the plaintext result,
    /// as committed. First Response: `result` is required (sealed to the task's result key
    /// when it names one) and the first valid reveal is paid at once. Manual Confirmation
    /// (a sealed offer) and Consensus: no `result`; it is delivered once chosen. `price` is
    /// required in Manual Confirmation and absent in the other models, whose commitment
    /// binds a fixed price (the reward).
    Reveal {
        task_id: u64,
        digest: HexBinary,
        salt: HexBinary,
        price: Option<Uint128>,
        result: Option<Payload>,
    },
    /// Sealed-bid auction, in the reveal window: open a bid in a later block than it was
    /// made. The last bid opened (or `Finalize` after the window) awards the task.
    RevealBid {
        task_id: u64,
        price: Uint128,
        salt: HexBinary,
    },
    /// The chosen provider of an awarded task (a confirmed offer, an auction's executor, a
    /// Consensus round's designated replica) delivers its result before its deadline and is
    /// paid in this transaction. Manual Confirmation and Consensus: `digest` must be the
    /// one it revealed.
    Deliver {
        task_id: u64,
        digest: HexBinary,
        result: Payload,
    },
    /// Client only, within the dispute window of a completed task published with
    /// `dispute` terms: post the bond (the one native coin sent along; cw20 through
    /// [`ReceiveMsg::Dispute`]) and open a Consensus re-run round (a new task).
    Dispute { task_id: u64 },
    /// Anyone, after the dispute window of an undisputed task: release the winner's
    /// collateral and record its completion.
    CloseDispute { task_id: u64 },
    /// Client only, Manual Confirmation: choose a revealed offer; its provider then
    /// delivers and is paid its price.
    Confirm { task_id: u64, provider: String },
    /// Client only, before any commitment: withdraw the task with a full refund.
    CancelTask { task_id: u64 },
    /// Anyone, once a deadline passed: choose the cheapest offer (Manual Confirmation),
    /// award an auction whose reveal window passed, tally a Consensus round, slash a missed
    /// delivery and promote the next provider, or expire the task, refunding the client
    /// and slashing the committers that stayed silent.
    Finalize { task_id: u64 },
    /// Owner only: change limits, assets, fee, treasury or staking parameters.
    UpdateConfig(ConfigUpdate),
    /// Owner only: stop (or resume) publishing and committing. Reveals, confirmations,
    /// cancellations, finalization, refunds and unbonding keep working.
    SetPaused { paused: bool },
    /// Owner only: propose a new owner, who must accept.
    TransferOwnership { new_owner: String },
    /// The proposed owner accepts ownership.
    AcceptOwnership {},
    /// Owner only: withdraw a pending ownership proposal.
    CancelOwnershipTransfer {},
    /// Staking only: a provider's stake or registration changed. The registry keeps what
    /// a commitment needs (bonded stake, whether it may work, its devices) and refuses a
    /// change that would leave less bonded than its locked collateral.
    SyncProvider(ProviderSync),
    /// Owner only: migrate a child contract (the registry is its wasm admin).
    MigrateChild {
        child: Child,
        new_code_id: u64,
        msg: Binary,
    },
}

/// The contracts the registry instantiates and administers.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum Child {
    Staking,
    Settlement,
}

/// Message embedded in a cw20 `Send` to the registry.
#[cw_serde]
// Deserialized once per call and never stored: boxing the spec would only change how
// every caller builds it.
#[allow(clippy::large_enum_variant)]
pub enum ReceiveMsg {
    PublishTask {
        spec: TaskSpec,
    },
    /// Dispute a task whose reward is this token, posting the amount sent as the bond.
    Dispute {
        task_id: u64,
    },
}

/// Fields of the suite's configuration to change; absent fields stay as they are.
#[cw_serde]
#[derive(Default)]
pub struct ConfigUpdate {
    pub treasury: Option<String>,
    pub protocol_fee_bps: Option<u16>,
    pub accepted_assets: Option<Vec<AcceptedAsset>>,
    pub limits: Option<TaskLimits>,
    pub staking: Option<StakingConfigUpdate>,
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The registry's configuration and the children's addresses.
    #[returns(ConfigResponse)]
    Config {},
    /// Current and proposed owner.
    #[returns(OwnershipResponse)]
    Ownership {},
    /// One task with its spec.
    #[returns(TaskDetails)]
    Task { task_id: u64 },
    /// One task's header alone (status, deadlines, counts, outcome): what a provider
    /// polls, without the spec's job and inputs.
    #[returns(Task)]
    TaskHeader { task_id: u64 },
    /// Tasks in id order, optionally only those with `status`.
    #[returns(TasksResponse)]
    Tasks {
        status: Option<TaskStatus>,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// Tasks published by `client`, in id order.
    #[returns(TasksResponse)]
    TasksByClient {
        client: String,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// Tasks `provider` committed to, in id order.
    #[returns(TasksResponse)]
    TasksByProvider {
        provider: String,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// The dispute state of a task published with dispute terms (`None` otherwise).
    /// Named apart from the `Dispute` execute message, so that clients generated from the
    /// schema (ts-codegen) have a distinct method for each.
    #[returns(Option<DisputeState>)]
    DisputeState { task_id: u64 },
    /// Who must deliver an awarded task (Manual Confirmation, sealed-bid auction,
    /// Consensus), for what price, until when (`None` before the award).
    #[returns(Option<AwardState>)]
    Award { task_id: u64 },
    /// What the market recorded of a provider: collateral locked, reputation, earnings.
    #[returns(ProviderLedger)]
    ProviderLedger { provider: String },
    /// A provider's collateral locks (its unsettled responses), in task order.
    #[returns(LocksResponse)]
    Locks {
        provider: String,
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// `provider`'s response to a task, if it committed.
    #[returns(Option<TaskResponse>)]
    Response { task_id: u64, provider: String },
    /// Responses to a task, in provider address order.
    #[returns(ResponsesResponse)]
    Responses {
        task_id: u64,
        start_after: Option<String>,
        limit: Option<u32>,
    },
}

/// Where a disputable task's dispute stands.
#[cw_serde]
pub enum DisputeStatus {
    /// The window is open (or passed and not yet closed); the winner's collateral is locked.
    Open,
    /// Under re-run by the Consensus task `round`.
    Disputed { round: u64 },
    /// The window closed without a dispute, or the round did not overturn the result:
    /// the winner's collateral was released.
    Upheld,
    /// The round accepted another result: the winner was slashed.
    Overturned,
}

#[cw_serde]
pub struct DisputeState {
    pub task_id: u64,
    pub terms: crate::task::DisputeTerms,
    /// Last moment (inclusive) the client may dispute.
    pub window_end: Timestamp,
    /// The winner and the digest it was paid for.
    pub winner: Addr,
    pub digest: HexBinary,
    /// What the winner was paid (recorded as its earnings once the result stands).
    pub price: Uint128,
    pub status: DisputeStatus,
}

/// Who delivers an awarded task, for what price, until when.
#[cw_serde]
pub struct AwardState {
    /// The providers that may deliver, in promotion order. Manual Confirmation: the chosen
    /// offer, then the other revealed offers, cheapest first (then earliest reveal, then
    /// address). Sealed-bid auction: the revealed bids, lowest first (then earliest bid,
    /// then address). Consensus: the providers of the agreed digest (earliest commitment
    /// first, then address). At most `max_commitments`.
    pub ranking: Vec<Offer>,
    /// Position in `ranking` of the provider that must deliver now.
    pub executor: u32,
    /// What delivery pays: the executor's own offer (Manual Confirmation), the next
    /// revealed bid after its own or the reward (auction), each agreeing replica's share
    /// (Consensus).
    pub price: Uint128,
    /// Last moment (inclusive) the executor may deliver.
    pub delivery_deadline: Timestamp,
}

/// What the market recorded of a provider.
#[cw_serde]
#[derive(Default)]
pub struct ProviderLedger {
    /// Collateral locked in unsettled tasks, in the bond denom.
    pub locked: Uint128,
    pub reputation: Reputation,
    /// Gross earnings per reward asset.
    pub earnings: Vec<Earning>,
}

#[cw_serde]
pub struct Lock {
    pub task_id: u64,
    pub amount: Uint128,
}

#[cw_serde]
pub struct LocksResponse {
    pub locks: Vec<Lock>,
}

#[cw_serde]
pub struct ConfigResponse {
    pub staking: Addr,
    pub settlement: Addr,
    pub treasury: Addr,
    pub accepted_assets: Vec<AcceptedAsset>,
    pub limits: TaskLimits,
    pub paused: bool,
    /// Id the next published task gets.
    pub next_task_id: u64,
}

#[cw_serde]
pub struct OwnershipResponse {
    pub owner: Addr,
    pub pending_owner: Option<Addr>,
}

#[cw_serde]
pub struct TaskDetails {
    pub task: Task,
    pub spec: TaskSpec,
}

#[cw_serde]
pub struct TasksResponse {
    pub tasks: Vec<Task>,
}

#[cw_serde]
pub struct ResponsesResponse {
    pub responses: Vec<TaskResponse>,
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::to_json_string;

    use super::*;
    use crate::provider::DeviceType;

    #[test]
    fn stakings_calls_encode_as_the_registrys_own_messages() {
        let sync = ProviderSync {
            provider: "wasm1provider".into(),
            bonded: Uint128::new(7),
            active: true,
            devices: vec![DeviceProfile {
                device_type: DeviceType::Gpu,
                memory_mb: 8192,
                gflops: 40,
            }],
        };
        assert_eq!(
            to_json_string(&from_staking::ExecuteMsg::SyncProvider(sync.clone())).unwrap(),
            to_json_string(&ExecuteMsg::SyncProvider(sync)).unwrap()
        );
        let provider = || "wasm1provider".to_string();
        assert_eq!(
            to_json_string(&from_staking::QueryMsg::ProviderLedger {
                provider: provider()
            })
            .unwrap(),
            to_json_string(&QueryMsg::ProviderLedger {
                provider: provider()
            })
            .unwrap()
        );
    }
}
