//! Task-level consensus end to end: quorum accepted and paid per replica, dissenters and
//! silent replicas slashed, no quorum (including a tie) failing with a refund, the reveal
//! phase opening early once every slot is filled, and every reject path.

use cosmwasm_std::Addr;
use ogpu_task_registry::ContractError;
use ogpu_testing::fixtures::{self, COLLATERAL, STAKE};
use ogpu_testing::{assert_error, Sealed, Suite, SuiteBuilder, BOND_DENOM, REWARD_DENOM};
use ogpu_types::{ResponseStatus, TaskStatus};

/// Three replicas of 3 000 each.
const REWARD: u128 = 9_000;
const SHARE: u128 = 3_000;
/// ceil(3 000 × 2.5 %)
const SHARE_FEE: u128 = 75;
const START: u128 = 1_000_000;

fn publish(suite: &mut Suite, replicas: u32, quorum: u32, reward: u128) -> u64 {
    let client = suite.client();
    let spec = fixtures::spec(fixtures::consensus(replicas, quorum));
    suite.publish(&client, spec, reward).unwrap()
}

/// Each provider commits its result, in one block.
fn commit_all(suite: &mut Suite, task_id: u64, results: &[(usize, &[u8])]) -> Vec<(Addr, Sealed)> {
    results
        .iter()
        .map(|&(i, result)| {
            let provider = suite.provider(i);
            let sealed = suite.commit_result(&provider, task_id, result).unwrap();
            (provider, sealed)
        })
        .collect()
}

fn status_of(suite: &Suite, task_id: u64, provider: &Addr) -> ResponseStatus {
    let responses = suite.responses(task_id);
    responses
        .into_iter()
        .find(|r| r.provider == *provider)
        .unwrap()
        .status
}

#[test]
fn a_unanimous_round_pays_every_replica_its_share_at_the_last_reveal() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let task_id = publish(&mut suite, 3, 2, REWARD);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"r"), (2, b"r")]);
    // Every slot is filled: reveals open in the next block, before the commit deadline.
    suite.advance_blocks(1);
    assert!(suite.now() < suite.task(task_id).commit_deadline.seconds());
    for (provider, s) in &sealed {
        suite.reveal(provider, task_id, s).unwrap();
    }
    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    let outcome = task.outcome.unwrap();
    assert_eq!(outcome.price.u128(), SHARE);
    assert_eq!(outcome.digest, sealed[0].1.digest);
    for (provider, _) in &sealed {
        assert_eq!(
            suite.balance(provider, REWARD_DENOM),
            START + SHARE - SHARE_FEE
        );
        let info = suite.provider_info(provider);
        assert_eq!((info.locked.u128(), info.reputation.completed), (0, 1));
        assert_eq!(status_of(&suite, task_id, provider), ResponseStatus::Won);
    }
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 3 * SHARE_FEE);
    suite.assert_conservation();
}

#[test]
fn a_dissenter_is_slashed_and_its_share_refunded() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let task_id = publish(&mut suite, 3, 2, REWARD);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"wrong"), (2, b"r")]);
    suite.advance_blocks(1);
    for (provider, s) in &sealed {
        suite.reveal(provider, task_id, s).unwrap();
    }
    let (p0, p1, p2) = (&sealed[0].0, &sealed[1].0, &sealed[2].0);
    assert_eq!(suite.task(task_id).status, TaskStatus::Completed);
    for agreeing in [p0, p2] {
        assert_eq!(
            suite.balance(agreeing, REWARD_DENOM),
            START + SHARE - SHARE_FEE
        );
    }
    assert_eq!(suite.balance(p1, REWARD_DENOM), START);
    assert_eq!(status_of(&suite, task_id, p1), ResponseStatus::Slashed);
    let info = suite.provider_info(p1);
    assert_eq!(
        (info.bonded.u128(), info.locked.u128()),
        (STAKE - COLLATERAL, 0)
    );
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 2 * SHARE);
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    suite.assert_conservation();
}

#[test]
fn silent_replicas_are_slashed_when_anyone_tallies_after_the_reveal_window() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite, 3, 2, REWARD);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"r"), (2, b"r")]);
    suite.advance_blocks(1);
    suite.reveal(&sealed[0].0, task_id, &sealed[0].1).unwrap();
    suite.reveal(&sealed[1].0, task_id, &sealed[1].1).unwrap();
    let deadline = suite.task(task_id).reveal_deadline;
    suite.finalize_after(&stranger, task_id, deadline);
    let silent = &sealed[2].0;
    assert_eq!(suite.task(task_id).status, TaskStatus::Completed);
    assert_eq!(status_of(&suite, task_id, silent), ResponseStatus::Slashed);
    assert_eq!(
        suite.provider_info(silent).bonded.u128(),
        STAKE - COLLATERAL
    );
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 2 * SHARE);
    suite.assert_conservation();
}

