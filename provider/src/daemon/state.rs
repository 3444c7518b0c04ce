//! The durable task state: one record per task the provider joined, in an embedded
//! `redb` database (`<state_dir>/state.redb`). The record of a commitment — salt, digest,
//! price, result — is written with immediate durability (fsync) before the commit
//! transaction is sent ([`Store::put`]). Later progress (committed, revealed, ended) is
//! written without waiting for the disk ([`Store::note`]): the next durable write, or
//! [`Store::sync`] at shutdown, persists it, and losing it in a crash only makes the
//! restarted daemon resume from an earlier phase, which reads the chain before acting.
//! After a crash the daemon reads the records back and resumes.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cosmwasm_std::{HexBinary, Timestamp, Uint128};
use ogpu_types::{CompetitionModel, Hash32, Payload, Task};
use redb::{Database, DatabaseError, Durability, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

use super::error::{DaemonError, DaemonResult};
use super::gas::Samples;
use super::identity::ChainIdentity;

/// Task id → JSON of its [`TaskRecord`], on the current chain.
const TASKS: TableDefinition<u64, &[u8]> = TableDefinition::new("tasks");
/// Daemon-wide values, as JSON: the current chain's identity (`chain`), the highest block
/// seen on it (`height`), the gas measured per operation (`gas`).
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// (chain number, task id) → JSON of a [`TaskRecord`] of a chain the daemon left.
const ARCHIVE: TableDefinition<(u32, u64), &[u8]> = TableDefinition::new("archive");
/// Chain number → JSON of the [`ChainIdentity`] of a chain the daemon left (numbered from
/// 1 in the order they were left).
const ARCHIVED_CHAINS: TableDefinition<u32, &[u8]> = TableDefinition::new("archived_chains");
/// How long `open` waits for a previous daemon of this process (a crashed one whose tasks
/// are still being dropped) to let go of the file.
const OPEN_WAIT: Duration = Duration::from_secs(3);

/// Where the provider's response to a task stands, from its own point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Auction: the sealed bid is recorded; its commit transaction is being (or may have
    /// been) sent.
    Bidding,
    /// Auction: the bid is on chain; it is opened once the bid window has closed.
    BidPlaced,
    /// Auction: the bid is opened; waiting for the award (and, ranked behind the
    /// executor, for a promotion). Chosen, the job runs, the result is sealed and recorded
    /// as `Delivering`.
    BidRevealed,
    /// Recorded; the commit transaction is being (or may have been) sent.
    Committing,
    /// The commitment is on chain; the reveal is due.
    Committed,
    /// Revealed: in First Response waiting for the task to settle; an offer or a replica
    /// waits for the award (and delivers when chosen).
    Revealed,
    /// Chosen to deliver: the sealed result is recorded and its `Deliver` is being (or may
    /// have been) sent before the delivery deadline.
    Delivering,
    /// Paid.
    Won,
    /// Another provider was paid; the collateral came back.
    Lost,
    /// The commitment was not opened in time; the collateral was slashed.
    Slashed,
    /// The task ended without a winner.
    Expired,
    /// Given up: the commitment never made it on chain (refused; nothing is locked), or
    /// an awarded auction's job failed, or a delivery was refused (its collateral is
    /// slashed at the delivery deadline: a result it did not compute is never delivered).
    Abandoned,
}

impl Phase {
    /// Nothing more will happen to the task.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            Phase::Bidding
                | Phase::BidPlaced
                | Phase::BidRevealed
                | Phase::Committing
                | Phase::Committed
                | Phase::Revealed
                | Phase::Delivering
        )
    }
}

/// Everything needed to reveal, deliver and follow one task, whatever happens to the
/// process. In an auction `salt`, `price` and `commitment` are the bid's; its result is
/// added once the provider is chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub task_id: u64,
    pub model: CompetitionModel,
    pub phase: Phase,
    /// The secret the commitment is salted with (32 bytes).
    pub salt: HexBinary,
    /// `sha256` of the result; `None` while an auction bid awaits its award.
    #[serde(default)]
    pub digest: Option<HexBinary>,
    /// The price committed to (the reward in First Response, the offer, the bid).
    pub price: Uint128,
    /// What a First Response reveal or a delivery posts: the result (sealed to the client
    /// when the task names a result key) inline, or a reference to the blob server; `None`
    /// while an auction bid awaits its award.
    #[serde(default)]
    pub result: Option<Payload>,
    pub commitment: HexBinary,
    /// Collateral the commitment locks (bond denom).
    pub collateral: Uint128,
    /// Last moment the commitment may be sent: the commit (bid) deadline.
    pub commit_deadline: Timestamp,
    /// Height of the block that included the commitment.
    pub commit_height: Option<u64>,
    /// First Response: the moment after which the commitment may be opened, when it is
    /// queued behind another (as the chain recorded it).
    #[serde(default)]
    pub reveal_opens: Option<Timestamp>,
    /// Last moment the commitment may be opened, as the chain recorded it.
    pub reveal_deadline: Option<Timestamp>,
    pub commit_tx: Option<String>,
    pub reveal_tx: Option<String>,
}

