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

    // p1 copies p0's commitment bytes. Queued behind p0, it may not even try to open
    // them until p0's window passed; and then opening them as p1 fails (see
    // `a_copied_commitment_never_opens`).
    suite.commit(&p1, task_id, &honest).unwrap();
    suite.advance_blocks(1);
    let p0_deadline = suite
        .responses(task_id)
        .into_iter()
        .find(|r| r.provider == p0)
        .unwrap()
        .reveal_deadline;
    assert_error(
        suite.reveal(&p1, task_id, &honest),
        ContractError::RevealNotOpen {
            task_id,
            opens_after: p0_deadline,
        },
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

/// The queue: a provider that commits behind another learns it in its commit (the event's
/// `reveal_opens`) and needs no reveal while the one ahead delivers, so it pays for its
/// commit alone; when the one ahead stays silent, it takes its turn and wins.
#[test]
fn a_provider_behind_another_pays_only_its_commit_unless_the_one_ahead_is_silent() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let task_id = publish(&mut suite);
    suite.commit_result(&p0, task_id, b"first").unwrap();
    let second = suite.commit_result(&p1, task_id, b"second").unwrap();
    let responses = suite.responses(task_id);
    let of = |p: &cosmwasm_std::Addr| responses.iter().find(|r| r.provider == *p).unwrap();
    assert_eq!(of(&p1).reveal_opens, Some(of(&p0).reveal_deadline));
    assert_eq!(
        of(&p1).reveal_deadline.seconds(),
        of(&p0).reveal_deadline.seconds() + 60
    );
    suite.advance_blocks(1);
    assert_error(
        suite.reveal(&p1, task_id, &second),
        ContractError::RevealNotOpen {
            task_id,
            opens_after: of(&p0).reveal_deadline,
        },
    );
    // p0 stays silent: p1's turn comes, and p1 wins; p0 is slashed for its silence.
    suite.set_time(of(&p0).reveal_deadline.seconds() + 1);
    suite.reveal(&p1, task_id, &second).unwrap();
    assert_eq!(suite.task(task_id).outcome.unwrap().winner, p1);
    assert_eq!(suite.status_of(task_id, &p0), ResponseStatus::Slashed);
    suite.assert_conservation();

    // The usual race: the one ahead reveals and wins; the one behind never sends a reveal
    // and gets its collateral back.
    let task_id = publish(&mut suite);
    let first = suite.commit_result(&p0, task_id, b"first").unwrap();
    suite.commit_result(&p1, task_id, b"second").unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &first).unwrap();
    assert_eq!(suite.status_of(task_id, &p1), ResponseStatus::Lost);
    assert_eq!(suite.stake_of(&p1), (STAKE, 0));
    suite.assert_conservation();
}

/// A commitment is bound to its author: copied bytes never open, even once the author
/// has stayed silent past its window.
#[test]
fn a_copied_commitment_never_opens() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let task_id = publish(&mut suite);
    let honest = suite.commit_result(&p0, task_id, b"honest work").unwrap();
    suite.commit(&p1, task_id, &honest).unwrap();
    // p0 stays silent; p1's turn comes once p0's window has passed.
    let p1_opens = suite
        .responses(task_id)
        .into_iter()
        .find(|r| r.provider == p1)
        .and_then(|r| r.reveal_opens)
        .unwrap();
    suite.set_time(p1_opens.seconds() + 1);
    assert_error(
        suite.reveal(&p1, task_id, &honest),
        ContractError::CommitmentMismatch {},
    );
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
    assert!(types(&published).contains(&wasm(events::TASK_PUBLISHED)));
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
    // p1 is queued behind p0: its window follows p0's. Past both, a new commitment evicts
    // (and slashes) one silent committer, and opens at once.
    suite.advance_seconds(121);
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
