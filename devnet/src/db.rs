//! Persistence for `--home`: an embedded `redb` database holding the committed state, every
//! block with its results, and the chain's settings. One write transaction per block, so a
//! crash leaves the chain at the last committed block.

use std::collections::BTreeMap;
use std::path::Path;

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use tendermint::abci::types::ExecTxResult;
use tendermint::block;

use crate::store::Bytes;

const STATE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("state");
const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const GENESIS_KEY: &str = "genesis";

/// A block as persisted (JSON of the tendermint types, which round-trip exactly).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BlockRecord {
    pub block_id: block::Id,
    pub block: tendermint::Block,
    pub tx_results: Vec<ExecTxResult>,
}

pub struct Db {
    db: Database,
}

/// Everything a restart needs.
pub struct Loaded {
    pub genesis: Option<serde_json::Value>,
    pub state: BTreeMap<Bytes, Bytes>,
    pub blocks: Vec<BlockRecord>,
}

pub type DbResult<T> = Result<T, redb::Error>;

impl Db {
    /// Opens (or creates) `<home>/data/chain.redb`.
    pub fn open(home: &Path) -> DbResult<Self> {
        let dir = home.join("data");
        std::fs::create_dir_all(&dir).map_err(redb::Error::Io)?;
        let db = Database::create(dir.join("chain.redb"))?;
        let txn = db.begin_write()?;
        txn.open_table(STATE)?;
        txn.open_table(BLOCKS)?;
        txn.open_table(META)?;
        txn.commit()?;
        Ok(Self { db })
    }

    pub fn load(&self) -> DbResult<Loaded> {
        let txn = self.db.begin_read()?;
        let genesis = match txn.open_table(META)?.get(GENESIS_KEY)? {
            Some(bytes) => Some(serde_json::from_slice(bytes.value()).map_err(corrupt)?),
            None => None,
        };
        let mut state = BTreeMap::new();
        for entry in txn.open_table(STATE)?.iter()? {
            let (key, value) = entry?;
            state.insert(key.value().to_vec(), value.value().to_vec());
        }
        let mut blocks = Vec::new();
        for entry in txn.open_table(BLOCKS)?.iter()? {
            let (_, value) = entry?;
            blocks.push(serde_json::from_slice(value.value()).map_err(corrupt)?);
        }
        Ok(Loaded {
            genesis,
            state,
            blocks,
        })
    }

    pub fn save_genesis(
        &self,
        genesis: &serde_json::Value,
        state: &BTreeMap<Bytes, Option<Bytes>>,
    ) -> DbResult<()> {
        let txn = self.db.begin_write()?;
        let bytes = serde_json::to_vec(genesis).map_err(corrupt)?;
        txn.open_table(META)?
            .insert(GENESIS_KEY, bytes.as_slice())?;
        write_state(&txn, state)?;
        txn.commit()?;
        Ok(())
    }

    /// Writes one block and the state changes it made, atomically.
    pub fn save_block(
        &self,
        block: &BlockRecord,
        changes: &BTreeMap<Bytes, Option<Bytes>>,
    ) -> DbResult<()> {
        let txn = self.db.begin_write()?;
        let bytes = serde_json::to_vec(block).map_err(corrupt)?;
        txn.open_table(BLOCKS)?
            .insert(block.block.header.height.value(), bytes.as_slice())?;
        write_state(&txn, changes)?;
        txn.commit()?;
        Ok(())
    }
}

fn write_state(
    txn: &redb::WriteTransaction,
    changes: &BTreeMap<Bytes, Option<Bytes>>,
) -> DbResult<()> {
    let mut table = txn.open_table(STATE)?;
    for (key, value) in changes {
        match value {
            Some(value) => table.insert(key.as_slice(), value.as_slice())?,
            None => table.remove(key.as_slice())?,
        };
    }
    Ok(())
}

fn corrupt(e: serde_json::Error) -> redb::Error {
    redb::Error::Corrupted(format!("devnet record: {e}"))
}
