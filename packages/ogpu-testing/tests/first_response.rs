//! First Response end to end: exact balances, copy-proofing, withholding, deadlines.

use cosmwasm_std::Timestamp;
use ogpu_task_registry::ContractError;
use ogpu_testing::fixtures::{self, COLLATERAL, STAKE};
use ogpu_testing::{assert_error, Sealed, Suite, SuiteBuilder, BOND_DENOM, REWARD_DENOM};
use ogpu_types::{ResponseStatus, TaskStatus};

const REWARD: u128 = 10_000;
/// ceil(10 000 × 250 / 10 000)
const FEE: u128 = 250;
const START: u128 = 1_000_000;

fn publish(suite: &mut Suite) -> u64 {
    let client = suite.client();
    suite
        .publish(&client, fixtures::spec(fixtures::first_response()), REWARD)
        .unwrap()
}

#[test]
fn first_valid_reveal_wins_and_is_paid_in_the_same_transaction() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let task_id = publish(&mut suite);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);

    let sealed = suite.commit_result(&p0, task_id, b"result").unwrap();
    assert_eq!(suite.provider_info(&p0).locked.u128(), COLLATERAL);
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &sealed).unwrap();

    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    let outcome = task.outcome.unwrap();
    assert_eq!((outcome.winner, outcome.price.u128()), (p0.clone(), REWARD));
    assert_eq!(outcome.digest, sealed.digest);
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + REWARD - FEE);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), FEE);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    let info = suite.provider_info(&p0);
    assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    assert_eq!(info.reputation.completed, 1);
    assert_eq!(info.earnings[0].amount.u128(), REWARD);
    assert_eq!(suite.responses(task_id)[0].status, ResponseStatus::Won);
    suite.assert_conservation();
}

#[test]
fn a_reveal_must_come_in_a_later_block() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let task_id = publish(&mut suite);
    let sealed = suite.commit_result(&p0, task_id, b"result").unwrap();
    let height = suite.app.block_info().height;
    assert_error(
        suite.reveal(&p0, task_id, &sealed),
        ContractError::RevealTooEarly {
            committed_height: height,
        },
    );
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &sealed).unwrap();
    suite.assert_conservation();
}

#[test]
fn a_price_is_not_part_of_a_first_response_reveal() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let task_id = publish(&mut suite);
    let mut sealed = suite.commit_result(&p0, task_id, b"result").unwrap();
    suite.advance_blocks(1);
    sealed.price = Some(REWARD.into());
    assert_error(
        suite.reveal(&p0, task_id, &sealed),
        ContractError::PriceNotAccepted {},
    );
}

#[test]
fn copied_results_and_commitments_cannot_win() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let task_id = publish(&mut suite);
    let honest = suite.commit_result(&p0, task_id, b"honest work").unwrap();

    // p1 copies p0's commitment bytes: opening them as p1 fails, the hash binds p0.
    suite.commit(&p1, task_id, &honest).unwrap();
    suite.advance_blocks(1);
    assert_error(
        suite.reveal(&p1, task_id, &honest),
        ContractError::CommitmentMismatch {},
    );
    // A stranger without a commitment cannot reveal at all.
    let stranger = suite.stranger.clone();
    assert_error(
        suite.reveal(&stranger, task_id, &honest),
        ContractError::NoCommitment {
            task_id,
            provider: stranger.to_string(),
        },
    );
    suite.reveal(&p0, task_id, &honest).unwrap();

    // Having seen the revealed result, p2 commits to it: too late, the task is decided.
    let p2 = suite.provider(2);
    let reward = suite.task(task_id).reward.amount.u128();
    let copy = Sealed::new(task_id, &p2, b"honest work", reward, None);
    assert_error(
        suite.commit(&p2, task_id, &copy),
        ContractError::TaskNotOpen {
            task_id,
            status: TaskStatus::Completed,
        },
    );
    assert_eq!(suite.task(task_id).outcome.unwrap().winner, p0);
    // p1 committed but had not missed its window when p0 won: it lost the race.
    assert_eq!(suite.provider_info(&p1).locked.u128(), 0);
    assert_eq!(suite.provider_info(&p1).bonded.u128(), STAKE);
    suite.assert_conservation();
}

