//! Staking storage.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Uint128};
use cw_storage_plus::{Item, Map};
use ogpu_types::staking::{ProviderStatus, StakingParams};
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

    /// Stake neither locked nor slashed; `locked ≤ bonded` always holds.
    pub fn free(&self) -> Uint128 {
        self.bonded.saturating_sub(self.locked)
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
    /// Slash payouts whose transfer failed, held for `CREDITS`' owners.
    pub credited: Uint128,
}

pub const CONFIG: Item<Config> = Item::new("cfg");
/// Providers by address (normalized form only). Loaded by every lock and settlement, so
/// it holds nothing that grows.
pub const PROVIDERS: Map<&Addr, Provider> = Map::new("p");
/// (provider, release time in nanoseconds) → amount unbonding until then; at most
/// `max_unbonding_entries` per provider. Read only by the provider's own unbond, claim and
/// deregister, never by locking or settling.
pub const UNBONDING: Map<(&Addr, u64), Uint128> = Map::new("u");
/// Recipient → bond-denom funds whose slash payout failed, awaiting `Withdraw`.
pub const CREDITS: Map<&Addr, Uint128> = Map::new("cr");
/// (provider, task) → locked collateral; removed when the task settles.
pub const LOCKS: Map<(&Addr, u64), Uint128> = Map::new("l");
/// (provider, asset key) → total earned.
pub const EARNINGS: Map<(&Addr, &str), Uint128> = Map::new("earn");
/// The contract's bond-denom balance always equals `bonded + unbonding + credited`.
pub const TOTALS: Item<Totals> = Item::new("tot");
