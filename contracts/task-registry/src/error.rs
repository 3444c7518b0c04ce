use cosmwasm_std::{OverflowError, StdError, Timestamp, Uint128};
use cw_utils::PaymentError;
use ogpu_types::validate::SpecError;
use ogpu_types::{CommitmentError, ResponseStatus, TaskStatus};
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    Commitment(#[from] CommitmentError),

    #[error(transparent)]
    Spec(#[from] SpecError),

    #[error("unauthorized: only {expected} may do this")]
    Unauthorized { expected: String },

    #[error("no ownership transfer is pending to the sender")]
    NotPendingOwner {},

    #[error("the market is paused: publishing and committing are disabled")]
    Paused {},

    #[error("protocol fee {bps} bps exceeds 10000")]
    InvalidFee { bps: u16 },

    #[error("invalid limits: {reason}")]
    InvalidLimits { reason: String },

    #[error("invalid accepted assets: {reason}")]
    InvalidAssets { reason: String },

    #[error("asset {asset} is not accepted as a reward")]
    AssetNotAccepted { asset: String },

    #[error("reward {reward} is below the minimum {min} for this asset")]
    RewardTooLow { reward: Uint128, min: Uint128 },

    #[error("task {task_id} not found")]
    TaskNotFound { task_id: u64 },

    #[error("task {task_id} is {status:?}, not open")]
    TaskNotOpen { task_id: u64, status: TaskStatus },

    #[error("task {task_id} stopped accepting commitments at {deadline}")]
    CommitClosed { task_id: u64, deadline: Timestamp },

    #[error("the client of task {task_id} cannot take part in it (commit, bid, join a round or re-run its own dispute)")]
    SelfDealing { task_id: u64 },

    #[error("provider {provider} is not on task {task_id}'s allow-list")]
    NotAllowed { task_id: u64, provider: String },

    #[error("provider {provider} already committed to task {task_id}")]
    AlreadyCommitted { task_id: u64, provider: String },

    #[error("task {task_id} already has the maximum of {max} commitments")]
    TooManyCommitments { task_id: u64, max: u32 },

    #[error("provider {provider} has no commitment on task {task_id}")]
    NoCommitment { task_id: u64, provider: String },

    #[error("provider {provider} already revealed on task {task_id}")]
    AlreadyRevealed { task_id: u64, provider: String },

    #[error("the commitment of {provider} on task {task_id} was judged ({status:?}) before it was opened; it can no longer be opened")]
    CommitmentJudged {
        task_id: u64,
        provider: String,
        status: ResponseStatus,
    },

    #[error("a commitment can only be revealed in a later block than block {committed_height}")]
    RevealTooEarly { committed_height: u64 },

    #[error("the reveal phase of task {task_id} opens after {opens_after}")]
    RevealNotOpen {
        task_id: u64,
        opens_after: Timestamp,
    },

    #[error("the reveal window closed at {deadline}")]
    RevealWindowClosed { deadline: Timestamp },

    #[error("this model pays the reward: do not send a price")]
    PriceNotAccepted {},

    #[error("this model needs the committed price in the reveal")]
    PriceRequired {},

    #[error("price {price} exceeds the reward {reward}")]
    PriceAboveReward { price: Uint128, reward: Uint128 },

    #[error("the revealed digest, price and salt do not match the commitment")]
    CommitmentMismatch {},

    #[error("a First Response reveal carries the result")]
    ResultRequired {},

    #[error("this reveal opens the digest (and price) only: the result is delivered once the provider is chosen")]
    ResultNotAccepted {},

    #[error("the delivered digest is not the one {provider} revealed")]
    DeliveredDigestMismatch { provider: String },

    #[error("task {task_id} does not use {expected}")]
    WrongModel { task_id: u64, expected: String },

    #[error("the confirm window closed at {deadline}")]
    ConfirmWindowClosed { deadline: Timestamp },

    #[error("provider {provider} has not revealed a response to task {task_id}")]
    ResponseNotRevealed { task_id: u64, provider: String },

    #[error("task {task_id} has commitments and can no longer be cancelled")]
    HasCommitments { task_id: u64 },

    #[error("task {task_id} cannot be finalized before {after} has passed")]
    NotFinalizable { task_id: u64, after: Timestamp },

    #[error("task {task_id} has not been awarded: no provider is chosen to deliver yet")]
    NotAwarded { task_id: u64 },

    #[error("task {task_id} is already awarded")]
    AlreadyAwarded { task_id: u64 },

    #[error("provider {provider} is not the one chosen to deliver task {task_id}")]
    NotExecutor { task_id: u64, provider: String },

    #[error("the delivery deadline of task {task_id} passed at {deadline}")]
    DeliveryClosed { task_id: u64, deadline: Timestamp },

    #[error("dispute bond {bond} is below the minimum {min}")]
    BondTooLow { bond: Uint128, min: Uint128 },

    #[error("task {task_id} has no accepted result open to dispute")]
    NotDisputable { task_id: u64 },

    #[error("the dispute window of task {task_id} closed at {deadline}")]
    DisputeWindowClosed { task_id: u64, deadline: Timestamp },

    #[error("task {task_id} is already disputed; its round decides")]
    AlreadyDisputed { task_id: u64 },

    #[error("the dispute of task {task_id} is closed")]
    DisputeClosed { task_id: u64 },

    #[error("a dispute of this task must post exactly {expected}")]
    WrongBond { expected: String },

    #[error("{provider} is not a registered provider; register with the staking contract first")]
    ProviderNotFound { provider: String },

    #[error("provider {provider} has deregistered")]
    ProviderDeregistered { provider: String },

    #[error(
        "provider {provider} is jailed: bonded stake is below the minimum; bond more to resume"
    )]
    ProviderJailed { provider: String },

    #[error("bonded stake {bonded} is below the task's required {required}")]
    InsufficientStake { bonded: Uint128, required: Uint128 },

    #[error("reputation score {score} is below the task's required {required}")]
    InsufficientReputation { score: u64, required: u64 },

    #[error("no registered device meets the task's device class, memory and throughput")]
    NoEligibleDevice {},

    #[error("free stake {free} is less than the {needed} of collateral needed")]
    InsufficientFreeStake { free: Uint128, needed: Uint128 },

    #[error("no collateral of {provider} is locked for task {task_id}")]
    LockNotFound { task_id: u64, provider: String },

    #[error("{locked} of collateral is still locked in tasks; deregister once they settle")]
    CollateralLocked { locked: Uint128 },

    #[error(
        "{locked} of collateral is locked in tasks, more than the {bonded} that would stay bonded"
    )]
    StakeBelowLocked { bonded: Uint128, locked: Uint128 },

    #[error("unknown reply id {id}")]
    UnknownReplyId { id: u64 },

    #[error("child contract instantiation returned no address")]
    MissingChildAddress {},

    #[error(
        "state of version {from} predates the v2 storage layout: migrate it through ogpu-upgrade-v2 first (docs/upgrade.md)"
    )]
    UnsupportedMigration { from: String },
}
