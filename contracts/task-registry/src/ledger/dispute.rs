//! The books of a dispute (First Response and Manual Confirmation): at completion of a
//! disputable task its window opens and the winner's collateral stays locked; the winner's
//! lock is judged when the window closes undisputed or when the re-run round ends, whose
//! outcome upholds or overturns the result. The messages that open and close a dispute
//! are in `handlers::dispute`. See docs/protocol.md for who pays what.

use cosmwasm_std::{Event, Response, Storage, Uint128};
use ogpu_types::events::{self, attr};
use ogpu_types::registry::{DisputeState, DisputeStatus};
use ogpu_types::settlement::Payout;
use ogpu_types::staking::Compensation;
use ogpu_types::{deadline, Asset, CompetitionModel, Task};

use crate::error::ContractError;
use crate::ledger::collateral::{Judgement, Verdict};
use crate::ledger::ending::Ending;
use crate::ledger::task::load_task;
use crate::state::{Config, DISPUTES, DISPUTE_TERMS, ROUNDS};

/// At completion of a disputable task: opens its window. Returns whether the task is
/// disputable (then the winner keeps its lock until the dispute ends).
pub fn open_window(
    storage: &mut dyn Storage,
    task: &Task,
    ending: &Ending,
    now: cosmwasm_std::Timestamp,
) -> Result<bool, ContractError> {
    let Ending::Completed {
        winners,
        price,
        digest,
    } = ending
    else {
        return Ok(false);
    };
    let Some(terms) = DISPUTE_TERMS.may_load(storage, task.id)? else {
        return Ok(false);
    };
    let Some(winner) = winners.first() else {
        return Ok(false);
    };
    let state = DisputeState {
        task_id: task.id,
        terms,
        window_end: deadline(now, terms.window)?,
        winner: winner.clone(),
        digest: digest.clone(),
        price: *price,
        status: DisputeStatus::Open,
    };
    DISPUTES.save(storage, task.id, &state)?;
    Ok(true)
}

/// Settles the disputed winner's lock as `state.status` says and adds the resolution event
/// (naming the re-run `round`, if there was one).
pub(crate) fn judge_winner(
    storage: &mut dyn Storage,
    config: &Config,
    task: &Task,
    state: &DisputeState,
    round: Option<u64>,
    response: Response,
) -> Result<Response, ContractError> {
    let (verdict, status) = match state.status {
        // The client's share refunds at most what it paid for the overturned result; the
        // rest goes to the treasury, never to the round's replicas, who may be the client's
        // own accounts: no one profits from overturning a result.
        DisputeStatus::Overturned => (
            Verdict::Slashed {
                amount: None,
                compensation: Some(Compensation {
                    client: task.client.to_string(),
                    cap: Some(Asset::new(task.reward.info.clone(), state.price)),
                }),
            },
            "overturned",
        ),
        _ => (
            Verdict::Won {
                earned: Asset::new(task.reward.info.clone(), state.price),
            },
            "upheld",
        ),
    };
    let mut judgement = Judgement::new(task.id);
    judgement.apply(storage, &state.winner, verdict)?;
    let mut event = Event::new(events::DISPUTE_RESOLVED).add_attributes([
        (attr::TASK_ID, task.id.to_string()),
        (attr::PROVIDER, state.winner.to_string()),
        (attr::STATUS, status.to_string()),
    ]);
    if let Some(round) = round {
        event = event.add_attribute(attr::ROUND, round.to_string());
    }
    judgement.finish(config, response.add_event(event))
}

/// What ending a re-run round means for the dispute it decides.
pub struct Resolution {
    /// Paid to the disputed winner out of the round's escrow: the bond's unused shares
    /// when the round confirmed its result.
    pub payout: Option<Payout>,
    disputed: Task,
    state: DisputeState,
    round: u64,
}

impl Resolution {
    /// Settles the disputed winner's lock (its task's own judgement).
    pub fn judge(
        self,
        storage: &mut dyn Storage,
        config: &Config,
        response: Response,
    ) -> Result<Response, ContractError> {
        let round = Some(self.round);
        judge_winner(
            storage,
            config,
            &self.disputed,
            &self.state,
            round,
            response,
        )
    }
}

/// When `round` re-runs a disputed task: a round accepting another digest overturns the
/// result (the winner is slashed; the client is refunded at most its price out of it);
/// any other ending upholds it (the winner's collateral is released and it keeps its
/// pay), and a round that confirmed the digest also pays the winner what the bond did not
/// pay the replicas.
pub fn resolve_round(
    storage: &mut dyn Storage,
    round: &Task,
    ending: &Ending,
) -> Result<Option<Resolution>, ContractError> {
    if !matches!(round.model, CompetitionModel::Consensus { .. }) {
        return Ok(None);
    }
    let Some(task_id) = ROUNDS.may_load(storage, round.id)? else {
        return Ok(None);
    };
    let disputed = load_task(storage, task_id)?;
    let mut state = DISPUTES.load(storage, task_id)?;
    let mut payout = None;
    state.status = match ending {
        Ending::Completed { digest, .. } if *digest != state.digest => DisputeStatus::Overturned,
        Ending::Completed { winners, price, .. } => {
            let paid = price.checked_mul(Uint128::from(winners.len() as u128))?;
            let rest = round.reward.amount.checked_sub(paid)?;
            payout = (!rest.is_zero()).then(|| Payout {
                recipient: state.winner.to_string(),
                amount: rest,
            });
            DisputeStatus::Upheld
        }
        _ => DisputeStatus::Upheld,
    };
    DISPUTES.save(storage, task_id, &state)?;
    Ok(Some(Resolution {
        payout,
        disputed,
        state,
        round: round.id,
    }))
}
