//! Calls into the registry's children (staking, settlement).

use cosmwasm_std::{to_json_binary, Addr, WasmMsg};
use serde::Serialize;

use crate::error::ContractError;

/// A plain (non-reply) execute message to a child contract.
pub(crate) fn call(contract: &Addr, msg: &impl Serialize) -> Result<WasmMsg, ContractError> {
    Ok(WasmMsg::Execute {
        contract_addr: contract.to_string(),
        msg: to_json_binary(msg)?,
        funds: vec![],
    })
}
