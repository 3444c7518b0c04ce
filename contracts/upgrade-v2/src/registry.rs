//! The registry's conversion: records re-encoded; the configuration gains staking's
//! minimum stake; the providers' books staking hands over (`Import`) are written where v2
//! keeps them.

use cosmwasm_std::{
    from_json, Addr, Binary, DepsMut, HexBinary, MessageInfo, Response, Storage, WasmMsg,
};
use cw_utils::nonpayable;
use ogpu_provider_staking::state as staking_v2;
use ogpu_task_registry::state::{
    Config, Ledger, Stake, AWARDS, CONFIG, DISPUTES, DISPUTE_TERMS, EARNINGS, HASH_SEARCHES, JOBS,
    LEDGERS, LOCKS, NEXT_TASK_ID, OWNER, PENDING_OWNER, REQUIREMENTS, RESPONSES, RESULT_KEYS,
    ROUNDS, STAKES, TASKS,
};
use ogpu_types::registry::{AwardState, Child, DisputeState};
use ogpu_types::{DisputeTerms, HashSearch, OpenClJob, Requirements, Task, TaskResponseRecord};

use crate::error::ContractError;
use crate::msg::Import;
use crate::progress::{self, Progress};
use crate::sweep::{same, same_record, Stage};
use crate::v1;

/// Every namespace of per-task records; the index maps (`ts`, `tc`, `pt`) hold empty
/// JSON values in v2 too and stay as they are.
pub fn stages() -> [Stage; 10] {
    [
        Stage {
            namespace: TASKS.namespace().to_vec(),
            convert: same::<Task>,
        },
        Stage {
            namespace: JOBS.namespace().to_vec(),
            convert: same::<OpenClJob>,
        },
        Stage {
            namespace: HASH_SEARCHES.namespace().to_vec(),
            convert: same::<HashSearch>,
        },
        Stage {
            namespace: REQUIREMENTS.namespace().to_vec(),
            convert: same::<Requirements>,
        },
        Stage {
            namespace: RESPONSES.namespace().to_vec(),
            convert: same::<TaskResponseRecord>,
        },
        Stage {
            namespace: AWARDS.namespace().to_vec(),
            convert: same::<AwardState>,
        },
        Stage {
            namespace: RESULT_KEYS.namespace().to_vec(),
            convert: same::<HexBinary>,
        },
        Stage {
            namespace: DISPUTE_TERMS.namespace().to_vec(),
            convert: same::<DisputeTerms>,
        },
        Stage {
            namespace: DISPUTES.namespace().to_vec(),
            convert: same::<DisputeState>,
        },
        Stage {
            namespace: ROUNDS.namespace().to_vec(),
            convert: same::<u64>,
        },
    ]
}

/// At `migrate`: the singleton records, in one go (they are few and small). Staking's
/// minimum stake, which v2's registry mirrors, is read from staking's v1 configuration,
/// still JSON: the children start their conversion only after the registry.
pub fn begin(deps: DepsMut) -> Result<(), ContractError> {
    let storage = deps.storage;
    let old: v1::RegistryConfig = from_json(storage.get(CONFIG.key()).unwrap_or_default())?;
    let staking: staking_v2::Config = from_json(
        deps.querier
            .query_wasm_raw(&old.staking, staking_v2::CONFIG.key())?
            .unwrap_or_default(),
    )
    .map_err(|_| ContractError::RegistryFirst {})?;
    let config = Config {
        staking: old.staking,
        settlement: old.settlement,
        treasury: old.treasury,
        accepted_assets: old.accepted_assets,
        limits: old.limits,
        paused: old.paused,
        min_stake: staking.params.min_stake,
    };
    CONFIG.save(storage, &config)?;
    same_record::<Addr>(storage, OWNER.key())?;
    same_record::<Addr>(storage, PENDING_OWNER.key())?;
    same_record::<u64>(storage, NEXT_TASK_ID.key())?;
    Ok(())
}

/// Once its own records are converted, the registry is done when both children are: from
/// then on v2's registry commands them with v2's messages.
pub fn finish_when_children_are(
    deps: DepsMut,
    progress: &mut Progress,
) -> Result<(), ContractError> {
    let config = CONFIG.load(deps.storage)?;
    for child in [&config.staking, &config.settlement] {
        if !progress::of(&deps.querier, child)?.is_some_and(|child| child.done) {
            return Ok(());
        }
    }
    progress::finish(deps.storage, progress)?;
    Ok(())
}

/// `MigrateChild`, as v1 and v2 have it: the owner moves a child to other code.
pub fn migrate_child(
    deps: DepsMut,
    info: MessageInfo,
    child: Child,
    new_code_id: u64,
    msg: Binary,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if OWNER.load(deps.storage)? != info.sender {
        return Err(ContractError::Unauthorized {
            expected: "the registry's owner".into(),
        });
    }
    let config = CONFIG.load(deps.storage)?;
    let contract = config.child(child);
    Ok(Response::new()
        .add_message(WasmMsg::Migrate {
            contract_addr: contract.to_string(),
            new_code_id,
            msg,
        })
        .add_attribute("action", "migrate_child")
        .add_attribute("contract", contract))
}

/// `Import`: staking hands over providers' stake, locks and earnings.
pub fn import(deps: DepsMut, info: MessageInfo, import: Import) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if CONFIG.load(deps.storage)?.staking != info.sender {
        return Err(ContractError::Unauthorized {
            expected: "the staking contract".into(),
        });
    }
    let storage: &mut dyn Storage = deps.storage;
    for provider in import.providers {
        let address = deps.api.addr_validate(&provider.stake.provider)?;
        let ledger = Ledger {
            locked: provider.locked,
            reputation: provider.reputation,
        };
        LEDGERS.save(storage, &address, &ledger)?;
        STAKES.save(storage, &address, &Stake::from(provider.stake))?;
    }
    for lock in import.locks {
        let address = deps.api.addr_validate(&lock.provider)?;
        LOCKS.save(storage, (&address, lock.task_id), &lock.amount)?;
    }
    for earning in import.earnings {
        let address = deps.api.addr_validate(&earning.provider)?;
        EARNINGS.save(storage, (&address, &earning.asset), &earning.amount)?;
    }
    Ok(Response::new().add_attribute("action", "import"))
}
