//! Manual Confirmation end to end, with sealed offers: providers commit to a result and a
//! price, reveal the digest and price only, the client confirms one offer (or, silent,
//! gets the cheapest), and the chosen provider delivers its result within the delivery
//! window and is paid in that transaction. A missed delivery is slashed to the treasury
//! and the next offer, cheapest first, is promoted. Every branch with exact balances.

use cosmwasm_std::{Addr, Binary, Uint128};
use ogpu_task_registry::ContractError;
use ogpu_testing::fixtures::{self, COLLATERAL, STAKE};
use ogpu_testing::{assert_error, emitted, Sealed, Suite, SuiteBuilder, BOND_DENOM, REWARD_DENOM};
use ogpu_types::registry::AwardState;
use ogpu_types::validate::SpecError;
use ogpu_types::{Offer, Payload, ResponseStatus, TaskSpec, TaskStatus, SEALED_RESULT_OVERHEAD};

const REWARD: u128 = 10_000;
const START: u128 = 1_000_000;
/// `fixtures::manual_confirmation()`'s delivery window.
const DELIVERY_WINDOW: u64 = 120;
/// What every offer in these scenarios computed.
const RESULT: &[u8] = b"result";

/// Publishes `spec` with a reward of `REWARD` for the first client.
fn publish_spec(suite: &mut Suite, spec: TaskSpec) -> u64 {
    let client = suite.client();
    suite.publish(&client, spec, REWARD).unwrap()
}

/// Publishes a Manual Confirmation task of `REWARD` for the first client.
fn publish(suite: &mut Suite) -> u64 {
    publish_spec(suite, fixtures::spec(fixtures::manual_confirmation()))
}

/// Each `(provider, price)` commits an offer for [`RESULT`] in one block; in the first
/// block after the commit deadline they reveal, in that order. Returns their secrets, in
/// the same order.
fn offer(suite: &mut Suite, task_id: u64, offers: &[(usize, u128)]) -> Vec<Sealed> {
    let sealed: Vec<Sealed> = offers
        .iter()
        .map(|&(i, price)| {
            let provider = suite.provider(i);
            suite
                .commit_offer(&provider, task_id, RESULT, price)
                .unwrap()
        })
        .collect();
    let deadline = suite.task(task_id).commit_deadline.seconds();
    suite.set_time(deadline + 1);
    for (&(i, _), secrets) in offers.iter().zip(&sealed) {
        let provider = suite.provider(i);
        suite.reveal(&provider, task_id, secrets).unwrap();
    }
    sealed
}

/// A new task with p0 offering 6 000 and p1 offering 4 000: the task and their secrets.
fn two_offers(suite: &mut Suite) -> (u64, Vec<Sealed>) {
    let task_id = publish(suite);
    let sealed = offer(suite, task_id, &[(0, 6_000), (1, 4_000)]);
    (task_id, sealed)
}

fn offer_of(provider: &Addr, price: u128) -> Offer {
    Offer {
        provider: provider.clone(),
        price: Uint128::new(price),
    }
}

/// The award `ranking` must have, with `ranking[executor]` to deliver from now on.
fn expected_award(suite: &Suite, ranking: Vec<Offer>, executor: u32) -> AwardState {
    AwardState {
        price: ranking[executor as usize].price,
        delivery_deadline: suite.app.block_info().time.plus_seconds(DELIVERY_WINDOW),
        executor,
        ranking,
    }
}

/// `provider` has its whole stake back, nothing locked and no slash on record.
#[track_caller]
fn assert_released(suite: &Suite, provider: &Addr) {
    let info = suite.provider_info(provider);
    let state = (
        info.bonded.u128(),
        info.locked.u128(),
        info.reputation.slashed,
    );
    assert_eq!(state, (STAKE, 0, 0));
}

