//! A provider's own messages: register, metadata, bond, unbond, claim, deregister.

use cosmwasm_std::{coins, Addr, BankMsg, DepsMut, Env, Event, MessageInfo, Response, Uint128};
use cw_utils::{must_pay, nonpayable};
use ogpu_types::events::{self, attr};
use ogpu_types::staking::UnbondingEntry;
use ogpu_types::{ProviderMetadata, Reputation};

use crate::error::ContractError;
use crate::execute::validate_metadata;
use crate::state::{Provider, CONFIG, PROVIDERS, TOTALS};

fn load(deps: &DepsMut, address: &Addr) -> Result<Provider, ContractError> {
    PROVIDERS
        .may_load(deps.storage, address)?
        .ok_or_else(|| ContractError::ProviderNotFound {
            provider: address.to_string(),
        })
}

fn load_active(deps: &DepsMut, address: &Addr) -> Result<Provider, ContractError> {
    let provider = load(deps, address)?;
    if provider.deregistered {
        return Err(ContractError::ProviderDeregistered {
            provider: address.to_string(),
        });
    }
    Ok(provider)
}

pub fn register(
    deps: DepsMut,
    info: MessageInfo,
    metadata: ProviderMetadata,
) -> Result<Response, ContractError> {
    // Only the normalized form of an address may register, so no account has two records.
    let address = deps.api.addr_validate(info.sender.as_str())?;
    let config = CONFIG.load(deps.storage)?;
    let amount = must_pay(&info, &config.params.bond_denom)?;
    if amount < config.params.min_stake {
        return Err(ContractError::StakeBelowMinimum {
            amount,
            min: config.params.min_stake,
        });
    }
    validate_metadata(&config.params, &metadata)?;
    let previous = PROVIDERS.may_load(deps.storage, &address)?;
    if previous.as_ref().is_some_and(|p| !p.deregistered) {
        return Err(ContractError::AlreadyRegistered {
            provider: address.into_string(),
        });
    }
    // A returning provider keeps its reputation and its pending unbonding entries.
    let (reputation, unbonding) = previous
        .map(|p| (p.reputation, p.unbonding))
        .unwrap_or_else(|| (Reputation::default(), vec![]));
    let provider = Provider {
        metadata,
        bonded: amount,
        locked: Uint128::zero(),
        unbonding,
        reputation,
        deregistered: false,
    };
    PROVIDERS.save(deps.storage, &address, &provider)?;
    TOTALS.update(deps.storage, |mut t| -> Result<_, ContractError> {
        t.bonded = t.bonded.checked_add(amount)?;
        Ok(t)
    })?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "register")
        .add_event(Event::new(events::PROVIDER_REGISTERED).add_attributes([
            (attr::PROVIDER, address.to_string()),
            (attr::AMOUNT, amount.to_string()),
        ])))
}

pub fn update_metadata(
    deps: DepsMut,
    info: MessageInfo,
    metadata: ProviderMetadata,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let mut provider = load_active(&deps, &info.sender)?;
    validate_metadata(&config.params, &metadata)?;
    provider.metadata = metadata;
    PROVIDERS.save(deps.storage, &info.sender, &provider)?;
    Ok(Response::new().add_attribute(attr::ACTION, "update_metadata"))
}

pub fn bond(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let amount = must_pay(&info, &config.params.bond_denom)?;
    let mut provider = load_active(&deps, &info.sender)?;
    provider.bonded = provider.bonded.checked_add(amount)?;
    PROVIDERS.save(deps.storage, &info.sender, &provider)?;
    TOTALS.update(deps.storage, |mut t| -> Result<_, ContractError> {
        t.bonded = t.bonded.checked_add(amount)?;
        Ok(t)
    })?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "bond")
        .add_attribute(attr::AMOUNT, amount)
        .add_attribute(
            attr::STATUS,
            format!("{:?}", provider.status(config.params.min_stake)),
        ))
}

/// Moves stake into the unbonding queue; returns the entry.
fn start_unbonding(
    deps: &mut DepsMut,
    env: &Env,
    address: &Addr,
    provider: &mut Provider,
    amount: Uint128,
) -> Result<UnbondingEntry, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let entry = UnbondingEntry {
        amount,
        release_at: env.block.time.plus_seconds(config.params.unbonding_period),
    };
    provider.bonded = provider.bonded.checked_sub(amount)?;
    provider.unbonding.push(entry.clone());
    PROVIDERS.save(deps.storage, address, provider)?;
    TOTALS.update(deps.storage, |mut t| -> Result<_, ContractError> {
        t.bonded = t.bonded.checked_sub(amount)?;
        t.unbonding = t.unbonding.checked_add(amount)?;
        Ok(t)
    })?;
    Ok(entry)
}

fn unbonded_event(address: &Addr, entry: &UnbondingEntry) -> Event {
    Event::new(events::PROVIDER_UNBONDED).add_attributes([
        (attr::PROVIDER, address.to_string()),
        (attr::AMOUNT, entry.amount.to_string()),
        (attr::RELEASE_AT, entry.release_at.seconds().to_string()),
    ])
}

pub fn unbond(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let config = CONFIG.load(deps.storage)?;
    let mut provider = load_active(&deps, &info.sender)?;
    if amount > provider.free() {
        return Err(ContractError::InsufficientFreeStake {
            free: provider.free(),
            needed: amount,
        });
    }
    let max = config.params.max_unbonding_entries;
    if provider.unbonding.len() >= max as usize {
        return Err(ContractError::TooManyUnbondingEntries { max });
    }
    let entry = start_unbonding(&mut deps, &env, &info.sender, &mut provider, amount)?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "unbond")
        .add_event(unbonded_event(&info.sender, &entry)))
}

/// Pays out every entry whose release time has come (inclusive).
pub fn claim(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let mut provider = load(&deps, &info.sender)?;
    let (matured, pending): (Vec<_>, Vec<_>) = provider
        .unbonding
        .into_iter()
        .partition(|e| e.release_at <= env.block.time);
    let amount = matured
        .iter()
        .try_fold(Uint128::zero(), |sum, e| sum.checked_add(e.amount))?;
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim {});
    }
    provider.unbonding = pending;
    PROVIDERS.save(deps.storage, &info.sender, &provider)?;
    TOTALS.update(deps.storage, |mut t| -> Result<_, ContractError> {
        t.unbonding = t.unbonding.checked_sub(amount)?;
        Ok(t)
    })?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "claim")
        .add_attribute(attr::AMOUNT, amount)
        .add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: coins(amount.u128(), config.params.bond_denom),
        }))
}

/// Leaves the market: all stake starts unbonding, in one entry that may exceed the
/// queue's cap by one so deregistering is always possible.
pub fn deregister(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut provider = load_active(&deps, &info.sender)?;
    if !provider.locked.is_zero() {
        return Err(ContractError::HasLockedCollateral {
            locked: provider.locked,
        });
    }
    provider.deregistered = true;
    let mut response = Response::new().add_attribute(attr::ACTION, "deregister");
    if provider.bonded.is_zero() {
        PROVIDERS.save(deps.storage, &info.sender, &provider)?;
    } else {
        let amount = provider.bonded;
        let entry = start_unbonding(&mut deps, &env, &info.sender, &mut provider, amount)?;
        response = response.add_event(unbonded_event(&info.sender, &entry));
    }
    Ok(response)
}
