//! Running the real `ogpu` binary against a devnet spawned in the test process, with a
//! temporary `--home`; and the provider's side of a task, played through `ogpu-client`.

#![allow(dead_code)] // each test file uses part of it

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cosmrs::rpc::Client as _;
use cosmwasm_std::{Addr, Binary, HexBinary, Timestamp};
use ogpu_client::deployment::execute;
use ogpu_client::keys::{key_from_mnemonic, HdPath};
use ogpu_client::sealing::{self, SealContext};
use ogpu_client::{ChainConfig, Client, Deployment, Gas, ResultKey, Signer};
use ogpu_devnet::{Devnet, DevnetConfig};
use ogpu_testing::{Sealed, SealedBid};
use ogpu_types::registry::{ExecuteMsg, QueryMsg, TaskDetails};
use ogpu_types::Payload;
use serde_json::Value;

/// Dev account indices: the client (also the deployer) and two providers.
pub const CLIENT: u32 = 0;
pub const PROVIDER: u32 = 1;
pub const PROVIDER2: u32 = 2;

/// What one `ogpu` run produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics, showing stderr, unless the command succeeded.
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "ogpu failed:\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts a failure with exit code `code` and exactly one stderr line, `error: …`
    /// containing `needle`; returns that line.
    pub fn fails(&self, code: i32, needle: &str) -> String {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(self.code, code, "exit code; stderr: {}", self.stderr);
        assert_eq!(
            lines.len(),
            1,
            "one stderr line expected: {:?}",
            self.stderr
        );
        assert!(lines[0].starts_with("error: "), "{}", lines[0]);
        assert!(
            lines[0].contains(needle),
            "{:?} should contain {needle:?}",
            lines[0]
        );
        assert!(self.stdout.is_empty(), "nothing on stdout: {}", self.stdout);
        eprintln!("{}", lines[0]); // shown with --nocapture: the messages as users see them
        lines[0].to_string()
    }

    /// Like [`Run::fails`] for a command that printed progress first (`--wait`): the last
    /// stderr line is the error.
    pub fn ends_with_error(&self, code: i32, needle: &str) -> String {
        assert_eq!(self.code, code, "exit code; stderr: {}", self.stderr);
        assert!(self.stdout.is_empty(), "nothing on stdout: {}", self.stdout);
        let last = self.stderr.lines().last().unwrap_or_default();
        assert!(last.starts_with("error: "), "{last}");
        assert!(last.contains(needle), "{last:?} should contain {needle:?}");
        last.to_string()
    }
}

/// A devnet, a home directory and a scratch directory.
pub struct Net {
    // Dropped before the runtime that runs it.
    pub devnet: Devnet,
    pub home: tempfile::TempDir,
    pub work: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
}

pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../artifacts");
    assert!(
        dir.join("ogpu_task_registry.wasm").exists(),
        "{} has no contracts: build them first with `bash ci/build-wasm.sh`",
        dir.display()
    );
    dir
}

