//! The one task that owns the provider's key and account sequence (Hermes' pattern):
//! every other task sends it messages over a channel and gets the outcome back. Messages
//! that queue up while a transaction is in flight go out together in the next one.
//!
//! Failures: a batch the chain refuses is retried message by message, so one bad message
//! does not sink the others; a sequence mismatch is refreshed and retried (by
//! [`Client::send`]); out of gas is re-simulated (or, with a fixed gas, doubled up to the
//! configured maximum); an unreachable node is retried with backoff — the same signed bytes
//! re-broadcast and their hash polled, so an outage never duplicates a transaction.

use std::sync::Arc;
use std::time::Duration;

use cosmrs::Any;
use ogpu_client::{Client, ClientError, ClientResult, Gas, Signer, TxOutcome};
use ogpu_types::commitment::sha256;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

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
/// Sequence-mismatch refreshes of one transaction.
const SEQUENCE_RETRIES: usize = 3;

/// Backoff through one node outage, given up after [`GIVE_UP_AFTER`].
struct Outage<'a> {
    what: &'a str,
    since: Option<tokio::time::Instant>,
    backoff: Duration,
}

impl<'a> Outage<'a> {
    fn new(what: &'a str) -> Self {
        Self {
            what,
            since: None,
            backoff: Duration::from_millis(250),
        }
    }

    /// Waits before the next try; `false` once the outage lasted too long.
    async fn wait(&mut self, err: &ClientError) -> bool {
        let since = *self.since.get_or_insert_with(tokio::time::Instant::now);
        if since.elapsed() > GIVE_UP_AFTER {
            return false;
        }
        warn!(msgs = %self.what, %err, backoff = ?self.backoff, "node unreachable; retrying");
        tokio::time::sleep(self.backoff).await;
        self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
        true
    }
}

/// Why a message was not executed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TxError {
    /// The chain refused it in CheckTx or it failed in its block: it did not happen.
    #[error("{0}")]
    Refused(String),
    /// It may or may not have landed (node unreachable, not included in time).
    #[error("{0}")]
    Uncertain(String),
}

struct Request {
    msg: Any,
    gas: Gas,
    what: String,
    reply: oneshot::Sender<Result<TxOutcome, TxError>>,
}

/// Sends messages to the signer task. Cheap to clone.
#[derive(Clone)]
pub struct SignerHandle {
    queue: mpsc::Sender<Request>,
    address: String,
}

