//! A devnet with the suite deployed, funded keys, daemon configs and a client that
//! publishes tasks: what the daemon tests share.

#![allow(dead_code)] // each test takes what it needs

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cosmrs::crypto::secp256k1::SigningKey;
use cosmwasm_std::{Binary, HexBinary, Uint128, Uint64};
use ogpu_client::deploy::deploy;
use ogpu_client::deployment::execute;
use ogpu_client::keys::HdPath;
use ogpu_client::sealing::{self, ResultKey, SealContext};
use ogpu_client::{ogpu_events, ChainConfig, Client, Deployment, Gas, Signer};
use ogpu_devnet::{DevAccount, Devnet, DevnetConfig};
use ogpu_provider::daemon::{register, DaemonConfig, KeyConfig, StrategyConfig};
use ogpu_testing::fixtures;
use ogpu_types::events as names;
use ogpu_types::registry::{self, TaskDetails};
use ogpu_types::{
    staking, AssetInfo, CompetitionModel, DeviceType, Job, KernelArg, KernelSource, OpenClJob,
    Payload, Requirements, TaskResponseRecord, TaskSpec,
};

pub const DENOM: &str = "ustake";
pub const REWARD: u128 = 50_000;
pub const FEE_BPS: u128 = 100;
/// Devnet accounts: the suite's owner, the client, then providers.
pub const OWNER: usize = 0;
pub const CLIENT: usize = 1;
pub const PROVIDERS: [usize; 2] = [2, 3];

/// What a task pays its winner after the protocol fee (rounded up in its favour).
pub fn net(price: u128) -> u128 {
    price - (price * FEE_BPS).div_ceil(10_000)
}

pub struct Market {
    pub devnet: Devnet,
    pub client: Client,
    pub deployment: Deployment,
    pub dir: tempfile::TempDir,
    buyer: Signer,
}

pub fn artifacts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../artifacts")
}

pub fn signer(account: &DevAccount) -> Signer {
    Signer::new(
        SigningKey::from_slice(&account.private_key).unwrap(),
        "wasm",
    )
    .unwrap()
}

pub fn key(account: &DevAccount) -> SigningKey {
    SigningKey::from_slice(&account.private_key).unwrap()
}

async fn connect(devnet: &Devnet) -> Client {
    let config = ChainConfig {
        node: devnet.rpc_url(),
        ..ChainConfig::default()
    };
    Client::connect(config).await.unwrap()
}

/// Deploys the suite with the owner's key; its deployment file is written into `dir`.
async fn deploy_suite(devnet: &Devnet, client: &Client, dir: &std::path::Path) -> Deployment {
    let mut owner = signer(&devnet.accounts()[OWNER]);
    let params = fixtures::devnet_suite(owner.address());
    assert_eq!(u128::from(params.protocol_fee_bps), FEE_BPS);
    let deployment = deploy(client, &mut owner, &artifacts(), params, "ogpu")
        .await
        .unwrap();
    deployment.save(&dir.join("deployment.json")).unwrap();
    deployment
}

