//! The competition: commitments, reveals, the client's confirmation and the
//! permissionless `Finalize` that ends every task once its deadlines pass.

use cosmwasm_std::{
    Addr, DepsMut, Empty, Env, Event, HexBinary, MessageInfo, Order, Response, Storage, Timestamp,
    Uint128,
};
use cw_utils::nonpayable;
use ogpu_types::commitment::{result_commitment, to_hash32, Hash32};
use ogpu_types::events::{self, attr};
use ogpu_types::finalize::{due, Due};
use ogpu_types::registry::TaskLimits;
use ogpu_types::{deadline, CompetitionModel, Payload, ResponseStatus, TaskResponseRecord};

use crate::error::ContractError;
use crate::execute::ledger::{self, Judgement};
use crate::execute::settle::{self, silence_verdict, Ending};
use crate::execute::{auction, award, consensus};
use crate::execute::{ensure_client, ensure_open, load_task};
use crate::state::{
    AWARDS, CONFIG, DISPUTES, HASH_SEARCHES, PROVIDER_TASKS, REQUIREMENTS, RESPONSES, RESULT_KEYS,
    ROUNDS, TASKS,
};
use crate::validate;

/// Records a sealed result commitment and locks the provider's collateral, checked against
/// the stake staking reported: committing calls no other contract.
pub fn commit(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    task_id: u64,
    commitment: HexBinary,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    to_hash32("commitment", &commitment)?;
    let mut task = load_task(deps.storage, task_id)?;
    let config = CONFIG.load(deps.storage)?;
    if config.paused {
        return Err(ContractError::Paused {});
    }
    ensure_open(&task)?;
    let now = env.block.time;
    if now > task.commit_deadline {
        return Err(ContractError::CommitClosed {
            task_id,
            deadline: task.commit_deadline,
        });
    }
    let provider = info.sender;
    // A client never takes part in its own task: it would compete against the providers
    // it pays, vote in its own round or re-run its own dispute (a round's client is the
    // disputing client).
    if provider == task.client {
        return Err(ContractError::SelfDealing { task_id });
    }
    let requirements = REQUIREMENTS.load(deps.storage, task_id)?;
    let allowed = &requirements.allowed_providers;
    if !allowed.is_empty() && !allowed.iter().any(|a| a == provider.as_str()) {
        return Err(ContractError::NotAllowed {
            task_id,
            provider: provider.into_string(),
        });
    }
    // A dispute round is re-run by others than the disputed winner.
    let consensus = matches!(task.model, CompetitionModel::Consensus { .. });
    if let Some(disputed) = consensus
        .then(|| ROUNDS.may_load(deps.storage, task_id))
        .transpose()?
        .flatten()
    {
        if DISPUTES.load(deps.storage, disputed)?.winner == provider {
            return Err(ContractError::NotAllowed {
                task_id,
                provider: provider.into_string(),
            });
        }
    }
    if RESPONSES.has(deps.storage, (task_id, &provider)) {
        return Err(ContractError::AlreadyCommitted {
            task_id,
            provider: provider.into_string(),
        });
    }
    // At the cap, a commitment whose reveal window passed unopened makes room: it is
    // slashed now, so silent committers cannot block the task.
    // A Consensus task takes one commitment per replica slot.
    let cap = match task.model {
        CompetitionModel::Consensus { replicas, .. } => replicas,
        _ => config.limits.max_commitments,
    };
    let mut response = Response::new();
    if task.commit_count >= cap {
        let expired = expired_commitment(deps.storage, task_id, now)?
            .ok_or(ContractError::TooManyCommitments { task_id, max: cap })?;
        RESPONSES.remove(deps.storage, (task_id, &expired));
        task.commit_count -= 1;
        let mut judgement = Judgement::new(task_id);
        judgement.apply(deps.storage, &expired, silence_verdict(&task, &config))?;
        response = judgement.finish(&config, response)?;
    }

    // First Response queues its commitments: each opens once the one before it has
    // passed its window unopened, so only the first is revealed at once and a provider
    // behind it pays for a reveal only when the one ahead stays silent.
    let (reveal_opens, reveal_deadline) = match task.model {
        CompetitionModel::FirstResponse { reveal_window, .. } => {
            let opens = match task.commit_count {
                0 => now,
                _ => now.max(task.reveal_deadline),
            };
            let own = deadline(opens, reveal_window)?;
            task.reveal_deadline = own;
            (Some(opens), own)
        }
        _ => (None, task.reveal_deadline),
    };
    task.commit_count += 1;
    TASKS.save(deps.storage, task_id, &task)?;
    RESPONSES.save(
        deps.storage,
        (task_id, &provider),
        &TaskResponseRecord {
            task_id,
            provider: provider.clone(),
            commitment: commitment.clone(),
            committed_height: env.block.height,
            committed_at: now,
            reveal_opens,
            reveal_deadline,
            status: ResponseStatus::Committed,
            digest: None,
            result: None,
            price: None,
            revealed_height: None,
        },
    )?;
    PROVIDER_TASKS.save(deps.storage, (&provider, task_id), &Empty {})?;
    let locked = ledger::lock(
        deps.storage,
        &config,
        task_id,
        &provider,
        task.collateral,
        &requirements.eligibility,
    )?;
    let mut event = Event::new(events::TASK_COMMITTED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::PROVIDER, provider.to_string()),
        (attr::COMMITMENT, commitment.to_hex()),
        (attr::REVEAL_DEADLINE, reveal_deadline.seconds().to_string()),
    ]);
    if let Some(opens) = reveal_opens.filter(|opens| *opens > now) {
        // Behind another commitment: a stand-by, told so in its own transaction.
        event = event.add_attribute(attr::REVEAL_OPENS, opens.seconds().to_string());
    }
    Ok(response
        .add_attribute(attr::ACTION, "commit")
        .add_event(event)
        .add_event(locked))
}

