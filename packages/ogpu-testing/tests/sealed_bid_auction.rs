//! Sealed-bid reverse auction end to end: the lowest bid is awarded, delivers with one
//! `Deliver` and is paid the second price in that transaction; revealed losers stay locked
//! until the task ends; unopened bids pay a penalty that compensates the client; a missed
//! delivery is slashed to the treasury and the next bid is promoted; expiry, cw20, sealed
//! results and every reject path.

use cosmwasm_std::{Addr, Binary, HexBinary, Uint128};
use cw_multi_test::AppResponse;
use ogpu_task_registry::ContractError;
use ogpu_testing::fixtures::{self, COLLATERAL, STAKE};
use ogpu_testing::{
    assert_error, emitted, Sealed, SealedBid, Suite, SuiteBuilder, BOND_DENOM, REWARD_DENOM,
};
use ogpu_types::commitment::sha256;
use ogpu_types::validate::SpecError;
use ogpu_types::{
    events, AssetInfo, Offer, Payload, Reputation, ResponseStatus, TaskStatus,
    SEALED_RESULT_OVERHEAD,
};

const REWARD: u128 = 10_000;
const START: u128 = 1_000_000;
/// Half the collateral: the default `unrevealed_bid_penalty_bps` and the default slash
/// split (half to the client) give the client and the treasury a quarter each.
const PENALTY: u128 = COLLATERAL / 2;
/// What the executors deliver.
const RESULT: &[u8] = b"result";
/// p1 bids 4 000, p2 5 000, p0 7 000: p1 is awarded at 5 000.
const THREE_BIDS: [(usize, u128); 3] = [(1, 4_000), (2, 5_000), (0, 7_000)];

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

/// Each `(provider, price)` bids, all in the current block.
fn bid_all(suite: &mut Suite, task_id: u64, bids: &[(usize, u128)]) -> Vec<(Addr, SealedBid)> {
    bids.iter()
        .map(|&(i, price)| {
            let provider = suite.provider(i);
            let bid = suite.bid(&provider, task_id, price).unwrap();
            (provider, bid)
        })
        .collect()
}

/// Opens every bid in the reveal window, in order; returns the last reveal's response.
fn reveal_all(suite: &mut Suite, task_id: u64, bids: &[(Addr, SealedBid)]) -> AppResponse {
    open_reveals(suite, task_id);
    let mut last = None;
    for (provider, bid) in bids {
        last = Some(suite.reveal_bid(provider, task_id, bid).unwrap());
    }
    last.expect("at least one bid")
}

/// [`THREE_BIDS`], all opened, which awards p1 at 5 000.
fn three_bids(suite: &mut Suite) -> u64 {
    let task_id = publish(suite);
    let bids = bid_all(suite, task_id, &THREE_BIDS);
    reveal_all(suite, task_id, &bids);
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

/// Staking recorded `provider`'s only win: unlocked, one task completed, `price` earned
/// (gross) in the reward denom.
#[track_caller]
fn assert_won_once(suite: &Suite, task_id: u64, provider: &Addr, price: u128) {
    let info = suite.provider_info(provider);
    assert_eq!((info.bonded.u128(), info.locked.u128()), (STAKE, 0));
    assert_eq!((info.reputation.completed, info.reputation.slashed), (1, 0));
    let earnings: Vec<_> = info
        .earnings
        .iter()
        .map(|e| (e.asset.clone(), e.amount.u128()))
        .collect();
    assert_eq!(
        earnings,
        vec![(AssetInfo::native(REWARD_DENOM).key(), price)]
    );
    assert_eq!(suite.status_of(task_id, provider), ResponseStatus::Won);
}

/// `provider` lost its whole collateral for a missed delivery.
#[track_caller]
fn assert_slashed_for_missing(suite: &Suite, task_id: u64, provider: &Addr) {
    assert_eq!(suite.stake_of(provider), (STAKE - COLLATERAL, 0));
    let reputation = suite.provider_info(provider).reputation;
    assert_eq!((reputation.slashed, reputation.failed), (1, 1));
    assert_eq!(suite.status_of(task_id, provider), ResponseStatus::Slashed);
}

#[test]
fn the_lowest_bid_wins_and_is_paid_the_second_price() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let task_id = publish(&mut suite);
    let bids = bid_all(&mut suite, task_id, &THREE_BIDS);
    let last_reveal = reveal_all(&mut suite, task_id, &bids);

    assert!(emitted(&last_reveal, events::TASK_AWARDED));
    let award = suite.award(task_id).expect("awarded by the last reveal");
    assert_eq!(
        award.ranking,
        vec![offer(&p1, 4_000), offer(&p2, 5_000), offer(&p0, 7_000)]
    );
    assert_eq!((award.executor, award.price.u128()), (0, 5_000));
    assert_eq!(award.delivery_deadline.seconds(), suite.now() + 120);
    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Open);
    assert_eq!(task.best, Some(offer(&p1, 5_000)));

    let delivered = suite.deliver_result(&p1, task_id, RESULT).unwrap();
    assert!(emitted(&delivered, events::TASK_DELIVERED));
    assert!(emitted(&delivered, events::TASK_COMPLETED));
    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    let outcome = task.outcome.unwrap();
    assert_eq!(
        (outcome.winner, outcome.price.u128(), outcome.digest),
        (p1.clone(), 5_000, HexBinary::from(sha256(RESULT)))
    );
    // 5 000 gross, fee ceil(5 000 × 2.5 %) = 125; the other 5 000 go back to the client.
    assert_eq!(suite.balance(&p1, REWARD_DENOM), START + 4_875);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 125);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 5_000);
    assert_won_once(&suite, task_id, &p1, 5_000);
    suite.assert_conservation();
}

