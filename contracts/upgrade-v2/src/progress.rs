//! Where a contract's conversion stands. Stored as JSON under a key of its own, which the
//! other members of the suite read raw: a child checks the registry is on this code before
//! it starts, and the registry waits for both children to be done.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Binary, QuerierWrapper, StdResult, Storage};
use cw_storage_plus::Item;

use crate::msg::Member;

#[cw_serde]
pub struct Progress {
    pub member: Member,
    /// Index into the member's stages; past the last when every record is converted.
    pub stage: usize,
    /// The last key converted in the current stage (without its namespace).
    pub after: Option<Binary>,
    pub converted: u64,
    /// Converted, and (the registry) both children done: the v2 code may take over.
    pub done: bool,
}

pub const PROGRESS_KEY: &str = "upgrade";
pub const PROGRESS: Item<Progress> = Item::new(PROGRESS_KEY);

impl Progress {
    pub fn start(member: Member) -> Self {
        Progress {
            member,
            stage: 0,
            after: None,
            converted: 0,
            done: false,
        }
    }
}

/// Another contract's progress, read from its storage; `None` when it does not run this
/// code (and never did).
pub fn of(querier: &QuerierWrapper, contract: &Addr) -> StdResult<Option<Progress>> {
    querier
        .query_wasm_raw(contract, PROGRESS_KEY.as_bytes())?
        .map(cosmwasm_std::from_json)
        .transpose()
}

/// Marks the contract's state as readable by v2 (`ogpu_types::migration::readable`): a
/// pre-release of the first v2 version, so that v2's `migrate` sees it as older.
pub fn finish(storage: &mut dyn Storage, progress: &mut Progress) -> StdResult<()> {
    let (major, minor) = ogpu_types::migration::FIRST_V2;
    let contract = cw2::get_contract_version(storage)?.contract;
    cw2::set_contract_version(storage, contract, format!("{major}.{minor}.0-upgraded"))?;
    progress.done = true;
    Ok(())
}

/// Whether `storage` is the suite's storage for `member` at version 0.1.x.
pub fn ensure_v1(storage: &dyn Storage) -> Result<Member, crate::ContractError> {
    let version = cw2::get_contract_version(storage)?;
    let member = match version.contract.as_str() {
        ogpu_task_registry::contract::CONTRACT_NAME => Some(Member::Registry),
        ogpu_provider_staking::contract::CONTRACT_NAME => Some(Member::Staking),
        ogpu_settlement::contract::CONTRACT_NAME => Some(Member::Settlement),
        _ => None,
    };
    match member {
        Some(member) if version.version.starts_with("0.1.") => Ok(member),
        _ => Err(crate::ContractError::NotV1 {
            contract: version.contract,
            version: version.version,
        }),
    }
}
