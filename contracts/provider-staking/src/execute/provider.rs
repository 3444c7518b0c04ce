//! A provider's own messages: register, metadata, bond, unbond, claim, deregister. Each
//! change to a registration or a stake is passed on to the registry (`SyncProvider`), which
//! checks commitments against it and refuses a change that would leave less bonded than the
//! collateral locked in tasks (so an unbond or a deregistration is refused there).

use cosmwasm_std::{
    coins, to_json_binary, Addr, BankMsg, DepsMut, Env, Event, MessageInfo, Order, Response,
    StdResult, Timestamp, Uint128, WasmMsg,
};
use cw_utils::{must_pay, nonpayable};
use ogpu_types::events::{self, attr};
use ogpu_types::registry;
use ogpu_types::{deadline, ProviderMetadata};

use crate::error::ContractError;
use crate::execute::validate_metadata;
use crate::state::{Config, Provider, CONFIG, PROVIDERS, TOTALS, UNBONDING};

fn load(deps: &DepsMut, address: &Addr) -> Result<Provider, ContractError> {
    PROVIDERS
        .may_load(deps.storage, address)?
        .ok_or_else(|| ContractError::ProviderNotFound {
            provider: address.to_string(),
        })
}

/// The registry's copy of `provider`'s registration: what it checks a commitment against.
fn sync(config: &Config, address: &Addr, provider: &Provider) -> Result<WasmMsg, ContractError> {
    let msg = registry::from_staking::ExecuteMsg::SyncProvider(provider.report(address));
    Ok(WasmMsg::Execute {
        contract_addr: config.registry.to_string(),
        msg: to_json_binary(&msg)?,
        funds: vec![],
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
    // A returning provider keeps its record in the registry and its pending unbonding
    // entries here.
    let provider = Provider {
        metadata,
        bonded: amount,
        deregistered: false,
    };
    PROVIDERS.save(deps.storage, &address, &provider)?;
    TOTALS.update(deps.storage, |mut t| -> Result<_, ContractError> {
        t.bonded = t.bonded.checked_add(amount)?;
        Ok(t)
    })?;
    Ok(Response::new()
        .add_message(sync(&config, &address, &provider)?)
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
    Ok(Response::new()
        .add_message(sync(&config, &info.sender, &provider)?)
        .add_attribute(attr::ACTION, "update_metadata"))
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
        .add_message(sync(&config, &info.sender, &provider)?)
        .add_attribute(attr::ACTION, "bond")
        .add_attribute(attr::AMOUNT, amount)
        .add_attribute(
            attr::STATUS,
            format!("{:?}", provider.status(config.params.min_stake)),
        ))
}

/// The provider's unbonding entries, oldest first: (release time in nanoseconds, amount).
/// Bounded: at most `max_unbonding_entries` (≤ 32).
fn unbonding_entries(deps: &DepsMut, address: &Addr) -> StdResult<Vec<(u64, Uint128)>> {
    UNBONDING
        .prefix_range(deps.storage, address, None, Order::Ascending)
        .collect()
}

/// Moves `amount` of stake into the unbonding queue, released one unbonding period from
/// now. With `merge`, a full queue takes it into its newest entry (whose release moves to
/// the new, later time) instead of refusing, so deregistering is always possible and the
/// queue never outgrows its bound. Returns the release time.
fn start_unbonding(
    deps: &mut DepsMut,
    env: &Env,
    address: &Addr,
    provider: &mut Provider,
    amount: Uint128,
    merge: bool,
) -> Result<Timestamp, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let release_at = deadline(env.block.time, config.params.unbonding_period)?;
    let entries = unbonding_entries(deps, address)?;
    let max = config.params.max_unbonding_entries as usize;
    let mut total = amount;
    // An entry released at the same moment absorbs the new amount without a new entry.
    let same_time = entries.iter().find(|(at, _)| *at == release_at.nanos());
    if let Some((_, existing)) = same_time {
        total = total.checked_add(*existing)?;
    } else if entries.len() >= max {
        let Some((newest_at, newest)) = entries.last().filter(|_| merge) else {
            return Err(ContractError::TooManyUnbondingEntries {
                max: config.params.max_unbonding_entries,
            });
        };
        total = total.checked_add(*newest)?;
        UNBONDING.remove(deps.storage, (address, *newest_at));
    }
    UNBONDING.save(deps.storage, (address, release_at.nanos()), &total)?;
    provider.bonded = provider.bonded.checked_sub(amount)?;
    PROVIDERS.save(deps.storage, address, provider)?;
    TOTALS.update(deps.storage, |mut t| -> Result<_, ContractError> {
        t.bonded = t.bonded.checked_sub(amount)?;
        t.unbonding = t.unbonding.checked_add(amount)?;
        Ok(t)
    })?;
    Ok(release_at)
}

fn unbonded_event(address: &Addr, amount: Uint128, release_at: Timestamp) -> Event {
    Event::new(events::PROVIDER_UNBONDED).add_attributes([
        (attr::PROVIDER, address.to_string()),
        (attr::AMOUNT, amount.to_string()),
        (attr::RELEASE_AT, release_at.seconds().to_string()),
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
    let mut provider = load_active(&deps, &info.sender)?;
    if amount > provider.bonded {
        return Err(ContractError::UnbondAboveBonded {
            bonded: provider.bonded,
            amount,
        });
    }
    let release_at = start_unbonding(&mut deps, &env, &info.sender, &mut provider, amount, false)?;
    let config = CONFIG.load(deps.storage)?;
    Ok(Response::new()
        .add_message(sync(&config, &info.sender, &provider)?)
        .add_attribute(attr::ACTION, "unbond")
        .add_event(unbonded_event(&info.sender, amount, release_at)))
}

/// Pays out every entry whose release time has come (inclusive).
pub fn claim(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    load(&deps, &info.sender)?;
    let mut amount = Uint128::zero();
    for (release_at, entry) in unbonding_entries(&deps, &info.sender)? {
        if release_at > env.block.time.nanos() {
            break;
        }
        amount = amount.checked_add(entry)?;
        UNBONDING.remove(deps.storage, (&info.sender, release_at));
    }
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim {});
    }
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

/// Leaves the market: all stake starts unbonding, merged into the newest entry when the
/// queue is full, so deregistering is always possible.
pub fn deregister(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut provider = load_active(&deps, &info.sender)?;
    provider.deregistered = true;
    let mut response = Response::new().add_attribute(attr::ACTION, "deregister");
    if provider.bonded.is_zero() {
        PROVIDERS.save(deps.storage, &info.sender, &provider)?;
    } else {
        let amount = provider.bonded;
        let release_at =
            start_unbonding(&mut deps, &env, &info.sender, &mut provider, amount, true)?;
        response = response.add_event(unbonded_event(&info.sender, amount, release_at));
    }
    // The registry refuses while collateral is locked in a task.
    let config = CONFIG.load(deps.storage)?;
    Ok(response.add_message(sync(&config, &info.sender, &provider)?))
}
