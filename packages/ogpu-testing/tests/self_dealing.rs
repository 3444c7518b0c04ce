//! The adversary who is client and provider at once, with free accounts (Sybils): each
//! attack the market once allowed, as the property that now defeats it. The model files
//! hold the rest: `manual_confirmation.rs` (a junk offer never reads the honest result),
//! `disputes.rs` (Sybils holding a round's majority never profit), `consensus.rs` and
//! `sealed_bid_auction.rs`.

use cosmwasm_std::{coin, Uint128};
use ogpu_provider_staking::ContractError as StakingError;
use ogpu_task_registry::ContractError;
use ogpu_testing::fixtures::{self, COLLATERAL, STAKE};
use ogpu_testing::{assert_error, Suite, SuiteBuilder, BOND_DENOM, REWARD_DENOM};
use ogpu_types::registry::{ConfigUpdate, ExecuteMsg, TaskLimits};
use ogpu_types::settlement;
use ogpu_types::staking::{self, StakingConfigUpdate};
use ogpu_types::validate::SpecError;
use ogpu_types::{AssetInfo, DisputeTerms, ResponseStatus, TaskSpec, TaskStatus};

const REWARD: u128 = 10_000;
const START: u128 = 1_000_000;

/// A suite whose first client is also a registered provider.
fn client_and_provider() -> Suite {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    suite.register(&client, STAKE).unwrap();
    suite
}

#[test]
fn a_client_never_takes_part_in_its_own_task() {
    let mut suite = client_and_provider();
    let (client, other) = (suite.client(), suite.clients[1].clone());
    let models = [
        fixtures::first_response(),
        fixtures::manual_confirmation(),
        fixtures::sealed_bid_auction(),
        fixtures::consensus(3, 2),
    ];
    for model in models {
        let own = suite
            .publish(&client, fixtures::spec(model), REWARD)
            .unwrap();
        assert_error(
            suite.commit_result(&client, own, b"mine"),
            ContractError::SelfDealing { task_id: own },
        );
        assert_eq!(suite.task(own).commit_count, 0);
        // The same account is a provider like any other on someone else's task.
        let theirs = suite
            .publish(&other, fixtures::spec(model), REWARD)
            .unwrap();
        suite.commit_result(&client, theirs, b"theirs").unwrap();
    }
    assert_eq!(suite.provider_info(&client).locked.u128(), 4 * COLLATERAL);
    suite.assert_conservation();
}

/// A dispute's round is a task of the disputing client: it can no more re-run its own
/// dispute than take part in its own task.
#[test]
fn a_client_never_reruns_its_own_dispute() {
    let mut suite = client_and_provider();
    let (client, p0) = (suite.client(), suite.provider(0));
    let terms = DisputeTerms {
        window: 60,
        replicas: 3,
        quorum: 2,
        bond: Uint128::new(REWARD),
    };
    let spec = TaskSpec {
        dispute: Some(terms),
        ..fixtures::spec(fixtures::first_response())
    };
    let task_id = suite.publish(&client, spec, REWARD).unwrap();
    let sealed = suite.commit_result(&p0, task_id, b"honest").unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &sealed).unwrap();
    suite.dispute(&client, task_id, REWARD).unwrap();
    let round = round_of(&suite, task_id);
    assert_error(
        suite.commit_result(&client, round, b"overturn it"),
        ContractError::SelfDealing { task_id: round },
    );
    suite.assert_conservation();
}

/// The round a dispute opened.
fn round_of(suite: &Suite, task_id: u64) -> u64 {
    match suite.dispute_state(task_id).unwrap().status {
        ogpu_types::registry::DisputeStatus::Disputed { round } => round,
        status => panic!("not disputed: {status:?}"),
    }
}

