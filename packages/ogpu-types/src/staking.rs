//! Messages of the `provider-staking` contract: registration, stake, unbonding, collateral
//! locks, slashing, jail and reputation.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Timestamp, Uint128};

use crate::asset::Asset;
use crate::provider::{Earning, ProviderMetadata, Reputation};

/// Size caps on provider metadata.
#[cw_serde]
pub struct MetadataLimits {
    /// Longest moniker, bytes.
    pub max_moniker_len: u32,
    /// Most devices.
    pub max_devices: u32,
    /// Longest vendor, name, version or task-kind string, bytes.
    pub max_field_len: u32,
    /// Most task kinds.
    pub max_task_kinds: u32,
}

/// Staking parameters, given to the registry at instantiate and forwarded.
#[cw_serde]
pub struct StakingParams {
    /// Native denom of stake and collateral.
    pub bond_denom: String,
    /// Bonded stake below which a provider is jailed (cannot lock collateral).
    pub min_stake: Uint128,
    /// Seconds between `Unbond` and the funds becoming claimable (at most
    /// [`StakingParams::MAX_UNBONDING_PERIOD`]).
    pub unbonding_period: u64,
    /// Share of a slash paid to the harmed client, basis points; the rest goes to the treasury.
    pub slash_client_share_bps: u16,
    /// Most pending unbonding entries per provider (deregistering merges into the newest
    /// entry rather than exceed it).
    pub max_unbonding_entries: u32,
    pub metadata_limits: MetadataLimits,
}

impl StakingParams {
    /// Smallest stake of the recommended parameters, in the bond denom.
    pub const RECOMMENDED_MIN_STAKE: u128 = 5_000;
    /// Longest unbonding period any configuration may set: one year.
    pub const MAX_UNBONDING_PERIOD: u64 = 365 * 24 * 3600;

    /// Sensible staking parameters for a new deployment bonding `bond_denom` (and those the
    /// contract tests use).
    pub fn recommended(bond_denom: &str) -> Self {
        Self {
            bond_denom: bond_denom.to_string(),
            min_stake: Uint128::new(Self::RECOMMENDED_MIN_STAKE),
            unbonding_period: 3600,
            slash_client_share_bps: 5_000,
            max_unbonding_entries: 7,
            metadata_limits: MetadataLimits {
                max_moniker_len: 64,
                max_devices: 8,
                max_field_len: 64,
                max_task_kinds: 8,
            },
        }
    }
}

/// Staking parameters to change; absent fields stay as they are.
#[cw_serde]
#[derive(Default)]
pub struct StakingConfigUpdate {
    pub min_stake: Option<Uint128>,
    pub unbonding_period: Option<u64>,
    pub slash_client_share_bps: Option<u16>,
    pub max_unbonding_entries: Option<u32>,
    pub metadata_limits: Option<MetadataLimits>,
}

#[cw_serde]
pub struct InstantiateMsg {
    pub params: StakingParams,
    pub treasury: String,
}

/// Who a slash compensates: `client` receives `slash_client_share_bps` of the slashed
/// amount, at most `cap`; the rest goes to the treasury.
#[cw_serde]
pub struct Compensation {
    /// The harmed client.
    pub client: String,
    /// Most the client may receive: what it paid for a result that was overturned, so a
    /// dispute never pays the disputing client more than a refund. Slashes are in the
    /// bond denom: a cap in another asset cannot be compared with them, so the client then
    /// receives nothing and the whole slash goes to the treasury.
    pub cap: Option<Asset>,
}

/// Stake the registry takes from a provider for a failure on a task.
#[cw_serde]
pub struct SlashOrder {
    pub provider: String,
    /// Taken from the provider's bonded stake (the registry never asks more than the
    /// provider's collateral on the task).
    pub amount: Uint128,
    /// Whom it compensates; all to the treasury when absent.
    pub compensation: Option<Compensation>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Register with at least `min_stake` of the bond denom attached.
    Register { metadata: ProviderMetadata },
    /// Replace the caller's metadata.
    UpdateMetadata { metadata: ProviderMetadata },
    /// Add the attached bond denom to the caller's stake (and unjail when back at `min_stake`).
    Bond {},
    /// Move free (unlocked) stake into the unbonding queue.
    Unbond { amount: Uint128 },
    /// Withdraw every unbonding entry whose release time passed.
    Claim {},
    /// Stop providing: needs no locked collateral; all stake starts unbonding.
    Deregister {},
    /// Collect bond-denom funds credited to the caller after a slash payout to it failed.
    Withdraw {},
    /// Registry only: take the ordered amounts of the providers' stake for failures on
    /// `task_id` and pay them out, in one call (every cross-contract call costs an
    /// instance fee on wasmd). Collateral is locked, released and counted by the registry,
    /// which staking tells of every change to a provider's stake.
    Slash {
        task_id: u64,
        slashes: Vec<SlashOrder>,
    },
    /// Registry only: change parameters or the treasury.
    UpdateConfig {
        treasury: Option<String>,
        update: StakingConfigUpdate,
    },
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    /// One provider.
    #[returns(ProviderResponse)]
    Provider { address: String },
    /// Providers in address order; `active_only` skips deregistered and jailed ones.
    #[returns(ProvidersResponse)]
    Providers {
        active_only: Option<bool>,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Sums over all providers, for conservation checks.
    #[returns(StakingTotals)]
    Totals {},
    /// Bond-denom funds credited to `address` after a slash payout to it failed.
    #[returns(Uint128)]
    Credits { address: String },
}

#[cw_serde]
pub struct ConfigResponse {
    pub registry: Addr,
    pub treasury: Addr,
    pub params: StakingParams,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum ProviderStatus {
    Active,
    /// Bonded stake fell below `min_stake`; cannot lock collateral until topped up.
    Jailed,
    /// Left the market; stake is unbonding.
    Deregistered,
}

#[cw_serde]
pub struct UnbondingEntry {
    pub amount: Uint128,
    pub release_at: Timestamp,
}

#[cw_serde]
pub struct ProviderResponse {
    pub address: Addr,
    pub metadata: ProviderMetadata,
    pub status: ProviderStatus,
    /// Bonded stake, including the locked part.
    pub bonded: Uint128,
    /// Part of `bonded` locked as task collateral.
    pub locked: Uint128,
    pub unbonding: Vec<UnbondingEntry>,
    pub reputation: Reputation,
    pub reputation_score: u64,
    pub earnings: Vec<Earning>,
}

#[cw_serde]
pub struct ProvidersResponse {
    pub providers: Vec<ProviderResponse>,
}

#[cw_serde]
pub struct StakingTotals {
    pub bond_denom: String,
    /// Sum of bonded stake (locked included).
    pub bonded: Uint128,
    /// Sum of pending unbonding entries.
    pub unbonding: Uint128,
    /// Sum ever slashed.
    pub slashed: Uint128,
    /// Slash payouts whose transfer failed, waiting for `Withdraw`. The contract's
    /// bond-denom balance is `bonded + unbonding + credited`.
    pub credited: Uint128,
}
