//! The registry's messages: lock collateral (the eligibility check) and settle a task's
//! locks (unlock, slash, reputation and earnings) in one call.

use cosmwasm_std::{Addr, Decimal, DepsMut, Event, MessageInfo, Response, Uint128};
use cw_utils::nonpayable;
use ogpu_types::events::{self, attr};
use ogpu_types::staking::{CollateralOutcome, ProviderStatus, Verdict};
use ogpu_types::{Asset, AssetInfo, Eligibility};

use crate::error::ContractError;
use crate::execute::{only_registry, payout};
use crate::state::{Config, Provider, Totals, EARNINGS, LOCKS, PROVIDERS, TOTALS};

/// Most outcomes in one settlement (the registry caps a task at 64 commitments).
pub const MAX_OUTCOMES: usize = 64;

pub fn lock(
    deps: DepsMut,
    info: MessageInfo,
    task_id: u64,
    provider: String,
    amount: Uint128,
    eligibility: Eligibility,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = only_registry(deps.storage, &info.sender)?;
    let address = deps.api.addr_validate(&provider)?;
    let mut record = PROVIDERS.may_load(deps.storage, &address)?.ok_or_else(|| {
        ContractError::ProviderNotFound {
            provider: provider.clone(),
        }
    })?;
    match record.status(config.params.min_stake) {
        ProviderStatus::Deregistered => {
            return Err(ContractError::ProviderDeregistered { provider })
        }
        ProviderStatus::Jailed => return Err(ContractError::ProviderJailed { provider }),
        ProviderStatus::Active => {}
    }
    let required = eligibility.min_stake.max(config.params.min_stake);
    if record.bonded < required {
        return Err(ContractError::InsufficientStake {
            bonded: record.bonded,
            required,
        });
    }
    let score = record.reputation.score();
    if score < eligibility.min_reputation {
        return Err(ContractError::InsufficientReputation {
            score,
            required: eligibility.min_reputation,
        });
    }
    if !record
        .metadata
        .devices
        .iter()
        .any(|d| eligibility.admits_device(d))
    {
        return Err(ContractError::NoEligibleDevice {});
    }
    if LOCKS.has(deps.storage, (&address, task_id)) {
        return Err(ContractError::AlreadyLocked { task_id, provider });
    }
    if record.free() < amount {
        return Err(ContractError::InsufficientFreeStake {
            free: record.free(),
            needed: amount,
        });
    }
    record.locked = record.locked.checked_add(amount)?;
    PROVIDERS.save(deps.storage, &address, &record)?;
    LOCKS.save(deps.storage, (&address, task_id), &amount)?;
    TOTALS.update(deps.storage, |mut t| -> Result<_, ContractError> {
        t.locked = t.locked.checked_add(amount)?;
        Ok(t)
    })?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "lock_collateral")
        .add_event(Event::new(events::COLLATERAL_LOCKED).add_attributes([
            (attr::TASK_ID, task_id.to_string()),
            (attr::PROVIDER, provider),
            (attr::AMOUNT, amount.to_string()),
        ])))
}

