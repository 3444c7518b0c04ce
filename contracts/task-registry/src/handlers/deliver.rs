//! `Deliver`: the provider an awarded task chose posts its result and is paid.

use cosmwasm_std::{DepsMut, Env, Event, HexBinary, MessageInfo, Response};
use cw_utils::nonpayable;
use ogpu_types::commitment::to_hash32;
use ogpu_types::events::{self, attr};
use ogpu_types::{CompetitionModel, Payload};

use crate::error::ContractError;
use crate::handlers::checks::{check_result, ensure_open};
use crate::ledger::ending::Ending;
use crate::ledger::settle::settle;
use crate::ledger::task::load_task;
use crate::models::award::{executor, winners};
use crate::state::{AWARDS, CONFIG, RESPONSES};

/// `ExecuteMsg::Deliver`: the chosen provider posts its result before its deadline and is
/// paid in this transaction (in Consensus, every agreeing replica still standing is).
pub fn deliver(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    task_id: u64,
    digest: HexBinary,
    result: Payload,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let digest = to_hash32("digest", &digest)?;
    let task = load_task(deps.storage, task_id)?;
    ensure_open(&task)?;
    let state = AWARDS
        .may_load(deps.storage, task_id)?
        .ok_or(ContractError::NotAwarded { task_id })?;
    let provider = info.sender;
    if *executor(&state)? != provider {
        return Err(ContractError::NotExecutor {
            task_id,
            provider: provider.into_string(),
        });
    }
    if env.block.time > state.delivery_deadline {
        return Err(ContractError::DeliveryClosed {
            task_id,
            deadline: state.delivery_deadline,
        });
    }
    let mut record = RESPONSES.load(deps.storage, (task_id, &provider))?;
    // An offer or a replica revealed its digest before it was chosen; a bid did not.
    let bid = matches!(task.model, CompetitionModel::SealedBidAuction { .. });
    if !bid && record.digest.as_ref().map(|d| d.as_slice()) != Some(digest.as_slice()) {
        return Err(ContractError::DeliveredDigestMismatch {
            provider: provider.into_string(),
        });
    }
    let config = CONFIG.load(deps.storage)?;
    check_result(deps.storage, &config.limits, task_id, &result, &digest)?;
    let digest = HexBinary::from(digest);
    record.digest = Some(digest.clone());
    record.result = Some(result);

    let event = Event::new(events::TASK_DELIVERED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::PROVIDER, provider.to_string()),
        (attr::DIGEST, digest.to_hex()),
    ]);
    let ending = Ending::Completed {
        winners: winners(&task, &state, provider),
        price: state.price,
        digest,
    };
    Ok(settle(deps, &env, &config, task, ending, Some(record))?
        .add_attribute(attr::ACTION, "deliver")
        .add_event(event))
}
