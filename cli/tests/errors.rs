//! Every bad input gets one line, `error: <what>: <how to fix>`, and exit code 2 (usage
//! and input) or 1 (chain and network) — checked on the real binary against a devnet.

mod support;

use support::Net;

#[test]
fn bad_inputs_fail_with_one_clear_line() {
    let net = Net::spawn();
    let client_addr = net.address(support::CLIENT);

    // Before any key or deployment.
    net.ogpu(&["task", "list"]).fails(2, "no deployment file");
    net.ogpu(&["provider", "bond", "100", "--from", "nobody"])
        .fails(2, "no deployment file");
    net.ogpu(&["keys", "show", "nobody"])
        .fails(2, "key \"nobody\" not found");
    net.ogpu_stdin(
        &["keys", "recover", "x", "--unsafe-plaintext"],
        "not a mnemonic at all",
    )
    .fails(2, "invalid mnemonic");
    net.ogpu(&[
        "keys",
        "recover",
        "x",
        "--mnemonic-env",
        "OGPU_TEST_UNSET_VAR",
        "--unsafe-plaintext",
    ])
    .fails(2, "OGPU_TEST_UNSET_VAR");

    // The node.
    net.raw(&[
        "--node",
        "http://127.0.0.1:1",
        "query",
        "balance",
        &client_addr,
    ])
    .fails(1, "cannot reach the node at http://127.0.0.1:1");
    let rpc = net.devnet.rpc_url();
    let wrong = net.raw(&[
        "--node",
        &rpc,
        "--chain-id",
        "other-1",
        "query",
        "balance",
        &client_addr,
    ]);
    wrong.fails(1, "runs chain \"ogpu-devnet-1\", not \"other-1\"");
    net.raw(&[
        "--node",
        "localhost:26657",
        "query",
        "balance",
        &client_addr,
    ])
    .fails(2, "node \"localhost:26657\" has no scheme");
    net.ogpu(&["--gas-prices", "0.025", "query", "balance", &client_addr])
        .fails(2, "0.025ustake");
    net.ogpu(&["query", "balance", "nobody"])
        .fails(2, "neither an address nor a key name");
    net.ogpu(&["query", "tx", "00"])
        .fails(2, "not a transaction hash");
    net.ogpu(&["query", "tx", &"AB".repeat(32)])
        .fails(2, "not found");

    // Usage errors from clap: one line as well.
    net.ogpu(&["task", "show", "one"])
        .fails(2, "invalid value 'one' for '<TASK_ID>'");
    net.ogpu(&["task", "confirm", "1"]).fails(2, "<PROVIDER>");

    net.recover_keys();
    net.ogpu(&[
        "deploy",
        "--artifacts",
        "/nonexistent",
        "--from",
        "client",
        "-y",
    ])
    .fails(2, "ci/build-wasm.sh");
    net.deploy();
    let artifacts = support::artifacts();
    net.ogpu(&[
        "deploy",
        "--artifacts",
        artifacts.to_str().unwrap(),
        "--from",
        "client",
        "-y",
    ])
    .fails(2, "already holds a deployment");

    // Only the suite's admin migrates it; the chain's refusal is reported, nothing else moves.
    let changed = net.path("changed");
    std::fs::create_dir(&changed).unwrap();
    for name in [
        "ogpu_task_registry.wasm",
        "ogpu_provider_staking.wasm",
        "ogpu_settlement.wasm",
    ] {
        std::fs::copy(artifacts.join(name), changed.join(name)).unwrap();
    }
    let mut registry = std::fs::read(changed.join("ogpu_task_registry.wasm")).unwrap();
    registry.extend_from_slice(&[0, 6, 4, b't', b'e', b's', b't', b'2']);
    std::fs::write(changed.join("ogpu_task_registry.wasm"), registry).unwrap();
    let before = std::fs::read_to_string(net.home.path().join("deployment.json")).unwrap();
    net.ogpu(&[
        "migrate",
        "--artifacts",
        changed.to_str().unwrap(),
        "--from",
        "provider",
        "-y",
    ])
    .fails(1, "would fail");
    assert_eq!(
        std::fs::read_to_string(net.home.path().join("deployment.json")).unwrap(),
        before
    );

    // Publishing.
    let publish = |extra: &[&str]| {
        let mut args = vec!["task", "publish", "--from", "client", "-y"];
        args.extend_from_slice(extra);
        net.ogpu(&args)
    };
    let missing = net.path("missing.cl");
    publish(&[
        "--kernel",
        missing.to_str().unwrap(),
        "--global",
        "1",
        "--arg",
        "output:4",
        "--reward",
        "1000ustake",
    ])
    .fails(2, &format!("cannot read kernel {}", missing.display()));
    let hash = ["--hash-prefix", "ab", "--difficulty", "8"];
    publish(&[&hash[..], &["--reward", "1000u$"]].concat()).fails(2, "not a valid denom");
    publish(&[&hash[..], &["--reward", "1000uatom"]].concat())
        .fails(2, "denom uatom is not accepted");
    publish(&[&hash[..], &["--reward", "1000"]].concat()).fails(2, "has no denom");
    publish(&[&hash[..], &["--reward", "999ustake"]].concat())
        .fails(2, "below this deployment's minimum of 1000ustake");
    publish(
        &[
            &hash[..],
            &["--reward", "1000ustake", "--commit-window", "9999999"],
        ]
        .concat(),
    )
    .fails(2, "commit window");
    net.ogpu(
        &[
            &["task", "publish", "--from", "nobody"][..],
            &hash[..],
            &["--reward", "1000ustake"],
        ]
        .concat(),
    )
    .fails(2, "key \"nobody\" not found");
    publish(&[&hash[..], &["--reward", "999999999999999ustake"]].concat())
        .fails(1, "fund the account");
    let bad_file = net.write("bad.toml", "kernal = \"x.cl\"\n");
    publish(&[&bad_file, "--reward", "1000ustake"]).fails(2, "unknown field `kernal`");

    // Unknown tasks and unsupported disputes.
    net.ogpu(&["task", "show", "999"])
        .fails(2, "task 999 not found");
    net.ogpu(&["task", "cancel", "999", "--from", "client", "-y"])
        .fails(2, "task 999 not found");
    net.ogpu(&["task", "result", "999"])
        .fails(2, "task 999 not found");
    net.ogpu(&["query", "escrow", "999"])
        .fails(2, "no task 999");
    let doc = publish(&[&hash[..], &["--reward", "1000ustake", "-o", "json"]].concat())
        .ok()
        .json();
    let id = doc["task_id"].as_u64().unwrap().to_string();
    net.ogpu(&["task", "dispute", &id, "--from", "client", "-y"])
        .fails(2, "published without dispute terms");
    net.ogpu(&["task", "result", &id])
        .fails(2, "has no accepted result yet (open)");
    net.ogpu(&[
        "task",
        "cancel",
        &id,
        "--from-env",
        "OGPU_TEST_UNSET_VAR",
        "-y",
    ])
    .fails(2, "--from-env OGPU_TEST_UNSET_VAR: the variable is not set");
    net.ogpu(&["task", "cancel", &id, "--from", "client", "--from-env", "X"])
        .fails(2, "cannot be used with");
    net.ogpu(&["provider", "show", &client_addr])
        .fails(2, "is not registered");
    let register = [
        "provider",
        "register",
        "--moniker",
        "m",
        "--from",
        "provider",
        "-y",
    ];
    net.ogpu(&register).fails(2, "no device");
    let device = ["--device", "gpu:AMD:MI300:196608:80000"];
    net.ogpu(&[&register[..], &device[..], &["--stake", "10ustake"]].concat())
        .fails(2, "below the minimum of 5000ustake");
    net.ogpu(&[&register[..], &device[..], &["--stake", "9000uatom"]].concat())
        .fails(2, "must be in ustake");
    net.ogpu(&[&register[..], &["--device", "gpu:AMD"]].concat())
        .fails(2, "too few fields");

    // A transaction the chain refuses: said so, nothing sent (exit 1).
    net.ogpu(&["task", "cancel", &id, "--from", "provider", "-y"])
        .fails(1, "would fail");
    // Without -y the tx is shown and confirmed first; no answer on stdin sends nothing.
    let unconfirmed = net.ogpu(&["task", "cancel", &id, "--from", "client"]);
    assert_eq!(unconfirmed.code, 2, "{}", unconfirmed.stderr);
    assert!(
        unconfirmed.stderr.contains("\"cancel_task\""),
        "{}",
        unconfirmed.stderr
    );
    let last = unconfirmed.stderr.lines().last().unwrap();
    assert!(
        last.ends_with(
            "error: transaction not confirmed: answer y, or pass -y to skip the question"
        ),
        "{last}"
    );
    let shown = net.ogpu(&["task", "show", &id, "-o", "json"]).ok().json();
    assert_eq!(shown["task"]["status"], "open");
}

