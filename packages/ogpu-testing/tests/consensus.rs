//! Task-level consensus end to end: reveals carry digests only; a strict-majority quorum
//! awards the task to the agreeing replicas, the first of which delivers the result and
//! every agreeing replica still standing is paid its share in that transaction; dissenters
//! are released, silent replicas slashed; a missed delivery is slashed to the treasury and
//! the next agreeing replica promoted; no quorum (including a split) fails with a refund;
//! the reveal phase opens early once every slot is filled; and every reject path.

use cosmwasm_std::{Addr, HexBinary, Uint128};
use cw_multi_test::AppResponse;
use ogpu_task_registry::ContractError;
use ogpu_testing::fixtures::{self, COLLATERAL, STAKE};
use ogpu_testing::{assert_error, emitted, Sealed, Suite, SuiteBuilder, BOND_DENOM, REWARD_DENOM};
use ogpu_types::commitment::sha256;
use ogpu_types::validate::SpecError;
use ogpu_types::{events, AssetInfo, Offer, Reputation, ResponseStatus, TaskStatus};

/// Three replicas of 3 000 each.
const REWARD: u128 = 9_000;
const SHARE: u128 = 3_000;
/// ceil(3 000 × 2.5 %)
const SHARE_FEE: u128 = 75;
const START: u128 = 1_000_000;
/// Consensus gives the chosen replica another reveal window to deliver.
const DELIVERY_WINDOW: u64 = 60;

fn publish(suite: &mut Suite, replicas: u32, quorum: u32, reward: u128) -> u64 {
    let client = suite.client();
    let spec = fixtures::spec(fixtures::consensus(replicas, quorum));
    suite.publish(&client, spec, reward).unwrap()
}

/// Each provider commits its result, one block apart (so agreeing replicas rank in this
/// order), and a block passes after the last so every commitment may be opened.
fn commit_all(suite: &mut Suite, task_id: u64, results: &[(usize, &[u8])]) -> Vec<(Addr, Sealed)> {
    results
        .iter()
        .map(|&(i, result)| {
            let provider = suite.provider(i);
            let sealed = suite.commit_result(&provider, task_id, result).unwrap();
            suite.advance_blocks(1);
            (provider, sealed)
        })
        .collect()
}

/// Every replica opens its digest, in order; returns the last reveal's response.
fn reveal_all(suite: &mut Suite, task_id: u64, sealed: &[(Addr, Sealed)]) -> AppResponse {
    let mut last = None;
    for (provider, s) in sealed {
        last = Some(suite.reveal(provider, task_id, s).unwrap());
    }
    last.expect("at least one replica")
}

/// A 3-replica, quorum-2 round of `results` (providers 0, 1, 2), every digest opened, so
/// tallied at the last reveal.
fn tallied(suite: &mut Suite, results: [&[u8]; 3]) -> (u64, Vec<(Addr, Sealed)>) {
    let task_id = publish(suite, 3, 2, REWARD);
    let replicas: Vec<_> = results.into_iter().enumerate().collect();
    let sealed = commit_all(suite, task_id, &replicas);
    reveal_all(suite, task_id, &sealed);
    (task_id, sealed)
}

fn shares(providers: &[&Addr]) -> Vec<Offer> {
    providers
        .iter()
        .map(|&provider| Offer {
            provider: provider.clone(),
            price: Uint128::new(SHARE),
        })
        .collect()
}

/// `provider` was paid one share (net of the fee) and staking recorded the win.
#[track_caller]
fn assert_paid_a_share(suite: &Suite, task_id: u64, provider: &Addr) {
    assert_eq!(
        suite.balance(provider, REWARD_DENOM),
        START + SHARE - SHARE_FEE
    );
    let info = suite.provider_info(provider);
    assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    assert_eq!(info.reputation.completed, 1);
    let earnings: Vec<_> = info
        .earnings
        .iter()
        .map(|e| (e.asset.clone(), e.amount.u128()))
        .collect();
    assert_eq!(
        earnings,
        vec![(AssetInfo::native(REWARD_DENOM).key(), SHARE)]
    );
    assert_eq!(suite.status_of(task_id, provider), ResponseStatus::Won);
}

