//! What the pages read live from the contracts rather than from the index: a task's spec,
//! deadlines, responses, award and dispute; a provider's stake, locks, reputation and
//! devices. Each query has a short timeout, so a slow or stopped node leaves a note on the
//! page instead of hanging it.

use std::future::Future;
use std::time::Duration;

use ogpu_client::{ChainConfig, Client, Deployment};
use ogpu_types::page::MAX_PAGE as PAGE;
use ogpu_types::registry::{self, AwardState, DisputeState, Lock, TaskDetails};
use ogpu_types::staking::{self, ProviderResponse};
use ogpu_types::TaskResponseRecord;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tendermint_rpc::Client as _;

use crate::error::{ExplorerError, ExplorerResult};

/// Longest a page waits for one answer of the node.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Pages read at most when listing (providers: 300).
const MAX_PAGES: usize = 10;

pub struct Chain {
    client: Client,
    deployment: Deployment,
}

impl Chain {
    /// Connects to `node`, which must run the deployment's chain.
    pub async fn connect(node: &str, deployment: Deployment) -> ExplorerResult<Self> {
        let client = Client::connect(ChainConfig {
            node: node.to_string(),
            chain_id: deployment.chain_id.clone(),
            ..ChainConfig::default()
        })
        .await?;
        Ok(Self { client, deployment })
    }

    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    async fn timed<T>(&self, query: impl Future<Output = ExplorerResult<T>>) -> ExplorerResult<T> {
        tokio::time::timeout(TIMEOUT, query).await.map_err(|_| {
            ExplorerError::Internal(format!("the node did not answer in {TIMEOUT:?}"))
        })?
    }

    async fn smart<T: DeserializeOwned>(
        &self,
        contract: &str,
        msg: &impl Serialize,
    ) -> ExplorerResult<T> {
        self.timed(async { Ok(self.client.smart(contract, msg).await?) })
            .await
    }

    /// The chain's latest height.
    pub async fn head(&self) -> ExplorerResult<u64> {
        self.timed(async {
            let status = self.client.rpc().status().await?;
            Ok(status.sync_info.latest_block_height.value())
        })
        .await
    }

    pub async fn task(&self, task_id: u64) -> ExplorerResult<TaskDetails> {
        let query = registry::QueryMsg::Task { task_id };
        self.smart(&self.deployment.registry, &query).await
    }

    /// Reads every page of a list query: `query` builds a page's query from the key to
    /// start after, `items` takes the page's items, `key` gives an item's key.
    async fn paged<Q: Serialize, R: DeserializeOwned, T, K>(
        &self,
        contract: &str,
        query: impl Fn(Option<K>) -> Q,
        items: fn(R) -> Vec<T>,
        key: fn(&T) -> K,
    ) -> ExplorerResult<Vec<T>> {
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let page: R = self.smart(contract, &query(all.last().map(key))).await?;
            let page = items(page);
            let done = page.len() < PAGE as usize;
            all.extend(page);
            if done {
                break;
            }
        }
        Ok(all)
    }

    /// Every response to a task (offers, bids, replicas), in provider address order.
    pub async fn responses(&self, task_id: u64) -> ExplorerResult<Vec<TaskResponseRecord>> {
        let query = |start_after| registry::QueryMsg::Responses {
            task_id,
            start_after,
            limit: Some(PAGE),
        };
        let items = |page: registry::ResponsesResponse| page.responses;
        let key = |r: &TaskResponseRecord| r.provider.to_string();
        self.paged(&self.deployment.registry, query, items, key)
            .await
    }

    pub async fn award(&self, task_id: u64) -> ExplorerResult<Option<AwardState>> {
        let query = registry::QueryMsg::Award { task_id };
        self.smart(&self.deployment.registry, &query).await
    }

    pub async fn dispute(&self, task_id: u64) -> ExplorerResult<Option<DisputeState>> {
        let query = registry::QueryMsg::DisputeState { task_id };
        self.smart(&self.deployment.registry, &query).await
    }

    pub async fn provider(&self, address: &str) -> ExplorerResult<ProviderResponse> {
        let query = staking::QueryMsg::Provider {
            address: address.to_string(),
        };
        self.smart(&self.deployment.staking, &query).await
    }

    /// Every registered provider (the first 300), in address order.
    pub async fn providers(&self) -> ExplorerResult<Vec<ProviderResponse>> {
        let query = |start_after| staking::QueryMsg::Providers {
            active_only: None,
            start_after,
            limit: Some(PAGE),
        };
        let items = |page: staking::ProvidersResponse| page.providers;
        let key = |p: &ProviderResponse| p.address.to_string();
        self.paged(&self.deployment.staking, query, items, key)
            .await
    }

    /// A provider's collateral locks, in task order.
    pub async fn locks(&self, provider: &str) -> ExplorerResult<Vec<Lock>> {
        let query = |start_after| registry::QueryMsg::Locks {
            provider: provider.to_string(),
            start_after,
            limit: Some(PAGE),
        };
        let items = |page: registry::LocksResponse| page.locks;
        let key = |l: &Lock| l.task_id;
        self.paged(&self.deployment.registry, query, items, key)
            .await
    }
}
