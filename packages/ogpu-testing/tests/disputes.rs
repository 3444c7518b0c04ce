//! Disputes of First Response and Manual Confirmation results, every branch with exact
//! balances: the window closing undisputed; a re-run round (a Consensus task paid from
//! the bond) that overturns the result once its chosen replica delivers, one that
//! confirms it, one whose replicas never deliver, one without quorum, one nobody joins;
//! the client's refund out of the slashed collateral, capped at the price it paid and only
//! in the bond denom; colluding Sybils that overturn an honest result without profit; cw20
//! bonds; and every reject path.

use cosmwasm_std::{coin, Addr, Coin, Uint128};
use cw_multi_test::AppResponse;
use ogpu_task_registry::ContractError;
use ogpu_testing::fixtures::{self, COLLATERAL, STAKE};
use ogpu_testing::{assert_error, Sealed, Suite, SuiteBuilder, BOND_DENOM, REWARD_DENOM};
use ogpu_types::events::{self, attr};
use ogpu_types::registry::DisputeStatus;
use ogpu_types::validate::SpecError;
use ogpu_types::{CompetitionModel, DisputeTerms, ResponseStatus, TaskSpec, TaskStatus};

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
/// A price under half the collateral, so the client's refund is capped by it.
const PRICE: u128 = 300;
/// ceil(300 × 2.5 %)
const PRICE_FEE: u128 = 8;
/// The disputed winner's result.
const RESULT: &[u8] = b"result";

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

/// A disputable First Response task paying `reward`, won by p0 with [`RESULT`].
fn won_in(suite: &mut Suite, reward: Coin) -> u64 {
    let (client, p0) = (suite.client(), suite.provider(0));
    let spec = disputable(fixtures::first_response());
    let task_id = suite.publish_in(&client, spec, reward).unwrap();
    let sealed = suite.commit_result(&p0, task_id, RESULT).unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &sealed).unwrap();
    task_id
}

/// [`won_in`] with `REWARD` of the native reward denom.
fn won(suite: &mut Suite) -> u64 {
    won_in(suite, coin(REWARD, REWARD_DENOM))
}

/// A disputable Manual Confirmation task paying `reward`: p0 offers `price` for
/// [`RESULT`], the client confirms it and p0 delivers.
fn delivered_offer(suite: &mut Suite, reward: Coin, price: u128) -> u64 {
    let (client, p0) = (suite.client(), suite.provider(0));
    let spec = disputable(fixtures::manual_confirmation());
    let task_id = suite.publish_in(&client, spec, reward).unwrap();
    let sealed = suite.commit_offer(&p0, task_id, RESULT, price).unwrap();
    suite.set_time(suite.task(task_id).commit_deadline.seconds() + 1);
    suite.reveal(&p0, task_id, &sealed).unwrap();
    suite.confirm(&client, task_id, &p0).unwrap();
    suite.deliver(&p0, task_id, &sealed).unwrap();
    task_id
}

/// A task won by p0 (see [`won`]), disputed by its client: the task and its round.
fn disputed(suite: &mut Suite) -> (u64, u64) {
    let client = suite.client();
    let task_id = won(suite);
    suite.dispute(&client, task_id, BOND).unwrap();
    (task_id, task_id + 1)
}

/// The round's replicas commit their results in one block, in this order, then reveal
/// their digests after the commit deadline. Returns each replica's secrets.
fn rerun(suite: &mut Suite, round: u64, results: &[(usize, &[u8])]) -> Vec<(Addr, Sealed)> {
    let sealed: Vec<(Addr, Sealed)> = results
        .iter()
        .map(|&(i, result)| {
            let provider = suite.provider(i);
            let secrets = suite.commit_result(&provider, round, result).unwrap();
            (provider, secrets)
        })
        .collect();
    let deadline = suite.task(round).commit_deadline.seconds();
    suite.set_time(deadline + 1);
    for (provider, secrets) in &sealed {
        suite.reveal(provider, round, secrets).unwrap();
    }
    sealed
}

/// The replica the round chose delivers the result it revealed: the replica and the
/// delivery's response.
fn deliver_round(
    suite: &mut Suite,
    round: u64,
    replicas: &[(Addr, Sealed)],
) -> (Addr, AppResponse) {
    let award = suite.award(round).expect("the round is awarded");
    let executor = award.ranking[award.executor as usize].provider.clone();
    let (_, secrets) = replicas
        .iter()
        .find(|(provider, _)| *provider == executor)
        .expect("the executor is one of the replicas");
    let response = suite.deliver(&executor, round, secrets).unwrap();
    (executor, response)
}

