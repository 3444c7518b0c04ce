//! Execute handlers: instantiation and configuration here, providers' own messages in
//! `provider`, the registry's collateral messages in `collateral`.

pub mod payout;
pub mod provider;
pub mod slash;

use cosmwasm_std::{Addr, DepsMut, MessageInfo, Response, Storage};
use cw_utils::nonpayable;
use ogpu_types::events::attr;
use ogpu_types::fee;
use ogpu_types::staking::{InstantiateMsg, StakingConfigUpdate, StakingParams};
use ogpu_types::{ProviderMetadata, MAX_CONFIG_AMOUNT};

use crate::error::ContractError;
use crate::state::{Config, Totals, CONFIG, TOTALS};

/// Hard caps no configuration may exceed, so every loop stays bounded.
pub const HARD_MAX_UNBONDING_ENTRIES: u32 = 32;
pub const HARD_MAX_DEVICES: u32 = 32;
pub const HARD_MAX_TASK_KINDS: u32 = 32;
pub const HARD_MAX_FIELD_LEN: u32 = 256;

pub fn instantiate(
    deps: DepsMut,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    validate_params(&msg.params)?;
    let config = Config {
        registry: info.sender,
        treasury: deps.api.addr_validate(&msg.treasury)?,
        params: msg.params,
    };
    CONFIG.save(deps.storage, &config)?;
    TOTALS.save(deps.storage, &Totals::default())?;
    Ok(Response::new()
        .add_attribute(attr::ACTION, "instantiate")
        .add_attribute("registry", config.registry))
}

fn validate_params(params: &StakingParams) -> Result<(), ContractError> {
    let fail = |reason: &str| {
        Err(ContractError::InvalidParams {
            reason: reason.into(),
        })
    };
    let limits = &params.metadata_limits;
    if params.bond_denom.is_empty() {
        return fail("bond_denom must not be empty");
    }
    if params.unbonding_period > StakingParams::MAX_UNBONDING_PERIOD {
        return fail("unbonding_period must be at most one year (31536000 s)");
    }
    if params.min_stake > MAX_CONFIG_AMOUNT {
        return fail("min_stake must be at most 10^30");
    }
    if !fee::is_rate(params.slash_client_share_bps) {
        return fail("slash_client_share_bps must be at most 10000");
    }
    if params.max_unbonding_entries == 0
        || params.max_unbonding_entries > HARD_MAX_UNBONDING_ENTRIES
    {
        return fail("max_unbonding_entries must be 1..=32");
    }
    if limits.max_devices == 0 || limits.max_devices > HARD_MAX_DEVICES {
        return fail("max_devices must be 1..=32");
    }
    if limits.max_task_kinds > HARD_MAX_TASK_KINDS {
        return fail("max_task_kinds must be at most 32");
    }
    if limits.max_field_len == 0
        || limits.max_field_len > HARD_MAX_FIELD_LEN
        || limits.max_moniker_len == 0
        || limits.max_moniker_len > HARD_MAX_FIELD_LEN
    {
        return fail("max_field_len and max_moniker_len must be 1..=256");
    }
    Ok(())
}

pub(crate) fn validate_metadata(
    params: &StakingParams,
    metadata: &ProviderMetadata,
) -> Result<(), ContractError> {
    let fail = |reason: String| Err(ContractError::InvalidMetadata { reason });
    let limits = &params.metadata_limits;
    let too_long = |s: &str| s.len() > limits.max_field_len as usize;
    if metadata.moniker.is_empty() || metadata.moniker.len() > limits.max_moniker_len as usize {
        return fail(format!(
            "moniker must be 1..={} bytes",
            limits.max_moniker_len
        ));
    }
    if metadata.devices.is_empty() || metadata.devices.len() > limits.max_devices as usize {
        return fail(format!("1..={} devices", limits.max_devices));
    }
    if metadata.task_kinds.len() > limits.max_task_kinds as usize {
        return fail(format!("at most {} task kinds", limits.max_task_kinds));
    }
    let device_fields = metadata
        .devices
        .iter()
        .flat_map(|d| [&d.vendor, &d.name, &d.opencl_version]);
    if device_fields
        .chain(&metadata.task_kinds)
        .any(|f| too_long(f))
    {
        return fail(format!(
            "fields must be at most {} bytes",
            limits.max_field_len
        ));
    }
    Ok(())
}

pub(crate) fn only_registry(storage: &dyn Storage, sender: &Addr) -> Result<Config, ContractError> {
    let config = CONFIG.load(storage)?;
    if config.registry != *sender {
        return Err(ContractError::Unauthorized {});
    }
    Ok(config)
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    treasury: Option<String>,
    update: StakingConfigUpdate,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut config = only_registry(deps.storage, &info.sender)?;
    if let Some(treasury) = treasury {
        config.treasury = deps.api.addr_validate(&treasury)?;
    }
    let params = &mut config.params;
    if let Some(v) = update.min_stake {
        params.min_stake = v;
    }
    if let Some(v) = update.unbonding_period {
        params.unbonding_period = v;
    }
    if let Some(v) = update.slash_client_share_bps {
        params.slash_client_share_bps = v;
    }
    if let Some(v) = update.max_unbonding_entries {
        params.max_unbonding_entries = v;
    }
    if let Some(v) = update.metadata_limits {
        params.metadata_limits = v;
    }
    validate_params(params)?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute(attr::ACTION, "update_config"))
}
