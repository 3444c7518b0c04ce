//! Manual Confirmation: the client chooses a revealed offer, by its price and its
//! provider's record (the result itself is still sealed), or `Finalize` chooses the
//! cheapest once the confirm window passed; that provider must then deliver (see
//! `award`), and the other revealed offers, cheapest first, stand by in case it does not.

use cosmwasm_std::{Addr, Env, Event, Storage};
use ogpu_types::{Offer, Task, TaskResponseRecord};

use crate::error::ContractError;
use crate::ledger::task::responses;
use crate::models::award::{appoint, rank};

/// The client chose `provider`'s revealed offer: it delivers first.
pub fn confirm(
    storage: &mut dyn Storage,
    env: &Env,
    task: &mut Task,
    provider: Addr,
) -> Result<Event, ContractError> {
    let mut ranking = ranking(storage, task.id)?;
    let Some(chosen) = ranking.iter().position(|offer| offer.provider == provider) else {
        return Err(ContractError::ResponseNotRevealed {
            task_id: task.id,
            provider: provider.into_string(),
        });
    };
    let chosen = ranking.remove(chosen);
    ranking.insert(0, chosen);
    appoint(storage, env, task, ranking, 0)
}

/// The confirm window passed without a choice: the cheapest offer delivers.
pub fn auto_confirm(
    storage: &mut dyn Storage,
    env: &Env,
    task: &mut Task,
) -> Result<Event, ContractError> {
    let ranking = ranking(storage, task.id)?;
    appoint(storage, env, task, ranking, 0)
}

/// The revealed offers, cheapest first.
fn ranking(storage: &dyn Storage, task_id: u64) -> Result<Vec<Offer>, ContractError> {
    Ok(rank(&responses(storage, task_id)?, by_reveal))
}

/// Offers that ask the same price rank by when they were revealed.
fn by_reveal(response: &TaskResponseRecord) -> u64 {
    response.revealed_height.unwrap_or(u64::MAX)
}
