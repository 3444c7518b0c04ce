//! Sealed-bid reverse auction: opening bids, the award (the lowest price wins and is paid
//! the second-lowest), the executor's commit–reveal delivery, and the promotion of the
//! next bidder past a missed delivery. Bids themselves are `Commit`s (see `compete`).

use cosmwasm_std::{
    Addr, DepsMut, Env, Event, HexBinary, MessageInfo, Order, Response, Timestamp, Uint128,
};
use cw_utils::nonpayable;
use ogpu_types::commitment::{bid_commitment, result_commitment, to_hash32};
use ogpu_types::events::{self, attr};
use ogpu_types::registry::AuctionState;
use ogpu_types::staking::{self, CollateralOutcome, Verdict};
use ogpu_types::{
    CompetitionModel, Hash32, Offer, Payload, ResponseStatus, Task, TaskResponseRecord,
};

use crate::error::ContractError;
use crate::execute::compete::unopened;
use crate::execute::settle::{self, silence_verdict, Ending};
use crate::execute::{call, ensure_open, load_task};
use crate::state::{Config, AUCTIONS, CONFIG, RESPONSES, TASKS};

/// Opens a sealed bid in the reveal window. The last bid opened awards the auction at
/// once; otherwise `Finalize` does after the window.
pub fn reveal_bid(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    task_id: u64,
    price: Uint128,
    salt: HexBinary,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let salt = to_hash32("salt", &salt)?;
    let mut task = load_task(deps.storage, task_id)?;
    if !matches!(task.model, CompetitionModel::SealedBidAuction { .. }) {
        return Err(ContractError::WrongModel {
            task_id,
            expected: "sealed_bid_auction".into(),
        });
    }
    ensure_open(&task)?;
    let provider = info.sender;
    let mut bid = unopened(deps.storage, &env, task_id, &provider)?;
    let now = env.block.time;
    if now <= task.commit_deadline {
        return Err(ContractError::RevealNotOpen {
            task_id,
            opens_after: task.commit_deadline,
        });
    }
    if now > task.reveal_deadline {
        return Err(ContractError::RevealWindowClosed {
            deadline: task.reveal_deadline,
        });
    }
    if price > task.reward.amount {
        return Err(ContractError::PriceAboveReward {
            price,
            reward: task.reward.amount,
        });
    }
    if bid.commitment.as_slice() != bid_commitment(task_id, provider.as_str(), price, &salt) {
        return Err(ContractError::CommitmentMismatch {});
    }
    bid.status = ResponseStatus::Revealed;
    bid.price = Some(price);
    bid.revealed_height = Some(env.block.height);
    RESPONSES.save(deps.storage, (task_id, &provider), &bid)?;
    task.reveal_count += 1;

    let event = Event::new(events::BID_REVEALED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::PROVIDER, provider.to_string()),
        (attr::PRICE, price.to_string()),
    ]);
    let outcome = if task.reveal_count == task.commit_count {
        let config = CONFIG.load(deps.storage)?;
        award(deps, &env, &config, task)?
    } else {
        TASKS.save(deps.storage, task_id, &task)?;
        Response::new()
    };
    Ok(outcome
        .add_attribute(attr::ACTION, "reveal_bid")
        .add_event(event))
}

/// The revealed bids, best first: lowest price, then earliest bid, then address. The
/// order is total, so the award never depends on storage or reveal order.
fn ranking(responses: &[TaskResponseRecord]) -> Vec<Offer> {
    let mut revealed: Vec<(Uint128, u64, &Addr)> = responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Revealed)
        .filter_map(|r| {
            r.price
                .map(|price| (price, r.committed_height, &r.provider))
        })
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

/// Second-price rule: the executor at `position` is paid the next revealed price after
/// its own, or the reward when none follows.
fn price_at(task: &Task, ranking: &[Offer], position: usize) -> Uint128 {
    ranking
        .get(position + 1)
        .map_or(task.reward.amount, |next| next.price)
}

fn delivery_deadline(task: &Task, now: Timestamp) -> Timestamp {
    match task.model {
        CompetitionModel::SealedBidAuction {
            delivery_window, ..
        } => now.plus_seconds(delivery_window),
        _ => now,
    }
}

