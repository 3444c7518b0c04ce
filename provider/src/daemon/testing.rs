//! What the daemon's unit tests share: an open task as the registry returns it.

use cosmwasm_std::{Addr, Timestamp};
use ogpu_testing::fixtures;
use ogpu_types::registry::TaskDetails;
use ogpu_types::{Asset, AssetInfo, CompetitionModel, Task, TaskStatus};

/// Task 1 of `model`, open, paying `reward` ustake, its commit window ending at 600 s,
/// with the fixtures' spec (and collateral).
pub fn open_task(model: CompetitionModel, reward: u128) -> TaskDetails {
    let spec = fixtures::spec(model);
    TaskDetails {
        task: Task {
            id: 1,
            client: Addr::unchecked("client"),
            reward: Asset::new(AssetInfo::native("ustake"), reward),
            collateral: spec.collateral,
            model,
            status: TaskStatus::Open,
            created_height: 1,
            created_at: Timestamp::from_seconds(0),
            commit_deadline: Timestamp::from_seconds(600),
            reveal_deadline: Timestamp::from_seconds(600),
            confirm_deadline: None,
            commit_count: 0,
            reveal_count: 0,
            best: None,
            outcome: None,
            finished_at: None,
        },
        spec,
    }
}
