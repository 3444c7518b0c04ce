//! The model's predictions for the actions whose outcome the rules fix exactly, read
//! against the chain's current state. A wrong prediction fails the sequence: an honest
//! action refused is a liveness bug, a dishonest one accepted a safety bug.

use cosmwasm_std::Addr;
use ogpu_types::staking::ProviderStatus;
use ogpu_types::{ResponseStatus, TaskStatus};

use crate::harness::action::Competition;
use crate::harness::model::TaskRecord;
use crate::harness::world::{Expect, World, MAX_COMMITMENTS};

impl World {
    /// Accepted while the market runs, the task is open and taking commitments, the
    /// provider has none on it, is not its client and is active with enough free stake,
    /// and there is room (or a commitment whose window passed unopened, which is evicted).
    pub(crate) fn expect_commit(&self, record: Option<&TaskRecord>, provider: &Addr) -> Expect {
        let Some(record) = record else {
            return Expect::Failure;
        };
        let task = self.suite.task(record.id);
        let responses = self.suite.responses(record.id);
        let info = self.suite.provider_info(provider);
        let now = self.suite.app.block_info().time;
        let evictable = responses
            .iter()
            .any(|r| r.status == ResponseStatus::Committed && now > r.reveal_deadline);
        let cap = record.competition.replicas().unwrap_or(MAX_COMMITMENTS);
        let disputed_winner = record
            .rerun_of
            .as_ref()
            .is_some_and(|(_, w, _)| w == provider);
        Expect::when(
            !self.model.paused
                && task.status == TaskStatus::Open
                && now <= task.commit_deadline
                && responses.iter().all(|r| r.provider != *provider)
                && info.status == ProviderStatus::Active
                && info.bonded - info.locked >= task.collateral
                && (task.commit_count < cap || evictable)
                && !disputed_winner
                && *provider != record.client,
        )
    }

    /// An honest reveal (the provider's own secrets) is accepted in a later block than its
    /// commitment, inside its window, for a price within the reward; in First Response,
    /// whose reveal carries the result, for a valid answer only (elsewhere the answer is
    /// checked when it is delivered).
    pub(crate) fn expect_reveal(&self, record: &TaskRecord, provider: &Addr) -> Expect {
        let Some(secret) = record.secrets.get(provider) else {
            return Expect::Failure;
        };
        // An auction's result is the executor's delivery, never a bid's reveal.
        if record.competition.is_auction() {
            return Expect::Failure;
        }
        let task = self.suite.task(record.id);
        let block = self.suite.app.block_info();
        let Some(response) = self
            .suite
            .responses(record.id)
            .into_iter()
            .find(|r| r.provider == *provider)
        else {
            return Expect::Failure;
        };
        let window_open = match record.competition {
            // Queued behind another commitment: only once that one's window has passed.
            Competition::FirstResponse => response
                .reveal_opens
                .is_none_or(|opens| opens <= response.committed_at || block.time > opens),
            Competition::Consensus { replicas, .. } if task.commit_count >= replicas => true,
            _ => block.time > task.commit_deadline,
        };
        let price_ok = secret.sealed.price.is_none_or(|p| p <= task.reward.amount);
        Expect::when(
            task.status == TaskStatus::Open
                && response.status == ResponseStatus::Committed
                && block.height > response.committed_height
                && window_open
                && block.time <= response.reveal_deadline
                && price_ok
                && (secret.valid || record.competition != Competition::FirstResponse),
        )
    }

    /// Only the client, in Manual Confirmation, within the confirm window, of a revealed
    /// offer, once.
    pub(crate) fn expect_confirm(
        &self,
        record: Option<&TaskRecord>,
        sender: &Addr,
        provider: &Addr,
    ) -> Expect {
        let Some(record) = record.filter(|r| r.client == *sender && r.manual()) else {
            return Expect::Failure;
        };
        let task = self.suite.task(record.id);
        let now = self.suite.app.block_info().time;
        let revealed = self
            .suite
            .responses(record.id)
            .iter()
            .any(|r| r.provider == *provider && r.status == ResponseStatus::Revealed);
        Expect::when(
            task.status == TaskStatus::Open
                && task.confirm_deadline.is_some_and(|d| now <= d)
                && revealed
                && self.suite.award(record.id).is_none(),
        )
    }

    /// Only the client, before any commitment.
    pub(crate) fn expect_cancel(&self, record: Option<&TaskRecord>, sender: &Addr) -> Expect {
        let Some(record) = record.filter(|r| r.client == *sender) else {
            return Expect::Failure;
        };
        let task = self.suite.task(record.id);
        Expect::when(task.status == TaskStatus::Open && task.commit_count == 0)
    }
}
