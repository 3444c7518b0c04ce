//! The demo's task mix: real kernels with CPU references, a verifiable hash search, every
//! competition model (sealed offers, consensus, a sealed-bid auction), a dispute, and the
//! tasks meant to fail, each with the end it must reach.

use cosmwasm_std::{Binary, HexBinary, Uint128, Uint64};
use ogpu_types::{
    hash_search::HashSearch, CompetitionModel, DisputeTerms, Job, KernelArg, KernelSource,
    OpenClJob, Payload, Requirements, Scalar, TaskSpec, TaskStatus,
};

/// Collateral each demo task asks of a provider.
pub const COLLATERAL: u128 = 1_000;
/// Reward escrowed by each demo task. The daemons take only tasks worth their fees
/// (docs/provider.md, "Fees and profit"): a replica of the 3-way consensus task is paid a
/// third of it and must cover a commitment, a reveal and a share of the delivery of a
/// 4 KiB result, about 25 000 at the devnet's gas price.
pub const REWARD: u128 = 200_000;
/// Bond a client posts to dispute a result: it pays the 3 replicas of the round, each of
/// which must find its share worth its fees too.
pub const BOND: u128 = 150_000;
/// Side of the integer matmul.
const MATMUL_N: usize = 16;
/// The fixed scenarios; more tasks are extra vector additions.
pub const FIXED: usize = 10;

/// What the demo does besides publishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Twist {
    /// Providers compete; nothing else.
    None,
    /// The client chooses the cheapest sealed offer (by price and record: the results are
    /// still sealed); its provider delivers and is paid.
    ClientConfirms,
    /// The client never confirms: anyone finalizes after the confirm window, the cheapest
    /// offer is chosen and delivers.
    ClientSilent,
    /// Only the withholding key may commit; it commits and never reveals.
    Withheld,
    /// Every daemon computes it; the agreeing replicas share the reward.
    Replicated,
    /// The client disputes the accepted result; other daemons re-run it as a consensus
    /// round, which upholds it.
    Disputed,
    /// The round a dispute opened (published by the registry, not the demo).
    Round,
    /// The daemons bid (each a different share of the reward); the lowest wins, is paid
    /// the second-lowest bid and delivers the result.
    Auctioned,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: &'static str,
    pub spec: TaskSpec,
    pub twist: Twist,
    /// The end the task must reach.
    pub expected: TaskStatus,
    /// The result bytes a correct provider returns, when the demo can compute them.
    pub reference: Option<Vec<u8>>,
}

pub fn first_response() -> CompetitionModel {
    CompetitionModel::FirstResponse {
        commit_window: 600,
        reveal_window: 60,
    }
}

/// The auction's windows: bids close with Manual Confirmation's commit window.
pub fn auction() -> CompetitionModel {
    CompetitionModel::SealedBidAuction {
        bid_window: 60,
        reveal_window: 300,
        delivery_window: 300,
    }
}

pub fn manual_confirmation() -> CompetitionModel {
    CompetitionModel::ManualConfirmation {
        commit_window: 60,
        reveal_window: 300,
        confirm_window: 300,
        delivery_window: 300,
    }
}

/// A spec of `job` under `model`; the market seals OpenCL results to the client's key
/// when it publishes it, as `ogpu` does by default.
fn spec(job: Job, model: CompetitionModel) -> TaskSpec {
    TaskSpec {
        job,
        requirements: Requirements::default(),
        model,
        collateral: Uint128::new(COLLATERAL),
        dispute: None,
        result_key: None,
    }
}