#[test]
fn a_withholder_is_slashed_and_the_task_still_completes() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let task_id = publish(&mut suite);
    suite
        .commit_result(&p0, task_id, b"never revealed")
        .unwrap();
    suite.advance_seconds(61); // p0's 60 s reveal window has passed
    let sealed = suite.commit_result(&p1, task_id, b"result").unwrap();
    suite.advance_blocks(1);
    let revealed = suite.reveal(&p1, task_id, &sealed).unwrap();
    let slash_event = format!("wasm-{}", ogpu_types::events::PROVIDER_SLASHED);
    let slashes = revealed
        .events
        .iter()
        .filter(|e| e.ty == slash_event)
        .count();
    assert_eq!(slashes, 1, "one event per slash");

    let half = COLLATERAL / 2;
    assert_eq!(suite.balance(&client, BOND_DENOM), START + half);
    assert_eq!(
        suite.balance(&suite.treasury, BOND_DENOM),
        COLLATERAL - half
    );
    let info = suite.provider_info(&p0);
    assert_eq!(
        (info.bonded.u128(), info.locked.u128()),
        (STAKE - COLLATERAL, 0)
    );
    assert_eq!((info.reputation.failed, info.reputation.slashed), (1, 1));
    let statuses: Vec<_> = suite.responses(task_id).iter().map(|r| r.status).collect();
    assert!(statuses.contains(&ResponseStatus::Slashed) && statuses.contains(&ResponseStatus::Won));
    assert_eq!(suite.balance(&p1, REWARD_DENOM), START + REWARD - FEE);
    suite.assert_conservation();
}

#[test]
fn a_task_nobody_reveals_expires_refunds_and_slashes() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let task_id = publish(&mut suite);
    suite.commit_result(&p0, task_id, b"withheld").unwrap();
    let task = suite.task(task_id);
    let stranger = suite.stranger.clone();

    suite.set_time(task.commit_deadline.seconds());
    assert_error(
        suite.finalize(&stranger, task_id),
        ContractError::NotFinalizable {
            task_id,
            after: task.commit_deadline,
        },
    );
    suite.set_time(task.commit_deadline.seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();

    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    assert_eq!(suite.provider_info(&p0).bonded.u128(), STAKE - COLLATERAL);
    assert_error(
        suite.finalize(&stranger, task_id),
        ContractError::TaskNotOpen {
            task_id,
            status: TaskStatus::Expired,
        },
    );
    suite.assert_conservation();
}

#[test]
fn commit_deadline_is_inclusive() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let task_id = publish(&mut suite);
    let deadline = suite.task(task_id).commit_deadline;
    suite.set_time(deadline.seconds());
    suite.commit_result(&p0, task_id, b"r").unwrap();
    suite.set_time(deadline.seconds() + 1);
    assert_error(
        suite.commit_result(&p1, task_id, b"r"),
        ContractError::CommitClosed { task_id, deadline },
    );
}

#[test]
fn reveal_window_is_inclusive() {
    for (offset, accepted) in [(59, true), (60, true), (61, false)] {
        let mut suite = SuiteBuilder::new().build();
        let p0 = suite.provider(0);
        let task_id = publish(&mut suite);
        let sealed = suite.commit_result(&p0, task_id, b"r").unwrap();
        let committed = suite.now();
        suite.set_time(committed + offset);
        let result = suite.reveal(&p0, task_id, &sealed);
        if accepted {
            result.unwrap();
        } else {
            assert_error(
                result,
                ContractError::RevealWindowClosed {
                    deadline: Timestamp::from_seconds(committed + 60),
                },
            );
        }
    }
}

#[test]
fn an_untouched_task_expires_after_its_commit_deadline() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let task_id = publish(&mut suite);
    let deadline = suite.task(task_id).commit_deadline;
    suite.set_time(deadline.seconds() + 1);
    let stranger = suite.stranger.clone();
    suite.finalize(&stranger, task_id).unwrap();
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    suite.assert_conservation();
}

