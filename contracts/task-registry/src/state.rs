//! Registry storage. Every task is split into a small header (read and written by every
//! operation) and its job and requirements (read only when needed), to keep gas per
//! operation low on wasmd's per-byte storage schedule.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Empty};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use ogpu_types::registry::{AcceptedAsset, TaskLimits};
use ogpu_types::{OpenClJob, Requirements, Task, TaskResponseRecord, TaskStatus};

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
}

/// Suite configuration; always valid against the hard caps in `validate`.
pub const CONFIG: Item<Config> = Item::new("cfg");
/// The owner: the only account that may change the configuration, pause or migrate.
pub const OWNER: Item<Addr> = Item::new("own");
/// A proposed owner that has not accepted yet.
pub const PENDING_OWNER: Item<Addr> = Item::new("pown");
/// Id of the next task; ids start at 1 and never repeat.
pub const NEXT_TASK_ID: Item<u64> = Item::new("nid");

/// Index key of a status: its stable name.
fn status_key(status: TaskStatus) -> String {
    status.name().to_string()
}

pub struct TaskIndexes<'a> {
    pub status: MultiIndex<'a, String, Task, u64>,
    pub client: MultiIndex<'a, Addr, Task, u64>,
}

impl IndexList<Task> for TaskIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Task>> + '_> {
        let v: Vec<&dyn Index<Task>> = vec![&self.status, &self.client];
        Box::new(v.into_iter())
    }
}

/// Task headers by id, indexed by status and client.
pub fn tasks<'a>() -> IndexedMap<u64, Task, TaskIndexes<'a>> {
    IndexedMap::new(
        "t",
        TaskIndexes {
            status: MultiIndex::new(|_, t: &Task| status_key(t.status), "t", "t_s"),
            client: MultiIndex::new(|_, t: &Task| t.client.clone(), "t", "t_c"),
        },
    )
}

/// The prefix under which the status index keeps tasks of `status`.
pub fn status_prefix(status: TaskStatus) -> String {
    status_key(status)
}

/// The job of each task; written once at publish.
pub const JOBS: Map<u64, OpenClJob> = Map::new("job");
/// The requirements of each task; written once at publish, read at every commit.
pub const REQUIREMENTS: Map<u64, Requirements> = Map::new("req");
/// Responses by (task, provider); at most `limits.max_commitments` per task.
pub const RESPONSES: Map<(u64, &Addr), TaskResponseRecord> = Map::new("r");
/// (provider, task) for every commitment, to list a provider's tasks.
pub const PROVIDER_TASKS: Map<(&Addr, u64), Empty> = Map::new("pt");