/// How `provider`'s slash in `response` was split: `(to the client, to the treasury)`.
fn slash_split(response: &AppResponse, provider: &Addr) -> (u128, u128) {
    let ty = format!("wasm-{}", events::PROVIDER_SLASHED);
    let event = response
        .events
        .iter()
        .filter(|e| e.ty == ty)
        .find(|e| {
            e.attributes
                .iter()
                .any(|a| a.key == attr::PROVIDER && a.value == provider.as_str())
        })
        .expect("the provider was slashed");
    let amount = |key: &str| -> u128 {
        let found = event.attributes.iter().find(|a| a.key == key);
        found.expect("a slash attribute").value.parse().unwrap()
    };
    (amount(attr::TO_CLIENT), amount(attr::TO_TREASURY))
}

/// Each replica received one share of the bond, less the fee, in the reward denom.
#[track_caller]
fn paid_a_share(suite: &Suite, replicas: &[&Addr]) {
    for replica in replicas {
        let balance = suite.balance(replica, REWARD_DENOM);
        assert_eq!(balance, START + SHARE - SHARE_FEE);
    }
}

/// `(bonded, locked, times slashed)` of `provider`.
fn stake(suite: &Suite, provider: &Addr) -> (u128, u128, u64) {
    let info = suite.provider_info(provider);
    let slashed = info.reputation.slashed;
    (info.bonded.u128(), info.locked.u128(), slashed)
}

/// Whole stake back, nothing locked, never slashed.
const RELEASED: (u128, u128, u64) = (STAKE, 0, 0);
/// The whole collateral taken, once.
const SLASHED: (u128, u128, u64) = (STAKE - COLLATERAL, 0, 1);

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
fn an_undisputed_winner_is_paid_on_delivery_and_released_when_the_window_closes() {
    let mut suite = builder().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let stranger = suite.stranger.clone();
    let task_id = delivered_offer(&mut suite, coin(REWARD, REWARD_DENOM), 6_000);

    // Paid in the delivering transaction; the collateral stays locked for the window,
    // which opens then.
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
    assert_eq!(stake(&suite, &p0), RELEASED);
    let info = suite.provider_info(&p0);
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
fn an_overturned_winner_of_a_reward_in_another_asset_compensates_only_the_treasury() {
    let mut suite = builder().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let (task_id, round) = disputed(&mut suite);
    assert_eq!(status(&suite, task_id), DisputeStatus::Disputed { round });
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
        suite.commit_result(&p0, round, RESULT),
        ContractError::NotAllowed {
            task_id: round,
            provider: p0.to_string(),
        },
    );
    let replicas = rerun(&mut suite, round, &[(1, b"correct"), (2, b"correct")]);
    let (_, delivered) = deliver_round(&mut suite, round, &replicas);

    assert_eq!(suite.task(round).status, TaskStatus::Completed);
    assert_eq!(status(&suite, task_id), DisputeStatus::Overturned);
    // A price in the reward denom cannot cap a slash in the bond denom: the client gets
    // none of it, the treasury all.
    assert_eq!(slash_split(&delivered, &p0), (0, COLLATERAL));
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), COLLATERAL);
    // Replicas: a share each. Client: reward and the two shares paid, the unused share
    // back. Winner: keeps its pay, loses its collateral.
    paid_a_share(&suite, &[&p1, &p2]);
    assert_eq!(
        suite.balance(&client, REWARD_DENOM),
        START - REWARD - 2 * SHARE
    );
    assert_eq!(
        suite.balance(&suite.treasury, REWARD_DENOM),
        FEE + 2 * SHARE_FEE
    );
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + REWARD - FEE);
    assert_eq!(stake(&suite, &p0), SLASHED);
    suite.assert_conservation();
}

