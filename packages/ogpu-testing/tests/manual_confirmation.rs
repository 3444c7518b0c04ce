//! Manual Confirmation end to end: confirmation, free-riding protection, ties, expiry.

use cosmwasm_std::Uint128;
use ogpu_task_registry::ContractError;
use ogpu_testing::fixtures::{self, COLLATERAL, STAKE};
use ogpu_testing::{assert_error, Suite, SuiteBuilder, BOND_DENOM, REWARD_DENOM};
use ogpu_types::{ResponseStatus, TaskStatus};

const REWARD: u128 = 10_000;
const START: u128 = 1_000_000;

/// Publishes a Manual Confirmation task of `REWARD` for the first client.
fn publish(suite: &mut Suite) -> u64 {
    let client = suite.client();
    suite
        .publish(
            &client,
            fixtures::spec(fixtures::manual_confirmation()),
            REWARD,
        )
        .unwrap()
}

/// Publishes, lets p0 offer 6 000 and p1 offer 4 000, and reveals both.
fn two_offers(suite: &mut Suite) -> u64 {
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let task_id = publish(suite);
    let a = suite.commit_offer(&p0, task_id, b"result", 6_000).unwrap();
    let b = suite.commit_offer(&p1, task_id, b"result", 4_000).unwrap();
    let deadline = suite.task(task_id).commit_deadline.seconds();
    suite.set_time(deadline + 1);
    suite.reveal(&p0, task_id, &a).unwrap();
    suite.reveal(&p1, task_id, &b).unwrap();
    task_id
}

#[test]
fn the_client_confirms_an_offer_and_the_rest_is_refunded() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let task_id = two_offers(&mut suite);
    suite.confirm(&client, task_id, &p0).unwrap();

    // 6 000 gross, fee ceil(6 000 × 2.5 %) = 150.
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + 5_850);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 150);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 6_000);
    assert_eq!(suite.balance(&p1, REWARD_DENOM), START);
    assert_eq!(suite.provider_info(&p1).locked.u128(), 0);
    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    assert_eq!(task.outcome.unwrap().price.u128(), 6_000);
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
fn a_client_that_never_confirms_pays_the_cheapest_offer() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p1) = (suite.client(), suite.provider(1));
    let stranger = suite.stranger.clone();
    let task_id = two_offers(&mut suite);
    let confirm_deadline = suite.task(task_id).confirm_deadline.unwrap();

    suite.set_time(confirm_deadline.seconds());
    assert_error(
        suite.finalize(&stranger, task_id),
        ContractError::NotFinalizable {
            task_id,
            after: confirm_deadline,
        },
    );
    suite.set_time(confirm_deadline.seconds() + 1);
    assert_error(
        suite.confirm(&client, task_id, &p1),
        ContractError::ConfirmWindowClosed {
            deadline: confirm_deadline,
        },
    );
    suite.finalize(&stranger, task_id).unwrap();

    assert_eq!(suite.task(task_id).outcome.unwrap().winner, p1);
    assert_eq!(suite.balance(&p1, REWARD_DENOM), START + 3_900);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 4_000);
    suite.assert_conservation();
}

#[test]
fn equal_offers_go_to_the_earliest_reveal() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let task_id = publish(&mut suite);
    let a = suite.commit_offer(&p0, task_id, b"r", 5_000).unwrap();
    let b = suite.commit_offer(&p1, task_id, b"r", 5_000).unwrap();
    let task = suite.task(task_id);
    suite.set_time(task.commit_deadline.seconds() + 1);
    suite.reveal(&p1, task_id, &b).unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &a).unwrap();
    suite.set_time(task.confirm_deadline.unwrap().seconds() + 1);
    let stranger = suite.stranger.clone();
    suite.finalize(&stranger, task_id).unwrap();
    assert_eq!(suite.task(task_id).outcome.unwrap().winner, p1);
    suite.assert_conservation();
}

#[test]
fn reveals_open_only_after_the_commit_deadline_and_commits_close_there() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let task_id = publish(&mut suite);
    let sealed = suite.commit_offer(&p0, task_id, b"r", 5_000).unwrap();
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
    // Reveals are now visible: nobody may commit any more.
    assert_error(
        suite.commit_offer(&p1, task_id, b"r", 1),
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
    let mut greedy = suite.commit_offer(&p0, task_id, b"r", REWARD + 1).unwrap();
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
    let task_id = two_offers(&mut suite);
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
    let fr = suite
        .publish(&client, fixtures::spec(fixtures::first_response()), REWARD)
        .unwrap();
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
    suite.commit_offer(&p0, task_id, b"r", 5_000).unwrap();
    let task = suite.task(task_id);
    suite.set_time(task.reveal_deadline.seconds());
    assert_error(
        suite.finalize(&stranger, task_id),
        ContractError::NotFinalizable {
            task_id,
            after: task.reveal_deadline,
        },
    );
    suite.set_time(task.reveal_deadline.seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    assert_eq!(suite.provider_info(&p0).bonded.u128(), STAKE - COLLATERAL);
    assert_eq!(suite.responses(task_id)[0].status, ResponseStatus::Slashed);
    suite.assert_conservation();
}

#[test]
fn confirming_while_others_may_still_reveal_releases_them() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let task_id = publish(&mut suite);
    let a = suite.commit_offer(&p0, task_id, b"r", 3_000).unwrap();
    suite.commit_offer(&p1, task_id, b"r", 2_000).unwrap();
    suite.set_time(suite.task(task_id).commit_deadline.seconds() + 1);
    suite.reveal(&p0, task_id, &a).unwrap();
    suite.confirm(&client, task_id, &p0).unwrap();
    // p1's reveal window was still open: released, not slashed.
    let info = suite.provider_info(&p1);
    assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    assert_eq!(
        suite
            .responses(task_id)
            .iter()
            .filter(|r| r.status == ResponseStatus::Lost)
            .count(),
        1
    );
    suite.assert_conservation();
}

#[test]
fn a_free_offer_refunds_the_whole_reward() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let task_id = publish(&mut suite);
    let free = suite.commit_offer(&p0, task_id, b"r", 0).unwrap();
    suite.set_time(suite.task(task_id).commit_deadline.seconds() + 1);
    suite.reveal(&p0, task_id, &free).unwrap();
    suite.confirm(&client, task_id, &p0).unwrap();
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.provider_info(&p0).reputation.completed, 1);
    suite.assert_conservation();
}

#[test]
fn a_cw20_offer_is_paid_in_the_token_and_the_rest_refunded() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let start = suite.cw20_balance(&client);
    let task_id = suite
        .publish_cw20(
            &client,
            fixtures::spec(fixtures::manual_confirmation()),
            REWARD,
        )
        .unwrap();
    let offer = suite.commit_offer(&p0, task_id, b"r", 4_000).unwrap();
    let task = suite.task(task_id);
    suite.set_time(task.commit_deadline.seconds() + 1);
    suite.reveal(&p0, task_id, &offer).unwrap();
    suite.set_time(task.confirm_deadline.unwrap().seconds() + 1);
    let stranger = suite.stranger.clone();
    suite.finalize(&stranger, task_id).unwrap();
    assert_eq!(suite.cw20_balance(&p0), start + 3_900);
    assert_eq!(suite.cw20_balance(&suite.treasury), 100);
    assert_eq!(suite.cw20_balance(&client), start - 4_000);
    suite.assert_conservation();
}
