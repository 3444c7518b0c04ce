//! The daemon's own work per task, kernel time excluded, with the program cached: running
//! the job through the daemon's path (blocking thread, prepare, bind, launch, read back,
//! digest), sealing (salt, commitment), the four state writes of a task's life (the
//! commitment's fsync'd, the three after it not, as the daemon does) and encoding its two
//! registry messages. Chain round trips (simulate,
//! broadcast, blocks) are not the daemon's overhead and are left out.
//!
//!     cargo run --release -p ogpu-provider --example task_overhead [-- TASKS]

use std::sync::Arc;
use std::time::{Duration, Instant};

use cosmwasm_std::{Binary, HexBinary, Uint128};
use ogpu_provider::daemon::{run_job, HttpSource, Phase, Store, TaskRecord};
use ogpu_provider::{Executor, ExecutorConfig};
use ogpu_types::commitment::result_commitment;
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::{CompetitionModel, Job, Payload};

const PROVIDER: &str = "wasm1qqqsyqcyq5rqwzqfpg9scrgwpugpzysn9vl4se";

/// The registry's fixture job: 4 work-items adding a scalar to a 16-byte input.
fn job() -> Job {
    Job::OpenCl(ogpu_testing::fixtures::job())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks: usize = std::env::args().nth(1).map_or(Ok(200), |n| n.parse())?;
    let executor = Arc::new(Executor::new(
        ogpu_provider::device(0)?,
        ExecutorConfig::default(),
    )?);
    let state = tempfile::tempdir()?;
    let store = Store::open(state.path())?;
    let limit = Duration::from_secs(10);
    let inputs = Arc::new(HttpSource::new(tokio::runtime::Handle::current()));
    // The in-process path (`kernel_isolation = "in_process"`) on a blocking thread; the
    // default worker process adds one round trip over a pipe to it.
    let run = |executor: Arc<Executor>, inputs: Arc<HttpSource>| {
        tokio::task::spawn_blocking(move || {
            run_job(&executor, &*inputs, &job(), limit, 0, &mut || {})
        })
    };
    run(executor.clone(), inputs.clone()).await??; // builds and caches the program
    let mut overheads = Vec::with_capacity(tasks);
    let (mut job_total, mut state_total) = (Duration::ZERO, Duration::ZERO);
    for task_id in 0..tasks as u64 {
        let start = Instant::now();
        let work = run(executor.clone(), inputs.clone()).await??;
        job_total += start.elapsed().saturating_sub(work.device_time);
        let salt = [task_id as u8; 32];
        let price = Uint128::new(1_000);
        let commitment = result_commitment(task_id, PROVIDER, &work.digest, price, &salt);
        let mut record = TaskRecord {
            task_id,
            model: CompetitionModel::FirstResponse {
                commit_window: 60,
                reveal_window: 60,
            },
            phase: Phase::Committing,
            salt: HexBinary::from(salt),
            digest: Some(HexBinary::from(work.digest)),
            price,
            result: Some(Payload::Inline {
                data: Binary::from(work.result),
            }),
            commitment: HexBinary::from(commitment),
            collateral: Uint128::new(100),
            commit_deadline: cosmwasm_std::Timestamp::from_seconds(60),
            commit_height: None,
            reveal_opens: None,
            reveal_deadline: None,
            commit_tx: None,
            reveal_tx: None,
        };
        let writes = Instant::now();
        // As the daemon writes them: the commitment durably, the progress after it not.
        store.put(&record)?;
        for phase in [Phase::Committed, Phase::Revealed, Phase::Won] {
            record.phase = phase;
            store.note(&record)?;
        }
        state_total += writes.elapsed();
        let commit = ExecuteMsg::Commit {
            task_id,
            commitment: record.commitment.clone(),
        };
        let reveal = ExecuteMsg::Reveal {
            task_id,
            digest: record.digest.clone().expect("sealed above"),
            salt: record.salt.clone(),
            price: None,
            result: record.result.clone(),
        };
        std::hint::black_box((serde_json::to_vec(&commit)?, serde_json::to_vec(&reveal)?));
        overheads.push(start.elapsed().saturating_sub(work.device_time));
    }
    overheads.sort();
    let at = |q: f64| overheads[((overheads.len() - 1) as f64 * q) as usize];
    let mean = overheads.iter().sum::<Duration>() / overheads.len() as u32;
    println!(
        "per-task overhead, kernel excluded, program cached ({tasks} tasks on {}):",
        executor.device().name
    );
    println!(
        "  mean {mean:?}  median {:?}  p90 {:?}  max {:?}",
        at(0.5),
        at(0.9),
        at(1.0)
    );
    let n = tasks as u32;
    println!(
        "  of the mean: job path {:?}, state writes {:?}, the rest {:?}",
        job_total / n,
        state_total / n,
        mean.saturating_sub(job_total / n + state_total / n)
    );
    Ok(())
}