impl Market {
    /// A devnet (persisted in `home` when given) with the suite deployed.
    pub async fn start(home: Option<PathBuf>) -> Self {
        // The daemon's logs with RUST_LOG (e.g. `ogpu_provider=info`) and `--nocapture`.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let devnet = Devnet::spawn(DevnetConfig {
            home,
            ..DevnetConfig::for_tests()
        })
        .await
        .unwrap();
        let client = connect(&devnet).await;
        let dir = tempfile::tempdir().unwrap();
        let deployment = deploy_suite(&devnet, &client, dir.path()).await;
        let buyer = signer(&devnet.accounts()[CLIENT]);
        Self {
            devnet,
            client,
            deployment,
            dir,
            buyer,
        }
    }

    /// Stops the devnet, waits `down`, and starts it again from its home on the same port.
    pub async fn restart_chain(self, down: Duration) -> Self {
        self.respawn(down, true).await
    }

    /// Stops the devnet and starts a new one in memory on the same port — another chain
    /// with the same chain id, accounts and (deployed by the same key) contract addresses,
    /// at height 1 — then deploys the suite again, rewriting the deployment file.
    pub async fn reset_chain(self) -> Self {
        let mut market = self.respawn(Duration::ZERO, false).await;
        market.deployment = deploy_suite(&market.devnet, &market.client, market.dir.path()).await;
        market
    }

    /// Stops the devnet, waits `down`, and starts it again on the same port: from its
    /// home (`keep_home`) or as a new chain in memory.
    async fn respawn(self, down: Duration, keep_home: bool) -> Self {
        let mut config = DevnetConfig {
            rpc_addr: self.devnet.rpc_addr(),
            ..self.devnet.config().clone()
        };
        if !keep_home {
            config.home = None;
        }
        self.devnet.shutdown().await;
        tokio::time::sleep(down).await;
        let devnet = Devnet::spawn(config).await.unwrap();
        let client = connect(&devnet).await;
        Market {
            devnet,
            client,
            ..self
        }
    }

    /// A market with provider account `PROVIDERS[0]` registered; its address.
    pub async fn with_provider(home: Option<PathBuf>) -> (Self, String) {
        let market = Self::start(home).await;
        market.register(PROVIDERS[0], 1).await;
        let address = market.account(PROVIDERS[0]).address.clone();
        (market, address)
    }

    /// `config` written as a TOML file, for the binary.
    pub fn config_file(&self, config: &DaemonConfig, name: &str) -> PathBuf {
        let file = self.dir.path().join(name);
        std::fs::write(&file, toml::to_string(config).unwrap()).unwrap();
        file
    }

    /// The `ogpu-provider` binary with `args`, its key's mnemonic in its environment.
    pub fn binary(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_ogpu-provider"));
        command
            .args(args)
            .env(
                "OGPU_TEST_PROVIDER_MNEMONIC",
                &self.devnet.config().mnemonic,
            )
            .kill_on_drop(true);
        command
    }

    pub fn account(&self, index: usize) -> &DevAccount {
        &self.devnet.accounts()[index]
    }

    /// A daemon config for provider account `index`, its state in `<dir>/<name>`.
    pub fn config(&self, index: usize, name: &str) -> DaemonConfig {
        let key = KeyConfig {
            mnemonic_env: Some("OGPU_TEST_PROVIDER_MNEMONIC".into()),
            hd_path: Some(format!("m/44'/118'/0'/0/{index}")),
            ..KeyConfig::default()
        };
        DaemonConfig {
            device: std::env::var("OGPU_DEVICE").map_or(0, |v| v.parse().unwrap()),
            strategy: StrategyConfig {
                max_kernel_secs: 5,
                ..StrategyConfig::default()
            },
            poll_secs: 1,
            // Kernels run in the real binary's worker, as in production.
            worker_program: Some(PathBuf::from(env!("CARGO_BIN_EXE_ogpu-provider"))),
            ..DaemonConfig::new(
                self.client.config().clone(),
                key,
                self.dir.path().join("deployment.json"),
                self.dir.path().join(name),
            )
        }
    }

    /// Registers provider account `index` through the library, with a CPU device of
    /// `gflops`.
    pub async fn register(&self, index: usize, gflops: u64) {
        let config = self.config(index, "unused");
        let (_, _, staking) = register::staking_config(&config).await.unwrap();
        let device = ogpu_provider::device(config.device).unwrap();
        assert_eq!(
            device.device_type,
            DeviceType::Cpu,
            "the tests expect PoCL's CPU device"
        );
        let metadata = register::metadata(
            "test",
            &device,
            gflops,
            &config.strategy.task_kinds,
            &staking,
        );
        register::register(
            &config,
            key(self.account(index)),
            metadata,
            Some(Uint128::new(fixtures::STAKE)),
        )
        .await
        .unwrap();
    }

    /// The client's result key, derived from its account key as the `ogpu` CLI does.
    pub fn result_key(&self) -> ResultKey {
        ResultKey::from_mnemonic(
            &self.devnet.config().mnemonic,
            &HdPath::cosmos(CLIENT as u32),
        )
        .unwrap()
    }

    /// The plaintext a response posted: opened with the client's result key and checked
    /// against the response's digest when the task is sealed, as posted otherwise.
    pub async fn result_of(&self, response: &TaskResponseRecord) -> Vec<u8> {
        let posted = posted_bytes(response).await;
        let spec = self.task(response.task_id).await.spec;
        if spec.result_key.is_none() {
            return posted;
        }
        let digest: [u8; 32] = response
            .digest
            .as_ref()
            .unwrap()
            .as_slice()
            .try_into()
            .unwrap();
        let context = SealContext {
            task_id: response.task_id,
            provider: response.provider.as_str(),
        };
        sealing::open_and_check(&self.result_key(), &context, &posted, &digest).unwrap()
    }

    /// Publishes `spec` with the standard reward, its results sealed to the client's key
    /// (an OpenCL job's, as the CLI publishes by default); returns the task id.
    pub async fn publish(&mut self, spec: TaskSpec) -> u64 {
        self.publish_for(spec, REWARD).await
    }

    /// [`Market::publish`] with `reward`.
    pub async fn publish_for(&mut self, mut spec: TaskSpec, reward: u128) -> u64 {
        if matches!(spec.job, Job::OpenCl(_)) && spec.result_key.is_none() {
            spec.result_key = Some(HexBinary::from(self.result_key().public()));
        }
        let asset = AssetInfo::Native {
            denom: DENOM.into(),
        };
        let msg = self
            .deployment
            .registry()
            .publish(self.buyer.address(), spec, &asset, reward)
            .unwrap();
        let outcome = self
            .client
            .send(&mut self.buyer, vec![msg], Gas::Auto)
            .await
            .unwrap();
        ogpu_events(&outcome)
            .iter()
            .find(|e| e.name == names::TASK_PUBLISHED)
            .and_then(|e| e.task_id())
            .unwrap()
    }

    pub async fn confirm(&mut self, task_id: u64, provider: &str) {
        let msg = registry::ExecuteMsg::Confirm {
            task_id,
            provider: provider.to_string(),
        };
        let msg = execute(
            self.buyer.address(),
            &self.deployment.registry,
            &msg,
            vec![],
        )
        .unwrap();
        self.client
            .send(&mut self.buyer, vec![msg], Gas::Auto)
            .await
            .unwrap();
    }

    pub async fn task(&self, task_id: u64) -> TaskDetails {
        self.client
            .smart(
                &self.deployment.registry,
                &registry::QueryMsg::Task { task_id },
            )
            .await
            .unwrap()
    }

    pub async fn responses(&self, task_id: u64) -> Vec<TaskResponseRecord> {
        let query = registry::QueryMsg::Responses {
            task_id,
            start_after: None,
            limit: Some(30),
        };
        self.client
            .smart::<registry::ResponsesResponse>(&self.deployment.registry, &query)
            .await
            .unwrap()
            .responses
    }

    pub async fn provider(&self, address: &str) -> staking::ProviderResponse {
        let query = staking::QueryMsg::Provider {
            address: address.to_string(),
        };
        self.client
            .smart(&self.deployment.staking, &query)
            .await
            .unwrap()
    }

    pub async fn balance(&self, address: &str) -> u128 {
        self.client.balance(address, DENOM).await.unwrap().u128()
    }

    /// Waits until some provider committed to `task_id`.
    pub async fn committed(&self, task_id: u64) {
        eventually("a provider commits", || async {
            (!self.responses(task_id).await.is_empty()).then_some(())
        })
        .await
    }

    /// Waits until a response to `task_id` is revealed; returns it.
    pub async fn revealed(&self, task_id: u64) -> TaskResponseRecord {
        eventually("a response is revealed", || async {
            let responses = self.responses(task_id).await;
            responses.into_iter().find(|r| r.revealed_height.is_some())
        })
        .await
    }

    /// Waits (up to a minute) until `task_id` reaches a terminal status.
    pub async fn finished(&self, task_id: u64) -> TaskDetails {
        eventually("the task ends", || async {
            let details = self.task(task_id).await;
            details.task.status.is_terminal().then_some(details)
        })
        .await
    }
}