pub fn settle(
    deps: DepsMut,
    info: MessageInfo,
    task_id: u64,
    outcomes: Vec<CollateralOutcome>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = only_registry(deps.storage, &info.sender)?;
    if outcomes.len() > MAX_OUTCOMES {
        return Err(ContractError::TooManyOutcomes {
            count: outcomes.len() as u64,
            max: MAX_OUTCOMES as u64,
        });
    }
    let mut totals = TOTALS.load(deps.storage)?;
    let mut response = Response::new().add_attribute(attr::ACTION, "settle_collateral");
    for outcome in outcomes {
        let address = deps.api.addr_validate(&outcome.provider)?;
        let lock_key = (&address, task_id);
        let locked =
            LOCKS
                .may_load(deps.storage, lock_key)?
                .ok_or_else(|| ContractError::LockNotFound {
                    task_id,
                    provider: outcome.provider.clone(),
                })?;
        LOCKS.remove(deps.storage, lock_key);
        let mut record = PROVIDERS.load(deps.storage, &address)?;
        record.locked = record.locked.checked_sub(locked)?;
        totals.locked = totals.locked.checked_sub(locked)?;
        let slashed = match outcome.verdict {
            Verdict::Won { earned } => {
                record.reputation.completed += 1;
                let key = earned.info.key();
                let total = EARNINGS
                    .may_load(deps.storage, (&address, &key))?
                    .unwrap_or_default()
                    .checked_add(earned.amount)?;
                EARNINGS.save(deps.storage, (&address, &key), &total)?;
                Uint128::zero()
            }
            Verdict::Released {} => Uint128::zero(),
            Verdict::Slashed {
                amount,
                compensation,
            } => {
                let slash = Slash {
                    task_id,
                    provider: &outcome.provider,
                    amount: amount.map_or(locked, |a| a.min(locked)),
                    compensation: compensation
                        .map(|c| -> Result<_, ContractError> {
                            Ok((deps.api.addr_validate(&c.client)?, c.cap))
                        })
                        .transpose()?,
                };
                response = slash.apply(&config, &mut record, &mut totals, response)?;
                slash.amount
            }
        };
        let released = locked - slashed;
        if !released.is_zero() {
            response = response.add_event(released_event(task_id, &outcome.provider, released));
        }
        PROVIDERS.save(deps.storage, &address, &record)?;
    }
    TOTALS.save(deps.storage, &totals)?;
    Ok(response)
}

/// Part of a provider's lock taken for a failure on a task: the client's share of it (at
/// most the cap) compensates the client, the rest goes to the treasury.
struct Slash<'a> {
    task_id: u64,
    provider: &'a str,
    amount: Uint128,
    /// The harmed client and the most it may receive; `None`: all to the treasury.
    compensation: Option<(Addr, Option<Asset>)>,
}

impl Slash<'_> {
    /// Takes the stake and pays it out. A zero amount changes nothing: it is no slash.
    fn apply(
        &self,
        config: &Config,
        record: &mut Provider,
        totals: &mut Totals,
        response: Response,
    ) -> Result<Response, ContractError> {
        let amount = self.amount;
        if amount.is_zero() {
            return Ok(response);
        }
        record.bonded = record.bonded.checked_sub(amount)?;
        record.reputation.failed += 1;
        record.reputation.slashed += 1;
        totals.bonded = totals.bonded.checked_sub(amount)?;
        totals.slashed = totals.slashed.checked_add(amount)?;
        let client_share = Decimal::bps(config.params.slash_client_share_bps.into());
        let denom = &config.params.bond_denom;
        let (client, to_client) = match &self.compensation {
            Some((client, cap)) => {
                let share = amount.mul_floor(client_share);
                let bond = AssetInfo::native(denom.as_str());
                let capped = match cap {
                    None => share,
                    Some(cap) if cap.info == bond => share.min(cap.amount),
                    // Not comparable with a slash in the bond denom: nothing.
                    Some(_) => Uint128::zero(),
                };
                (Some(client), capped)
            }
            None => (None, Uint128::zero()),
        };
        let to_treasury = amount.checked_sub(to_client)?;
        let mut response = response;
        if let Some(client) = client.filter(|_| !to_client.is_zero()) {
            response = response.add_submessage(payout::send(client, to_client, denom)?);
        }
        if !to_treasury.is_zero() {
            response = response.add_submessage(payout::send(&config.treasury, to_treasury, denom)?);
        }
        Ok(
            response.add_event(Event::new(events::PROVIDER_SLASHED).add_attributes([
                (attr::TASK_ID, self.task_id.to_string()),
                (attr::PROVIDER, self.provider.to_string()),
                (attr::AMOUNT, amount.to_string()),
                (attr::TO_CLIENT, to_client.to_string()),
                (attr::TO_TREASURY, to_treasury.to_string()),
            ])),
        )
    }
}

fn released_event(task_id: u64, provider: &str, amount: Uint128) -> Event {
    Event::new(events::COLLATERAL_RELEASED).add_attributes([
        (attr::TASK_ID, task_id.to_string()),
        (attr::PROVIDER, provider.to_string()),
        (attr::AMOUNT, amount.to_string()),
    ])
}
