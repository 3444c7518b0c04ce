//! Messages of the `settlement` contract: per-task escrow, payouts with a protocol fee,
//! refunds, and totals for conservation checks.

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

#[cw_serde]
pub enum ExecuteMsg {
    /// Registry only: escrow the one native coin attached for `task_id`, owed back to `payer`.
    Escrow { task_id: u64, payer: String },
    /// Registry only: escrow `amount` of the cw20 `token` for `task_id`, owed back to
    /// `payer`. The registry transfers the tokens here just before, in the same
    /// transaction. (A cw20 receive hook is not used: anyone can send one that claims the
    /// registry as its sender, and the hook's caller need not be a token at all.)
    EscrowCw20 {
        task_id: u64,
        payer: String,
        token: String,
        amount: Uint128,
    },
    /// Registry only: pay each recipient its amount minus the protocol fee, the fees to the
    /// treasury and the rest of the escrow back to the payer. Closes the escrow.
    Release { task_id: u64, payouts: Vec<Payout> },
    /// Registry only: return the whole escrow to the payer. Closes the escrow.
    Refund { task_id: u64 },
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
    /// One task's escrow.
    #[returns(EscrowResponse)]
    Escrow { task_id: u64 },
    /// Per-asset sums: deposited = paid out + fees + refunded + held.
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
    Held,
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
    /// In open escrows.
    pub held: Uint128,
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
