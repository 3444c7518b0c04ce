//! The second half of the send pipeline: `broadcast_tx_sync`, the sequence-mismatch retry
//! and waiting for the block. [`Client::send`] is the whole pipeline — estimate, sign,
//! broadcast, retry, wait — that the CLI, the demo and `ogpu deploy` use; the provider
//! daemon's signer task runs its own policy (batching, outages) over the same pieces.

use std::time::{Duration, Instant};

use cosmrs::tendermint::Hash;
use cosmrs::Any;
use tendermint_rpc::Client as _;

use crate::client::Client;
use crate::error::{ClientError, ClientResult};
use crate::gas::Gas;
use crate::outcome::TxOutcome;
use crate::sign::SignedTx;
use crate::signer::Signer;

/// Polling interval while waiting for a transaction: short at first, so a fast chain's
/// next block is seen at once (a provider's reveal must land in the block after its
/// commit), then longer, to spare a slow chain's node.
const POLL_FAST: Duration = Duration::from_millis(50);
const POLL_SLOW: Duration = Duration::from_millis(250);
/// How long `wait` polls at the fast interval.
const FAST_POLLING: Duration = Duration::from_secs(2);
/// Sequence-mismatch retries of one transaction before giving up (each re-reads the
/// account): another sender of the same key rarely gets in more than once.
const SEQUENCE_RETRIES: usize = 3;

/// The sequence-mismatch retries left to one transaction (or simulation). Another sender
/// of the same key moved its sequence: forget the cached one and try again, a few times.
#[derive(Debug)]
pub struct Resequence {
    left: usize,
}

impl Default for Resequence {
    fn default() -> Self {
        Self {
            left: SEQUENCE_RETRIES,
        }
    }
}

impl Resequence {
    /// Whether `err` is a sequence mismatch worth another try; if so, the signer's cached
    /// sequence is forgotten so that the next try reads the account again.
    pub fn retry(&mut self, err: &ClientError, signer: &mut Signer) -> bool {
        if self.left == 0 || !err.is_sequence_mismatch() {
            return false;
        }
        self.left -= 1;
        tracing::debug!(%err, "sequence mismatch: refreshing the account");
        signer.forget();
        true
    }
}

impl Client {
    /// `broadcast_tx_sync`: the hash once CheckTx accepted the tx.
    pub async fn broadcast(&self, tx: Vec<u8>) -> ClientResult<Hash> {
        let answer = self
            .rpc
            .broadcast_tx_sync(tx)
            .await
            .map_err(|e| self.unreachable(e))?;
        if answer.code.is_err() {
            return Err(ClientError::rejected(
                "CheckTx",
                answer.hash.to_string(),
                answer.code.value(),
                &answer.codespace,
                answer.log,
            ));
        }
        Ok(answer.hash)
    }

    /// The result of an included transaction, or `None` if the node does not know it.
    pub async fn tx(&self, hash: Hash) -> ClientResult<Option<TxOutcome>> {
        match self.rpc.tx(hash, false).await {
            Ok(found) => Ok(Some(TxOutcome::from_response(found))),
            Err(err) if err.to_string().contains("not found") => Ok(None),
            Err(err) => Err(self.unreachable(err)),
        }
    }

    /// Polls until the transaction is in a block (or the configured timeout passes).
    pub async fn wait(&self, hash: Hash) -> ClientResult<TxOutcome> {
        let start = Instant::now();
        while start.elapsed() < self.config.timeout() {
            if let Some(outcome) = self.tx(hash).await? {
                return Ok(outcome);
            }
            let poll = if start.elapsed() < FAST_POLLING {
                POLL_FAST
            } else {
                POLL_SLOW
            };
            tokio::time::sleep(poll).await;
        }
        Err(ClientError::Timeout {
            hash: hash.to_string(),
            secs: self.config.timeout_secs,
        })
    }

    /// Estimates, signs and broadcasts `msgs` in one transaction until CheckTx accepts it,
    /// re-reading the account on a sequence mismatch; the signer's sequence then moves on.
    /// Nothing is sent when the gas limit would exceed `max_gas`.
    pub async fn submit(
        &self,
        signer: &mut Signer,
        msgs: &[Any],
        gas: Gas,
    ) -> ClientResult<(Hash, SignedTx)> {
        let mut resequence = Resequence::default();
        loop {
            let sent = match self.sign(signer, msgs, gas).await {
                Ok(signed) => self
                    .broadcast(signed.bytes.clone())
                    .await
                    .map(|hash| (hash, signed)),
                Err(err) => Err(err),
            };
            match sent {
                Ok(sent) => {
                    signer.advance();
                    return Ok(sent);
                }
                Err(err) if resequence.retry(&err, signer) => {}
                Err(err) => return Err(err),
            }
        }
    }

    /// The whole pipeline: [`Client::submit`], then waits for the block. A tx that fails
    /// in its block is an error too (its fee was paid).
    pub async fn send(
        &self,
        signer: &mut Signer,
        msgs: Vec<Any>,
        gas: Gas,
    ) -> ClientResult<TxOutcome> {
        let (hash, _) = self.submit(signer, &msgs, gas).await?;
        self.wait(hash).await?.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mismatch_is_retried_a_few_times_then_given_up() {
        let key = cosmrs::crypto::secp256k1::SigningKey::from_slice(&[7; 32]).unwrap();
        let mut signer = Signer::new(key, "wasm").unwrap();
        let mismatch = ClientError::rejected("CheckTx", "AB".into(), 32, "sdk", "x".into());
        let out_of_gas = ClientError::rejected("CheckTx", "AB".into(), 11, "sdk", "x".into());
        let mut resequence = Resequence::default();
        assert!(!resequence.retry(&out_of_gas, &mut signer));
        for _ in 0..SEQUENCE_RETRIES {
            signer.set_account(1, 5);
            assert!(resequence.retry(&mismatch, &mut signer));
            assert_eq!(signer.account(), None, "the cached sequence is forgotten");
        }
        assert!(!resequence.retry(&mismatch, &mut signer));
    }
}