#[test]
fn an_overturned_winner_refunds_the_client_at_most_the_price_it_paid() {
    let mut suite = builder().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let task_id = delivered_offer(&mut suite, coin(REWARD, BOND_DENOM), PRICE);
    suite
        .dispute_in(&client, task_id, coin(BOND, BOND_DENOM))
        .unwrap();
    let round = task_id + 1;
    let replicas = rerun(&mut suite, round, &[(1, b"correct"), (2, b"correct")]);
    let (_, delivered) = deliver_round(&mut suite, round, &replicas);

    assert_eq!(status(&suite, task_id), DisputeStatus::Overturned);
    // Half the collateral (500) would exceed the 300 paid: the client gets 300 back.
    assert_eq!(slash_split(&delivered, &p0), (PRICE, COLLATERAL - PRICE));
    // Client: the price paid and refunded, two shares of the bond paid.
    assert_eq!(suite.balance(&client, BOND_DENOM), START - 2 * SHARE);
    assert_eq!(
        suite.balance(&suite.treasury, BOND_DENOM),
        PRICE_FEE + 2 * SHARE_FEE + COLLATERAL - PRICE
    );
    assert_eq!(
        suite.balance(&p0, BOND_DENOM),
        START - STAKE + PRICE - PRICE_FEE
    );
    assert_eq!(stake(&suite, &p0), SLASHED);
    for replica in [&p1, &p2] {
        let wallet = suite.balance(replica, BOND_DENOM);
        assert_eq!(wallet, START - STAKE + SHARE - SHARE_FEE);
        assert_eq!(stake(&suite, replica), RELEASED);
    }
    suite.assert_conservation();
}

#[test]
fn a_round_decides_only_when_its_chosen_replica_delivers() {
    let mut suite = builder().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let stranger = suite.stranger.clone();
    let (task_id, round) = disputed(&mut suite);
    let agreeing: [(usize, &[u8]); 3] = [(1, b"correct"), (2, b"correct"), (3, b"correct")];
    let replicas = rerun(&mut suite, round, &agreeing);

    // Tallied: the three agreeing replicas are ranked, a share each; nothing is decided,
    // paid or released until one delivers.
    let award = suite.award(round).unwrap();
    assert_eq!(award.ranking.len(), 3);
    assert!(award.ranking.iter().all(|o| o.price.u128() == SHARE));
    assert_eq!(suite.task(round).status, TaskStatus::Open);
    assert_eq!(status(&suite, task_id), DisputeStatus::Disputed { round });
    assert_eq!(suite.provider_info(&p0).locked.u128(), COLLATERAL);
    let standby = award.ranking[1].provider.clone();
    let (_, secrets) = replicas.iter().find(|(p, _)| *p == standby).unwrap();
    assert_error(
        suite.deliver(&standby, round, secrets),
        ContractError::NotExecutor {
            task_id: round,
            provider: standby.to_string(),
        },
    );

    // The first misses its delivery: slashed to the treasury, the next one delivers.
    let missed = award.ranking[0].provider.clone();
    suite.finalize_after(&stranger, round, award.delivery_deadline);
    assert_eq!(stake(&suite, &missed), SLASHED);
    assert_eq!(status(&suite, task_id), DisputeStatus::Disputed { round });
    let (executor, _) = deliver_round(&mut suite, round, &replicas);
    assert_eq!(executor, standby);

    assert_eq!(status(&suite, task_id), DisputeStatus::Overturned);
    assert_eq!(stake(&suite, &p0), SLASHED);
    // The two replicas still standing are paid; the missed share goes back to the client.
    let standing: Vec<&Addr> = award.ranking[1..].iter().map(|o| &o.provider).collect();
    paid_a_share(&suite, &standing);
    assert_eq!(suite.balance(&missed, REWARD_DENOM), START);
    assert_eq!(
        suite.balance(&client, REWARD_DENOM),
        START - REWARD - 2 * SHARE
    );
    // The missed replica's collateral and the overturned winner's.
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), 2 * COLLATERAL);
    suite.assert_conservation();
}

#[test]
fn a_round_whose_agreeing_replicas_never_deliver_upholds_the_result() {
    let mut suite = builder().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let stranger = suite.stranger.clone();
    let (task_id, round) = disputed(&mut suite);
    rerun(&mut suite, round, &[(1, b"correct"), (2, b"correct")]);
    for _ in 0..2 {
        let deadline = suite.award(round).unwrap().delivery_deadline;
        suite.finalize_after(&stranger, round, deadline);
    }

    assert_eq!(suite.task(round).status, TaskStatus::Expired);
    assert_eq!(status(&suite, task_id), DisputeStatus::Upheld);
    assert_eq!(stake(&suite, &p0), RELEASED);
    assert_eq!(suite.provider_info(&p0).reputation.completed, 1);
    for replica in [&p1, &p2] {
        assert_eq!(stake(&suite, replica), SLASHED);
    }
    // The bond comes back whole; the replicas' collateral goes to the treasury.
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), 2 * COLLATERAL);
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
    let replicas = rerun(&mut suite, round, &[(1, RESULT), (2, RESULT)]);
    deliver_round(&mut suite, round, &replicas);

    assert_eq!(status(&suite, task_id), DisputeStatus::Upheld);
    paid_a_share(&suite, &[&p1, &p2]);
    // The unused third share goes to the winner, not back to the client.
    assert_eq!(
        suite.balance(&p0, REWARD_DENOM),
        START + REWARD - FEE + SHARE - SHARE_FEE
    );
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD - BOND);
    assert_eq!(stake(&suite, &p0), RELEASED);
    assert_eq!(suite.provider_info(&p0).reputation.completed, 1);
    suite.assert_conservation();
}

