//! wasmd's CLI habits on the real binary against a devnet: `config` and client.toml,
//! `--node tcp://`, `--keyring-backend`, `keys add --recover`, `keys export|import` in the
//! SDK's armored format, `query wasm contract-state`, `tx wasm …` with `--note`,
//! `--broadcast-mode` and the SDK's TxResponse JSON, errors in the user's terms, and a
//! closed stdout.

mod support;

use cosmrs::rpc::Client as _;
use serde_json::Value;
use support::{Net, CLIENT};

/// An armored key exported by an SDK chain's CLI with passphrase `password` (Cosmos
/// developer tutorial "Simulate production in Docker"), and its address.
const SDK_EXPORT: &str = "-----BEGIN TENDERMINT PRIVATE KEY-----
kdf: bcrypt
salt: A67D88136A462383A2DD30727510DF59
type: secp256k1

7gttUkxkpWxlI9tF0/vEYHvysmKTc/mG/aZ8dMF3u7a8xkPgVLa/Z75k/46nr0yN
FP/h5zTVYoP8tMnvVLV0koVAOV4QQurD5C7l3N8=
=qyP6
-----END TENDERMINT PRIVATE KEY-----
";
const SDK_ADDRESS: &str = "cosmos1am3fnp5dd6nndk5jyjq9mpqh3yvt2jmmdv83xn";

