//! Manual Confirmation, sealed offers: the offer (digest and price, never the result) is
//! revealed once the commit window has closed; the client chooses one, or after the confirm
//! window anyone may finalize and the cheapest is chosen — which the provider asks for
//! itself when its offer is the cheapest. The chosen provider then delivers ([`super::super::award`]).

use cosmwasm_std::Uint128;
use ogpu_types::finalize::{self, Due};
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::{ResponseStatus, Task, TaskResponseRecord};

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

    fn reveal_result(&self) -> bool {
        false
    }

    fn settle(
        &self,
        task: &Task,
        responses: &[TaskResponseRecord],
        me: &str,
        tip: Tip,
    ) -> Option<ExecuteMsg> {
        let due = finalize::due(task, None, tip.time) == Due::AutoConfirm;
        // The registry chooses by price, then earliest reveal, then address.
        let cheapest = responses
            .iter()
            .filter(|r| r.status == ResponseStatus::Revealed)
            .filter_map(|r| Some((r.price?, r.revealed_height?, r.provider.as_str())))
            .min()?;
        (due && cheapest.2 == me).then_some(ExecuteMsg::Finalize { task_id: task.id })
    }
}
