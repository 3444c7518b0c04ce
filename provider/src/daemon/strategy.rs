//! Whether to take part in a task, and at what price: the task's requirements against the
//! provider's registration (what the staking contract will check when it locks the
//! collateral), then the operator's strategy and its minimum price.

use cosmwasm_std::{Decimal, Timestamp, Uint128};
use ogpu_types::registry::TaskDetails;
use ogpu_types::staking::{ProviderResponse, ProviderStatus};
use ogpu_types::{AssetInfo, CompetitionModel, Job, TaskStatus};

use super::config::StrategyConfig;
use super::decline::{Decline, Reason};

/// Work-items (or expected hashes) per work unit of `min_price_per_unit`.
pub const WORK_UNIT: u128 = 1_000_000;

/// The work a job stands for, in work-items (hashes expected, for a search).
pub fn work_items(job: &Job) -> u128 {
    match job {
        Job::OpenCl(job) => job
            .global_work_size
            .iter()
            .fold(1u128, |n, d| n.saturating_mul(u128::from(d.u64()))),
        Job::HashSearch(search) => 1u128 << search.difficulty.min(127),
    }
}

/// The reward asset's name as the strategy and the metrics write it.
pub fn asset_name(info: &AssetInfo) -> &str {
    match info {
        AssetInfo::Native { denom } => denom,
        AssetInfo::Cw20 { contract_addr } => contract_addr,
    }
}

/// The price to commit to (the bid, in an auction), or why the task is passed over.
pub fn evaluate(
    strategy: &StrategyConfig,
    details: &TaskDetails,
    me: Option<&ProviderResponse>,
    now: Timestamp,
) -> Result<Uint128, Decline> {
    let (task, spec) = (&details.task, &details.spec);
    if task.status != TaskStatus::Open || now > task.commit_deadline {
        return Err(Decline::new(
            Reason::Closed,
            "no longer accepts commitments",
        ));
    }
    let outside = |why: String| Err(Decline::new(Reason::Strategy, why));
    let model = task.model.name();
    if !strategy.models.iter().any(|m| m == model) {
        return outside(format!("model {model} is not in strategy.models"));
    }
    let kind = spec.job.kind();
    if !strategy.task_kinds.iter().any(|k| k == kind) {
        return outside(format!("task kind {kind} is not in strategy.task_kinds"));
    }
    let asset = asset_name(&task.reward.info);
    if !strategy.reward_assets.is_empty() && !strategy.reward_assets.iter().any(|a| a == asset) {
        return outside(format!(
            "reward asset {asset} is not in strategy.reward_assets"
        ));
    }
    eligible(details, me)?;
    let units = Decimal::from_ratio(work_items(&spec.job), WORK_UNIT);
    let Ok(minimum) = units.checked_mul(strategy.min_price_per_unit) else {
        return outside("the minimum price overflows".into());
    };
    let minimum = minimum.to_uint_ceil();
    let reward = task.reward.amount;
    if reward < minimum {
        return outside(format!(
            "reward {reward} is below the strategy's minimum {minimum} for this work"
        ));
    }
    Ok(match task.model {
        // Both commitments bind the reward (a replica is paid its share of it).
        CompetitionModel::FirstResponse { .. } | CompetitionModel::Consensus { .. } => reward,
        CompetitionModel::ManualConfirmation { .. } => {
            reward.mul_floor(strategy.offer_fraction).max(minimum)
        }
        CompetitionModel::SealedBidAuction { .. } => {
            reward.mul_floor(strategy.bid_fraction).max(minimum)
        }
    })
}

