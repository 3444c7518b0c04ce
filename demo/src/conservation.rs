//! Funds conservation on the whole chain: no ustake is created or lost by the market, the
//! staking contract holds exactly the bonded and unbonding stake, and once every task is
//! terminal the registry and settlement hold no escrow.

use cosmrs::AccountId;
use ogpu_devnet::address::module_account;
use ogpu_types::staking::{QueryMsg, StakingTotals};

use crate::error::{DemoError, DemoResult};
use crate::market::{Market, DENOM};

/// What the check found, for the summary.
#[derive(Debug, Clone)]
pub struct Conservation {
    /// Minted at genesis: every account's balance.
    pub genesis: u128,
    /// Held now by the accounts, the contracts and the fee collector.
    pub held: u128,
    /// Fees paid for gas (in the fee collector).
    pub gas_fees: u128,
    pub staking_balance: u128,
    pub staking_totals: StakingTotals,
    /// Left in the registry and settlement.
    pub escrow: u128,
}

async fn balance(market: &Market, address: &str) -> DemoResult<u128> {
    Ok(market.client.balance(address, DENOM).await?.u128())
}

/// Checks conservation; `all_terminal`: every task reached its end, so no escrow is left.
pub async fn check(market: &Market, all_terminal: bool) -> DemoResult<Conservation> {
    let config = market.devnet.config();
    let genesis = config.balance * u128::from(config.accounts);
    let collector = AccountId::new(&config.prefix, &module_account("fee_collector"))
        .map_err(|e| DemoError::Unexpected(format!("fee collector address: {e}")))?
        .to_string();
    let mut held = 0;
    for account in market.devnet.accounts() {
        held += balance(market, &account.address).await?;
    }
    let deployment = &market.deployment;
    let escrow = balance(market, &deployment.registry).await?
        + balance(market, &deployment.settlement).await?;
    let staking_balance = balance(market, &deployment.staking).await?;
    let gas_fees = balance(market, &collector).await?;
    held += escrow + staking_balance + gas_fees;
    let staking_totals: StakingTotals = market
        .client
        .smart(&deployment.staking, &QueryMsg::Totals {})
        .await?;
    let found = Conservation {
        genesis,
        held,
        gas_fees,
        staking_balance,
        staking_totals,
        escrow,
    };
    if found.held != found.genesis {
        return Err(DemoError::Unexpected(format!(
            "funds not conserved: {} {DENOM} minted, {} held",
            found.genesis, found.held
        )));
    }
    let stake = found.staking_totals.bonded + found.staking_totals.unbonding;
    if stake.u128() != found.staking_balance {
        return Err(DemoError::Unexpected(format!(
            "staking holds {} but accounts for {stake} bonded and unbonding",
            found.staking_balance
        )));
    }
    if all_terminal && found.escrow != 0 {
        return Err(DemoError::Unexpected(format!(
            "every task ended but {} {DENOM} of escrow is left",
            found.escrow
        )));
    }
    Ok(found)
}
