//! First Response: commitments queue, and the first valid reveal carries the result, wins
//! and is paid in that same transaction.

use cosmwasm_std::{DepsMut, Env, HexBinary, Response, Timestamp, Uint128};
use ogpu_types::{deadline, Task, TaskResponseRecord};

use crate::error::ContractError;
use crate::ledger::ending::Ending;
use crate::ledger::settle::settle;
use crate::state::Config;

/// First Response queues its commitments: each opens once the one before it has
/// passed its window unopened, so only the first is revealed at once and a provider
/// behind it pays for a reveal only when the one ahead stays silent. Returns when the new
/// commitment's reveal opens and its deadline, which becomes the task's.
pub fn queue(
    task: &mut Task,
    now: Timestamp,
    reveal_window: u64,
) -> Result<(Timestamp, Timestamp), ContractError> {
    let opens = match task.commit_count {
        0 => now,
        _ => now.max(task.reveal_deadline),
    };
    let own = deadline(opens, reveal_window)?;
    task.reveal_deadline = own;
    Ok((opens, own))
}

/// The first valid reveal (`revealed`, not yet saved) wins and is paid in this same
/// transaction.
pub fn win(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    task: Task,
    revealed: TaskResponseRecord,
    price: Uint128,
    digest: HexBinary,
) -> Result<Response, ContractError> {
    let ending = Ending::Completed {
        winners: vec![revealed.provider.clone()],
        price,
        digest,
    };
    settle(deps, env, config, task, ending, Some(revealed))
}
