//! The market's books on providers: collateral locked by commitments, checked against the
//! stake staking reports (`SyncProvider`), and the verdicts that unlock it, record
//! reputation and earnings, and order slashes. Staking is called only when stake is
//! slashed, once per judgement: every cross-contract call costs an instance fee on wasmd.

use cosmwasm_std::{Addr, Event, Response, Storage, Uint128};
use ogpu_types::events::{self, attr};
use ogpu_types::staking::{self, Compensation, SlashOrder};
use ogpu_types::{Asset, Eligibility};

use crate::error::ContractError;
use crate::ledger::child::call;
use crate::state::{Config, EARNINGS, LEDGERS, LOCKS, STAKES};

/// What happens to one provider's lock when it is judged.
pub enum Verdict {
    /// Won and was paid `earned`: unlock, `completed += 1`, earnings recorded.
    Won { earned: Asset },
    /// Lost the race, was not chosen or dissented: unlock, no counter changes.
    Released,
    /// Failed: `amount` of the lock (the whole lock when absent; at most the lock) is
    /// slashed and the rest unlocked. The slash compensates `compensation` as it says, or
    /// goes wholly to the treasury when there is none (where the client could have caused
    /// the failure or controls the accounts judged, paying it would reward abuse). A
    /// positive slash counts `failed += 1`, `slashed += 1`; a zero one is a release.
    Slashed {
        amount: Option<Uint128>,
        compensation: Option<Compensation>,
    },
}

/// Locks `amount` of `provider`'s bonded stake for its commitment to `task_id`, once the
/// provider is registered, not jailed, and meets the task's stake, reputation and device
/// demands.
pub fn lock(
    storage: &mut dyn Storage,
    config: &Config,
    task_id: u64,
    provider: &Addr,
    amount: Uint128,
    eligibility: &Eligibility,
) -> Result<Event, ContractError> {
    let name = || provider.to_string();
    let stake = STAKES
        .may_load(storage, provider)?
        .ok_or_else(|| ContractError::ProviderNotFound { provider: name() })?;
    if !stake.active {
        return Err(ContractError::ProviderDeregistered { provider: name() });
    }
    if stake.bonded < config.min_stake {
        return Err(ContractError::ProviderJailed { provider: name() });
    }
    let required = eligibility.min_stake.max(config.min_stake);
    if stake.bonded < required {
        return Err(ContractError::InsufficientStake {
            bonded: stake.bonded,
            required,
        });
    }
    let mut ledger = LEDGERS.may_load(storage, provider)?.unwrap_or_default();
    let score = ledger.reputation.score();
    if score < eligibility.min_reputation {
        return Err(ContractError::InsufficientReputation {
            score,
            required: eligibility.min_reputation,
        });
    }
    if !stake.devices.iter().any(|d| eligibility.admits(d)) {
        return Err(ContractError::NoEligibleDevice {});
    }
    let free = stake.bonded.saturating_sub(ledger.locked);
    if free < amount {
        return Err(ContractError::InsufficientFreeStake {
            free,
            needed: amount,
        });
    }
    ledger.locked = ledger.locked.checked_add(amount)?;
    LEDGERS.save(storage, provider, &ledger)?;
    LOCKS.save(storage, (provider, task_id), &amount)?;
    Ok(collateral_event(
        events::COLLATERAL_LOCKED,
        task_id,
        provider,
        amount,
    ))
}

/// The verdicts on a task's providers, applied as they come; `finish` adds their events
/// and the one staking call for the slashes among them.
pub struct Judgement {
    task_id: u64,
    slashes: Vec<SlashOrder>,
    events: Vec<Event>,
}

impl Judgement {
    pub fn new(task_id: u64) -> Self {
        Judgement {
            task_id,
            slashes: vec![],
            events: vec![],
        }
    }

    /// Settles `provider`'s lock on the task as `verdict` says.
    pub fn apply(
        &mut self,
        storage: &mut dyn Storage,
        provider: &Addr,
        verdict: Verdict,
    ) -> Result<(), ContractError> {
        let task_id = self.task_id;
        let locked = LOCKS
            .may_load(storage, (provider, task_id))?
            .ok_or_else(|| ContractError::LockNotFound {
                task_id,
                provider: provider.to_string(),
            })?;
        LOCKS.remove(storage, (provider, task_id));
        let mut ledger = LEDGERS.load(storage, provider)?;
        ledger.locked = ledger.locked.checked_sub(locked)?;
        let slashed = match verdict {
            Verdict::Won { earned } => {
                ledger.reputation.completed += 1;
                let key = earned.info.key();
                EARNINGS.update(storage, (provider, &key), |total| {
                    Ok::<_, ContractError>(total.unwrap_or_default().checked_add(earned.amount)?)
                })?;
                Uint128::zero()
            }
            Verdict::Released => Uint128::zero(),
            Verdict::Slashed {
                amount,
                compensation,
            } => {
                let amount = amount.map_or(locked, |a| a.min(locked));
                if !amount.is_zero() {
                    ledger.reputation.failed += 1;
                    ledger.reputation.slashed += 1;
                    let mut stake = STAKES.load(storage, provider)?;
                    stake.bonded = stake.bonded.checked_sub(amount)?;
                    STAKES.save(storage, provider, &stake)?;
                    self.slashes.push(SlashOrder {
                        provider: provider.to_string(),
                        amount,
                        compensation,
                    });
                }
                amount
            }
        };
        LEDGERS.save(storage, provider, &ledger)?;
        let released = locked - slashed;
        if !released.is_zero() {
            self.events.push(collateral_event(
                events::COLLATERAL_RELEASED,
                task_id,
                provider,
                released,
            ));
        }
        Ok(())
    }

    /// `response` with the verdicts' events and staking's `Slash`, when any stake is taken.
    pub fn finish(self, config: &Config, response: Response) -> Result<Response, ContractError> {
        let response = response.add_events(self.events);
        if self.slashes.is_empty() {
            return Ok(response);
        }
        let msg = staking::ExecuteMsg::Slash {
            task_id: self.task_id,
            slashes: self.slashes,
        };
        Ok(response.add_message(call(&config.staking, &msg)?))
    }
}

fn collateral_event(kind: &str, task_id: u64, provider: &Addr, amount: Uint128) -> Event {
    Event::new(kind).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::PROVIDER, provider.to_string()),
        (attr::AMOUNT, amount.to_string()),
    ])
}
