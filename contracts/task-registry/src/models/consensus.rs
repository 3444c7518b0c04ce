//! Task-level consensus: who may commit to a replicated task (a dispute's re-run round
//! excludes the disputed winner) and counting its revealed digests.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, DepsMut, Env, Response, Storage};
use ogpu_types::{CompetitionModel, Offer, ResponseStatus, Task, TaskResponseRecord};

use crate::error::ContractError;
use crate::ledger::ending::Ending;
use crate::ledger::settle::settle;
use crate::ledger::task::responses;
use crate::models::award::{appoint, judge_outsiders};
use crate::state::{Config, DISPUTES, ROUNDS};

/// A dispute round is re-run by others than the disputed winner.
pub fn ensure_not_disputed_winner(
    storage: &dyn Storage,
    task_id: u64,
    provider: &Addr,
) -> Result<(), ContractError> {
    if let Some(disputed) = ROUNDS.may_load(storage, task_id)? {
        if DISPUTES.load(storage, disputed)?.winner == *provider {
            return Err(ContractError::NotAllowed {
                task_id,
                provider: provider.to_string(),
            });
        }
    }
    Ok(())
}

/// The providers of the digest at least `quorum` replicas revealed, earliest commitment
/// first (then address). The quorum is a strict majority, so at most one digest has it.
fn agreement(responses: &[TaskResponseRecord], quorum: u32) -> Option<Vec<&TaskResponseRecord>> {
    let mut votes: BTreeMap<&[u8], Vec<&TaskResponseRecord>> = BTreeMap::new();
    for response in responses {
        if let (ResponseStatus::Revealed, Some(digest)) = (response.status, &response.digest) {
            votes.entry(digest.as_slice()).or_default().push(response);
        }
    }
    let mut agreeing = votes
        .into_values()
        .find(|voters| voters.len() >= quorum as usize)?;
    agreeing.sort_by_key(|r| (r.committed_height, r.provider.clone()));
    Some(agreeing)
}

/// Ends the reveal phase. With a quorum, the agreeing replicas are awarded the task: the
/// first of them delivers the result (the others stand by), and on delivery each is paid
/// one replica's share (`reward / replicas`, rounded down; unused shares go back to the
/// client); the others are judged at once (dissenters released, the silent slashed). Without one, the task fails: the client is refunded, the replicas that never
/// revealed are slashed and the others get their collateral back; no result was posted,
/// so none was read for free.
pub fn tally(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    mut task: Task,
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
    let responses = responses(deps.storage, task.id)?;
    let Some(agreeing) = agreement(&responses, quorum) else {
        return settle(deps, env, config, task, Ending::Failed, None);
    };
    let share = task.reward.amount.multiply_ratio(1u128, replicas);
    let ranking: Vec<Offer> = agreeing
        .into_iter()
        .map(|r| Offer {
            provider: r.provider.clone(),
            price: share,
        })
        .collect();
    let judged = judge_outsiders(deps.storage, config, &task, responses, &ranking)?;
    let event = appoint(deps.storage, env, &mut task, ranking, 0)?;
    judged.finish(config, Response::new().add_event(event))
}
