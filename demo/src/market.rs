//! A whole market on an embedded devnet: the chain, the deployed suite and the keys that
//! act on it (an owner, clients and providers), with one method per message a participant
//! sends. The demo and the performance report both drive the real contracts through it.

use std::path::PathBuf;
use std::time::Duration;

use cosmrs::crypto::secp256k1::SigningKey;
use cosmrs::Any;
use cosmwasm_std::{Addr, Binary, HexBinary};
use ogpu_client::deploy::deploy;
use ogpu_client::deployment::coin;
use ogpu_client::keys::HdPath;
use ogpu_client::sealing::{self, ResultKey, SealContext};
use ogpu_client::{
    dispute_round, ogpu_events, ChainConfig, Client, Deployment, Gas, Signer, TxOutcome,
};
use ogpu_devnet::{DevAccount, Devnet, DevnetConfig};
use ogpu_fixtures::{self as fixtures, Sealed};
use ogpu_types::events as names;
use ogpu_types::registry::{self, TaskDetails};
use ogpu_types::{
    staking, AssetInfo, CompetitionModel, Job, Payload, ProviderMetadata, TaskResponseRecord,
    TaskSpec,
};

use crate::error::{DemoError, DemoResult};

/// The devnet's bond and fee denom.
pub const DENOM: &str = "ustake";
/// A reveal is sent in the block after its commitment, where simulation (at the last
/// committed height) refuses it; it goes with a fixed gas instead, this much per reveal.
pub const REVEAL_GAS_EACH: u64 = 600_000;
/// Most messages in one transaction the market sends (keeps each tx under the max gas).
pub const BATCH: usize = 50;

/// How big a market to start.
#[derive(Debug, Clone)]
pub struct MarketConfig {
    pub clients: usize,
    pub providers: usize,
    /// Pin the stored codes (wasmd's discounted instance cost).
    pub pin_codes: bool,
    pub block_time: Duration,
    /// Where `ci/build-wasm.sh` wrote the contracts.
    pub artifacts: PathBuf,
}

impl MarketConfig {
    /// The repository's `artifacts/`.
    pub fn default_artifacts() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../artifacts")
    }
}

pub struct Market {
    pub devnet: Devnet,
    pub client: Client,
    pub deployment: Deployment,
    pub owner: Signer,
    pub clients: Vec<Signer>,
    pub providers: Vec<Signer>,
    /// Each client's result key, derived from its account key as `ogpu` derives it.
    pub result_keys: Vec<ResultKey>,
}

fn signer(account: &DevAccount) -> DemoResult<Signer> {
    let key = SigningKey::from_slice(&account.private_key)
        .map_err(|e| DemoError::Setup(format!("devnet key: {e}")))?;
    Ok(Signer::new(key, "wasm")?)
}

