//! The executor through its public API, on the machine's OpenCL device (PoCL in CI): jobs
//! are `ogpu_types::OpenClJob` values as a client publishes them.

mod common;

use std::time::{Duration, Instant};

use cosmwasm_std::{Binary, Uint64};
use ogpu_provider::{ExecError, ExecutionResult, Executor, ExecutorConfig, InlineOnly, MAX_ARGS};
use ogpu_types::commitment::sha256;
use ogpu_types::{KernelArg, KernelSource, OpenClJob, Payload, Scalar};

fn executor() -> Option<Executor> {
    common::executor(ExecutorConfig::default())
}

fn input(bytes: Vec<u8>) -> KernelArg {
    KernelArg::Input {
        payload: Payload::Inline {
            data: Binary::from(bytes),
        },
    }
}

fn output(size: usize) -> KernelArg {
    KernelArg::Output {
        size: Uint64::new(size as u64),
    }
}

fn scalar(value: Scalar) -> KernelArg {
    KernelArg::Scalar { value }
}

fn sizes(values: &[usize]) -> Vec<Uint64> {
    values.iter().map(|&v| Uint64::new(v as u64)).collect()
}

fn job(source: &str, entry_point: &str, args: Vec<KernelArg>, global: &[usize]) -> OpenClJob {
    OpenClJob {
        kernel: KernelSource::Inline {
            source: source.into(),
        },
        entry_point: entry_point.into(),
        args,
        global_work_size: sizes(global),
        local_work_size: None,
    }
}

fn run(executor: &Executor, job: &OpenClJob) -> Result<ExecutionResult, ExecError> {
    executor.execute(&executor.prepare(job, &InlineOnly)?, None)
}

fn bytes_of<T: Copy, const N: usize>(values: &[T], to_bytes: impl Fn(T) -> [u8; N]) -> Vec<u8> {
    values.iter().flat_map(|&v| to_bytes(v)).collect()
}

fn invalid(result: Result<ExecutionResult, ExecError>, reason: &str) {
    match result {
        Err(ExecError::InvalidJob(got)) => assert!(got.contains(reason), "{got}"),
        other => panic!("expected InvalidJob({reason}), got {other:?}"),
    }
}

const VECTOR_ADD: &str = "__kernel void add(__global const float *a, __global const float *b, \
                          __global float *c) { size_t i = get_global_id(0); c[i] = a[i] + b[i]; }";

fn vector_add(n: usize) -> (OpenClJob, Vec<u8>) {
    let a: Vec<f32> = (0..n).map(|i| i as f32 * 0.5 - 100.0).collect();
    let b: Vec<f32> = (0..n).map(|i| (i as f32).sqrt()).collect();
    let sum: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
    let job = job(
        VECTOR_ADD,
        "add",
        vec![
            input(bytes_of(&a, f32::to_le_bytes)),
            input(bytes_of(&b, f32::to_le_bytes)),
            output(4 * n),
        ],
        &[n],
    );
    (job, bytes_of(&sum, f32::to_le_bytes))
}

#[test]
fn vector_add_matches_the_cpu_and_digests_its_output() {
    let Some(executor) = executor() else { return };
    let (job, expected) = vector_add(10_000);
    let result = run(&executor, &job).unwrap();
    assert_eq!(result.outputs, vec![expected.clone()]);
    assert_eq!(result.result(), expected);
    assert_eq!(result.digest, sha256(&expected));
    // The registry's own fixture job is runnable too (u32 add of a scalar).
    let fixture = run(&executor, &ogpu_testing::fixtures::job()).unwrap();
    assert_eq!(
        fixture.result(),
        bytes_of(&[11u32, 12, 13, 14], u32::to_le_bytes)
    );
}

