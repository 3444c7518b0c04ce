//! Staking storage.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Uint128};
use ogpu_store::{Record, Table};
use ogpu_types::registry::ProviderSync;
use ogpu_types::staking::{ProviderStatus, StakingParams};
use ogpu_types::{DeviceProfile, ProviderMetadata};

#[cw_serde]
pub struct Config {
    /// The only account that may lock, settle and configure.
    pub registry: Addr,
    pub treasury: Addr,
    pub params: StakingParams,
}

/// A provider's registration and stake. What the market records of it (collateral
/// locked in tasks, reputation, earnings) is the registry's, which staking tells of every
/// change here (`SyncProvider`) and which refuses a change that would leave less bonded
/// than its locked collateral.
#[cw_serde]
pub struct Provider {
    pub metadata: ProviderMetadata,
    /// Bonded stake, collateral locked in tasks included.
    pub bonded: Uint128,
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

    /// What the registry keeps of this registration (`SyncProvider`): what a commitment
    /// is checked against.
    pub fn report(&self, address: &Addr) -> ProviderSync {
        ProviderSync {
            provider: address.to_string(),
            bonded: self.bonded,
            active: !self.deregistered,
            devices: self
                .metadata
                .devices
                .iter()
                .map(DeviceProfile::from)
                .collect(),
        }
    }
}

/// Sums over all providers.
#[cw_serde]
#[derive(Default)]
pub struct Totals {
    pub bonded: Uint128,
    pub unbonding: Uint128,
    pub slashed: Uint128,
    /// Slash payouts whose transfer failed, held for `CREDITS`' owners.
    pub credited: Uint128,
}

pub const CONFIG: Record<Config> = Record::new("cfg");
/// Providers by address (normalized form only). Loaded by every slash, so it holds
/// nothing that grows.
pub const PROVIDERS: Table<&Addr, Provider> = Table::new("p");
/// (provider, release time in nanoseconds) → amount unbonding until then; at most
/// `max_unbonding_entries` per provider. Read only by the provider's own unbond, claim and
/// deregister, never by a slash.
pub const UNBONDING: Table<(&Addr, u64), Uint128> = Table::new("u");
/// Recipient → bond-denom funds whose slash payout failed, awaiting `Withdraw`.
pub const CREDITS: Table<&Addr, Uint128> = Table::new("cr");
/// The contract's bond-denom balance always equals `bonded + unbonding + credited`.
pub const TOTALS: Record<Totals> = Record::new("tot");
