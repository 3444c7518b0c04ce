//! What the CometBFT RPC server needs from the chain: the seam between `rpc` and `node`.

use std::sync::Arc;

use tendermint::{abci, block, Block, Hash};
use tokio::sync::broadcast;

/// A committed block with what executing it produced (served by `block` and `block_results`).
/// Its header's `app_hash` is the state *after* this block: a single node commits before it
/// builds the header, so it does not defer the hash to the next block as CometBFT does.
#[derive(Clone, Debug)]
pub struct StoredBlock {
    pub block_id: block::Id,
    pub block: Block,
    /// One result per transaction of `block.data`, in order.
    pub tx_results: Vec<abci::types::ExecTxResult>,
}

/// An included transaction (served by `tx`, `tx_search` and `Tx` subscriptions).
#[derive(Clone, Debug)]
pub struct StoredTx {
    pub hash: Hash,
    pub height: block::Height,
    pub index: u32,
    pub tx: Vec<u8>,
    pub result: abci::types::ExecTxResult,
}

/// What subscribers (`/websocket`, `broadcast_tx_commit`) are told as blocks are made.
#[derive(Clone, Debug)]
pub enum NodeEvent {
    /// Sent after the block's `Tx` events.
    NewBlock(Arc<StoredBlock>),
    Tx(Arc<StoredTx>),
}

/// Answer of an `abci_query` (gRPC-over-ABCI paths such as `/cosmos.bank.v1beta1.Query/Balance`).
#[derive(Clone, Debug, Default)]
pub struct QueryOutcome {
    /// 0 on success; an SDK error code otherwise (with `codespace` and `log`).
    pub code: u32,
    pub codespace: String,
    pub log: String,
    /// Protobuf-encoded response.
    pub value: Vec<u8>,
    pub height: u64,
}

/// The chain as the RPC server sees it. Implemented by the node; every call is cheap and
/// never blocks on block production.
pub trait RpcBackend: Send + Sync + 'static {
    fn chain_id(&self) -> String;
    /// Height of the newest committed block (0 before the first block).
    fn latest_height(&self) -> u64;
    /// Oldest block still served (1: the devnet never prunes).
    fn earliest_height(&self) -> u64;
    fn block(&self, height: u64) -> Option<Arc<StoredBlock>>;
    fn tx(&self, hash: &Hash) -> Option<Arc<StoredTx>>;
    /// CheckTx: decodes and checks the transaction and, when it passes (`code == 0`), adds it
    /// to the mempool for the next block.
    fn check_tx(&self, tx: Vec<u8>) -> abci::response::CheckTx;
    fn abci_query(&self, path: &str, data: &[u8], height: Option<u64>) -> QueryOutcome;
    /// Events of every block and transaction committed from now on.
    fn subscribe(&self) -> broadcast::Receiver<NodeEvent>;
    /// The genesis document (CometBFT's JSON shape, `app_state` included).
    fn genesis(&self) -> serde_json::Value;
    /// The node's identity for `status` (moniker, listen address, versions).
    fn node_info(&self) -> tendermint::node::Info;
    /// The single validator, for `status.validator_info`.
    fn validator_info(&self) -> tendermint::validator::Info;
}
