//! Staking storage.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Uint128};
use cw_storage_plus::{Item, Map};
use ogpu_types::staking::{ProviderStatus, StakingParams, UnbondingEntry};
use ogpu_types::{ProviderMetadata, Reputation};

#[cw_serde]
pub struct Config {
    /// The only account that may lock, settle and configure.
    pub registry: Addr,
    pub treasury: Addr,
    pub params: StakingParams,
}

#[cw_serde]
pub struct Provider {
    pub metadata: ProviderMetadata,
    /// Bonded stake, locked part included.
    pub bonded: Uint128,
    /// Sum of this provider's `LOCKS`; always ≤ `bonded`.
    pub locked: Uint128,
    /// At most `max_unbonding_entries` (+1 for the deregistration entry).
    pub unbonding: Vec<UnbondingEntry>,
    pub reputation: Reputation,
    pub deregistered: bool,
}

impl Provider {
    /// Derived, never stored: a top-up or a lower `min_stake` takes effect at once.
    pub fn status(&self, min_stake: Uint128) -> ProviderStatus {
        if self.deregistered {
            ProviderStatus::Deregistered
        } else if self.bonded < min_stake {
            ProviderStatus::Jailed
        } else {
            ProviderStatus::Active
        }
    }

    pub fn free(&self) -> Uint128 {
        self.bonded - self.locked
    }
}

/// Sums over all providers.
#[cw_serde]
#[derive(Default)]
pub struct Totals {
    pub bonded: Uint128,
    pub locked: Uint128,
    pub unbonding: Uint128,
    pub slashed: Uint128,
}

pub const CONFIG: Item<Config> = Item::new("cfg");
/// Providers by address (normalized form only).
pub const PROVIDERS: Map<&Addr, Provider> = Map::new("p");
/// (provider, task) → locked collateral; removed when the task settles.
pub const LOCKS: Map<(&Addr, u64), Uint128> = Map::new("l");
/// (provider, asset key) → total earned.
pub const EARNINGS: Map<(&Addr, &str), Uint128> = Map::new("earn");
/// The contract's bond-denom balance always equals `bonded + unbonding`.
pub const TOTALS: Item<Totals> = Item::new("tot");
