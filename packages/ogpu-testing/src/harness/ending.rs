//! What must hold of a task that just ended: every slash had its reason, every winner
//! revealed its own valid result through the harness (and, where the task was awarded,
//! delivered it in time), and each was paid what its model fixes.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, HexBinary, Uint128};
use ogpu_types::hash_search;
use ogpu_types::registry::AwardState;
use ogpu_types::{Payload, ResponseStatus, TaskResponseRecord, TaskStatus};

use crate::harness::action::Competition;
use crate::harness::model::TaskRecord;
use crate::snapshot::TaskState;

/// Checks a task that just ended; returns each winner with its gross price. A slashed
/// provider never revealed and its window had passed, or it was chosen to deliver and
/// missed its deadline (a dissenting replica is never slashed). Every winner revealed its
/// own valid result through the harness and is paid what the model fixes: the reward in
/// First Response; on delivery, its own offer (Manual Confirmation), the auction's second
/// price, or each agreeing replica's share.
pub(crate) fn ended(
    record: &TaskRecord,
    state: &TaskState,
    award: Option<&AwardState>,
    step: usize,
) -> Vec<(Addr, Uint128)> {
    let task = &state.task;
    let finished_at = task.finished_at.expect("a terminal task has an end");
    let outcome = task.outcome.as_ref();
    assert_eq!(outcome.is_some(), task.status == TaskStatus::Completed);
    let winners: Vec<&TaskResponseRecord> = state
        .responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Won)
        .collect();
    for response in &state.responses {
        let revealed = record.revealed.contains(&response.provider);
        match response.status {
            ResponseStatus::Won | ResponseStatus::Lost => {}
            ResponseStatus::Slashed if !revealed => assert!(
                finished_at > response.reveal_deadline,
                "step {step}: slashed early"
            ),
            ResponseStatus::Slashed => {
                let missed = award.is_some_and(|a| {
                    let chosen = &a.ranking[..=a.executor as usize];
                    chosen.iter().any(|o| o.provider == response.provider)
                });
                assert!(missed, "step {step}: slashed after revealing");
            }
            _ => panic!(
                "step {step}: an ended task's response is {:?}",
                response.status
            ),
        }
    }
    let Some(outcome) = outcome else {
        assert!(winners.is_empty(), "step {step}: a winner without outcome");
        return vec![];
    };
    let result = match record.competition {
        Competition::FirstResponse => {
            let secret = own_valid_secret(record, &outcome.winner, step);
            assert_eq!(outcome.digest, secret.sealed.digest);
            assert_eq!(
                outcome.price, task.reward.amount,
                "step {step}: not the reward"
            );
            &secret.sealed.result
        }
        competition => {
            let award = award.expect("a completed task with a delivery was awarded");
            let (deliverer, delivery) = record.delivered.as_ref().expect("delivered");
            assert_eq!(
                *deliverer, award.ranking[award.executor as usize].provider,
                "step {step}: delivered by another than the chosen one"
            );
            assert!(delivery.valid && delivery.author == *deliverer);
            assert_eq!(outcome.digest, delivery.sealed.digest);
            match competition {
                Competition::Consensus { replicas, quorum } => {
                    agreed(record, state, &winners, award, quorum, step);
                    let share = task.reward.amount.multiply_ratio(1u128, replicas);
                    assert_eq!(outcome.price, share, "step {step}: share");
                }
                Competition::SealedBidAuction => second_price(record, state, award, step),
                _ => {
                    let secret = own_valid_secret(record, &outcome.winner, step);
                    assert_eq!(outcome.digest, secret.sealed.digest);
                    let asked = secret.sealed.price.expect("an offer has a price");
                    assert_eq!(outcome.price, asked, "step {step}: paid another price");
                }
            }
            &delivery.sealed.result
        }
    };
    if record.competition.replicas().is_none() {
        let only: Vec<&Addr> = winners.iter().map(|r| &r.provider).collect();
        assert_eq!(only, [&outcome.winner], "step {step}: a second winner");
    }
    assert!(outcome.price <= task.reward.amount);
    if let (Some(search), Payload::Inline { data }) = (&record.search, result) {
        let nonce = hash_search::nonce_from_answer(data.as_slice()).expect("an 8-byte answer");
        assert!(hash_search::verify(
            &search.prefix,
            search.difficulty,
            nonce
        ));
    }
    winners
        .iter()
        .map(|w| (w.provider.clone(), outcome.price))
        .collect()
}

