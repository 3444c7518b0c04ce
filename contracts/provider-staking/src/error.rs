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

    #[error("cannot unbond {amount}: only {bonded} is bonded")]
    UnbondAboveBonded { bonded: Uint128, amount: Uint128 },

    #[error("amount must be positive")]
    ZeroAmount {},

    #[error("{max} unbonding entries are pending; claim some first")]
    TooManyUnbondingEntries { max: u32 },

    #[error("nothing has finished unbonding yet")]
    NothingToClaim {},

    #[error("nothing is credited to the sender")]
    NothingToWithdraw {},

    #[error("unknown reply id {id}")]
    UnknownReplyId { id: u64 },

    #[error("{count} slashes exceed the limit of {max}")]
    TooManySlashes { count: u64, max: u64 },

    #[error(
        "state of version {from} predates the v2 storage layout: migrate it through ogpu-upgrade-v2 first (docs/upgrade.md)"
    )]
    UnsupportedMigration { from: String },
}
