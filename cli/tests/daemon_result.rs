//! A result from a real provider daemon (OpenCL on the local device) to the `ogpu` binary:
//! the daemon seals it to the client's key, the client's `ogpu task result` opens it to the
//! kernel's exact output, and any other key reading the chain cannot.

mod support;

use std::io::Write;

use ogpu_client::keys::HdPath;
use ogpu_client::ChainConfig;
use ogpu_provider::daemon::{Daemon, DaemonConfig, KeyConfig};
use ogpu_provider::DeviceError;
use support::{Net, PROVIDER};

/// Where the daemon reads its mnemonic from, as a real provider's config names it.
const MNEMONIC_ENV: &str = "OGPU_CLI_TEST_PROVIDER_MNEMONIC";

/// False (and the test passes, saying why) where there is no OpenCL platform, unless
/// `OGPU_REQUIRE_OPENCL` is set (CI sets it where PoCL is installed).
fn opencl() -> bool {
    match ogpu_provider::device(0) {
        Ok(_) => true,
        Err(DeviceError::NoPlatform(reason))
            if std::env::var_os("OGPU_REQUIRE_OPENCL").is_none() =>
        {
            let _ = writeln!(std::io::stderr(), "SKIPPED: no OpenCL platform ({reason})");
            false
        }
        Err(err) => panic!("{err}"),
    }
}

#[test]
fn a_daemons_sealed_result_opens_only_for_its_client() {
    if !opencl() {
        return;
    }
    std::env::set_var(MNEMONIC_ENV, ogpu_devnet::keys::DEFAULT_MNEMONIC);
    let net = Net::spawn();
    net.recover_keys();
    net.deploy();
    net.ogpu(&[
        "provider",
        "register",
        "--moniker",
        "daemon",
        "--device",
        "cpu:pocl:cpu:4096:10:OpenCL 3.0",
        "--stake",
        "10000ustake",
        "--from",
        "provider",
        "-y",
    ])
    .ok();
    let chain = ChainConfig {
        node: net.devnet.rpc_url(),
        chain_id: net.devnet.chain_id().to_string(),
        ..ChainConfig::default()
    };
    let key = KeyConfig {
        mnemonic_env: Some(MNEMONIC_ENV.into()),
        hd_path: Some(HdPath::cosmos(PROVIDER).to_string()),
        ..KeyConfig::default()
    };
    let mut config = DaemonConfig::new(
        chain,
        key,
        net.home.path().join("deployment.json"),
        net.path("provider-state"),
    );
    config.poll_secs = 1;
    let signing_key = config.key.signing_key().unwrap();
    let daemon = net.block_on(Daemon::start(config, signing_key)).unwrap();

    let kernel = net.write(
        "add.cl",
        "__kernel void add(__global const uint* a, __global uint* out, uint k) \
         { size_t i = get_global_id(0); out[i] = a[i] + k; }",
    );
    let input: Vec<u8> = [1u32, 2, 3, 4]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let input_arg = format!("input:{}", net.write("a.bin", &input));
    let id = net
        .publish(&[
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
            "--wait",
        ])
        .to_string();
    let out = net.path("result.bin");
    net.ogpu(&[
        "task",
        "result",
        &id,
        "--out",
        out.to_str().unwrap(),
        "--from",
        "client",
    ])
    .ok();
    let expected: Vec<u8> = [11u32, 12, 13, 14]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    assert_eq!(std::fs::read(&out).unwrap(), expected);
    // The provider itself, like any third party reading the chain, holds another key.
    net.ogpu(&["task", "result", &id, "--from", "provider"])
        .fails(2, "sealed to the task's client");
    net.block_on(daemon.shutdown());
}
