//! Sealed-bid reverse auction end to end: second-price payment, ties, penalties for
//! unopened bids, missed deliveries and promotion, expiry, cw20, and every reject path.

use cosmwasm_std::{Addr, Uint128};
use ogpu_task_registry::ContractError;
use ogpu_testing::fixtures::{self, COLLATERAL, STAKE};
use ogpu_testing::{assert_error, Suite, SuiteBuilder, BOND_DENOM, REWARD_DENOM};
use ogpu_types::{Offer, ResponseStatus, TaskStatus};

const REWARD: u128 = 10_000;
const START: u128 = 1_000_000;
/// Half the collateral: the default `unrevealed_bid_penalty_bps` and the default slash
/// split (half to the client) give the client and the treasury a quarter each.
const PENALTY: u128 = COLLATERAL / 2;

fn publish(suite: &mut Suite) -> u64 {
    let client = suite.client();
    let spec = fixtures::spec(fixtures::sealed_bid_auction());
    suite.publish(&client, spec, REWARD).unwrap()
}

/// Moves into the bid reveal window.
fn open_reveals(suite: &mut Suite, task_id: u64) {
    let deadline = suite.task(task_id).commit_deadline.seconds();
    suite.set_time(deadline + 1);
}

/// p1 bids 4 000, p2 5 000, p0 7 000; all reveal, which awards p1 at 5 000.
fn three_bids(suite: &mut Suite) -> u64 {
    let task_id = publish(suite);
    let bids: Vec<_> = [(1, 4_000), (2, 5_000), (0, 7_000)]
        .into_iter()
        .map(|(i, price)| {
            let provider = suite.provider(i);
            (
                provider.clone(),
                suite.bid(&provider, task_id, price).unwrap(),
            )
        })
        .collect();
    open_reveals(suite, task_id);
    for (provider, bid) in &bids {
        suite.reveal_bid(provider, task_id, bid).unwrap();
    }
    task_id
}

/// `provider` bids 3 000 alone and opens it, which awards it the auction at the reward.
fn awarded_alone(suite: &mut Suite, provider: &Addr) -> u64 {
    let task_id = publish(suite);
    let bid = suite.bid(provider, task_id, 3_000).unwrap();
    open_reveals(suite, task_id);
    suite.reveal_bid(provider, task_id, &bid).unwrap();
    task_id
}

fn offer(provider: &Addr, price: u128) -> Offer {
    Offer {
        provider: provider.clone(),
        price: Uint128::new(price),
    }
}

/// The executor commits its result, then reveals it a block later.
fn deliver(suite: &mut Suite, provider: &Addr, task_id: u64) {
    let sealed = suite.commit_delivery(provider, task_id, b"result").unwrap();
    suite.advance_blocks(1);
    suite.reveal(provider, task_id, &sealed).unwrap();
}

#[test]
fn the_lowest_bid_wins_is_paid_the_second_price_and_losers_are_released_at_the_award() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let task_id = three_bids(&mut suite);

    let auction = suite.auction(task_id).expect("awarded by the last reveal");
    assert_eq!(
        auction.ranking,
        vec![offer(&p1, 4_000), offer(&p2, 5_000), offer(&p0, 7_000)]
    );
    assert_eq!((auction.executor, auction.price.u128()), (0, 5_000));
    assert_eq!(auction.delivery_deadline.seconds(), suite.now() + 120);
    assert_eq!(suite.task(task_id).best, Some(offer(&p1, 5_000)));
    for (provider, locked) in [(&p0, 0), (&p1, COLLATERAL), (&p2, 0)] {
        assert_eq!(suite.provider_info(provider).locked.u128(), locked);
    }

    deliver(&mut suite, &p1, task_id);
    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    let outcome = task.outcome.unwrap();
    assert_eq!((outcome.winner, outcome.price.u128()), (p1.clone(), 5_000));
    // 5 000 gross, fee ceil(5 000 × 2.5 %) = 125; the other 5 000 go back to the client.
    assert_eq!(suite.balance(&p1, REWARD_DENOM), START + 4_875);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 125);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 5_000);
    let info = suite.provider_info(&p1);
    assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    assert_eq!(info.reputation.completed, 1);
    let statuses: Vec<_> = suite
        .responses(task_id)
        .into_iter()
        .map(|r| (r.provider, r.status))
        .collect();
    for (provider, status) in statuses {
        let expected = if provider == p1 {
            ResponseStatus::Won
        } else {
            ResponseStatus::Lost
        };
        assert_eq!(status, expected);
    }
    suite.assert_conservation();
}

