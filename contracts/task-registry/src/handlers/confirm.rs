//! `Confirm`: the client of a Manual Confirmation task chooses a revealed offer.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};
use cw_utils::nonpayable;
use ogpu_types::events::attr;

use crate::error::ContractError;
use crate::handlers::checks::{ensure_client, ensure_open};
use crate::ledger::task::load_task;
use crate::models::manual_confirmation;
use crate::state::AWARDS;

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
    let event = manual_confirmation::confirm(deps.storage, &env, &mut task, provider)?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "confirm")
        .add_event(event))
}