/// Fixes the winner: every other revealed bidder's collateral is released and every
/// unopened bid pays its penalty, in one staking call. With no revealed bid the task
/// expires.
pub fn award(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    mut task: Task,
) -> Result<Response, ContractError> {
    // Bounded: a task holds at most `limits.max_commitments` (≤ 64) bids.
    let responses: Vec<TaskResponseRecord> = RESPONSES
        .prefix(task.id)
        .range(deps.storage, None, None, Order::Ascending)
        .map(|item| item.map(|(_, response)| response))
        .collect::<Result<_, _>>()?;
    let ranking = ranking(&responses);
    let Some(winner) = ranking.first().map(|o| o.provider.clone()) else {
        return settle::settle(deps, env, config, task, Ending::Expired);
    };
    let mut outcomes = vec![];
    for mut bid in responses.into_iter().filter(|r| r.provider != winner) {
        let verdict = if bid.status == ResponseStatus::Revealed {
            bid.status = ResponseStatus::Lost;
            Verdict::Released {}
        } else {
            bid.status = ResponseStatus::Slashed;
            silence_verdict(&task, config)
        };
        RESPONSES.save(deps.storage, (task.id, &bid.provider), &bid)?;
        outcomes.push(CollateralOutcome {
            provider: bid.provider.into_string(),
            verdict,
        });
    }
    let state = AuctionState {
        price: price_at(&task, &ranking, 0),
        ranking,
        executor: 0,
        delivery_deadline: delivery_deadline(&task, env.block.time),
        commitment: None,
        committed_height: None,
    };
    let mut response = Response::new();
    if !outcomes.is_empty() {
        let msg = staking::ExecuteMsg::SettleCollateral {
            task_id: task.id,
            outcomes,
        };
        response = response.add_message(call(&config.staking, &msg)?);
    }
    Ok(response.add_event(appoint(deps, &mut task, &state)?))
}

/// Records `state`'s executor on the task and returns its award event.
fn appoint(deps: DepsMut, task: &mut Task, state: &AuctionState) -> Result<Event, ContractError> {
    let executor = &state.ranking[state.executor as usize];
    task.best = Some(Offer {
        provider: executor.provider.clone(),
        price: state.price,
    });
    AUCTIONS.save(deps.storage, task.id, state)?;
    TASKS.save(deps.storage, task.id, task)?;
    Ok(Event::new(events::AUCTION_AWARDED).add_attributes([
        (attr::TASK_ID, task.id.to_string()),
        (attr::PROVIDER, executor.provider.to_string()),
        (attr::PRICE, state.price.to_string()),
        (
            attr::DELIVERY_DEADLINE,
            state.delivery_deadline.seconds().to_string(),
        ),
    ]))
}

fn executor(state: &AuctionState) -> &Addr {
    &state.ranking[state.executor as usize].provider
}

fn ensure_executor(task_id: u64, state: &AuctionState, sender: &Addr) -> Result<(), ContractError> {
    if executor(state) != sender {
        return Err(ContractError::NotExecutor {
            task_id,
            provider: sender.to_string(),
        });
    }
    Ok(())
}

/// The executor's sealed result, `result_commitment(.., price = state.price, ..)`.
pub fn commit_delivery(
    deps: DepsMut,
    env: &Env,
    provider: Addr,
    task: Task,
    mut state: AuctionState,
    commitment: HexBinary,
) -> Result<Response, ContractError> {
    ensure_open(&task)?;
    ensure_executor(task.id, &state, &provider)?;
    if state.commitment.is_some() {
        return Err(ContractError::AlreadyCommitted {
            task_id: task.id,
            provider: provider.into_string(),
        });
    }
    if env.block.time > state.delivery_deadline {
        return Err(ContractError::DeliveryClosed {
            task_id: task.id,
            deadline: state.delivery_deadline,
        });
    }
    state.commitment = Some(commitment.clone());
    state.committed_height = Some(env.block.height);
    AUCTIONS.save(deps.storage, task.id, &state)?;
    let event = Event::new(events::TASK_COMMITTED).add_attributes([
        (attr::TASK_ID, task.id.to_string()),
        (attr::PROVIDER, provider.to_string()),
        (attr::COMMITMENT, commitment.to_hex()),
        (
            attr::REVEAL_DEADLINE,
            state.delivery_deadline.seconds().to_string(),
        ),
    ]);
    Ok(Response::new()
        .add_attribute(attr::ACTION, "commit")
        .add_event(event))
}

