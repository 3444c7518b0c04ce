//! The block chain the node keeps: block headers and ids, the single validator, the genesis
//! document, and the index of included transactions.

use std::collections::HashMap;
use std::sync::Arc;

use k256::ecdsa::SigningKey;
use serde_json::json;
use sha2::{Digest, Sha256};
use tendermint::block::{self, Commit, CommitSig, Header, Height};
use tendermint::{account, merkle, AppHash, Hash, Time};

use crate::db::BlockRecord;
use crate::rpc::backend::{StoredBlock, StoredTx};

/// The devnet's only validator: a secp256k1 key derived from the chain id (CometBFT
/// accepts secp256k1 validators), so its address is stable across restarts.
#[derive(Clone)]
pub struct Validator {
    pub public_key: tendermint::PublicKey,
    pub address: account::Id,
}

impl Validator {
    pub fn for_chain(chain_id: &str) -> Self {
        let seed = Sha256::digest(format!("ogpu-devnet validator {chain_id}"));
        let key = SigningKey::from_slice(&seed).expect("a sha256 digest is a valid scalar");
        let sec1 = key.verifying_key().to_sec1_bytes();
        let public_key = tendermint::PublicKey::from_raw_secp256k1(&sec1).expect("valid key");
        Self {
            address: account::Id::from(public_key),
            public_key,
        }
    }

    pub fn info(&self) -> tendermint::validator::Info {
        tendermint::validator::Info::new(self.public_key, 10u32.into())
    }
}

/// Blocks and transactions served by the RPC.
#[derive(Default)]
pub struct Chain {
    pub blocks: Vec<Arc<StoredBlock>>,
    pub txs: HashMap<Hash, Arc<StoredTx>>,
    /// The app hash after the newest block.
    pub app_hash: Vec<u8>,
}

impl Chain {
    pub fn latest(&self) -> Option<&Arc<StoredBlock>> {
        self.blocks.last()
    }

    pub fn height(&self) -> u64 {
        self.blocks.len() as u64
    }

    /// Appends a committed block and indexes its transactions.
    pub fn push(
        &mut self,
        record: BlockRecord,
        app_hash: Vec<u8>,
    ) -> (Arc<StoredBlock>, Vec<Arc<StoredTx>>) {
        let height = record.block.header.height;
        let txs: Vec<Arc<StoredTx>> = record
            .block
            .data
            .iter()
            .zip(&record.tx_results)
            .enumerate()
            .map(|(index, (tx, result))| {
                Arc::new(StoredTx {
                    hash: tx_hash(tx),
                    height,
                    index: index as u32,
                    tx: tx.clone(),
                    result: result.clone(),
                })
            })
            .collect();
        for tx in &txs {
            self.txs.insert(tx.hash, tx.clone());
        }
        let block = Arc::new(StoredBlock {
            block_id: record.block_id,
            block: record.block,
            tx_results: record.tx_results,
        });
        self.blocks.push(block.clone());
        self.app_hash = app_hash;
        (block, txs)
    }
}

pub fn tx_hash(tx: &[u8]) -> Hash {
    Hash::Sha256(Sha256::digest(tx).into())
}

/// The next app hash: chains the previous one with a digest of the block's state changes.
pub fn next_app_hash(
    previous: &[u8],
    changes: &std::collections::BTreeMap<Vec<u8>, Option<Vec<u8>>>,
) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(previous);
    for (key, value) in changes {
        hasher.update((key.len() as u64).to_be_bytes());
        hasher.update(key);
        match value {
            Some(value) => {
                hasher.update([1]);
                hasher.update((value.len() as u64).to_be_bytes());
                hasher.update(value);
            }
            None => hasher.update([0]),
        }
    }
    hasher.finalize().to_vec()
}

/// Builds the block after `previous` the way CometBFT lays it out. Its header carries the
/// app hash after this block's own changes (CometBFT would put that in the next header; a
/// single node has no reason to wait, and a restart then reads it from the last header).
pub fn make_block(
    chain_id: &tendermint::chain::Id,
    validator: &Validator,
    previous: Option<&StoredBlock>,
    app_hash: &[u8],
    time: Time,
    txs: Vec<Vec<u8>>,
    tx_results: Vec<tendermint::abci::types::ExecTxResult>,
) -> BlockRecord {
    let height = previous.map_or(1, |b| b.block.header.height.value() + 1);
    let last_commit = previous.map(|b| Commit {
        height: b.block.header.height,
        round: Default::default(),
        block_id: b.block_id,
        signatures: vec![CommitSig::BlockIdFlagAbsent],
    });
    let validators = tendermint::validator::Set::new(vec![validator.info()], None);
    let results_hash = merkle::simple_hash_from_byte_vectors::<tendermint::crypto::default::Sha256>(
        &tx_results
            .iter()
            .map(|r| r.log.as_bytes().to_vec())
            .collect::<Vec<_>>(),
    );
    let header = Header {
        version: tendermint::block::header::Version { block: 11, app: 0 },
        chain_id: chain_id.clone(),
        height: Height::try_from(height).expect("heights fit in i64"),
        time,
        last_block_id: previous.map(|b| b.block_id),
        last_commit_hash: previous.map(|b| b.block_id.hash),
        data_hash: Some(Hash::Sha256(merkle::simple_hash_from_byte_vectors::<
            tendermint::crypto::default::Sha256,
        >(&txs))),
        validators_hash: validators.hash(),
        next_validators_hash: validators.hash(),
        consensus_hash: Hash::Sha256(Sha256::digest(chain_id.as_str()).into()),
        app_hash: AppHash::try_from(app_hash.to_vec()).expect("any bytes are an app hash"),
        last_results_hash: Some(Hash::Sha256(results_hash)),
        evidence_hash: Some(Hash::Sha256(Sha256::digest([]).into())),
        proposer_address: validator.address,
    };
    let block_id = block::Id {
        hash: header.hash(),
        part_set_header: block::parts::Header::new(1, header.hash()).expect("valid part set"),
    };
    let block = tendermint::Block::new(header, txs, Default::default(), last_commit);
    BlockRecord {
        block_id,
        block,
        tx_results,
    }
}

/// The CometBFT genesis document (`app_state` holds the funded accounts).
pub fn genesis_doc(
    chain_id: &str,
    time: Time,
    validator: &Validator,
    app_state: serde_json::Value,
) -> serde_json::Value {
    let validator_info = serde_json::to_value(validator.info()).expect("serializable");
    json!({
        "genesis_time": time,
        "chain_id": chain_id,
        "initial_height": "1",
        "consensus_params": {
            "block": { "max_bytes": "22020096", "max_gas": "-1" },
            "evidence": { "max_age_num_blocks": "100000", "max_age_duration": "172800000000000", "max_bytes": "1048576" },
            "validator": { "pub_key_types": ["secp256k1"] },
            "version": { "app": "0" },
            "abci": { "vote_extensions_enable_height": "0" }
        },
        "validators": [{
            "address": validator_info["address"],
            "pub_key": validator_info["pub_key"],
            "power": validator_info["voting_power"],
            "name": "ogpu-devnet"
        }],
        "app_hash": "",
        "app_state": app_state,
    })
}
