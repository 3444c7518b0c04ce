//! A result from a real provider daemon (OpenCL on the local device) to the `ogpu` binary:
//! the daemon seals it to the client's key and serves it from its blob store (it is above
//! the inline limit); `publish --wait` fetches, opens, verifies and keeps it at once, so
//! `ogpu task result` still gives the kernel's exact output once the provider is gone;
//! any other key reading the chain cannot open it.

mod support;

use std::io::Write;

use ogpu_client::keys::HdPath;
use ogpu_client::ChainConfig;
use ogpu_provider::daemon::{BlobConfig, Daemon, DaemonConfig, KernelIsolation, KeyConfig};
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
    config.blobs = Some(BlobConfig {
        dir: net.path("provider-state/blobs"),
        listen: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
        retention_secs: 3600,
    });
    // This test binary cannot serve as the kernel worker.
    config.kernel_isolation = KernelIsolation::InProcess;
    let signing_key = config.key.signing_key().unwrap();
    let daemon = net.block_on(Daemon::start(config, signing_key)).unwrap();

    let kernel = net.write(
        "add.cl",
        "__kernel void add(__global const uint* a, __global uint* out, uint k) \
         { size_t i = get_global_id(0); out[i] = a[i] + k; }",
    );
    // 1 536 words: a 6 KiB result, sealed, above the 4 KiB inline limit.
    const N: u32 = 1536;
    let input: Vec<u8> = (0..N).flat_map(|v| v.to_le_bytes()).collect();
    let input_arg = format!("input:{}", net.write("a.bin", &input));
    let output_arg = format!("output:{}", N * 4);
    let global = N.to_string();
    let id = net
        .publish(&[
            "--kernel",
            &kernel,
            "--arg",
            &input_arg,
            "--arg",
            &output_arg,
            "--arg",
            "u32:10",
            "--global",
            &global,
            "--reward",
            "100000ustake",
            "--wait",
        ])
        .to_string();
    let expected: Vec<u8> = (0..N).flat_map(|v| (v + 10).to_le_bytes()).collect();
    // `--wait` kept the verified plaintext on this machine.
    let kept = std::fs::read_dir(net.home.path().join("results"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join(format!("{id}.bin"));
    assert_eq!(std::fs::read(&kept).unwrap(), expected);
    // The provider itself, like any third party reading the chain, holds another key.
    net.ogpu(&["task", "result", &id, "--from", "provider"])
        .fails(2, "sealed to the task's client");

    // The provider stops: its blob server is gone, the result is still the client's.
    net.block_on(daemon.shutdown());
    let out = net.path("result.bin");
    let shown = net
        .ogpu(&[
            "task",
            "result",
            &id,
            "--out",
            out.to_str().unwrap(),
            "--from",
            "client",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(std::fs::read(&out).unwrap(), expected);
    assert_eq!(shown["stored"], kept.to_str().unwrap());
}
