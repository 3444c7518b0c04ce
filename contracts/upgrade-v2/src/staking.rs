//! Staking's conversion: providers lose the collateral books (locked, reputation), which
//! go to the registry with every lock and earning; unbonding entries and credits are
//! re-encoded.

use cosmwasm_std::{from_json, to_json_binary, Addr, DepsMut, Response, Storage, Uint128, WasmMsg};
use cw_storage_plus::KeyDeserialize;
use ogpu_provider_staking::state::{
    Config, Provider, Totals, CONFIG, CREDITS, PROVIDERS, TOTALS, UNBONDING,
};
use ogpu_store::encode;

use crate::error::ContractError;
use crate::msg::{ExecuteMsg, Import, ImportedEarning, ImportedLock, ImportedProvider};
use crate::progress;
use crate::sweep::{same, same_record, Change, Stage};
use crate::v1;

/// v1's (provider, task) → locked collateral, which v2 keeps in the registry.
const V1_LOCKS: &[u8] = b"l";
/// v1's (provider, asset key) → earned, which v2 keeps in the registry.
const V1_EARNINGS: &[u8] = b"earn";

pub fn stages() -> [Stage; 5] {
    [
        Stage {
            namespace: PROVIDERS.namespace().to_vec(),
            convert: provider,
        },
        Stage {
            namespace: V1_LOCKS.to_vec(),
            convert: lock,
        },
        Stage {
            namespace: V1_EARNINGS.to_vec(),
            convert: earning,
        },
        Stage {
            namespace: UNBONDING.namespace().to_vec(),
            convert: same::<Uint128>,
        },
        Stage {
            namespace: CREDITS.namespace().to_vec(),
            convert: same::<Uint128>,
        },
    ]
}

/// At `migrate`: the configuration and the totals. Staking starts only once the registry
/// runs this code (the registry takes its books).
pub fn begin(deps: DepsMut) -> Result<(), ContractError> {
    same_record::<Config>(deps.storage, CONFIG.key())?;
    let registry = CONFIG.load(deps.storage)?.registry;
    progress::of(&deps.querier, &registry)?.ok_or(ContractError::RegistryFirst {})?;
    let old: v1::StakingTotals = from_json(deps.storage.get(TOTALS.key()).unwrap_or_default())?;
    let totals = Totals {
        bonded: old.bonded,
        unbonding: old.unbonding,
        slashed: old.slashed,
        credited: old.credited,
    };
    TOTALS.save(deps.storage, &totals)?;
    Ok(())
}

fn provider(key: &[u8], json: &[u8], import: &mut Import) -> Result<Change, ContractError> {
    let address = Addr::from_vec(key.to_vec())?;
    let old: v1::Provider = from_json(json)?;
    let provider = Provider {
        metadata: old.metadata,
        bonded: old.bonded,
        deregistered: old.deregistered,
    };
    import.providers.push(ImportedProvider {
        stake: provider.report(&address),
        locked: old.locked,
        reputation: old.reputation,
    });
    Ok(Change::Rewrite(encode(&provider)?))
}

fn lock(key: &[u8], json: &[u8], import: &mut Import) -> Result<Change, ContractError> {
    let (provider, task_id) = <(Addr, u64)>::from_vec(key.to_vec())?;
    import.locks.push(ImportedLock {
        provider: provider.into_string(),
        task_id,
        amount: from_json(json)?,
    });
    Ok(Change::Remove)
}

fn earning(key: &[u8], json: &[u8], import: &mut Import) -> Result<Change, ContractError> {
    let (provider, asset) = <(Addr, String)>::from_vec(key.to_vec())?;
    import.earnings.push(ImportedEarning {
        provider: provider.into_string(),
        asset,
        amount: from_json(json)?,
    });
    Ok(Change::Remove)
}

/// What a step hands the registry, if anything.
pub fn hand_over(storage: &dyn Storage, import: Import) -> Result<Response, ContractError> {
    let mut response = Response::new();
    if !import.is_empty() {
        response = response.add_message(WasmMsg::Execute {
            contract_addr: CONFIG.load(storage)?.registry.into_string(),
            msg: to_json_binary(&ExecuteMsg::Import(import))?,
            funds: vec![],
        });
    }
    Ok(response)
}
