//! `Commit`: a sealed result (or, in an auction, a sealed bid) and the provider's
//! collateral lock.

use cosmwasm_std::{
    Addr, DepsMut, Empty, Env, Event, HexBinary, MessageInfo, Order, Response, Storage, Timestamp,
};
use cw_utils::nonpayable;
use ogpu_types::commitment::to_hash32;
use ogpu_types::events::{self, attr};
use ogpu_types::{CompetitionModel, ResponseStatus, TaskResponseRecord};

use crate::error::ContractError;
use crate::handlers::checks::ensure_open;
use crate::ledger::collateral::{lock, Judgement};
use crate::ledger::settle::silence_verdict;
use crate::ledger::task::load_task;
use crate::models::{consensus, first_response};
use crate::state::{CONFIG, PROVIDER_TASKS, REQUIREMENTS, RESPONSES, TASKS};

/// Records a sealed result commitment and locks the provider's collateral, checked against
/// the stake staking reported: committing calls no other contract.
pub fn commit(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    task_id: u64,
    commitment: HexBinary,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    to_hash32("commitment", &commitment)?;
    let mut task = load_task(deps.storage, task_id)?;
    let config = CONFIG.load(deps.storage)?;
    if config.paused {
        return Err(ContractError::Paused {});
    }
    ensure_open(&task)?;
    let now = env.block.time;
    if now > task.commit_deadline {
        return Err(ContractError::CommitClosed {
            task_id,
            deadline: task.commit_deadline,
        });
    }
    let provider = info.sender;
    // A client never takes part in its own task: it would compete against the providers
    // it pays, vote in its own round or re-run its own dispute (a round's client is the
    // disputing client).
    if provider == task.client {
        return Err(ContractError::SelfDealing { task_id });
    }
    let requirements = REQUIREMENTS.load(deps.storage, task_id)?;
    let allowed = &requirements.allowed_providers;
    if !allowed.is_empty() && !allowed.iter().any(|a| a == provider.as_str()) {
        return Err(ContractError::NotAllowed {
            task_id,
            provider: provider.into_string(),
        });
    }
    if let CompetitionModel::Consensus { .. } = task.model {
        consensus::ensure_not_disputed_winner(deps.storage, task_id, &provider)?;
    }
    if RESPONSES.has(deps.storage, (task_id, &provider)) {
        return Err(ContractError::AlreadyCommitted {
            task_id,
            provider: provider.into_string(),
        });
    }
    // At the cap, a commitment whose reveal window passed unopened makes room: it is
    // slashed now, so silent committers cannot block the task.
    // A Consensus task takes one commitment per replica slot.
    let cap = match task.model {
        CompetitionModel::Consensus { replicas, .. } => replicas,
        _ => config.limits.max_commitments,
    };
    let mut response = Response::new();
    if task.commit_count >= cap {
        let expired = expired_commitment(deps.storage, task_id, now)?
            .ok_or(ContractError::TooManyCommitments { task_id, max: cap })?;
        RESPONSES.remove(deps.storage, (task_id, &expired));
        task.commit_count -= 1;
        let mut judgement = Judgement::new(task_id);
        judgement.apply(deps.storage, &expired, silence_verdict(&task, &config))?;
        response = judgement.finish(&config, response)?;
    }

    let (reveal_opens, reveal_deadline) = match task.model {
        CompetitionModel::FirstResponse { reveal_window, .. } => {
            let (opens, own) = first_response::queue(&mut task, now, reveal_window)?;
            (Some(opens), own)
        }
        _ => (None, task.reveal_deadline),
    };
    task.commit_count += 1;
    TASKS.save(deps.storage, task_id, &task)?;
    RESPONSES.save(
        deps.storage,
        (task_id, &provider),
        &TaskResponseRecord {
            task_id,
            provider: provider.clone(),
            commitment: commitment.clone(),
            committed_height: env.block.height,
            committed_at: now,
            reveal_opens,
            reveal_deadline,
            status: ResponseStatus::Committed,
            digest: None,
            result: None,
            price: None,
            revealed_height: None,
        },
    )?;
    PROVIDER_TASKS.save(deps.storage, (&provider, task_id), &Empty {})?;
    let locked = lock(
        deps.storage,
        &config,
        task_id,
        &provider,
        task.collateral,
        &requirements.eligibility,
    )?;
    let mut event = Event::new(events::TASK_COMMITTED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::PROVIDER, provider.to_string()),
        (attr::COMMITMENT, commitment.to_hex()),
        (attr::REVEAL_DEADLINE, reveal_deadline.seconds().to_string()),
    ]);
    if let Some(opens) = reveal_opens.filter(|opens| *opens > now) {
        // Behind another commitment: a stand-by, told so in its own transaction.
        event = event.add_attribute(attr::REVEAL_OPENS, opens.seconds().to_string());
    }
    Ok(response
        .add_attribute(attr::ACTION, "commit")
        .add_event(event)
        .add_event(locked))
}

/// The first commitment of the task still unopened after its reveal window.
/// Bounded: a task holds at most `limits.max_commitments` (≤ 64) responses.
fn expired_commitment(
    storage: &dyn Storage,
    task_id: u64,
    now: Timestamp,
) -> Result<Option<Addr>, ContractError> {
    for item in RESPONSES.prefix_range(storage, task_id, None, Order::Ascending) {
        let (provider, response) = item?;
        if response.status == ResponseStatus::Committed && now > response.reveal_deadline {
            return Ok(Some(provider));
        }
    }
    Ok(None)
}
