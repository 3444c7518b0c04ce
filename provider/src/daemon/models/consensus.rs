//! Consensus: every replica computes the same result and reveals its digest once all
//! replicas have committed (in a later block) or the commit window has passed; the last
//! reveal tallies the round, else anyone may after the reveal window, which a replica does
//! itself. One agreeing replica is then chosen to deliver the result
//! ([`super::super::award`]), and every agreeing replica is paid when it does.

use cosmwasm_std::Uint128;
use ogpu_types::finalize::{self, Due};
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::{CompetitionModel, Task, TaskResponseRecord};

use super::Model;
use crate::daemon::chain::Tip;
use crate::daemon::state::TaskRecord;

pub struct Consensus;

impl Model for Consensus {
    fn reveal_open(&self, record: &TaskRecord, task: &Task, tip: Tip) -> bool {
        let full = match task.model {
            CompetitionModel::Consensus { replicas, .. } => task.commit_count >= replicas,
            _ => false,
        };
        record.commit_height.is_some_and(|h| tip.height >= h)
            && (full || tip.time > task.commit_deadline)
    }

    fn reveal_price(&self, _record: &TaskRecord) -> Option<Uint128> {
        None
    }

    fn reveal_result(&self) -> bool {
        false
    }

    fn settle(
        &self,
        task: &Task,
        _: &[TaskResponseRecord],
        _: &str,
        tip: Tip,
    ) -> Option<ExecuteMsg> {
        (finalize::due(task, None, tip.time) == Due::Tally)
            .then_some(ExecuteMsg::Finalize { task_id: task.id })
    }
}