#[test]
fn a_lone_bid_is_paid_the_reward() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let task_id = awarded_alone(&mut suite, &p0);
    assert_eq!(suite.auction(task_id).unwrap().price.u128(), REWARD);
    deliver(&mut suite, &p0, task_id);
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + REWARD - 250);
    suite.assert_conservation();
}

#[test]
fn ties_go_to_the_earliest_bid_then_the_lower_address() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1, p2) = (suite.provider(0), suite.provider(1), suite.provider(2));
    let task_id = publish(&mut suite);
    let early = suite.bid(&p2, task_id, 4_000).unwrap();
    suite.advance_blocks(1);
    let a = suite.bid(&p0, task_id, 4_000).unwrap();
    let b = suite.bid(&p1, task_id, 4_000).unwrap();
    open_reveals(&mut suite, task_id);
    suite.reveal_bid(&p1, task_id, &b).unwrap();
    suite.reveal_bid(&p0, task_id, &a).unwrap();
    suite.reveal_bid(&p2, task_id, &early).unwrap();
    let (low, high) = if p0 < p1 { (p0, p1) } else { (p1, p0) };
    let auction = suite.auction(task_id).unwrap();
    assert_eq!(
        auction.ranking,
        vec![offer(&p2, 4_000), offer(&low, 4_000), offer(&high, 4_000)]
    );
    assert_eq!(auction.price.u128(), 4_000);
}

#[test]
fn an_unopened_bid_loses_part_of_its_collateral_when_anyone_awards_after_the_window() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite);
    suite.bid(&p0, task_id, 3_000).unwrap();
    let bid = suite.bid(&p1, task_id, 6_000).unwrap();
    open_reveals(&mut suite, task_id);
    suite.reveal_bid(&p1, task_id, &bid).unwrap();
    assert_eq!(suite.auction(task_id), None);

    let reveal_deadline = suite.task(task_id).reveal_deadline;
    suite.finalize_after(&stranger, task_id, reveal_deadline);

    let auction = suite.auction(task_id).unwrap();
    assert_eq!(auction.ranking, vec![offer(&p1, 6_000)]);
    assert_eq!(auction.price.u128(), REWARD);
    let info = suite.provider_info(&p0);
    assert_eq!(
        (info.bonded.u128(), info.locked.u128()),
        (STAKE - PENALTY, 0)
    );
    assert_eq!(info.reputation.slashed, 1);
    assert_eq!(suite.balance(&client, BOND_DENOM), START + PENALTY / 2);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), PENALTY / 2);
    let p0_status = suite
        .responses(task_id)
        .into_iter()
        .find(|r| r.provider == p0);
    assert_eq!(p0_status.unwrap().status, ResponseStatus::Slashed);
    suite.assert_conservation();
}

#[test]
fn a_missed_delivery_slashes_the_winner_and_promotes_the_next_bidder() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let stranger = suite.stranger.clone();
    let task_id = three_bids(&mut suite);
    let deadline = suite.auction(task_id).unwrap().delivery_deadline;

    suite.finalize_after(&stranger, task_id, deadline);

    let info = suite.provider_info(&p1);
    assert_eq!(
        (info.bonded.u128(), info.locked.u128()),
        (STAKE - COLLATERAL, 0)
    );
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    let auction = suite.auction(task_id).unwrap();
    // p2 executes now, paid the next price after its own: p0's 7 000.
    assert_eq!((auction.executor, auction.price.u128()), (1, 7_000));
    assert_eq!(auction.delivery_deadline.seconds(), suite.now() + 120);
    assert_eq!(suite.task(task_id).best, Some(offer(&p2, 7_000)));
    assert_error(
        suite.commit_delivery(&p1, task_id, b"late"),
        ContractError::NotExecutor {
            task_id,
            provider: p1.to_string(),
        },
    );

    deliver(&mut suite, &p2, task_id);
    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    assert_eq!(task.outcome.unwrap().winner, p2);
    // 7 000 gross, fee 175.
    assert_eq!(suite.balance(&p2, REWARD_DENOM), START + 6_825);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 7_000);
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START);
    suite.assert_conservation();
}

