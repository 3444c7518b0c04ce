//! Publishing tasks (native or cw20 reward) and cancelling them.

use cosmwasm_std::{
    coins, from_json, to_json_binary, Addr, BankMsg, CosmosMsg, DepsMut, Empty, Env, Event,
    MessageInfo, Response, WasmMsg,
};
use cw20::{Cw20ExecuteMsg, Cw20ReceiveMsg};
use cw_utils::{nonpayable, one_coin};
use ogpu_types::events::{self, attr};
use ogpu_types::registry::ReceiveMsg;
use ogpu_types::{deadline, Asset, AssetInfo, CompetitionModel, Job, Task, TaskSpec, TaskStatus};

use crate::error::ContractError;
use crate::execute::{dispute, ensure_client, ensure_open, load_task, settle};
use crate::state::{
    Config, CONFIG, DISPUTE_TERMS, HASH_SEARCHES, JOBS, NEXT_TASK_ID, REQUIREMENTS, RESULT_KEYS,
    TASKS, TASKS_BY_CLIENT, TASKS_BY_STATUS,
};
use crate::validate;

pub fn publish_native(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    spec: TaskSpec,
) -> Result<Response, ContractError> {
    let reward = Asset::from(one_coin(&info)?);
    let config = CONFIG.load(deps.storage)?;
    let escrow = escrow(&config, &reward)?;
    let (_, response) = publish(deps, &env, &config, info.sender, reward, spec)?;
    Ok(response.add_message(escrow))
}

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

/// cw20 `Send` hook: `info.sender` is the token contract (only an accepted one passes
/// the reward check, so a forged hook is refused), `msg.sender` the client. The tokens
/// move on to settlement.
pub fn receive_cw20(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: Cw20ReceiveMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let client = deps.api.addr_validate(&msg.sender)?;
    let token = info.sender;
    let bond = Asset::new(AssetInfo::cw20(token.as_str()), msg.amount);
    let spec = match from_json(&msg.msg)? {
        ReceiveMsg::PublishTask { spec } => spec,
        ReceiveMsg::Dispute { task_id } => {
            return dispute::open(deps, &env, client, task_id, bond);
        }
    };
    let config = CONFIG.load(deps.storage)?;
    let escrow = escrow(&config, &bond)?;
    let (_, response) = publish(deps, &env, &config, client, bond, spec)?;
    Ok(response.add_message(escrow))
}

/// Validates and stores a task; returns its id and a response without the escrow message.
fn publish(
    deps: DepsMut,
    env: &Env,
    config: &Config,
    client: Addr,
    reward: Asset,
    spec: TaskSpec,
) -> Result<(u64, Response), ContractError> {
    if config.paused {
        return Err(ContractError::Paused {});
    }
    validate::reward(&config.accepted_assets, &reward.info, reward.amount)?;
    validate::task_spec(deps.api, &config.limits, &spec)?;
    if let Some(terms) = &spec.dispute {
        validate::bond(&config.accepted_assets, &reward.info, terms.bond)?;
    }
    create(deps, env, client, reward, spec)
}

/// Stores a valid task and returns its id and a response without the escrow message.
pub(crate) fn create(
    deps: DepsMut,
    env: &Env,
    client: Addr,
    reward: Asset,
    spec: TaskSpec,
) -> Result<(u64, Response), ContractError> {
    let task_id = NEXT_TASK_ID.load(deps.storage)?;
    NEXT_TASK_ID.save(
        deps.storage,
        &task_id.checked_add(1).ok_or_else(|| {
            cosmwasm_std::OverflowError::new(cosmwasm_std::OverflowOperation::Add)
        })?,
    )?;

    let now = env.block.time;
    let (commit_deadline, reveal_deadline, confirm_deadline) = match spec.model {
        // A First Response reveal deadline grows with each commitment; none yet.
        CompetitionModel::FirstResponse { commit_window, .. } => {
            let commit = deadline(now, commit_window)?;
            (commit, commit, None)
        }
        CompetitionModel::ManualConfirmation {
            commit_window,
            reveal_window,
            confirm_window,
            ..
        } => {
            let commit = deadline(now, commit_window)?;
            let reveal = deadline(commit, reveal_window)?;
            (commit, reveal, Some(deadline(reveal, confirm_window)?))
        }
        // Bids, then their reveals; the delivery deadline is set when the auction is awarded.
        CompetitionModel::SealedBidAuction {
            bid_window: commit_window,
            reveal_window,
            ..
        }
        | CompetitionModel::Consensus {
            commit_window,
            reveal_window,
            ..
        } => {
            let commit = deadline(now, commit_window)?;
            (commit, deadline(commit, reveal_window)?, None)
        }
    };
    let task = Task {
        id: task_id,
        client: client.clone(),
        reward: reward.clone(),
        collateral: spec.collateral,
        model: spec.model,
        status: TaskStatus::Open,
        created_height: env.block.height,
        created_at: now,
        commit_deadline,
        reveal_deadline,
        confirm_deadline,
        commit_count: 0,
        reveal_count: 0,
        best: None,
        outcome: None,
        finished_at: None,
    };
    TASKS.save(deps.storage, task_id, &task)?;
    TASKS_BY_STATUS.save(deps.storage, (task.status.name(), task_id), &Empty {})?;
    TASKS_BY_CLIENT.save(deps.storage, (&client, task_id), &Empty {})?;
    let kind = spec.job.kind();
    match &spec.job {
        Job::OpenCl(job) => JOBS.save(deps.storage, task_id, job)?,
        Job::HashSearch(search) => HASH_SEARCHES.save(deps.storage, task_id, search)?,
    }
    REQUIREMENTS.save(deps.storage, task_id, &spec.requirements)?;
    if let Some(terms) = &spec.dispute {
        DISPUTE_TERMS.save(deps.storage, task_id, terms)?;
    }
    if let Some(key) = &spec.result_key {
        RESULT_KEYS.save(deps.storage, task_id, key)?;
    }

    let event = Event::new(events::TASK_PUBLISHED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::CLIENT, client.to_string()),
        (attr::MODEL, spec.model.name().to_string()),
        (attr::KIND, kind.to_string()),
        (attr::REWARD, reward.to_string()),
        (attr::COLLATERAL, spec.collateral.to_string()),
        (attr::COMMIT_DEADLINE, commit_deadline.seconds().to_string()),
    ]);
    let response = Response::new()
        .add_attribute(attr::ACTION, "publish_task")
        .add_attribute(attr::TASK_ID, task_id.to_string())
        .add_event(event);
    Ok((task_id, response))
}

/// The client withdraws a task nobody committed to; the escrow is refunded in full.
pub fn cancel(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    task_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let task = load_task(deps.storage, task_id)?;
    ensure_client(&task, &info.sender)?;
    ensure_open(&task)?;
    if task.commit_count > 0 {
        return Err(ContractError::HasCommitments { task_id });
    }
    let config = CONFIG.load(deps.storage)?;
    let response = settle::settle(deps, &env, &config, task, settle::Ending::Cancelled)?;
    Ok(response.add_attribute(attr::ACTION, "cancel_task"))
}
