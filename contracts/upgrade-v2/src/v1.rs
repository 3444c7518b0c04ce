//! The v1 records whose layout v2 changed, as v1 stored them (JSON). Records v2 keeps as
//! they were are read with v2's own types.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Uint128};
use ogpu_types::registry::{AcceptedAsset, TaskLimits};
use ogpu_types::{Asset, AssetInfo, ProviderMetadata, Reputation};

/// The registry's configuration; v2 adds staking's minimum stake.
#[cw_serde]
pub struct RegistryConfig {
    pub staking: Addr,
    pub settlement: Addr,
    pub treasury: Addr,
    pub accepted_assets: Vec<AcceptedAsset>,
    pub limits: TaskLimits,
    pub paused: bool,
}

/// A provider in staking; v2 moves `locked` and `reputation` to the registry.
#[cw_serde]
pub struct Provider {
    pub metadata: ProviderMetadata,
    pub bonded: Uint128,
    pub locked: Uint128,
    pub reputation: Reputation,
    pub deregistered: bool,
}

/// Staking's sums; v2 drops `locked` (the registry's books).
#[cw_serde]
pub struct StakingTotals {
    pub bonded: Uint128,
    pub locked: Uint128,
    pub unbonding: Uint128,
    pub slashed: Uint128,
    pub credited: Uint128,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum EscrowStatus {
    Held,
    Released,
    Refunded,
}

/// A task's escrow in settlement; v2 keeps only closed ones (an open task's reward is the
/// registry's record).
#[cw_serde]
pub struct Escrow {
    pub payer: Addr,
    pub deposit: Asset,
    pub status: EscrowStatus,
    pub paid_out: Uint128,
    pub fees: Uint128,
    pub refunded: Uint128,
}

/// Settlement's sums per asset; v2 sums closed escrows only, without `held`.
#[cw_serde]
pub struct AssetTotals {
    pub info: AssetInfo,
    pub deposited: Uint128,
    pub paid_out: Uint128,
    pub fees: Uint128,
    pub refunded: Uint128,
    pub held: Uint128,
    pub credited: Uint128,
}
