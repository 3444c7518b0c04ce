//! A chain in memory for the RPC tests (unit tests and `tests/rpc_client.rs` share this file;
//! it is not part of the crate's API). Each accepted transaction is mined at once into a
//! block of its own, as anvil does, so a broadcast is followed by its block's events.
//!
//! A transaction is UTF-8 `"<sender> <task id>"`. It executes with a `message.sender` and a
//! `wasm-ogpu_task_published.task_id` event, and fails (code 5) when the sender is `fail`.
//! CheckTx rejects `reject` (code 13).
//!
//! The including module imports `NodeEvent, QueryOutcome, RpcBackend, StoredBlock, StoredTx`
//! from `rpc::backend`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tendermint::abci::{self, types::ExecTxResult, Event};
use tendermint::block::{self, header::Version, parts, Commit, CommitSig, Header};
use tendermint::{account, AppHash, Block, Hash, Signature, Time};
use tokio::sync::broadcast;

use super::{NodeEvent, QueryOutcome, RpcBackend, StoredBlock, StoredTx};

pub const CHAIN_ID: &str = "ogpu-devnet-1";
const VALIDATOR: [u8; 20] = [0xAB; 20];

pub struct FakeBackend {
    chain: Mutex<Chain>,
    events: broadcast::Sender<NodeEvent>,
}

#[derive(Default)]
struct Chain {
    blocks: Vec<Arc<StoredBlock>>,
    txs: HashMap<Hash, Arc<StoredTx>>,
}

impl FakeBackend {
    /// Block 1 holds `alice 1`; block 2 holds `bob 2` and `alice 3`.
    pub fn new() -> Arc<Self> {
        let backend = Arc::new(Self {
            chain: Mutex::default(),
            events: broadcast::channel(64).0,
        });
        backend.mine(&["alice 1"]);
        backend.mine(&["bob 2", "alice 3"]);
        backend
    }

    /// Commits a block holding `txs` and publishes its events (each `Tx`, then `NewBlock`).
    pub fn mine(&self, txs: &[&str]) -> Arc<StoredBlock> {
        let data: Vec<Vec<u8>> = txs.iter().map(|tx| tx.as_bytes().to_vec()).collect();
        let (stored, events) = self.commit(data);
        for event in events {
            // No receiver is fine: nobody listens yet.
            let _ = self.events.send(event);
        }
        stored
    }

    fn commit(&self, data: Vec<Vec<u8>>) -> (Arc<StoredBlock>, Vec<NodeEvent>) {
        let mut chain = self.chain.lock().unwrap();
        let previous = chain.blocks.last().cloned();
        let height = chain.blocks.len() as u64 + 1;
        let tx_results: Vec<ExecTxResult> = data.iter().map(|tx| execute(tx)).collect();
        let header = header(height, previous.as_deref(), &data);
        let block_id = block::Id {
            hash: header.hash(),
            part_set_header: parts::Header::new(1, Hash::Sha256([6; 32])).unwrap(),
        };
        let last_commit = previous.map(|previous| commit(&previous));
        let stored = Arc::new(StoredBlock {
            block_id,
            block: Block::new(header, data, Default::default(), last_commit),
            tx_results,
        });
        chain.blocks.push(Arc::clone(&stored));

        let mut events = Vec::new();
        for (index, (tx, result)) in stored.block.data.iter().zip(&stored.tx_results).enumerate() {
            let tx = Arc::new(StoredTx {
                hash: Hash::Sha256(Sha256::digest(tx).into()),
                height: stored.block.header.height,
                index: index as u32,
                tx: tx.clone(),
                result: result.clone(),
            });
            chain.txs.insert(tx.hash, Arc::clone(&tx));
            events.push(NodeEvent::Tx(tx));
        }
        events.push(NodeEvent::NewBlock(Arc::clone(&stored)));
        (stored, events)
    }
}

fn execute(tx: &[u8]) -> ExecTxResult {
    let text = String::from_utf8_lossy(tx);
    let (sender, task_id) = text.split_once(' ').unwrap_or((&text, ""));
    let failed = sender == "fail";
    ExecTxResult {
        code: if failed { 5.into() } else { abci::Code::Ok },
        log: if failed {
            "out of gas".into()
        } else {
            String::new()
        },
        gas_wanted: 200_000,
        gas_used: 80_000,
        events: vec![
            Event::new("message", [("sender", sender)]),
            Event::new("wasm-ogpu_task_published", [("task_id", task_id)]),
        ],
        codespace: if failed { "sdk".into() } else { String::new() },
        ..Default::default()
    }
}

