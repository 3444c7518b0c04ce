//! The application: the state machine CometBFT would drive over ABCI. CheckTx admits a
//! transaction to the mempool, FinalizeBlock executes a block's transactions, Commit
//! persists; Simulate runs a transaction on a throwaway layer to estimate its gas.

use std::collections::BTreeMap;
use std::sync::Arc;

use cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData;
use prost::Message;
use tendermint::abci::{self, types::ExecTxResult, Code, Event};

use crate::address::Bech32;
use crate::error::{ChainError, ChainResult};
use crate::events::with_msg_index;
use crate::gas::{GasBreakdown, GasMeter};
use crate::kv::Kv;
use crate::store::{Bytes, SharedStore};
use crate::tx::ante::{self, AnteEnv};
use crate::tx::{msgs, DecodedTx, GasPrice, Mode};
use crate::wasm::{BlockEnv, CallCtx, Vm};

/// Largest transaction the mempool takes (CometBFT `mempool.max_tx_bytes`, 1 MiB).
pub const MAX_TX_BYTES: usize = 1_048_576;
/// Gas limit of a simulation (the SDK simulates with an unlimited meter).
const SIMULATION_GAS_LIMIT: u64 = u64::MAX / crate::gas::GAS_MULTIPLIER;

/// Chain-wide settings that never change after genesis.
#[derive(Debug, Clone)]
pub struct ChainParams {
    pub chain_id: String,
    pub bech32: Bech32,
    pub min_gas_price: GasPrice,
}

/// What executing one transaction produced.
#[derive(Debug, Clone, Default)]
pub struct TxOutcome {
    pub codespace: String,
    pub code: u32,
    pub log: String,
    pub data: Vec<u8>,
    pub gas_wanted: u64,
    pub gas_used: u64,
    pub events: Vec<Event>,
    /// Where `gas_used` went, by charge descriptor.
    pub gas_breakdown: GasBreakdown,
}

impl TxOutcome {
    fn failed(err: &ChainError, gas_wanted: u64, gas_used: u64, events: Vec<Event>) -> Self {
        Self {
            codespace: err.codespace.to_string(),
            code: err.code,
            log: err.log.clone(),
            gas_wanted,
            gas_used,
            events,
            ..Self::default()
        }
    }

    pub fn to_exec_result(&self) -> ExecTxResult {
        ExecTxResult {
            code: Code::from(self.code),
            data: self.data.clone().into(),
            log: self.log.clone(),
            info: String::new(),
            gas_wanted: self.gas_wanted as i64,
            gas_used: self.gas_used as i64,
            events: self.events.clone(),
            codespace: self.codespace.clone(),
        }
    }
}

pub struct App {
    pub store: SharedStore,
    pub vm: Arc<Vm>,
    pub params: ChainParams,
    /// The last committed block, the context of queries.
    pub last_block: BlockEnv,
    /// Effects of the mempool's admitted txs on accounts (sequences, fees): the SDK's
    /// `checkState`, dropped at every commit.
    check_state: BTreeMap<Bytes, Option<Bytes>>,
}

impl App {
    pub fn new(store: SharedStore, vm: Arc<Vm>, params: ChainParams, last_block: BlockEnv) -> Self {
        Self {
            store,
            vm,
            params,
            last_block,
            check_state: BTreeMap::new(),
        }
    }

    fn call_ctx(
        &self,
        meter: Arc<GasMeter>,
        block: BlockEnv,
        tx: Option<(u32, Vec<u8>)>,
    ) -> CallCtx {
        CallCtx {
            store: self.store.clone(),
            meter,
            vm: self.vm.clone(),
            block,
            tx,
            query_depth: 0,
        }
    }

    /// A context for queries against the committed state, with its own gas meter.
    pub fn query_ctx(&self, gas_limit: u64) -> CallCtx {
        self.call_ctx(
            Arc::new(GasMeter::new(gas_limit)),
            self.last_block.clone(),
            None,
        )
    }

    /// CheckTx: decoding, size, and the ante handler against the check state.
    pub fn check_tx(&mut self, bytes: &[u8]) -> abci::response::CheckTx {
        let outcome = self.check(bytes);
        abci::response::CheckTx {
            code: Code::from(outcome.code),
            log: outcome.log,
            gas_wanted: outcome.gas_wanted as i64,
            gas_used: outcome.gas_used as i64,
            codespace: outcome.codespace,
            ..Default::default()
        }
    }

