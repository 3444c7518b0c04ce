//! Entry points. No `instantiate`: this code only ever takes over a deployed contract.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use cw_utils::nonpayable;

use crate::error::ContractError;
use crate::msg::{
    ExecuteMsg, Import, Member, MigrateMsg, ProgressResponse, QueryMsg, DEFAULT_STEP, MAX_STEP,
};
use crate::progress::{self, Progress, PROGRESS};
use crate::sweep::{self, Stage};
use crate::{registry, settlement, staking};

fn stages(member: Member) -> Vec<Stage> {
    match member {
        Member::Registry => registry::stages().into(),
        Member::Staking => staking::stages().into(),
        Member::Settlement => settlement::stages().into(),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(mut deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    if PROGRESS.may_load(deps.storage)?.is_some() {
        return Err(ContractError::AlreadyStarted {});
    }
    let member = progress::ensure_v1(deps.storage)?;
    match member {
        Member::Registry => registry::begin(deps.branch())?,
        Member::Staking => staking::begin(deps.branch())?,
        Member::Settlement => settlement::begin(deps.branch())?,
    }
    PROGRESS.save(deps.storage, &Progress::start(member))?;
    Ok(Response::new()
        .add_attribute("action", "upgrade_begin")
        .add_attribute("member", format!("{member:?}")))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    let member = PROGRESS.load(deps.storage)?.member;
    match (msg, member) {
        (ExecuteMsg::Step { limit }, _) => step(deps, info, limit),
        (
            ExecuteMsg::MigrateChild {
                child,
                new_code_id,
                msg,
            },
            Member::Registry,
        ) => registry::migrate_child(deps, info, child, new_code_id, msg),
        (ExecuteMsg::Import(import), Member::Registry) => registry::import(deps, info, import),
        _ => Err(ContractError::NotTheRegistry {}),
    }
}

/// Converts up to `limit` records; the last step of a member marks it done (the
/// registry's, once its children are).
fn step(
    mut deps: DepsMut,
    info: MessageInfo,
    limit: Option<u32>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut progress = PROGRESS.load(deps.storage)?;
    let stages = stages(progress.member);
    let mut import = Import::default();
    let converted = if progress.done {
        0
    } else {
        let budget = limit.unwrap_or(DEFAULT_STEP).min(MAX_STEP);
        sweep::run(deps.storage, &stages, &mut progress, budget, &mut import)?
    };
    let mut response = match progress.member {
        Member::Staking => staking::hand_over(deps.storage, import)?,
        Member::Registry | Member::Settlement => Response::new(),
    };
    if !progress.done && progress.stage == stages.len() {
        match progress.member {
            Member::Registry => registry::finish_when_children_are(deps.branch(), &mut progress)?,
            Member::Staking | Member::Settlement => progress::finish(deps.storage, &mut progress)?,
        }
    }
    PROGRESS.save(deps.storage, &progress)?;
    response = response
        .add_attribute("action", "upgrade_step")
        .add_attribute("converted", converted.to_string())
        .add_attribute("done", progress.done.to_string());
    Ok(response)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    match msg {
        QueryMsg::Progress {} => {
            let progress = PROGRESS.load(deps.storage)?;
            let stages = stages(progress.member);
            Ok(to_json_binary(&ProgressResponse {
                member: progress.member,
                stage: stages
                    .get(progress.stage)
                    .map(|stage| String::from_utf8_lossy(&stage.namespace).into_owned()),
                converted: progress.converted,
                done: progress.done,
            })?)
        }
    }
}
