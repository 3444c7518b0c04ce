//! Disputes of First Response and Manual Confirmation results, every branch with exact
//! balances: the window closing undisputed, a round that overturns the result, one that
//! confirms it, one without quorum, one nobody joins, cw20, and every reject path.

use cosmwasm_std::{Addr, Uint128};
use ogpu_task_registry::ContractError;
use ogpu_testing::fixtures::{self, COLLATERAL, STAKE};
use ogpu_testing::{assert_error, Suite, SuiteBuilder, BOND_DENOM, REWARD_DENOM};
use ogpu_types::registry::DisputeStatus;
use ogpu_types::{CompetitionModel, DisputeTerms, TaskSpec, TaskStatus};

const REWARD: u128 = 10_000;
/// ceil(10 000 × 2.5 %)
const FEE: u128 = 250;
const START: u128 = 1_000_000;
/// Three replicas of 1 500 each.
const BOND: u128 = 4_500;
const SHARE: u128 = 1_500;
/// ceil(1 500 × 2.5 %)
const SHARE_FEE: u128 = 38;
const WINDOW: u64 = 300;

fn terms() -> DisputeTerms {
    DisputeTerms {
        window: WINDOW,
        replicas: 3,
        quorum: 2,
        bond: Uint128::new(BOND),
    }
}

fn disputable(model: CompetitionModel) -> TaskSpec {
    TaskSpec {
        dispute: Some(terms()),
        ..fixtures::spec(model)
    }
}

/// A disputable First Response task won by p0 with `b"result"`.
fn won(suite: &mut Suite) -> u64 {
    let (client, p0) = (suite.client(), suite.provider(0));
    let spec = disputable(fixtures::first_response());
    let task_id = suite.publish(&client, spec, REWARD).unwrap();
    let sealed = suite.commit_result(&p0, task_id, b"result").unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &sealed).unwrap();
    task_id
}

/// A task won by p0 (see [`won`]), disputed by its client: the task and its round.
fn disputed(suite: &mut Suite) -> (u64, u64) {
    let client = suite.client();
    let task_id = won(suite);
    suite.dispute(&client, task_id, BOND).unwrap();
    (task_id, task_id + 1)
}

/// The round's replicas commit their results in one block, then reveal in the next.
fn rerun(suite: &mut Suite, round: u64, results: &[(usize, &[u8])]) {
    let sealed: Vec<(Addr, _)> = results
        .iter()
        .map(|&(i, result)| {
            let provider = suite.provider(i);
            let s = suite.commit_result(&provider, round, result).unwrap();
            (provider, s)
        })
        .collect();
    let deadline = suite.task(round).commit_deadline.seconds();
    suite.set_time(deadline + 1);
    for (provider, s) in &sealed {
        suite.reveal(provider, round, s).unwrap();
    }
}

/// Each replica received one share of the bond, less the fee.
fn paid_a_share(suite: &Suite, replicas: [&Addr; 2]) {
    for replica in replicas {
        let balance = suite.balance(replica, REWARD_DENOM);
        assert_eq!(balance, START + SHARE - SHARE_FEE);
    }
}

fn status(suite: &Suite, task_id: u64) -> DisputeStatus {
    suite.dispute_state(task_id).expect("disputable").status
}

fn builder() -> SuiteBuilder {
    SuiteBuilder {
        providers: 4,
        ..SuiteBuilder::new()
    }
}

#[test]
fn an_undisputed_winner_is_paid_at_once_and_released_when_the_window_closes() {
    let mut suite = builder().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let stranger = suite.stranger.clone();
    let spec = disputable(fixtures::manual_confirmation());
    let task_id = suite.publish(&client, spec, REWARD).unwrap();
    let sealed = suite.commit_offer(&p0, task_id, b"result", 6_000).unwrap();
    let deadline = suite.task(task_id).commit_deadline.seconds();
    suite.set_time(deadline + 1);
    suite.reveal(&p0, task_id, &sealed).unwrap();
    suite.confirm(&client, task_id, &p0).unwrap();

    // Paid in the confirming transaction; the collateral stays locked for the window.
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + 6_000 - 150);
    assert_eq!(suite.provider_info(&p0).locked.u128(), COLLATERAL);
    let state = suite.dispute_state(task_id).unwrap();
    assert_eq!(state.status, DisputeStatus::Open);
    assert_eq!(state.window_end.seconds(), suite.now() + WINDOW);
    assert_eq!(state.price.u128(), 6_000);

    suite.set_time(state.window_end.seconds());
    assert_error(
        suite.close_dispute(&stranger, task_id),
        ContractError::NotFinalizable {
            task_id,
            after: state.window_end,
        },
    );
    suite.set_time(state.window_end.seconds() + 1);
    assert_error(
        suite.dispute(&client, task_id, BOND),
        ContractError::DisputeWindowClosed {
            task_id,
            deadline: state.window_end,
        },
    );
    suite.close_dispute(&stranger, task_id).unwrap();
    let info = suite.provider_info(&p0);
    assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    assert_eq!(info.reputation.completed, 1);
    assert_eq!(info.earnings[0].amount.u128(), 6_000);
    assert_eq!(status(&suite, task_id), DisputeStatus::Upheld);
    assert_error(
        suite.close_dispute(&stranger, task_id),
        ContractError::DisputeClosed { task_id },
    );
    suite.assert_conservation();
}