    fn check(&mut self, bytes: &[u8]) -> TxOutcome {
        if bytes.len() > MAX_TX_BYTES {
            let err =
                ChainError::tx_too_large(format!("{} bytes, max {MAX_TX_BYTES}", bytes.len()));
            return TxOutcome::failed(&err, 0, 0, Vec::new());
        }
        let tx = match DecodedTx::decode(bytes) {
            Ok(tx) => tx,
            Err(err) => return TxOutcome::failed(&err, 0, 0, Vec::new()),
        };
        let meter = GasMeter::new(tx.gas_limit());
        self.store
            .lock()
            .push_layer(std::mem::take(&mut self.check_state));
        self.store.lock().begin();
        let result = ante::run(&self.ante_env(&meter, Mode::Check), &tx);
        let mut store = self.store.lock();
        match result {
            Ok(_) => store.commit(),
            Err(_) => store.discard(),
        }
        self.check_state = store.pop_layer();
        drop(store);
        match result {
            Ok(_) => TxOutcome {
                gas_wanted: tx.gas_limit(),
                gas_used: meter.used(),
                ..Default::default()
            },
            Err(err) => TxOutcome::failed(&err, tx.gas_limit(), meter.used(), Vec::new()),
        }
    }

    fn ante_env<'a>(&'a self, meter: &'a GasMeter, mode: Mode) -> AnteEnv<'a> {
        AnteEnv {
            kv: Kv::new(&self.store, meter),
            bech32: &self.params.bech32,
            chain_id: &self.params.chain_id,
            min_gas_price: &self.params.min_gas_price,
            mode,
        }
    }

    /// Opens the block's layer; every `deliver_tx` until `commit` writes into it.
    pub fn begin_block(&mut self) {
        self.store.lock().begin();
    }

    /// DeliverTx: the ante handler's effects (fee, sequence) stay even when a message
    /// fails; the messages' effects stay only if all of them succeed.
    pub fn deliver_tx(&mut self, block: &BlockEnv, index: u32, bytes: &[u8]) -> TxOutcome {
        let hash = tendermint::Hash::Sha256(sha256(bytes)).as_bytes().to_vec();
        self.execute(bytes, Mode::Deliver, block.clone(), Some((index, hash)))
    }

    /// Simulate: the same execution on a layer that is thrown away; signatures unchecked.
    pub fn simulate(&mut self, bytes: &[u8]) -> TxOutcome {
        self.store.lock().begin();
        let outcome = self.execute(bytes, Mode::Simulate, self.last_block.clone(), None);
        self.store.lock().discard();
        outcome
    }

    fn execute(
        &mut self,
        bytes: &[u8],
        mode: Mode,
        block: BlockEnv,
        tx_pos: Option<(u32, Vec<u8>)>,
    ) -> TxOutcome {
        let tx = match DecodedTx::decode(bytes) {
            Ok(tx) => tx,
            Err(err) => return TxOutcome::failed(&err, 0, 0, Vec::new()),
        };
        let gas_limit = if mode == Mode::Simulate {
            SIMULATION_GAS_LIMIT
        } else {
            tx.gas_limit()
        };
        let meter = Arc::new(GasMeter::new(gas_limit));
        self.store.lock().begin();
        let ante_events = match ante::run(&self.ante_env(&meter, mode), &tx) {
            Ok(events) => events,
            Err(err) => {
                self.store.lock().discard();
                return TxOutcome::failed(&err, tx.gas_limit(), meter.used(), Vec::new());
            }
        };
        let ctx = self.call_ctx(meter.clone(), block, tx_pos);
        self.store.lock().begin();
        let result = run_msgs(&ctx, &tx);
        let mut store = self.store.lock();
        match result {
            Ok(_) => store.commit(),
            Err(_) => store.discard(),
        }
        store.commit();
        drop(store);
        let outcome = match result {
            Ok((events, data)) => TxOutcome {
                data,
                gas_wanted: tx.gas_limit(),
                gas_used: meter.used(),
                events: ante_events.into_iter().chain(events).collect(),
                ..Default::default()
            },
            Err(err) => TxOutcome::failed(&err, tx.gas_limit(), meter.used(), ante_events),
        };
        TxOutcome {
            gas_breakdown: meter.breakdown(),
            ..outcome
        }
    }

    /// Commit: the block's changes go to the committed state; returned for persistence.
    /// The mempool's check state restarts from the new state.
    pub fn commit(&mut self, block: BlockEnv) -> BTreeMap<Bytes, Option<Bytes>> {
        self.last_block = block;
        self.check_state.clear();
        self.store.lock().commit_block()
    }
}

fn run_msgs(ctx: &CallCtx, tx: &DecodedTx) -> ChainResult<(Vec<Event>, Vec<u8>)> {
    let mut events = Vec::new();
    let mut responses = Vec::new();
    for (index, msg) in tx.msgs.iter().enumerate() {
        let (msg_events, response) = msgs::run(ctx, msg)
            .map_err(|e| e.context(format!("failed to execute message; message index: {index}")))?;
        events.extend(with_msg_index(msg_events, index));
        responses.push(response);
    }
    #[allow(deprecated)]
    let data = TxMsgData {
        data: Vec::new(),
        msg_responses: responses,
    }
    .encode_to_vec();
    Ok((events, data))
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}
