//! When `Finalize` moves a task on: the registry's rule, in one place, so that the CLI and
//! the provider daemon send `Finalize` exactly when the registry accepts it.

use cosmwasm_std::Timestamp;

use crate::registry::AwardState;
use crate::task::{CompetitionModel, Task};

/// What `Finalize` does with a task at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Nothing yet: refused (`NotFinalizable`) until after this moment.
    NotBefore(Timestamp),
    /// The task ends unpaid: its reward goes back and silent commitments are slashed.
    Expire,
    /// Manual Confirmation: the confirm window passed; the cheapest offer is chosen.
    AutoConfirm,
    /// Sealed-bid auction: the bid reveal window passed; the winner is fixed.
    Award,
    /// Consensus: the reveal window passed; the digests are counted.
    Tally,
    /// An awarded task: the chosen provider's delivery deadline passed.
    MissedDelivery,
}

impl Due {
    /// Whether `Finalize` would be accepted.
    pub fn is_due(&self) -> bool {
        !matches!(self, Due::NotBefore(_))
    }
}

/// What `Finalize` does with an open `task` in a block at `now`; `award` is its award, if
/// one was made (an awarded model after the choice).
pub fn due(task: &Task, award: Option<&AwardState>, now: Timestamp) -> Due {
    if let Some(award) = award {
        return if now > award.delivery_deadline {
            Due::MissedDelivery
        } else {
            Due::NotBefore(award.delivery_deadline)
        };
    }
    let nobody_committed = task.commit_count == 0 && now > task.commit_deadline;
    let wait_for_commits_then = |deadline: Timestamp| {
        if task.commit_count == 0 {
            Due::NotBefore(task.commit_deadline)
        } else {
            Due::NotBefore(deadline)
        }
    };
    match task.model {
        CompetitionModel::FirstResponse { .. } => {
            // Every commitment's window has closed without a reveal (a reveal ends the task).
            let last = task.reveal_deadline.max(task.commit_deadline);
            if nobody_committed || now > last {
                Due::Expire
            } else {
                wait_for_commits_then(last)
            }
        }
        CompetitionModel::ManualConfirmation { .. } => {
            let confirm_deadline = task.confirm_deadline.unwrap_or(task.reveal_deadline);
            let nobody_revealed = task.reveal_count == 0 && now > task.reveal_deadline;
            if task.reveal_count > 0 && now > confirm_deadline {
                Due::AutoConfirm
            } else if task.reveal_count > 0 {
                Due::NotBefore(confirm_deadline)
            } else if nobody_committed || nobody_revealed {
                Due::Expire
            } else {
                wait_for_commits_then(task.reveal_deadline)
            }
        }
        CompetitionModel::SealedBidAuction { .. } | CompetitionModel::Consensus { .. } => {
            if nobody_committed {
                Due::Expire
            } else if now > task.reveal_deadline {
                match task.model {
                    CompetitionModel::Consensus { .. } => Due::Tally,
                    _ => Due::Award,
                }
            } else {
                wait_for_commits_then(task.reveal_deadline)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::{Addr, Uint128};

    use super::*;
    use crate::task::TaskStatus;
    use crate::{Asset, AssetInfo};

    fn t(seconds: u64) -> Timestamp {
        Timestamp::from_seconds(seconds)
    }

    /// Committing until 10 s, opening until 20 s (Manual Confirmation: confirming until 30).
    fn task(model: CompetitionModel, commits: u32, reveals: u32) -> Task {
        Task {
            id: 1,
            client: Addr::unchecked("client"),
            reward: Asset::new(AssetInfo::native("ustake"), 100u128),
            collateral: Uint128::one(),
            confirm_deadline: matches!(model, CompetitionModel::ManualConfirmation { .. })
                .then(|| t(30)),
            model,
            status: TaskStatus::Open,
            created_height: 1,
            created_at: t(0),
            commit_deadline: t(10),
            reveal_deadline: t(20),
            commit_count: commits,
            reveal_count: reveals,
            best: None,
            outcome: None,
            finished_at: None,
        }
    }

    const FR: CompetitionModel = CompetitionModel::FirstResponse {
        commit_window: 10,
        reveal_window: 10,
    };
    const MC: CompetitionModel = CompetitionModel::ManualConfirmation {
        commit_window: 10,
        reveal_window: 10,
        confirm_window: 10,
        delivery_window: 10,
    };
    const AUCTION: CompetitionModel = CompetitionModel::SealedBidAuction {
        bid_window: 10,
        reveal_window: 10,
        delivery_window: 10,
    };
    const CONSENSUS: CompetitionModel = CompetitionModel::Consensus {
        replicas: 3,
        quorum: 2,
        commit_window: 10,
        reveal_window: 10,
    };

    #[test]
    fn a_task_nobody_took_expires_after_its_commit_window() {
        for model in [FR, MC, AUCTION, CONSENSUS] {
            assert_eq!(due(&task(model, 0, 0), None, t(10)), Due::NotBefore(t(10)));
            assert_eq!(due(&task(model, 0, 0), None, t(11)), Due::Expire);
        }
    }

    #[test]
    fn each_model_moves_on_after_its_own_last_window() {
        assert_eq!(due(&task(FR, 1, 0), None, t(20)), Due::NotBefore(t(20)));
        assert_eq!(due(&task(FR, 1, 0), None, t(21)), Due::Expire);
        // Offers wait for the client's confirm window; no offer opened: the task expires.
        assert_eq!(due(&task(MC, 1, 1), None, t(21)), Due::NotBefore(t(30)));
        assert_eq!(due(&task(MC, 1, 1), None, t(31)), Due::AutoConfirm);
        assert_eq!(due(&task(MC, 1, 0), None, t(21)), Due::Expire);
        assert_eq!(
            due(&task(AUCTION, 2, 1), None, t(20)),
            Due::NotBefore(t(20))
        );
        assert_eq!(due(&task(AUCTION, 2, 1), None, t(21)), Due::Award);
        assert_eq!(due(&task(CONSENSUS, 3, 3), None, t(21)), Due::Tally);
        assert!(!due(&task(CONSENSUS, 3, 3), None, t(15)).is_due());
    }

    #[test]
    fn an_award_waits_for_its_delivery_deadline_whatever_the_model() {
        let award = AwardState {
            ranking: vec![],
            executor: 0,
            price: Uint128::one(),
            delivery_deadline: t(40),
        };
        for model in [MC, AUCTION, CONSENSUS] {
            let task = task(model, 2, 2);
            assert_eq!(due(&task, Some(&award), t(40)), Due::NotBefore(t(40)));
            assert_eq!(due(&task, Some(&award), t(41)), Due::MissedDelivery);
        }
    }
}
