//! Awarded tasks: the offers are ranked and one provider is appointed to deliver its
//! result before a deadline (`Deliver` pays it in that same transaction); a missed delivery
//! is slashed and the next provider in the ranking is promoted. Manual Confirmation (the
//! confirmed offer), sealed-bid auctions (the lowest bid) and Consensus (an agreeing
//! replica) share this path, so no result reaches the chain before it is paid for.

use cosmwasm_std::{Addr, DepsMut, Env, Event, Response, Storage, Timestamp, Uint128};
use ogpu_types::events::{self, attr};
use ogpu_types::registry::AwardState;
use ogpu_types::{deadline, CompetitionModel, Offer, ResponseStatus, Task, TaskResponseRecord};

use crate::error::ContractError;
use crate::ledger::collateral::{Judgement, Verdict};
use crate::ledger::ending::Ending;
use crate::ledger::settle::{settle, silence_verdict};
use crate::state::{Config, AWARDS, RESPONSES, TASKS};

/// The revealed responses with a price, best first: lowest price, then `order` (a block
/// height: earliest first), then address. The order is total, so a ranking never depends
/// on storage or transaction order.
pub fn rank(
    responses: &[TaskResponseRecord],
    order: impl Fn(&TaskResponseRecord) -> u64,
) -> Vec<Offer> {
    let mut revealed: Vec<(Uint128, u64, &Addr)> = responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Revealed)
        .filter_map(|r| r.price.map(|price| (price, order(r), &r.provider)))
        .collect();
    revealed.sort();
    revealed
        .into_iter()
        .map(|(price, _, provider)| Offer {
            provider: provider.clone(),
            price,
        })
        .collect()
}

/// What delivery pays the provider at `position`: its own offer (Manual Confirmation),
/// the next revealed bid after its own or the reward when none follows (the auction's
/// second price), its share (Consensus: every entry carries it).
fn price_at(task: &Task, ranking: &[Offer], position: usize) -> Uint128 {
    match task.model {
        CompetitionModel::SealedBidAuction { .. } => ranking
            .get(position + 1)
            .map_or(task.reward.amount, |next| next.price),
        _ => ranking[position].price,
    }
}

/// The provider at `position`, or an error for a position outside the ranking (callers
/// only pass positions they took from it).
fn at(ranking: &[Offer], position: usize) -> Result<&Addr, ContractError> {
    ranking
        .get(position)
        .map(|offer| &offer.provider)
        .ok_or_else(|| {
            cosmwasm_std::StdError::generic_err("award position outside the ranking").into()
        })
}

/// How long the chosen provider has to deliver; Consensus replicas, which already hold
/// the result, get another reveal window.
fn delivery_window(model: &CompetitionModel) -> u64 {
    match *model {
        CompetitionModel::ManualConfirmation {
            delivery_window, ..
        }
        | CompetitionModel::SealedBidAuction {
            delivery_window, ..
        } => delivery_window,
        CompetitionModel::Consensus { reveal_window, .. }
        | CompetitionModel::FirstResponse { reveal_window, .. } => reveal_window,
    }
}

/// At an award, judges at once the responses that can never deliver, so their collateral
/// is not held through every delivery window: unopened commitments pay for their silence
/// (an unopened bid its penalty), and opened ones outside the ranking (a dissenting
/// replica) get their collateral back.
pub fn judge_outsiders(
    storage: &mut dyn Storage,
    config: &Config,
    task: &Task,
    responses: Vec<TaskResponseRecord>,
    ranking: &[Offer],
) -> Result<Judgement, ContractError> {
    let mut judgement = Judgement::new(task.id);
    for mut response in responses {
        if ranking.iter().any(|o| o.provider == response.provider) {
            continue;
        }
        let verdict = match response.status {
            ResponseStatus::Committed => silence_verdict(task, config),
            ResponseStatus::Revealed => Verdict::Released,
            _ => continue,
        };
        response.status = match verdict {
            Verdict::Released => ResponseStatus::Lost,
            _ => ResponseStatus::Slashed,
        };
        RESPONSES.save(storage, (task.id, &response.provider), &response)?;
        judgement.apply(storage, &response.provider, verdict)?;
    }
    Ok(judgement)
}

/// Chooses `ranking[executor]` to deliver from now on: records the award on the task and
/// returns its event.
pub fn appoint(
    storage: &mut dyn Storage,
    env: &Env,
    task: &mut Task,
    ranking: Vec<Offer>,
    executor: usize,
) -> Result<Event, ContractError> {
    let chosen = at(&ranking, executor)?.clone();
    let state = AwardState {
        price: price_at(task, &ranking, executor),
        delivery_deadline: deadline(env.block.time, delivery_window(&task.model))?,
        executor: executor as u32,
        ranking,
    };
    task.best = Some(Offer {
        provider: chosen.clone(),
        price: state.price,
    });
    AWARDS.save(storage, task.id, &state)?;
    TASKS.save(storage, task.id, task)?;
    Ok(awarded_event(
        task.id,
        &chosen,
        state.price,
        state.delivery_deadline,
    ))
}

fn awarded_event(task_id: u64, provider: &Addr, price: Uint128, until: Timestamp) -> Event {
    Event::new(events::TASK_AWARDED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::PROVIDER, provider.to_string()),
        (attr::PRICE, price.to_string()),
        (attr::DELIVERY_DEADLINE, until.seconds().to_string()),
    ])
}

/// The provider whose turn it is to deliver.
pub fn executor(state: &AwardState) -> Result<&Addr, ContractError> {
    at(&state.ranking, state.executor as usize)
}

/// Who delivery pays: Consensus pays every agreeing replica that has not missed its turn
/// to deliver (those before the executor in the ranking were slashed); the other models
/// pay the executor.
pub fn winners(task: &Task, state: &AwardState, executor: Addr) -> Vec<Addr> {
    match task.model {
        CompetitionModel::Consensus { .. } => state
            .ranking
            .iter()
            .skip(state.executor as usize)
            .map(|offer| offer.provider.clone())
            .collect(),
        _ => vec![executor],
    }
}

/// The executor missed its delivery: it is slashed (to the treasury: in an auction the
/// client could have made the job undeliverable) and the next provider in the ranking is
/// promoted, or, with none left, the task expires and the client is refunded.
pub fn missed_delivery(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    mut task: Task,
    mut state: AwardState,
) -> Result<Response, ContractError> {
    let failed = executor(&state)?.clone();
    let mut record = RESPONSES.load(deps.storage, (task.id, &failed))?;
    record.status = ResponseStatus::Slashed;
    RESPONSES.save(deps.storage, (task.id, &failed), &record)?;
    let mut judgement = Judgement::new(task.id);
    let verdict = Verdict::Slashed {
        amount: None,
        compensation: None,
    };
    judgement.apply(deps.storage, &failed, verdict)?;
    let next = state.executor as usize + 1;
    let response = if next < state.ranking.len() {
        let ranking = std::mem::take(&mut state.ranking);
        Response::new().add_event(appoint(deps.storage, env, &mut task, ranking, next)?)
    } else {
        settle(deps, env, config, task, Ending::Expired, None)?
    };
    judgement.finish(config, response)
}