/// The first commitment of the task still unopened after its reveal window.
/// Bounded: a task holds at most `limits.max_commitments` (≤ 64) responses.
fn expired_commitment(
    storage: &dyn Storage,
    task_id: u64,
    now: Timestamp,
) -> Result<Option<Addr>, ContractError> {
    for item in RESPONSES.prefix_range(storage, task_id, None, Order::Ascending) {
        let (provider, response) = item?;
        if response.status == ResponseStatus::Committed && now > response.reveal_deadline {
            return Ok(Some(provider));
        }
    }
    Ok(None)
}

/// Opens a commitment. In First Response the first valid reveal carries the result, wins
/// and is paid in this same transaction; in Manual Confirmation the offer (digest and
/// price) joins the others; in Consensus the digest is counted once every replica
/// revealed.
#[allow(clippy::too_many_arguments)]
pub fn reveal(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    task_id: u64,
    digest: HexBinary,
    salt: HexBinary,
    price: Option<Uint128>,
    result: Option<Payload>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let salt = to_hash32("salt", &salt)?;
    let digest = to_hash32("digest", &digest)?;
    let mut task = load_task(deps.storage, task_id)?;
    ensure_open(&task)?;
    if let CompetitionModel::SealedBidAuction { .. } = task.model {
        return Err(ContractError::WrongModel {
            task_id,
            expected: "a model with result reveals (an auction's bids open with reveal_bid, its winner delivers)".into(),
        });
    }
    let provider = info.sender;
    let mut response = unopened(deps.storage, &env, task_id, &provider)?;
    let now = env.block.time;
    let opens_after = match (task.model, response.reveal_opens) {
        // A queued First Response commitment: once the one before it passed its window.
        (CompetitionModel::FirstResponse { .. }, Some(opens)) if opens > response.committed_at => {
            Some(opens)
        }
        (CompetitionModel::FirstResponse { .. }, _) => None,
        // All replicas committed: no one else can join, so digests may be opened.
        (CompetitionModel::Consensus { replicas, .. }, _) if task.commit_count >= replicas => None,
        _ => Some(task.commit_deadline),
    };
    if let Some(opens_after) = opens_after.filter(|opens| now <= *opens) {
        return Err(ContractError::RevealNotOpen {
            task_id,
            opens_after,
        });
    }
    if now > response.reveal_deadline {
        return Err(ContractError::RevealWindowClosed {
            deadline: response.reveal_deadline,
        });
    }
    let price = match (task.model.fixed_price(), price) {
        (true, None) => task.reward.amount,
        (true, Some(_)) => return Err(ContractError::PriceNotAccepted {}),
        (false, None) => return Err(ContractError::PriceRequired {}),
        (false, Some(price)) if price > task.reward.amount => {
            return Err(ContractError::PriceAboveReward {
                price,
                reward: task.reward.amount,
            })
        }
        (false, Some(price)) => price,
    };
    let expected = result_commitment(task_id, provider.as_str(), &digest, price, &salt);
    if response.commitment.as_slice() != expected {
        return Err(ContractError::CommitmentMismatch {});
    }
    // Only First Response posts its result with the reveal: it is paid in the same
    // transaction. Elsewhere a result before payment would be a free result.
    let first_response = matches!(task.model, CompetitionModel::FirstResponse { .. });
    match (&result, first_response) {
        (Some(result), true) => {
            check_result(deps.storage, &config.limits, task_id, result, &digest)?
        }
        (None, true) => return Err(ContractError::ResultRequired {}),
        (Some(_), false) => return Err(ContractError::ResultNotAccepted {}),
        (None, false) => {}
    }

    let digest = HexBinary::from(digest);
    response.status = ResponseStatus::Revealed;
    response.digest = Some(digest.clone());
    response.result = result;
    response.price = Some(price);
    response.revealed_height = Some(env.block.height);
    RESPONSES.save(deps.storage, (task_id, &provider), &response)?;

    let event = Event::new(events::TASK_REVEALED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::PROVIDER, provider.to_string()),
        (attr::DIGEST, digest.to_hex()),
        (attr::PRICE, price.to_string()),
    ]);
    task.reveal_count += 1;
    let outcome = match task.model {
        CompetitionModel::FirstResponse { .. } => {
            let ending = Ending::Completed {
                winners: vec![provider],
                price,
                digest,
            };
            settle::settle(deps, &env, &config, task, ending)?
        }
        CompetitionModel::Consensus { .. } if task.reveal_count == task.commit_count => {
            consensus::tally(deps, &env, &config, task)?
        }
        _ => {
            TASKS.save(deps.storage, task_id, &task)?;
            Response::new()
        }
    };
    Ok(outcome
        .add_attribute(attr::ACTION, "reveal")
        .add_event(event))
}

