//! Kernels in a worker process, on the machine's OpenCL device: a job runs and its result
//! comes back; a kernel past its time limit is stopped for real — its worker process is
//! killed (it no longer exists) and counted — and the next job runs in a fresh worker.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cosmwasm_std::Uint64;
use ogpu_provider::worker::{WorkerConfig, WorkerPool};
use ogpu_provider::{ExecError, ExecutorConfig};
use ogpu_types::{Job, KernelArg, KernelSource, OpenClJob, Scalar};

fn job(source: &str, entry: &str, scalar: Option<u32>) -> Job {
    let mut args = vec![KernelArg::Output {
        size: Uint64::new(4),
    }];
    args.extend(scalar.map(|value| KernelArg::Scalar {
        value: Scalar::U32(value),
    }));
    Job::OpenCl(OpenClJob {
        kernel: KernelSource::Inline {
            source: source.into(),
        },
        entry_point: entry.into(),
        args,
        global_work_size: vec![Uint64::new(1)],
        local_work_size: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runaway_kernel_is_killed_with_its_worker_and_the_next_job_runs() {
    if common::executor(ExecutorConfig::default()).is_none() {
        return;
    }
    let killed = Arc::new(AtomicU64::new(0));
    let counted = killed.clone();
    let config = WorkerConfig {
        program: env!("CARGO_BIN_EXE_ogpu-provider").into(),
        device: std::env::var("OGPU_DEVICE").map_or(0, |v| v.parse().unwrap()),
        max_kernel_secs: 60,
    };
    let on_kill = Box::new(move || {
        counted.fetch_add(1, Ordering::Relaxed);
    });
    let (pool, device) = WorkerPool::start(config, on_kill).await.unwrap();
    assert!(!device.is_empty());

    let answer = job(
        "__kernel void answer(__global uint* out) { out[0] = 42u; }",
        "answer",
        None,
    );
    let work = pool
        .run(answer.clone(), Duration::from_secs(5), 0)
        .await
        .unwrap();
    assert_eq!(work.result, 42u32.to_le_bytes());
    let first = pool.idle_pids();
    assert_eq!(first.len(), 1, "the worker is kept for the next job");

    // Minutes of dependent multiply-adds on a CPU core, given half a second.
    let spin = job(
        "__kernel void spin(__global uint* out, uint n) { uint x = 1; \
         for (uint i = 0; i < n; i++) x = x * 1664525u + 1013904223u; out[0] = x; }",
        "spin",
        Some(u32::MAX),
    );
    let start = Instant::now();
    let err = pool
        .run(spin, Duration::from_millis(500), 0)
        .await
        .unwrap_err();
    assert!(matches!(err, ExecError::Timeout { .. }), "{err:?}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert_eq!((pool.killed(), killed.load(Ordering::Relaxed)), (1, 1));
    assert!(pool.idle_pids().is_empty());
    // The worker that ran it is gone (killed and reaped), so is its kernel.
    let proc = format!("/proc/{}", first[0]);
    assert!(!std::path::Path::new(&proc).exists(), "{proc} still exists");

    // A fresh worker runs the next job.
    let work = pool.run(answer, Duration::from_secs(5), 0).await.unwrap();
    assert_eq!(work.result, 42u32.to_le_bytes());
    assert_ne!(pool.idle_pids(), first);
}