#[test]
fn integer_matmul_matches_the_cpu() {
    let Some(executor) = executor() else { return };
    let (m, k, n) = (33usize, 17usize, 29usize);
    let a: Vec<i32> = (0..m * k).map(|i| (i as i32 * 7919) % 201 - 100).collect();
    let b: Vec<i32> = (0..k * n)
        .map(|i| (i as i32 * 104_729) % 1_000_003 - 500_000)
        .collect();
    let mut c = vec![0i32; m * n];
    for row in 0..m {
        for col in 0..n {
            c[row * n + col] = (0..k).fold(0i32, |acc, i| {
                acc.wrapping_add(a[row * k + i].wrapping_mul(b[i * n + col]))
            });
        }
    }
    let source = "__kernel void matmul(__global const int *a, __global const int *b, \
                  __global int *c, uint n, uint k) { \
                  size_t col = get_global_id(0), row = get_global_id(1); int acc = 0; \
                  for (uint i = 0; i < k; i++) acc += a[row * k + i] * b[i * n + col]; \
                  c[row * n + col] = acc; }";
    let job = job(
        source,
        "matmul",
        vec![
            input(bytes_of(&a, i32::to_le_bytes)),
            input(bytes_of(&b, i32::to_le_bytes)),
            output(4 * m * n),
            scalar(Scalar::U32(n as u32)),
            scalar(Scalar::U32(k as u32)),
        ],
        &[n, m],
    );
    let result = run(&executor, &job).unwrap();
    assert_eq!(result.result(), bytes_of(&c, i32::to_le_bytes));
}

#[test]
fn every_scalar_type_reaches_the_kernel() {
    let Some(executor) = executor() else { return };
    let source = "__kernel void scalars(__global int *i, __global uint *u, __global long *l, \
                  __global ulong *ul, __global float *f, int a, uint b, long c, ulong d, float e) \
                  { *i = a; *u = b; *l = c; *ul = d; *f = e; }";
    let job = job(
        source,
        "scalars",
        vec![
            output(4),
            output(4),
            output(8),
            output(8),
            output(4),
            scalar(Scalar::I32(-7)),
            scalar(Scalar::U32(u32::MAX)),
            scalar(Scalar::I64((-1i64 << 40).into())),
            scalar(Scalar::U64(Uint64::new(u64::MAX - 1))),
            scalar(Scalar::F32Bits(1.5f32.to_bits())),
        ],
        &[1],
    );
    let outputs = run(&executor, &job).unwrap().outputs;
    assert_eq!(
        outputs,
        vec![
            (-7i32).to_le_bytes().to_vec(),
            u32::MAX.to_le_bytes().to_vec(),
            (-1i64 << 40).to_le_bytes().to_vec(),
            (u64::MAX - 1).to_le_bytes().to_vec(),
            1.5f32.to_le_bytes().to_vec(),
        ]
    );
}

#[test]
fn bytes_a_kernel_does_not_write_are_zero() {
    let Some(executor) = executor() else { return };
    let source = "__kernel void one(__global uchar *out) { out[1] = 9; }";
    let job = job(source, "one", vec![output(4)], &[1]);
    assert_eq!(run(&executor, &job).unwrap().result(), vec![0, 9, 0, 0]);
}

#[test]
fn the_second_run_takes_the_program_from_the_cache() {
    let Some(executor) = executor() else { return };
    let (job, expected) = vector_add(64);
    let first = run(&executor, &job).unwrap();
    assert!(!first.cached);
    assert!(first.build_time > Duration::ZERO);
    let second = run(&executor, &job).unwrap();
    assert!(second.cached);
    assert_eq!(second.build_time, Duration::ZERO);
    assert_eq!(second.result(), expected);
    assert_eq!(executor.cached_programs(), 1);
}

#[test]
fn the_cache_keeps_the_most_recently_used_programs() {
    let Some(executor) = common::executor(ExecutorConfig {
        program_cache_size: 1,
        ..ExecutorConfig::default()
    }) else {
        return;
    };
    let (add, _) = vector_add(16);
    let fixture = ogpu_testing::fixtures::job();
    let cached = |job| run(&executor, job).unwrap().cached;
    assert!(!cached(&add));
    assert!(cached(&add));
    assert!(!cached(&fixture));
    assert!(!cached(&add), "evicted by the fixture's program");
    assert_eq!(executor.cached_programs(), 1);
}

#[test]
fn an_executor_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Executor>();
    let Some(executor) = executor() else { return };
    let (job, expected) = vector_add(256);
    std::thread::scope(|scope| {
        let runs: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| run(&executor, &job)))
            .collect();
        for handle in runs {
            assert_eq!(handle.join().unwrap().unwrap().result(), expected);
        }
    });
}

