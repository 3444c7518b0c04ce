//! Settlement storage.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Uint128};
use ogpu_store::{Record, Table};
use ogpu_types::settlement::{AssetTotals, EscrowStatus};
use ogpu_types::Asset;

#[cw_serde]
pub struct Config {
    /// The only account that may escrow, release, refund and configure.
    pub registry: Addr,
    pub treasury: Addr,
    /// ≤ 10 000.
    pub protocol_fee_bps: u16,
}

#[cw_serde]
pub struct Escrow {
    pub payer: Addr,
    pub deposit: Asset,
    pub status: EscrowStatus,
    /// Net amounts sent (or credited) to recipients.
    pub paid_out: Uint128,
    pub fees: Uint128,
    pub refunded: Uint128,
}

pub const CONFIG: Record<Config> = Record::new("cfg");
/// One closed escrow per task id, written when the task ends and never changed again:
/// `paid_out + fees + refunded == deposit.amount`.
pub const ESCROWS: Table<u64, Escrow> = Table::new("e");
/// Per asset key, over the closed escrows: `deposited == paid_out + fees + refunded`; the
/// contract's balance of the asset is the open tasks' escrow plus `credited`.
pub const TOTALS: Table<&str, AssetTotals> = Table::new("tot");
/// (recipient, asset key) → funds whose transfer failed, awaiting `Withdraw`.
pub const CREDITS: Table<(&Addr, &str), Asset> = Table::new("cr");