fn header(height: u64, previous: Option<&StoredBlock>, data: &[Vec<u8>]) -> Header {
    Header {
        version: Version { block: 11, app: 0 },
        chain_id: CHAIN_ID.parse().unwrap(),
        height: height.try_into().unwrap(),
        time: time(height),
        last_block_id: previous.map(|previous| previous.block_id),
        last_commit_hash: previous.map(|_| Hash::Sha256([1; 32])),
        data_hash: Some(Hash::Sha256(Sha256::digest(data.concat()).into())),
        validators_hash: Hash::Sha256([2; 32]),
        next_validators_hash: Hash::Sha256([2; 32]),
        consensus_hash: Hash::Sha256([3; 32]),
        app_hash: AppHash::try_from(vec![height as u8; 32]).unwrap(),
        last_results_hash: previous.map(|_| Hash::Sha256([4; 32])),
        evidence_hash: Some(Hash::Sha256([5; 32])),
        proposer_address: account::Id::new(VALIDATOR),
    }
}

fn time(height: u64) -> Time {
    Time::from_unix_timestamp(1_700_000_000 + height as i64, 0).unwrap()
}

/// The single validator's commit of `previous`.
fn commit(previous: &StoredBlock) -> Commit {
    Commit {
        height: previous.block.header.height,
        round: Default::default(),
        block_id: previous.block_id,
        signatures: vec![CommitSig::BlockIdFlagCommit {
            validator_address: account::Id::new(VALIDATOR),
            timestamp: time(previous.block.header.height.value()),
            signature: Signature::new([7; 64]).unwrap(),
        }],
    }
}

impl RpcBackend for FakeBackend {
    fn chain_id(&self) -> String {
        CHAIN_ID.into()
    }

    fn latest_height(&self) -> u64 {
        self.chain.lock().unwrap().blocks.len() as u64
    }

    fn earliest_height(&self) -> u64 {
        1
    }

    fn block(&self, height: u64) -> Option<Arc<StoredBlock>> {
        let index = usize::try_from(height.checked_sub(1)?).ok()?;
        self.chain.lock().unwrap().blocks.get(index).cloned()
    }

    fn tx(&self, hash: &Hash) -> Option<Arc<StoredTx>> {
        self.chain.lock().unwrap().txs.get(hash).cloned()
    }

    fn check_tx(&self, tx: Vec<u8>) -> abci::response::CheckTx {
        if tx == b"reject" {
            return abci::response::CheckTx {
                code: 13.into(),
                codespace: "sdk".into(),
                log: "insufficient fee".into(),
                ..Default::default()
            };
        }
        let tx = String::from_utf8(tx).unwrap();
        self.mine(&[&tx]);
        abci::response::CheckTx {
            gas_wanted: 200_000,
            ..Default::default()
        }
    }

    /// `/echo` answers the data reversed; any other path is unknown.
    fn abci_query(&self, path: &str, data: &[u8], height: Option<u64>) -> QueryOutcome {
        let height = height.unwrap_or_else(|| self.latest_height());
        if path != "/echo" {
            return QueryOutcome {
                code: 6,
                codespace: "sdk".into(),
                log: format!("unknown query path {path}"),
                height,
                ..Default::default()
            };
        }
        QueryOutcome {
            value: data.iter().rev().copied().collect(),
            height,
            ..Default::default()
        }
    }

    fn subscribe(&self) -> broadcast::Receiver<NodeEvent> {
        self.events.subscribe()
    }

    fn genesis(&self) -> Value {
        json!({
            "genesis_time": "2023-11-14T22:13:20Z",
            "chain_id": CHAIN_ID,
            "initial_height": "1",
            "consensus_params": {
                "block": {"max_bytes": "22020096", "max_gas": "-1"},
                "evidence": {
                    "max_age_num_blocks": "100000",
                    "max_age_duration": "172800000000000",
                    "max_bytes": "1048576"
                },
                "validator": {"pub_key_types": ["ed25519"]},
                "version": {"app": "0"},
                "abci": {"vote_extensions_enable_height": "0"}
            },
            "validators": [],
            "app_hash": "",
            "app_state": {"bank": {"balances": []}}
        })
    }

    fn node_info(&self) -> tendermint::node::Info {
        serde_json::from_value(json!({
            "protocol_version": {"p2p": "8", "block": "11", "app": "0"},
            "id": "ab".repeat(20),
            "listen_addr": "tcp://0.0.0.0:26656",
            "network": CHAIN_ID,
            "version": "0.38.17",
            "channels": "40202122233038606100",
            "moniker": "fake",
            "other": {"tx_index": "on", "rpc_address": "tcp://127.0.0.1:26657"}
        }))
        .unwrap()
    }

    fn validator_info(&self) -> tendermint::validator::Info {
        serde_json::from_value(json!({
            "address": hex::encode_upper(VALIDATOR),
            "pub_key": {
                "type": "tendermint/PubKeyEd25519",
                "value": "1bXHF0mjKBd+X2nDELxZ8c86GJOTZRTDbf3k4SeycBw="
            },
            "voting_power": "10",
            "proposer_priority": "0"
        }))
        .unwrap()
    }
}