/// `provider` got its collateral back and nothing else.
#[track_caller]
fn assert_released(suite: &Suite, task_id: u64, provider: &Addr) {
    assert_eq!(suite.stake_of(provider), (STAKE, 0));
    assert_eq!(
        suite.provider_info(provider).reputation,
        Reputation::default()
    );
    assert_eq!(suite.balance(provider, REWARD_DENOM), START);
    assert_eq!(suite.status_of(task_id, provider), ResponseStatus::Lost);
}

/// `provider` lost its whole collateral.
#[track_caller]
fn assert_slashed(suite: &Suite, task_id: u64, provider: &Addr) {
    assert_eq!(suite.stake_of(provider), (STAKE - COLLATERAL, 0));
    assert_eq!(suite.provider_info(provider).reputation.slashed, 1);
    assert_eq!(suite.balance(provider, REWARD_DENOM), START);
    assert_eq!(suite.status_of(task_id, provider), ResponseStatus::Slashed);
}

#[test]
fn a_unanimous_round_is_awarded_at_the_last_reveal_and_pays_every_replica_on_delivery() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let task_id = publish(&mut suite, 3, 2, REWARD);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"r"), (2, b"r")]);
    // Every slot is filled: reveals open before the commit deadline.
    assert!(suite.now() < suite.task(task_id).commit_deadline.seconds());
    let last_reveal = reveal_all(&mut suite, task_id, &sealed);

    assert!(emitted(&last_reveal, events::TASK_AWARDED));
    let (p0, p1, p2) = (&sealed[0].0, &sealed[1].0, &sealed[2].0);
    let award = suite.award(task_id).expect("tallied at the last reveal");
    assert_eq!(award.ranking, shares(&[p0, p1, p2]));
    assert_eq!((award.executor, award.price.u128()), (0, SHARE));
    assert_eq!(
        award.delivery_deadline.seconds(),
        suite.now() + DELIVERY_WINDOW
    );
    assert_eq!(suite.task(task_id).status, TaskStatus::Open);
    for (provider, _) in &sealed {
        assert_eq!(suite.stake_of(provider), (STAKE, COLLATERAL));
    }

    let delivered = suite.deliver(p0, task_id, &sealed[0].1).unwrap();
    assert!(emitted(&delivered, events::TASK_DELIVERED));
    assert!(emitted(&delivered, events::TASK_COMPLETED));
    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    let outcome = task.outcome.unwrap();
    assert_eq!(
        (outcome.winner, outcome.price.u128(), outcome.digest),
        (p0.clone(), SHARE, sealed[0].1.digest.clone())
    );
    for (provider, _) in &sealed {
        assert_paid_a_share(&suite, task_id, provider);
    }
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 3 * SHARE_FEE);
    suite.assert_conservation();
}

#[test]
fn no_result_reaches_the_chain_before_the_delivery() {
    let mut suite = SuiteBuilder::new().build();
    let (task_id, sealed) = tallied(&mut suite, [b"r", b"r", b"r"]);
    for response in suite.responses(task_id) {
        assert_eq!(response.status, ResponseStatus::Revealed);
        assert_eq!(response.digest, Some(sealed[0].1.digest.clone()));
        assert_eq!(response.result, None);
    }

    let chosen = &sealed[0].0;
    suite.deliver(chosen, task_id, &sealed[0].1).unwrap();
    for response in suite.responses(task_id) {
        let expected = (response.provider == *chosen).then(|| sealed[0].1.result.clone());
        assert_eq!(response.result, expected);
    }
}