#[test]
fn a_round_that_accepts_another_result_slashes_the_winner_for_the_client() {
    let mut suite = builder().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let (task_id, round) = disputed(&mut suite);
    assert_eq!(
        suite.dispute_state(task_id).unwrap().status,
        DisputeStatus::Disputed { round }
    );
    let round_task = suite.task(round);
    assert_eq!(round_task.client, client);
    assert_eq!(round_task.reward.amount.u128(), BOND);
    assert!(matches!(
        round_task.model,
        CompetitionModel::Consensus {
            replicas: 3,
            quorum: 2,
            ..
        }
    ));
    // The disputed winner cannot re-run its own task.
    assert_error(
        suite.commit_result(&p0, round, b"result"),
        ContractError::NotAllowed {
            task_id: round,
            provider: p0.to_string(),
        },
    );
    rerun(&mut suite, round, &[(1, b"correct"), (2, b"correct")]);

    assert_eq!(suite.task(round).status, TaskStatus::Completed);
    assert_eq!(status(&suite, task_id), DisputeStatus::Overturned);
    // Replicas: a share each. Client: reward and the two shares paid, the unused share
    // back, and half the winner's collateral. Winner: keeps its pay, loses its collateral.
    paid_a_share(&suite, [&p1, &p2]);
    assert_eq!(
        suite.balance(&client, REWARD_DENOM),
        START - REWARD - 2 * SHARE
    );
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + REWARD - FEE);
    let info = suite.provider_info(&p0);
    assert_eq!(
        (info.bonded.u128(), info.locked.u128()),
        (STAKE - COLLATERAL, 0)
    );
    assert_eq!(info.reputation.slashed, 1);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), COLLATERAL / 2);
    suite.assert_conservation();
}

#[test]
fn a_round_that_confirms_the_result_pays_the_rest_of_the_bond_to_the_winner() {
    let mut suite = builder().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let (task_id, round) = disputed(&mut suite);
    rerun(&mut suite, round, &[(1, b"result"), (2, b"result")]);

    assert_eq!(status(&suite, task_id), DisputeStatus::Upheld);
    paid_a_share(&suite, [&p1, &p2]);
    // The unused third share goes to the winner, not back to the client.
    assert_eq!(
        suite.balance(&p0, REWARD_DENOM),
        START + REWARD - FEE + SHARE - SHARE_FEE
    );
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD - BOND);
    let info = suite.provider_info(&p0);
    assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    assert_eq!(info.reputation.completed, 1);
    suite.assert_conservation();
}

#[test]
fn a_round_without_quorum_refunds_the_bond_and_releases_the_winner() {
    let mut suite = builder().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let (task_id, round) = disputed(&mut suite);
    rerun(&mut suite, round, &[(1, b"a"), (2, b"b"), (3, b"c")]);

    assert_eq!(suite.task(round).status, TaskStatus::Failed);
    assert_eq!(status(&suite, task_id), DisputeStatus::Upheld);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    let info = suite.provider_info(&p0);
    assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    suite.assert_conservation();
}

#[test]
fn a_round_nobody_joins_expires_refunds_the_bond_and_releases_the_winner() {
    let mut suite = builder().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let stranger = suite.stranger.clone();
    let (task_id, round) = disputed(&mut suite);
    // While the round runs, the window cannot be closed.
    assert_error(
        suite.close_dispute(&stranger, task_id),
        ContractError::AlreadyDisputed { task_id },
    );
    let deadline = suite.task(round).commit_deadline.seconds();
    suite.set_time(deadline + 1);
    suite.finalize(&stranger, round).unwrap();
    assert_eq!(suite.task(round).status, TaskStatus::Expired);
    assert_eq!(status(&suite, task_id), DisputeStatus::Upheld);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    assert_eq!(suite.provider_info(&p0).locked.u128(), 0);
    suite.assert_conservation();
}

