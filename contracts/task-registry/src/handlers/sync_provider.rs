//! `SyncProvider`: staking's report of a provider's stake, registration and devices.

use cosmwasm_std::{DepsMut, MessageInfo, Response};
use cw_utils::nonpayable;
use ogpu_types::events::attr;
use ogpu_types::registry::ProviderSync;

use crate::error::ContractError;
use crate::state::{Ledger, Stake, CONFIG, LEDGERS, STAKES};

/// `ExecuteMsg::SyncProvider`: staking reports a provider's new stake or registration. A
/// change that would leave less bonded than the collateral locked in tasks (an unbond, a
/// deregistration) is refused, which reverts it in staking too.
pub fn sync_provider(
    deps: DepsMut,
    info: MessageInfo,
    sync: ProviderSync,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    if info.sender != config.staking {
        return Err(ContractError::Unauthorized {
            expected: "the staking contract".into(),
        });
    }
    let provider = deps.api.addr_validate(&sync.provider)?;
    let locked = LEDGERS
        .may_load(deps.storage, &provider)?
        .map(|ledger: Ledger| ledger.locked)
        .unwrap_or_default();
    let stake = Stake::from(sync);
    if !stake.active && !locked.is_zero() {
        return Err(ContractError::CollateralLocked { locked });
    }
    if stake.bonded < locked {
        return Err(ContractError::StakeBelowLocked {
            bonded: stake.bonded,
            locked,
        });
    }
    STAKES.save(deps.storage, &provider, &stake)?;
    Ok(Response::new().add_attribute(attr::ACTION, "sync_provider"))
}