#[test]
fn a_dissenter_is_released_not_slashed_and_its_share_refunded() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let (task_id, sealed) = tallied(&mut suite, [b"r", b"wrong", b"r"]);
    let (p0, p1, p2) = (&sealed[0].0, &sealed[1].0, &sealed[2].0);
    assert_eq!(suite.award(task_id).unwrap().ranking, shares(&[p0, p2]));
    // Released at the tally: a dissenter can never be chosen to deliver.
    assert_eq!(suite.stake_of(p1), (STAKE, 0));

    suite.deliver(p0, task_id, &sealed[0].1).unwrap();
    assert_eq!(suite.task(task_id).status, TaskStatus::Completed);
    for agreeing in [p0, p2] {
        assert_paid_a_share(&suite, task_id, agreeing);
    }
    // A majority may be one party's accounts: the minority is not punished.
    assert_released(&suite, task_id, p1);
    assert_eq!(suite.staking_totals().slashed.u128(), 0);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 2 * SHARE);
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    suite.assert_conservation();
}

#[test]
fn silent_replicas_are_slashed_to_the_client_and_treasury_when_the_round_ends() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite, 3, 2, REWARD);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"r"), (2, b"r")]);
    reveal_all(&mut suite, task_id, &sealed[..2]);
    assert_eq!(suite.award(task_id), None);
    let deadline = suite.task(task_id).reveal_deadline;
    let tallied = suite.finalize_after(&stranger, task_id, deadline);
    assert!(emitted(&tallied, events::TASK_AWARDED));

    suite.deliver(&sealed[0].0, task_id, &sealed[0].1).unwrap();
    assert_eq!(suite.task(task_id).status, TaskStatus::Completed);
    for (agreeing, _) in &sealed[..2] {
        assert_paid_a_share(&suite, task_id, agreeing);
    }
    assert_slashed(&suite, task_id, &sealed[2].0);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 2 * SHARE);
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), COLLATERAL / 2);
    suite.assert_conservation();
}

#[test]
fn without_a_quorum_the_task_fails_the_revealed_are_released_and_the_silent_slashed() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite, 3, 2, REWARD);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"a"), (1, b"b"), (2, b"c")]);
    reveal_all(&mut suite, task_id, &sealed[..2]);
    let deadline = suite.task(task_id).reveal_deadline;
    let failed = suite.finalize_after(&stranger, task_id, deadline);

    assert!(emitted(&failed, events::TASK_FAILED));
    let task = suite.task(task_id);
    assert_eq!((task.status, task.outcome), (TaskStatus::Failed, None));
    assert_eq!(suite.award(task_id), None);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    for (revealed, _) in &sealed[..2] {
        assert_released(&suite, task_id, revealed);
    }
    assert_slashed(&suite, task_id, &sealed[2].0);
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), COLLATERAL / 2);
    suite.assert_conservation();
}

#[test]
fn an_even_split_is_no_quorum() {
    let mut suite = SuiteBuilder {
        providers: 4,
        ..SuiteBuilder::new()
    }
    .build();
    let client = suite.client();
    let task_id = publish(&mut suite, 4, 3, 8_000);
    let sealed = commit_all(
        &mut suite,
        task_id,
        &[(0, b"a"), (1, b"a"), (2, b"b"), (3, b"b")],
    );
    reveal_all(&mut suite, task_id, &sealed);
    assert_eq!(suite.task(task_id).status, TaskStatus::Failed);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    for (provider, _) in &sealed {
        assert_released(&suite, task_id, provider);
    }
    assert_eq!(suite.staking_totals().slashed.u128(), 0);
    suite.assert_conservation();
}

