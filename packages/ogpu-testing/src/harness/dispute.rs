//! Disputes in the harness: clients (or others) disputing completed tasks with the right
//! bond or not, anyone closing windows, and what the invariants must know of them.

use cosmwasm_std::{Addr, Uint128};
use ogpu_types::registry::DisputeStatus;
use ogpu_types::{AssetInfo, CompetitionModel, TaskStatus};

use crate::harness::action::{Actor, Competition};
use crate::harness::execute::Outcome;
use crate::harness::model::TaskRecord;
use crate::harness::world::{Expect, World};
use crate::snapshot::TaskState;

impl World {
    /// Accepted from the client of a completed disputable task whose window is open and
    /// undisputed, with exactly the terms' bond; the round becomes a task of the model.
    pub(crate) fn dispute(&mut self, sender: Actor, task: u8, exact_bond: bool) -> Outcome {
        let position = self.model.position(task);
        let record = self.model.task(position);
        let sender = self.actor(sender, record);
        let task_id = self.model.task_id(position);
        let state = record.and_then(|_| self.suite.dispute_state(task_id));
        let now = self.suite.app.block_info().time;
        let terms_bond = state.as_ref().map_or(Uint128::new(100), |s| s.terms.bond);
        let bond = if exact_bond {
            terms_bond
        } else {
            terms_bond + Uint128::one()
        };
        let expect = Expect::when(state.as_ref().is_some_and(|s| {
            record.is_some_and(|r| r.client == sender)
                && s.status == DisputeStatus::Open
                && now <= s.window_end
                && exact_bond
        }));
        let result = match record.map(|r| &r.reward.info) {
            Some(AssetInfo::Cw20 { .. }) => self.suite.dispute_cw20(&sender, task_id, bond.u128()),
            Some(AssetInfo::Native { denom }) => {
                let bond = cosmwasm_std::coin(bond.u128(), denom);
                self.suite.dispute_in(&sender, task_id, bond)
            }
            None => self.suite.dispute(&sender, task_id, bond.u128()),
        };
        if let (Ok(_), Some(position), Some(state)) = (&result, position, state) {
            let Some(DisputeStatus::Disputed { round }) =
                self.suite.dispute_state(task_id).map(|s| s.status)
            else {
                panic!("task {task_id} was disputed without a round");
            };
            let disputed = &self.model.tasks[position];
            let reward = ogpu_types::Asset::new(disputed.reward.info.clone(), bond);
            let competition = Competition::Consensus {
                replicas: state.terms.replicas,
                quorum: state.terms.quorum,
            };
            let mut rerun =
                TaskRecord::new(round, disputed.client.clone(), reward, competition, None);
            rerun.rerun_of = Some((position, state.winner, state.digest));
            self.model.tasks.push(rerun);
        }
        (expect, result.map(drop))
    }

    /// Accepted from anyone once the window of an undisputed task passed.
    pub(crate) fn close_dispute(&mut self, sender: Actor, task: u8) -> Outcome {
        let position = self.model.position(task);
        let sender = self.actor(sender, self.model.task(position));
        let task_id = self.model.task_id(position);
        let now = self.suite.app.block_info().time;
        let state = position.and_then(|_| self.suite.dispute_state(task_id));
        let expect = Expect::when(
            state.is_some_and(|s| s.status == DisputeStatus::Open && now > s.window_end),
        );
        (expect, self.suite.close_dispute(&sender, task_id).map(drop))
    }

    /// Closes every dispute window still open (time must be past them).
    pub(crate) fn close_every_window(&mut self) {
        let stranger = self.suite.stranger.clone();
        for position in 0..self.model.tasks.len() {
            let task_id = self.model.tasks[position].id;
            let open = self.model.tasks[position].disputable
                && self
                    .suite
                    .dispute_state(task_id)
                    .is_some_and(|s| s.status == DisputeStatus::Open);
            if open {
                self.suite.close_dispute(&stranger, task_id).unwrap();
            }
        }
    }

    /// (task, winner) of every completed task whose dispute is not over: the winner's
    /// collateral is still locked.
    pub(crate) fn pending_disputes(&self) -> Vec<(u64, Addr)> {
        self.model
            .tasks
            .iter()
            .filter(|r| r.disputable)
            .filter_map(|r| self.suite.dispute_state(r.id))
            .filter(|s| {
                matches!(
                    s.status,
                    DisputeStatus::Open | DisputeStatus::Disputed { .. }
                )
            })
            .map(|s| (s.task_id, s.winner))
            .collect()
    }

    /// What a completed re-run round paid the disputed winner besides its replicas: the
    /// bond's unused shares, when it confirmed the disputed digest.
    pub(crate) fn round_extra(&self, record: &TaskRecord, state: &TaskState) -> u128 {
        let (Some((_, _, digest)), Some(outcome)) = (&record.rerun_of, &state.task.outcome) else {
            return 0;
        };
        if outcome.digest != *digest || state.task.status != TaskStatus::Completed {
            return 0;
        }
        let CompetitionModel::Consensus { .. } = state.task.model else {
            return 0;
        };
        let winners = state
            .responses
            .iter()
            .filter(|r| r.status == ogpu_types::ResponseStatus::Won)
            .count() as u128;
        state.task.reward.amount.u128() - winners * outcome.price.u128()
    }
}
