//! The benchmark runs end to end on a small size. Its numbers are a report: nothing here
//! asserts a speed.

mod common;

use ogpu_provider::{bench, BenchConfig, ExecError, ExecutorConfig};

fn small() -> BenchConfig {
    BenchConfig {
        size: 64,
        check_size: 32,
        repeats: 1,
        hash_nonces: 4096,
    }
}

#[test]
fn the_report_has_every_kernel_checked_and_measured() {
    let Some(executor) = common::executor(ExecutorConfig::default()) else {
        return;
    };
    let report = bench::run(&executor, &small()).unwrap();
    let kernels: Vec<&str> = report.results.iter().map(|r| r.kernel.as_str()).collect();
    assert_eq!(
        kernels,
        [
            "matmul f32 naive",
            "matmul f32 blocked",
            "matmul i32 naive",
            "matmul i32 blocked",
            "hash search",
            "job overhead"
        ]
    );
    assert!(report
        .results
        .iter()
        .all(|r| r.seconds > 0.0 && r.rate > 0.0));
    assert!(report.results[1].speedup.is_some() && report.results[0].speedup.is_none());
    assert_eq!(report.device, executor.device().name);
    let table = report.table();
    assert!(table.contains("matmul f32 blocked  64³"), "{table}");
    // The daemon stores the report as JSON in its capability metadata.
    let json = serde_json::to_string(&report).unwrap();
    let parsed: bench::BenchReport = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed.results.len(), report.results.len());
    assert_eq!(
        serde_json::to_value(&parsed).unwrap(),
        serde_json::from_str::<serde_json::Value>(&json).unwrap()
    );
}

#[test]
fn sizes_the_kernels_cannot_tile_are_refused() {
    let Some(executor) = common::executor(ExecutorConfig::default()) else {
        return;
    };
    for (size, check_size) in [(100, 32), (64, 0)] {
        let config = BenchConfig {
            size,
            check_size,
            ..small()
        };
        assert!(matches!(
            bench::run(&executor, &config),
            Err(ExecError::InvalidJob(_))
        ));
    }
}
