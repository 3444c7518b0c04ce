//! The node: owns the application and the chain, admits transactions to the mempool, makes
//! a block every block time, persists it, and answers the RPC server (`RpcBackend`).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use cosmwasm_std::{Coin, Uint256};
use serde_json::json;
use tendermint::abci;
use tendermint::{Hash, Time};
use tokio::sync::broadcast;

use crate::address::Bech32;
use crate::app::{sha256, App, ChainParams};
use crate::chain::{self, Chain, Validator};
use crate::config::DevnetConfig;
use crate::db::Db;
use crate::error::ChainError;
use crate::gas::{GasBreakdown, GasMeter, RecentBreakdowns};
use crate::keys::{derive_accounts, DevAccount};
use crate::kv::Kv;
use crate::rpc::backend::{NodeEvent, QueryOutcome, RpcBackend, StoredBlock};
use crate::store::{SharedStore, Store};
use crate::wasm::{BlockEnv, Vm};

/// Events kept for slow subscribers before they lag.
const EVENT_BUFFER: usize = 4_096;
/// Most transactions waiting for the next block (CometBFT's `mempool.size` is 5000).
const MEMPOOL_SIZE: usize = 5_000;

/// Why a devnet could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("database under {path}: {source}")]
    Db { path: String, source: redb::Error },
    #[error("wasm cache: {0}")]
    Vm(std::io::Error),
    #[error("genesis: {0}")]
    Genesis(String),
    #[error("cannot listen on {addr}: {source} (is another node running? pick another {flag})")]
    Bind {
        addr: String,
        /// The flag that sets the address (`--rpc-addr`, `--api-addr`, `--grpc-addr`).
        flag: &'static str,
        source: std::io::Error,
    },
}

#[derive(Default)]
struct Mempool {
    txs: Vec<Vec<u8>>,
    hashes: HashSet<Hash>,
}

pub struct Node {
    app: Mutex<App>,
    chain: RwLock<Chain>,
    mempool: Mutex<Mempool>,
    events: broadcast::Sender<NodeEvent>,
    db: Option<Db>,
    genesis: serde_json::Value,
    validator: Validator,
    chain_id: tendermint::chain::Id,
    pin_codes: bool,
    /// Added to the wall clock for block times (`advance_time`), nanoseconds.
    time_offset: std::sync::atomic::AtomicU64,
    /// Where the gas of recent transactions went (`gas_breakdown`).
    breakdowns: Mutex<RecentBreakdowns>,
    /// The RPC's address once bound (for `status`).
    pub rpc_addr: RwLock<String>,
    pub accounts: Vec<DevAccount>,
}

impl Node {
    /// Opens the chain under `config.home` (continuing it) or creates it from genesis.
    pub fn open(config: &DevnetConfig) -> Result<Arc<Self>, StartError> {
        config.validate().map_err(StartError::Config)?;
        let bech32 = Bech32::new(&config.prefix);
        let accounts = derive_accounts(&config.mnemonic, config.accounts, &config.prefix)
            .map_err(StartError::Config)?;
        let db_error = |source| StartError::Db {
            path: config
                .home
                .as_ref()
                .map_or_else(String::new, |h| h.display().to_string()),
            source,
        };
        let db = config
            .home
            .as_deref()
            .map(Db::open)
            .transpose()
            .map_err(db_error)?;
        let loaded = db.as_ref().map(Db::load).transpose().map_err(db_error)?;
        let vm_dir = config.home.as_ref().map(|h| h.join("wasm"));
        let vm = Arc::new(Vm::new(vm_dir.as_deref(), bech32.clone()).map_err(StartError::Vm)?);
        let params = ChainParams {
            chain_id: config.chain_id.clone(),
            bech32,
            min_gas_price: config.min_gas_price.clone(),
        };
        let chain_id = config
            .chain_id
            .parse()
            .map_err(|e| StartError::Config(format!("--chain-id: {e}")))?;
        let validator = Validator::for_chain(&config.chain_id);
        let genesis_block = BlockEnv {
            height: 0,
            time_nanos: now_nanos(),
            chain_id: config.chain_id.clone(),
        };

        let (genesis, store, chain) = match loaded {
            Some(loaded) if loaded.genesis.is_some() => {
                let mut chain = Chain::default();
                for record in loaded.blocks {
                    let app_hash = record.block.header.app_hash.as_bytes().to_vec();
                    chain.push(record, app_hash);
                }
                (
                    loaded.genesis.expect("checked"),
                    Store::from_committed(loaded.state),
                    chain,
                )
            }
            _ => {
                let store = SharedStore::default();
                let app_state = fund_genesis(&store, &params.bech32, &accounts, config)?;
                let changes = store.lock().commit_block();
                let time = to_time(genesis_block.time_nanos);
                let genesis = chain::genesis_doc(&config.chain_id, time, &validator, app_state);
                if let Some(db) = &db {
                    db.save_genesis(&genesis, &changes).map_err(db_error)?;
                }
                let committed = std::mem::take(&mut *store.lock());
                let mut chain = Chain::default();
                chain.app_hash = chain::next_app_hash(&[], &changes);
                (genesis, committed, chain)
            }
        };
        let last_block = chain.latest().map_or(genesis_block, |b| BlockEnv {
            height: b.block.header.height.value(),
            time_nanos: time_nanos(&b.block.header.time),
            chain_id: config.chain_id.clone(),
        });
        let app = App::new(SharedStore::new(store), vm, params, last_block);
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        Ok(Arc::new(Self {
            app: Mutex::new(app),
            chain: RwLock::new(chain),
            mempool: Mutex::default(),
            events,
            db,
            genesis,
            validator,
            chain_id,
            pin_codes: config.pin_codes,
            time_offset: Default::default(),
            breakdowns: Default::default(),
            rpc_addr: RwLock::new(config.rpc_addr.to_string()),
            accounts,
        }))
    }