#[test]
fn unfilled_slots_open_reveals_at_the_commit_deadline_and_their_shares_are_refunded() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let task_id = publish(&mut suite, 3, 2, 10_000);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"r")]);
    let task = suite.task(task_id);
    assert_error(
        suite.reveal(&sealed[0].0, task_id, &sealed[0].1),
        ContractError::RevealNotOpen {
            task_id,
            opens_after: task.commit_deadline,
        },
    );
    suite.set_time(task.commit_deadline.seconds() + 1);
    reveal_all(&mut suite, task_id, &sealed);
    suite.deliver(&sealed[0].0, task_id, &sealed[0].1).unwrap();
    // 10 000 / 3 = 3 333 per slot (fee 84); two slots paid, 3 334 refunded.
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
    reveal_all(&mut suite, task_id, &sealed);
    suite.deliver(&sealed[0].0, task_id, &sealed[0].1).unwrap();
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
    let task_id = publish(&mut suite, 2, 2, REWARD);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"r")]);
    let p2 = suite.provider(2);
    assert_error(
        suite.commit_result(&p2, task_id, b"r"),
        ContractError::TooManyCommitments { task_id, max: 2 },
    );
    let mut priced = sealed[0].1.clone();
    priced.price = Some(Uint128::new(REWARD));
    assert_error(
        suite.reveal(&sealed[0].0, task_id, &priced),
        ContractError::PriceNotAccepted {},
    );
}

#[test]
fn a_reveal_with_its_result_is_refused() {
    let mut suite = SuiteBuilder::new().build();
    let task_id = publish(&mut suite, 2, 2, REWARD);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"r")]);
    let (provider, s) = &sealed[0];
    assert_error(
        suite.reveal_with(provider, task_id, s, true),
        ContractError::ResultNotAccepted {},
    );
    assert_eq!(
        suite.status_of(task_id, provider),
        ResponseStatus::Committed
    );
    suite.reveal(provider, task_id, s).unwrap();
}

#[test]
fn the_client_cannot_take_a_slot_in_its_own_round() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let task_id = publish(&mut suite, 3, 2, REWARD);
    assert_error(
        suite.commit_result(&client, task_id, b"r"),
        ContractError::SelfDealing { task_id },
    );
}

#[test]
fn a_round_nobody_joins_expires_after_the_commit_window() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite, 3, 2, REWARD);
    let deadline = suite.task(task_id).commit_deadline;
    suite.finalize_after(&stranger, task_id, deadline);
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    suite.assert_conservation();
}

#[test]
fn the_quorum_must_be_a_strict_majority_of_at_most_the_maximum_replicas() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let max = fixtures::limits().max_replicas;
    // Half or less (two results could tie at the quorum), more than the replicas, or more
    // replicas than allowed.
    for (replicas, quorum) in [(2, 1), (3, 1), (4, 2), (3, 4), (max + 1, max + 1)] {
        let spec = fixtures::spec(fixtures::consensus(replicas, quorum));
        assert_error(
            suite.publish(&client, spec, REWARD),
            ContractError::Spec(SpecError::InvalidReplication {
                replicas,
                quorum,
                max,
            }),
        );
    }
    for (replicas, quorum) in [(1, 1), (2, 2), (3, 2), (4, 3), (max, max)] {
        let spec = fixtures::spec(fixtures::consensus(replicas, quorum));
        suite.publish(&client, spec, REWARD).unwrap();
    }
}