/// Polls `check` until it gives a value (up to a minute).
pub async fn eventually<T, F: Future<Output = Option<T>>>(
    what: &str,
    mut check: impl FnMut() -> F,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `out[i] = a[i] * 3 + b[i]` over `n` unsigned ints, and its CPU reference.
pub fn vector_job(n: u32) -> (Job, Vec<u8>) {
    let a: Vec<u32> = (0..n).map(|i| i * 7 + 1).collect();
    let b: Vec<u32> = (0..n).map(|i| u32::MAX - i).collect();
    let bytes = |v: &[u32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    let expected: Vec<u32> = a
        .iter()
        .zip(&b)
        .map(|(a, b)| a.wrapping_mul(3).wrapping_add(*b))
        .collect();
    let input = |v: &[u32]| KernelArg::Input {
        payload: Payload::Inline {
            data: Binary::from(bytes(v)),
        },
    };
    let job = OpenClJob {
        kernel: KernelSource::Inline {
            source: "__kernel void axpb(__global const uint* a, __global const uint* b, __global uint* out) \
                     { size_t i = get_global_id(0); out[i] = a[i] * 3u + b[i]; }"
                .into(),
        },
        entry_point: "axpb".into(),
        args: vec![
            input(&a),
            input(&b),
            KernelArg::Output {
                size: Uint64::new(u64::from(n) * 4),
            },
        ],
        global_work_size: vec![Uint64::new(u64::from(n))],
        local_work_size: None,
    };
    (Job::OpenCl(job), bytes(&expected))
}

pub fn spec(job: Job, model: CompetitionModel) -> TaskSpec {
    TaskSpec {
        job,
        requirements: Requirements::default(),
        model,
        collateral: Uint128::new(fixtures::COLLATERAL),
        dispute: None,
        result_key: None,
    }
}

/// A kernel source as a job with one 4-byte output and one work-item.
pub fn kernel_job(source: &str, entry_point: &str, scalar: Option<u32>) -> Job {
    let mut args = vec![KernelArg::Output {
        size: Uint64::new(4),
    }];
    if let Some(value) = scalar {
        args.push(KernelArg::Scalar {
            value: ogpu_types::Scalar::U32(value),
        });
    }
    Job::OpenCl(OpenClJob {
        kernel: KernelSource::Inline {
            source: source.into(),
        },
        entry_point: entry_point.into(),
        args,
        global_work_size: vec![Uint64::new(1)],
        local_work_size: None,
    })
}

/// The bytes a response posted (sealed, where the task names a result key), fetched over
/// HTTP when given by reference (and checked against the reference's digest).
pub async fn posted_bytes(response: &TaskResponseRecord) -> Vec<u8> {
    match response.result.as_ref().expect("revealed") {
        Payload::Inline { data } => data.to_vec(),
        Payload::Reference { uri, sha256, size } => {
            let bytes = reqwest::get(uri)
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
                .to_vec();
            assert_eq!(bytes.len() as u64, size.u64());
            assert_eq!(
                ogpu_types::commitment::sha256(&bytes).as_slice(),
                sha256.as_slice()
            );
            bytes
        }
    }
}