impl SignerHandle {
    /// The provider's address.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Executes `msg` (`what` names it in logs) and returns its transaction's outcome.
    pub async fn submit(&self, msg: Any, gas: Gas, what: String) -> Result<TxOutcome, TxError> {
        let (reply, answer) = oneshot::channel();
        let request = Request {
            msg,
            gas,
            what,
            reply,
        };
        let stopped = || TxError::Uncertain("the signer stopped".into());
        self.queue.send(request).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Starts the signer task; it ends when every handle is dropped.
pub fn spawn(
    client: Arc<Client>,
    signer: Signer,
    stats: Arc<Stats>,
) -> (SignerHandle, JoinHandle<()>) {
    let (queue, requests) = mpsc::channel(QUEUE);
    let handle = SignerHandle {
        queue,
        address: signer.address().to_string(),
    };
    let task = tokio::spawn(run(client, signer, requests, stats));
    (handle, task)
}

async fn run(
    client: Arc<Client>,
    mut signer: Signer,
    mut requests: mpsc::Receiver<Request>,
    stats: Arc<Stats>,
) {
    let mut sender = Sender {
        client,
        signer: &mut signer,
        stats,
    };
    while let Some(first) = requests.recv().await {
        let mut queued = vec![first];
        while queued.len() < MAX_BATCH {
            match requests.try_recv() {
                Ok(request) => queued.push(request),
                Err(_) => break,
            }
        }
        // Simulated and fixed-gas messages go in separate transactions: a reveal right
        // after its commit cannot be simulated, so a batch holding one cannot either.
        let (auto, fixed): (Vec<_>, Vec<_>) = queued.into_iter().partition(|r| r.gas == Gas::Auto);
        for batch in [auto, fixed] {
            if !batch.is_empty() {
                sender.batch(batch).await;
            }
        }
    }
}

struct Sender<'a> {
    client: Arc<Client>,
    signer: &'a mut Signer,
    stats: Arc<Stats>,
}

impl Sender<'_> {
    /// One transaction for the whole batch; if the chain refuses it, one per message.
    async fn batch(&mut self, batch: Vec<Request>) {
        if batch.len() == 1 {
            let request = batch.into_iter().next().expect("one");
            let result = self
                .send(vec![request.msg.clone()], request.gas, &request.what)
                .await;
            let _ = request.reply.send(result);
            return;
        }
        let gas = match batch
            .iter()
            .map(|r| r.gas)
            .try_fold(0u64, |sum, gas| match gas {
                Gas::Fixed(g) => Some(sum.saturating_add(g)),
                Gas::Auto => None,
            }) {
            Some(total) => Gas::Fixed(total.min(self.client.config().max_gas)),
            None => Gas::Auto,
        };
        let what = batch
            .iter()
            .map(|r| r.what.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let msgs = batch.iter().map(|r| r.msg.clone()).collect();
        match self.send(msgs, gas, &what).await {
            Ok(outcome) => {
                for request in batch {
                    let _ = request.reply.send(Ok(outcome.clone()));
                }
            }
            Err(TxError::Refused(why)) => {
                warn!(batch = %what, %why, "batch refused; sending its messages one by one");
                for request in batch {
                    let result = self
                        .send(vec![request.msg], request.gas, &request.what)
                        .await;
                    let _ = request.reply.send(result);
                }
            }
            Err(err) => {
                for request in batch {
                    let _ = request.reply.send(Err(err.clone()));
                }
            }
        }
    }

    /// Signs, broadcasts and waits, retrying what a retry can fix.
    async fn send(
        &mut self,
        msgs: Vec<Any>,
        mut gas: Gas,
        what: &str,
    ) -> Result<TxOutcome, TxError> {
        let mut gas_retries = 0;
        let mut sequence_retries = 0;
        let mut outage = Outage::new(what);
        loop {
            let err = match self.attempt(&msgs, gas, &mut outage).await {
                Ok(outcome) => {
                    self.stats.txs.inc();
                    self.paid(outcome.gas_wanted);
                    info!(tx_hash = %outcome.hash, height = outcome.height, msgs = %what, "tx included");
                    return Ok(outcome);
                }
                Err(err) => err,
            };
            self.stats.tx_errors.inc();
            match &err {
                ClientError::Rejected {
                    stage,
                    hash,
                    code: 11,
                    codespace,
                    ..
                } if codespace == "sdk" && gas_retries < GAS_RETRIES => {
                    if *stage == "DeliverTx" {
                        self.paid_for(hash).await;
                    }
                    gas_retries += 1;
                    gas = match gas {
                        Gas::Auto => Gas::Auto,
                        Gas::Fixed(g) => {
                            Gas::Fixed(g.saturating_mul(2).min(self.client.config().max_gas))
                        }
                    };
                    warn!(msgs = %what, ?gas, "out of gas; retrying");
                }
                _ if err.is_sequence_mismatch() && sequence_retries < SEQUENCE_RETRIES => {
                    debug!(msgs = %what, "sequence mismatch: refreshing the account");
                    sequence_retries += 1;
                    self.signer.forget();
                }
                ClientError::Rejected { stage, hash, .. } => {
                    if *stage == "DeliverTx" {
                        self.paid_for(hash).await;
                    }
                    warn!(tx_hash = %hash, msgs = %what, %err, "tx refused");
                    return Err(TxError::Refused(err.to_string()));
                }
                ClientError::Unreachable { .. } => {
                    if !outage.wait(&err).await {
                        return Err(TxError::Uncertain(err.to_string()));
                    }
                }
                ClientError::Timeout { .. } => return Err(TxError::Uncertain(err.to_string())),
                // A simulation the contract refuses: the message would fail in its block.
                ClientError::Query { .. } => {
                    debug!(msgs = %what, %err, "simulation refused");
                    return Err(TxError::Refused(err.to_string()));
                }
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
        gas: Gas,
        outage: &mut Outage<'_>,
    ) -> ClientResult<TxOutcome> {
        let signed = self.client.sign(self.signer, msgs, gas).await?;
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
            self.stats.add_fee(fee.amount);
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
