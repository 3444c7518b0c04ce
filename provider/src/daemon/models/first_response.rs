//! First Response: commit, then reveal with the result in the very next block; the first
//! valid reveal is paid in its own transaction, so there is nothing to settle afterwards.
//! A commitment queued behind another waits for that one's window to pass: while the one
//! ahead delivers, the task ends without this provider paying for a reveal.

use cosmwasm_std::Uint128;
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::{Task, TaskResponseRecord};

use super::Model;
use crate::daemon::chain::Tip;
use crate::daemon::state::TaskRecord;

pub struct FirstResponse;

impl Model for FirstResponse {
    fn reveal_open(&self, record: &TaskRecord, _task: &Task, tip: Tip) -> bool {
        // The next block is later than the commitment's (and than the queue's turn).
        record.commit_height.is_some_and(|h| tip.height >= h)
            && record.reveal_opens.is_none_or(|opens| tip.time > opens)
    }

    fn reveal_price(&self, _record: &TaskRecord) -> Option<Uint128> {
        None
    }

    fn reveal_result(&self) -> bool {
        true
    }

    fn settle(&self, _: &Task, _: &[TaskResponseRecord], _: &str, _: Tip) -> Option<ExecuteMsg> {
        None
    }
}
