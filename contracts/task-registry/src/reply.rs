//! Replies: the instantiation of the two children, whose addresses the registry records.

use cosmwasm_std::{Addr, DepsMut, Reply, Response, StdError};
use cw_utils::parse_instantiate_response_data;

use crate::error::ContractError;
use crate::state::CONFIG;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyId {
    InstantiateStaking = 1,
    InstantiateSettlement = 2,
}

impl TryFrom<u64> for ReplyId {
    type Error = ContractError;

    fn try_from(id: u64) -> Result<Self, ContractError> {
        match id {
            1 => Ok(ReplyId::InstantiateStaking),
            2 => Ok(ReplyId::InstantiateSettlement),
            _ => Err(ContractError::UnknownReplyId { id }),
        }
    }
}

pub fn dispatch(deps: DepsMut, msg: Reply) -> Result<Response, ContractError> {
    let id = ReplyId::try_from(msg.id)?;
    let address = child_address(deps.as_ref().api, msg)?;
    let mut config = CONFIG.load(deps.storage)?;
    let name = match id {
        ReplyId::InstantiateStaking => {
            config.staking = address.clone();
            "staking"
        }
        ReplyId::InstantiateSettlement => {
            config.settlement = address.clone();
            "settlement"
        }
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute(name, address))
}

/// CosmWasm 2 chains report the `MsgInstantiateContractResponse` in `msg_responses`;
/// older ones only in the deprecated `data` field. Accept either.
fn child_address(api: &dyn cosmwasm_std::Api, msg: Reply) -> Result<Addr, ContractError> {
    let response = msg.result.into_result().map_err(StdError::generic_err)?;
    #[allow(deprecated)]
    let bytes = match response.msg_responses.first() {
        Some(first) => first.value.clone(),
        None => response.data.ok_or(ContractError::MissingChildAddress {})?,
    };
    let parsed = parse_instantiate_response_data(&bytes)
        .map_err(|_| ContractError::MissingChildAddress {})?;
    Ok(api.addr_validate(&parsed.contract_address)?)
}
