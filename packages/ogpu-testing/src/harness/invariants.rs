//! What must hold after every step, whatever the actors did: conservation per asset,
//! escrows never over-spent, stake and collateral consistent with the contracts'
//! balances, terminal tasks frozen, and nobody paid for a task it did not win.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, Uint128};
use ogpu_types::settlement::EscrowStatus;
use ogpu_types::staking::{self, ProvidersResponse};
use ogpu_types::{AssetInfo, ResponseStatus, TaskResponseRecord, TaskStatus};

use crate::harness::compensation::client_share;
use crate::harness::ending::ended;
use crate::harness::model::TaskRecord;
use crate::harness::world::{World, DUAL_STAKE};
use crate::snapshot::{Balances, TaskState};
use crate::suite::{BOND_DENOM, REWARD_DENOM};

/// What a winner receives of `price`.
fn net_of_fee(price: Uint128, fee_bps: u16) -> u128 {
    (price - ogpu_types::fee::protocol_fee(price, fee_bps)).u128()
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
                let award = self.suite.award(record.id);
                let mut paid = ended(record, &state, award.as_ref(), step);
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
                let awarded = self.suite.award(record.id).is_some();
                let evicted = still_open(record, &state, awarded, now, step);
                let collateral = state.task.collateral.u128();
                self.model.tasks[i].evicted_compensation += evicted * client_share(collateral);
                self.model.tasks[i].seen = state.responses.clone();
            }
            no_free_results_and_no_self_dealing(&state, step);
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

    /// Clients hold what they did not escrow or got back, plus exactly what slashes owed
    /// them (see `compensation`); the treasury holds the fees and every other slashed
    /// amount; every other account holds its start plus what it won. (Providers' bond
    /// denom moves with their stake; the contracts' balances are the conservation
    /// check's.)
    fn balances_match_the_tasks(&self, states: &[TaskState], balances: &[Balances]) {
        let suite = &self.suite;
        let start = suite.initial_balance;
        let bond = AssetInfo::native(BOND_DENOM).key();
        let assets = [
            AssetInfo::native(REWARD_DENOM).key(),
            AssetInfo::cw20(suite.token.as_str()).key(),
            bond.clone(),
        ];
        let mut expected: BTreeMap<(Addr, String), i128> = BTreeMap::new();
        let mut add = |who: &Addr, key: &str, amount: i128| {
            *expected.entry((who.clone(), key.to_string())).or_default() += amount;
        };
        let mut compensated = 0;
        for (record, state) in self.model.tasks.iter().zip(states) {
            let task = &state.task;
            let key = task.reward.info.key();
            add(&task.client, &key, -(task.reward.amount.u128() as i128));
            if let Some(escrow) = &state.escrow {
                add(&task.client, &key, escrow.refunded.u128() as i128);
                add(&suite.treasury, &key, escrow.fees.u128() as i128);
            }
            let paid = self.compensation(record, state);
            add(&task.client, &bond, paid as i128);
            compensated += paid;
        }
        let slashed = suite.staking_totals().slashed.u128();
        add(
            &suite.treasury,
            &bond,
            slashed as i128 - compensated as i128,
        );
        add(
            &self.committers[self.committers.len() - 1],
            &bond,
            -(DUAL_STAKE as i128),
        );
        let contracts = [&suite.registry, &suite.staking, &suite.settlement];
        for balances in balances {
            let account = &balances.account;
            if contracts.contains(&account) {
                continue;
            }
            let base = if *account == suite.treasury { 0 } else { start };
            let actuals = [balances.reward, balances.cw20, balances.bond];
            for (key, actual) in assets.iter().zip(actuals) {
                if *key == bond && suite.providers.contains(account) {
                    continue;
                }
                let change = expected.get(&(account.clone(), key.clone())).copied();
                let earned = self.model.earned(account, key) as i128;
                let want = base as i128 + change.unwrap_or(0) + earned;
                assert_eq!(
                    actual as i128, want,
                    "step {}: {account} holds {key}",
                    self.step
                );
            }
        }
    }

    /// Staking's totals are the sums of the providers' records; each provider's locked
    /// collateral (the registry's ledger) is the sum of its locks and at most its bonded
    /// stake; every lock belongs to an open task on which the
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
        let (mut bonded, mut unbonding, mut locks_seen) = (0, 0, 0);
        let pending = self.pending_disputes();
        for provider in &providers.providers {
            assert!(
                provider.locked <= provider.bonded,
                "step {step}: over-locked"
            );
            bonded += provider.bonded.u128();
            unbonding += provider
                .unbonding
                .iter()
                .map(|e| e.amount.u128())
                .sum::<u128>();
            let locks = suite.locks(&provider.address);
            let sum: u128 = locks.iter().map(|l| l.amount.u128()).sum();
            assert_eq!(
                sum,
                provider.locked.u128(),
                "step {step}: locks of a provider"
            );
            for lock in &locks {
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
            locks_seen += locks.len();
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
            (bonded, unbonding),
            (totals.bonded.u128(), totals.unbonding.u128()),
            "step {step}: staking totals"
        );
    }
}

