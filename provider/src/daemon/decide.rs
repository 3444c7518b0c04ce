//! Whether to take a task, decided before anything runs and logged as one line: the
//! strategy and the provider's registration ([`super::strategy`]), whether its result
//! could be delivered and whether another provider is ahead ([`super::precheck`]), what
//! the chain says of a commitment now (a simulation, which also gives its gas), and
//! whether the price covers the fees of winning it ([`super::fees`]).

use cosmwasm_std::Uint128;
use ogpu_client::ClientError;
use ogpu_types::registry::TaskDetails;
use ogpu_types::CompetitionModel;
use tracing::{debug, info};

use super::decline::{Decline, Reason};
use super::fees::{self, Appraisal};
use super::participate::{seal_to, Shared};
use super::{precheck, strategy};

/// A task the provider takes.
#[derive(Debug)]
pub struct Taken {
    pub details: TaskDetails,
    /// The price it commits to (the bid, in an auction).
    pub price: Uint128,
    /// What winning it should bring (`None`: a reward not in the fee denom).
    pub appraisal: Option<Appraisal>,
}

/// Reads the task, the tip and the provider's registration, and decides.
pub async fn decide(s: &Shared, task_id: u64) -> Result<Taken, Decline> {
    let read = tokio::try_join!(
        s.chain.task(task_id),
        s.chain.tip(),
        s.chain.provider(s.me())
    );
    let (details, tip, me) = match read {
        Ok(read) => read,
        // The chain answered but the task is not one this daemon understands (a model or
        // job kind of a newer contract).
        Err(err @ ClientError::Invalid { .. }) => {
            return Err(Decline::new(
                Reason::Unsupported,
                format!("unsupported or malformed: {err}"),
            ))
        }
        Err(err) => return Err(s.unreadable(&err)),
    };
    s.health.ok();
    let strategy = &s.config.strategy;
    let price = strategy::evaluate(strategy, &details, me.as_ref(), tip.time)?;
    // A key nothing can be sealed to (a low-order point) would make every delivery fail:
    // an auction bid would then be slashed for a result it could not deliver.
    if let Some(key) = &details.spec.result_key {
        if let Err(why) = seal_to(key, task_id, s.me(), b"") {
            return Err(Decline::new(
                Reason::Undeliverable,
                format!("its result key is unusable: {why}"),
            ));
        }
    }
    precheck::deliverable(
        &details,
        &s.limits,
        s.blobs.is_some(),
        strategy.max_hash_nonces,
    )?;
    let first_response = matches!(details.task.model, CompetitionModel::FirstResponse { .. });
    if first_response && details.task.commit_count > 0 {
        let responses = s
            .chain
            .responses(task_id)
            .await
            .map_err(|e| s.unreadable(&e))?;
        precheck::ahead_of_me(&details.task.model, &responses, s.me(), tip)?;
    }
    let commit_gas = match s.dry_run.commit(task_id).await {
        Ok(Ok(gas)) => s.gas.with_margin(gas),
        Ok(Err(refused)) => return Err(refused),
        Err(err) => return Err(s.unreadable(&err)),
    };
    let appraisal = s.terms.comparable(&details.task).then(|| {
        let result = precheck::posted_bytes(&details, &s.limits);
        s.terms
            .appraise(&details.task, price, result, Some(commit_gas), &s.gas)
    });
    if let Some(appraisal) = &appraisal {
        fees::worth_it(appraisal, strategy.min_profit)?;
    }
    Ok(Taken {
        details,
        price,
        appraisal,
    })
}

/// Logs and counts a task passed over: at info the first time, or when the reason
/// changed since `previous`; at debug when it is the same again.
pub fn declined(s: &Shared, decline: &Decline, previous: Option<&Decline>) {
    if previous.is_some_and(|p| p.why == decline.why) {
        debug!(reason = decline.reason.label(), why = %decline.why, "declined again");
        return;
    }
    s.stats.declined(decline.reason.label());
    info!(reason = decline.reason.label(), "declined: {}", decline.why);
}

/// Logs a task taken.
pub fn took(taken: &Taken) {
    let task = &taken.details.task;
    let model = task.model.name();
    match &taken.appraisal {
        Some(a) => info!(
            model,
            price = %taken.price,
            expected_fees = a.fees,
            expected_profit = a.profit(),
            "took the task"
        ),
        None => {
            info!(model, price = %taken.price, reward = %task.reward.amount, "took the task (reward not in the fee denom: fees not compared)")
        }
    }
}
