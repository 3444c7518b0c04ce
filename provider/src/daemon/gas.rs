//! What the provider's transactions cost in gas, learned from its own: every included
//! transaction of one kind of message records the gas it used, and the estimate of that
//! operation is the most it used among its recent ones, times the configured margin. The
//! estimates price a task before it is taken ([`super::fees`]) and give the gas limit of
//! the one transaction that cannot be simulated: a First Response reveal sent in the block
//! right after its commitment (simulation runs at the last block, where the contract
//! refuses the reveal as too early). The book is kept in the daemon's state, so a restart
//! does not forget it, and it follows the contracts wherever their gas goes.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use ogpu_types::CompetitionModel;
use serde::{Deserialize, Serialize};

/// Measurements kept per operation: enough to catch its expensive path (the reveal that
/// pays, the replica that tallies), few enough to follow a contract upgrade.
const SAMPLES: usize = 16;
/// Gas per byte of message added beyond a measured one's size. A result is carried in the
/// message (base64 in JSON), stored in the response and read when it is paid: a sealed
/// reveal of 560 bytes used 469k gas where the fixture's 16 bytes use 378k, about 125 gas
/// per message byte; this bounds it from above (the margin comes on top).
const MORE_PER_BYTE: u64 = 150;
/// Gas per byte of message taken off below a measured one's size: below that rate, so a
/// smaller message is never under-estimated.
const LESS_PER_BYTE: u64 = 100;
/// A registry message's size without a result: addresses, the JSON of a commitment or a
/// digest and salt (what the priors were measured with).
const PRIOR_BYTES: u64 = 400;

/// A kind of message the provider sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// A commitment (a result, an offer, a bid, a replica).
    Commit,
    /// A First Response reveal, with its result: it is paid in that transaction.
    RevealWithResult,
    /// A digest-only reveal (an offer, a replica; the last replica's tallies the round).
    Reveal,
    /// An auction bid opened (the last one awards the auction).
    RevealBid,
    /// A chosen provider's delivery, paid in that transaction.
    Deliver,
    /// `Finalize`: an award, a promotion or a tally the provider asks for.
    Finalize,
    /// Anything else (not learned).
    Other,
}

impl Op {
    /// What the operation cost before this daemon measured it: the suite's gas as the
    /// performance report measured it (docs/performance.md, codes not pinned), rounded
    /// up. Used until the first transaction of the kind is measured.
    pub fn prior(self) -> u64 {
        match self {
            Op::Commit => 245_000,
            Op::RevealWithResult => 400_000,
            // The last replica's reveal tallies the round: above an offer's 146k.
            Op::Reveal => 280_000,
            // The last bid opened awards the auction (262k; the others 135k).
            Op::RevealBid => 265_000,
            Op::Deliver => 420_000,
            Op::Finalize => 380_000,
            Op::Other => 200_000,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Op::Commit => "commit",
            Op::RevealWithResult => "reveal_with_result",
            Op::Reveal => "reveal",
            Op::RevealBid => "reveal_bid",
            Op::Deliver => "deliver",
            Op::Finalize => "finalize",
            Op::Other => "other",
        }
    }

    /// The opening a commitment of `model` is followed by.
    pub fn reveal_of(model: &CompetitionModel) -> Self {
        match model {
            CompetitionModel::FirstResponse { .. } => Op::RevealWithResult,
            CompetitionModel::SealedBidAuction { .. } => Op::RevealBid,
            CompetitionModel::ManualConfirmation { .. } | CompetitionModel::Consensus { .. } => {
                Op::Reveal
            }
        }
    }

    /// The transactions a provider sends to win a task of `model`, in order.
    pub fn winning_path(model: &CompetitionModel) -> &'static [Op] {
        match model {
            CompetitionModel::FirstResponse { .. } => &[Op::Commit, Op::RevealWithResult],
            CompetitionModel::SealedBidAuction { .. } => &[Op::Commit, Op::RevealBid, Op::Deliver],
            CompetitionModel::ManualConfirmation { .. } | CompetitionModel::Consensus { .. } => {
                &[Op::Commit, Op::Reveal, Op::Deliver]
            }
        }
    }
}

/// One measured message: its gas and its size (bytes of the encoded message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    pub gas: u64,
    pub bytes: u64,
}

impl Sample {
    /// What a message of `bytes` should use, going by this one.
    fn scaled(&self, bytes: u64) -> u64 {
        if bytes >= self.bytes {
            self.gas + MORE_PER_BYTE * (bytes - self.bytes)
        } else {
            self.gas
                .saturating_sub(LESS_PER_BYTE * (self.bytes - bytes))
        }
    }
}