/// `provider` lost its whole collateral, once.
#[track_caller]
fn assert_slashed(suite: &Suite, provider: &Addr) {
    let info = suite.provider_info(provider);
    let state = (
        info.bonded.u128(),
        info.locked.u128(),
        info.reputation.slashed,
    );
    assert_eq!(state, (STAKE - COLLATERAL, 0, 1));
}

#[test]
fn an_offer_reveals_its_digest_and_price_but_no_result() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let task_id = publish(&mut suite);
    let sealed = suite.commit_offer(&p0, task_id, RESULT, 6_000).unwrap();
    suite.set_time(suite.task(task_id).commit_deadline.seconds() + 1);
    assert_error(
        suite.reveal_with(&p0, task_id, &sealed, true),
        ContractError::ResultNotAccepted {},
    );
    suite.reveal(&p0, task_id, &sealed).unwrap();
    let response = &suite.responses(task_id)[0];
    assert_eq!(response.status, ResponseStatus::Revealed);
    assert_eq!(response.digest.as_ref(), Some(&sealed.digest));
    assert_eq!(response.price, Some(Uint128::new(6_000)));
    assert_eq!(response.result, None);
}

#[test]
fn no_result_is_on_chain_before_the_chosen_provider_delivers() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let (task_id, sealed) = two_offers(&mut suite);
    let results = |suite: &Suite| -> Vec<Option<Payload>> {
        let responses = suite.responses(task_id);
        responses.into_iter().map(|r| r.result).collect()
    };
    assert_eq!(results(&suite), [None, None]);
    suite.confirm(&client, task_id, &p0).unwrap();
    assert_eq!(results(&suite), [None, None]);

    suite.deliver(&p0, task_id, &sealed[0]).unwrap();
    // The chosen result only; the other offer's never.
    for response in suite.responses(task_id) {
        let expected = (response.provider == p0).then(|| sealed[0].result.clone());
        assert_eq!(response.result, expected);
    }
}

#[test]
fn the_confirmed_provider_is_paid_its_price_on_delivery_and_the_rest_is_refunded() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let (task_id, sealed) = two_offers(&mut suite);
    let confirmed = suite.confirm(&client, task_id, &p0).unwrap();

    // The dearer offer, chosen: it comes first, the others follow cheapest first. Nothing
    // is paid or released before the delivery.
    assert!(emitted(&confirmed, ogpu_types::events::TASK_AWARDED));
    let award = suite.award(task_id).unwrap();
    let ranking = vec![offer_of(&p0, 6_000), offer_of(&p1, 4_000)];
    assert_eq!(award, expected_award(&suite, ranking, 0));
    assert_eq!(suite.task(task_id).status, TaskStatus::Open);
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    assert_eq!(suite.provider_info(&p1).locked.u128(), COLLATERAL);

    // The deadline is inclusive.
    suite.set_time(award.delivery_deadline.seconds());
    let delivered = suite.deliver(&p0, task_id, &sealed[0]).unwrap();
    for event in [
        ogpu_types::events::TASK_DELIVERED,
        ogpu_types::events::TASK_COMPLETED,
    ] {
        assert!(emitted(&delivered, event), "{event}");
    }
    // 6 000 gross, fee ceil(6 000 × 2.5 %) = 150.
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + 5_850);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 150);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 6_000);
    assert_eq!(suite.balance(&p1, REWARD_DENOM), START);
    let info = suite.provider_info(&p0);
    assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    assert_eq!(info.reputation.completed, 1);
    assert_eq!(info.earnings[0].amount.u128(), 6_000);
    assert_released(&suite, &p1);
    assert_eq!(suite.status_of(task_id, &p0), ResponseStatus::Won);
    assert_eq!(suite.status_of(task_id, &p1), ResponseStatus::Lost);
    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    let outcome = task.outcome.unwrap();
    assert_eq!((outcome.winner, outcome.price.u128()), (p0, 6_000));
    let escrow = suite.escrow(task_id);
    assert_eq!(
        (
            escrow.paid_out.u128(),
            escrow.fees.u128(),
            escrow.refunded.u128()
        ),
        (5_850, 150, 4_000)
    );
    suite.assert_conservation();
}