/// With two replicas the client's Sybil used to void the round by dissenting under a
/// quorum of one, get a full refund and read the honest result. Now a quorum is a strict
/// majority, and digests are all a round reveals: a round that fails posts no result.
#[test]
fn a_sybil_cannot_void_a_consensus_round_for_a_free_result() {
    let mut suite = SuiteBuilder::new().build();
    let (client, honest, sybil) = (suite.client(), suite.provider(0), suite.provider(1));
    assert_error(
        suite.publish(&client, fixtures::spec(fixtures::consensus(2, 1)), REWARD),
        ContractError::Spec(SpecError::InvalidReplication {
            replicas: 2,
            quorum: 1,
            max: 5,
        }),
    );
    let task_id = suite
        .publish(&client, fixtures::spec(fixtures::consensus(2, 2)), REWARD)
        .unwrap();
    let right = suite.commit_result(&honest, task_id, b"right").unwrap();
    let wrong = suite.commit_result(&sybil, task_id, b"void it").unwrap();
    suite.advance_blocks(1);
    suite.reveal(&honest, task_id, &right).unwrap();
    suite.reveal(&sybil, task_id, &wrong).unwrap();

    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Failed);
    // No result was ever posted: the client paid nothing and read nothing.
    assert!(suite.responses(task_id).iter().all(|r| r.result.is_none()));
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    // The honest replica gets its collateral back; so does the Sybil, whose dissent
    // cost it only its fees.
    for provider in [&honest, &sybil] {
        let info = suite.provider_info(provider);
        assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    }
    suite.assert_conservation();
}

/// The owner's settings are bounded, so no setting makes publishing or unbonding overflow
/// a deadline (they used to panic instead of failing with an error).
#[test]
fn settings_that_would_overflow_a_deadline_are_refused() {
    let mut suite = SuiteBuilder::new().build();
    let too_long = TaskLimits {
        max_window: u64::MAX / 2,
        ..fixtures::limits()
    };
    assert_error(
        suite.as_owner(&ExecuteMsg::UpdateConfig(ConfigUpdate {
            limits: Some(too_long),
            ..ConfigUpdate::default()
        })),
        ContractError::InvalidLimits {
            reason: "max_window must be at most one year (31536000 s)".into(),
        },
    );
    assert_error(
        suite.as_owner(&ExecuteMsg::UpdateConfig(ConfigUpdate {
            staking: Some(StakingConfigUpdate {
                unbonding_period: Some(u64::MAX),
                ..StakingConfigUpdate::default()
            }),
            ..ConfigUpdate::default()
        })),
        StakingError::InvalidParams {
            reason: "unbonding_period must be at most one year (31536000 s)".into(),
        },
    );
    let mut assets = fixtures::devnet_suite("unused").accepted_assets;
    assets[0].min_reward = Uint128::MAX;
    assert_error(
        suite.as_owner(&ExecuteMsg::UpdateConfig(ConfigUpdate {
            accepted_assets: Some(assets),
            ..ConfigUpdate::default()
        })),
        ContractError::InvalidAssets {
            reason: format!("native:{BOND_DENOM}: min_reward must be at most 10^30"),
        },
    );
    // The longest window that is accepted publishes fine.
    let year = 365 * 24 * 3600;
    suite
        .as_owner(&ExecuteMsg::UpdateConfig(ConfigUpdate {
            limits: Some(TaskLimits {
                max_window: year,
                ..fixtures::limits()
            }),
            ..ConfigUpdate::default()
        }))
        .unwrap();
    let client = suite.client();
    let spec = fixtures::spec(ogpu_types::CompetitionModel::FirstResponse {
        commit_window: year,
        reveal_window: year,
    });
    suite.publish(&client, spec, REWARD).unwrap();
    suite.assert_conservation();
}