#[test]
fn when_no_bidder_is_left_the_client_is_refunded() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let stranger = suite.stranger.clone();
    let task_id = awarded_alone(&mut suite, &p0);
    // A commitment made but never opened is still a missed delivery.
    suite.commit_delivery(&p0, task_id, b"result").unwrap();
    let deadline = suite.auction(task_id).unwrap().delivery_deadline;
    suite.set_time(deadline.seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();

    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.balance(&client, BOND_DENOM), START + COLLATERAL / 2);
    assert_eq!(suite.provider_info(&p0).bonded.u128(), STAKE - COLLATERAL);
    assert_eq!(suite.responses(task_id)[0].status, ResponseStatus::Slashed);
    suite.assert_conservation();
}

#[test]
fn an_auction_nobody_opens_expires_with_every_bid_penalized() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite);
    suite.bid(&p0, task_id, 3_000).unwrap();
    suite.bid(&p1, task_id, 4_000).unwrap();
    let deadline = suite.task(task_id).reveal_deadline;
    suite.set_time(deadline.seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.balance(&client, BOND_DENOM), START + PENALTY);
    for provider in [&p0, &p1] {
        let info = suite.provider_info(provider);
        assert_eq!(
            (info.bonded.u128(), info.locked.u128()),
            (STAKE - PENALTY, 0)
        );
    }
    suite.assert_conservation();
}

#[test]
fn an_auction_without_bids_expires_after_the_bid_window() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite);
    let deadline = suite.task(task_id).commit_deadline;
    suite.set_time(deadline.seconds() + 1);
    suite.finalize(&stranger, task_id).unwrap();
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    suite.assert_conservation();
}

#[test]
fn a_cw20_auction_pays_the_second_price_in_the_token() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let spec = fixtures::spec(fixtures::sealed_bid_auction());
    let task_id = suite.publish_cw20(&client, spec, REWARD).unwrap();
    let a = suite.bid(&p0, task_id, 3_000).unwrap();
    let b = suite.bid(&p1, task_id, 6_000).unwrap();
    open_reveals(&mut suite, task_id);
    suite.reveal_bid(&p0, task_id, &a).unwrap();
    suite.reveal_bid(&p1, task_id, &b).unwrap();
    deliver(&mut suite, &p0, task_id);
    // 6 000 gross, fee 150.
    assert_eq!(suite.cw20_balance(&p0), START + 5_850);
    assert_eq!(suite.cw20_balance(&suite.treasury), 150);
    assert_eq!(suite.cw20_balance(&client), START - 6_000);
    suite.assert_conservation();
}

#[test]
fn bid_reveals_are_checked() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1, p2) = (suite.provider(0), suite.provider(1), suite.provider(2));
    let task_id = publish(&mut suite);
    let bid = suite.bid(&p0, task_id, 3_000).unwrap();
    let height = suite.app.block_info().height;
    assert_error(
        suite.reveal_bid(&p0, task_id, &bid),
        ContractError::RevealTooEarly {
            committed_height: height,
        },
    );
    suite.advance_blocks(1);
    let task = suite.task(task_id);
    assert_error(
        suite.reveal_bid(&p0, task_id, &bid),
        ContractError::RevealNotOpen {
            task_id,
            opens_after: task.commit_deadline,
        },
    );
    // Copy-proof: p1 posts p0's sealed bid; only p0 can open it.
    let copied = ogpu_types::registry::ExecuteMsg::Commit {
        task_id,
        commitment: bid.commitment.clone(),
    };
    suite.exec_registry(&p1, &copied).unwrap();
    let greedy = suite.bid(&p2, task_id, REWARD + 1).unwrap();
    open_reveals(&mut suite, task_id);
    assert_error(
        suite.reveal_bid(&p1, task_id, &bid),
        ContractError::CommitmentMismatch {},
    );
    let mut wrong_salt = bid.clone();
    wrong_salt.salt = cosmwasm_std::HexBinary::from([9u8; 32]);
    assert_error(
        suite.reveal_bid(&p0, task_id, &wrong_salt),
        ContractError::CommitmentMismatch {},
    );
    let mut other_price = bid.clone();
    other_price.price = Uint128::new(2_999);
    assert_error(
        suite.reveal_bid(&p0, task_id, &other_price),
        ContractError::CommitmentMismatch {},
    );
    assert_error(
        suite.reveal_bid(&p2, task_id, &greedy),
        ContractError::PriceAboveReward {
            price: Uint128::new(REWARD + 1),
            reward: Uint128::new(REWARD),
        },
    );
    let stranger = suite.stranger.clone();
    assert_error(
        suite.reveal_bid(&stranger, task_id, &bid),
        ContractError::NoCommitment {
            task_id,
            provider: stranger.to_string(),
        },
    );
    assert_error(
        suite.bid(&stranger, task_id, 1_000),
        ContractError::CommitClosed {
            task_id,
            deadline: task.commit_deadline,
        },
    );
    suite.reveal_bid(&p0, task_id, &bid).unwrap();
    assert_error(
        suite.reveal_bid(&p0, task_id, &bid),
        ContractError::AlreadyRevealed {
            task_id,
            provider: p0.to_string(),
        },
    );
    suite.set_time(task.reveal_deadline.seconds() + 1);
    assert_error(
        suite.reveal_bid(&p2, task_id, &greedy),
        ContractError::RevealWindowClosed {
            deadline: task.reveal_deadline,
        },
    );
    // A bid reveal on another model.
    let client = suite.client();
    let fr = suite
        .publish(&client, fixtures::spec(fixtures::first_response()), REWARD)
        .unwrap();
    assert_error(
        suite.reveal_bid(&p0, fr, &bid),
        ContractError::WrongModel {
            task_id: fr,
            expected: "sealed_bid_auction".into(),
        },
    );
}