impl Net {
    pub fn spawn() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let devnet = rt
            .block_on(Devnet::spawn(DevnetConfig::for_tests()))
            .expect("devnet starts");
        Self {
            devnet,
            home: tempfile::tempdir().unwrap(),
            work: tempfile::tempdir().unwrap(),
            rt,
        }
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.rt.block_on(future)
    }

    /// Serves `body` over HTTP to every request, as a provider's storage would; its URL.
    pub fn serve(&self, body: Vec<u8>) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = self
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}/result.bin", listener.local_addr().unwrap());
        self.rt.spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0u8; 1024];
                let _ = socket.read(&mut request).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            }
        });
        url
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ogpu"));
        cmd.args([
            "--node",
            &self.devnet.rpc_url(),
            "--chain-id",
            self.devnet.chain_id(),
        ])
        .arg("--home")
        .arg(self.home.path())
        .args(args)
        .env_remove("OGPU_HOME")
        .env_remove("OGPU_LOG");
        cmd
    }

    /// Runs `ogpu` pointed at the devnet with the test home; stdin is empty.
    pub fn ogpu(&self, args: &[&str]) -> Run {
        self.ogpu_stdin(args, "")
    }

    /// Runs `ogpu` with the dev mnemonic in `$var` (for `--from-env var`).
    pub fn ogpu_mnemonic_env(&self, var: &str, args: &[&str]) -> Run {
        let child = self
            .command(args)
            .env(var, ogpu_devnet::keys::DEFAULT_MNEMONIC)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ogpu runs");
        finish(child)
    }

    pub fn ogpu_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ogpu runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        finish(child)
    }

    /// Starts `ogpu` and returns at once (for `--wait`).
    pub fn spawn_ogpu(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ogpu runs")
    }

    /// Runs `ogpu` (pointed at the devnet, the test home) into a pipe whose reader has gone,
    /// as in `ogpu … | head` once head has exited: the reader closes first, then ogpu writes.
    pub fn ogpu_into_closed_pipe(&self, args: &[&str]) -> Run {
        let command = self.command(args);
        let output = Command::new("sh")
            .arg("-c")
            .arg(r#"(sleep 1; "$@"; echo "exit=$?" >&2) | true"#)
            .arg("sh")
            .arg(command.get_program())
            .args(command.get_args())
            .stdin(Stdio::null())
            .output()
            .expect("sh runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let code = stderr
            .lines()
            .find_map(|l| l.strip_prefix("exit="))
            .and_then(|c| c.trim().parse().ok())
            .unwrap_or(-1);
        Run {
            code,
            stdout: String::new(),
            stderr: stderr.replace(&format!("exit={code}\n"), ""),
        }
    }

    /// Runs `ogpu` with the test home but without --node/--chain-id.
    pub fn raw(&self, args: &[&str]) -> Run {
        let child = Command::new(env!("CARGO_BIN_EXE_ogpu"))
            .arg("--home")
            .arg(self.home.path())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("OGPU_HOME")
            .spawn()
            .expect("ogpu runs");
        finish(child)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.work.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    }

    /// Keys `client` and `provider` (dev accounts 0 and 1), stored in plaintext.
    pub fn recover_keys(&self) {
        let client = self.recover_key("client", CLIENT);
        assert_eq!(
            client["address"],
            self.devnet.accounts()[CLIENT as usize].address
        );
        self.recover_key("provider", PROVIDER);
    }

    /// Key `name`: dev account `index`, stored in plaintext; returns `keys recover`'s JSON.
    pub fn recover_key(&self, name: &str, index: u32) -> Value {
        let index = index.to_string();
        self.ogpu_stdin(
            &[
                "keys",
                "recover",
                name,
                "--index",
                &index,
                "--unsafe-plaintext",
                "-o",
                "json",
            ],
            ogpu_devnet::keys::DEFAULT_MNEMONIC,
        )
        .ok()
        .json()
    }

    /// `ogpu task publish` with `args`, from the client, confirmed: the new task's id.
    pub fn publish(&self, args: &[&str]) -> u64 {
        let mut all = vec!["task", "publish"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--from", "client", "-y", "-o", "json"]);
        let published = self.ogpu(&all).ok().json();
        published["task_id"].as_u64().expect("a task id")
    }

    /// Deploys with `ogpu deploy` (1 s minimum windows so tests can expire tasks; a
    /// 1000ustake minimum reward, below the default, so tests publish cheap tasks).
    pub fn deploy(&self) -> Deployment {
        let artifacts = artifacts();
        let run = self
            .ogpu(&[
                "deploy",
                "--artifacts",
                artifacts.to_str().unwrap(),
                "--min-window",
                "1",
                "--min-reward",
                "1000",
                "--from",
                "client",
                "-y",
                "-o",
                "json",
            ])
            .ok();
        let doc = run.json();
        serde_json::from_value(doc["deployment"].clone()).expect("a deployment")
    }

    pub fn address(&self, index: u32) -> String {
        self.devnet.accounts()[index as usize].address.clone()
    }

    pub fn client(&self) -> Client {
        let config = ChainConfig {
            node: self.devnet.rpc_url(),
            chain_id: self.devnet.chain_id().to_string(),
            ..ChainConfig::default()
        };
        self.block_on(Client::connect(config)).expect("connects")
    }

    pub fn signer(&self, index: u32) -> Signer {
        let key =
            key_from_mnemonic(ogpu_devnet::keys::DEFAULT_MNEMONIC, &HdPath::cosmos(index)).unwrap();
        Signer::new(key, "wasm").unwrap()
    }

    pub fn task(
        &self,
        client: &Client,
        deployment: &Deployment,
        task_id: u64,
    ) -> Option<TaskDetails> {
        self.block_on(
            client.smart::<TaskDetails>(&deployment.registry, &QueryMsg::Task { task_id }),
        )
        .ok()
    }

    /// Waits for task `task_id` to exist.
    pub fn await_task(
        &self,
        client: &Client,
        deployment: &Deployment,
        task_id: u64,
    ) -> TaskDetails {
        let start = Instant::now();
        loop {
            if let Some(task) = self.task(client, deployment, task_id) {
                return task;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "task {task_id} never appeared"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The latest block's time.
    pub fn now(&self, client: &Client) -> Timestamp {
        let status = self.block_on(client.rpc().status()).unwrap();
        Timestamp::from_nanos(status.sync_info.latest_block_time.unix_timestamp_nanos() as u64)
    }

    /// Sleeps until a block later than `deadline` exists.
    pub fn pass(&self, client: &Client, deadline: Timestamp) {
        while self.now(client) <= deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The provider's commitment to `result` (price: the reward in First Response).
    #[allow(clippy::too_many_arguments)]
    pub fn commit(
        &self,
        client: &Client,
        deployment: &Deployment,
        signer: &mut Signer,
        task_id: u64,
        result: &[u8],
        committed_price: u128,
        price: Option<u128>,
    ) -> Sealed {
        let sealed = Sealed::new(
            task_id,
            &Addr::unchecked(signer.address()),
            result,
            committed_price,
            price,
        );
        self.send_commitment(client, deployment, signer, task_id, &sealed.commitment);
        sealed
    }

    /// The provider's sealed bid of `price` on auction `task_id`, made with any Cosmos
    /// client (not `ogpu provider bid`).
    pub fn bid(
        &self,
        client: &Client,
        deployment: &Deployment,
        signer: &mut Signer,
        task_id: u64,
        price: u128,
    ) -> SealedBid {
        let bid = SealedBid::new(task_id, &Addr::unchecked(signer.address()), price);
        self.send_commitment(client, deployment, signer, task_id, &bid.commitment);
        bid
    }

    fn send_commitment(
        &self,
        client: &Client,
        deployment: &Deployment,
        signer: &mut Signer,
        task_id: u64,
        commitment: &HexBinary,
    ) {
        let msg = ExecuteMsg::Commit {
            task_id,
            commitment: commitment.clone(),
        };
        let any = execute(signer.address(), &deployment.registry, &msg, vec![]).unwrap();
        let outcome = self
            .block_on(client.send(signer, vec![any], Gas::Auto))
            .expect("commit");
        // A reveal goes in a later block, and a simulation runs at the latest block's
        // height (as on wasmd): wait for the next block.
        while self.devnet.height() <= outcome.height {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The keys recovered, the suite deployed and two providers (`provider`,
    /// `provider2`) registered: the deployment, a client and the providers' addresses.
    pub fn with_two_providers(&self) -> (Deployment, Client, String, String) {
        self.recover_keys();
        self.recover_key("provider2", PROVIDER2);
        let deployment = self.deploy();
        let client = self.client();
        self.register("provider");
        self.register("provider2");
        let providers = (self.address(PROVIDER), self.address(PROVIDER2));
        (deployment, client, providers.0, providers.1)
    }

    /// Registers key `key` as a provider with the minimum stake.
    pub fn register(&self, key: &str) {
        self.ogpu(&[
            "provider",
            "register",
            "--moniker",
            key,
            "--device",
            "gpu:AMD:MI300:196608:80000",
            "--from",
            key,
            "-y",
        ])
        .ok();
    }

    /// Opens a commitment: its digest and price, with `result` in First Response.
    pub fn reveal(
        &self,
        client: &Client,
        deployment: &Deployment,
        signer: &mut Signer,
        task_id: u64,
        sealed: &Sealed,
        result: Option<Payload>,
    ) {
        let msg = ExecuteMsg::Reveal {
            task_id,
            digest: sealed.digest.clone(),
            salt: sealed.salt.clone(),
            price: sealed.price,
            result,
        };
        self.send(client, deployment, signer, &msg, "reveal");
    }

    /// The chosen provider delivers `result` for its revealed `digest`.
    pub fn deliver(
        &self,
        client: &Client,
        deployment: &Deployment,
        signer: &mut Signer,
        task_id: u64,
        digest: &HexBinary,
        result: Payload,
    ) {
        let msg = ExecuteMsg::Deliver {
            task_id,
            digest: digest.clone(),
            result,
        };
        self.send(client, deployment, signer, &msg, "deliver");
    }

    fn send(
        &self,
        client: &Client,
        deployment: &Deployment,
        signer: &mut Signer,
        msg: &ExecuteMsg,
        what: &str,
    ) {
        let any = execute(signer.address(), &deployment.registry, msg, vec![]).unwrap();
        self.block_on(client.send(signer, vec![any], Gas::Auto))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
    }

    /// `plaintext` as the provider `signer` posts it on task `task_id`: sealed to the
    /// task's result key when it names one (as the provider daemon does), else as is.
    pub fn posted(
        &self,
        client: &Client,
        deployment: &Deployment,
        signer: &Signer,
        task_id: u64,
        plaintext: &[u8],
    ) -> Payload {
        let spec = self.await_task(client, deployment, task_id).spec;
        let data = match spec.result_key {
            Some(key) => {
                let key: [u8; 32] = key.as_slice().try_into().unwrap();
                let ctx = SealContext {
                    task_id,
                    provider: signer.address(),
                };
                sealing::seal(&key, &ctx, plaintext).unwrap()
            }
            None => plaintext.to_vec(),
        };
        Payload::Inline {
            data: Binary::from(data),
        }
    }

    /// The result key of dev account `index` (the client's is account 0's).
    pub fn result_key(&self, index: u32) -> ResultKey {
        ResultKey::from_mnemonic(ogpu_devnet::keys::DEFAULT_MNEMONIC, &HdPath::cosmos(index))
            .unwrap()
    }

    pub fn balance(&self, client: &Client, address: &str) -> u128 {
        self.block_on(client.balance(address, "ustake"))
            .unwrap()
            .u128()
    }
}

fn finish(child: Child) -> Run {
    let out = child.wait_with_output().expect("ogpu finishes");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Waits for a spawned `ogpu` (at most `secs`).
pub fn wait(child: Child, secs: u64) -> Run {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(finish(child));
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("ogpu (pid {pid}) did not finish in {secs} s"))
}
