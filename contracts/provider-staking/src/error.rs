use cosmwasm_std::{OverflowError, StdError, Uint128};
use cw_utils::PaymentError;
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error("unauthorized: only the task registry may do this")]
    Unauthorized {},

    #[error("invalid staking parameters: {reason}")]
    InvalidParams { reason: String },

    #[error("invalid metadata: {reason}")]
    InvalidMetadata { reason: String },

    #[error("stake {amount} is below the minimum {min}")]
    StakeBelowMinimum { amount: Uint128, min: Uint128 },

    #[error("provider {provider} is already registered")]
    AlreadyRegistered { provider: String },

    #[error("provider {provider} is not registered")]
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

    #[error("provider {provider} already has collateral locked for task {task_id}")]
    AlreadyLocked { task_id: u64, provider: String },

    #[error("free stake {free} is less than the {needed} needed")]
    InsufficientFreeStake { free: Uint128, needed: Uint128 },

    #[error("amount must be positive")]
    ZeroAmount {},

    #[error("{max} unbonding entries are pending; claim some first")]
    TooManyUnbondingEntries { max: u32 },

    #[error("nothing has finished unbonding yet")]
    NothingToClaim {},

    #[error("{locked} of collateral is still locked in tasks")]
    HasLockedCollateral { locked: Uint128 },

    #[error("no collateral of {provider} is locked for task {task_id}")]
    LockNotFound { task_id: u64, provider: String },

    #[error("nothing is credited to the sender")]
    NothingToWithdraw {},

    #[error("unknown reply id {id}")]
    UnknownReplyId { id: u64 },

    #[error("{count} outcomes exceed the limit of {max}")]
    TooManyOutcomes { count: u64, max: u64 },
}
