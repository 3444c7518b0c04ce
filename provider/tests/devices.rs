//! Device discovery, the on-chain description built from it, and the `devices` command.

mod common;

use std::process::Command;

use ogpu_provider::ExecutorConfig;
use ogpu_types::DeviceType;

#[test]
fn devices_report_what_the_executor_relies_on() {
    let Some(executor) = common::executor(ExecutorConfig::default()) else {
        return;
    };
    let device = executor.device();
    assert!(device.compute_units >= 1);
    assert!(device.global_memory_bytes >= device.max_alloc_bytes);
    assert!(device.max_work_group_size >= 1);
    assert!((1..=3).contains(&device.max_work_item_sizes.len()));
    assert!(
        device.opencl_version.starts_with("OpenCL "),
        "{}",
        device.opencl_version
    );
    let limits = executor.limits();
    assert!(limits.max_buffer_bytes <= device.max_alloc_bytes);
    assert!(limits.max_total_bytes <= device.global_memory_bytes);
}

#[test]
fn the_metadata_device_is_cut_to_the_chains_field_length() {
    let Some(executor) = common::executor(ExecutorConfig::default()) else {
        return;
    };
    let device = executor.device();
    let advertised = device.to_metadata(48, 8);
    assert_eq!(advertised.device_type, device.device_type);
    assert_eq!(advertised.gflops, 48);
    assert_eq!(advertised.memory_mb, device.global_memory_bytes >> 20);
    assert!(advertised.name.len() <= 8 && device.name.starts_with(&advertised.name));
    assert!(advertised.opencl_version.len() <= 8);
    let full = device.to_metadata(0, 64);
    assert_eq!(full.opencl_version, device.short_version());
    assert!(full.opencl_version.starts_with("OpenCL "));
    if device.name.contains("pthread") {
        assert_eq!(full.device_type, DeviceType::Cpu, "PoCL's CPU device");
    }
}

#[test]
fn the_devices_command_prints_json_and_a_table() {
    let Some(_) = common::executor(ExecutorConfig::default()) else {
        return;
    };
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ogpu-provider"))
            .args(args)
            .output()
            .expect("run ogpu-provider");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run(&["devices", "-o", "json"])).unwrap();
    let first = &json[0];
    for field in [
        "platform",
        "name",
        "vendor",
        "device_type",
        "compute_units",
        "global_memory_bytes",
        "max_work_group_size",
        "opencl_version",
    ] {
        assert!(!first[field].is_null(), "{field} missing in {first}");
    }
    let table = run(&["devices"]);
    assert!(table.starts_with("#  platform"), "{table}");
    assert!(table.contains(first["name"].as_str().unwrap()));
}

#[test]
fn an_unknown_device_number_is_a_clear_error() {
    let Some(_) = common::executor(ExecutorConfig::default()) else {
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_ogpu-provider"))
        .args(["bench", "--device", "99"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: no OpenCL device number 99"),
        "{stderr}"
    );
}