    /// Moves the chain's clock forward: later blocks are stamped `by` later (like anvil's
    /// `evm_increaseTime`), so tests and demos can pass deadlines without waiting.
    pub fn advance_time(&self, by: std::time::Duration) {
        self.time_offset
            .fetch_add(by.as_nanos() as u64, std::sync::atomic::Ordering::Relaxed);
    }

    fn app(&self) -> MutexGuard<'_, App> {
        self.app.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn chain(&self) -> std::sync::RwLockReadGuard<'_, Chain> {
        self.chain.read().unwrap_or_else(|p| p.into_inner())
    }

    /// FinalizeBlock + Commit for the mempool's transactions; publishes the block's events.
    /// Where a recently delivered transaction's gas went, by charge descriptor.
    pub fn gas_breakdown(&self, hash: &Hash) -> Option<GasBreakdown> {
        let recent = self.breakdowns.lock().unwrap_or_else(|p| p.into_inner());
        recent.get(hash).cloned()
    }

    pub fn produce_block(&self) -> Result<Arc<StoredBlock>, redb::Error> {
        // The app lock first: CheckTx admits a tx to the check state and the mempool under
        // it, so a block never takes one without the other.
        let mut app = self.app();
        let txs = {
            let mut mempool = self.mempool.lock().unwrap_or_else(|p| p.into_inner());
            mempool.hashes.clear();
            std::mem::take(&mut mempool.txs)
        };
        let previous = self.chain().latest().cloned();
        let height = previous
            .as_ref()
            .map_or(1, |b| b.block.header.height.value() + 1);
        // Block times strictly increase, as CometBFT guarantees.
        let offset = self.time_offset.load(std::sync::atomic::Ordering::Relaxed);
        let time_nanos = (now_nanos() + offset).max(app.last_block.time_nanos + 1);
        let block_env = BlockEnv {
            height,
            time_nanos,
            chain_id: app.params.chain_id.clone(),
        };
        app.begin_block();
        let mut results = Vec::with_capacity(txs.len());
        let mut breakdowns = Vec::with_capacity(txs.len());
        for (index, tx) in txs.iter().enumerate() {
            let outcome = app.deliver_tx(&block_env, index as u32, tx);
            if self.pin_codes && outcome.code == 0 {
                pin_stored_codes(&app, &outcome.events);
            }
            results.push(outcome.to_exec_result());
            breakdowns.push((Hash::Sha256(sha256(tx)), outcome.gas_breakdown));
        }
        let changes = app.commit(block_env);
        drop(app);
        let mut recent = self.breakdowns.lock().unwrap_or_else(|p| p.into_inner());
        for (hash, breakdown) in breakdowns {
            recent.record(hash, breakdown);
        }
        drop(recent);
        let app_hash = chain::next_app_hash(&self.chain().app_hash, &changes);
        let record = chain::make_block(
            &self.chain_id,
            &self.validator,
            previous.as_deref(),
            &app_hash,
            to_time(time_nanos),
            txs,
            results,
        );
        if let Some(db) = &self.db {
            db.save_block(&record, &changes)?;
        }
        let (block, stored_txs) = self
            .chain
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(record, app_hash);
        for tx in stored_txs {
            let _ = self.events.send(NodeEvent::Tx(tx));
        }
        let _ = self.events.send(NodeEvent::NewBlock(block.clone()));
        Ok(block)
    }
}

/// Mints each account's genesis balance; returns the `app_state` of the genesis document.
fn fund_genesis(
    store: &SharedStore,
    bech32: &Bech32,
    accounts: &[DevAccount],
    config: &DevnetConfig,
) -> Result<serde_json::Value, StartError> {
    store.lock().begin();
    let meter = GasMeter::new(u64::MAX);
    let kv = Kv::new(store, &meter);
    crate::auth::store_params(&kv).map_err(|e| StartError::Genesis(e.log))?;
    let coin = Coin {
        denom: config.denom.clone(),
        amount: Uint256::from(config.balance),
    };
    let mut balances = Vec::new();
    for account in accounts {
        let address = bech32
            .decode(&account.address)
            .map_err(|e| StartError::Genesis(e.log))?;
        crate::bank::mint(&kv, bech32, &address, &coin).map_err(|e| StartError::Genesis(e.log))?;
        balances.push(json!({ "address": account.address, "coins": [coin] }));
    }
    let supply = config.balance * u128::from(config.accounts);
    Ok(json!({
        "bank": { "balances": balances, "supply": [{ "denom": config.denom, "amount": supply.to_string() }] },
        "wasm": { "codes": [], "contracts": [] },
    }))
}

