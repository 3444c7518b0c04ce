//! A deployment of the suite on one chain: its code ids, checksums and contract addresses,
//! written by `ogpu deploy` and read by every other command.

use std::path::Path;

use cosmrs::cosmwasm::MsgExecuteContract;
use cosmrs::tx::Msg as _;
use cosmrs::{AccountId, Any};
use serde::{Deserialize, Serialize};

use crate::contract::{Contract, Registry, Settlement, Staking};
use crate::error::{ClientError, ClientResult};

/// One stored code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRecord {
    pub code_id: u64,
    /// Hex sha256 of the wasm.
    pub checksum: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Codes {
    pub registry: CodeRecord,
    pub staking: CodeRecord,
    pub settlement: CodeRecord,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    pub chain_id: String,
    pub codes: Codes,
    pub registry: String,
    pub staking: String,
    pub settlement: String,
}

impl Deployment {
    pub fn load(path: &Path) -> ClientResult<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ClientError::Config(format!(
                "cannot read the deployment file {}: {e} (run `ogpu deploy` first or pass --deployment)",
                path.display()
            ))
        })?;
        serde_json::from_str(&text)
            .map_err(|e| ClientError::Config(format!("deployment file {}: {e}", path.display())))
    }

    pub fn save(&self, path: &Path) -> ClientResult<()> {
        let text = serde_json::to_string_pretty(self).expect("a deployment serializes");
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                ClientError::Config(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        std::fs::write(path, text + "\n")
            .map_err(|e| ClientError::Config(format!("cannot write {}: {e}", path.display())))
    }

    /// Refuses a deployment made on another chain.
    pub fn check_chain(&self, chain_id: &str) -> ClientResult<()> {
        if self.chain_id != chain_id {
            return Err(ClientError::Config(format!(
                "the deployment file is for chain {:?}, not {chain_id:?}: pass the matching --deployment or --chain-id",
                self.chain_id
            )));
        }
        Ok(())
    }

    /// The registry's typed handle (the `registry` field is its address).
    pub fn registry(&self) -> Registry<'_> {
        Contract::new(&self.registry)
    }

    /// Staking's typed handle.
    pub fn staking(&self) -> Staking<'_> {
        Contract::new(&self.staking)
    }

    /// Settlement's typed handle.
    pub fn settlement(&self) -> Settlement<'_> {
        Contract::new(&self.settlement)
    }
}

/// A `MsgExecuteContract` of `msg` (JSON) from `sender` to `contract`, any message to any
/// contract: what the [`Contract`] handles build on, which check the message's type.
pub fn execute(
    sender: &str,
    contract: &str,
    msg: &impl Serialize,
    funds: Vec<cosmrs::Coin>,
) -> ClientResult<Any> {
    MsgExecuteContract {
        sender: account_id(sender)?,
        contract: account_id(contract)?,
        msg: serde_json::to_vec(msg).map_err(|e| ClientError::invalid("contract message", e))?,
        funds,
    }
    .to_any()
    .map_err(|e| ClientError::invalid("contract message", e))
}

/// A bank `MsgSend` of `amount` `denom` from `from` to `to`.
pub fn bank_send(from: &str, to: &str, denom: &str, amount: u128) -> ClientResult<Any> {
    cosmrs::bank::MsgSend {
        from_address: account_id(from)?,
        to_address: account_id(to)?,
        amount: vec![coin(denom, amount)?],
    }
    .to_any()
    .map_err(|e| ClientError::invalid("bank send", e))
}

pub fn account_id(address: &str) -> ClientResult<AccountId> {
    address
        .parse()
        .map_err(|e| ClientError::invalid(format!("address {address:?}"), e))
}

pub fn coin(denom: &str, amount: u128) -> ClientResult<cosmrs::Coin> {
    let denom = denom
        .parse()
        .map_err(|e| ClientError::invalid(format!("denom {denom:?}"), e))?;
    Ok(cosmrs::Coin { denom, amount })
}
