//! Chain configuration: where the node is and how to pay for transactions. Loaded from a
//! TOML file and/or flags; unknown fields are rejected so a typo never goes unnoticed.

use std::path::Path;
use std::time::Duration;

use cosmwasm_std::{Decimal, Uint128};
use serde::{Deserialize, Serialize};

use crate::error::ClientError;

/// Settings of one chain. The defaults are the local devnet's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChainConfig {
    /// CometBFT RPC, e.g. `http://127.0.0.1:26657`.
    pub node: String,
    pub chain_id: String,
    /// Bech32 prefix of account addresses.
    pub prefix: String,
    /// Gas price, amount and denom, e.g. `0.025ustake` (the denom is the fee denom).
    pub gas_prices: String,
    /// Multiplier applied to simulated gas (`--gas auto`).
    pub gas_adjustment: f64,
    /// Most gas any transaction may ask for: one whose limit comes out above it is refused,
    /// not cut down (see [`crate::gas`]).
    pub max_gas: u64,
    /// How long to wait for a broadcast transaction to be included, seconds.
    pub timeout_secs: u64,
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            node: "http://127.0.0.1:26657".to_string(),
            chain_id: "ogpu-devnet-1".to_string(),
            prefix: "wasm".to_string(),
            gas_prices: "0.025ustake".to_string(),
            gas_adjustment: 1.4,
            max_gas: 50_000_000,
            timeout_secs: 60,
        }
    }
}

/// A gas price split into its amount and its denom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GasPrice {
    pub amount: Decimal,
    pub denom: String,
}

impl std::str::FromStr for GasPrice {
    type Err = ClientError;

    fn from_str(s: &str) -> Result<Self, ClientError> {
        let bad = |why: String| {
            ClientError::Config(format!("gas price {s:?}: {why}; write it like 0.025ustake"))
        };
        let split = s
            .find(|c: char| c.is_ascii_alphabetic())
            .ok_or_else(|| bad("no denom".into()))?;
        let (amount, denom) = s.split_at(split);
        let amount = amount.trim().parse::<Decimal>().map_err(|_| {
            bad(format!(
                "{:?} is not a decimal number (digits with at most one `.`)",
                amount.trim()
            ))
        })?;
        if denom.len() < 3
            || !denom
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c))
        {
            return Err(bad(format!("invalid denom {denom:?}")));
        }
        Ok(Self {
            amount,
            denom: denom.to_string(),
        })
    }
}

impl GasPrice {
    /// The fee of `gas` at this price, rounded up as the chain's fee check demands.
    pub fn fee(&self, gas: u64) -> Uint128 {
        Uint128::from(gas).mul_ceil(self.amount)
    }
}

impl std::fmt::Display for GasPrice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

impl ChainConfig {
    /// Reads a TOML file holding any subset of the fields (the rest keep their defaults).
    pub fn load(path: &Path) -> Result<Self, ClientError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ClientError::Config(format!("cannot read {}: {e}", path.display())))?;
        let config: Self = toml::from_str(&text)
            .map_err(|e| ClientError::Config(format!("{}: {e}", path.display())))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every field, saying which one is wrong and how to fix it.
    pub fn validate(&self) -> Result<(), ClientError> {
        if !(self.node.starts_with("http://") || self.node.starts_with("https://")) {
            return Err(ClientError::Config(format!(
                "node {:?} must be an http(s) URL such as http://127.0.0.1:26657",
                self.node
            )));
        }
        if self.chain_id.is_empty() {
            return Err(ClientError::Config(
                "chain id is empty: set --chain-id".into(),
            ));
        }
        if self.prefix.is_empty()
            || !self
                .prefix
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            return Err(ClientError::Config(format!(
                "prefix {:?}: lowercase letters and digits",
                self.prefix
            )));
        }
        self.gas_price()?;
        if !(self.gas_adjustment >= 1.0 && self.gas_adjustment <= 10.0) {
            return Err(ClientError::Config(format!(
                "gas adjustment {} must be between 1 and 10 (1.3–1.5 is usual)",
                self.gas_adjustment
            )));
        }
        if self.max_gas == 0 || self.timeout_secs == 0 {
            return Err(ClientError::Config(
                "max gas and timeout must be positive".into(),
            ));
        }
        Ok(())
    }

    pub fn gas_price(&self) -> Result<GasPrice, ClientError> {
        self.gas_prices.parse()
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_and_bad_values_are_rejected() {
        let err = toml::from_str::<ChainConfig>("chain_idd = \"x\"").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        let config: ChainConfig = toml::from_str("chain_id = \"test-1\"").unwrap();
        assert_eq!(config.chain_id, "test-1");
        assert_eq!(config.node, ChainConfig::default().node);
        let bad = ChainConfig {
            gas_prices: "0.025".into(),
            ..ChainConfig::default()
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("0.025ustake"));
        let bad = ChainConfig {
            node: "localhost:26657".into(),
            ..ChainConfig::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn gas_prices_parse() {
        let price: GasPrice = "0.025ustake".parse().unwrap();
        assert_eq!(price.denom, "ustake");
        assert_eq!(price.amount, Decimal::permille(25));
        assert_eq!(price.fee(100_001), Uint128::new(2_501), "rounded up");
    }
}
