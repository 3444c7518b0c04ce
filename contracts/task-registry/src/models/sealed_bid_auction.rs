//! Sealed-bid reverse auction: the award (the lowest price wins and is paid the
//! second-lowest on delivery; see `award` for the delivery and the promotion past a missed
//! one). Bids themselves are `Commit`s, opened by `RevealBid`.

use cosmwasm_std::{DepsMut, Env, Response};
use ogpu_types::Task;

use crate::error::ContractError;
use crate::ledger::ending::Ending;
use crate::ledger::settle::settle;
use crate::ledger::task::responses;
use crate::models::award::{appoint, judge_outsiders, rank};
use crate::state::Config;

/// Fixes the winner: the lowest revealed bid (then the earliest bid, then the address)
/// delivers; the other revealed bidders keep their collateral locked until the task ends,
/// since any of them may be promoted, and every unopened bid pays its penalty now. With no
/// revealed bid the task expires.
pub fn award(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    mut task: Task,
) -> Result<Response, ContractError> {
    let responses = responses(deps.storage, task.id)?;
    let ranking = rank(&responses, |bid| bid.committed_height);
    if ranking.is_empty() {
        return settle(deps, env, config, task, Ending::Expired, None);
    }
    let judged = judge_outsiders(deps.storage, config, &task, responses, &ranking)?;
    let event = appoint(deps.storage, env, &mut task, ranking, 0)?;
    judged.finish(config, Response::new().add_event(event))
}
