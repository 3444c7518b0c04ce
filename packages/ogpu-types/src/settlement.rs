//! Messages of the `settlement` contract: custody of every task's escrow, payouts with a
//! protocol fee, refunds, credits of failed transfers, and totals for conservation checks.
//!
//! A task's reward reaches settlement by a plain transfer when it is published (a bank send
//! from the registry, or the cw20 token's transfer), with no call into settlement, and the
//! registry commands settlement once, when the task ends: every cross-contract call costs
//! an instance fee on wasmd. Settlement's balance of an asset is therefore the escrow of
//! every open task in it (the registry's record) plus what it credits.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Uint128};

use crate::asset::{Asset, AssetInfo};

#[cw_serde]
pub struct InstantiateMsg {
    pub treasury: String,
    /// Fee on every payout, basis points (≤ 10 000), rounded up in the protocol's favour.
    pub protocol_fee_bps: u16,
}

/// A gross payment out of an escrow; the fee is taken from it.
#[cw_serde]
pub struct Payout {
    pub recipient: String,
    pub amount: Uint128,
}

/// A task's escrow as the registry holds it when the task ends: who paid what.
#[cw_serde]
pub struct Deposit {
    pub task_id: u64,
    pub payer: String,
    pub asset: Asset,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Registry only: pay each recipient its amount minus the protocol fee, the fees to the
    /// treasury and the rest of `deposit` back to its payer; records the closed escrow.
    Release {
        deposit: Deposit,
        payouts: Vec<Payout>,
    },
    /// Registry only: return the whole `deposit` to its payer; records the closed escrow.
    Refund { deposit: Deposit },
    /// Anyone: withdraw funds credited to the caller after a transfer to it failed.
    Withdraw { asset: AssetInfo },
    /// Registry only.
    UpdateConfig {
        treasury: Option<String>,
        protocol_fee_bps: Option<u16>,
    },
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    /// One task's escrow, once closed (`None` while the task is open: its reward is then
    /// the registry's record).
    #[returns(Option<EscrowResponse>)]
    Escrow { task_id: u64 },
    /// Per-asset sums of the closed escrows: deposited = paid out + fees + refunded.
    #[returns(TotalsResponse)]
    Totals {},
    /// Funds credited to `address` after failed transfers.
    #[returns(CreditsResponse)]
    Credits { address: String },
}

#[cw_serde]
pub struct ConfigResponse {
    pub registry: Addr,
    pub treasury: Addr,
    pub protocol_fee_bps: u16,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum EscrowStatus {
    Released,
    Refunded,
}

#[cw_serde]
pub struct EscrowResponse {
    pub task_id: u64,
    pub payer: Addr,
    /// The amount deposited.
    pub deposit: Asset,
    pub status: EscrowStatus,
    /// Net amounts paid to recipients.
    pub paid_out: Uint128,
    pub fees: Uint128,
    pub refunded: Uint128,
}

#[cw_serde]
pub struct AssetTotals {
    pub info: AssetInfo,
    pub deposited: Uint128,
    pub paid_out: Uint128,
    pub fees: Uint128,
    pub refunded: Uint128,
    /// Credited after failed transfers, not yet withdrawn.
    pub credited: Uint128,
}

#[cw_serde]
pub struct TotalsResponse {
    pub totals: Vec<AssetTotals>,
}

#[cw_serde]
pub struct CreditsResponse {
    pub credits: Vec<Asset>,
}