impl Market {
    /// Starts a devnet with one funded account per participant and deploys the suite.
    pub async fn start(config: &MarketConfig) -> DemoResult<Self> {
        let accounts = 1 + config.clients + config.providers;
        let devnet = Devnet::spawn(DevnetConfig {
            accounts: u32::try_from(accounts)
                .map_err(|_| DemoError::Setup("too many participants".into()))?,
            pin_codes: config.pin_codes,
            block_time: config.block_time,
            ..DevnetConfig::for_tests()
        })
        .await
        .map_err(|e| DemoError::Setup(format!("devnet: {e}")))?;
        let client = Client::connect(ChainConfig {
            node: devnet.rpc_url(),
            chain_id: devnet.chain_id().to_string(),
            ..ChainConfig::default()
        })
        .await?;
        let keys = devnet
            .accounts()
            .iter()
            .map(signer)
            .collect::<DemoResult<Vec<_>>>()?;
        let mut keys = keys.into_iter();
        let mut owner = keys.next().expect("one account per participant");
        let clients: Vec<Signer> = keys.by_ref().take(config.clients).collect();
        let providers: Vec<Signer> = keys.collect();
        // Devnet account `i` is the mnemonic's key at index `i`; clients follow the owner.
        let result_keys = (1..=clients.len() as u32)
            .map(|i| ResultKey::from_mnemonic(&devnet.config().mnemonic, &HdPath::cosmos(i)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| DemoError::Setup(format!("result keys: {e}")))?;
        // The recommended limits and staking parameters, the devnet's denom as the reward.
        let params = fixtures::devnet_suite(owner.address());
        let deployment = deploy(&client, &mut owner, &config.artifacts, params, "ogpu").await?;
        Ok(Self {
            devnet,
            client,
            deployment,
            owner,
            clients,
            providers,
            result_keys,
        })
    }

    /// Registers provider `index` with `metadata` and `stake` of the bond denom.
    pub async fn register(
        &mut self,
        index: usize,
        metadata: ProviderMetadata,
        stake: u128,
    ) -> DemoResult<TxOutcome> {
        let provider = &mut self.providers[index];
        let msg = self.deployment.staking().execute(
            provider.address(),
            &staking::ExecuteMsg::Register { metadata },
            vec![coin(DENOM, stake)?],
        )?;
        Ok(self.client.send(provider, vec![msg], Gas::Auto).await?)
    }

    /// `PublishTask` messages from client `index`, one per spec, `reward` each; an OpenCL
    /// job's results sealed to the client's result key, as `ogpu` publishes by default.
    pub fn publish_msgs(
        &self,
        index: usize,
        specs: Vec<TaskSpec>,
        reward: u128,
    ) -> DemoResult<Vec<Any>> {
        let sender = self.clients[index].address();
        let key = HexBinary::from(self.result_keys[index].public());
        specs
            .into_iter()
            .map(|mut spec| {
                if matches!(spec.job, Job::OpenCl(_)) && spec.result_key.is_none() {
                    spec.result_key = Some(key.clone());
                }
                Ok(self
                    .deployment
                    .registry()
                    .publish(sender, spec, &native(), reward)?)
            })
            .collect()
    }

    /// Publishes one task from client `index`: its id and the transaction.
    pub async fn publish(
        &mut self,
        index: usize,
        spec: TaskSpec,
        reward: u128,
    ) -> DemoResult<(u64, TxOutcome)> {
        let msgs = self.publish_msgs(index, vec![spec], reward)?;
        let outcome = self
            .client
            .send(&mut self.clients[index], msgs, Gas::Auto)
            .await?;
        let id = published_ids(&outcome)
            .first()
            .copied()
            .ok_or_else(|| DemoError::Unexpected("no task id in the publish events".into()))?;
        Ok((id, outcome))
    }

    /// Publishes one task per spec, shared out over the clients, which send their
    /// shares concurrently in transactions of [`BATCH`] messages: each task's client and
    /// id, in no particular order.
    pub async fn publish_many(
        &mut self,
        specs: Vec<TaskSpec>,
        reward: u128,
    ) -> DemoResult<Vec<(usize, u64)>> {
        let clients = self.clients.len();
        let mut shares = vec![Vec::new(); clients];
        for (i, spec) in specs.into_iter().enumerate() {
            shares[i % clients].push(spec);
        }
        let mut batches = Vec::new();
        for (index, share) in shares.into_iter().enumerate() {
            batches.push(self.publish_msgs(index, share, reward)?);
        }
        let chain = &self.client;
        let sends = self.clients.iter_mut().zip(batches).enumerate().map(
            |(client, (signer, msgs))| async move {
                let mut ids = Vec::new();
                for chunk in msgs.chunks(BATCH) {
                    let outcome = chain.send(signer, chunk.to_vec(), Gas::Auto).await?;
                    ids.extend(published_ids(&outcome).into_iter().map(|id| (client, id)));
                }
                DemoResult::Ok(ids)
            },
        );
        let mut ids = Vec::new();
        for share in futures::future::try_join_all(sends).await? {
            ids.extend(share);
        }
        Ok(ids)
    }

    /// Seals `result` for provider `index` on `task_id` (`price`: Manual Confirmation's
    /// offer; the other models commit to the reward) as it is posted in public: a hash
    /// search's answer.
    pub fn seal_public(
        &self,
        index: usize,
        task_id: u64,
        result: &[u8],
        reward: u128,
        price: Option<u128>,
    ) -> Sealed {
        let provider = Addr::unchecked(self.providers[index].address());
        Sealed::new(task_id, &provider, result, price.unwrap_or(reward), price)
    }

    /// As [`Market::seal_public`], the result posted sealed to client `client`'s result
    /// key (the commitment still binds the plaintext's digest), as a provider posts the
    /// result of an OpenCL job published by default.
    pub fn seal(
        &self,
        client: usize,
        index: usize,
        task_id: u64,
        result: &[u8],
        reward: u128,
        price: Option<u128>,
    ) -> DemoResult<Sealed> {
        let mut sealed = self.seal_public(index, task_id, result, reward, price);
        let context = SealContext {
            task_id,
            provider: self.providers[index].address(),
        };
        let key = self.result_keys[client].public();
        let bytes = sealing::seal(&key, &context, result)
            .map_err(|e| DemoError::Unexpected(format!("sealing a result: {e}")))?;
        sealed.result = Payload::Inline {
            data: Binary::from(bytes),
        };
        Ok(sealed)
    }

    /// A registry message from provider `index` (no funds).
    pub fn registry_msg(&self, signer: &Signer, msg: &registry::ExecuteMsg) -> DemoResult<Any> {
        Ok(self
            .deployment
            .registry()
            .execute(signer.address(), msg, vec![])?)
    }

    /// Sends `msgs` from provider `index`.
    pub async fn send_as_provider(
        &mut self,
        index: usize,
        msgs: Vec<Any>,
        gas: Gas,
    ) -> DemoResult<TxOutcome> {
        Ok(self
            .client
            .send(&mut self.providers[index], msgs, gas)
            .await?)
    }

    /// Sends one registry message from client `index`, with `funds`.
    pub async fn send_as_client(
        &mut self,
        index: usize,
        msg: &registry::ExecuteMsg,
        funds: Vec<cosmrs::Coin>,
    ) -> DemoResult<TxOutcome> {
        let sender = self.clients[index].address().to_string();
        let any = self.deployment.registry().execute(&sender, msg, funds)?;
        Ok(self
            .client
            .send(&mut self.clients[index], vec![any], Gas::Auto)
            .await?)
    }

    /// Client `index` disputes `task_id`, posting `bond` of the devnet's denom: the round
    /// the dispute opened, and the transaction.
    pub async fn dispute(
        &mut self,
        index: usize,
        task_id: u64,
        bond: u128,
    ) -> DemoResult<(u64, TxOutcome)> {
        let sender = self.clients[index].address().to_string();
        let msg = self
            .deployment
            .registry()
            .dispute(&sender, task_id, &native(), bond)?;
        let outcome = self
            .client
            .send(&mut self.clients[index], vec![msg], Gas::Auto)
            .await?;
        let round = dispute_round(&outcome).ok_or_else(|| {
            DemoError::Unexpected(format!("no round for the dispute of {task_id}"))
        })?;
        Ok((round, outcome))
    }

    /// Commits `sealed` for provider `index`.
    pub async fn commit(
        &mut self,
        index: usize,
        task_id: u64,
        sealed: &Sealed,
    ) -> DemoResult<TxOutcome> {
        let msg = commit_msg(task_id, sealed);
        let any = self.registry_msg(&self.providers[index], &msg)?;
        self.send_as_provider(index, vec![any], Gas::Auto).await
    }

    /// Opens `sealed` for provider `index` (fixed gas: see [`REVEAL_GAS_EACH`]), with its
    /// result in First Response only, as the rules want it.
    pub async fn reveal(
        &mut self,
        index: usize,
        task_id: u64,
        sealed: &Sealed,
    ) -> DemoResult<TxOutcome> {
        let model = self.task(task_id).await?.task.model;
        let first_response = matches!(model, CompetitionModel::FirstResponse { .. });
        let msg = reveal_msg(task_id, sealed, first_response);
        let any = self.registry_msg(&self.providers[index], &msg)?;
        self.send_as_provider(index, vec![any], reveal_gas(1)).await
    }

    /// Provider `index`, chosen to deliver `task_id`, posts `sealed`'s result.
    pub async fn deliver(
        &mut self,
        index: usize,
        task_id: u64,
        sealed: &Sealed,
    ) -> DemoResult<TxOutcome> {
        let msg = registry::ExecuteMsg::Deliver {
            task_id,
            digest: sealed.digest.clone(),
            result: sealed.result.clone(),
        };
        let any = self.registry_msg(&self.providers[index], &msg)?;
        self.send_as_provider(index, vec![any], Gas::Auto).await
    }

    /// Who must deliver an awarded task.
    pub async fn award(&self, task_id: u64) -> DemoResult<Option<registry::AwardState>> {
        let query = registry::QueryMsg::Award { task_id };
        Ok(self.client.smart(&self.deployment.registry, &query).await?)
    }

    /// The owner cranks `Finalize` on `task_id` (anyone may).
    pub async fn finalize(&mut self, task_id: u64) -> DemoResult<TxOutcome> {
        let msg = registry::ExecuteMsg::Finalize { task_id };
        let any = self.registry_msg(&self.owner, &msg)?;
        Ok(self
            .client
            .send(&mut self.owner, vec![any], Gas::Auto)
            .await?)
    }

    pub async fn task(&self, task_id: u64) -> DemoResult<TaskDetails> {
        Ok(self
            .client
            .smart(
                &self.deployment.registry,
                &registry::QueryMsg::Task { task_id },
            )
            .await?)
    }

    /// Every response to `task_id` (a task holds at most 30 in the demo's settings).
    pub async fn responses(&self, task_id: u64) -> DemoResult<Vec<TaskResponseRecord>> {
        let query = registry::QueryMsg::Responses {
            task_id,
            start_after: None,
            limit: Some(30),
        };
        let page: registry::ResponsesResponse =
            self.client.smart(&self.deployment.registry, &query).await?;
        Ok(page.responses)
    }

    /// A provider's staking record: its stake and reputation, what a client chooses by.
    pub async fn provider_record(&self, address: &str) -> DemoResult<staking::ProviderResponse> {
        let query = staking::QueryMsg::Provider {
            address: address.to_string(),
        };
        Ok(self.client.smart(&self.deployment.staking, &query).await?)
    }

    /// The result a completed task was paid for, as its client reads it: the posted bytes
    /// opened with the client's result key (where the task names one) and checked against
    /// the digest; `None` when no result was posted inline.
    pub async fn result_of(&self, task_id: u64) -> DemoResult<Option<Vec<u8>>> {
        let details = self.task(task_id).await?;
        let responses = self.responses(task_id).await?;
        let posted = responses.iter().find_map(|r| match (&r.result, &r.digest) {
            (Some(Payload::Inline { data }), Some(digest)) => Some((r, data, digest)),
            _ => None,
        });
        let Some((response, data, digest)) = posted else {
            return Ok(None);
        };
        if details.spec.result_key.is_none() {
            return Ok(Some(data.to_vec()));
        }
        let client = self
            .clients
            .iter()
            .position(|c| c.address() == details.task.client.as_str())
            .ok_or_else(|| DemoError::Unexpected(format!("task {task_id}: not a demo client's")))?;
        let digest: [u8; 32] = digest
            .as_slice()
            .try_into()
            .map_err(|_| DemoError::Unexpected("a digest of another length".into()))?;
        let context = SealContext {
            task_id,
            provider: response.provider.as_str(),
        };
        sealing::open_and_check(&self.result_keys[client], &context, data, &digest)
            .map(Some)
            .map_err(|e| DemoError::Unexpected(format!("task {task_id}: {e}")))
    }

    /// Moves the chain clock forward (and waits for a block to carry it).
    pub async fn advance_time(&self, by: Duration) -> DemoResult<()> {
        let height = self.devnet.height();
        self.devnet.advance_time(by);
        while self.devnet.height() <= height + 1 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(())
    }
}

/// The devnet's denom as a reward (or bond) asset.
fn native() -> AssetInfo {
    AssetInfo::Native {
        denom: DENOM.into(),
    }
}

/// The fixed gas of a transaction of `reveals` reveals.
pub fn reveal_gas(reveals: usize) -> Gas {
    Gas::Fixed(REVEAL_GAS_EACH * reveals as u64)
}

pub fn commit_msg(task_id: u64, sealed: &Sealed) -> registry::ExecuteMsg {
    registry::ExecuteMsg::Commit {
        task_id,
        commitment: sealed.commitment.clone(),
    }
}

/// `Reveal` of `sealed`, carrying its result when `with_result` (First Response).
pub fn reveal_msg(task_id: u64, sealed: &Sealed, with_result: bool) -> registry::ExecuteMsg {
    registry::ExecuteMsg::Reveal {
        task_id,
        digest: sealed.digest.clone(),
        salt: sealed.salt.clone(),
        price: sealed.price,
        result: with_result.then(|| sealed.result.clone()),
    }
}

/// The ids of the tasks a transaction published, in message order.
pub fn published_ids(outcome: &TxOutcome) -> Vec<u64> {
    ogpu_events(outcome)
        .into_iter()
        .filter(|e| e.name == names::TASK_PUBLISHED)
        .filter_map(|e| e.task_id())
        .collect()
}

/// Just past `model`'s first window (Manual Confirmation's reveals open then).
pub fn commit_window(model: &CompetitionModel) -> Duration {
    let first = model.windows().first().map_or(0, |(_, seconds)| *seconds);
    Duration::from_secs(first + 1)
}

/// Just past every window of `model`, counted from publishing.
pub fn all_windows(model: &CompetitionModel) -> Duration {
    let seconds: u64 = model.windows().iter().map(|(_, seconds)| seconds).sum();
    Duration::from_secs(seconds + 1)
}
