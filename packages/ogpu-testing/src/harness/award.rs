//! Awarded tasks in the harness: the chosen provider (or an impostor) delivers, held to
//! the rules' prediction: only the chosen one, before its deadline, with the result whose
//! digest it revealed (an auction's winner: any result the task's kind accepts).

use ogpu_types::registry::AwardState;

use crate::harness::action::Answer;
use crate::harness::due::pick;
use crate::harness::execute::Outcome;
use crate::harness::model::Secret;
use crate::harness::world::{Expect, World};
use crate::Sealed;

impl World {
    /// The award of the open task at `position`, once made.
    pub(crate) fn awarded(&self, position: usize) -> Option<AwardState> {
        let record = &self.model.tasks[position];
        let awardable = !matches!(
            record.competition,
            crate::harness::action::Competition::FirstResponse
        );
        let open = record.terminal.is_none() && awardable;
        open.then(|| self.suite.award(record.id)).flatten()
    }

    /// On one of the awarded tasks (wrapping): the chosen provider, or an impostor,
    /// delivers. Where the chosen one revealed a digest it delivers the result it sealed
    /// then (or, answering wrongly, another one); in an auction it computes one now.
    pub(crate) fn deliver(&mut self, task: u8, impostor: Option<u8>, answer: Answer) -> Outcome {
        let awarded: Vec<usize> = (0..self.model.tasks.len())
            .rev()
            .filter(|&p| self.awarded(p).is_some())
            .collect();
        let Some(position) = pick(&awarded, task) else {
            return (Expect::Success, Ok(()));
        };
        let state = self.awarded(position).expect("awarded");
        let executor = state.ranking[state.executor as usize].provider.clone();
        let provider = impostor.map_or(executor.clone(), |i| self.provider(i));
        let record = &self.model.tasks[position];
        let bid = record.competition.is_auction();
        let revealed = record.secrets.get(&provider).filter(|_| !bid);
        let secret = match (revealed, answer) {
            (Some(secret), Answer::Valid) => secret.clone(),
            _ => {
                let (result, valid) = self.result(Some(record), record.id, &provider, answer);
                Secret {
                    sealed: Sealed::new(record.id, &provider, &result, 0, None),
                    author: provider.clone(),
                    valid,
                }
            }
        };
        let digest_ok = bid
            || self.suite.responses(record.id).iter().any(|r| {
                r.provider == provider && r.digest.as_ref() == Some(&secret.sealed.digest)
            });
        let now = self.suite.app.block_info().time;
        let expect = Expect::when(
            provider == executor && now <= state.delivery_deadline && digest_ok && secret.valid,
        );
        let task_id = record.id;
        let result = self.suite.deliver(&provider, task_id, &secret.sealed);
        if result.is_ok() {
            self.model.tasks[position].delivered = Some((provider, secret));
        }
        (expect, result.map(drop))
    }
}
