//! Registry storage. Every task is split into a small header (read and written by every
//! operation) and its job and requirements (read only when needed), to keep gas per
//! operation low on wasmd's per-byte storage schedule.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Empty, HexBinary, Uint128};
use cw_storage_plus::Map;
use ogpu_store::{Record, Table};
use ogpu_types::registry::{
    AcceptedAsset, AwardState, Child, DisputeState, ProviderSync, TaskLimits,
};
use ogpu_types::{
    DeviceProfile, DisputeTerms, HashSearch, OpenClJob, Reputation, Requirements, Task,
    TaskResponseRecord,
};

#[cw_serde]
pub struct Config {
    /// The provider-staking contract; set by the instantiate reply, before any task exists.
    pub staking: Addr,
    /// The settlement contract; set by the instantiate reply, before any task exists.
    pub settlement: Addr,
    pub treasury: Addr,
    pub accepted_assets: Vec<AcceptedAsset>,
    pub limits: TaskLimits,
    pub paused: bool,
    /// Staking's minimum stake, mirrored (it changes only through this contract's
    /// `UpdateConfig`): below it a provider is jailed and may not commit.
    pub min_stake: Uint128,
}

impl Config {
    /// The address of a child contract.
    pub fn child(&self, child: Child) -> &Addr {
        match child {
            Child::Staking => &self.staking,
            Child::Settlement => &self.settlement,
        }
    }
}

/// Staking's word on a provider, sent whenever its registration or stake changes
/// (`SyncProvider`): what a commitment is checked against, without a call to staking.
#[cw_serde]
pub struct Stake {
    pub bonded: Uint128,
    /// Registered and not deregistered.
    pub active: bool,
    pub devices: Vec<DeviceProfile>,
}

impl From<ProviderSync> for Stake {
    fn from(sync: ProviderSync) -> Self {
        Stake {
            bonded: sync.bonded,
            active: sync.active,
            devices: sync.devices,
        }
    }
}

/// What the market records of a provider; written at every lock and judgement, so it is
/// kept apart from the larger `Stake`.
#[cw_serde]
#[derive(Default)]
pub struct Ledger {
    /// Sum of the provider's `LOCKS`; never more than its bonded stake.
    pub locked: Uint128,
    pub reputation: Reputation,
}

/// Suite configuration; always valid against the hard caps in `validate`.
pub const CONFIG: Record<Config> = Record::new("cfg");
/// The owner: the only account that may change the configuration, pause or migrate.
pub const OWNER: Record<Addr> = Record::new("own");
/// A proposed owner that has not accepted yet.
pub const PENDING_OWNER: Record<Addr> = Record::new("pown");
/// Id of the next task; ids start at 1 and never repeat.
pub const NEXT_TASK_ID: Record<u64> = Record::new("nid");

/// Task headers by id.
pub const TASKS: Table<u64, Task> = Table::new("t");
/// (status name, task id) for every task: lists tasks by status. Written at publish and
/// when the task reaches its terminal status (a header update does not touch it).
pub const TASKS_BY_STATUS: Map<(&str, u64), Empty> = Map::new("ts");
/// (client, task id) for every task: lists a client's tasks. Written once at publish.
pub const TASKS_BY_CLIENT: Map<(&Addr, u64), Empty> = Map::new("tc");

/// The job of each OpenCL task; written once at publish.
pub const JOBS: Table<u64, OpenClJob> = Table::new("job");
/// The search of each hash-search task (and only of those); written once at publish, read
/// at every reveal to verify the answer. Small, so a reveal never loads a kernel.
pub const HASH_SEARCHES: Table<u64, HashSearch> = Table::new("hs");
/// The requirements of each task; written once at publish, read at every commit.
pub const REQUIREMENTS: Table<u64, Requirements> = Table::new("req");
/// Responses by (task, provider); at most `limits.max_commitments` per task.
pub const RESPONSES: Table<(u64, &Addr), TaskResponseRecord> = Table::new("r");
/// (provider, task) for every commitment, to list a provider's tasks.
pub const PROVIDER_TASKS: Map<(&Addr, u64), Empty> = Map::new("pt");
/// Who must deliver each awarded task (Manual Confirmation, sealed-bid auction,
/// Consensus), from the award on; only the executor, its price and deadline change
/// afterwards (promotion past a missed delivery).
pub const AWARDS: Table<u64, AwardState> = Table::new("awd");
/// The result key of each task published with one (32 bytes, X25519); written once at
/// publish, read when a result is posted.
pub const RESULT_KEYS: Table<u64, HexBinary> = Table::new("rk");
/// The dispute terms of each task published with them; written once at publish.
pub const DISPUTE_TERMS: Table<u64, DisputeTerms> = Table::new("dt");
/// The dispute state of each disputable task, from its completion on.
pub const DISPUTES: Table<u64, DisputeState> = Table::new("dsp");
/// The Consensus round re-running a disputed task → the disputed task.
pub const ROUNDS: Table<u64, u64> = Table::new("rnd");

/// Providers' stake and devices as staking last reported them.
pub const STAKES: Table<&Addr, Stake> = Table::new("stk");
/// Providers' locked collateral and reputation.
pub const LEDGERS: Table<&Addr, Ledger> = Table::new("led");
/// (provider, task) → collateral locked by the provider's commitment, until judged.
pub const LOCKS: Table<(&Addr, u64), Uint128> = Table::new("lk");
/// (provider, asset key) → total earned.
pub const EARNINGS: Table<(&Addr, &str), Uint128> = Table::new("earn");
