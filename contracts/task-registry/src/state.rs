//! Registry storage. Every task is split into a small header (read and written by every
//! operation) and its job and requirements (read only when needed), to keep gas per
//! operation low on wasmd's per-byte storage schedule.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Empty, HexBinary, Uint128};
use cw_storage_plus::{Item, Map};
use ogpu_types::registry::{AcceptedAsset, AwardState, DisputeState, TaskLimits};
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

/// Staking's word on a provider, sent whenever its registration or stake changes
/// (`SyncProvider`): what a commitment is checked against, without a call to staking.
#[cw_serde]
pub struct Stake {
    pub bonded: Uint128,
    /// Registered and not deregistered.
    pub active: bool,
    pub devices: Vec<DeviceProfile>,
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
pub const CONFIG: Item<Config> = Item::new("cfg");
/// The owner: the only account that may change the configuration, pause or migrate.
pub const OWNER: Item<Addr> = Item::new("own");
/// A proposed owner that has not accepted yet.
pub const PENDING_OWNER: Item<Addr> = Item::new("pown");
/// Id of the next task; ids start at 1 and never repeat.
pub const NEXT_TASK_ID: Item<u64> = Item::new("nid");

/// Task headers by id.
pub const TASKS: Map<u64, Task> = Map::new("t");
/// (status name, task id) for every task: lists tasks by status. Written at publish and
/// when the task reaches its terminal status (a header update does not touch it).
pub const TASKS_BY_STATUS: Map<(&str, u64), Empty> = Map::new("ts");
/// (client, task id) for every task: lists a client's tasks. Written once at publish.
pub const TASKS_BY_CLIENT: Map<(&Addr, u64), Empty> = Map::new("tc");

/// The job of each OpenCL task; written once at publish.
pub const JOBS: Map<u64, OpenClJob> = Map::new("job");
/// The search of each hash-search task (and only of those); written once at publish, read
/// at every reveal to verify the answer. Small, so a reveal never loads a kernel.
pub const HASH_SEARCHES: Map<u64, HashSearch> = Map::new("hs");
/// The requirements of each task; written once at publish, read at every commit.
pub const REQUIREMENTS: Map<u64, Requirements> = Map::new("req");
/// Responses by (task, provider); at most `limits.max_commitments` per task.
pub const RESPONSES: Map<(u64, &Addr), TaskResponseRecord> = Map::new("r");
/// (provider, task) for every commitment, to list a provider's tasks.
pub const PROVIDER_TASKS: Map<(&Addr, u64), Empty> = Map::new("pt");
/// Who must deliver each awarded task (Manual Confirmation, sealed-bid auction,
/// Consensus), from the award on; only the executor, its price and deadline change
/// afterwards (promotion past a missed delivery).
pub const AWARDS: Map<u64, AwardState> = Map::new("awd");
/// The result key of each task published with one (32 bytes, X25519); written once at
/// publish, read when a result is posted.
pub const RESULT_KEYS: Map<u64, HexBinary> = Map::new("rk");
/// The dispute terms of each task published with them; written once at publish.
pub const DISPUTE_TERMS: Map<u64, DisputeTerms> = Map::new("dt");
/// The dispute state of each disputable task, from its completion on.
pub const DISPUTES: Map<u64, DisputeState> = Map::new("dsp");
/// The Consensus round re-running a disputed task → the disputed task.
pub const ROUNDS: Map<u64, u64> = Map::new("rnd");

/// Providers' stake and devices as staking last reported them.
pub const STAKES: Map<&Addr, Stake> = Map::new("stk");
/// Providers' locked collateral and reputation.
pub const LEDGERS: Map<&Addr, Ledger> = Map::new("led");
/// (provider, task) → collateral locked by the provider's commitment, until judged.
pub const LOCKS: Map<(&Addr, u64), Uint128> = Map::new("lk");
/// (provider, asset key) → total earned.
pub const EARNINGS: Map<(&Addr, &str), Uint128> = Map::new("earn");
