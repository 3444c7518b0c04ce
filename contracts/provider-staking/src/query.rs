//! Queries. Lists are paginated with a capped limit.

use cosmwasm_std::{to_json_binary, Addr, Binary, Deps, Order, StdResult, Timestamp, Uint128};
use cw_storage_plus::Bound;
use ogpu_types::page::page_len;
use ogpu_types::registry::{self, ProviderLedger};
use ogpu_types::staking::{
    ConfigResponse, ProviderResponse, ProviderStatus, ProvidersResponse, QueryMsg, StakingTotals,
    UnbondingEntry,
};

use crate::error::ContractError;
use crate::state::{Provider, CONFIG, CREDITS, PROVIDERS, TOTALS, UNBONDING};

/// With `active_only`, at most this many records are read per page; a page may then hold
/// fewer than `limit` providers.
const MAX_SCAN: usize = 300;

pub fn dispatch(deps: Deps, msg: QueryMsg) -> Result<Binary, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let min_stake = config.params.min_stake;
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&ConfigResponse {
            registry: config.registry,
            treasury: config.treasury,
            params: config.params,
        })?,
        QueryMsg::Provider { address } => {
            let address = deps.api.addr_validate(&address)?;
            let record = PROVIDERS.may_load(deps.storage, &address)?.ok_or_else(|| {
                ContractError::ProviderNotFound {
                    provider: address.to_string(),
                }
            })?;
            to_json_binary(&response(
                deps,
                &config.registry,
                address,
                record,
                min_stake,
            )?)?
        }
        QueryMsg::Providers {
            active_only,
            start_after,
            limit: max,
        } => {
            let after = start_after
                .map(|a| deps.api.addr_validate(&a))
                .transpose()?;
            let active_only = active_only.unwrap_or(false);
            let providers = PROVIDERS
                .range(
                    deps.storage,
                    after.as_ref().map(Bound::exclusive),
                    Order::Ascending,
                )
                .take(MAX_SCAN)
                .filter(|item| {
                    !active_only
                        || item
                            .as_ref()
                            .map_or(true, |(_, p)| p.status(min_stake) == ProviderStatus::Active)
                })
                .take(page_len(max))
                .map(|item| {
                    item.and_then(|(a, p)| response(deps, &config.registry, a, p, min_stake))
                })
                .collect::<StdResult<_>>()?;
            to_json_binary(&ProvidersResponse { providers })?
        }
        QueryMsg::Totals {} => {
            let totals = TOTALS.load(deps.storage)?;
            to_json_binary(&StakingTotals {
                bond_denom: config.params.bond_denom,
                bonded: totals.bonded,
                unbonding: totals.unbonding,
                slashed: totals.slashed,
                credited: totals.credited,
            })?
        }
        QueryMsg::Credits { address } => {
            let address = deps.api.addr_validate(&address)?;
            to_json_binary(
                &CREDITS
                    .may_load(deps.storage, &address)?
                    .unwrap_or_default(),
            )?
        }
    })
}

/// A provider as staking holds it, with what the market recorded of it (collateral
/// locked, reputation, earnings), which the registry keeps.
fn response(
    deps: Deps,
    registry: &Addr,
    address: Addr,
    record: Provider,
    min_stake: Uint128,
) -> StdResult<ProviderResponse> {
    let query = registry::from_staking::QueryMsg::ProviderLedger {
        provider: address.to_string(),
    };
    let ledger: ProviderLedger = deps.querier.query_wasm_smart(registry, &query)?;
    // Bounded: at most `max_unbonding_entries` (≤ 32) per provider.
    let unbonding = UNBONDING
        .prefix_range(deps.storage, &address, None, Order::Ascending)
        .map(|item| {
            item.map(|(release_at, amount)| UnbondingEntry {
                amount,
                release_at: Timestamp::from_nanos(release_at),
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(ProviderResponse {
        status: record.status(min_stake),
        reputation_score: ledger.reputation.score(),
        address,
        metadata: record.metadata,
        bonded: record.bonded,
        locked: ledger.locked,
        unbonding,
        reputation: ledger.reputation,
        earnings: ledger.earnings,
    })
}
