//! The `ogpu` binary against a spawned devnet, end to end: keys, deploy, a provider, a
//! First Response task published with `--wait` while the test plays the provider, its
//! result sealed to the client, opened and verified (and refused to anyone else); an
//! expiring task finalized by `--wait`, which then fails; a Manual Confirmation task's
//! sealed offer compared, awarded and delivered; a cancel; `--dry-run` and `--fees`; every
//! `-o json` parsed.

mod support;

use serde_json::Value;
use support::{wait, Net, CLIENT, PROVIDER};

const KERNEL: &str = "__kernel void add(__global const uint* a, __global uint* out, uint k) \
                      { size_t i = get_global_id(0); out[i] = a[i] + k; }";

#[test]
fn a_first_response_task_from_publish_to_result() {
    let net = Net::spawn();
    net.recover_keys();
    let keys = net.ogpu(&["keys", "list", "-o", "json"]).ok().json();
    let names: Vec<&str> = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["client", "provider"]);
    let provider_addr = net.address(PROVIDER);
    let shown = net.ogpu(&["keys", "show", "provider", "-a"]).ok();
    assert_eq!(shown.stdout.trim(), provider_addr);

    let deployment = net.deploy();
    let saved: Value = serde_json::from_str(
        &std::fs::read_to_string(net.home.path().join("deployment.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(saved["registry"], deployment.registry);
    let config = net.ogpu(&["query", "config", "-o", "json"]).ok().json();
    assert_eq!(
        config["registry"]["accepted_assets"][0]["info"]["native"]["denom"],
        "ustake"
    );
    assert_eq!(
        config["registry"]["accepted_assets"][0]["min_reward"],
        "1000"
    );
    assert_eq!(config["settlement"]["protocol_fee_bps"], 100);
    assert_eq!(config["staking"]["params"]["bond_denom"], "ustake");

    // The provider registers, then adds stake.
    let registered = net
        .ogpu(&[
            "provider",
            "register",
            "--moniker",
            "test-gpu",
            "--device",
            "gpu:NVIDIA:H100:81920:60000:OpenCL 3.0",
            "--stake",
            "10000ustake",
            "--from",
            "provider",
            "-y",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(registered["code"], 0);
    assert_eq!(registered["provider"], provider_addr);
    net.ogpu(&["provider", "bond", "2000", "--from", "provider", "-y"])
        .ok();
    let shown = net
        .ogpu(&["provider", "show", "--from", "provider", "-o", "json"])
        .ok()
        .json();
    assert_eq!(shown["bonded"], "12000");
    assert_eq!(shown["metadata"]["devices"][0]["memory_mb"], 81920);
    let listed = net.ogpu(&["provider", "list", "-o", "json"]).ok().json();
    assert_eq!(listed["providers"].as_array().unwrap().len(), 1);
    net.ogpu(&[
        "provider",
        "update",
        "--moniker",
        "renamed",
        "--from",
        "provider",
        "-y",
    ])
    .ok();
    let shown = net
        .ogpu(&["provider", "show", &provider_addr, "-o", "json"])
        .ok()
        .json();
    assert_eq!(shown["metadata"]["moniker"], "renamed");
    assert_eq!(
        shown["metadata"]["devices"][0]["name"], "H100",
        "devices kept"
    );

    // A First Response task, followed with --wait while the provider commits and reveals.
    let kernel = net.write("add.cl", KERNEL);
    let input = net.write("a.bin", [1u8, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0]);
    let input_arg = format!("input:{input}");
    let child = net.spawn_ogpu(&[
        "task",
        "publish",
        "--kernel",
        &kernel,
        "--arg",
        &input_arg,
        "--arg",
        "output:16",
        "--arg",
        "u32:10",
        "--global",
        "4",
        "--reward",
        "5000ustake",
        "--collateral",
        "1000",
        "--wait",
        "--from",
        "client",
        "-y",
        "-o",
        "json",
    ]);
    let client = net.client();
    let task = net.await_task(&client, &deployment, 1);
    assert_eq!(task.task.reward.amount.u128(), 5000);
    let mut provider = net.signer(PROVIDER);
    let result: Vec<u8> = [11u32, 12, 13, 14]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let sealed = net.commit(&client, &deployment, &mut provider, 1, &result, 5000, None);
    let posted = net.posted(&client, &deployment, &provider, 1, &result);
    net.reveal(
        &client,
        &deployment,
        &mut provider,
        1,
        &sealed,
        Some(posted),
    );
    let run = wait(child, 120).ok();
    let doc = run.json();
    assert_eq!(doc["task_id"], 1);
    assert_eq!(doc["code"], 0);
    assert_eq!(doc["task"]["status"], "completed");
    assert_eq!(doc["task"]["outcome"]["winner"], provider_addr);
    assert!(run.stderr.contains("task 1: committed 1"), "{}", run.stderr);
    assert!(run.stderr.contains("task 1: completed"), "{}", run.stderr);

    // The result was sealed to the client's result key, which publish put in the spec; the
    // client opens it and checks it against its sha256, to a file and as JSON.
    let shown = net.ogpu(&["task", "show", "1", "-o", "json"]).ok().json();
    assert_eq!(
        shown["spec"]["result_key"],
        hex::encode(net.result_key(CLIENT).public())
    );
    let out = net.path("result.bin");
    let fetched = net
        .ogpu(&[
            "task",
            "result",
            "1",
            "--from",
            "client",
            "--out",
            out.to_str().unwrap(),
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(fetched["size"], 16);
    assert_eq!(fetched["sealed"], true);
    assert_eq!(std::fs::read(&out).unwrap(), result);
    let raw = net.ogpu(&["task", "result", "1", "--from", "client"]).ok();
    assert_eq!(raw.stdout.as_bytes(), result.as_slice());
    // Anyone else reading the chain sees only the digest.
    net.ogpu(&["task", "result", "1"])
        .fails(2, "the result of task 1 is sealed to its client's key");
    net.ogpu(&["task", "result", "1", "--from", "provider"])
        .fails(
            2,
            "this result is sealed to the task's client; key provider cannot open it",
        );
    let text = net.ogpu(&["task", "show", "1"]).ok().stdout;
    assert!(text.contains("1 committed, 1 revealed"), "{text}");
    assert!(text.contains("sealed to the client's key"), "{text}");

    assert_eq!(shown["spec"]["job"]["opencl"]["entry_point"], "add");
    assert_eq!(
        shown["spec"]["job"]["opencl"]["args"][2]["scalar"]["value"]["u32"],
        10
    );
    let responses = net
        .ogpu(&["task", "responses", "1", "-o", "json"])
        .ok()
        .json();
    assert_eq!(responses["responses"][0]["status"], "won");
    assert_eq!(responses["responses"][0]["pays"], "5000");
    assert_eq!(
        responses["responses"][0]["record"]["reputation"]["completed"],
        1
    );
    let escrow = net
        .ogpu(&["query", "escrow", "1", "-o", "json"])
        .ok()
        .json();
    assert_eq!(escrow["status"], "released");
    assert_eq!(escrow["fees"], "50");
    let totals = net.ogpu(&["query", "totals", "-o", "json"]).ok().json();
    assert_eq!(totals["settlement"]["totals"][0]["deposited"], "5000");
    assert_eq!(totals["staking"]["bonded"], "12000");
    let listed = net
        .ogpu(&["task", "list", "--status", "completed", "-o", "json"])
        .ok()
        .json();
    assert_eq!(listed["tasks"].as_array().unwrap().len(), 1);
    let mine = net
        .ogpu(&["task", "list", "--mine", "--from", "client", "-o", "json"])
        .ok()
        .json();
    assert_eq!(mine["tasks"][0]["id"], 1);
    let text = net.ogpu(&["task", "list"]).ok();
    assert!(text.stdout.starts_with("ID"), "{}", text.stdout);
    // `ogpu task show 1 | head`: no panic once head has gone, exit code 0.
    let piped = net.ogpu_into_closed_pipe(&["task", "show", "1"]);
    assert_eq!((piped.code, piped.stderr.as_str()), (0, ""));

    // The tx and a balance by key name.
    let hash = doc["txhash"].as_str().unwrap();
    let tx = net.ogpu(&["query", "tx", hash, "-o", "json"]).ok().json();
    assert_eq!(tx["height"], doc["height"]);
    let balance = net
        .ogpu(&["query", "balance", "provider", "-o", "json"])
        .ok()
        .json();
    assert_eq!(balance["address"], provider_addr);
    assert_eq!(balance["balances"][0]["denom"], "ustake");
    let watched = net
        .ogpu(&["task", "watch", "1", "--no-finalize", "-o", "json"])
        .ok()
        .json();
    assert_eq!(watched["task"]["status"], "completed");

    // Migrate: an artifact with another checksum (a custom section appended) replaces only
    // its own code, and the contract keeps its state.
    let artifacts = net.path("artifacts-v2");
    std::fs::create_dir(&artifacts).unwrap();
    for name in [
        "ogpu_task_registry.wasm",
        "ogpu_provider_staking.wasm",
        "ogpu_settlement.wasm",
    ] {
        std::fs::copy(support::artifacts().join(name), artifacts.join(name)).unwrap();
    }
    let mut staking = std::fs::read(artifacts.join("ogpu_provider_staking.wasm")).unwrap();
    staking.extend_from_slice(&[0, 6, 4, b't', b'e', b's', b't', b'2']);
    std::fs::write(artifacts.join("ogpu_provider_staking.wasm"), staking).unwrap();
    let migrated = net
        .ogpu(&[
            "migrate",
            "--artifacts",
            artifacts.to_str().unwrap(),
            "--from",
            "client",
            "-y",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(
        migrated["migrated"],
        serde_json::json!(["ogpu_provider_staking.wasm"])
    );
    assert_ne!(
        migrated["deployment"]["codes"]["staking"]["code_id"],
        deployment.codes.staking.code_id
    );
    assert_eq!(
        migrated["deployment"]["codes"]["registry"]["code_id"],
        deployment.codes.registry.code_id
    );
    let shown = net
        .ogpu(&["provider", "show", &provider_addr, "-o", "json"])
        .ok()
        .json();
    assert_eq!(shown["bonded"], "12000");
}

#[test]
fn wait_finalizes_expired_tasks_and_manual_confirmation_is_confirmed() {
    let net = Net::spawn();
    net.recover_keys();
    let deployment = net.deploy();
    let client = net.client();
    net.ogpu(&[
        "provider",
        "register",
        "--moniker",
        "p",
        "--device",
        "gpu:AMD:MI300:196608:80000",
        "--from",
        "provider",
        "-y",
    ])
    .ok();
    let provider_addr = net.address(PROVIDER);
    let client_addr = net.address(support::CLIENT);

    // Nobody commits: --wait sends finalize itself once the windows passed, and fails.
    let run = net.ogpu(&[
        "task",
        "publish",
        "--hash-prefix",
        "6f677075",
        "--difficulty",
        "4",
        "--commit-window",
        "1",
        "--reveal-window",
        "1",
        "--reward",
        "1000ustake",
        "--wait",
        "--from",
        "client",
        "-y",
        "-o",
        "json",
    ]);
    run.ends_with_error(
        1,
        "task 1 expired without a result: the reward was refunded",
    );
    assert!(run.stderr.contains("sending finalize"), "{}", run.stderr);

    // A task file (TOML) for a Manual Confirmation task; the client confirms the offer.
    net.write("k.cl", KERNEL);
    let task_file = net.write(
        "task.toml",
        r#"
kernel = "k.cl"
args = [{ output = 16 }, { u32 = 1 }]
global = [4]
model = "manual-confirmation"
commit_window = 3
reveal_window = 30
confirm_window = 30
delivery_window = 30
reward = "4000ustake"
[requirements]
device_class = "gpu"
"#,
    );
    let published = net
        .ogpu(&[
            "task", "publish", &task_file, "--from", "client", "-y", "-o", "json",
        ])
        .ok()
        .json();
    let task_id = published["task_id"].as_u64().unwrap();
    let mut provider = net.signer(PROVIDER);
    let sealed = net.commit(
        &client,
        &deployment,
        &mut provider,
        task_id,
        b"offer",
        2500,
        Some(2500),
    );
    let task = net.await_task(&client, &deployment, task_id).task;
    net.pass(&client, task.commit_deadline);
    net.reveal(&client, &deployment, &mut provider, task_id, &sealed, None);
    // The client compares the sealed offer by price and record: no result on chain yet.
    let id = task_id.to_string();
    let offers = net
        .ogpu(&["task", "responses", &id, "-o", "json"])
        .ok()
        .json();
    let offer = &offers["responses"][0];
    assert_eq!(offer["status"], "revealed");
    assert_eq!(offer["pays"], "2500");
    assert_eq!(offer["result"], Value::Null);
    assert_eq!(offer["record"]["reputation_score"], 0);
    let text = net.ogpu(&["task", "responses", &id]).ok().stdout;
    assert!(text.starts_with("PROVIDER"), "{text}");
    assert!(text.contains("2500ustake"), "{text}");
    let before = net.balance(&client, &client_addr);
    let confirmed = net
        .ogpu(&[
            "task",
            "confirm",
            &task_id.to_string(),
            &provider_addr,
            "--from",
            "client",
            "-y",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(confirmed["task_id"], task_id);
    assert_eq!(confirmed["award"]["price"], "2500");
    assert_eq!(confirmed["award"]["ranking"][0]["provider"], provider_addr);
    let shown = net.ogpu(&["task", "show", &id]).ok().stdout;
    assert!(shown.contains("phase:      awarded"), "{shown}");
    assert!(
        shown.contains(&format!("award:      {provider_addr} must deliver by")),
        "{shown}"
    );
    net.ogpu(&["task", "result", &id, "--from", "client"])
        .fails(
            2,
            &format!("has no accepted result yet (awarded to {provider_addr}"),
        );
    // The chosen provider delivers, sealed to the client, and is paid its offer.
    let posted = net.posted(&client, &deployment, &provider, task_id, b"offer");
    net.deliver(
        &client,
        &deployment,
        &mut provider,
        task_id,
        &sealed.digest,
        posted,
    );
    let fee: u128 = confirmed["gas_wanted"]
        .as_str()
        .unwrap()
        .parse::<u128>()
        .unwrap()
        * 25
        / 1000
        + 1;
    let after = net.balance(&client, &client_addr);
    // The unused 1500 of the reward came back, minus the tx fee.
    assert!(
        after + fee >= before + 1500 && after < before + 1500,
        "{before} → {after}"
    );
    let shown = net
        .ogpu(&["task", "show", &task_id.to_string(), "-o", "json"])
        .ok()
        .json();
    assert_eq!(shown["task"]["status"], "completed");
    assert_eq!(shown["task"]["outcome"]["price"], "2500");
    let opened = net.ogpu(&["task", "result", &id, "--from", "client"]).ok();
    assert_eq!(opened.stdout, "offer");

    // Cancel before any commitment.
    let published = net
        .ogpu(&[
            "task",
            "publish",
            "--hash-prefix",
            "00",
            "--difficulty",
            "8",
            "--reward",
            "1000ustake",
            "--from",
            "client",
            "-y",
            "-o",
            "json",
        ])
        .ok()
        .json();
    let id = published["task_id"].as_u64().unwrap().to_string();
    net.ogpu(&["task", "cancel", &id, "--from", "client", "-y"])
        .ok();
    let shown = net.ogpu(&["task", "show", &id, "-o", "json"]).ok().json();
    assert_eq!(shown["task"]["status"], "cancelled");
    net.ogpu(&["task", "cancel", &id, "--from", "client", "-y"])
        .fails(2, "already cancelled");

    // --dry-run signs and prints without sending; --fees pays exactly that fee.
    let next = net.ogpu(&["query", "config", "-o", "json"]).ok().json()["registry"]["next_task_id"]
        .clone();
    let dry = net
        .ogpu(&[
            "task",
            "publish",
            "--hash-prefix",
            "01",
            "--difficulty",
            "8",
            "--reward",
            "1000ustake",
            "--from",
            "client",
            "--dry-run",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(dry["dry_run"], true);
    assert!(dry["fee"].as_str().unwrap().ends_with("ustake"));
    assert!(!dry["tx_bytes"].as_str().unwrap().is_empty());
    let spec = &dry["messages"][0]["msg"]["publish_task"]["spec"];
    assert_eq!(spec["job"]["hash_search"]["difficulty"], 8);
    assert_eq!(spec["result_key"], Value::Null, "hash searches are public");
    assert_eq!(
        net.ogpu(&["query", "config", "-o", "json"]).ok().json()["registry"]["next_task_id"],
        next
    );
    let before = net.balance(&client, &provider_addr);
    net.ogpu(&[
        "provider",
        "bond",
        "100ustake",
        "--fees",
        "7777ustake",
        "--from",
        "provider",
        "-y",
    ])
    .ok();
    assert_eq!(before - net.balance(&client, &provider_addr), 100 + 7777);
    // Below the minimum stake the provider would be jailed: refused without --force.
    net.ogpu(&["provider", "unbond", "5100", "--from", "provider", "-y"])
        .fails(2, "would be jailed");
    let unbond = net
        .ogpu(&[
            "provider", "unbond", "5100", "--force", "--from", "provider", "-y", "-o", "json",
        ])
        .ok()
        .json();
    assert_eq!(unbond["code"], 0);
    let shown = net
        .ogpu(&["provider", "show", &provider_addr, "-o", "json"])
        .ok()
        .json();
    assert_eq!(shown["unbonding"][0]["amount"], "5100");
    assert_eq!(shown["status"], "jailed");

    // An hour later (the devnet's clock moves forward) the stake can be claimed.
    net.devnet
        .advance_time(std::time::Duration::from_secs(3601));
    let release: u64 = shown["unbonding"][0]["release_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    net.pass(&client, cosmwasm_std::Timestamp::from_nanos(release));
    let before = net.balance(&client, &provider_addr);
    let claimed = net
        .ogpu(&[
            "provider", "claim", "--from", "provider", "-y", "-o", "json",
        ])
        .ok()
        .json();
    let fee: u128 = claimed["fee"]
        .as_str()
        .unwrap()
        .trim_end_matches("ustake")
        .parse()
        .unwrap();
    assert_eq!(net.balance(&client, &provider_addr), before + 5100 - fee);

    // Anyone finalizes a task whose windows passed.
    let id = net.publish(&[
        "--hash-prefix",
        "02",
        "--difficulty",
        "8",
        "--commit-window",
        "1",
        "--reveal-window",
        "1",
        "--reward",
        "1000ustake",
    ]);
    let task = net.await_task(&client, &deployment, id).task;
    net.pass(&client, task.reveal_deadline);
    net.ogpu(&[
        "task",
        "finalize",
        &id.to_string(),
        "--from",
        "provider",
        "-y",
    ])
    .ok();
    let shown = net
        .ogpu(&["task", "show", &id.to_string(), "-o", "json"])
        .ok()
        .json();
    assert_eq!(shown["task"]["status"], "expired");
}
