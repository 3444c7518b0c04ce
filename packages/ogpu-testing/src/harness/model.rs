//! The harness's model: what it knows that the chain does not show (each provider's
//! secrets, which reveals it saw accepted) and what it expects of tasks and accounts.

use std::collections::{BTreeMap, BTreeSet};

use cosmwasm_std::{Addr, HexBinary};
use ogpu_types::{Asset, HashSearch, TaskResponseRecord};

use crate::harness::action::Competition;
use crate::snapshot::TaskState;
use crate::Sealed;

/// What a provider committed to.
#[derive(Clone, Debug)]
pub struct Secret {
    pub sealed: Sealed,
    /// The provider the secrets were sealed for: only it can open them. A copied
    /// commitment keeps its author's.
    pub author: Addr,
    /// False for a hash-search nonce below the difficulty.
    pub valid: bool,
}

/// One published task.
#[derive(Clone, Debug)]
pub struct TaskRecord {
    pub id: u64,
    pub client: Addr,
    pub reward: Asset,
    pub competition: Competition,
    pub search: Option<HashSearch>,
    /// Each committed provider's secrets, as the harness sealed them (in an auction:
    /// its bid, whose `price` is the bid and whose result is empty).
    pub secrets: BTreeMap<Addr, Secret>,
    /// The delivery the registry accepted from the chosen provider of an awarded task.
    pub delivered: Option<(Addr, Secret)>,
    /// Silent committers evicted to make room, and what their slash paid the client.
    pub evicted_compensation: u128,
    /// Published with dispute terms.
    pub disputable: bool,
    /// A dispute's re-run round: the disputed task's position, its winner and the digest
    /// it was paid for.
    pub rerun_of: Option<(usize, Addr, HexBinary)>,
    /// Providers whose reveal the registry accepted.
    pub revealed: BTreeSet<Addr>,
    /// The responses as last observed while the task was open.
    pub seen: Vec<TaskResponseRecord>,
    /// The task as first observed in a terminal status: it must never change again.
    pub terminal: Option<TaskState>,
}

impl TaskRecord {
    pub fn new(
        id: u64,
        client: Addr,
        reward: Asset,
        competition: Competition,
        search: Option<HashSearch>,
    ) -> Self {
        TaskRecord {
            id,
            client,
            reward,
            competition,
            search,
            secrets: BTreeMap::new(),
            delivered: None,
            evicted_compensation: 0,
            disputable: false,
            rerun_of: None,
            revealed: BTreeSet::new(),
            seen: vec![],
            terminal: None,
        }
    }

    pub fn manual(&self) -> bool {
        self.competition.is_manual()
    }
}

#[derive(Debug, Default)]
pub struct Model {
    /// In publishing order.
    pub tasks: Vec<TaskRecord>,
    /// Every commitment accepted (the task's position and the committer), in order.
    pub commitments: Vec<(usize, Addr)>,
    pub paused: bool,
    /// Net amount each account was paid for the tasks it won, per asset key.
    pub earned: BTreeMap<(Addr, String), u128>,
    /// Bond-denom each client received out of slashes on its tasks: its share of every
    /// silent committer's slash, and at most the price it paid for a result a dispute
    /// overturned (a reward in the bond denom only); never anything from a missed delivery.
    pub compensated: BTreeMap<Addr, u128>,
}

impl Model {
    /// The position of the task `index` designates, newest first (wrapping), if any task
    /// exists.
    pub fn position(&self, index: u8) -> Option<usize> {
        newest_first(index, self.tasks.len())
    }

    /// The commitment `index` designates, newest first (wrapping), if any was made.
    pub fn commitment(&self, index: u8) -> Option<(usize, Addr)> {
        newest_first(index, self.commitments.len()).map(|i| self.commitments[i].clone())
    }

    pub fn task(&self, position: Option<usize>) -> Option<&TaskRecord> {
        position.map(|i| &self.tasks[i])
    }

    /// The task's id, or for none the next (unknown) id.
    pub fn task_id(&self, position: Option<usize>) -> u64 {
        self.task(position)
            .map_or(self.tasks.len() as u64 + 1, |task| task.id)
    }

    pub fn earned(&self, account: &Addr, asset_key: &str) -> u128 {
        self.earned
            .get(&(account.clone(), asset_key.to_string()))
            .copied()
            .unwrap_or(0)
    }
}

fn newest_first(index: u8, len: usize) -> Option<usize> {
    (len > 0).then(|| len - 1 - usize::from(index) % len)
}