/// What the executor opens: its result and salt (a price is refused: it is the auction's).
pub struct Delivery {
    pub result: Payload,
    pub salt: Hash32,
    pub price: Option<Uint128>,
}

/// The executor opens its result commitment in a later block, before its deadline; it
/// is paid the auction's price in the same transaction.
pub fn reveal_delivery(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    provider: Addr,
    task: Task,
    delivery: Delivery,
) -> Result<Response, ContractError> {
    let task_id = task.id;
    let state = AUCTIONS
        .may_load(deps.storage, task_id)?
        .ok_or(ContractError::NotAwarded { task_id })?;
    ensure_executor(task_id, &state, &provider)?;
    let (Some(commitment), Some(committed_height)) = (&state.commitment, state.committed_height)
    else {
        return Err(ContractError::NoCommitment {
            task_id,
            provider: provider.into_string(),
        });
    };
    if env.block.height <= committed_height {
        return Err(ContractError::RevealTooEarly { committed_height });
    }
    if env.block.time > state.delivery_deadline {
        return Err(ContractError::DeliveryClosed {
            task_id,
            deadline: state.delivery_deadline,
        });
    }
    if delivery.price.is_some() {
        return Err(ContractError::PriceNotAccepted {});
    }
    let digest = delivery.result.digest()?;
    let expected = result_commitment(
        task_id,
        provider.as_str(),
        &digest,
        state.price,
        &delivery.salt,
    );
    if commitment.as_slice() != expected {
        return Err(ContractError::CommitmentMismatch {});
    }
    let digest = HexBinary::from(digest);
    let mut record = RESPONSES.load(deps.storage, (task_id, &provider))?;
    record.digest = Some(digest.clone());
    record.result = Some(delivery.result);
    RESPONSES.save(deps.storage, (task_id, &provider), &record)?;
    let event = Event::new(events::TASK_REVEALED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::PROVIDER, provider.to_string()),
        (attr::DIGEST, digest.to_hex()),
        (attr::PRICE, state.price.to_string()),
    ]);
    let ending = Ending::Completed {
        winners: vec![provider],
        price: state.price,
        digest,
    };
    Ok(settle::settle(deps, env, config, task, ending)?
        .add_attribute(attr::ACTION, "reveal")
        .add_event(event))
}

/// The executor missed its delivery: it is slashed (the first winner holds collateral;
/// a promoted bidder's was released at the award) and the next bidder is promoted, or,
/// with none left, the task expires and the client is refunded.
pub fn missed_delivery(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    mut task: Task,
    mut state: AuctionState,
) -> Result<Response, ContractError> {
    let failed = executor(&state).clone();
    let mut record = RESPONSES.load(deps.storage, (task.id, &failed))?;
    let mut slash = None;
    if settle::unsettled(record.status) {
        record.status = ResponseStatus::Slashed;
        RESPONSES.save(deps.storage, (task.id, &failed), &record)?;
        let msg = staking::ExecuteMsg::SettleCollateral {
            task_id: task.id,
            outcomes: vec![CollateralOutcome {
                provider: failed.into_string(),
                verdict: Verdict::Slashed {
                    beneficiary: task.client.to_string(),
                },
            }],
        };
        slash = Some(call(&config.staking, &msg)?);
    }
    let next = state.executor as usize + 1;
    let response = if next < state.ranking.len() {
        state.executor += 1;
        state.price = price_at(&task, &state.ranking, next);
        state.delivery_deadline = delivery_deadline(&task, env.block.time);
        state.commitment = None;
        state.committed_height = None;
        Response::new().add_event(appoint(deps, &mut task, &state)?)
    } else {
        settle::settle(deps, env, config, task, Ending::Expired)?
    };
    Ok(match slash {
        Some(msg) => response.add_message(msg),
        None => response,
    })
}
