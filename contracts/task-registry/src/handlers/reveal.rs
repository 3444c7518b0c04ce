//! `Reveal`: a provider opens its result commitment.

use cosmwasm_std::{DepsMut, Env, Event, HexBinary, MessageInfo, Response, Uint128};
use cw_utils::nonpayable;
use ogpu_types::commitment::{result_commitment, to_hash32};
use ogpu_types::events::{self, attr};
use ogpu_types::{CompetitionModel, Payload, ResponseStatus};

use crate::error::ContractError;
use crate::handlers::checks::{check_result, ensure_open, unopened};
use crate::ledger::task::load_task;
use crate::models::{consensus, first_response};
use crate::state::{CONFIG, RESPONSES, TASKS};

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
    let opens_after = match task.model {
        // A queued First Response commitment: once the one before it passed its window.
        CompetitionModel::FirstResponse { .. } => response.queued_until(),
        // All replicas committed: no one else can join, so digests may be opened.
        CompetitionModel::Consensus { replicas, .. } if task.commit_count >= replicas => None,
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

    let event = Event::new(events::TASK_REVEALED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::PROVIDER, provider.to_string()),
        (attr::DIGEST, digest.to_hex()),
        (attr::PRICE, price.to_string()),
    ]);
    task.reveal_count += 1;
    let outcome = match task.model {
        // The winning reveal is saved once, with its verdict.
        CompetitionModel::FirstResponse { .. } => {
            first_response::win(deps, &env, &config, task, response, price, digest)?
        }
        _ => {
            RESPONSES.save(deps.storage, (task_id, &provider), &response)?;
            if matches!(task.model, CompetitionModel::Consensus { .. })
                && task.reveal_count == task.commit_count
            {
                consensus::tally(deps, &env, &config, task)?
            } else {
                TASKS.save(deps.storage, task_id, &task)?;
                Response::new()
            }
        }
    };
    Ok(outcome
        .add_attribute(attr::ACTION, "reveal")
        .add_event(event))
}
