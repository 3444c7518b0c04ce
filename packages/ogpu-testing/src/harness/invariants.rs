//! What must hold after every step, whatever the actors did: conservation per asset,
//! escrows never over-spent, stake and collateral consistent with the contracts'
//! balances, terminal tasks frozen, and nobody paid for a task it did not win.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, HexBinary, Uint128};
use ogpu_types::hash_search;
use ogpu_types::registry::AuctionState;
use ogpu_types::settlement::EscrowStatus;
use ogpu_types::staking::{self, LocksResponse, ProvidersResponse};
use ogpu_types::{AssetInfo, Payload, ResponseStatus, TaskResponseRecord, TaskStatus};

use crate::harness::action::Competition;
use crate::harness::model::TaskRecord;
use crate::harness::world::World;
use crate::snapshot::{Balances, TaskState};
use crate::suite::REWARD_DENOM;

/// `price − ceil(price × fee_bps / 10 000)`: what a winner receives.
fn net_of_fee(price: Uint128, fee_bps: u16) -> u128 {
    let fee = price.mul_ceil(cosmwasm_std::Decimal::bps(fee_bps.into()));
    (price - fee).u128()
}

impl World {
    /// Reads every task; checks each one that ended in this step (and records what its
    /// winner earned), and that terminal tasks never change.
    pub(crate) fn observe(&mut self) -> Vec<TaskState> {
        let step = self.step;
        let now = self.suite.app.block_info().time;
        let mut states = Vec::with_capacity(self.model.tasks.len());
        for i in 0..self.model.tasks.len() {
            let state = self.suite.task_state(self.model.tasks[i].id);
            let record = &self.model.tasks[i];
            if let Some(terminal) = &record.terminal {
                assert_eq!(terminal, &state, "step {step}: a terminal task changed");
            } else if state.task.status.is_terminal() {
                let auction = record.competition.is_auction();
                let auction = auction.then(|| self.suite.auction(record.id)).flatten();
                let mut paid = ended(record, &state, auction.as_ref(), step);
                let extra = self.round_extra(record, &state);
                if let (Some((_, winner, _)), true) = (&record.rerun_of, extra > 0) {
                    paid.push((winner.clone(), Uint128::new(extra)));
                }
                for (winner, price) in paid {
                    let key = (winner, state.task.reward.info.key());
                    *self.model.earned.entry(key).or_default() += net_of_fee(price, self.fee_bps);
                }
                self.model.tasks[i].terminal = Some(state.clone());
            } else {
                still_open(record, &state, now, step);
                self.model.tasks[i].seen = state.responses.clone();
            }
            states.push(state);
        }
        states
    }

    pub(crate) fn check_invariants(&self, states: &[TaskState]) {
        let balances = self.suite.balances();
        self.suite.assert_conservation_of(&balances);
        for (record, state) in self.model.tasks.iter().zip(states) {
            let extra = self.round_extra(record, state);
            escrow_matches_status(state, extra, self.fee_bps, self.step);
        }
        self.balances_match_the_tasks(states, &balances);
        self.stake_matches_the_locks(states);
    }

    /// Clients hold what they did not escrow or got back; the treasury holds the fees;
    /// every other account holds exactly its start plus what it won. Slashes went to
    /// clients and the treasury, nowhere else. (The contracts' own balances are the
    /// conservation check's.)
    fn balances_match_the_tasks(&self, states: &[TaskState], balances: &[Balances]) {
        let suite = &self.suite;
        let start = suite.initial_balance;
        let assets = [
            AssetInfo::native(REWARD_DENOM).key(),
            AssetInfo::cw20(suite.token.as_str()).key(),
        ];
        let mut expected: BTreeMap<(Addr, String), i128> = BTreeMap::new();
        for state in states {
            let (task, escrow) = (&state.task, &state.escrow);
            let key = task.reward.info.key();
            let mut add = |who: &Addr, amount: u128, sign: i128| {
                *expected.entry((who.clone(), key.clone())).or_default() += sign * amount as i128;
            };
            add(&task.client, escrow.deposit.amount.u128(), -1);
            add(&task.client, escrow.refunded.u128(), 1);
            add(&suite.treasury, escrow.fees.u128(), 1);
        }
        let mut slashed_out = 0;
        let contracts = [&suite.registry, &suite.staking, &suite.settlement];
        for balances in balances {
            let account = &balances.account;
            if contracts.contains(&account) {
                continue;
            }
            let base = if *account == suite.treasury { 0 } else { start };
            for (key, actual) in assets.iter().zip([balances.reward, balances.cw20]) {
                let change = expected.get(&(account.clone(), key.clone())).copied();
                let earned = self.model.earned(account, key) as i128;
                let want = base as i128 + change.unwrap_or(0) + earned;
                assert_eq!(
                    actual as i128, want,
                    "step {}: {account} holds {key}",
                    self.step
                );
            }
            if suite.clients.contains(account) {
                slashed_out += balances.bond - start;
            } else if *account == suite.treasury {
                slashed_out += balances.bond;
            }
        }
        let slashed = suite.staking_totals().slashed.u128();
        assert_eq!(slashed_out, slashed, "step {}: slashes paid out", self.step);
    }

