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

    #[error("protocol fee {bps} bps exceeds 10000")]
    InvalidFee { bps: u16 },

    #[error("the escrow of task {task_id} is already closed")]
    EscrowClosed { task_id: u64 },

    #[error("a deposit must be positive")]
    ZeroDeposit {},

    #[error("a release needs at least one payout")]
    NoPayouts {},

    #[error("{count} payouts exceed the limit of {max}")]
    TooManyPayouts { count: u64, max: u64 },

    #[error("the payout to {recipient} is zero")]
    ZeroPayout { recipient: String },

    #[error("payouts total {total}, more than the escrowed {deposit}")]
    PayoutExceedsEscrow { total: Uint128, deposit: Uint128 },

    #[error("nothing to withdraw in this asset")]
    NothingToWithdraw {},

    #[error("unknown reply id {id}")]
    UnknownReplyId { id: u64 },

    #[error(
        "state of version {from} predates the v2 storage layout: migrate it through ogpu-upgrade-v2 first (docs/upgrade.md)"
    )]
    UnsupportedMigration { from: String },
}
