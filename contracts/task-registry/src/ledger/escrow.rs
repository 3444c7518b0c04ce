//! Escrow: a task's reward (or a dispute's bond) moves on to settlement as it arrives.

use cosmwasm_std::{coins, to_json_binary, BankMsg, CosmosMsg, WasmMsg};
use cw20::Cw20ExecuteMsg;
use ogpu_types::{Asset, AssetInfo};

use crate::error::ContractError;
use crate::state::Config;

/// Moves a task's reward (or a dispute's bond), which the registry just received, on to
/// settlement, which holds every open task's escrow. A plain transfer: settlement is told
/// of the task only when it ends, with the amount the registry recorded for it.
pub(crate) fn escrow(config: &Config, reward: &Asset) -> Result<CosmosMsg, ContractError> {
    let recipient = config.settlement.to_string();
    Ok(match &reward.info {
        AssetInfo::Native { denom } => BankMsg::Send {
            to_address: recipient,
            amount: coins(reward.amount.u128(), denom),
        }
        .into(),
        AssetInfo::Cw20 { contract_addr } => WasmMsg::Execute {
            contract_addr: contract_addr.clone(),
            msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
                recipient,
                amount: reward.amount,
            })?,
            funds: vec![],
        }
        .into(),
    })
}
