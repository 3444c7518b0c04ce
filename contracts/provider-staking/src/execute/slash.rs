//! The registry's one message that moves stake: slashes for failures on a task, each
//! split between the client it compensates (its share, at most the cap) and the treasury,
//! paid out with a credit fallback.

use cosmwasm_std::{Addr, Decimal, DepsMut, Event, MessageInfo, Response, Uint128};
use cw_utils::nonpayable;
use ogpu_types::events::{self, attr};
use ogpu_types::staking::{Compensation, SlashOrder};
use ogpu_types::AssetInfo;

use crate::error::ContractError;
use crate::execute::{only_registry, payout};
use crate::state::{Config, PROVIDERS, TOTALS};

/// Most slashes in one call (the registry caps a task at 64 commitments).
pub const MAX_SLASHES: usize = 64;

pub fn slash(
    deps: DepsMut,
    info: MessageInfo,
    task_id: u64,
    slashes: Vec<SlashOrder>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = only_registry(deps.storage, &info.sender)?;
    if slashes.len() > MAX_SLASHES {
        return Err(ContractError::TooManySlashes {
            count: slashes.len() as u64,
            max: MAX_SLASHES as u64,
        });
    }
    let mut totals = TOTALS.load(deps.storage)?;
    let mut response = Response::new().add_attribute(attr::ACTION, "slash");
    for order in slashes {
        let address = deps.api.addr_validate(&order.provider)?;
        let mut record = PROVIDERS.load(deps.storage, &address)?;
        record.bonded = record.bonded.checked_sub(order.amount)?;
        PROVIDERS.save(deps.storage, &address, &record)?;
        totals.bonded = totals.bonded.checked_sub(order.amount)?;
        totals.slashed = totals.slashed.checked_add(order.amount)?;
        let (client, to_client) = compensation(&deps, &config, order.amount, order.compensation)?;
        let to_treasury = order.amount.checked_sub(to_client)?;
        let denom = &config.params.bond_denom;
        if let Some(client) = client.filter(|_| !to_client.is_zero()) {
            response = response.add_submessage(payout::send(&client, to_client, denom)?);
        }
        if !to_treasury.is_zero() {
            response = response.add_submessage(payout::send(&config.treasury, to_treasury, denom)?);
        }
        response = response.add_event(Event::new(events::PROVIDER_SLASHED).add_attributes([
            (attr::TASK_ID, task_id.to_string()),
            (attr::PROVIDER, order.provider),
            (attr::AMOUNT, order.amount.to_string()),
            (attr::TO_CLIENT, to_client.to_string()),
            (attr::TO_TREASURY, to_treasury.to_string()),
        ]));
    }
    TOTALS.save(deps.storage, &totals)?;
    Ok(response)
}

/// The client's part of a slash of `amount`: its share, at most the cap. A cap in another
/// asset than the bond denom cannot be compared with the slash: nothing then.
fn compensation(
    deps: &DepsMut,
    config: &Config,
    amount: Uint128,
    compensation: Option<Compensation>,
) -> Result<(Option<Addr>, Uint128), ContractError> {
    let Some(compensation) = compensation else {
        return Ok((None, Uint128::zero()));
    };
    let client = deps.api.addr_validate(&compensation.client)?;
    let share = amount.mul_floor(Decimal::bps(config.params.slash_client_share_bps.into()));
    let bond = AssetInfo::native(config.params.bond_denom.as_str());
    let capped = match compensation.cap {
        None => share,
        Some(cap) if cap.info == bond => share.min(cap.amount),
        Some(_) => Uint128::zero(),
    };
    Ok((Some(client), capped))
}
