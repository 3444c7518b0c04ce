//! `Finalize`: the permissionless call that moves a task on once its deadlines pass. When
//! it is due, and what it does then, is `ogpu_types::finalize::due`'s rule; each outcome
//! is its model's.

use cosmwasm_std::{DepsMut, Env, MessageInfo, Response};
use cw_utils::nonpayable;
use ogpu_types::events::attr;
use ogpu_types::finalize::{due, Due};
use ogpu_types::CompetitionModel;

use crate::error::ContractError;
use crate::handlers::checks::ensure_open;
use crate::ledger::ending::Ending;
use crate::ledger::settle::settle;
use crate::ledger::task::load_task;
use crate::models::{award, consensus, manual_confirmation, sealed_bid_auction};
use crate::state::{AWARDS, CONFIG};

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
        Due::Expire => settle(deps, &env, &config, task, Ending::Expired, None)?,
        Due::AutoConfirm => {
            let event = manual_confirmation::auto_confirm(deps.storage, &env, &mut task)?;
            Response::new().add_event(event)
        }
        Due::Award => sealed_bid_auction::award(deps, &env, &config, task)?,
        Due::Tally => consensus::tally(deps, &env, &config, task)?,
        Due::MissedDelivery => {
            let state = awarded.ok_or(ContractError::NotAwarded { task_id })?;
            award::missed_delivery(deps, &env, &config, task, state)?
        }
    };
    Ok(response.add_attribute(attr::ACTION, "finalize"))
}