/// `--pin-codes`: pins each code a successful tx stored.
fn pin_stored_codes(app: &App, events: &[abci::Event]) {
    let ids = events
        .iter()
        .filter(|e| e.kind == "store_code")
        .flat_map(|e| {
            e.attributes
                .iter()
                .filter(|a| a.key_bytes() == b"code_id")
                .filter_map(|a| {
                    std::str::from_utf8(a.value_bytes())
                        .ok()?
                        .parse::<u64>()
                        .ok()
                })
        });
    for code_id in ids.collect::<Vec<_>>() {
        let ctx = app.query_ctx(u64::MAX);
        if let Err(err) = crate::wasm::keeper::pin_code(&ctx, code_id) {
            tracing::warn!(code_id, %err, "could not pin code");
        }
    }
}

fn now_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

fn to_time(nanos: u64) -> Time {
    Time::from_unix_timestamp(
        (nanos / 1_000_000_000) as i64,
        (nanos % 1_000_000_000) as u32,
    )
    .expect("times after 1970 are valid")
}

fn time_nanos(time: &Time) -> u64 {
    time.unix_timestamp_nanos() as u64
}

impl RpcBackend for Node {
    fn chain_id(&self) -> String {
        self.chain_id.to_string()
    }

    fn latest_height(&self) -> u64 {
        self.chain().height()
    }

    fn earliest_height(&self) -> u64 {
        1
    }

    fn block(&self, height: u64) -> Option<Arc<StoredBlock>> {
        let index = usize::try_from(height.checked_sub(1)?).ok()?;
        self.chain().blocks.get(index).cloned()
    }

    fn tx(&self, hash: &Hash) -> Option<Arc<crate::rpc::backend::StoredTx>> {
        self.chain().txs.get(hash).cloned()
    }

    fn check_tx(&self, tx: Vec<u8>) -> abci::response::CheckTx {
        let hash = chain::tx_hash(&tx);
        {
            let mempool = self.mempool.lock().unwrap_or_else(|p| p.into_inner());
            if mempool.hashes.contains(&hash) || self.chain().txs.contains_key(&hash) {
                return rejected(ChainError::tx_in_mempool(format!("tx {hash}")));
            }
            if mempool.txs.len() >= MEMPOOL_SIZE {
                return rejected(ChainError::invalid_request(format!(
                    "mempool is full ({MEMPOOL_SIZE} txs): retry after the next block"
                )));
            }
        }
        let mut app = self.app();
        let result = app.check_tx(&tx);
        if result.code.is_ok() {
            let mut mempool = self.mempool.lock().unwrap_or_else(|p| p.into_inner());
            mempool.hashes.insert(hash);
            mempool.txs.push(tx);
        }
        drop(app);
        result
    }

    fn abci_query(&self, path: &str, data: &[u8], _height: Option<u64>) -> QueryOutcome {
        let height = self.latest_height();
        let answer = if path == crate::query::GET_NODE_INFO {
            crate::query::node_info(&self.node_info(), data)
        } else {
            crate::query::route(&mut self.app(), path, data)
        };
        match answer {
            Ok(value) => QueryOutcome {
                value,
                height,
                ..Default::default()
            },
            Err(err) => QueryOutcome {
                code: err.code,
                codespace: err.codespace.to_string(),
                log: err.log,
                value: Vec::new(),
                height,
            },
        }
    }

    fn subscribe(&self) -> broadcast::Receiver<NodeEvent> {
        self.events.subscribe()
    }

    fn genesis(&self) -> serde_json::Value {
        self.genesis.clone()
    }

    fn node_info(&self) -> tendermint::node::Info {
        let rpc = self
            .rpc_addr
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let id = hex::encode(self.validator.address.as_bytes());
        serde_json::from_value(json!({
            "protocol_version": { "p2p": "8", "block": "11", "app": "0" },
            "id": id,
            "listen_addr": "tcp://127.0.0.1:26656",
            "network": self.chain_id.as_str(),
            "version": crate::COMETBFT_VERSION,
            "channels": "40202122233038606100",
            "moniker": "ogpu-devnet",
            "other": { "tx_index": "on", "rpc_address": format!("tcp://{rpc}") }
        }))
        .expect("a well-formed node info")
    }

    fn validator_info(&self) -> tendermint::validator::Info {
        self.validator.info()
    }
}

fn rejected(err: ChainError) -> abci::response::CheckTx {
    abci::response::CheckTx {
        code: err.code.into(),
        codespace: err.codespace.to_string(),
        log: err.log,
        ..Default::default()
    }
}