/// `provider`'s commitment on the task, still unopened and made in an earlier block: the
/// one a reveal (of a result or a bid) may open.
pub(crate) fn unopened(
    storage: &dyn Storage,
    env: &Env,
    task_id: u64,
    provider: &Addr,
) -> Result<TaskResponseRecord, ContractError> {
    let response = RESPONSES
        .may_load(storage, (task_id, provider))?
        .ok_or_else(|| ContractError::NoCommitment {
            task_id,
            provider: provider.to_string(),
        })?;
    if response.status != ResponseStatus::Committed {
        return Err(ContractError::AlreadyRevealed {
            task_id,
            provider: provider.to_string(),
        });
    }
    if env.block.height <= response.committed_height {
        return Err(ContractError::RevealTooEarly {
            committed_height: response.committed_height,
        });
    }
    Ok(response)
}

/// A posted result must be what the task's kind asks for and hash to `digest`. A
/// hash-search answer is verified here, so an invalid one is never recorded, let alone
/// paid; a result sealed to the task's result key only has to respect the size limits and
/// the sealing overhead, since its digest can only be checked by the client.
pub(crate) fn check_result(
    storage: &dyn Storage,
    limits: &TaskLimits,
    task_id: u64,
    result: &Payload,
    digest: &Hash32,
) -> Result<(), ContractError> {
    let sealed = RESULT_KEYS.has(storage, task_id);
    validate::result(limits, result, digest, sealed)?;
    match HASH_SEARCHES.may_load(storage, task_id)? {
        Some(search) => Ok(validate::hash_search_answer(&search, result)?),
        None => Ok(()),
    }
}

/// Manual Confirmation: the client chooses a revealed offer, by its price and its
/// provider's record (the result itself is still sealed); that provider must now deliver,
/// and the other revealed offers, cheapest first, stand by in case it does not.
pub fn confirm(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    task_id: u64,
    provider: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut task = load_task(deps.storage, task_id)?;
    ensure_client(&task, &info.sender)?;
    let Some(confirm_deadline) = task.confirm_deadline else {
        return Err(ContractError::WrongModel {
            task_id,
            expected: "manual_confirmation".into(),
        });
    };
    ensure_open(&task)?;
    if env.block.time > confirm_deadline {
        return Err(ContractError::ConfirmWindowClosed {
            deadline: confirm_deadline,
        });
    }
    if AWARDS.has(deps.storage, task_id) {
        return Err(ContractError::AlreadyAwarded { task_id });
    }
    let provider = deps.api.addr_validate(&provider)?;
    let mut ranking = award::rank(&award::responses(deps.storage, task_id)?, by_reveal);
    let Some(chosen) = ranking.iter().position(|offer| offer.provider == provider) else {
        return Err(ContractError::ResponseNotRevealed {
            task_id,
            provider: provider.into_string(),
        });
    };
    let chosen = ranking.remove(chosen);
    ranking.insert(0, chosen);
    let event = award::appoint(deps.storage, &env, &mut task, ranking, 0)?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "confirm")
        .add_event(event))
}

/// Offers that ask the same price rank by when they were revealed.
fn by_reveal(response: &TaskResponseRecord) -> u64 {
    response.revealed_height.unwrap_or(u64::MAX)
}

/// Anyone may move a task on once its deadlines have passed, so no task needs an
/// operator.
pub fn finalize(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    task_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut task = load_task(deps.storage, task_id)?;
    ensure_open(&task)?;
    let awarded = match task.model {
        CompetitionModel::FirstResponse { .. } => None,
        _ => AWARDS.may_load(deps.storage, task_id)?,
    };
    let config = CONFIG.load(deps.storage)?;
    let response = match due(&task, awarded.as_ref(), env.block.time) {
        Due::NotBefore(after) => return Err(ContractError::NotFinalizable { task_id, after }),
        Due::Expire => settle::settle(deps, &env, &config, task, Ending::Expired)?,
        Due::AutoConfirm => {
            let ranking = award::rank(&award::responses(deps.storage, task_id)?, by_reveal);
            let event = award::appoint(deps.storage, &env, &mut task, ranking, 0)?;
            Response::new().add_event(event)
        }
        Due::Award => auction::award(deps, &env, &config, task)?,
        Due::Tally => consensus::tally(deps, &env, &config, task)?,
        Due::MissedDelivery(state) => {
            award::missed_delivery(deps, &env, &config, task, state.clone())?
        }
    };
    Ok(response.add_attribute(attr::ACTION, "finalize"))
}
