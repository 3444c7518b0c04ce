//! The one task that owns the provider's key and account sequence (Hermes' pattern):
//! every other task sends it messages over a channel and gets the outcome back. Messages
//! that queue up while a transaction is in flight go out together in the next one.
//!
//! Nothing is sent that a simulation shows would fail. Messages that can be simulated are
//! simulated together, and their transaction gets the simulated gas times the margin; a
//! batch whose simulation fails — or that fails in its block after all, the chain having
//! moved on — is split by simulating each message alone: those that would fail are
//! answered as refused without being sent, the rest go out. A message that cannot be
//! simulated (a First Response reveal right after its commitment) goes alone, with the gas
//! this daemon measured for its kind ([`GasBook`]). No limit is cut down to the configured
//! `max_gas` (the transaction would run out of gas in its block and pay all the same): a
//! batch above it is halved, each half simulated and sent on its own, and a lone message
//! above it is refused unsent. A sequence mismatch is refreshed and retried
//! ([`Resequence`]); out of gas is retried with twice the gas while that is within
//! `max_gas`; an unreachable node is retried with backoff — the same signed bytes
//! re-broadcast and their hash polled, so an outage never duplicates a transaction. Every
//! included transaction teaches the gas book what its kind of message costs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cosmrs::Any;
use ogpu_client::gas::within;
use ogpu_client::{Client, ClientError, ClientResult, Gas, Resequence, Signer, TxOutcome};
use ogpu_types::commitment::sha256;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use super::gas::{GasBook, Op};
use super::health::NodeHealth;
use super::metrics::Stats;

/// Most messages in one transaction.
const MAX_BATCH: usize = 16;
/// Requests waiting for the signer before senders wait.
const QUEUE: usize = 256;
/// Out-of-gas retries of one transaction.
const GAS_RETRIES: usize = 2;
const MAX_BACKOFF: Duration = Duration::from_secs(15);
/// How long an unreachable node is retried before the requests fail (their tasks then
/// check the chain once it answers again).
const GIVE_UP_AFTER: Duration = Duration::from_secs(300);

/// How a message gets its gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GasPlan {
    /// Simulated (with the messages it is batched with), times the margin.
    Simulate,
    /// What the gas book says its kind costs: for a message that cannot be simulated.
    Learned,
    /// Exactly this.
    Fixed(u64),
}

/// Backoff through one node outage, given up after [`GIVE_UP_AFTER`] or when the chain
/// changed meanwhile (a transaction signed for the old chain must not reach the new one).
struct Outage<'a> {
    health: &'a NodeHealth,
    chain: &'a AtomicU64,
    on: u64,
    since: Option<tokio::time::Instant>,
    backoff: Duration,
}

impl<'a> Outage<'a> {
    /// Whether the chain changed since this outage's messages were submitted.
    fn chain_changed(&self) -> bool {
        self.chain.load(Ordering::Relaxed) != self.on
    }

    fn new(health: &'a NodeHealth, chain: &'a AtomicU64) -> Self {
        Self {
            health,
            chain,
            on: chain.load(Ordering::Relaxed),
            since: None,
            backoff: Duration::from_millis(250),
        }
    }

    /// Waits before the next try; `false` once the outage lasted too long or the chain
    /// changed.
    async fn wait(&mut self, err: &ClientError) -> bool {
        let since = *self.since.get_or_insert_with(tokio::time::Instant::now);
        if since.elapsed() > GIVE_UP_AFTER || self.chain_changed() {
            return false;
        }
        self.health.failed(err);
        tokio::time::sleep(self.backoff).await;
        self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
        true
    }
}

/// Why a message was not executed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TxError {
    /// The chain refused it (in simulation, at CheckTx or in its block): it did not
    /// happen.
    #[error("{0}")]
    Refused(String),
    /// It may or may not have landed (node unreachable, not included in time).
    #[error("{0}")]
    Uncertain(String),
}