#[test]
fn bids_are_capped_per_task() {
    let limits = ogpu_types::registry::TaskLimits {
        max_commitments: 2,
        ..fixtures::limits()
    };
    let mut suite = SuiteBuilder {
        limits,
        ..SuiteBuilder::new()
    }
    .build();
    let (p0, p1, p2) = (suite.provider(0), suite.provider(1), suite.provider(2));
    let task_id = publish(&mut suite);
    suite.bid(&p0, task_id, 1_000).unwrap();
    suite.bid(&p1, task_id, 1_000).unwrap();
    assert_error(
        suite.bid(&p2, task_id, 1_000),
        ContractError::TooManyCommitments { task_id, max: 2 },
    );
}

#[test]
fn only_the_executor_delivers_once_in_a_later_block_before_its_deadline() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite);
    let a = suite.bid(&p0, task_id, 3_000).unwrap();
    let b = suite.bid(&p1, task_id, 6_000).unwrap();
    open_reveals(&mut suite, task_id);
    suite.reveal_bid(&p0, task_id, &a).unwrap();

    let early = ogpu_testing::Sealed::new(task_id, &p0, b"r", 6_000, None);
    assert_error(
        suite.reveal(&p0, task_id, &early),
        ContractError::NotAwarded { task_id },
    );
    suite.reveal_bid(&p1, task_id, &b).unwrap();
    for intruder in [&p1, &stranger] {
        assert_error(
            suite.commit_delivery(intruder, task_id, b"r"),
            ContractError::NotExecutor {
                task_id,
                provider: intruder.to_string(),
            },
        );
        assert_error(
            suite.reveal(intruder, task_id, &early),
            ContractError::NotExecutor {
                task_id,
                provider: intruder.to_string(),
            },
        );
    }
    assert_error(
        suite.reveal(&p0, task_id, &early),
        ContractError::NoCommitment {
            task_id,
            provider: p0.to_string(),
        },
    );
    let sealed = suite.commit_delivery(&p0, task_id, b"r").unwrap();
    assert_eq!(sealed, early);
    assert_error(
        suite.commit_delivery(&p0, task_id, b"r"),
        ContractError::AlreadyCommitted {
            task_id,
            provider: p0.to_string(),
        },
    );
    let height = suite.app.block_info().height;
    assert_error(
        suite.reveal(&p0, task_id, &sealed),
        ContractError::RevealTooEarly {
            committed_height: height,
        },
    );
    suite.advance_blocks(1);
    let mut priced = sealed.clone();
    priced.price = Some(Uint128::new(6_000));
    assert_error(
        suite.reveal(&p0, task_id, &priced),
        ContractError::PriceNotAccepted {},
    );
    let other = ogpu_testing::Sealed::new(task_id, &p0, b"other", 6_000, None);
    assert_error(
        suite.reveal(&p0, task_id, &other),
        ContractError::CommitmentMismatch {},
    );
    let deadline = suite.auction(task_id).unwrap().delivery_deadline;
    suite.set_time(deadline.seconds() + 1);
    assert_error(
        suite.reveal(&p0, task_id, &sealed),
        ContractError::DeliveryClosed { task_id, deadline },
    );
}

#[test]
fn a_late_delivery_commitment_is_refused() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let task_id = awarded_alone(&mut suite, &p0);
    let deadline = suite.auction(task_id).unwrap().delivery_deadline;
    suite.set_time(deadline.seconds() + 1);
    assert_error(
        suite.commit_delivery(&p0, task_id, b"r"),
        ContractError::DeliveryClosed { task_id, deadline },
    );
}
