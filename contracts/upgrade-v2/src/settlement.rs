//! Settlement's conversion: an open (held) escrow's record goes, since v2 records an
//! escrow only when its task ends (the registry's task holds the reward until then), and
//! the totals stop counting what is held.

use cosmwasm_std::{from_json, DepsMut};
use ogpu_settlement::state::{Config, Escrow, CONFIG, CREDITS, ESCROWS, TOTALS};
use ogpu_store::encode;
use ogpu_types::settlement::{AssetTotals, EscrowStatus};
use ogpu_types::Asset;

use crate::error::ContractError;
use crate::msg::Import;
use crate::progress;
use crate::sweep::{same, same_record, Change, Stage};
use crate::v1;

pub fn stages() -> [Stage; 3] {
    [
        Stage {
            namespace: ESCROWS.namespace().to_vec(),
            convert: escrow,
        },
        Stage {
            namespace: TOTALS.namespace().to_vec(),
            convert: totals,
        },
        Stage {
            namespace: CREDITS.namespace().to_vec(),
            convert: same::<Asset>,
        },
    ]
}

/// At `migrate`: the configuration. Settlement starts only once the registry runs this
/// code, as staking does.
pub fn begin(deps: DepsMut) -> Result<(), ContractError> {
    same_record::<Config>(deps.storage, CONFIG.key())?;
    let registry = CONFIG.load(deps.storage)?.registry;
    progress::of(&deps.querier, &registry)?.ok_or(ContractError::RegistryFirst {})?;
    Ok(())
}

fn escrow(_key: &[u8], json: &[u8], _import: &mut Import) -> Result<Change, ContractError> {
    let old: v1::Escrow = from_json(json)?;
    let status = match old.status {
        v1::EscrowStatus::Held => return Ok(Change::Remove),
        v1::EscrowStatus::Released => EscrowStatus::Released,
        v1::EscrowStatus::Refunded => EscrowStatus::Refunded,
    };
    Ok(Change::Rewrite(encode(&Escrow {
        payer: old.payer,
        deposit: old.deposit,
        status,
        paid_out: old.paid_out,
        fees: old.fees,
        refunded: old.refunded,
    })?))
}

fn totals(_key: &[u8], json: &[u8], _import: &mut Import) -> Result<Change, ContractError> {
    let old: v1::AssetTotals = from_json(json)?;
    Ok(Change::Rewrite(encode(&AssetTotals {
        info: old.info,
        deposited: old
            .deposited
            .checked_sub(old.held)
            .map_err(cosmwasm_std::StdError::from)?,
        paid_out: old.paid_out,
        fees: old.fees,
        refunded: old.refunded,
        credited: old.credited,
    })?))
}