#[test]
fn a_round_without_quorum_refunds_the_bond_and_releases_the_winner_and_every_replica() {
    let mut suite = builder().build();
    let client = suite.client();
    let (task_id, round) = disputed(&mut suite);
    rerun(&mut suite, round, &[(1, b"a"), (2, b"b"), (3, b"c")]);

    assert_eq!(suite.task(round).status, TaskStatus::Failed);
    assert_eq!(status(&suite, task_id), DisputeStatus::Upheld);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    // Dissent is not slashed: a majority may be one party's accounts.
    for i in 0..4 {
        assert_eq!(stake(&suite, &suite.provider(i)), RELEASED);
    }
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
fn a_cw20_dispute_posts_its_bond_in_the_token_and_compensates_only_the_treasury() {
    let mut suite = builder().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let spec = disputable(fixtures::first_response());
    let task_id = suite.publish_cw20(&client, spec, REWARD).unwrap();
    let sealed = suite.commit_result(&p0, task_id, RESULT).unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &sealed).unwrap();
    assert_error(
        suite.dispute(&client, task_id, BOND),
        ContractError::WrongBond {
            expected: format!("{BOND}{}", suite.token),
        },
    );
    suite.dispute_cw20(&client, task_id, BOND).unwrap();
    let round = task_id + 1;
    let replicas = rerun(&mut suite, round, &[(1, b"other"), (2, b"other")]);
    let (_, delivered) = deliver_round(&mut suite, round, &replicas);

    assert_eq!(status(&suite, task_id), DisputeStatus::Overturned);
    for replica in [&p1, &p2] {
        assert_eq!(suite.cw20_balance(replica), START + SHARE - SHARE_FEE);
    }
    assert_eq!(suite.cw20_balance(&client), START - REWARD - 2 * SHARE);
    assert_eq!(suite.cw20_balance(&p0), START + REWARD - FEE);
    assert_eq!(slash_split(&delivered, &p0), (0, COLLATERAL));
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), COLLATERAL);
    suite.assert_conservation();
}

/// The Sybil attack on disputes: the client disputes an honest result and two of its own
/// accounts, registered providers, take two of the round's three slots and agree on a
/// wrong result. They overturn it, but the adversary (client and Sybils together) ends
/// with less than it started with: its refund is capped at the price it paid (uncapped,
/// half the collateral, 500 for a 300 result, would have paid it 124), the Sybils are
/// paid out of its own bond less the fee, and the rest of the slash goes to the treasury.
/// The honest replica that dissented is released, not slashed.
#[test]
fn sybils_that_overturn_an_honest_result_never_profit_and_the_honest_dissenter_is_released() {
    let mut suite = builder().build();
    let (client, honest, dissenter) = (suite.client(), suite.provider(0), suite.provider(3));
    let sybils = [suite.provider(1), suite.provider(2)];
    // Wallets and bonded stake in the bond denom (the reward's), and the reward denom.
    let adversary = |suite: &Suite| -> (u128, u128) {
        let wallets = sybils.iter().chain([&client]);
        let bond: u128 = wallets.clone().map(|a| suite.balance(a, BOND_DENOM)).sum();
        let staked: u128 = sybils.iter().map(|s| stake(suite, s).0).sum();
        let reward = wallets.map(|a| suite.balance(a, REWARD_DENOM)).sum();
        (bond + staked, reward)
    };
    let before = adversary(&suite);

    let task_id = won_in(&mut suite, coin(PRICE, BOND_DENOM));
    suite
        .dispute_in(&client, task_id, coin(BOND, BOND_DENOM))
        .unwrap();
    let round = task_id + 1;
    let replicas = rerun(
        &mut suite,
        round,
        &[(1, b"wrong"), (2, b"wrong"), (3, RESULT)],
    );
    let (executor, delivered) = deliver_round(&mut suite, round, &replicas);
    assert!(sybils.contains(&executor));
    assert_eq!(status(&suite, task_id), DisputeStatus::Overturned);
    assert_eq!(
        slash_split(&delivered, &honest),
        (PRICE, COLLATERAL - PRICE)
    );

    // The adversary lost the round's fees: no gain in either denom.
    let after = adversary(&suite);
    assert_eq!(after, (before.0 - 2 * SHARE_FEE, before.1));
    assert!(after.0 < before.0);
    // Client: paid the price and had it back; paid two shares of the bond.
    assert_eq!(suite.balance(&client, BOND_DENOM), START - 2 * SHARE);
    for sybil in &sybils {
        let wallet = suite.balance(sybil, BOND_DENOM);
        assert_eq!(wallet, START - STAKE + SHARE - SHARE_FEE);
        assert_eq!(stake(&suite, sybil), RELEASED);
    }
    // The honest dissenter: its collateral back, nothing else.
    assert_eq!(stake(&suite, &dissenter), RELEASED);
    assert_eq!(suite.balance(&dissenter, BOND_DENOM), START - STAKE);
    let dissent = suite.responses(round);
    let dissent = dissent.iter().find(|r| r.provider == dissenter).unwrap();
    assert_eq!(dissent.status, ResponseStatus::Lost);
    // The honest winner keeps its pay and loses its collateral.
    assert_eq!(
        suite.balance(&honest, BOND_DENOM),
        START - STAKE + PRICE - PRICE_FEE
    );
    assert_eq!(stake(&suite, &honest), SLASHED);
    assert_eq!(
        suite.balance(&suite.treasury, BOND_DENOM),
        PRICE_FEE + 2 * SHARE_FEE + COLLATERAL - PRICE
    );
    suite.assert_conservation();
}