/// About how large the message of `op` is when the task's result is `result_bytes` long
/// (only a reveal with the result and a delivery carry it, in base64).
pub fn message_bytes(op: Op, result_bytes: u64) -> u64 {
    match op {
        Op::RevealWithResult | Op::Deliver => PRIOR_BYTES + result_bytes.div_ceil(3) * 4,
        _ => PRIOR_BYTES,
    }
}

/// Recent measurements per operation.
pub type Samples = BTreeMap<Op, Vec<Sample>>;

/// The learned gas of each operation.
#[derive(Debug)]
pub struct GasBook {
    margin: f64,
    samples: Mutex<BTreeMap<Op, VecDeque<Sample>>>,
}

impl GasBook {
    /// A book starting from `samples` (what the state kept), estimates × `margin`.
    pub fn new(margin: f64, samples: Samples) -> Self {
        let samples = samples
            .into_iter()
            .map(|(op, gas)| {
                let keep = gas.len().saturating_sub(SAMPLES);
                (op, gas.into_iter().skip(keep).collect())
            })
            .collect();
        Self {
            margin,
            samples: Mutex::new(samples),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Op, VecDeque<Sample>>> {
        self.samples.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that one `op`, a message of `bytes`, used `gas`.
    pub fn record(&self, op: Op, gas: u64, bytes: u64) {
        if op == Op::Other || gas == 0 {
            return;
        }
        let mut samples = self.lock();
        let kept = samples.entry(op).or_default();
        if kept.len() == SAMPLES {
            kept.pop_front();
        }
        kept.push_back(Sample { gas, bytes });
    }

    /// What `op`, a message of `bytes`, used recently at most (scaled to its size), if it
    /// was measured.
    pub fn measured(&self, op: Op, bytes: u64) -> Option<u64> {
        self.lock()
            .get(&op)
            .and_then(|kept| kept.iter().map(|s| s.scaled(bytes)).max())
    }

    /// The gas to allow `op`, a message of `bytes`: measured (else its prior) × the margin.
    pub fn estimate(&self, op: Op, bytes: u64) -> u64 {
        let prior = || {
            Sample {
                gas: op.prior(),
                bytes: PRIOR_BYTES,
            }
            .scaled(bytes)
        };
        self.with_margin(self.measured(op, bytes).unwrap_or_else(prior))
    }

    /// `gas` × the margin, rounded up.
    pub fn with_margin(&self, gas: u64) -> u64 {
        ogpu_client::gas::adjusted(gas, self.margin)
    }

    /// What the state keeps.
    pub fn samples(&self) -> Samples {
        self.lock()
            .iter()
            .map(|(op, gas)| (*op, gas.iter().copied().collect()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_is_the_recent_maximum_with_the_margin_and_priors_fill_in() {
        let book = GasBook::new(1.5, Samples::new());
        assert_eq!(
            book.estimate(Op::Commit, PRIOR_BYTES),
            367_500,
            "the prior × 1.5"
        );
        book.record(Op::Commit, 100_000, 500);
        book.record(Op::Commit, 120_000, 500);
        book.record(Op::Commit, 110_000, 500);
        assert_eq!(book.measured(Op::Commit, 500), Some(120_000));
        assert_eq!(book.estimate(Op::Commit, 500), 180_000);
        // Only the last SAMPLES count: an old expensive run ages out.
        for _ in 0..SAMPLES {
            book.record(Op::Commit, 90_000, 500);
        }
        assert_eq!(book.measured(Op::Commit, 500), Some(90_000));
        book.record(Op::Other, 1, 1);
        assert_eq!(book.measured(Op::Other, 1), None);
        let restored = GasBook::new(1.0, book.samples());
        assert_eq!(restored.estimate(Op::Commit, 500), 90_000);
    }

    #[test]
    fn a_larger_message_is_estimated_above_its_measured_rate() {
        // The daemon's own figures: a 16-byte result's reveal, then a 560-byte one's.
        let book = GasBook::new(1.0, Samples::new());
        book.record(Op::RevealWithResult, 378_240, 700);
        let larger = 700 + 725; // 544 more bytes of result, in base64
        assert!(book.estimate(Op::RevealWithResult, larger) >= 468_921);
        book.record(Op::RevealWithResult, 468_921, larger);
        // A small one again is not under-estimated by the large one.
        assert!(book.estimate(Op::RevealWithResult, 700) >= 378_240);
        assert_eq!(
            message_bytes(Op::Deliver, 560) - message_bytes(Op::Commit, 560),
            748
        );
    }
}
