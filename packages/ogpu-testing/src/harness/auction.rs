//! Sealed-bid auctions in the harness: opening bids, honestly or not, diligently or
//! not, each held to the rules' prediction (the winner's delivery is `award`'s).

use cosmwasm_std::{Addr, Timestamp};
use ogpu_types::{ResponseStatus, TaskStatus};

use crate::harness::action::Tamper;
use crate::harness::due::pick;
use crate::harness::execute::Outcome;
use crate::harness::model::TaskRecord;
use crate::harness::world::{Expect, World};
use crate::SealedBid;

impl World {
    /// `committer`'s bid on `task` opened, honestly or not.
    pub(crate) fn reveal_bid(
        &mut self,
        task: Option<usize>,
        committer: Addr,
        tamper: Tamper,
    ) -> Outcome {
        // A tampered result changes nothing in a bid: its reveal stays honest.
        let (provider, sealed) = self.tampered(task, committer, tamper);
        let record = self.model.task(task);
        let honest = record
            .and_then(|r| r.secrets.get(&provider))
            .is_some_and(|mine| {
                mine.author == provider
                    && mine.sealed.salt == sealed.salt
                    && mine.sealed.price == sealed.price
            });
        let expect = match record {
            Some(record) if honest => self.expect_reveal_bid(record, &provider),
            _ => Expect::Failure,
        };
        let bid = SealedBid {
            price: sealed.price.unwrap_or_default(),
            salt: sealed.salt,
            commitment: sealed.commitment,
        };
        let task_id = self.model.task_id(task);
        let result = self.suite.reveal_bid(&provider, task_id, &bid);
        if let (Ok(_), Some(position)) = (&result, task) {
            self.model.tasks[position].revealed.insert(provider);
        }
        (expect, result.map(drop))
    }

    /// An honest bid reveal is accepted on an open auction, in a later block than the
    /// bid, inside the reveal window, for a price within the reward.
    fn expect_reveal_bid(&self, record: &TaskRecord, provider: &Addr) -> Expect {
        let secret = &record.secrets[provider];
        let task = self.suite.task(record.id);
        let block = self.suite.app.block_info();
        let responses = self.suite.responses(record.id);
        let Some(bid) = responses.iter().find(|r| r.provider == *provider) else {
            return Expect::Failure;
        };
        Expect::when(
            record.competition.is_auction()
                && task.status == TaskStatus::Open
                && bid.status == ResponseStatus::Committed
                && block.height > bid.committed_height
                && block.time > task.commit_deadline
                && block.time <= task.reveal_deadline
                && secret.sealed.price.is_some_and(|p| p <= task.reward.amount),
        )
    }

    /// Picks one of the bids its bidder can still open, moves time to the earliest
    /// moment it may, and opens it.
    pub(crate) fn reveal_bid_due(&mut self, index: u8) -> Outcome {
        let mut due = vec![];
        for (position, provider) in self.model.commitments.iter().rev() {
            if let Some(at) = self.earliest_bid_reveal(*position, provider) {
                due.push((*position, provider.clone(), at));
            }
        }
        let Some((position, provider, at)) = pick(&due, index) else {
            return (Expect::Success, Ok(()));
        };
        let now = self.suite.app.block_info().time;
        if at > now {
            self.suite.advance_seconds(at.seconds() - now.seconds());
        }
        self.reveal_bid(Some(position), provider, Tamper::None)
    }

    fn earliest_bid_reveal(&self, position: usize, provider: &Addr) -> Option<Timestamp> {
        let record = &self.model.tasks[position];
        let own = record.secrets[provider].author == *provider;
        if !record.competition.is_auction() || !own || record.terminal.is_some() {
            return None;
        }
        let task = self.suite.task(record.id);
        let responses = self.suite.responses(record.id);
        let bid = responses.iter().find(|r| r.provider == *provider)?;
        if bid.status != ResponseStatus::Committed {
            return None;
        }
        let block = self.suite.app.block_info();
        let next_block = if block.height > bid.committed_height {
            block.time
        } else {
            block.time.plus_seconds(1)
        };
        let at = next_block.max(task.commit_deadline.plus_seconds(1));
        (at <= task.reveal_deadline).then_some(at)
    }
}