#[test]
fn the_disputing_client_cannot_join_its_own_round() {
    let mut suite = builder().build();
    let (client, other) = (suite.client(), suite.clients[1].clone());
    // Registered as a provider, the client may work for others...
    suite.register(&client, STAKE).unwrap();
    let spec = fixtures::spec(fixtures::first_response());
    let theirs = suite.publish(&other, spec, REWARD).unwrap();
    suite.commit_result(&client, theirs, RESULT).unwrap();
    // ...but not in the round that decides its own dispute.
    let (_, round) = disputed(&mut suite);
    assert_error(
        suite.commit_result(&client, round, b"other"),
        ContractError::SelfDealing { task_id: round },
    );
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
    assert_error(
        suite.dispute_in(&client, task_id, coin(BOND, BOND_DENOM)),
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
fn dispute_terms_need_three_replicas_and_a_strict_majority_quorum() {
    let mut suite = builder().build();
    let client = suite.client();
    let with = |replicas: u32, quorum: u32| TaskSpec {
        dispute: Some(DisputeTerms {
            replicas,
            quorum,
            ..terms()
        }),
        ..fixtures::spec(fixtures::first_response())
    };
    for (replicas, quorum) in [(1, 1), (2, 2)] {
        assert_error(
            suite.publish(&client, with(replicas, quorum), REWARD),
            ContractError::Spec(SpecError::TooFewDisputeReplicas { replicas, min: 3 }),
        );
    }
    // Half is not a majority; more than every replica is none; 5 is the most.
    for (replicas, quorum) in [(2, 1), (3, 1), (4, 2), (5, 2), (3, 4), (6, 4)] {
        assert_error(
            suite.publish(&client, with(replicas, quorum), REWARD),
            ContractError::Spec(SpecError::InvalidReplication {
                replicas,
                quorum,
                max: 5,
            }),
        );
    }
    for (replicas, quorum) in [(3, 2), (3, 3), (4, 3), (5, 3)] {
        suite
            .publish(&client, with(replicas, quorum), REWARD)
            .unwrap();
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
            ContractError::Spec(SpecError::DisputesNotSupported {
                reason: "a hash search is verified on chain at reveal".into(),
            }),
        ),
        (
            with(fixtures::sealed_bid_auction(), terms()),
            ContractError::Spec(SpecError::DisputesNotSupported {
                reason: "only first_response and manual_confirmation tasks".into(),
            }),
        ),
        (
            with(
                fixtures::first_response(),
                DisputeTerms {
                    window: 1,
                    ..terms()
                },
            ),
            ContractError::Spec(SpecError::InvalidWindow {
                window: "dispute".into(),
                value: 1,
                min: 10,
                max: 7 * 24 * 3600,
            }),
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