/// The staking contract's checks, on the provider's registration. What the provider can
/// change (registering, unjailing, freeing stake) is looked at again when it does; the
/// task's allow-list is not.
fn eligible(details: &TaskDetails, me: Option<&ProviderResponse>) -> Result<(), Decline> {
    let ineligible = |why: String| Err(Decline::new(Reason::Ineligible, why));
    let Some(me) = me else {
        return ineligible(
            "this provider is not registered (run `ogpu-provider register --config FILE`)".into(),
        );
    };
    if me.status != ProviderStatus::Active {
        return ineligible(format!(
            "this provider is {:?}, not active (bond up to the minimum stake with `ogpu provider bond`)",
            me.status
        ));
    }
    let requirements = &details.spec.requirements;
    let allowed = &requirements.allowed_providers;
    if !allowed.is_empty() && !allowed.iter().any(|a| a == me.address.as_str()) {
        return Err(
            Decline::new(Reason::Ineligible, "the task is limited to other providers")
                .retry(super::decline::Retry::Never),
        );
    }
    let eligibility = &requirements.eligibility;
    let free = me.bonded.saturating_sub(me.locked);
    if free < details.task.collateral {
        return ineligible(format!(
            "collateral {} exceeds the free stake {free}",
            details.task.collateral
        ));
    }
    if me.bonded < eligibility.min_stake {
        return ineligible(format!(
            "stake {} is below the task's minimum {}",
            me.bonded, eligibility.min_stake
        ));
    }
    if me.reputation_score < eligibility.min_reputation {
        return ineligible(format!(
            "reputation {} is below the task's minimum {}",
            me.reputation_score, eligibility.min_reputation
        ));
    }
    if !me
        .metadata
        .devices
        .iter()
        .any(|d| eligibility.admits_device(d))
    {
        return ineligible("no registered device meets the task's device requirements".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{Addr, Uint64};
    use ogpu_testing::fixtures;
    use ogpu_types::registry::TaskDetails;
    use ogpu_types::staking::ProviderResponse;
    use ogpu_types::Reputation;

    fn details(model: CompetitionModel, reward: u128) -> TaskDetails {
        crate::daemon::testing::open_task(model, reward)
    }

    fn me() -> ProviderResponse {
        ProviderResponse {
            address: Addr::unchecked("me"),
            metadata: fixtures::metadata("me"),
            status: ProviderStatus::Active,
            bonded: Uint128::new(fixtures::STAKE),
            locked: Uint128::zero(),
            unbonding: vec![],
            reputation: Reputation::default(),
            reputation_score: 0,
            earnings: vec![],
        }
    }

    const NOW: Timestamp = Timestamp::from_seconds(10);

    #[test]
    fn first_response_asks_the_reward_and_offers_and_bids_a_share() {
        let strategy = StrategyConfig::default();
        let fr = details(fixtures::first_response(), 1_000);
        assert_eq!(
            evaluate(&strategy, &fr, Some(&me()), NOW),
            Ok(Uint128::new(1_000))
        );
        let mc = details(fixtures::manual_confirmation(), 1_000);
        assert_eq!(
            evaluate(&strategy, &mc, Some(&me()), NOW),
            Ok(Uint128::new(900))
        );
        let auction = details(fixtures::sealed_bid_auction(), 1_000);
        assert_eq!(
            evaluate(&strategy, &auction, Some(&me()), NOW),
            Ok(Uint128::new(800))
        );
    }

    #[test]
    fn the_minimum_price_is_per_unit_of_work() {
        let mut mc = details(fixtures::manual_confirmation(), 1_000);
        let Job::OpenCl(job) = &mut mc.spec.job else {
            panic!()
        };
        job.global_work_size = vec![Uint64::new(2_000_000)];
        let strategy = StrategyConfig {
            min_price_per_unit: Decimal::from_atomics(475u128, 0).unwrap(),
            ..StrategyConfig::default()
        };
        // 2 units at 475 = 950, above 90% of the reward: the offer is the minimum.
        assert_eq!(
            evaluate(&strategy, &mc, Some(&me()), NOW),
            Ok(Uint128::new(950))
        );
        let greedy = StrategyConfig {
            min_price_per_unit: Decimal::from_atomics(501u128, 0).unwrap(),
            ..strategy
        };
        assert!(evaluate(&greedy, &mc, Some(&me()), NOW)
            .unwrap_err()
            .why
            .contains("below the strategy's minimum 1002"));
    }

    #[test]
    fn strategy_and_requirements_exclude_tasks() {
        let fr = details(fixtures::first_response(), 1_000);
        let only_mc = StrategyConfig {
            models: vec!["manual_confirmation".into()],
            ..StrategyConfig::default()
        };
        assert!(evaluate(&only_mc, &fr, Some(&me()), NOW)
            .unwrap_err()
            .why
            .contains("strategy.models"));
        let strategy = StrategyConfig::default();
        assert!(evaluate(&strategy, &fr, None, NOW)
            .unwrap_err()
            .why
            .contains("not registered"));
        let late = Timestamp::from_seconds(601);
        assert!(evaluate(&strategy, &fr, Some(&me()), late).is_err());
        let mut busy = me();
        busy.locked = busy.bonded;
        assert!(evaluate(&strategy, &fr, Some(&busy), NOW)
            .unwrap_err()
            .why
            .contains("free stake"));
        let mut gpu_only = fr.clone();
        gpu_only.spec.requirements.eligibility.min_memory_mb = u64::MAX;
        assert!(evaluate(&strategy, &gpu_only, Some(&me()), NOW)
            .unwrap_err()
            .why
            .contains("device"));
        let mut other = fr;
        other.spec.requirements.allowed_providers = vec!["someone".into()];
        assert!(evaluate(&strategy, &other, Some(&me()), NOW)
            .unwrap_err()
            .why
            .contains("other providers"));
    }
}