#[test]
fn revealed_losing_bids_stay_locked_until_the_delivery_then_are_released() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1, p2) = (suite.provider(0), suite.provider(1), suite.provider(2));
    let task_id = three_bids(&mut suite);
    // Awarded: any of the losers may still be promoted, so all three stay locked.
    for provider in [&p0, &p1, &p2] {
        assert_eq!(suite.stake_of(provider), (STAKE, COLLATERAL));
    }
    for loser in [&p0, &p2] {
        assert_eq!(suite.status_of(task_id, loser), ResponseStatus::Revealed);
    }

    suite.deliver_result(&p1, task_id, RESULT).unwrap();
    for loser in [&p0, &p2] {
        assert_eq!(suite.stake_of(loser), (STAKE, 0));
        assert_eq!(suite.status_of(task_id, loser), ResponseStatus::Lost);
        let info = suite.provider_info(loser);
        assert_eq!(info.reputation, Reputation::default());
        assert!(info.earnings.is_empty());
        assert_eq!(suite.balance(loser, REWARD_DENOM), START);
    }
    suite.assert_conservation();
}

#[test]
fn a_lone_bid_is_paid_the_reward() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let task_id = awarded_alone(&mut suite, &p0);
    assert_eq!(suite.award(task_id).unwrap().price.u128(), REWARD);
    suite.deliver_result(&p0, task_id, RESULT).unwrap();
    // Fee ceil(10 000 × 2.5 %) = 250.
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + REWARD - 250);
    assert_won_once(&suite, task_id, &p0, REWARD);
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
    // Opened in another order than bid: the order of reveals does not matter.
    reveal_all(
        &mut suite,
        task_id,
        &[(p1.clone(), b), (p0.clone(), a), (p2.clone(), early)],
    );
    let (low, high) = if p0 < p1 { (p0, p1) } else { (p1, p0) };
    let award = suite.award(task_id).unwrap();
    assert_eq!(
        award.ranking,
        vec![offer(&p2, 4_000), offer(&low, 4_000), offer(&high, 4_000)]
    );
    assert_eq!(award.price.u128(), 4_000);
}