struct Request {
    msg: Any,
    op: Op,
    gas: GasPlan,
    what: String,
    /// The chain it was submitted on ([`SignerHandle::chain_changed`] counts them).
    chain: u64,
    reply: oneshot::Sender<Result<TxOutcome, TxError>>,
}

impl Request {
    fn answer(self, result: Result<TxOutcome, TxError>) {
        let _ = self.reply.send(result);
    }
}

/// Sends messages to the signer task. Cheap to clone.
#[derive(Clone)]
pub struct SignerHandle {
    queue: mpsc::Sender<Request>,
    address: String,
    /// How many times the chain changed.
    chain: Arc<AtomicU64>,
}

impl SignerHandle {
    /// The provider's address.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Executes `msg`, an `op` (`what` names it in logs), and returns its transaction's
    /// outcome.
    pub async fn submit(
        &self,
        msg: Any,
        op: Op,
        gas: GasPlan,
        what: String,
    ) -> Result<TxOutcome, TxError> {
        let (reply, answer) = oneshot::channel();
        let request = Request {
            msg,
            op,
            gas,
            what,
            chain: self.chain.load(Ordering::Relaxed),
            reply,
        };
        let stopped = || TxError::Uncertain("the signer stopped".into());
        self.queue.send(request).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// The node now runs another chain: what was submitted before is dropped (answered
    /// as uncertain, never sent to the new chain) and the account's number and sequence
    /// are read again before the next transaction.
    pub fn chain_changed(&self) {
        self.chain.fetch_add(1, Ordering::Relaxed);
    }
}

/// What the signer reports to and learns from.
#[derive(Clone)]
pub struct SignerEnv {
    pub stats: Arc<Stats>,
    pub gas: Arc<GasBook>,
    pub health: Arc<NodeHealth>,
}

/// Starts the signer task; it ends when every handle is dropped.
pub fn spawn(
    client: Arc<Client>,
    signer: Signer,
    env: SignerEnv,
) -> (SignerHandle, JoinHandle<()>) {
    let (queue, requests) = mpsc::channel(QUEUE);
    let chain = Arc::new(AtomicU64::new(0));
    let handle = SignerHandle {
        queue,
        address: signer.address().to_string(),
        chain: chain.clone(),
    };
    let task = tokio::spawn(run(client, signer, requests, env, chain));
    (handle, task)
}

async fn run(
    client: Arc<Client>,
    mut signer: Signer,
    mut requests: mpsc::Receiver<Request>,
    env: SignerEnv,
    chain: Arc<AtomicU64>,
) {
    let mut on = 0;
    let mut sender = Sender {
        client,
        signer: &mut signer,
        env,
        chain: chain.clone(),
    };
    while let Some(first) = requests.recv().await {
        let mut queued = vec![first];
        while queued.len() < MAX_BATCH {
            match requests.try_recv() {
                Ok(request) => queued.push(request),
                Err(_) => break,
            }
        }
        let now = chain.load(Ordering::Relaxed);
        if now != on {
            on = now;
            sender.signer.forget();
        }
        let (queued, stale): (Vec<_>, Vec<_>) = queued.into_iter().partition(|r| r.chain == now);
        for request in stale {
            request.answer(Err(TxError::Uncertain(
                "the chain changed before it was sent".into(),
            )));
        }
        let (simulated, alone): (Vec<_>, Vec<_>) =
            queued.into_iter().partition(|r| r.gas == GasPlan::Simulate);
        if !simulated.is_empty() {
            sender.simulated(simulated).await;
        }
        for request in alone {
            sender.alone(request).await;
        }
    }
}

/// A simulation's verdict on some messages.
enum Simulated {
    Gas(u64),
    /// The messages would fail: the chain's reason.
    Refused(String),
    /// The node did not answer.
    Uncertain(String),
}

struct Sender<'a> {
    client: Arc<Client>,
    signer: &'a mut Signer,
    env: SignerEnv,
    chain: Arc<AtomicU64>,
}

