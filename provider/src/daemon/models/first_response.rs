//! First Response: commit, then reveal with the result in the very next block; the first
//! valid reveal is paid in its own transaction, so there is nothing to settle afterwards.
//! Two providers that committed in the same race would reveal in the same block, and the
//! second reveal would be refused and charged; so the commitments open in an order every
//! provider reads on chain — earlier block first, then, within a block, by
//! `sha256(task id ‖ address)`, which gives each provider the lead in its share of the
//! ties rather than always to the lowest address — and a later one waits until the
//! earlier ones had [`PATIENCE`] blocks to open. The task then ends (lost, and only the
//! commitment was paid for), or the earlier one was silent and this one reveals.

use cosmwasm_std::Uint128;
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::{Task, TaskResponseRecord};

use ogpu_types::commitment::sha256;
use ogpu_types::ResponseStatus;

use super::Model;
use crate::daemon::chain::Tip;
use crate::daemon::state::TaskRecord;

/// Blocks after its commitment's a commitment ahead gets to open before the next reveals:
/// its own reveal is due in the very next block; one more covers a slow provider.
pub const PATIENCE: u64 = 2;

pub struct FirstResponse;

/// Where `provider` stands among the commitments to `task` made in the same block.
fn rank(task: u64, provider: &str) -> [u8; 32] {
    sha256(&[&task.to_be_bytes(), provider.as_bytes()].concat())
}

impl Model for FirstResponse {
    fn reveal_open(&self, record: &TaskRecord, _task: &Task, tip: Tip) -> bool {
        // The next block is later than the commitment's.
        record.commit_height.is_some_and(|h| tip.height >= h)
    }

    fn reveal_price(&self, _record: &TaskRecord) -> Option<Uint128> {
        None
    }

    fn reveal_result(&self) -> bool {
        true
    }

    fn waits_for(
        &self,
        record: &TaskRecord,
        responses: &[TaskResponseRecord],
        me: &str,
        tip: Tip,
    ) -> bool {
        let Some(mine) = record.commit_height else {
            return false;
        };
        let task = record.task_id;
        responses.iter().any(|r| {
            r.status == ResponseStatus::Committed
                && r.provider.as_str() != me
                && (r.committed_height, rank(task, r.provider.as_str())) < (mine, rank(task, me))
                && tip.height <= r.committed_height + PATIENCE
        })
    }

    fn settle(&self, _: &Task, _: &[TaskResponseRecord], _: &str, _: Tip) -> Option<ExecuteMsg> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{Addr, HexBinary, Timestamp, Uint128};
    use ogpu_testing::fixtures;

    fn response(provider: &str, height: u64) -> TaskResponseRecord {
        TaskResponseRecord {
            task_id: 1,
            provider: Addr::unchecked(provider),
            commitment: HexBinary::from([0u8; 32]),
            committed_height: height,
            committed_at: Timestamp::from_seconds(0),
            reveal_deadline: Timestamp::from_seconds(60),
            status: ResponseStatus::Committed,
            digest: None,
            result: None,
            price: None,
            revealed_height: None,
        }
    }

    fn record(height: u64) -> TaskRecord {
        let task = crate::daemon::testing::open_task(fixtures::first_response(), 1).task;
        let mut record = TaskRecord::new(
            &task,
            crate::daemon::Phase::Committed,
            [0; 32],
            Uint128::one(),
            [0; 32],
        );
        record.commit_height = Some(height);
        record
    }

    #[test]
    fn commitments_open_in_chain_order_with_patience_for_a_silent_one() {
        let tip = |height| Tip {
            height,
            time: Timestamp::from_seconds(10),
        };
        let model = FirstResponse;
        // Same block: the one ranked first for this task opens first, the other waits.
        let both = [response("a", 5), response("b", 5)];
        let (first, second) = if rank(1, "a") < rank(1, "b") {
            ("a", "b")
        } else {
            ("b", "a")
        };
        assert!(!model.waits_for(&record(5), &both, first, tip(5)));
        assert!(model.waits_for(&record(5), &both, second, tip(5)));
        // Over many tasks, each leads in about half of the ties.
        let a_leads = (0..1000u64)
            .filter(|t| rank(*t, "a") < rank(*t, "b"))
            .count();
        assert!((400..600).contains(&a_leads), "{a_leads}");
        // An earlier block opens first, whatever the addresses; past the patience, the
        // later one reveals (the earlier one was silent).
        let earlier = [response("z", 4), response("b", 5)];
        assert!(model.waits_for(&record(5), &earlier, "b", tip(6)));
        assert!(!model.waits_for(&record(5), &earlier, "b", tip(4 + PATIENCE + 1)));
        // One that revealed (and failed to win) is not waited for.
        let mut opened = response(first, 5);
        opened.status = ResponseStatus::Revealed;
        assert!(!model.waits_for(&record(5), &[opened, response(second, 5)], second, tip(5)));
    }
}