#[test]
fn a_kernel_that_does_not_compile_reports_the_build_log() {
    let Some(executor) = executor() else { return };
    let source = "__kernel void broken(__global int *out) { out[0] = undeclared_name; }";
    let job = job(source, "broken", vec![output(4)], &[1]);
    match run(&executor, &job) {
        Err(ExecError::Build { log }) => assert!(log.contains("undeclared_name"), "{log}"),
        other => panic!("expected a build error, got {other:?}"),
    }
    // A failed build is not cached: fixing nothing fails the same way.
    assert!(matches!(run(&executor, &job), Err(ExecError::Build { .. })));
}

#[test]
fn invalid_jobs_are_refused_before_running() {
    let Some(executor) = common::executor(ExecutorConfig {
        max_buffer_bytes: 1 << 20,
        ..ExecutorConfig::default()
    }) else {
        return;
    };
    let (good, _) = vector_add(16);

    let mut extra = good.clone();
    extra.args.push(scalar(Scalar::U32(1)));
    invalid(run(&executor, &extra), "takes 3 arguments, the job gives 4");

    let mut missing = good.clone();
    missing.args.pop();
    invalid(
        run(&executor, &missing),
        "takes 3 arguments, the job gives 2",
    );

    let mut too_many = good.clone();
    too_many.args = vec![scalar(Scalar::U32(1)); MAX_ARGS + 1];
    invalid(run(&executor, &too_many), "65 kernel arguments");

    let mut zero = good.clone();
    zero.global_work_size = sizes(&[0]);
    invalid(run(&executor, &zero), "global work size 0");

    let mut huge = good.clone();
    huge.args[2] = output((1 << 20) + 1);
    invalid(run(&executor, &huge), "buffer of 1048577 bytes");

    let mut group = good.clone();
    group.local_work_size = Some(sizes(&[5]));
    invalid(run(&executor, &group), "does not divide");

    let mut name = good.clone();
    name.entry_point = "sub".into();
    invalid(run(&executor, &name), "no kernel `sub`");

    let mut kinds = good.clone();
    kinds.args[0] = scalar(Scalar::U64(Uint64::new(0)));
    invalid(
        run(&executor, &kinds),
        "argument 0 is declared Global; the job gives a scalar",
    );

    let mut kinds = good;
    kinds.args[2] = input(vec![0; 64]);
    let shapes = "__kernel void k(__global const float *a, __global const float *b, uint n) {}";
    kinds.kernel = KernelSource::Inline {
        source: shapes.into(),
    };
    kinds.entry_point = "k".into();
    invalid(
        run(&executor, &kinds),
        "argument 2 is declared Private; the job gives an input buffer",
    );

    let local = job(
        "__kernel void l(__local float *scratch) {}",
        "l",
        vec![output(4)],
        &[1],
    );
    invalid(run(&executor, &local), "argument 0 is declared Local");
}

#[test]
fn a_kernel_past_its_time_limit_is_abandoned_and_reported() {
    let Some(executor) = executor() else { return };
    // A dependent chain of multiply-adds: seconds on a CPU core, no closed form to fold.
    let source = "__kernel void spin(__global uint *out, uint n) { uint x = 1; \
                  for (uint i = 0; i < n; i++) x = x * 1664525u + 1013904223u; out[0] = x; }";
    let spin = |n| {
        let job = job(
            source,
            "spin",
            vec![output(4), scalar(Scalar::U32(n))],
            &[1],
        );
        executor.prepare(&job, &InlineOnly).unwrap()
    };
    // Built (and launched once) first, so that what follows times the launch alone.
    executor.execute(&spin(1), None).unwrap();
    let limit = Duration::from_millis(50);
    let started = Instant::now();
    assert_eq!(
        executor.execute(&spin(3_000_000_000), Some(limit)),
        Err(ExecError::Timeout { limit })
    );
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(1), "returned after {waited:?}");
    assert_eq!(executor.stuck_kernels(), 1);
    // The device is still usable: a short job on its own queue completes meanwhile.
    let (add, expected) = vector_add(16);
    assert_eq!(run(&executor, &add).unwrap().result(), expected);
    // The abandoned kernel finishes on its own and stops being counted.
    let deadline = Instant::now() + Duration::from_secs(120);
    while executor.stuck_kernels() > 0 {
        assert!(Instant::now() < deadline, "the spinning kernel never ended");
        std::thread::sleep(Duration::from_millis(50));
    }
}
