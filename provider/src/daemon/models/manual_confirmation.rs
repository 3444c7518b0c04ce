//! Manual Confirmation: offers are revealed once the commit window has closed; the client
//! confirms one, or after the confirm window anyone may finalize and the cheapest offer is
//! confirmed automatically — which the provider does itself when its offer is the best.

use cosmwasm_std::Uint128;
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::Task;

use super::Model;
use crate::daemon::chain::Tip;
use crate::daemon::state::TaskRecord;

pub struct ManualConfirmation;

impl Model for ManualConfirmation {
    fn reveal_open(&self, record: &TaskRecord, task: &Task, tip: Tip) -> bool {
        record.commit_height.is_some_and(|h| tip.height >= h) && tip.time > task.commit_deadline
    }

    fn reveal_price(&self, record: &TaskRecord) -> Option<Uint128> {
        Some(record.price)
    }

    fn settle(&self, task: &Task, me: &str, tip: Tip) -> Option<ExecuteMsg> {
        let best = task.best.as_ref()?;
        let due = task.confirm_deadline.is_some_and(|d| tip.time > d);
        (due && best.provider.as_str() == me).then_some(ExecuteMsg::Finalize { task_id: task.id })
    }
}