#[test]
fn an_unopened_bid_pays_its_penalty_to_the_client_when_anyone_awards_after_the_window() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite);
    let silent = suite.bid(&p0, task_id, 3_000).unwrap();
    let bid = suite.bid(&p1, task_id, 6_000).unwrap();
    open_reveals(&mut suite, task_id);
    suite.reveal_bid(&p1, task_id, &bid).unwrap();
    assert_eq!(suite.award(task_id), None);

    let reveal_deadline = suite.task(task_id).reveal_deadline;
    let awarded = suite.finalize_after(&stranger, task_id, reveal_deadline);

    assert!(emitted(&awarded, events::TASK_AWARDED));
    let award = suite.award(task_id).unwrap();
    assert_eq!(award.ranking, vec![offer(&p1, 6_000)]);
    assert_eq!(award.price.u128(), REWARD);
    assert_eq!(suite.stake_of(&p0), (STAKE - PENALTY, 0));
    assert_eq!(suite.provider_info(&p0).reputation.slashed, 1);
    assert_eq!(suite.status_of(task_id, &p0), ResponseStatus::Slashed);
    // Its penalty paid, the silent bid cannot be opened any more, and says so.
    assert_error(
        suite.reveal_bid(&p0, task_id, &silent),
        ContractError::CommitmentJudged {
            task_id,
            provider: p0.to_string(),
            status: ResponseStatus::Slashed,
        },
    );
    assert_eq!(suite.stake_of(&p1), (STAKE, COLLATERAL));
    assert_eq!(suite.balance(&client, BOND_DENOM), START + PENALTY / 2);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), PENALTY / 2);
    suite.assert_conservation();
}

#[test]
fn a_missed_delivery_is_slashed_to_the_treasury_and_the_next_bid_delivers_at_its_second_price() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let task_id = three_bids(&mut suite);

    let promoted = suite.miss_delivery(task_id);

    // The whole collateral, all to the treasury: the client could have made the job
    // undeliverable, so it is not paid for a missed delivery.
    assert_slashed_for_missing(&suite, task_id, &p1);
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), COLLATERAL);
    assert!(emitted(&promoted, events::TASK_AWARDED));
    let award = suite.award(task_id).unwrap();
    // p2 executes now, paid the next price after its own: p0's 7 000.
    assert_eq!((award.executor, award.price.u128()), (1, 7_000));
    assert_eq!(award.delivery_deadline.seconds(), suite.now() + 120);
    assert_eq!(suite.task(task_id).best, Some(offer(&p2, 7_000)));
    assert_error(
        suite.deliver_result(&p1, task_id, RESULT),
        ContractError::NotExecutor {
            task_id,
            provider: p1.to_string(),
        },
    );

    suite.deliver_result(&p2, task_id, RESULT).unwrap();
    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    assert_eq!(task.outcome.unwrap().winner, p2);
    // 7 000 gross, fee 175.
    assert_eq!(suite.balance(&p2, REWARD_DENOM), START + 6_825);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - 7_000);
    assert_eq!(suite.balance(&suite.treasury, REWARD_DENOM), 175);
    // The promoted executor held its lock: its win is recorded like any other.
    assert_won_once(&suite, task_id, &p2, 7_000);
    assert_eq!(suite.stake_of(&p0), (STAKE, 0));
    assert_eq!(suite.status_of(task_id, &p0), ResponseStatus::Lost);
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START);
    suite.assert_conservation();
}

#[test]
fn a_promoted_executor_that_misses_its_delivery_is_slashed_to_the_treasury_too() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1, p2) = (
        suite.client(),
        suite.provider(0),
        suite.provider(1),
        suite.provider(2),
    );
    let task_id = three_bids(&mut suite);
    suite.miss_delivery(task_id);
    suite.miss_delivery(task_id);

    for missed in [&p1, &p2] {
        assert_slashed_for_missing(&suite, task_id, missed);
    }
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), 2 * COLLATERAL);
    let award = suite.award(task_id).unwrap();
    // p0, the last bid, has no bid after its own: it is paid the reward.
    assert_eq!((award.executor, award.price.u128()), (2, REWARD));

    suite.deliver_result(&p0, task_id, RESULT).unwrap();
    assert_eq!(suite.balance(&p0, REWARD_DENOM), START + REWARD - 250);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START - REWARD);
    assert_won_once(&suite, task_id, &p0, REWARD);
    suite.assert_conservation();
}

