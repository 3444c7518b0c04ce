//! `RevealBid`: a provider opens its sealed bid in an auction's reveal window.

use cosmwasm_std::{DepsMut, Env, Event, HexBinary, MessageInfo, Response, Uint128};
use cw_utils::nonpayable;
use ogpu_types::commitment::{bid_commitment, to_hash32};
use ogpu_types::events::{self, attr};
use ogpu_types::{CompetitionModel, ResponseStatus};

use crate::error::ContractError;
use crate::handlers::checks::{ensure_open, unopened};
use crate::ledger::task::load_task;
use crate::models::sealed_bid_auction::award;
use crate::state::{CONFIG, RESPONSES, TASKS};

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