#[test]
fn without_a_quorum_the_task_fails_and_only_the_silent_are_slashed() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite, 3, 2, REWARD);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"a"), (1, b"b"), (2, b"c")]);
    suite.advance_blocks(1);
    suite.reveal(&sealed[0].0, task_id, &sealed[0].1).unwrap();
    suite.reveal(&sealed[1].0, task_id, &sealed[1].1).unwrap();
    let deadline = suite.task(task_id).reveal_deadline;
    suite.set_time(deadline.seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();

    let task = suite.task(task_id);
    assert_eq!((task.status, task.outcome), (TaskStatus::Failed, None));
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    for (provider, _) in &sealed[..2] {
        assert_eq!(status_of(&suite, task_id, provider), ResponseStatus::Lost);
        let info = suite.provider_info(provider);
        assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    }
    assert_eq!(
        status_of(&suite, task_id, &sealed[2].0),
        ResponseStatus::Slashed
    );
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    suite.assert_conservation();
}

#[test]
fn a_tie_between_two_results_is_no_quorum() {
    let mut suite = SuiteBuilder {
        providers: 4,
        ..SuiteBuilder::new()
    }
    .build();
    let client = suite.client();
    let task_id = publish(&mut suite, 4, 2, 8_000);
    let sealed = commit_all(
        &mut suite,
        task_id,
        &[(0, b"a"), (1, b"a"), (2, b"b"), (3, b"b")],
    );
    suite.advance_blocks(1);
    for (provider, s) in &sealed {
        suite.reveal(provider, task_id, s).unwrap();
    }
    assert_eq!(suite.task(task_id).status, TaskStatus::Failed);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.staking_totals().slashed.u128(), 0);
    suite.assert_conservation();
}

#[test]
fn unfilled_slots_open_reveals_at_the_commit_deadline_and_their_shares_are_refunded() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let task_id = publish(&mut suite, 3, 2, 10_000);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"r")]);
    suite.advance_blocks(1);
    let task = suite.task(task_id);
    assert_error(
        suite.reveal(&sealed[0].0, task_id, &sealed[0].1),
        ContractError::RevealNotOpen {
            task_id,
            opens_after: task.commit_deadline,
        },
    );
    suite.set_time(task.commit_deadline.seconds() + 1);
    for (provider, s) in &sealed {
        suite.reveal(provider, task_id, s).unwrap();
    }
    // 10 000 / 3 = 3 333 per slot; two slots paid, 3 334 refunded.
    assert_eq!(suite.task(task_id).outcome.unwrap().price.u128(), 3_333);
    for (provider, _) in &sealed {
        assert_eq!(suite.balance(provider, REWARD_DENOM), START + 3_333 - 84);
    }
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 6_666);
    suite.assert_conservation();
}

#[test]
fn a_cw20_round_pays_each_replica_in_the_token() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let spec = fixtures::spec(fixtures::consensus(2, 2));
    let task_id = suite.publish_cw20(&client, spec, 6_000).unwrap();
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"r")]);
    suite.advance_blocks(1);
    for (provider, s) in &sealed {
        suite.reveal(provider, task_id, s).unwrap();
    }
    for (provider, _) in &sealed {
        assert_eq!(suite.cw20_balance(provider), START + SHARE - SHARE_FEE);
    }
    assert_eq!(suite.cw20_balance(&client), START - 6_000);
    assert_eq!(suite.cw20_balance(&suite.treasury), 2 * SHARE_FEE);
    suite.assert_conservation();
}

#[test]
fn slots_are_capped_at_the_replicas_and_reveals_carry_no_price() {
    let mut suite = SuiteBuilder::new().build();
    let task_id = publish(&mut suite, 2, 1, REWARD);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"r")]);
    let p2 = suite.provider(2);
    assert_error(
        suite.commit_result(&p2, task_id, b"r"),
        ContractError::TooManyCommitments { task_id, max: 2 },
    );
    suite.advance_blocks(1);
    let mut priced = sealed[0].1.clone();
    priced.price = Some(cosmwasm_std::Uint128::new(REWARD));
    assert_error(
        suite.reveal(&sealed[0].0, task_id, &priced),
        ContractError::PriceNotAccepted {},
    );
}

#[test]
fn a_round_nobody_joins_expires_after_the_commit_window() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite, 3, 2, REWARD);
    let deadline = suite.task(task_id).commit_deadline;
    assert_error(
        suite.finalize(&stranger, task_id),
        ContractError::NotFinalizable {
            task_id,
            after: deadline,
        },
    );
    suite.set_time(deadline.seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    suite.assert_conservation();
}

#[test]
fn publishing_checks_replicas_and_quorum() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let spec = fixtures::spec(fixtures::consensus(3, 4));
    assert_error(
        suite.publish(&client, spec, REWARD),
        ContractError::InvalidReplication {
            replicas: 3,
            quorum: 4,
            max: 5,
        },
    );
}
