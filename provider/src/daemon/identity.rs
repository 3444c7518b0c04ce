//! Which chain the daemon works on. Task ids, commitments and sequences mean nothing on
//! another chain, and a devnet restarted in memory keeps its chain id (and, deployed by the
//! same key, even its contract addresses) while starting over at task 1. So a chain is
//! known by its id, its genesis time and the suite's addresses, and the daemon also
//! watches the height: a chain whose height goes backwards was reset. On another chain
//! the daemon archives the old chain's records and starts a clean state
//! ([`super::state::Store::switch_chain`]).

use std::time::Duration;

use ogpu_client::{Client, Deployment};
use serde::{Deserialize, Serialize};

/// How long the genesis document may take to come.
const GENESIS_TIMEOUT: Duration = Duration::from_secs(10);

/// What tells one chain (and deployment) from another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainIdentity {
    pub chain_id: String,
    /// The genesis document's time; `None` when the node does not serve the document
    /// (a large genesis is served in chunks only).
    pub genesis_time: Option<String>,
    pub registry: String,
    pub staking: String,
}

impl ChainIdentity {
    /// The identity of the chain `client` talks to, with `deployment`.
    pub async fn read(client: &Client, deployment: &Deployment) -> Self {
        Self {
            chain_id: client.config().chain_id.clone(),
            genesis_time: genesis_time(&client.config().node).await,
            registry: deployment.registry.clone(),
            staking: deployment.staking.clone(),
        }
    }

    /// Whether `other` is the same chain and deployment. An unknown genesis time matches
    /// any (the height check still catches a reset).
    pub fn same_as(&self, other: &Self) -> bool {
        let genesis = match (&self.genesis_time, &other.genesis_time) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        genesis
            && self.chain_id == other.chain_id
            && self.registry == other.registry
            && self.staking == other.staking
    }
}

/// The genesis document's `genesis_time`, read as plain JSON (only that field matters, so
/// any node's document shape does).
async fn genesis_time(node: &str) -> Option<String> {
    let request = serde_json::json!({"jsonrpc": "2.0", "id": 0, "method": "genesis", "params": {}});
    let client = reqwest::Client::builder()
        .timeout(GENESIS_TIMEOUT)
        .build()
        .ok()?;
    let response = client
        .post(node)
        .header("content-type", "application/json")
        .body(request.to_string())
        .send()
        .await
        .ok()?;
    let answer: serde_json::Value = serde_json::from_slice(&response.bytes().await.ok()?).ok()?;
    answer["result"]["genesis"]["genesis_time"]
        .as_str()
        .map(str::to_string)
}

impl std::fmt::Display for ChainIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "chain {}", self.chain_id)?;
        if let Some(time) = &self.genesis_time {
            write!(f, " (genesis {time})")?;
        }
        write!(f, ", registry {}", self.registry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_chain_with_the_same_id_and_addresses_is_another_chain() {
        let old = ChainIdentity {
            chain_id: "ogpu-devnet-1".into(),
            genesis_time: Some("2026-12-03T10:00:00Z".into()),
            registry: "wasm1registry".into(),
            staking: "wasm1staking".into(),
        };
        let reset = ChainIdentity {
            genesis_time: Some("2026-12-03T11:00:00Z".into()),
            ..old.clone()
        };
        assert!(!old.same_as(&reset));
        let unknown = ChainIdentity {
            genesis_time: None,
            ..old.clone()
        };
        assert!(old.same_as(&unknown));
        let redeployed = ChainIdentity {
            registry: "wasm1other".into(),
            ..old.clone()
        };
        assert!(!old.same_as(&redeployed));
    }
}