#[test]
fn when_no_bidder_is_left_the_task_expires_and_the_client_is_refunded() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let task_id = awarded_alone(&mut suite, &p0);

    let expired = suite.miss_delivery(task_id);

    assert!(emitted(&expired, events::TASK_EXPIRED));
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.balance(&client, BOND_DENOM), START);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), COLLATERAL);
    assert_slashed_for_missing(&suite, task_id, &p0);
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
    suite.finalize_after(&stranger, task_id, deadline);
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.award(task_id), None);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    assert_eq!(suite.balance(&client, BOND_DENOM), START + PENALTY);
    assert_eq!(suite.balance(&suite.treasury, BOND_DENOM), PENALTY);
    for provider in [&p0, &p1] {
        assert_eq!(suite.stake_of(provider), (STAKE - PENALTY, 0));
        assert_eq!(suite.status_of(task_id, provider), ResponseStatus::Slashed);
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
    suite.finalize_after(&stranger, task_id, deadline);
    assert_eq!(suite.task(task_id).status, TaskStatus::Expired);
    assert_eq!(suite.balance(&client, REWARD_DENOM), START);
    suite.assert_conservation();
}

#[test]
fn a_cw20_auction_pays_the_second_price_in_the_token() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let spec = fixtures::spec(fixtures::sealed_bid_auction());
    let task_id = suite.publish_cw20(&client, spec, REWARD).unwrap();
    let bids = bid_all(&mut suite, task_id, &[(0, 3_000), (1, 6_000)]);
    reveal_all(&mut suite, task_id, &bids);
    suite.deliver_result(&p0, task_id, RESULT).unwrap();
    // 6 000 gross, fee 150.
    assert_eq!(suite.cw20_balance(&p0), START + 5_850);
    assert_eq!(suite.cw20_balance(&suite.treasury), 150);
    assert_eq!(suite.cw20_balance(&client), START - 6_000);
    let earned = &suite.provider_info(&p0).earnings[0];
    let token = AssetInfo::cw20(suite.token.as_str()).key();
    assert_eq!((earned.asset.clone(), earned.amount.u128()), (token, 6_000));
    suite.assert_conservation();
}

#[test]
fn the_client_cannot_bid_on_its_own_auction() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let task_id = publish(&mut suite);
    assert_error(
        suite.bid(&client, task_id, 1_000),
        ContractError::SelfDealing { task_id },
    );
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
    wrong_salt.salt = HexBinary::from([9u8; 32]);
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
fn a_result_reveal_on_an_auction_is_the_wrong_model() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let task_id = awarded_alone(&mut suite, &p0);
    let wrong_model = || ContractError::WrongModel {
        task_id,
        expected: "a model with result reveals (an auction's bids open with reveal_bid, its \
                   winner delivers)"
            .into(),
    };
    // Neither an offer-style reveal (digest and price) nor the awarded executor's result
    // (First Response style) opens anything on an auction.
    let offer = Sealed::new(task_id, &p0, RESULT, 3_000, Some(3_000));
    let result = Sealed::new(task_id, &p0, RESULT, REWARD, None);
    for (sealed, with_result) in [(&offer, false), (&result, true)] {
        assert_error(
            suite.reveal_with(&p0, task_id, sealed, with_result),
            wrong_model(),
        );
    }
    assert_eq!(suite.responses(task_id)[0].result, None);
}

#[test]
fn only_the_awarded_executor_delivers_and_only_once() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let stranger = suite.stranger.clone();
    let task_id = publish(&mut suite);
    let a = suite.bid(&p0, task_id, 3_000).unwrap();
    let b = suite.bid(&p1, task_id, 6_000).unwrap();
    open_reveals(&mut suite, task_id);
    suite.reveal_bid(&p0, task_id, &a).unwrap();
    // p0 will win, but nobody is chosen until every bid is open or the window passed.
    assert_error(
        suite.deliver_result(&p0, task_id, RESULT),
        ContractError::NotAwarded { task_id },
    );
    suite.reveal_bid(&p1, task_id, &b).unwrap();
    for impostor in [&p1, &stranger] {
        assert_error(
            suite.deliver_result(impostor, task_id, RESULT),
            ContractError::NotExecutor {
                task_id,
                provider: impostor.to_string(),
            },
        );
    }
    assert!(suite.responses(task_id).iter().all(|r| r.result.is_none()));

    suite.deliver_result(&p0, task_id, RESULT).unwrap();
    assert_error(
        suite.deliver_result(&p0, task_id, RESULT),
        ContractError::TaskNotOpen {
            task_id,
            status: TaskStatus::Completed,
        },
    );
    let delivered = suite
        .responses(task_id)
        .into_iter()
        .find(|r| r.provider == p0);
    assert_eq!(
        delivered.unwrap().result,
        Some(Payload::Inline {
            data: Binary::from(RESULT)
        })
    );
    suite.assert_conservation();
}

