//! Queries. Every list is paginated with a capped limit.

use cosmwasm_std::{to_json_binary, Binary, Deps, Order, StdResult};
use cw_storage_plus::Bound;
use ogpu_types::page::page_len;
use ogpu_types::provider::Earning;
use ogpu_types::registry::{
    ConfigResponse, Lock, LocksResponse, OwnershipResponse, ProviderLedger, QueryMsg,
    ResponsesResponse, TaskDetails, TasksResponse,
};
use ogpu_types::{Job, TaskSpec, TaskStatus};

use crate::error::ContractError;
use crate::ledger::task::load_task;
use crate::state::{
    AWARDS, CONFIG, DISPUTES, DISPUTE_TERMS, EARNINGS, HASH_SEARCHES, JOBS, LEDGERS, LOCKS,
    NEXT_TASK_ID, OWNER, PENDING_OWNER, PROVIDER_TASKS, REQUIREMENTS, RESPONSES, RESULT_KEYS,
    TASKS, TASKS_BY_CLIENT, TASKS_BY_STATUS,
};

/// Earnings listed per provider (one per accepted reward asset, at most 16).
const MAX_EARNINGS: usize = 32;

pub fn dispatch(deps: Deps, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&config(deps)?)?,
        QueryMsg::Ownership {} => to_json_binary(&OwnershipResponse {
            owner: OWNER.load(deps.storage)?,
            pending_owner: PENDING_OWNER.may_load(deps.storage)?,
        })?,
        QueryMsg::Task { task_id } => to_json_binary(&task(deps, task_id)?)?,
        QueryMsg::TaskHeader { task_id } => to_json_binary(&load_task(deps.storage, task_id)?)?,
        QueryMsg::Response { task_id, provider } => {
            let provider = deps.api.addr_validate(&provider)?;
            to_json_binary(&RESPONSES.may_load(deps.storage, (task_id, &provider))?)?
        }
        QueryMsg::Tasks {
            status,
            start_after,
            limit: max,
        } => to_json_binary(&tasks_by_status(deps, status, start_after, page_len(max))?)?,
        QueryMsg::TasksByClient {
            client,
            start_after,
            limit: max,
        } => {
            let client = deps.api.addr_validate(&client)?;
            let ids = TASKS_BY_CLIENT.prefix(&client).keys(
                deps.storage,
                start_after.map(Bound::exclusive),
                None,
                Order::Ascending,
            );
            to_json_binary(&load_tasks(deps, ids, page_len(max))?)?
        }
        QueryMsg::TasksByProvider {
            provider,
            start_after,
            limit: max,
        } => {
            let provider = deps.api.addr_validate(&provider)?;
            let ids = PROVIDER_TASKS.prefix(&provider).keys(
                deps.storage,
                start_after.map(Bound::exclusive),
                None,
                Order::Ascending,
            );
            to_json_binary(&load_tasks(deps, ids, page_len(max))?)?
        }
        QueryMsg::DisputeState { task_id } => {
            to_json_binary(&DISPUTES.may_load(deps.storage, task_id)?)?
        }
        QueryMsg::ProviderLedger { provider } => {
            let provider = deps.api.addr_validate(&provider)?;
            let ledger = LEDGERS
                .may_load(deps.storage, &provider)?
                .unwrap_or_default();
            let earnings = EARNINGS
                .prefix_range(deps.storage, &provider, None, Order::Ascending)
                .take(MAX_EARNINGS)
                .map(|item| item.map(|(asset, amount)| Earning { asset, amount }))
                .collect::<StdResult<_>>()?;
            to_json_binary(&ProviderLedger {
                locked: ledger.locked,
                reputation: ledger.reputation,
                earnings,
            })?
        }
        QueryMsg::Locks {
            provider,
            start_after,
            limit: max,
        } => {
            let provider = deps.api.addr_validate(&provider)?;
            let locks = LOCKS
                .prefix_range(
                    deps.storage,
                    &provider,
                    start_after.map(Bound::exclusive),
                    Order::Ascending,
                )
                .take(page_len(max))
                .map(|item| item.map(|(task_id, amount)| Lock { task_id, amount }))
                .collect::<StdResult<_>>()?;
            to_json_binary(&LocksResponse { locks })?
        }
        QueryMsg::Award { task_id } => to_json_binary(&AWARDS.may_load(deps.storage, task_id)?)?,
        QueryMsg::Responses {
            task_id,
            start_after,
            limit: max,
        } => {
            let after = start_after
                .map(|a| deps.api.addr_validate(&a))
                .transpose()?;
            let start = after.as_ref().map(Bound::exclusive);
            let responses = RESPONSES
                .prefix_range(deps.storage, task_id, start, Order::Ascending)
                .take(page_len(max))
                .map(|item| item.map(|(_, response)| response))
                .collect::<StdResult<_>>()?;
            to_json_binary(&ResponsesResponse { responses })?
        }
    })
}

fn config(deps: Deps) -> StdResult<ConfigResponse> {
    let config = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        staking: config.staking,
        settlement: config.settlement,
        treasury: config.treasury,
        accepted_assets: config.accepted_assets,
        limits: config.limits,
        paused: config.paused,
        next_task_id: NEXT_TASK_ID.load(deps.storage)?,
    })
}

fn task(deps: Deps, task_id: u64) -> Result<TaskDetails, ContractError> {
    let task = load_task(deps.storage, task_id)?;
    let job = match HASH_SEARCHES.may_load(deps.storage, task_id)? {
        Some(search) => Job::HashSearch(search),
        None => Job::OpenCl(JOBS.load(deps.storage, task_id)?),
    };
    let spec = TaskSpec {
        job,
        requirements: REQUIREMENTS.load(deps.storage, task_id)?,
        model: task.model,
        collateral: task.collateral,
        dispute: DISPUTE_TERMS.may_load(deps.storage, task_id)?,
        result_key: RESULT_KEYS.may_load(deps.storage, task_id)?,
    };
    Ok(TaskDetails { task, spec })
}

fn tasks_by_status(
    deps: Deps,
    status: Option<TaskStatus>,
    start_after: Option<u64>,
    limit: usize,
) -> StdResult<TasksResponse> {
    let start = start_after.map(Bound::exclusive);
    match status {
        Some(status) => {
            let ids = TASKS_BY_STATUS.prefix(status.name()).keys(
                deps.storage,
                start,
                None,
                Order::Ascending,
            );
            load_tasks(deps, ids, limit)
        }
        None => {
            let tasks = TASKS
                .range(deps.storage, start, Order::Ascending)
                .take(limit)
                .map(|item| item.map(|(_, task)| task))
                .collect::<StdResult<_>>()?;
            Ok(TasksResponse { tasks })
        }
    }
}

/// Loads the headers of at most `limit` task ids taken from a secondary index.
fn load_tasks(
    deps: Deps,
    ids: impl Iterator<Item = StdResult<u64>>,
    limit: usize,
) -> StdResult<TasksResponse> {
    let tasks = ids
        .take(limit)
        .map(|id| TASKS.load(deps.storage, id?))
        .collect::<StdResult<_>>()?;
    Ok(TasksResponse { tasks })
}