    /// Staking's totals are the sums of the providers' records; each provider's locked
    /// collateral is the sum of its locks; every lock belongs to an open task on which the
    /// provider holds an unsettled response, and every such response has its lock.
    fn stake_matches_the_locks(&self, states: &[TaskState]) {
        let suite = &self.suite;
        let step = self.step;
        let providers: ProvidersResponse = suite.query_staking(&staking::QueryMsg::Providers {
            active_only: None,
            start_after: None,
            limit: Some(30),
        });
        let totals = suite.staking_totals();
        let (mut bonded, mut locked, mut unbonding, mut locks_seen) = (0, 0, 0, 0);
        let pending = self.pending_disputes();
        for provider in &providers.providers {
            assert!(
                provider.locked <= provider.bonded,
                "step {step}: over-locked"
            );
            bonded += provider.bonded.u128();
            locked += provider.locked.u128();
            unbonding += provider
                .unbonding
                .iter()
                .map(|e| e.amount.u128())
                .sum::<u128>();
            let locks: LocksResponse = suite.query_staking(&staking::QueryMsg::Locks {
                provider: provider.address.to_string(),
                start_after: None,
                limit: Some(30),
            });
            let sum: u128 = locks.locks.iter().map(|l| l.amount.u128()).sum();
            assert_eq!(
                sum,
                provider.locked.u128(),
                "step {step}: locks of a provider"
            );
            for lock in &locks.locks {
                let state = states.iter().find(|s| s.task.id == lock.task_id);
                let disputable = pending.contains(&(lock.task_id, provider.address.clone()));
                let holds = state.is_some_and(|s| {
                    (s.task.status == TaskStatus::Open || disputable)
                        && s.task.collateral == lock.amount
                        && s.responses.iter().any(|r| {
                            r.provider == provider.address
                                && (is_unsettled(r.status)
                                    || disputable && r.status == ResponseStatus::Won)
                        })
                });
                assert!(holds, "step {step}: lock {lock:?} of {}", provider.address);
            }
            locks_seen += locks.locks.len();
        }
        let unsettled = states
            .iter()
            .flat_map(|s| &s.responses)
            .filter(|r| is_unsettled(r.status))
            .count();
        assert_eq!(
            locks_seen,
            unsettled + pending.len(),
            "step {step}: a response without its lock"
        );
        assert_eq!(
            (bonded, locked, unbonding),
            (
                totals.bonded.u128(),
                totals.locked.u128(),
                totals.unbonding.u128()
            ),
            "step {step}: staking totals"
        );
    }
}

fn is_unsettled(status: ResponseStatus) -> bool {
    matches!(status, ResponseStatus::Committed | ResponseStatus::Revealed)
}

/// An open task's responses are unsettled (but for an awarded auction's losers and
/// slashed bidders); a revealed one was revealed through the harness; a response that
/// disappeared was evicted, which only a silent one whose window passed may be.
fn still_open(record: &TaskRecord, state: &TaskState, now: cosmwasm_std::Timestamp, step: usize) {
    let awarded = record.competition.is_auction() && state.task.best.is_some();
    for response in &state.responses {
        let judged = matches!(
            response.status,
            ResponseStatus::Lost | ResponseStatus::Slashed
        );
        assert!(
            is_unsettled(response.status) || (awarded && judged),
            "step {step}: {response:?}"
        );
        if response.status == ResponseStatus::Revealed {
            assert!(record.revealed.contains(&response.provider));
        }
    }
    for seen in &record.seen {
        let evicted = !state.responses.iter().any(|r| r.provider == seen.provider);
        if evicted {
            assert_eq!(
                seen.status,
                ResponseStatus::Committed,
                "step {step}: evicted"
            );
            assert!(
                now > seen.reveal_deadline,
                "step {step}: evicted in its window"
            );
        }
    }
}

