//! Task-level consensus: counting the revealed digests of a replicated task.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, DepsMut, Env, HexBinary, Order, Response};
use ogpu_types::{CompetitionModel, ResponseStatus, Task, TaskResponseRecord};

use crate::error::ContractError;
use crate::execute::settle::{self, Ending};
use crate::state::{Config, RESPONSES};

/// The digest strictly more providers revealed than any other, with them (address
/// order), when they are at least `quorum`. A tie at the top is no quorum: two results
/// with equal support cannot both be right, and picking one would be arbitrary.
fn agreement(responses: &[TaskResponseRecord], quorum: u32) -> Option<(HexBinary, Vec<Addr>)> {
    let mut votes: BTreeMap<&[u8], Vec<Addr>> = BTreeMap::new();
    for response in responses {
        if let (ResponseStatus::Revealed, Some(digest)) = (response.status, &response.digest) {
            votes
                .entry(digest.as_slice())
                .or_default()
                .push(response.provider.clone());
        }
    }
    let most = votes.values().map(Vec::len).max()?;
    let mut top = votes.into_iter().filter(|(_, voters)| voters.len() == most);
    let (digest, voters) = top.next()?;
    let unique = top.next().is_none();
    (unique && most >= quorum as usize).then(|| (HexBinary::from(digest), voters))
}

/// Ends the round: with a quorum, each agreeing provider is paid one replica's share
/// (`reward / replicas`, rounded down; unused shares go back to the client) and the
/// others are slashed; without, the task fails, the client is refunded and only the
/// providers that never revealed are slashed.
pub fn resolve(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    task: Task,
) -> Result<Response, ContractError> {
    let CompetitionModel::Consensus {
        replicas, quorum, ..
    } = task.model
    else {
        return Err(ContractError::WrongModel {
            task_id: task.id,
            expected: "consensus".into(),
        });
    };
    // Bounded: at most `replicas` (≤ 16) responses.
    let responses: Vec<TaskResponseRecord> = RESPONSES
        .prefix(task.id)
        .range(deps.storage, None, None, Order::Ascending)
        .map(|item| item.map(|(_, response)| response))
        .collect::<Result<_, _>>()?;
    let ending = match agreement(&responses, quorum) {
        Some((digest, winners)) => Ending::Completed {
            winners,
            price: task.reward.amount.multiply_ratio(1u128, replicas),
            digest,
        },
        None => Ending::Failed,
    };
    settle::settle(deps, env, config, task, ending)
}
