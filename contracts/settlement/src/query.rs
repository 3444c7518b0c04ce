//! Queries.

use cosmwasm_std::{to_json_binary, Binary, Deps, Order, StdResult};
use ogpu_types::settlement::{
    ConfigResponse, CreditsResponse, EscrowResponse, QueryMsg, TotalsResponse,
};

use crate::error::ContractError;
use crate::state::{CONFIG, CREDITS, ESCROWS, TOTALS};

/// Upper bound on listed assets (the registry accepts at most 16 at a time).
const MAX_ASSETS: usize = 100;

pub fn dispatch(deps: Deps, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => {
            let config = CONFIG.load(deps.storage)?;
            to_json_binary(&ConfigResponse {
                registry: config.registry,
                treasury: config.treasury,
                protocol_fee_bps: config.protocol_fee_bps,
            })?
        }
        QueryMsg::Escrow { task_id } => {
            let escrow = ESCROWS.may_load(deps.storage, task_id)?;
            to_json_binary(&escrow.map(|escrow| EscrowResponse {
                task_id,
                payer: escrow.payer,
                deposit: escrow.deposit,
                status: escrow.status,
                paid_out: escrow.paid_out,
                fees: escrow.fees,
                refunded: escrow.refunded,
            }))?
        }
        QueryMsg::Totals {} => {
            let totals = TOTALS
                .range(deps.storage, None, Order::Ascending)
                .take(MAX_ASSETS)
                .map(|item| item.map(|(_, totals)| totals))
                .collect::<StdResult<_>>()?;
            to_json_binary(&TotalsResponse { totals })?
        }
        QueryMsg::Credits { address } => {
            let address = deps.api.addr_validate(&address)?;
            let credits = CREDITS
                .prefix_range(deps.storage, &address, None, Order::Ascending)
                .take(MAX_ASSETS)
                .map(|item| item.map(|(_, credit)| credit))
                .collect::<StdResult<_>>()?;
            to_json_binary(&CreditsResponse { credits })?
        }
    })
}