#[test]
fn a_missed_delivery_is_slashed_to_the_treasury_and_the_next_agreeing_replica_delivers() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let (task_id, sealed) = tallied(&mut suite, [b"r", b"r", b"r"]);
    let (p0, p1, p2) = (&sealed[0].0, &sealed[1].0, &sealed[2].0);

    let promoted = suite.miss_delivery(task_id);

    assert!(emitted(&promoted, events::TASK_AWARDED));
    assert_slashed(&suite, task_id, p0);
    // Nobody is compensated for a missed delivery.
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), COLLATERAL);
    let award = suite.award(task_id).unwrap();
    assert_eq!((award.executor, award.price.u128()), (1, SHARE));
    assert_eq!(
        award.delivery_deadline.seconds(),
        suite.now() + DELIVERY_WINDOW
    );
    assert_eq!(suite.task(task_id).best, Some(shares(&[p1]).remove(0)));
    assert_error(
        suite.deliver(p0, task_id, &sealed[0].1),
        ContractError::NotExecutor {
            task_id,
            provider: p0.to_string(),
        },
    );

    suite.deliver(p1, task_id, &sealed[1].1).unwrap();
    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    assert_eq!(task.outcome.unwrap().winner, *p1);
    for standing in [p1, p2] {
        assert_paid_a_share(&suite, task_id, standing);
    }
    // p0's share goes back to the client.
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 2 * SHARE);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 2 * SHARE_FEE);
    assert_slashed(&suite, task_id, p0);
    suite.assert_conservation();
}

#[test]
fn when_every_agreeing_replica_misses_its_delivery_the_task_expires_with_a_refund() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let (task_id, sealed) = tallied(&mut suite, [b"r", b"r", b"other"]);
    suite.miss_delivery(task_id);
    let expired = suite.miss_delivery(task_id);

    assert!(emitted(&expired, events::TASK_EXPIRED));
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    for (missed, _) in &sealed[..2] {
        assert_slashed(&suite, task_id, missed);
    }
    assert_released(&suite, task_id, &sealed[2].0);
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), 2 * COLLATERAL);
    suite.assert_conservation();
}

#[test]
fn only_the_chosen_replica_delivers_before_its_deadline() {
    let mut suite = SuiteBuilder::new().build();
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite, 3, 2, REWARD);
    let sealed = commit_all(&mut suite, task_id, &[(0, b"r"), (1, b"r"), (2, b"x")]);
    reveal_all(&mut suite, task_id, &sealed[..2]);
    let (chosen, s) = &sealed[0];
    assert_error(
        suite.deliver(chosen, task_id, s),
        ContractError::NotAwarded { task_id },
    );
    reveal_all(&mut suite, task_id, &sealed[2..]);
    // Another agreeing replica, the dissenter and a stranger.
    for (impostor, _) in [&sealed[1], &sealed[2], &(stranger.clone(), s.clone())] {
        assert_error(
            suite.deliver(impostor, task_id, s),
            ContractError::NotExecutor {
                task_id,
                provider: impostor.to_string(),
            },
        );
    }
    let deadline = suite.award(task_id).unwrap().delivery_deadline;
    suite.set_time(deadline.seconds() + 1);
    assert_error(
        suite.deliver(chosen, task_id, s),
        ContractError::DeliveryClosed { task_id, deadline },
    );
    assert_eq!(suite.task(task_id).status, TaskStatus::Open);
}

#[test]
fn a_delivery_must_carry_the_digest_the_replica_revealed() {
    let mut suite = SuiteBuilder::new().build();
    let (task_id, sealed) = tallied(&mut suite, [b"r", b"r", b"r"]);
    let (chosen, revealed) = &sealed[0];
    // A result other than the one the quorum agreed on, consistent with its own digest.
    let other = Sealed::new(task_id, chosen, b"other", REWARD, None);
    assert_error(
        suite.deliver(chosen, task_id, &other),
        ContractError::DeliveredDigestMismatch {
            provider: chosen.to_string(),
        },
    );
    // The agreed digest with a result that does not hash to it.
    let forged = Sealed {
        digest: revealed.digest.clone(),
        ..other
    };
    assert_error(
        suite.deliver(chosen, task_id, &forged),
        ContractError::Spec(SpecError::ResultDigestMismatch {}),
    );
    assert!(suite.responses(task_id).iter().all(|r| r.result.is_none()));

    suite.deliver(chosen, task_id, revealed).unwrap();
    let digest = suite.task(task_id).outcome.unwrap().digest;
    assert_eq!(digest, HexBinary::from(sha256(b"r")));
    suite.assert_conservation();
}