#[test]
fn a_delivery_is_accepted_until_its_deadline_and_refused_after_it() {
    let mut suite = SuiteBuilder::new().build();
    let (p0, p1) = (suite.provider(0), suite.provider(1));
    let on_time = awarded_alone(&mut suite, &p0);
    let deadline = suite.award(on_time).unwrap().delivery_deadline;
    suite.set_time(deadline.seconds());
    suite.deliver_result(&p0, on_time, RESULT).unwrap();
    assert_eq!(suite.task(on_time).status, TaskStatus::Completed);

    let late = awarded_alone(&mut suite, &p1);
    let deadline = suite.award(late).unwrap().delivery_deadline;
    suite.set_time(deadline.seconds() + 1);
    assert_error(
        suite.deliver_result(&p1, late, RESULT),
        ContractError::DeliveryClosed {
            task_id: late,
            deadline,
        },
    );
    assert_eq!(suite.task(late).status, TaskStatus::Open);
    suite.assert_conservation();
}

#[test]
fn an_unsealed_delivery_must_hash_to_its_digest_and_fit_the_result_limit() {
    let mut suite = SuiteBuilder::new().build();
    let p0 = suite.provider(0);
    let task_id = awarded_alone(&mut suite, &p0);
    let mut mismatched = Sealed::new(task_id, &p0, RESULT, 0, None);
    mismatched.digest = HexBinary::from(sha256(b"another result"));
    assert_error(
        suite.deliver(&p0, task_id, &mismatched),
        ContractError::Spec(SpecError::ResultDigestMismatch {}),
    );
    let max = fixtures::limits().max_inline_result_bytes;
    let too_large = vec![7u8; max as usize + 1];
    assert_error(
        suite.deliver_result(&p0, task_id, &too_large),
        ContractError::Spec(SpecError::ResultTooLarge {
            size: u64::from(max) + 1,
            max: u64::from(max),
        }),
    );
    // Any digest goes, as long as the result is the one it names: no commitment binds it.
    let any = Sealed::new(task_id, &p0, b"whatever the executor computed", 0, None);
    suite.deliver(&p0, task_id, &any).unwrap();
    assert_eq!(suite.task(task_id).outcome.unwrap().digest, any.digest);
}

#[test]
fn a_sealed_delivery_is_any_sealed_result_long_enough_to_be_one() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let spec = fixtures::sealed_spec(fixtures::sealed_bid_auction());
    let task_id = suite.publish(&client, spec, REWARD).unwrap();
    let bid = suite.bid(&p0, task_id, 3_000).unwrap();
    open_reveals(&mut suite, task_id);
    suite.reveal_bid(&p0, task_id, &bid).unwrap();

    let short = [1u8; SEALED_RESULT_OVERHEAD - 1];
    assert_error(
        suite.deliver_result(&p0, task_id, &short),
        ContractError::Spec(SpecError::SealedResultTooShort {
            size: short.len() as u64,
            min: SEALED_RESULT_OVERHEAD as u64,
        }),
    );
    // Only the client can open it, so its digest cannot be checked on chain.
    let mut sealed = Sealed::new(task_id, &p0, &[1u8; SEALED_RESULT_OVERHEAD], 0, None);
    sealed.digest = HexBinary::from(sha256(b"the plaintext"));
    suite.deliver(&p0, task_id, &sealed).unwrap();
    let task = suite.task(task_id);
    assert_eq!(task.status, TaskStatus::Completed);
    assert_eq!(task.outcome.unwrap().digest, sealed.digest);
    suite.assert_conservation();
}