#[test]
fn only_the_chosen_provider_delivers_the_digest_it_revealed_before_its_deadline() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let stranger = suite.stranger.clone();
    let (task_id, sealed) = two_offers(&mut suite);
    assert_error(
        suite.deliver(&p0, task_id, &sealed[0]),
        ContractError::NotAwarded { task_id },
    );
    suite.confirm(&client, task_id, &p0).unwrap();

    for (intruder, secrets) in [(&p1, &sealed[1]), (&stranger, &sealed[0])] {
        assert_error(
            suite.deliver(intruder, task_id, secrets),
            ContractError::NotExecutor {
                task_id,
                provider: intruder.to_string(),
            },
        );
    }
    // Another result than the one whose digest the offer revealed.
    let other = Sealed::new(task_id, &p0, b"other", 6_000, Some(6_000));
    assert_error(
        suite.deliver(&p0, task_id, &other),
        ContractError::DeliveredDigestMismatch {
            provider: p0.to_string(),
        },
    );
    // The revealed digest, but a result that does not hash to it.
    let forged = Sealed {
        result: other.result,
        ..sealed[0].clone()
    };
    assert_error(
        suite.deliver(&p0, task_id, &forged),
        ContractError::Spec(SpecError::ResultDigestMismatch {}),
    );
    let deadline = suite.award(task_id).unwrap().delivery_deadline;
    suite.set_time(deadline.seconds() + 1);
    assert_error(
        suite.deliver(&p0, task_id, &sealed[0]),
        ContractError::DeliveryClosed { task_id, deadline },
    );
}

#[test]
fn an_offer_is_confirmed_only_once() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let stranger = suite.stranger.clone();
    let (task_id, _) = two_offers(&mut suite);
    suite.confirm(&client, task_id, &p0).unwrap();
    for provider in [&p1, &p0] {
        assert_error(
            suite.confirm(&client, task_id, provider),
            ContractError::AlreadyAwarded { task_id },
        );
    }
    // Nor does `Finalize` choose another: only a missed delivery moves the award on.
    let after = suite.award(task_id).unwrap().delivery_deadline;
    assert_error(
        suite.finalize(&stranger, task_id),
        ContractError::NotFinalizable { task_id, after },
    );
}

#[test]
fn a_client_that_never_confirms_gets_the_cheapest_offer_delivered() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let stranger = suite.stranger.clone();
    let (task_id, sealed) = two_offers(&mut suite);
    let confirm_deadline = suite.task(task_id).confirm_deadline.unwrap();

    suite.finalize_after(&stranger, task_id, confirm_deadline);
    assert_error(
        suite.confirm(&client, task_id, &p1),
        ContractError::ConfirmWindowClosed {
            deadline: confirm_deadline,
        },
    );
    let ranking = vec![offer_of(&p1, 4_000), offer_of(&p0, 6_000)];
    assert_eq!(
        suite.award(task_id).unwrap(),
        expected_award(&suite, ranking, 0)
    );
    suite.deliver(&p1, task_id, &sealed[1]).unwrap();

    assert_eq!(suite.task(task_id).outcome.unwrap().winner, p1);
    assert_eq!(suite.balance(&p1, REWARD_DENOM), START + 3_900);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 100);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 4_000);
    assert_released(&suite, &p0);
    suite.assert_conservation();
}