#[test]
fn config_nodes_and_keys_move_between_ogpu_and_the_sdk() {
    let net = Net::spawn();
    let client_addr = net.address(CLIENT);
    let tcp = net.devnet.rpc_url().replace("http://", "tcp://");

    // `config` writes client.toml; later commands need no --node or --chain-id.
    net.raw(&["config", "node", &tcp]).ok();
    net.raw(&["config", "chain-id", net.devnet.chain_id()]).ok();
    net.raw(&["config", "keyring-backend", "test"]).ok();
    let shown = net.raw(&["config", "-o", "json"]).ok().json();
    assert_eq!(shown["node"], net.devnet.rpc_url());
    assert_eq!(shown["keyring-backend"], "test");
    assert_eq!(shown["broadcast-mode"], Value::Null);
    assert_eq!(
        net.raw(&["config", "chain-id"]).ok().stdout.trim(),
        "ogpu-devnet-1"
    );
    let balance = net
        .raw(&["query", "balance", &client_addr, "-o", "json"])
        .ok()
        .json();
    assert_eq!(balance["address"], client_addr);

    // Bad values change nothing.
    let before = std::fs::read_to_string(net.home.path().join("client.toml")).unwrap();
    net.raw(&["config", "broadcast-mode", "block"]).fails(
        2,
        "unsupported broadcast mode block; supported types: sync, async",
    );
    net.raw(&["config", "keyring-backend", "os"])
        .fails(2, "the os keyring backend is not supported");
    net.raw(&["config", "node", "localhost:26657"])
        .fails(2, "has no scheme");
    net.raw(&["config", "gas", "1"])
        .fails(2, "unknown config key \"gas\"");
    let after = std::fs::read_to_string(net.home.path().join("client.toml")).unwrap();
    assert_eq!(before, after);
    net.raw(&["--node", "ws://x:1", "query", "balance", &client_addr])
        .fails(2, "has scheme ws");
    net.raw(&["--keyring-backend", "kwallet", "keys", "list"])
        .fails(2, "not supported");

    // `keys add --recover` reads the mnemonic from stdin; client.toml's test backend
    // stores it unencrypted.
    let recovered = net
        .ogpu_stdin(
            &["keys", "add", "client", "--recover", "-o", "json"],
            ogpu_devnet::keys::DEFAULT_MNEMONIC,
        )
        .ok()
        .json();
    assert_eq!(recovered["address"], client_addr);
    assert_eq!(recovered["encrypted"], false);
    net.ogpu(&["keys", "add", "x", "--mnemonic-env", "V"])
        .fails(2, "--mnemonic-env goes with --recover");

    // Export (the export passphrase on stdin), then import under another name.
    let exported = net
        .ogpu_stdin(&["keys", "export", "client"], "secret words\n")
        .ok();
    assert!(exported
        .stdout
        .starts_with("-----BEGIN TENDERMINT PRIVATE KEY-----\nkdf: bcrypt\nsalt: "));
    let file = net.write("client.armor", &exported.stdout);
    net.ogpu_stdin(&["keys", "import", "again", &file], "wrong\n")
        .fails(2, "wrong passphrase for the exported key");
    net.ogpu(&["keys", "show", "again"]).fails(2, "not found");
    let imported = net
        .ogpu_stdin(
            &["keys", "import", "again", &file, "-o", "json"],
            "secret words\n",
        )
        .ok()
        .json();
    assert_eq!(imported["address"], client_addr);
    assert_eq!(imported["hd_path"], "none (imported private key)");

    // A key exported by an SDK chain's CLI imports, encrypted with --keyring-backend file,
    // and signs.
    let sdk = net.write("sdk.armor", SDK_EXPORT);
    let from_sdk = net
        .ogpu_stdin(
            &[
                "keys",
                "import",
                "alice",
                &sdk,
                "--keyring-backend",
                "file",
                "--prefix",
                "cosmos",
                "-o",
                "json",
            ],
            "password\nnew pass\n",
        )
        .ok()
        .json();
    assert_eq!(from_sdk["address"], SDK_ADDRESS);
    assert_eq!(from_sdk["encrypted"], true);
    // An imported key signs.
    let signed = net
        .ogpu(&[
            "tx",
            "wasm",
            "execute",
            &client_addr,
            "{}",
            "--from",
            "again",
            "--gas",
            "200000",
            "--dry-run",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(signed["signer"], client_addr);
    // And goes back out: the re-export opens to the same key.
    let again = net
        .ogpu_stdin(&["keys", "export", "alice"], "new pass\nsdk side\n")
        .ok();
    let file = net.write("alice.armor", &again.stdout);
    let back = net
        .ogpu_stdin(
            &[
                "keys", "import", "alice2", &file, "--prefix", "cosmos", "-o", "json",
            ],
            "sdk side\n",
        )
        .ok()
        .json();
    assert_eq!(back["address"], SDK_ADDRESS);
    let tampered = net.write("bad.armor", SDK_EXPORT.replace("=qyP6", "=qyP7"));
    net.ogpu_stdin(&["keys", "import", "bad", &tampered], "password\n")
        .fails(2, "checksum does not match");

    // A reader that goes away ends the command quietly, exit code 0.
    let piped = net.ogpu_into_closed_pipe(&["keys", "list"]);
    assert_eq!((piped.code, piped.stderr.as_str()), (0, ""));
}

#[test]
fn wasm_commands_speak_the_sdk_json() {
    let net = Net::spawn();
    net.recover_keys();
    let client_addr = net.address(CLIENT);
    let probe = support::artifacts().join("ogpu_devnet_probe.wasm");
    let probe = probe.to_str().unwrap();
    let from = ["--from", "client", "-y", "-o", "json"];
    let tx = |args: &[&str]| {
        let mut all = vec!["tx", "wasm"];
        all.extend_from_slice(args);
        all.extend_from_slice(&from);
        net.ogpu(&all)
    };

    let stored = tx(&["store", probe]).ok().json();
    assert_eq!(stored["code"], 0);
    let code_id = stored["code_id"].as_str().unwrap().to_string();
    assert!(stored["height"].as_str().unwrap().parse::<u64>().unwrap() > 0);
    assert_eq!(stored["txhash"].as_str().unwrap().len(), 64);
    assert!(stored["gas_used"].as_str().unwrap().parse::<u64>().unwrap() > 0);
    let event = stored["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "store_code")
        .expect("a store_code event");
    let attr = event["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "code_id")
        .unwrap();
    assert_eq!(attr["value"], code_id.as_str());
    assert_eq!(attr["index"], true);

    tx(&["instantiate", &code_id, "{}", "--label", "probe"])
        .fails(2, "neither --admin nor --no-admin was given");
    let made = tx(&[
        "instantiate",
        &code_id,
        "{}",
        "--label",
        "probe",
        "--admin",
        "client",
    ])
    .ok()
    .json();
    let contract = made["contract_address"].as_str().unwrap().to_string();
    let immutable = tx(&[
        "instantiate",
        &code_id,
        "{}",
        "--label",
        "fixed",
        "--no-admin",
    ])
    .ok()
    .json();
    assert_ne!(immutable["contract_address"], made["contract_address"]);
    // The migrate message as wasmd would build it (the probe has no migrate entry point, so
    // it is only signed here; sending it is refused below).
    let migrate = net
        .ogpu(&[
            "tx",
            "wasm",
            "migrate",
            &contract,
            &code_id,
            r#"{"to":2}"#,
            "--from",
            "client",
            "--gas",
            "200000",
            "--dry-run",
            "-o",
            "json",
        ])
        .ok()
        .json();
    let msg = &migrate["messages"][0];
    assert_eq!(msg["@type"], "/cosmwasm.wasm.v1.MsgMigrateContract");
    assert_eq!(msg["contract"], contract.as_str());
    assert_eq!(msg["code_id"].to_string(), code_id);
    assert_eq!(msg["msg"], serde_json::json!({ "to": 2 }));

    // Execute with a memo; the memo is in the signed body.
    let set = tx(&[
        "execute",
        &contract,
        r#"{"set":{"key":"k","value":"v1"}}"#,
        "--note",
        "from ogpu",
    ])
    .ok()
    .json();
    let hash: cosmrs::tendermint::Hash = set["txhash"].as_str().unwrap().parse().unwrap();
    let raw = net.block_on(net.client().rpc().tx(hash, false)).unwrap().tx;
    let body = cosmrs::Tx::from_bytes(&raw).unwrap().body;
    assert_eq!(body.memo, "from ogpu");
    let looked_up = net
        .ogpu(&["query", "tx", set["txhash"].as_str().unwrap(), "-o", "json"])
        .ok()
        .json();
    assert_eq!(looked_up["height"], set["height"]);
    assert_eq!(looked_up["events"], set["events"]);

    // Smart and raw queries, wasmd's shapes and decoders.
    let smart = net
        .ogpu(&[
            "query",
            "wasm",
            "contract-state",
            "smart",
            &contract,
            r#"{"get":{"key":"k"}}"#,
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(smart, serde_json::json!({ "data": "v1" }));
    let raw = net
        .ogpu(&[
            "q",
            "wasm",
            "contract-state",
            "raw",
            &contract,
            "6b",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(raw["data"], "djE="); // base64 of "v1"
    let b64 = net
        .ogpu(&[
            "q",
            "wasm",
            "contract-state",
            "raw",
            &contract,
            "aw==",
            "--b64",
        ])
        .ok();
    assert_eq!(b64.stdout.trim(), "v1");
    net.ogpu(&["q", "wasm", "contract-state", "raw", &contract, "zz"])
        .fails(2, "the key \"zz\" is not hex");
    net.ogpu(&[
        "q",
        "wasm",
        "contract-state",
        "smart",
        &contract,
        r#"{"nope":{}}"#,
    ])
    .fails(2, "refused the query");
    net.ogpu(&["q", "wasm", "contract-state", "smart", &contract, "{get"])
        .fails(2, "the query is not valid JSON");

    // Sync and async return before the block: height "0", the tx lands later.
    let sync = tx(&[
        "execute",
        &contract,
        r#"{"set":{"key":"k","value":"v2"}}"#,
        "--broadcast-mode",
        "sync",
    ])
    .ok()
    .json();
    assert_eq!(sync["height"], "0");
    assert_eq!(sync["code"], 0);
    // The next tx takes the next sequence once this one is in a block.
    assert_eq!(landed(&net, &sync)["code"], 0);
    let asynced = tx(&[
        "execute",
        &contract,
        r#"{"set":{"key":"j","value":"v3"}}"#,
        "-b",
        "async",
    ])
    .ok()
    .json();
    assert_eq!(asynced["height"], "0");
    assert_eq!(landed(&net, &asynced)["code"], 0);

    // Bad input sends nothing.
    tx(&["execute", &contract, "{set", "--note", "x"]).fails(2, "not valid JSON");
    tx(&["execute", &contract, "{}", "--amount", "5"]).fails(2, "has no denom");
    tx(&["execute", &contract, "{}", "--amount", "1.5ustake"]).fails(2, "not a whole number");
    tx(&["execute", &contract, "{}", "-b", "block"]).fails(2, "unsupported broadcast mode block");
    let long = "n".repeat(257);
    tx(&["execute", &contract, "{}", "--note", &long]).fails(2, "--note has 257 characters");
    tx(&["store", "/nonexistent.wasm"]).fails(2, "cannot read /nonexistent.wasm");
    let not_wasm = net.write("x.wasm", "hello");
    tx(&["store", &not_wasm]).fails(2, "is not a wasm module");
    tx(&["migrate", &contract, &code_id, "{}"]).fails(1, "nothing was sent");
    net.ogpu(&[
        "task", "publish", "--wait", "-b", "sync", "--from", "client",
    ])
    .fails(2, "publish --wait waits for its transactions' blocks");
    // Library wording never reaches the user.
    let params = net.write("params.json", r#"{"limits":{"min_collateral":"abc"}}"#);
    let artifacts = support::artifacts();
    let artifacts = artifacts.to_str().unwrap();
    net.ogpu(&[
        "deploy",
        "--params",
        &params,
        "--artifacts",
        artifacts,
        "--from",
        "client",
    ])
    .fails(2, "\"abc\" is not a whole number");
    net.ogpu(&["task", "show", "one"]).fails(
        2,
        "invalid value 'one' for '<TASK_ID>': it is not a whole number",
    );
    net.ogpu(&["task", "show", "99999999999999999999"])
        .fails(2, "the number is too large");
    net.ogpu(&["--gas-prices", "0,025ustake", "query", "balance", "client"])
        .fails(2, "\"0,025\" is not a decimal number");
    let typo = client_addr.replace(
        &client_addr[10..11],
        if &client_addr[10..11] == "q" {
            "p"
        } else {
            "q"
        },
    );
    net.ogpu(&["query", "balance", &typo])
        .fails(2, "a character is mistyped or missing");
    let cosmos = "cosmos1am3fnp5dd6nndk5jyjq9mpqh3yvt2jmmdv83xn";
    tx(&["execute", cosmos, "{}"]).fails(2, "has prefix cosmos, this chain uses wasm");
    let account = net
        .ogpu(&["query", "balance", &client_addr, "-o", "json"])
        .ok()
        .json();
    assert_eq!(account["address"], client_addr);
    let unchanged = net
        .ogpu(&[
            "q",
            "wasm",
            "contract-state",
            "smart",
            &contract,
            r#"{"get":{"key":"k"}}"#,
        ])
        .ok();
    assert_eq!(unchanged.stdout.trim(), "\"v2\"");

    // `| head`: the reader goes away before ogpu writes; it ends quietly with 0.
    let piped = net.ogpu_into_closed_pipe(&["query", "tx", set["txhash"].as_str().unwrap()]);
    assert_eq!((piped.code, piped.stderr.as_str()), (0, ""));
}

/// `query tx` of a tx sent with --broadcast-mode sync|async, once it is in a block.
fn landed(net: &Net, sent: &Value) -> Value {
    let hash = sent["txhash"].as_str().unwrap();
    (0..50)
        .find_map(|_| {
            let run = net.ogpu(&["query", "tx", hash, "-o", "json"]);
            if run.code != 0 {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            (run.code == 0).then(|| run.json())
        })
        .expect("the tx lands")
}