#[test]
fn encrypted_keys_need_their_passphrase() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path().to_str().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)], stdin: &str| {
        use std::io::Write;
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ogpu"));
        cmd.args(["--home", home])
            .args(args)
            .envs(env.iter().copied());
        let mut child = cmd
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        support::Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    let pass = [("PASS", "correct horse")];
    let added = run(
        &[
            "keys",
            "add",
            "alice",
            "--keyring-passphrase-env",
            "PASS",
            "-o",
            "json",
        ],
        &pass,
        "",
    )
    .ok()
    .json();
    let mnemonic = added["mnemonic"].as_str().unwrap();
    assert_eq!(mnemonic.split(' ').count(), 24);
    assert_eq!(added["encrypted"], true);
    let file = std::fs::read_to_string(std::path::Path::new(home).join("keys/alice.json")).unwrap();
    assert!(!file.contains(mnemonic), "the mnemonic is encrypted");
    // The same mnemonic recovered (passphrase on stdin) gives the same address.
    let recovered = run(
        &["keys", "recover", "bob", "-o", "json"],
        &[],
        &format!("{mnemonic}\nother pass\n"),
    )
    .ok()
    .json();
    assert_eq!(recovered["address"], added["address"]);
    run(
        &["keys", "add", "alice", "--keyring-passphrase-env", "PASS"],
        &pass,
        "",
    )
    .fails(2, "already exists");
    run(
        &["keys", "add", "carol", "--keyring-passphrase-env", "EMPTY"],
        &[("EMPTY", "")],
        "",
    )
    .fails(2, "is empty");
    // Signing needs the passphrase: a wrong one is refused before anything else.
    let deployment = std::path::Path::new(home).join("deployment.json");
    std::fs::write(
        &deployment,
        r#"{"chain_id":"ogpu-devnet-1","codes":{"registry":{"code_id":1,"checksum":"00"},"staking":{"code_id":2,"checksum":"00"},"settlement":{"code_id":3,"checksum":"00"}},"registry":"wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d","staking":"wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d","settlement":"wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d"}"#,
    )
    .unwrap();
    run(
        &[
            "task",
            "cancel",
            "1",
            "--from",
            "alice",
            "--keyring-passphrase-env",
            "PASS",
        ],
        &[("PASS", "wrong")],
        "",
    )
    .fails(2, "wrong passphrase");
    run(&["task", "cancel", "1", "--from", "alice"], &[], "")
        .fails(2, "no passphrase for key \"alice\" on stdin");
    run(&["keys", "delete", "bob", "-y"], &[], "").ok();
    let listed = run(&["keys", "list", "-o", "json"], &[], "").ok().json();
    assert_eq!(listed["keys"].as_array().unwrap().len(), 1);
}