#[test]
fn cancel_refunds_only_before_any_commitment() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite);
    assert_error(
        suite.cancel(&stranger, task_id),
        ContractError::Unauthorized {
            expected: "the task's client".into(),
        },
    );
    suite.cancel(&client, task_id).unwrap();
    assert_eq!(suite.task(task_id).status, TaskStatus::Cancelled);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);

    let second = publish(&mut suite);
    suite.commit_result(&p0, second, b"r").unwrap();
    assert_error(
        suite.cancel(&client, second),
        ContractError::HasCommitments { task_id: second },
    );
    suite.assert_conservation();
}

#[test]
fn every_step_emits_its_documented_event() {
    use ogpu_types::events;
    let wasm = |ty: &str| format!("wasm-{ty}");
    let types = |response: &cw_multi_test::AppResponse| -> Vec<String> {
        response.events.iter().map(|e| e.ty.clone()).collect()
    };
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let registry = suite.registry.clone();
    let publish = ogpu_types::registry::ExecuteMsg::PublishTask {
        spec: fixtures::spec(fixtures::first_response()),
    };
    let published = suite
        .execute(
            &client,
            &registry,
            &publish,
            &cosmwasm_std::coins(REWARD, REWARD_DENOM),
        )
        .unwrap();
    for ty in [events::TASK_PUBLISHED, events::ESCROW_DEPOSITED] {
        assert!(types(&published).contains(&wasm(ty)), "{ty}");
    }
    let sealed = Sealed::new(1, &p0, b"r", REWARD, None);
    let committed = suite.commit(&p0, 1, &sealed).unwrap();
    for ty in [events::TASK_COMMITTED, events::COLLATERAL_LOCKED] {
        assert!(types(&committed).contains(&wasm(ty)), "{ty}");
    }
    suite.advance_blocks(1);
    let revealed = suite.reveal(&p0, 1, &sealed).unwrap();
    for ty in [
        events::TASK_REVEALED,
        events::TASK_COMPLETED,
        events::PAYOUT,
        events::COLLATERAL_RELEASED,
    ] {
        assert!(types(&revealed).contains(&wasm(ty)), "{ty}");
    }
    let completed = revealed
        .events
        .iter()
        .find(|e| e.ty == wasm(events::TASK_COMPLETED))
        .unwrap();
    let attr = |key: &str| {
        completed
            .attributes
            .iter()
            .find(|a| a.key == key)
            .map(|a| a.value.clone())
    };
    assert_eq!(attr(events::attr::TASK_ID), Some("1".into()));
    assert_eq!(attr(events::attr::PROVIDER), Some(p0.to_string()));
    assert_eq!(attr(events::attr::DIGEST), Some(sealed.digest.to_hex()));
}

#[test]
fn silent_committers_at_the_cap_are_evicted_so_the_task_moves_on() {
    let mut suite = SuiteBuilder {
        limits: ogpu_types::registry::TaskLimits {
            max_commitments: 2,
            ..fixtures::limits()
        },
        ..SuiteBuilder::new()
    }
    .build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let task_id = publish(&mut suite);
    suite.commit_result(&p0, task_id, b"withheld").unwrap();
    suite.commit_result(&p1, task_id, b"withheld").unwrap();
    // Both windows still open: the task is full.
    assert_error(
        suite.commit_result(&p2, task_id, b"r"),
        ContractError::TooManyCommitments { task_id, max: 2 },
    );
    suite.advance_seconds(61);
    // Both windows passed: a new commitment evicts (and slashes) one silent committer.
    let sealed = suite.commit_result(&p2, task_id, b"r").unwrap();
    assert_eq!(suite.responses(task_id).len(), 2);
    assert_eq!(suite.task(task_id).commit_count, 2);
    suite.advance_blocks(1);
    suite.reveal(&p2, task_id, &sealed).unwrap();

    // The evicted one and the one still recorded are both slashed; p2 is paid.
    for silent in [&p0, &p1] {
        let info = suite.provider_info(silent);
        assert_eq!(
            (info.bonded.u128(), info.reputation.slashed),
            (STAKE - COLLATERAL, 1)
        );
    }
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL);
    assert_eq!(suite.balance(&p2, REWARD_DENOM), START + REWARD - FEE);
    suite.assert_conservation();
}
