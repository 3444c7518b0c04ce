//! Diligent actors: a provider that opens its commitment as early as the rules let it
//! (waiting for the next block, or for the reveal phase, when it must), and a client that
//! confirms an offer while it may. Random timing alone rarely lines these up, and without
//! them few tasks would complete. Each is held to the same prediction as any reveal or
//! confirmation: the contracts must accept it (or, for a wrong answer, refuse it).

use cosmwasm_std::{Addr, Timestamp};
use ogpu_types::{ResponseStatus, TaskStatus};

use crate::harness::action::{Actor, Competition, Tamper};
use crate::harness::execute::Outcome;
use crate::harness::world::{Expect, World};

impl World {
    /// Picks one of the commitments its committer can still open, moves time to the
    /// earliest moment it may, and opens it.
    pub(crate) fn reveal_due(&mut self, index: u8) -> Outcome {
        let mut due = vec![];
        for (task, provider) in self.model.commitments.iter().rev() {
            if let Some(at) = self.earliest_reveal(*task, provider) {
                due.push((*task, provider.clone(), at));
            }
        }
        let Some((task, provider, at)) = pick(&due, index) else {
            return (Expect::Success, Ok(()));
        };
        let block = self.suite.app.block_info();
        if at > block.time {
            self.suite
                .advance_seconds(at.seconds() - block.time.seconds());
        }
        self.reveal(Some(task), provider, Tamper::None)
    }

    /// When `provider` may first open its own unopened commitment on the task at
    /// `position`: a later block than the commitment's, after the commit deadline in
    /// Manual Confirmation; `None` when its window closes before.
    fn earliest_reveal(&self, position: usize, provider: &Addr) -> Option<Timestamp> {
        let record = &self.model.tasks[position];
        let auction = record.competition.is_auction();
        if auction || record.secrets[provider].author != *provider || record.terminal.is_some() {
            return None;
        }
        let task = self.suite.task(record.id);
        let responses = self.suite.responses(record.id);
        let response = responses.iter().find(|r| r.provider == *provider)?;
        if task.status != TaskStatus::Open || response.status != ResponseStatus::Committed {
            return None;
        }
        let block = self.suite.app.block_info();
        let next_block = if block.height > response.committed_height {
            block.time
        } else {
            block.time.plus_seconds(1)
        };
        let after_commits = task.commit_deadline.plus_seconds(1);
        let phase = match record.competition {
            Competition::ManualConfirmation => after_commits,
            Competition::FirstResponse => response
                .reveal_opens
                .filter(|opens| *opens > response.committed_at)
                .map_or(next_block, |opens| opens.plus_seconds(1)),
            Competition::Consensus { replicas, .. } if task.commit_count < replicas => {
                after_commits
            }
            _ => next_block,
        };
        let at = next_block.max(phase);
        (at <= response.reveal_deadline).then_some(at)
    }

    /// Picks one of the revealed offers whose client may still confirm it, and confirms.
    pub(crate) fn confirm_due(&mut self, index: u8) -> Outcome {
        let now = self.suite.app.block_info().time;
        let mut due = vec![];
        for (position, record) in self.model.tasks.iter().enumerate().rev() {
            if !record.manual() || record.terminal.is_some() {
                continue;
            }
            let task = self.suite.task(record.id);
            let open = task.status == TaskStatus::Open && self.suite.award(record.id).is_none();
            if !open || task.confirm_deadline.is_none_or(|d| now > d) {
                continue;
            }
            let responses = self.suite.responses(record.id).into_iter();
            let offers = responses.filter(|r| r.status == ResponseStatus::Revealed);
            due.extend(offers.map(|r| (position, r.provider, now)));
        }
        match pick(&due, index) {
            Some((task, provider, _)) => self.confirm(Some(task), Actor::TaskClient, provider),
            None => (Expect::Success, Ok(())),
        }
    }
}

pub(crate) fn pick<T: Clone>(candidates: &[T], index: u8) -> Option<T> {
    let len = candidates.len();
    (len > 0).then(|| candidates[usize::from(index) % len].clone())
}
