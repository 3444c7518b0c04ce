//! What slashes pay clients: the exact bond-denom amount each client must have received
//! out of slashed collateral on its tasks, which the balance invariant holds it to. Only
//! silence compensates fully; a missed delivery compensates nobody (in an auction the
//! client could have made the job undeliverable); an overturned result refunds at most the
//! price the client paid, and only when that price is in the bond denom.

use ogpu_types::registry::DisputeStatus;
use ogpu_types::{AssetInfo, ResponseStatus};

use crate::fixtures;
use crate::harness::model::TaskRecord;
use crate::harness::world::World;
use crate::snapshot::TaskState;
use crate::suite::BOND_DENOM;

/// The client's share of a slash of `amount`, rounded down.
pub(crate) fn client_share(amount: u128) -> u128 {
    amount * u128::from(fixtures::staking_params().slash_client_share_bps) / 10_000
}

/// What a silent committer on `record`'s task loses: its collateral, or for an auction
/// bid the unrevealed-bid penalty.
fn silence(record: &TaskRecord, state: &TaskState) -> u128 {
    let collateral = state.task.collateral.u128();
    if record.competition.is_auction() {
        let bps = u128::from(fixtures::limits().unrevealed_bid_penalty_bps);
        collateral * bps / 10_000
    } else {
        collateral
    }
}

impl World {
    /// Bond-denom the client of `record`'s task received so far out of slashes on it.
    pub(crate) fn compensation(&self, record: &TaskRecord, state: &TaskState) -> u128 {
        let silent = state
            .responses
            .iter()
            .filter(|r| r.status == ResponseStatus::Slashed)
            .filter(|r| !record.revealed.contains(&r.provider))
            .count() as u128;
        let mut paid = silent * client_share(silence(record, state)) + record.evicted_compensation;
        if record.disputable {
            let dispute = self.suite.dispute_state(record.id);
            if let Some(dispute) = dispute.filter(|d| d.status == DisputeStatus::Overturned) {
                let in_bond = state.task.reward.info == AssetInfo::native(BOND_DENOM);
                let cap = if in_bond { dispute.price.u128() } else { 0 };
                paid += client_share(state.task.collateral.u128()).min(cap);
            }
        }
        paid
    }
}