impl Sender<'_> {
    /// One transaction for the whole batch, its gas simulated; a batch that would fail,
    /// or failed, is split by simulation.
    async fn simulated(&mut self, batch: Vec<Request>) {
        let msgs: Vec<Any> = batch.iter().map(|r| r.msg.clone()).collect();
        let what = names(&batch);
        let gas = match self.simulate(&msgs).await {
            Simulated::Gas(gas) => gas,
            Simulated::Refused(why) if batch.len() == 1 => {
                self.env.stats.sim_refused.inc();
                debug!(msgs = %what, %why, "not sent: the simulation says it would fail");
                for request in batch {
                    request.answer(Err(TxError::Refused(why.clone())));
                }
                return;
            }
            Simulated::Refused(_) => return Box::pin(self.split(batch)).await,
            Simulated::Uncertain(why) => {
                for request in batch {
                    request.answer(Err(TxError::Uncertain(why.clone())));
                }
                return;
            }
        };
        let gas = self.env.gas.with_margin(gas.max(self.floor(&batch)));
        if batch.len() > 1 && within(gas, self.client.config().max_gas).is_err() {
            return Box::pin(self.halve(batch)).await;
        }
        let limit = match self.limit(gas, &what) {
            Ok(limit) => limit,
            Err(refused) => {
                for request in batch {
                    request.answer(Err(refused.clone()));
                }
                return;
            }
        };
        match self.send(msgs, limit, &what).await {
            Ok(outcome) => {
                self.learn(&batch, &outcome);
                for request in batch {
                    request.answer(Ok(outcome.clone()));
                }
            }
            // The chain moved on between the simulation and the block: find out which.
            Err(TxError::Refused(why)) if batch.len() > 1 => {
                info!(msgs = %what, %why, "a batch failed in its block; splitting it by simulation");
                Box::pin(self.split(batch)).await
            }
            Err(err) => {
                for request in batch {
                    request.answer(Err(err.clone()));
                }
            }
        }
    }

    /// Simulates each message alone: those that would fail are answered as refused, the
    /// rest are sent (together, or one by one if each passes alone but not together).
    async fn split(&mut self, batch: Vec<Request>) {
        let total = batch.len();
        let mut good = Vec::new();
        for request in batch {
            match self.simulate(std::slice::from_ref(&request.msg)).await {
                Simulated::Gas(_) => good.push(request),
                Simulated::Refused(why) => {
                    self.env.stats.sim_refused.inc();
                    debug!(msg = %request.what, %why, "not sent: the simulation says it would fail");
                    request.answer(Err(TxError::Refused(why)));
                }
                Simulated::Uncertain(why) => request.answer(Err(TxError::Uncertain(why))),
            }
        }
        if good.len() == total {
            for request in good {
                self.simulated(vec![request]).await;
            }
        } else if !good.is_empty() {
            self.simulated(good).await;
        }
    }

    /// A batch too large for `max_gas`: each half goes out on its own, simulated again.
    async fn halve(&mut self, mut batch: Vec<Request>) {
        let second = batch.split_off(batch.len() / 2);
        debug!(
            first = batch.len(),
            second = second.len(),
            "a batch's gas is above max_gas; halving it"
        );
        self.simulated(batch).await;
        self.simulated(second).await;
    }

    /// `gas` if it is within the configured `max_gas`, else the refusal the messages are
    /// answered with, none of them sent.
    fn limit(&self, gas: u64, what: &str) -> Result<u64, TxError> {
        within(gas, self.client.config().max_gas).map_err(|err| {
            warn!(msgs = %what, %err, "not sent");
            TxError::Refused(err.to_string())
        })
    }

    /// A message that cannot be simulated, in a transaction of its own.
    async fn alone(&mut self, request: Request) {
        let gas = match request.gas {
            GasPlan::Fixed(gas) => gas,
            _ => self
                .env
                .gas
                .estimate(request.op, request.msg.value.len() as u64),
        };
        let result = match self.limit(gas, &request.what) {
            Ok(limit) => {
                self.send(vec![request.msg.clone()], limit, &request.what)
                    .await
            }
            Err(refused) => Err(refused),
        };
        if let Ok(outcome) = &result {
            self.learn(std::slice::from_ref(&request), outcome);
        }
        request.answer(result);
    }

    /// The least gas a batch gets whatever its simulation said: what its kind of message
    /// used at most recently. A message whose cost depends on what others send in the
    /// same block — the last reveal tallies a consensus round, the last bid opened awards
    /// the auction — may take the expensive path although the simulation, a block
    /// earlier, took the cheap one; for those the prior (the expensive path's gas) counts
    /// until one was measured.
    fn floor(&self, batch: &[Request]) -> u64 {
        batch
            .iter()
            .map(|r| {
                let bytes = r.msg.value.len() as u64;
                let measured = self.env.gas.measured(r.op, bytes);
                match r.op {
                    Op::Reveal | Op::RevealBid => measured.unwrap_or(r.op.prior()),
                    Op::Other => 0,
                    _ => measured.unwrap_or(0),
                }
            })
            .sum()
    }

    /// Records the gas of a transaction whose messages are all of one kind (each its
    /// share, at the messages' mean size).
    fn learn(&self, batch: &[Request], outcome: &TxOutcome) {
        let op = batch[0].op;
        if batch.iter().all(|r| r.op == op) {
            let n = batch.len() as u64;
            let bytes: u64 = batch.iter().map(|r| r.msg.value.len() as u64).sum();
            self.env.gas.record(op, outcome.gas_used / n, bytes / n);
        }
    }

    /// The gas `msgs` use now, retried through an outage and a stale sequence.
    async fn simulate(&mut self, msgs: &[Any]) -> Simulated {
        let (health, chain) = (self.env.health.clone(), self.chain.clone());
        let mut outage = Outage::new(&health, &chain);
        let mut resequence = Resequence::default();
        loop {
            if outage.chain_changed() {
                return Simulated::Uncertain("the chain changed".into());
            }
            let err = match self.client.simulate(self.signer, msgs).await {
                Ok(gas) => {
                    health.ok();
                    return Simulated::Gas(gas);
                }
                Err(err) => err,
            };
            if resequence.retry(&err, self.signer) {
                continue;
            }
            match &err {
                ClientError::Query { log, .. } => return Simulated::Refused(log.clone()),
                ClientError::Unreachable { .. } => {
                    if !outage.wait(&err).await {
                        return Simulated::Uncertain(err.to_string());
                    }
                }
                _ => return Simulated::Refused(err.to_string()),
            }
        }
    }

    /// Signs, broadcasts and waits, retrying what a retry can fix.
    async fn send(
        &mut self,
        msgs: Vec<Any>,
        mut gas: u64,
        what: &str,
    ) -> Result<TxOutcome, TxError> {
        let mut gas_retries = 0;
        let mut resequence = Resequence::default();
        let (health, chain) = (self.env.health.clone(), self.chain.clone());
        let mut outage = Outage::new(&health, &chain);
        loop {
            if outage.chain_changed() {
                return Err(TxError::Uncertain(
                    "the chain changed before it was sent".into(),
                ));
            }
            let err = match self.attempt(&msgs, gas, &mut outage).await {
                Ok(outcome) => {
                    health.ok();
                    self.env.stats.txs.inc();
                    self.paid(outcome.gas_wanted);
                    debug!(tx_hash = %outcome.hash, height = outcome.height, gas_used = outcome.gas_used, gas_wanted = outcome.gas_wanted, msgs = %what, "tx included");
                    return Ok(outcome);
                }
                Err(err) => err,
            };
            self.env.stats.tx_errors.inc();
            if let ClientError::Rejected { stage, hash, .. } = &err {
                if *stage == "DeliverTx" {
                    self.env.stats.tx_failed.inc();
                    self.paid_for(hash).await;
                } else if !err.is_sequence_mismatch() {
                    self.env.stats.tx_rejected.inc();
                }
            }
            if resequence.retry(&err, self.signer) {
                continue;
            }
            match &err {
                ClientError::Rejected {
                    code: 11,
                    codespace,
                    ..
                } if codespace == "sdk" && gas_retries < GAS_RETRIES => {
                    gas_retries += 1;
                    gas = self.limit(gas.saturating_mul(2), what)?;
                    warn!(msgs = %what, gas, "out of gas; retrying with more");
                }
                ClientError::Rejected { stage, hash, .. } => {
                    warn!(tx_hash = %hash, stage, msgs = %what, %err, "tx refused by the chain");
                    return Err(TxError::Refused(err.to_string()));
                }
                ClientError::Unreachable { .. } => {
                    if !outage.wait(&err).await {
                        return Err(TxError::Uncertain(err.to_string()));
                    }
                }
                ClientError::Timeout { .. } => return Err(TxError::Uncertain(err.to_string())),
                _ => return Err(TxError::Refused(err.to_string())),
            }
        }
    }

    /// One transaction, signed once: through a node outage its very bytes are broadcast
    /// again and its hash polled, so an outage never makes a second transaction of the
    /// same messages.
    async fn attempt(
        &mut self,
        msgs: &[Any],
        gas: u64,
        outage: &mut Outage<'_>,
    ) -> ClientResult<TxOutcome> {
        let signed = loop {
            match self.client.sign(self.signer, msgs, Gas::Fixed(gas)).await {
                Err(err @ ClientError::Unreachable { .. }) => {
                    if !outage.wait(&err).await {
                        return Err(err);
                    }
                }
                signed => break signed?,
            }
        };
        let hash = cosmrs::tendermint::Hash::Sha256(sha256(&signed.bytes));
        loop {
            match self.client.broadcast(signed.bytes.clone()).await {
                Ok(_) => break,
                // Our own earlier broadcast of these bytes may have landed meanwhile.
                Err(err) if err.is_sequence_mismatch() => {
                    if let Ok(Some(outcome)) = self.client.tx(hash).await {
                        self.signer.advance();
                        return outcome.into_result();
                    }
                    return Err(err);
                }
                // CometBFT's answer to the same bytes still in its mempool.
                Err(err) if err.to_string().contains("already exists") => break,
                Err(err @ ClientError::Unreachable { .. }) => {
                    if !outage.wait(&err).await {
                        return Err(err);
                    }
                }
                Err(err) => return Err(err),
            }
        }
        self.signer.advance();
        loop {
            match self.client.wait(hash).await {
                Err(err @ ClientError::Unreachable { .. }) => {
                    if !outage.wait(&err).await {
                        return Err(ClientError::Timeout {
                            hash: hash.to_string(),
                            secs: GIVE_UP_AFTER.as_secs(),
                        });
                    }
                }
                waited => return waited?.into_result(),
            }
        }
    }

    /// Counts the fee of a transaction that used `gas_wanted`.
    fn paid(&self, gas_wanted: u64) {
        if let Ok(fee) = self.client.fee_for(gas_wanted) {
            self.env.stats.add_fee(fee.amount);
        }
    }

    /// A transaction that failed in its block still paid its fee: look it up.
    async fn paid_for(&self, hash: &str) {
        let Ok(hash) = hash.parse() else { return };
        if let Ok(Some(outcome)) = self.client.tx(hash).await {
            self.paid(outcome.gas_wanted);
        }
    }
}

/// The batch's messages as logs name them.
fn names(batch: &[Request]) -> String {
    batch
        .iter()
        .map(|r| r.what.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
