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
            Op::Reveal => 150_000,
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

/// Recent gas per operation.
pub type Samples = BTreeMap<Op, Vec<u64>>;

/// The learned gas of each operation.
#[derive(Debug)]
pub struct GasBook {
    margin: f64,
    samples: Mutex<BTreeMap<Op, VecDeque<u64>>>,
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

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Op, VecDeque<u64>>> {
        self.samples.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that one `op` used `gas`.
    pub fn record(&self, op: Op, gas: u64) {
        if op == Op::Other || gas == 0 {
            return;
        }
        let mut samples = self.lock();
        let kept = samples.entry(op).or_default();
        if kept.len() == SAMPLES {
            kept.pop_front();
        }
        kept.push_back(gas);
    }

    /// The most `op` used recently, if it was measured.
    pub fn measured(&self, op: Op) -> Option<u64> {
        self.lock().get(&op).and_then(|s| s.iter().max().copied())
    }

    /// The gas to allow `op`: measured (else its prior) × the margin.
    pub fn estimate(&self, op: Op) -> u64 {
        self.with_margin(self.measured(op).unwrap_or(op.prior()))
    }

    /// `gas` × the margin, rounded up.
    pub fn with_margin(&self, gas: u64) -> u64 {
        (gas as f64 * self.margin).ceil() as u64
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
        assert_eq!(book.estimate(Op::Commit), 367_500, "the prior × 1.5");
        book.record(Op::Commit, 100_000);
        book.record(Op::Commit, 120_000);
        book.record(Op::Commit, 110_000);
        assert_eq!(book.measured(Op::Commit), Some(120_000));
        assert_eq!(book.estimate(Op::Commit), 180_000);
        // Only the last SAMPLES count: an old expensive run ages out.
        for _ in 0..SAMPLES {
            book.record(Op::Commit, 90_000);
        }
        assert_eq!(book.measured(Op::Commit), Some(90_000));
        book.record(Op::Other, 1);
        assert_eq!(book.measured(Op::Other), None);
        let restored = GasBook::new(1.0, book.samples());
        assert_eq!(restored.estimate(Op::Commit), 90_000);
    }
}