/// Checks a task that just ended; returns each winner with its gross price. A slashed
/// provider never revealed and its window had passed, or it revealed a result outside
/// an accepted consensus, or it was an auction executor that missed its delivery. Every
/// winner revealed its own valid result through the harness and is paid what the model
/// fixes: its asked price (First Response: the reward), one replica's share of an
/// agreeing quorum, or the auction's second price.
fn ended(
    record: &TaskRecord,
    state: &TaskState,
    auction: Option<&AuctionState>,
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
                let dissenter = record.competition.replicas().is_some()
                    && outcome.is_some_and(|o| response.digest.as_ref() != Some(&o.digest));
                let missed = auction.is_some_and(|a| {
                    let executors = &a.ranking[..=a.executor as usize];
                    executors.iter().any(|o| o.provider == response.provider)
                });
                assert!(dissenter || missed, "step {step}: slashed after revealing");
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
        Competition::Consensus { replicas, quorum } => {
            agreed(record, state, &winners, quorum, step);
            let share = task.reward.amount.multiply_ratio(1u128, replicas);
            assert_eq!(outcome.price, share, "step {step}: share");
            &record.secrets[&outcome.winner].sealed.result
        }
        Competition::SealedBidAuction => {
            let auction = auction.expect("a completed auction was awarded");
            second_price(record, state, auction, step);
            let delivery = &record.deliveries[&outcome.winner];
            assert!(record.delivered.contains(&outcome.winner));
            assert!(delivery.valid && delivery.author == outcome.winner);
            assert_eq!(outcome.digest, delivery.sealed.digest);
            &delivery.sealed.result
        }
        _ => {
            let secret = &record.secrets[&outcome.winner];
            assert!(
                record.revealed.contains(&outcome.winner),
                "step {step}: never revealed"
            );
            assert!(
                secret.author == outcome.winner && secret.valid,
                "step {step}: won without a valid answer"
            );
            assert_eq!(outcome.digest, secret.sealed.digest);
            let asked = secret.sealed.price.unwrap_or(task.reward.amount);
            assert_eq!(outcome.price, asked, "step {step}: paid another price");
            &secret.sealed.result
        }
    };
    if record.competition.replicas().is_none() {
        let only: Vec<&Addr> = winners.iter().map(|r| &r.provider).collect();
        assert_eq!(only, [&outcome.winner], "step {step}: a second winner");
    }
    assert!(outcome.price <= task.reward.amount);
    if let (Some(search), Payload::Inline { data }) = (&record.search, result) {
        let nonce = hash_search::nonce_from_answer(data).expect("an 8-byte answer");
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

/// The accepted digest has at least `quorum` winners, all with their own valid result,
/// and strictly more support than any other revealed digest.
fn agreed(
    record: &TaskRecord,
    state: &TaskState,
    winners: &[&TaskResponseRecord],
    quorum: u32,
    step: usize,
) {
    let outcome = state.task.outcome.as_ref().expect("completed");
    assert!(winners.len() >= quorum as usize, "step {step}: no quorum");
    assert_eq!(winners[0].provider, outcome.winner);
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
        others.values().all(|&n| n < winners.len()),
        "step {step}: a tie or a larger minority"
    );
}

/// The ranking is every revealed bid by price, bid height and address; the executor is
/// paid the next price after its own (the reward when none follows), and each price is
/// the one its bidder sealed.
fn second_price(record: &TaskRecord, state: &TaskState, auction: &AuctionState, step: usize) {
    let mut bids: Vec<(Uint128, u64, Addr)> = state
        .responses
        .iter()
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

/// The escrow follows the task: held and untouched while open; closed when the task
/// ends, with payouts (each winner's price, and `extra` for a round that confirmed a
/// disputed result), fees and refunds adding up to the deposit and the fee rounded up.
fn escrow_matches_status(state: &TaskState, extra: u128, fee_bps: u16, step: usize) {
    let (task, escrow) = (&state.task, &state.escrow);
    let spent = escrow.paid_out + escrow.fees + escrow.refunded;
    assert!(
        spent <= escrow.deposit.amount,
        "step {step}: escrow over-spent"
    );
    assert_eq!(escrow.deposit, task.reward, "step {step}: deposit");
    let price = task.outcome.as_ref().map_or(Uint128::zero(), |o| o.price);
    let winners = state
        .responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Won)
        .count() as u128;
    let status = match task.status {
        TaskStatus::Open => EscrowStatus::Held,
        TaskStatus::Completed if !price.is_zero() => EscrowStatus::Released,
        _ => EscrowStatus::Refunded,
    };
    assert_eq!(
        escrow.status, status,
        "step {step}: escrow of a {:?} task",
        task.status
    );
    if task.status.is_terminal() {
        assert_eq!(
            spent, escrow.deposit.amount,
            "step {step}: escrow not closed out"
        );
        let paid = winners * price.u128() + extra;
        assert_eq!(escrow.refunded.u128(), task.reward.amount.u128() - paid);
        let net_extra = net_of_fee(Uint128::new(extra), fee_bps);
        assert_eq!(
            escrow.paid_out.u128(),
            winners * net_of_fee(price, fee_bps) + net_extra
        );
    } else {
        assert!(spent.is_zero(), "step {step}: an open escrow paid out");
    }
}