/// The winner revealed its own valid result through the harness.
fn own_valid_secret<'a>(
    record: &'a TaskRecord,
    winner: &Addr,
    step: usize,
) -> &'a crate::harness::model::Secret {
    let secret = &record.secrets[winner];
    assert!(
        record.revealed.contains(winner),
        "step {step}: never revealed"
    );
    assert!(
        secret.author == *winner && secret.valid,
        "step {step}: won without a valid answer"
    );
    secret
}

/// At least `quorum` replicas revealed the accepted digest (the award's ranking); the
/// winners are those of them that did not miss their turn to deliver, each with its own
/// valid result; no other digest has as much support.
fn agreed(
    record: &TaskRecord,
    state: &TaskState,
    winners: &[&TaskResponseRecord],
    award: &AwardState,
    quorum: u32,
    step: usize,
) {
    let outcome = state.task.outcome.as_ref().expect("completed");
    assert!(
        award.ranking.len() >= quorum as usize,
        "step {step}: no quorum"
    );
    let standing: Vec<&Addr> = award.ranking[award.executor as usize..]
        .iter()
        .map(|o| &o.provider)
        .collect();
    let mut paid: Vec<&Addr> = winners.iter().map(|w| &w.provider).collect();
    paid.sort();
    let mut expected = standing.clone();
    expected.sort();
    assert_eq!(paid, expected, "step {step}: paid replicas");
    assert_eq!(*standing[0], outcome.winner);
    for winner in winners {
        let secret = &record.secrets[&winner.provider];
        assert!(record.revealed.contains(&winner.provider));
        assert!(secret.author == winner.provider && secret.valid);
        assert_eq!(secret.sealed.digest, outcome.digest);
    }
    let mut others: BTreeMap<&HexBinary, usize> = BTreeMap::new();
    for response in &state.responses {
        if let Some(digest) = response.digest.as_ref().filter(|d| **d != outcome.digest) {
            *others.entry(digest).or_default() += 1;
        }
    }
    assert!(
        others.values().all(|&n| n < award.ranking.len()),
        "step {step}: a tie or a larger minority"
    );
}

/// The ranking is every revealed bid by price, bid height and address; the executor is
/// paid the next price after its own (the reward when none follows), and each price is
/// the one its bidder sealed.
fn second_price(record: &TaskRecord, state: &TaskState, auction: &AwardState, step: usize) {
    let mut bids: Vec<(Uint128, u64, Addr)> = state
        .responses
        .iter()
        .filter(|r| record.revealed.contains(&r.provider))
        .filter_map(|r| r.price.map(|p| (p, r.committed_height, r.provider.clone())))
        .collect();
    bids.sort();
    let ranking: Vec<(Uint128, Addr)> = auction
        .ranking
        .iter()
        .map(|o| (o.price, o.provider.clone()))
        .collect();
    let expected: Vec<(Uint128, Addr)> = bids.into_iter().map(|(p, _, a)| (p, a)).collect();
    assert_eq!(ranking, expected, "step {step}: ranking");
    for offer in &auction.ranking {
        assert_eq!(
            record.secrets[&offer.provider].sealed.price,
            Some(offer.price)
        );
    }
    let position = auction.executor as usize;
    let outcome = state.task.outcome.as_ref().expect("completed");
    assert_eq!(outcome.winner, auction.ranking[position].provider);
    let next = auction.ranking.get(position + 1);
    let price = next.map_or(state.task.reward.amount, |o| o.price);
    assert_eq!(outcome.price, price, "step {step}: not the second price");
}