impl TaskRecord {
    /// The record of `commitment` to `task`, sealed with `salt` at `price`, before it is
    /// sent; no result yet (an executed task's is added to it, a bid has none).
    pub fn new(
        task: &Task,
        phase: Phase,
        salt: Hash32,
        price: Uint128,
        commitment: Hash32,
    ) -> Self {
        Self {
            task_id: task.id,
            model: task.model,
            phase,
            salt: HexBinary::from(salt),
            digest: None,
            price,
            result: None,
            commitment: HexBinary::from(commitment),
            collateral: task.collateral,
            commit_deadline: task.commit_deadline,
            commit_height: None,
            reveal_opens: None,
            reveal_deadline: None,
            commit_tx: None,
            reveal_tx: None,
        }
    }
}

/// The store; clones share one database.
#[derive(Clone)]
pub struct Store {
    db: Arc<Database>,
}

fn state_error(err: impl std::fmt::Display) -> DaemonError {
    DaemonError::State(err.to_string())
}

impl Store {
    /// Opens (or creates) `<dir>/state.redb`.
    pub fn open(dir: &Path) -> DaemonResult<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| DaemonError::State(format!("cannot create {}: {e}", dir.display())))?;
        let path = dir.join("state.redb");
        let start = Instant::now();
        let db = loop {
            match Database::create(&path) {
                Ok(db) => break db,
                Err(DatabaseError::DatabaseAlreadyOpen) if start.elapsed() < OPEN_WAIT => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(DatabaseError::DatabaseAlreadyOpen) => {
                    return Err(DaemonError::State(format!(
                        "{} is in use by another daemon: give each provider its own state_dir",
                        path.display()
                    )))
                }
                Err(err) => return Err(DaemonError::State(format!("{}: {err}", path.display()))),
            }
        };
        let txn = db.begin_write().map_err(state_error)?;
        txn.open_table(TASKS).map_err(state_error)?;
        txn.open_table(META).map_err(state_error)?;
        txn.open_table(ARCHIVE).map_err(state_error)?;
        txn.open_table(ARCHIVED_CHAINS).map_err(state_error)?;
        txn.commit().map_err(state_error)?;
        Ok(Self { db: Arc::new(db) })
    }

    /// Writes `record` durably (fsync) before returning.
    pub fn put(&self, record: &TaskRecord) -> DaemonResult<()> {
        self.write(record, Durability::Immediate)
    }

    /// Writes `record`, persisted with the next durable write (see the module doc).
    pub fn note(&self, record: &TaskRecord) -> DaemonResult<()> {
        self.write(record, Durability::None)
    }

    /// Persists every write so far.
    pub fn sync(&self) -> DaemonResult<()> {
        let txn = self.db.begin_write().map_err(state_error)?;
        txn.commit().map_err(state_error)
    }

    fn write(&self, record: &TaskRecord, durability: Durability) -> DaemonResult<()> {
        let bytes = serde_json::to_vec(record).map_err(state_error)?;
        let mut txn = self.db.begin_write().map_err(state_error)?;
        txn.set_durability(durability).map_err(state_error)?;
        txn.open_table(TASKS)
            .map_err(state_error)?
            .insert(record.task_id, bytes.as_slice())
            .map_err(state_error)?;
        txn.commit().map_err(state_error)
    }

    pub fn get(&self, task_id: u64) -> DaemonResult<Option<TaskRecord>> {
        let txn = self.db.begin_read().map_err(state_error)?;
        let table = txn.open_table(TASKS).map_err(state_error)?;
        let Some(value) = table.get(task_id).map_err(state_error)? else {
            return Ok(None);
        };
        serde_json::from_slice(value.value())
            .map(Some)
            .map_err(state_error)
    }

    /// Every record, in task id order.
    pub fn records(&self) -> DaemonResult<Vec<TaskRecord>> {
        let txn = self.db.begin_read().map_err(state_error)?;
        let table = txn.open_table(TASKS).map_err(state_error)?;
        let mut records = Vec::new();
        for entry in table.iter().map_err(state_error)? {
            let (_, value) = entry.map_err(state_error)?;
            records.push(serde_json::from_slice(value.value()).map_err(state_error)?);
        }
        Ok(records)
    }

    /// A daemon-wide value.
    fn meta<T: serde::de::DeserializeOwned>(&self, key: &str) -> DaemonResult<Option<T>> {
        let txn = self.db.begin_read().map_err(state_error)?;
        let table = txn.open_table(META).map_err(state_error)?;
        let Some(value) = table.get(key).map_err(state_error)? else {
            return Ok(None);
        };
        serde_json::from_slice(value.value())
            .map(Some)
            .map_err(state_error)
    }

    /// Sets a daemon-wide value, persisted with the next durable write.
    fn set_meta(&self, key: &str, value: &impl Serialize) -> DaemonResult<()> {
        let bytes = serde_json::to_vec(value).map_err(state_error)?;
        let mut txn = self.db.begin_write().map_err(state_error)?;
        txn.set_durability(Durability::None).map_err(state_error)?;
        txn.open_table(META)
            .map_err(state_error)?
            .insert(key, bytes.as_slice())
            .map_err(state_error)?;
        txn.commit().map_err(state_error)
    }

    /// The chain the records are of; `None` before the first start (or in a state older
    /// than chain tracking).
    pub fn chain(&self) -> DaemonResult<Option<ChainIdentity>> {
        self.meta("chain")
    }

    /// The highest block the daemon saw on the current chain.
    pub fn last_height(&self) -> DaemonResult<u64> {
        Ok(self.meta("height")?.unwrap_or(0))
    }

    pub fn set_last_height(&self, height: u64) -> DaemonResult<()> {
        self.set_meta("height", &height)
    }

    /// The gas measured per operation.
    pub fn gas_samples(&self) -> DaemonResult<Samples> {
        Ok(self.meta("gas")?.unwrap_or_default())
    }

    pub fn set_gas_samples(&self, samples: &Samples) -> DaemonResult<()> {
        self.set_meta("gas", samples)
    }

    /// The records are of `chain`: a state from before chains were tracked, or a first
    /// start.
    pub fn adopt_chain(&self, chain: &ChainIdentity) -> DaemonResult<()> {
        self.set_meta("chain", chain)?;
        self.sync()
    }

    /// The records now belong to `chain`: the current chain's records, if any, move to the
    /// archive (numbered after the chains archived before), the current set starts empty,
    /// durably, in one transaction. The archived chain's number, if one was archived.
    pub fn switch_chain(&self, chain: &ChainIdentity) -> DaemonResult<Option<u32>> {
        let previous = self.chain()?;
        let txn = self.db.begin_write().map_err(state_error)?;
        let archived = {
            let mut tasks = txn.open_table(TASKS).map_err(state_error)?;
            let mut chains = txn.open_table(ARCHIVED_CHAINS).map_err(state_error)?;
            let mut archive = txn.open_table(ARCHIVE).map_err(state_error)?;
            let records: Vec<(u64, Vec<u8>)> = tasks
                .iter()
                .map_err(state_error)?
                .map(|entry| {
                    entry
                        .map(|(k, v)| (k.value(), v.value().to_vec()))
                        .map_err(state_error)
                })
                .collect::<DaemonResult<_>>()?;
            let archived = if records.is_empty() && previous.is_none() {
                None
            } else {
                let number = chains
                    .last()
                    .map_err(state_error)?
                    .map_or(1, |(k, _)| k.value() + 1);
                let identity = serde_json::to_vec(&previous).map_err(state_error)?;
                chains
                    .insert(number, identity.as_slice())
                    .map_err(state_error)?;
                for (task_id, record) in &records {
                    archive
                        .insert((number, *task_id), record.as_slice())
                        .map_err(state_error)?;
                    tasks.remove(task_id).map_err(state_error)?;
                }
                Some(number)
            };
            let mut meta = txn.open_table(META).map_err(state_error)?;
            let chain = serde_json::to_vec(chain).map_err(state_error)?;
            meta.insert("chain", chain.as_slice())
                .map_err(state_error)?;
            meta.insert(
                "height",
                serde_json::to_vec(&0u64).map_err(state_error)?.as_slice(),
            )
            .map_err(state_error)?;
            archived
        };
        txn.commit().map_err(state_error)?;
        Ok(archived)
    }

    /// The records archived as chain `number`.
    pub fn archived(&self, number: u32) -> DaemonResult<Vec<TaskRecord>> {
        let txn = self.db.begin_read().map_err(state_error)?;
        let table = txn.open_table(ARCHIVE).map_err(state_error)?;
        let mut records = Vec::new();
        for entry in table
            .range((number, 0)..=(number, u64::MAX))
            .map_err(state_error)?
        {
            let (_, value) = entry.map_err(state_error)?;
            records.push(serde_json::from_slice(value.value()).map_err(state_error)?);
        }
        Ok(records)
    }

    /// The records of tasks still in progress: what a restart resumes.
    pub fn unfinished(&self) -> DaemonResult<Vec<TaskRecord>> {
        Ok(self
            .records()?
            .into_iter()
            .filter(|r| !r.phase.is_final())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::Binary;

    fn record(task_id: u64, phase: Phase) -> TaskRecord {
        TaskRecord {
            task_id,
            model: CompetitionModel::FirstResponse {
                commit_window: 60,
                reveal_window: 60,
            },
            phase,
            salt: HexBinary::from([7u8; 32]),
            digest: Some(HexBinary::from([1u8; 32])),
            price: Uint128::new(10),
            result: Some(Payload::Inline {
                data: Binary::from(b"result".to_vec()),
            }),
            commitment: HexBinary::from([2u8; 32]),
            collateral: Uint128::new(100),
            commit_deadline: Timestamp::from_seconds(100),
            commit_height: None,
            reveal_opens: None,
            reveal_deadline: None,
            commit_tx: None,
            reveal_tx: None,
        }
    }

    #[test]
    fn records_survive_reopening_and_unfinished_ones_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            store.put(&record(1, Phase::Won)).unwrap();
            store.put(&record(2, Phase::Committing)).unwrap();
            let mut revealed = record(3, Phase::Committed);
            store.put(&revealed).unwrap();
            revealed.phase = Phase::Revealed;
            store.note(&revealed).unwrap();
            store.sync().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.records().unwrap().len(), 3);
        let unfinished: Vec<_> = store
            .unfinished()
            .unwrap()
            .into_iter()
            .map(|r| (r.task_id, r.phase))
            .collect();
        assert_eq!(unfinished, [(2, Phase::Committing), (3, Phase::Revealed)]);
        assert_eq!(store.get(2).unwrap(), Some(record(2, Phase::Committing)));
        assert_eq!(store.get(9).unwrap(), None);
    }

    #[test]
    fn another_chain_archives_the_records_and_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let chain = |genesis: &str| ChainIdentity {
            chain_id: "ogpu-devnet-1".into(),
            genesis_time: Some(genesis.into()),
            registry: "wasm1r".into(),
            staking: "wasm1s".into(),
        };
        // A first start: nothing to archive.
        assert_eq!(store.switch_chain(&chain("t0")).unwrap(), None);
        store.put(&record(1, Phase::Won)).unwrap();
        store.put(&record(2, Phase::Committed)).unwrap();
        store.set_last_height(40).unwrap();
        assert_eq!(store.switch_chain(&chain("t1")).unwrap(), Some(1));
        assert!(store.records().unwrap().is_empty());
        assert_eq!(store.last_height().unwrap(), 0);
        assert_eq!(store.chain().unwrap(), Some(chain("t1")));
        let archived: Vec<_> = store
            .archived(1)
            .unwrap()
            .into_iter()
            .map(|r| r.task_id)
            .collect();
        assert_eq!(archived, [1, 2]);
        store.put(&record(1, Phase::Committing)).unwrap();
        assert_eq!(store.switch_chain(&chain("t2")).unwrap(), Some(2));
        assert_eq!(store.archived(2).unwrap()[0].phase, Phase::Committing);
        assert_eq!(store.archived(1).unwrap().len(), 2);
    }

    #[test]
    fn a_second_daemon_on_the_same_state_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let _first = Store::open(dir.path()).unwrap();
        // Waits OPEN_WAIT for the first to go, then says what is wrong.
        let err = Store::open(dir.path()).err().unwrap();
        assert!(err.to_string().contains("own state_dir"), "{err}");
    }
}
