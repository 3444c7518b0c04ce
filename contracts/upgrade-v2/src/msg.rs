//! Messages of the upgrade code. Every other message is refused while a contract runs it.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Binary, Uint128};
use ogpu_types::registry::{Child, ProviderSync};
use ogpu_types::Reputation;

/// Records one `Step` converts when no limit is given, and at most.
pub const DEFAULT_STEP: u32 = 100;
pub const MAX_STEP: u32 = 500;

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
pub enum ExecuteMsg {
    /// Anyone: convert up to `limit` more records (default 100, at most 500).
    Step { limit: Option<u32> },
    /// The registry's owner: migrate a child (the registry is its wasm admin), to this
    /// code and, once the registry runs v2, to v2 (v2's own `MigrateChild` then).
    MigrateChild {
        child: Child,
        new_code_id: u64,
        msg: Binary,
    },
    /// Staking only: providers' books, which the registry keeps from v2 on.
    Import(Import),
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ProgressResponse)]
    Progress {},
}

/// What staking hands over in one step.
#[cw_serde]
#[derive(Default)]
pub struct Import {
    pub providers: Vec<ImportedProvider>,
    pub locks: Vec<ImportedLock>,
    pub earnings: Vec<ImportedEarning>,
}

impl Import {
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty() && self.locks.is_empty() && self.earnings.is_empty()
    }
}

#[cw_serde]
pub struct ImportedProvider {
    pub stake: ProviderSync,
    /// Collateral locked in open tasks (the sum of its locks).
    pub locked: Uint128,
    pub reputation: Reputation,
}

#[cw_serde]
pub struct ImportedLock {
    pub provider: String,
    pub task_id: u64,
    pub amount: Uint128,
}

#[cw_serde]
pub struct ImportedEarning {
    pub provider: String,
    /// The reward asset's key (`AssetInfo::key`).
    pub asset: String,
    pub amount: Uint128,
}

/// Which contract of the suite this is.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum Member {
    Registry,
    Staking,
    Settlement,
}

#[cw_serde]
pub struct ProgressResponse {
    pub member: Member,
    /// The storage namespace being converted; `None` once all are.
    pub stage: Option<String>,
    /// Records converted so far.
    pub converted: u64,
    /// Every record converted (and, for the registry, both children done): v2's
    /// `migrate` accepts the state.
    pub done: bool,
}
