//! What the daemon reads from the chain: the tip (height and block time), tasks, its own
//! responses and registration — typed queries of the suite's contracts.

use std::sync::Arc;

use cosmwasm_std::{HexBinary, Timestamp};
use ogpu_client::{Client, ClientError, ClientResult, Deployment};
use ogpu_types::page::MAX_PAGE as PAGE;
use ogpu_types::registry::{self, AwardState, ConfigResponse, QueryMsg, TaskDetails};
use ogpu_types::staking::{self, ProviderResponse};
use ogpu_types::{Task, TaskResponseRecord, TaskStatus};
use tendermint_rpc::Client as _;

/// The latest block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tip {
    pub height: u64,
    /// The block's time: the next block is at least this late.
    pub time: Timestamp,
}

/// A commitment of the provider as the chain holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnChain {
    pub commitment: HexBinary,
    /// Height of the block that included it.
    pub height: u64,
    /// First Response: the moment after which it may be opened (the commitment ahead of
    /// it in the queue passed its window); `None`: at once.
    pub reveal_opens: Option<Timestamp>,
    /// Last moment it may be opened.
    pub reveal_deadline: Timestamp,
}

impl OnChain {
    /// The commitment of `response`.
    pub fn of(response: &TaskResponseRecord) -> Self {
        Self {
            commitment: response.commitment.clone(),
            height: response.committed_height,
            reveal_opens: response.queued_until(),
            reveal_deadline: response.reveal_deadline,
        }
    }
}

/// Read access to the suite on one chain.
#[derive(Clone)]
pub struct ChainView {
    client: Arc<Client>,
    deployment: Arc<Deployment>,
}

impl ChainView {
    pub fn new(client: Arc<Client>, deployment: Deployment) -> Self {
        Self {
            client,
            deployment: Arc::new(deployment),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    pub async fn tip(&self) -> ClientResult<Tip> {
        let status =
            self.client
                .rpc()
                .status()
                .await
                .map_err(|source| ClientError::Unreachable {
                    node: self.client.config().node.clone(),
                    source: Box::new(source),
                })?;
        let nanos = status.sync_info.latest_block_time.unix_timestamp_nanos();
        Ok(Tip {
            height: status.sync_info.latest_block_height.value(),
            time: Timestamp::from_nanos(u64::try_from(nanos).unwrap_or(0)),
        })
    }

    pub async fn registry_config(&self) -> ClientResult<ConfigResponse> {
        self.client
            .smart(&self.deployment.registry, &QueryMsg::Config {})
            .await
    }

    pub async fn task(&self, task_id: u64) -> ClientResult<TaskDetails> {
        self.client
            .smart(&self.deployment.registry, &QueryMsg::Task { task_id })
            .await
    }

    /// Ids of open tasks after `start_after`, one page. Only the ids are read, so a task
    /// this daemon cannot decode (a newer contract's model) does not hide the others.
    pub async fn open_tasks(&self, start_after: Option<u64>) -> ClientResult<Vec<u64>> {
        #[derive(serde::Deserialize)]
        struct Id {
            id: u64,
        }
        #[derive(serde::Deserialize)]
        struct Page {
            tasks: Vec<Id>,
        }
        let query = QueryMsg::Tasks {
            status: Some(TaskStatus::Open),
            start_after,
            limit: Some(PAGE),
        };
        let page: Page = self.client.smart(&self.deployment.registry, &query).await?;
        Ok(page.tasks.into_iter().map(|t| t.id).collect())
    }

    /// `provider`'s response to a task, if it committed (one singular query).
    pub async fn response(
        &self,
        task_id: u64,
        provider: &str,
    ) -> ClientResult<Option<TaskResponseRecord>> {
        let query = QueryMsg::Response {
            task_id,
            provider: provider.to_string(),
        };
        self.client.smart(&self.deployment.registry, &query).await
    }

    /// A task's header alone: what a provider polls, without its spec's job and inputs.
    pub async fn task_header(&self, task_id: u64) -> ClientResult<Task> {
        let query = QueryMsg::TaskHeader { task_id };
        self.client.smart(&self.deployment.registry, &query).await
    }

    /// Who must deliver an awarded task, for what, until when (`None` before the award).
    pub async fn award(&self, task_id: u64) -> ClientResult<Option<AwardState>> {
        self.client
            .smart(&self.deployment.registry, &QueryMsg::Award { task_id })
            .await
    }

    /// Every response to a task, in address order. Bounded: a task holds at most
    /// `max_commitments` (≤ 64) responses, read a page at a time.
    pub async fn responses(&self, task_id: u64) -> ClientResult<Vec<TaskResponseRecord>> {
        let mut all: Vec<TaskResponseRecord> = vec![];
        loop {
            let query = QueryMsg::Responses {
                task_id,
                start_after: all.last().map(|r| r.provider.to_string()),
                limit: Some(PAGE),
            };
            let page: registry::ResponsesResponse =
                self.client.smart(&self.deployment.registry, &query).await?;
            let full = page.responses.len() == PAGE as usize;
            all.extend(page.responses);
            if !full {
                return Ok(all);
            }
        }
    }

    /// `provider`'s commitment to a task (a result, or an auction bid), if on chain.
    pub async fn commitment(&self, task_id: u64, provider: &str) -> ClientResult<Option<OnChain>> {
        let response = self.response(task_id, provider).await?;
        Ok(response.as_ref().map(OnChain::of))
    }

    /// `provider`'s registration, or `None` if it is not registered.
    pub async fn provider(&self, provider: &str) -> ClientResult<Option<ProviderResponse>> {
        let query = staking::QueryMsg::Provider {
            address: provider.to_string(),
        };
        match self.client.smart(&self.deployment.staking, &query).await {
            Ok(found) => Ok(Some(found)),
            Err(ClientError::Query { log, .. }) if log.contains("not registered") => Ok(None),
            Err(err) => Err(err),
        }
    }
}