/// A client (or a treasury) that cannot receive funds used to block its task from ending:
/// staking paid slashes with plain bank sends. Now the task ends, and what could not be
/// sent is credited and withdrawn later, in settlement and in staking alike.
#[test]
fn a_recipient_that_cannot_receive_never_blocks_a_task_from_ending() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let stranger = suite.stranger.clone();
    let task_id = suite
        .publish(&client, fixtures::spec(fixtures::first_response()), REWARD)
        .unwrap();
    suite.commit_result(&p0, task_id, b"withheld").unwrap();
    let treasury = suite.treasury.clone();
    suite.refuse_transfers_to(&client, true);
    suite.refuse_transfers_to(&treasury, true);
    let task = suite.task(task_id);
    let deadline = task.reveal_deadline.max(task.commit_deadline);
    suite.set_time(deadline.seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    let credited: Uint128 = suite.query_staking(&staking::QueryMsg::Credits {
        address: client.to_string(),
    });
    assert_eq!(credited.u128(), COLLATERAL / 2);
    assert_eq!(suite.staking_totals().credited.u128(), COLLATERAL);
    suite.assert_conservation();

    suite.refuse_transfers_to(&client, false);
    suite.refuse_transfers_to(&treasury, false);
    let staking_addr = suite.staking.clone();
    let settlement_addr = suite.settlement.clone();
    for who in [&client, &treasury] {
        suite
            .execute(who, &staking_addr, &staking::ExecuteMsg::Withdraw {}, &[])
            .unwrap();
    }
    let withdraw = settlement::ExecuteMsg::Withdraw {
        asset: AssetInfo::native(REWARD_DENOM),
    };
    suite
        .execute(&client, &settlement_addr, &withdraw, &[])
        .unwrap();
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    assert_eq!(suite.balance(&treasury, BOND_DENOM), COLLATERAL / 2);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.staking_totals().credited.u128(), 0);
    assert_error(
        suite.execute(
            &client,
            &staking_addr,
            &staking::ExecuteMsg::Withdraw {},
            &[],
        ),
        StakingError::NothingToWithdraw {},
    );
    suite.assert_conservation();
}

/// With no penalty configured, an unopened bid loses nothing and its provider's record is
/// untouched: a zero slash is no slash.
#[test]
fn a_zero_penalty_is_not_a_slash() {
    let mut suite = SuiteBuilder {
        limits: TaskLimits {
            unrevealed_bid_penalty_bps: 0,
            ..fixtures::limits()
        },
        ..SuiteBuilder::new()
    }
    .build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let task_id = suite
        .publish(
            &client,
            fixtures::spec(fixtures::sealed_bid_auction()),
            REWARD,
        )
        .unwrap();
    let bid = suite.bid(&p0, task_id, 5_000).unwrap();
    suite.bid(&p1, task_id, 4_000).unwrap();
    let task = suite.task(task_id);
    suite.set_time(task.commit_deadline.seconds() + 1);
    suite.reveal_bid(&p0, task_id, &bid).unwrap();
    suite.set_time(task.reveal_deadline.seconds() + 1);
    let awarded = suite.finalize(&client, task_id).unwrap();
    let slashed = format!("wasm-{}", ogpu_types::events::PROVIDER_SLASHED);
    assert!(awarded.events.iter().all(|e| e.ty != slashed));
    let silent = suite.provider_info(&p1);
    assert_eq!((silent.bonded.u128(), silent.locked.u128()), (STAKE, 0));
    assert_eq!(silent.reputation, ogpu_types::Reputation::default());
    let response = suite.responses(task_id);
    let p1_response = response.iter().find(|r| r.provider == p1).unwrap();
    assert_eq!(p1_response.status, ResponseStatus::Lost);
    suite.assert_conservation();
}

/// A reward in the bond denom is accepted like any listed asset.
#[test]
fn rewards_may_be_paid_in_the_bond_denom() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let spec = fixtures::spec(fixtures::first_response());
    let task_id = suite
        .publish_in(&client, spec, coin(REWARD, BOND_DENOM))
        .unwrap();
    let sealed = suite.commit_result(&p0, task_id, b"r").unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &sealed).unwrap();
    assert_eq!(suite.task(task_id).status, TaskStatus::Completed);
    suite.assert_conservation();
}