#[test]
fn a_cw20_dispute_posts_its_bond_in_the_token() {
    let mut suite = builder().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let spec = disputable(fixtures::first_response());
    let task_id = suite.publish_cw20(&client, spec, REWARD).unwrap();
    let sealed = suite.commit_result(&p0, task_id, b"result").unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &sealed).unwrap();
    assert_error(
        suite.dispute(&client, task_id, BOND),
        ContractError::WrongBond {
            expected: format!("{BOND}{}", suite.token),
        },
    );
    suite.dispute_cw20(&client, task_id, BOND).unwrap();
    rerun(&mut suite, task_id + 1, &[(1, b"other"), (2, b"other")]);
    for replica in [&p1, &p2] {
        assert_eq!(suite.cw20_balance(replica), START + SHARE - SHARE_FEE);
    }
    assert_eq!(suite.cw20_balance(&client), START - REWARD - 2 * SHARE);
    assert_eq!(suite.cw20_balance(&p0), START + REWARD - FEE);
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    suite.assert_conservation();
}

#[test]
fn disputes_are_checked() {
    let mut suite = builder().build();
    let client = suite.client();
    let stranger = suite.stranger.clone();
    let task_id = won(&mut suite);
    assert_error(
        suite.dispute(&stranger, task_id, BOND),
        ContractError::Unauthorized {
            expected: "the task's client".into(),
        },
    );
    for bond in [BOND - 1, BOND + 1] {
        assert_error(
            suite.dispute(&client, task_id, bond),
            ContractError::WrongBond {
                expected: format!("{BOND}{REWARD_DENOM}"),
            },
        );
    }
    let registry = suite.registry.clone();
    let msg = ogpu_types::registry::ExecuteMsg::Dispute { task_id };
    let wrong_denom = cosmwasm_std::coins(BOND, BOND_DENOM);
    assert_error(
        suite.execute(&client, &registry, &msg, &wrong_denom),
        ContractError::WrongBond {
            expected: format!("{BOND}{REWARD_DENOM}"),
        },
    );
    suite.dispute(&client, task_id, BOND).unwrap();
    assert_error(
        suite.dispute(&client, task_id, BOND),
        ContractError::AlreadyDisputed { task_id },
    );

    // A task without terms, and a disputable one not completed yet.
    let plain = suite
        .publish(&client, fixtures::spec(fixtures::first_response()), REWARD)
        .unwrap();
    let pending = suite
        .publish(&client, disputable(fixtures::first_response()), REWARD)
        .unwrap();
    for id in [plain, pending] {
        assert_error(
            suite.dispute(&client, id, BOND),
            ContractError::NotDisputable { task_id: id },
        );
        assert_error(
            suite.close_dispute(&stranger, id),
            ContractError::NotDisputable { task_id: id },
        );
    }
}

#[test]
fn dispute_terms_are_checked_at_publish() {
    let mut suite = builder().build();
    let client = suite.client();
    let with = |model: CompetitionModel, terms: DisputeTerms| TaskSpec {
        dispute: Some(terms),
        ..fixtures::spec(model)
    };
    let cases = [
        (
            TaskSpec {
                dispute: Some(terms()),
                ..fixtures::hash_search(fixtures::first_response(), 4)
            },
            ContractError::DisputesNotSupported {
                reason: "a hash search is verified on chain at reveal".into(),
            },
        ),
        (
            with(fixtures::sealed_bid_auction(), terms()),
            ContractError::DisputesNotSupported {
                reason: "only first_response and manual_confirmation tasks".into(),
            },
        ),
        (
            with(
                fixtures::first_response(),
                DisputeTerms {
                    quorum: 4,
                    ..terms()
                },
            ),
            ContractError::InvalidReplication {
                replicas: 3,
                quorum: 4,
                max: 5,
            },
        ),
        (
            with(
                fixtures::first_response(),
                DisputeTerms {
                    window: 1,
                    ..terms()
                },
            ),
            ContractError::InvalidWindow {
                window: "dispute".into(),
                value: 1,
                min: 10,
                max: 7 * 24 * 3600,
            },
        ),
        (
            with(
                fixtures::first_response(),
                DisputeTerms {
                    bond: Uint128::new(99),
                    ..terms()
                },
            ),
            ContractError::BondTooLow {
                bond: Uint128::new(99),
                min: Uint128::new(100),
            },
        ),
    ];
    for (spec, expected) in cases {
        assert_error(suite.publish(&client, spec, REWARD), expected);
    }
}

#[test]
fn a_client_that_cancels_its_round_before_anyone_joins_withdraws_the_dispute() {
    let mut suite = builder().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let task_id = won(&mut suite);
    suite.dispute(&client, task_id, BOND).unwrap();
    suite.cancel(&client, task_id + 1).unwrap();
    assert_eq!(suite.task(task_id + 1).status, TaskStatus::Cancelled);
    assert_eq!(status(&suite, task_id), DisputeStatus::Upheld);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    assert_eq!(suite.provider_info(&p0).locked.u128(), 0);
    suite.assert_conservation();
}
