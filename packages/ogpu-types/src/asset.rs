//! Funds the market handles: a native bank denom or an allow-listed cw20 token.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Coin, Uint128};
use std::fmt;

/// Largest amount any configuration may set (a minimum stake, reward or collateral):
/// 10^30 base units, more than the supply of any token. Amounts a user sends are bounded by
/// their balance; this bounds those the owner sets, so no setting makes arithmetic fail.
pub const MAX_CONFIG_AMOUNT: Uint128 = Uint128::new(1_000_000_000_000_000_000_000_000_000_000);

/// Which token an amount is in.
#[cw_serde]
#[derive(Eq, PartialOrd, Ord, Hash)]
pub enum AssetInfo {
    /// A native bank denom, e.g. `ustake` or an IBC denom.
    Native { denom: String },
    /// A cw20 token contract (address as a string; validated where it is configured).
    Cw20 { contract_addr: String },
}

impl AssetInfo {
    pub fn native(denom: impl Into<String>) -> Self {
        AssetInfo::Native {
            denom: denom.into(),
        }
    }

    pub fn cw20(contract_addr: impl Into<String>) -> Self {
        AssetInfo::Cw20 {
            contract_addr: contract_addr.into(),
        }
    }

    /// A short unique key for storage maps and totals: `native:<denom>` or `cw20:<addr>`.
    pub fn key(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for AssetInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssetInfo::Native { denom } => write!(f, "native:{denom}"),
            AssetInfo::Cw20 { contract_addr } => write!(f, "cw20:{contract_addr}"),
        }
    }
}

/// An amount of one asset.
#[cw_serde]
pub struct Asset {
    pub info: AssetInfo,
    pub amount: Uint128,
}

impl Asset {
    pub fn new(info: AssetInfo, amount: impl Into<Uint128>) -> Self {
        Asset {
            info,
            amount: amount.into(),
        }
    }
}

impl From<Coin> for Asset {
    fn from(coin: Coin) -> Self {
        Asset::new(AssetInfo::native(coin.denom), coin.amount)
    }
}

impl fmt::Display for Asset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.info {
            AssetInfo::Native { denom } => write!(f, "{}{denom}", self.amount),
            AssetInfo::Cw20 { contract_addr } => write!(f, "{}{contract_addr}", self.amount),
        }
    }
}