fn words(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn input(values: &[u32]) -> KernelArg {
    KernelArg::Input {
        payload: Payload::Inline {
            data: Binary::from(words(values)),
        },
    }
}

fn output(words: usize) -> KernelArg {
    KernelArg::Output {
        size: Uint64::new(4 * words as u64),
    }
}

fn kernel(source: &str, entry_point: &str, args: Vec<KernelArg>, global: &[u64]) -> Job {
    Job::OpenCl(OpenClJob {
        kernel: KernelSource::Inline {
            source: source.into(),
        },
        entry_point: entry_point.into(),
        args,
        global_work_size: global.iter().map(|&g| Uint64::new(g)).collect(),
        local_work_size: None,
    })
}

/// `out[i] = a[i] + b[i]` over `n` unsigned integers (wrapping).
fn vector_add(n: usize, seed: u32) -> (Job, Vec<u8>) {
    let a: Vec<u32> = (0..n as u32)
        .map(|i| i.wrapping_mul(2_654_435_761) ^ seed)
        .collect();
    let b: Vec<u32> = (0..n as u32)
        .map(|i| i.wrapping_mul(40_503) + seed)
        .collect();
    let sum: Vec<u32> = a.iter().zip(&b).map(|(x, y)| x.wrapping_add(*y)).collect();
    let source = "__kernel void vadd(__global const uint* a, __global const uint* b, \
                  __global uint* out) { size_t i = get_global_id(0); out[i] = a[i] + b[i]; }";
    let job = kernel(
        source,
        "vadd",
        vec![input(&a), input(&b), output(n)],
        &[n as u64],
    );
    (job, words(&sum))
}

/// `C = A × B` for `MATMUL_N`² unsigned integers (wrapping).
fn integer_matmul() -> (Job, Vec<u8>) {
    let n = MATMUL_N;
    let a: Vec<u32> = (0..n * n).map(|i| (i as u32 * 7 + 3) % 97).collect();
    let b: Vec<u32> = (0..n * n).map(|i| (i as u32 * 13 + 5) % 89).collect();
    let mut c = vec![0u32; n * n];
    for row in 0..n {
        for col in 0..n {
            c[row * n + col] = (0..n).fold(0u32, |acc, k| {
                acc.wrapping_add(a[row * n + k].wrapping_mul(b[k * n + col]))
            });
        }
    }
    let source = "__kernel void matmul(__global const uint* a, __global const uint* b, \
                  __global uint* c, uint n) { size_t row = get_global_id(1); \
                  size_t col = get_global_id(0); uint acc = 0; \
                  for (uint k = 0; k < n; k++) acc += a[row * n + k] * b[k * n + col]; \
                  c[row * n + col] = acc; }";
    let args = vec![
        input(&a),
        input(&b),
        output(n * n),
        KernelArg::Scalar {
            value: Scalar::U32(n as u32),
        },
    ];
    (
        kernel(source, "matmul", args, &[n as u64, n as u64]),
        words(&c),
    )
}

/// A kernel with a syntax error: no provider can build it, so nobody commits.
fn broken_kernel() -> Job {
    let source = "__kernel void broken(__global uint* out) { out[0] = ; }";
    kernel(source, "broken", vec![output(1)], &[1])
}

/// Replicas of the consensus task for `daemons` daemons: at most 3.
pub fn replicas(daemons: usize) -> u32 {
    daemons.clamp(1, 3) as u32
}

/// A strict majority of `replicas`, the smallest quorum the registry accepts.
pub fn majority(replicas: u32) -> u32 {
    replicas / 2 + 1
}

/// A dispute is re-run by at least 3 replicas other than the disputed winner.
pub const ROUND_REPLICAS: u32 = 3;

/// Whether `daemons` daemons can re-run a dispute (the winner is left out of its round).
pub fn can_dispute(daemons: usize) -> bool {
    daemons > ROUND_REPLICAS as usize
}

/// The round a dispute of `disputed` opened, as a row of the board.
pub fn round(disputed: &Scenario) -> Scenario {
    Scenario {
        name: "dispute re-run round (upholds)",
        twist: Twist::Round,
        ..disputed.clone()
    }
}

/// The mix for `tasks` tasks and `daemons` providers: the fixed scenarios first, then more
/// vector additions.
pub fn mix(tasks: usize, daemons: usize) -> Vec<Scenario> {
    // 1 000 words: sealed (48 bytes more), the result still fits the 4 KiB inline limit.
    let (add, add_result) = vector_add(1000, 1);
    let (matmul, matmul_result) = integer_matmul();
    let (offered, offered_result) = vector_add(256, 2);
    let (silent, silent_result) = vector_add(256, 3);
    let (withheld, _) = vector_add(64, 4);
    let (replicated, replicated_result) = vector_add(512, 5);
    let (disputed, disputed_result) = vector_add(128, 6);
    let (auctioned, auctioned_result) = vector_add(128, 7);
    let replicated_model = CompetitionModel::Consensus {
        replicas: replicas(daemons),
        quorum: majority(replicas(daemons)),
        commit_window: 600,
        reveal_window: 60,
    };
    let mut disputable = spec(disputed, first_response());
    disputable.dispute = Some(DisputeTerms {
        window: 600,
        replicas: ROUND_REPLICAS,
        quorum: majority(ROUND_REPLICAS),
        bond: Uint128::new(BOND),
    });
    let search = Job::HashSearch(HashSearch {
        prefix: HexBinary::from(b"ogpu demo".as_slice()),
        difficulty: 16,
    });
    let mut mix = vec![
        Scenario {
            name: "vector add (first response)",
            spec: spec(add, first_response()),
            twist: Twist::None,
            expected: TaskStatus::Completed,
            reference: Some(add_result),
        },
        Scenario {
            name: "integer matmul (first response)",
            spec: spec(matmul, first_response()),
            twist: Twist::None,
            expected: TaskStatus::Completed,
            reference: Some(matmul_result),
        },
        Scenario {
            name: "hash search, verified on chain",
            spec: spec(search, first_response()),
            twist: Twist::None,
            expected: TaskStatus::Completed,
            reference: None,
        },
        Scenario {
            name: "client chooses a sealed offer",
            spec: spec(offered, manual_confirmation()),
            twist: Twist::ClientConfirms,
            expected: TaskStatus::Completed,
            reference: Some(offered_result),
        },
        Scenario {
            name: "client never chooses",
            spec: spec(silent, manual_confirmation()),
            twist: Twist::ClientSilent,
            expected: TaskStatus::Completed,
            reference: Some(silent_result),
        },
        Scenario {
            name: "kernel does not build",
            spec: spec(broken_kernel(), first_response()),
            twist: Twist::None,
            expected: TaskStatus::Expired,
            reference: None,
        },
        Scenario {
            name: "provider withholds its result",
            spec: spec(withheld, first_response()),
            twist: Twist::Withheld,
            expected: TaskStatus::Expired,
            reference: None,
        },
        Scenario {
            name: "replicas agree (consensus)",
            spec: spec(replicated, replicated_model),
            twist: Twist::Replicated,
            expected: TaskStatus::Completed,
            reference: Some(replicated_result),
        },
        Scenario {
            name: "client disputes the result",
            spec: disputable,
            twist: Twist::Disputed,
            expected: TaskStatus::Completed,
            reference: Some(disputed_result),
        },
        Scenario {
            name: "sealed-bid auction",
            spec: spec(auctioned, auction()),
            twist: Twist::Auctioned,
            expected: TaskStatus::Completed,
            reference: Some(auctioned_result),
        },
    ];
    if !can_dispute(daemons) {
        mix.retain(|s| s.twist != Twist::Disputed);
    }
    let mut seed = 100;
    while mix.len() < tasks {
        let (job, result) = vector_add(256, seed);
        seed += 1;
        mix.push(Scenario {
            name: "vector add (first response)",
            spec: spec(job, first_response()),
            twist: Twist::None,
            expected: TaskStatus::Completed,
            reference: Some(result),
        });
    }
    mix
}