#[test]
fn equal_offers_rank_by_their_reveal() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite);
    let a = suite.commit_offer(&p0, task_id, RESULT, 5_000).unwrap();
    let b = suite.commit_offer(&p1, task_id, RESULT, 5_000).unwrap();
    let task = suite.task(task_id);
    suite.set_time(task.commit_deadline.seconds() + 1);
    suite.reveal(&p1, task_id, &b).unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &a).unwrap();
    suite.set_time(task.confirm_deadline.unwrap().seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();
    let ranking = vec![offer_of(&p1, 5_000), offer_of(&p0, 5_000)];
    assert_eq!(suite.award(task_id).unwrap().ranking, ranking);
    suite.deliver(&p1, task_id, &b).unwrap();
    assert_eq!(suite.task(task_id).outcome.unwrap().winner, p1);
    suite.assert_conservation();
}

#[test]
fn a_missed_delivery_is_slashed_to_the_treasury_and_the_next_cheapest_offer_delivers() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite);
    let sealed = offer(&mut suite, task_id, &[(0, 6_000), (1, 5_000), (2, 4_000)]);
    suite.confirm(&client, task_id, &p0).unwrap();
    let ranking = vec![
        offer_of(&p0, 6_000),
        offer_of(&p2, 4_000),
        offer_of(&p1, 5_000),
    ];
    let deadline = suite.award(task_id).unwrap().delivery_deadline;

    suite.finalize_after(&stranger, task_id, deadline);
    // The whole collateral goes to the treasury: a missed delivery compensates nobody.
    assert_slashed(&suite, &p0);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), COLLATERAL);
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.status_of(task_id, &p0), ResponseStatus::Slashed);
    // The cheaper of the two others is promoted, at its own price, with a fresh window.
    assert_eq!(
        suite.award(task_id).unwrap(),
        expected_award(&suite, ranking, 1)
    );
    assert_eq!(suite.task(task_id).status, TaskStatus::Open);
    assert_error(
        suite.deliver(&p0, task_id, &sealed[0]),
        ContractError::NotExecutor {
            task_id,
            provider: p0.to_string(),
        },
    );
    suite.deliver(&p2, task_id, &sealed[2]).unwrap();

    let outcome = suite.task(task_id).outcome.unwrap();
    assert_eq!((outcome.winner, outcome.price.u128()), (p2.clone(), 4_000));
    // 4 000 gross, fee 100.
    assert_eq!(suite.balance(&p2, REWARD_DENOM), START + 3_900);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 100);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 4_000);
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START);
    assert_released(&suite, &p1);
    assert_eq!(suite.provider_info(&p2).reputation.completed, 1);
    suite.assert_conservation();
}

#[test]
fn when_every_chosen_provider_misses_its_delivery_the_task_expires_and_the_client_is_refunded() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let stranger = suite.stranger.clone();
    let (task_id, _) = two_offers(&mut suite);
    let confirm_deadline = suite.task(task_id).confirm_deadline.unwrap();
    suite.finalize_after(&stranger, task_id, confirm_deadline);
    // p1 (the cheapest) misses, then p0, promoted, misses too.
    for missed in [&p1, &p0] {
        let award = suite.award(task_id).unwrap();
        assert_eq!(award.ranking[award.executor as usize].provider, *missed);
        suite.finalize_after(&stranger, task_id, award.delivery_deadline);
        assert_slashed(&suite, missed);
    }

    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), 2 * COLLATERAL);
    assert_eq!(suite.escrow(task_id).refunded.u128(), REWARD);
    suite.assert_conservation();
}

