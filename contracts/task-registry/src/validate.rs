//! Input validation: the configuration against hard caps, rewards and bonds against the
//! accepted assets, and task specs and results against the configured limits — the last by
//! the rules in `ogpu_types::validate`, which the CLI and the daemon apply too. Every
//! rejection is a specific `ContractError`.

use cosmwasm_std::{Api, Uint128};
use ogpu_types::fee;
use ogpu_types::registry::{AcceptedAsset, TaskLimits};
use ogpu_types::validate as rules;
use ogpu_types::{AssetInfo, TaskSpec, MAX_CONFIG_AMOUNT};

pub use ogpu_types::validate::{hash_search_answer, result};

use crate::error::ContractError;

/// No configuration may let one task hold more commitments than this: settling a task
/// iterates over its responses.
pub const HARD_MAX_COMMITMENTS: u32 = 64;
/// Upper bound of `max_allowed_providers` (the allow-list is scanned at every commit).
pub const HARD_MAX_ALLOWED_PROVIDERS: u32 = 64;
/// Upper bound of `max_args`.
pub const HARD_MAX_ARGS: u32 = 64;
/// Upper bound of every inline byte limit (kernel, inputs, result): 256 KiB.
pub const HARD_MAX_INLINE_BYTES: u32 = 256 * 1024;
/// Most accepted reward assets.
pub const MAX_ACCEPTED_ASSETS: usize = 16;
/// Upper bound of `max_replicas` (a Consensus round settles every replica at once).
pub const HARD_MAX_REPLICAS: u32 = 16;
/// Upper bound of `max_window`: one year, so no deadline computed from a block time can
/// overflow.
pub const HARD_MAX_WINDOW: u64 = 365 * 24 * 3600;

pub fn fee_bps(bps: u16) -> Result<u16, ContractError> {
    if !fee::is_rate(bps) {
        return Err(ContractError::InvalidFee { bps });
    }
    Ok(bps)
}

pub fn limits(limits: &TaskLimits) -> Result<(), ContractError> {
    let fail = |reason: &str| {
        Err(ContractError::InvalidLimits {
            reason: reason.to_string(),
        })
    };
    if limits.max_commitments == 0 || limits.max_commitments > HARD_MAX_COMMITMENTS {
        return fail("max_commitments must be 1..=64");
    }
    if limits.max_allowed_providers > HARD_MAX_ALLOWED_PROVIDERS {
        return fail("max_allowed_providers must be at most 64");
    }
    if limits.max_args == 0 || limits.max_args > HARD_MAX_ARGS {
        return fail("max_args must be 1..=64");
    }
    let inline = [
        limits.max_kernel_bytes,
        limits.max_inline_input_bytes,
        limits.max_inline_result_bytes,
    ];
    if inline.iter().any(|&n| n > HARD_MAX_INLINE_BYTES) {
        return fail("inline byte limits must be at most 262144");
    }
    if limits.max_uri_len == 0 || limits.max_uri_len > 2048 {
        return fail("max_uri_len must be 1..=2048");
    }
    if limits.max_output_bytes == 0 {
        return fail("max_output_bytes must be positive");
    }
    if limits.min_window == 0 || limits.min_window > limits.max_window {
        return fail("windows need 0 < min_window <= max_window");
    }
    if limits.max_window > HARD_MAX_WINDOW {
        return fail("max_window must be at most one year (31536000 s)");
    }
    if limits.min_collateral > MAX_CONFIG_AMOUNT {
        return fail("min_collateral must be at most 10^30");
    }
    if !fee::is_rate(limits.unrevealed_bid_penalty_bps) {
        return fail("unrevealed_bid_penalty_bps must be at most 10000");
    }
    if limits.max_replicas == 0 || limits.max_replicas > HARD_MAX_REPLICAS {
        return fail("max_replicas must be 1..=16");
    }
    Ok(())
}

pub fn accepted_assets(api: &dyn Api, assets: &[AcceptedAsset]) -> Result<(), ContractError> {
    let fail = |reason: String| Err(ContractError::InvalidAssets { reason });
    if assets.is_empty() || assets.len() > MAX_ACCEPTED_ASSETS {
        return fail(format!("between 1 and {MAX_ACCEPTED_ASSETS} assets"));
    }
    for (i, asset) in assets.iter().enumerate() {
        match &asset.info {
            AssetInfo::Native { denom } if denom.is_empty() => {
                return fail("empty native denom".into())
            }
            AssetInfo::Native { .. } => {}
            AssetInfo::Cw20 { contract_addr } => {
                api.addr_validate(contract_addr)?;
            }
        }
        if assets[..i].iter().any(|a| a.info == asset.info) {
            return fail(format!("{} listed twice", asset.info));
        }
        if asset.min_reward > MAX_CONFIG_AMOUNT {
            return fail(format!("{}: min_reward must be at most 10^30", asset.info));
        }
    }
    Ok(())
}

/// Checks a spec against the limits and its allow-list's addresses, which must be in their
/// normalized form so that string comparison is exact; the spec is stored as given.
pub fn task_spec(api: &dyn Api, limits: &TaskLimits, spec: &TaskSpec) -> Result<(), ContractError> {
    rules::task_spec(limits, spec)?;
    for provider in &spec.requirements.allowed_providers {
        api.addr_validate(provider)?;
    }
    Ok(())
}

/// A dispute bond must be worth at least a task's minimum reward in the same asset: it
/// pays the round's replicas.
pub fn bond(
    assets: &[AcceptedAsset],
    info: &AssetInfo,
    bond: Uint128,
) -> Result<(), ContractError> {
    let min = assets
        .iter()
        .find(|a| &a.info == info)
        .map_or(Uint128::one(), |a| a.min_reward.max(Uint128::one()));
    if bond < min {
        return Err(ContractError::BondTooLow { bond, min });
    }
    Ok(())
}

/// The reward must be an accepted asset at or above its minimum.
pub fn reward(
    assets: &[AcceptedAsset],
    info: &AssetInfo,
    amount: Uint128,
) -> Result<(), ContractError> {
    let accepted =
        assets
            .iter()
            .find(|a| &a.info == info)
            .ok_or_else(|| ContractError::AssetNotAccepted {
                asset: info.to_string(),
            })?;
    if amount.is_zero() || amount < accepted.min_reward {
        return Err(ContractError::RewardTooLow {
            reward: amount,
            min: accepted.min_reward,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