fn is_unsettled(status: ResponseStatus) -> bool {
    matches!(status, ResponseStatus::Committed | ResponseStatus::Revealed)
}

/// An open task's responses are unsettled, but for those an awarded task already judged
/// (the silent and the dissenting at the award, missed deliveries); a revealed one was revealed through the harness; a
/// response that disappeared was evicted, which only a silent one whose window passed may
/// be (only in First Response: elsewhere the reveal phase follows the commit phase).
/// Returns how many were evicted in this step.
fn still_open(
    record: &TaskRecord,
    state: &TaskState,
    awarded: bool,
    now: cosmwasm_std::Timestamp,
    step: usize,
) -> u128 {
    for response in &state.responses {
        let judged = awarded
            && matches!(
                response.status,
                ResponseStatus::Slashed | ResponseStatus::Lost
            );
        assert!(
            is_unsettled(response.status) || judged,
            "step {step}: {response:?}"
        );
        if response.status == ResponseStatus::Revealed {
            assert!(record.revealed.contains(&response.provider));
        }
    }
    let evicted: Vec<&TaskResponseRecord> = record
        .seen
        .iter()
        .filter(|seen| !state.responses.iter().any(|r| r.provider == seen.provider))
        .collect();
    for seen in &evicted {
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
    evicted.len() as u128
}

/// A result reaches the chain only where it is paid for: every response that carries one
/// won (a First Response reveal, a delivery). And a client never has a response on its own
/// task.
fn no_free_results_and_no_self_dealing(state: &TaskState, step: usize) {
    for response in &state.responses {
        assert!(
            response.result.is_none() || response.status == ResponseStatus::Won,
            "step {step}: a result on chain that was not paid for: {response:?}"
        );
        assert_ne!(
            response.provider, state.task.client,
            "step {step}: a client took part in its own task"
        );
    }
}

/// The escrow follows the task: unknown to settlement while open; closed when the task
/// ends, with payouts (each winner's price, and `extra` for a round that confirmed a
/// disputed result), fees and refunds adding up to the deposit and the fee rounded up.
fn escrow_matches_status(state: &TaskState, extra: u128, fee_bps: u16, step: usize) {
    let task = &state.task;
    let Some(escrow) = &state.escrow else {
        assert!(
            !task.status.is_terminal(),
            "step {step}: an ended task without escrow"
        );
        return;
    };
    assert!(
        task.status.is_terminal(),
        "step {step}: an open task's escrow closed"
    );
    let spent = escrow.paid_out + escrow.fees + escrow.refunded;
    assert_eq!(escrow.deposit, task.reward, "step {step}: deposit");
    assert_eq!(
        spent, escrow.deposit.amount,
        "step {step}: escrow not closed out"
    );
    let price = task.outcome.as_ref().map_or(Uint128::zero(), |o| o.price);
    let winners = state
        .responses
        .iter()
        .filter(|r| r.status == ResponseStatus::Won)
        .count() as u128;
    let status = match task.status {
        TaskStatus::Completed if !price.is_zero() => EscrowStatus::Released,
        _ => EscrowStatus::Refunded,
    };
    assert_eq!(
        escrow.status, status,
        "step {step}: escrow of a {:?} task",
        task.status
    );
    let paid = winners * price.u128() + extra;
    assert_eq!(escrow.refunded.u128(), task.reward.amount.u128() - paid);
    let net_extra = net_of_fee(Uint128::new(extra), fee_bps);
    assert_eq!(
        escrow.paid_out.u128(),
        winners * net_of_fee(price, fee_bps) + net_extra
    );
}