/// The attack sealed offers close: a client that could read every revealed result would
/// confirm a free junk offer of its own and keep the honest provider's result for nothing.
#[test]
fn a_client_confirming_its_own_free_junk_offer_pays_nothing_and_never_sees_the_honest_result() {
    let mut suite = SuiteBuilder::new().build();
    let (client, honest, sybil) = (suite.client(), suite.provider(0), suite.provider(1));
    // A client registered as a provider still cannot offer on its own task.
    suite.register(&client, STAKE).unwrap();
    let task_id = publish(&mut suite);
    assert_error(
        suite.commit_offer(&client, task_id, b"junk", 0),
        ContractError::SelfDealing { task_id },
    );
    // So it offers through a Sybil: another registered provider.
    let honest_offer = suite.commit_offer(&honest, task_id, RESULT, 6_000).unwrap();
    let junk = suite.commit_offer(&sybil, task_id, b"junk", 0).unwrap();
    suite.set_time(suite.task(task_id).commit_deadline.seconds() + 1);
    suite.reveal(&honest, task_id, &honest_offer).unwrap();
    suite.reveal(&sybil, task_id, &junk).unwrap();
    suite.confirm(&client, task_id, &sybil).unwrap();
    suite.deliver(&sybil, task_id, &junk).unwrap();

    // Nothing paid, no fee: the whole reward is refunded.
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.balance(&sybil, REWARD_DENOM), START);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 0);
    assert_eq!(suite.escrow(task_id).refunded.u128(), REWARD);
    assert_eq!(suite.provider_info(&sybil).reputation.completed, 1);
    // The only result on chain is the junk; the honest provider's never left it.
    for response in suite.responses(task_id) {
        let expected = (response.provider == sybil).then(|| junk.result.clone());
        assert_eq!(response.result, expected);
    }
    assert_eq!(suite.status_of(task_id, &honest), ResponseStatus::Lost);
    assert_released(&suite, &honest);
    suite.assert_conservation();
}

#[test]
fn a_sealed_task_takes_a_sealed_delivery_and_refuses_a_shorter_one() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let spec = fixtures::sealed_spec(fixtures::manual_confirmation());
    let task_id = publish_spec(&mut suite, spec);
    let sealed = offer(&mut suite, task_id, &[(0, 6_000)]).remove(0);
    suite.confirm(&client, task_id, &p0).unwrap();
    // Sealed to the client: the digest cannot be checked against it, only its length.
    let sealed_as = |len: usize| Sealed {
        result: Payload::Inline {
            data: Binary::from(vec![7; len]),
        },
        ..sealed.clone()
    };
    let short = SEALED_RESULT_OVERHEAD - 1;
    assert_error(
        suite.deliver(&p0, task_id, &sealed_as(short)),
        ContractError::Spec(SpecError::SealedResultTooShort {
            size: short as u64,
            min: SEALED_RESULT_OVERHEAD as u64,
        }),
    );
    let ciphertext = sealed_as(SEALED_RESULT_OVERHEAD);
    suite.deliver(&p0, task_id, &ciphertext).unwrap();
    assert_eq!(
        suite.responses(task_id)[0].result,
        Some(ciphertext.result.clone())
    );
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + 5_850);
    suite.assert_conservation();
}

#[test]
fn reveals_open_only_after_the_commit_deadline_and_commits_close_there() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let task_id = publish(&mut suite);
    let sealed = suite.commit_offer(&p0, task_id, RESULT, 5_000).unwrap();
    let task = suite.task(task_id);
    suite.set_time(task.commit_deadline.seconds());
    assert_error(
        suite.reveal(&p0, task_id, &sealed),
        ContractError::RevealNotOpen {
            task_id,
            opens_after: task.commit_deadline,
        },
    );
    suite.set_time(task.commit_deadline.seconds() + 1);
    // Offers are now being opened: nobody may commit any more.
    assert_error(
        suite.commit_offer(&p1, task_id, RESULT, 1),
        ContractError::CommitClosed {
            task_id,
            deadline: task.commit_deadline,
        },
    );
    suite.set_time(task.reveal_deadline.seconds());
    suite.reveal(&p0, task_id, &sealed).unwrap();
}

#[test]
fn prices_are_checked_at_reveal() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let task_id = publish(&mut suite);
    let mut greedy = suite
        .commit_offer(&p0, task_id, RESULT, REWARD + 1)
        .unwrap();
    suite.set_time(suite.task(task_id).commit_deadline.seconds() + 1);
    assert_error(
        suite.reveal(&p0, task_id, &greedy),
        ContractError::PriceAboveReward {
            price: Uint128::new(REWARD + 1),
            reward: Uint128::new(REWARD),
        },
    );
    greedy.price = None;
    assert_error(
        suite.reveal(&p0, task_id, &greedy),
        ContractError::PriceRequired {},
    );
    // A different price than the committed one does not open the commitment.
    greedy.price = Some(Uint128::new(REWARD));
    assert_error(
        suite.reveal(&p0, task_id, &greedy),
        ContractError::CommitmentMismatch {},
    );
}

#[test]
fn only_the_client_confirms_and_only_a_revealed_offer() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p2) = (suite.client(), suite.provider(0), suite.provider(2));
    let stranger = suite.stranger.clone();
    let (task_id, _) = two_offers(&mut suite);
    assert_error(
        suite.confirm(&stranger, task_id, &p0),
        ContractError::Unauthorized {
            expected: "the task's client".into(),
        },
    );
    assert_error(
        suite.confirm(&client, task_id, &p2),
        ContractError::ResponseNotRevealed {
            task_id,
            provider: p2.to_string(),
        },
    );
    // First Response tasks have no confirmation.
    let fr = publish_spec(&mut suite, fixtures::spec(fixtures::first_response()));
    assert_error(
        suite.confirm(&client, fr, &p0),
        ContractError::WrongModel {
            task_id: fr,
            expected: "manual_confirmation".into(),
        },
    );
}

#[test]
fn without_reveals_the_task_expires_and_silent_committers_are_slashed() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite);
    suite.commit_offer(&p0, task_id, RESULT, 5_000).unwrap();
    let reveal_deadline = suite.task(task_id).reveal_deadline;
    suite.finalize_after(&stranger, task_id, reveal_deadline);
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    // Silence compensates the client with its share (50 %); the treasury has the rest.
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), COLLATERAL / 2);
    assert_slashed(&suite, &p0);
    assert_eq!(suite.responses(task_id)[0].status, ResponseStatus::Slashed);
    suite.assert_conservation();
}

#[test]
fn an_offer_still_in_its_reveal_window_when_the_task_completes_is_released() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let task_id = publish(&mut suite);
    let a = suite.commit_offer(&p0, task_id, RESULT, 3_000).unwrap();
    suite.commit_offer(&p1, task_id, RESULT, 2_000).unwrap();
    suite.set_time(suite.task(task_id).commit_deadline.seconds() + 1);
    suite.reveal(&p0, task_id, &a).unwrap();
    suite.confirm(&client, task_id, &p0).unwrap();
    // Locked until the task ends.
    assert_eq!(suite.provider_info(&p1).locked.u128(), COLLATERAL);
    suite.deliver(&p0, task_id, &a).unwrap();
    // p1's reveal window was still open: released, not slashed.
    assert_released(&suite, &p1);
    assert_eq!(suite.status_of(task_id, &p1), ResponseStatus::Lost);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 3_000);
    suite.assert_conservation();
}

#[test]
fn a_cw20_offer_is_paid_in_the_token_and_the_rest_refunded() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let stranger = suite.stranger.clone();
    let start = suite.cw20_balance(&client);
    let spec = fixtures::spec(fixtures::manual_confirmation());
    let task_id = suite.publish_cw20(&client, spec, REWARD).unwrap();
    let sealed = offer(&mut suite, task_id, &[(0, 4_001)]).remove(0);
    let confirm_deadline = suite.task(task_id).confirm_deadline.unwrap();
    suite.finalize_after(&stranger, task_id, confirm_deadline);
    suite.deliver(&p0, task_id, &sealed).unwrap();
    // 4 001 gross, fee ceil(100.025) = 101: rounded in the protocol's favour.
    assert_eq!(suite.cw20_balance(&p0), start + 3_900);
    assert_eq!(suite.cw20_balance(&suite.treasury), 101);
    assert_eq!(suite.cw20_balance(&client), start - 4_001);
    suite.assert_conservation();
}
