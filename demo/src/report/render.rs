//! The report as Markdown: the goals first, then every measured operation, the machine and
//! the anchors that put the numbers in context.

use std::fmt::Write;

use crate::market::{BATCH, DENOM};
use crate::report::baseline;
use crate::report::gas::{Lifecycles, FIRST_RESPONSE, FIRST_RESPONSE_OPS, STAKING};
use crate::report::pnl::Pnl;
use crate::report::provider::result;
use crate::report::sizes::GOAL_BYTES;
use crate::report::Report;

/// One row of the goals table.
struct Goal {
    metric: String,
    goal: &'static str,
    /// The same figure for contracts v1, where there was one.
    v1: String,
    measured: String,
    /// `None`: a figure the goals ask to report, or one not measured in this run.
    met: Option<bool>,
}

const NONE: &str = "—";

fn verdict(goal: &Goal) -> &'static str {
    match goal.met {
        Some(true) => "met",
        Some(false) => "**missed**",
        None if goal.measured == NONE => "not measured",
        None => "reported",
    }
}

/// v1's gas of one First Response task, `(not pinned, pinned)`.
fn v1_first_response() -> (u64, u64) {
    FIRST_RESPONSE_OPS
        .iter()
        .filter_map(|op| baseline::gas(FIRST_RESPONSE, op))
        .fold((0, 0), |(u, p), (ou, op)| (u + ou, p + op))
}

/// The operations that cost more gas (not pinned) than they did in v1.
fn costlier_than_v1(report: &Report) -> Vec<String> {
    report
        .unpinned
        .ops
        .iter()
        .filter(|o| baseline::gas(o.model, o.op).is_some_and(|(v1, _)| o.gas > v1))
        .map(|o| format!("{} {}", o.model, o.op))
        .collect()
}

/// `now` against `then`, as a signed percentage.
fn change(now: u64, then: u64) -> String {
    let percent = 100.0 * (now as f64 - then as f64) / then.max(1) as f64;
    format!("{percent:+.0}%").replace('-', "−")
}

fn thousands(gas: u64) -> String {
    format!("{:.1}k", gas as f64 / 1000.0)
}

fn goals(report: &Report) -> Vec<Goal> {
    let unpinned = report.unpinned.first_response_total();
    let pinned = report.pinned.first_response_total();
    let worst = report.scaling.iter().map(|s| s.ratio()).fold(0.0, f64::max);
    let throughput = report.throughput.per_second();
    let (v1_unpinned, v1_pinned) = v1_first_response();
    let costlier = costlier_than_v1(report);
    let refused = report
        .pnl
        .as_ref()
        .map(|pnl| pnl.providers.iter().map(|p| p.refused).sum::<u64>());
    let mut goals = vec![
        Goal {
            metric: "SDK gas of one First Response task, publish → payout, codes not pinned".into(),
            goal: "≤ 450k",
            v1: thousands(v1_unpinned),
            measured: thousands(unpinned),
            met: Some(unpinned <= 450_000),
        },
        Goal {
            metric: "the same with the codes pinned".into(),
            goal: "≤ 250k",
            v1: thousands(v1_pinned),
            measured: thousands(pinned),
            met: Some(pinned <= 250_000),
        },
        Goal {
            metric: "operations that cost more than in v1 (not pinned)".into(),
            goal: "none",
            v1: NONE.into(),
            measured: if costlier.is_empty() {
                "none".into()
            } else {
                costlier.join("; ")
            },
            met: Some(costlier.is_empty()),
        },
        Goal {
            metric: format!(
                "gas of each operation with {} tasks ÷ with {} (worst operation)",
                report.config.many_tasks, report.config.few_tasks
            ),
            goal: "≤ 1.05",
            v1: "1.004".into(),
            measured: format!("{worst:.3}"),
            met: Some(worst <= 1.05),
        },
        Goal {
            metric: "blocks from publish to payout, First Response".into(),
            goal: "≤ 2",
            v1: "2".into(),
            measured: report.unpinned.first_response_blocks.to_string(),
            met: Some(report.unpinned.first_response_blocks <= 2),
        },
        Goal {
            metric: format!(
                "First Response tasks settled per second, {} providers",
                report.throughput.providers
            ),
            goal: "≥ 400",
            v1: format!("{:.0}", baseline::THROUGHPUT),
            measured: format!("{throughput:.0}"),
            met: Some(throughput >= 400.0),
        },
        Goal {
            metric: format!(
                "a provider's gas per First Response task, committing and revealing {BATCH} tasks a transaction"
            ),
            goal: "reported",
            v1: NONE.into(),
            measured: thousands(report.throughput.provider_gas_per_task()),
            met: None,
        },
        Goal {
            metric: "refused transactions of the honest providers in the P&L race (a First Response loser pays its commitment alone)".into(),
            goal: "0",
            v1: NONE.into(),
            measured: refused.map_or(NONE.into(), |r| r.to_string()),
            met: refused.map(|r| r == 0),
        },
    ];
    for (name, bytes) in &report.sizes {
        let kb = |bytes: u64| format!("{:.0} KB", bytes as f64 / 1000.0);
        goals.push(Goal {
            metric: format!("optimized wasm size, `{name}`"),
            goal: "≤ 250 KB",
            v1: baseline::size(name).map_or(NONE.into(), kb),
            measured: kb(*bytes),
            met: Some(*bytes <= GOAL_BYTES),
        });
    }
    goals.extend(provider_goals(report));
    goals
}

fn provider_goals(report: &Report) -> Vec<Goal> {
    let bench = report.provider.as_ref();
    let overhead = bench.and_then(|b| result(b, "job overhead"));
    let matmul = bench.and_then(|b| result(b, "matmul f32 blocked"));
    vec![
        Goal {
            metric: "provider overhead per job excluding kernel time, cached program".into(),
            goal: "≤ 5 ms",
            v1: NONE.into(),
            measured: overhead.map_or("—".into(), |r| format!("{:.3} ms", r.seconds * 1e3)),
            met: overhead.map(|r| r.seconds <= 0.005),
        },
        Goal {
            metric: "provider f32 matmul benchmark (register-blocked), GFLOP/s".into(),
            goal: "≥ 40",
            v1: NONE.into(),
            measured: matmul.map_or("—".into(), |r| format!("{:.1}", r.rate)),
            met: matmul.map(|r| r.rate >= 40.0),
        },
        Goal {
            metric: "the same over the naive kernel".into(),
            goal: "≥ 20×",
            v1: NONE.into(),
            measured: matmul
                .and_then(|r| r.speedup)
                .map_or("—".into(), |s| format!("{s:.0}×")),
            met: matmul.and_then(|r| r.speedup).map(|s| s >= 20.0),
        },
    ]
}

fn machine() -> String {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let field = |text: &str, key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_once([':', '=']))
            .map(|(_, v)| v.trim().trim_matches('"').to_string())
            .unwrap_or_else(|| "unknown".into())
    };
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory_kb: u64 = field(&read("/proc/meminfo"), "MemTotal")
        .trim_end_matches(" kB")
        .parse()
        .unwrap_or(0);
    format!(
        "{cpus} × {}, {:.0} GiB memory, {}; {} build",
        field(&read("/proc/cpuinfo"), "model name"),
        memory_kb as f64 / (1 << 20) as f64,
        field(&read("/etc/os-release"), "PRETTY_NAME"),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    )
}

/// Where each transaction of one First Response task spent its gas, by the devnet's
/// charge descriptors (the names wasmd and the SDK give their charges).
fn breakdown(out: &mut String, title: &str, lifecycles: &Lifecycles) {
    let ops: Vec<_> = FIRST_RESPONSE_OPS
        .iter()
        .filter_map(|op| lifecycles.op(FIRST_RESPONSE, op))
        .collect();
    let total: u64 = ops.iter().map(|o| o.gas).sum();
    let mut descriptors: Vec<&str> = ops
        .iter()
        .flat_map(|o| o.breakdown.keys().copied())
        .collect();
    descriptors.sort_unstable();
    descriptors.dedup();
    let spent = |descriptor: &str| -> u64 {
        ops.iter()
            .map(|o| o.breakdown.get(descriptor).copied().unwrap_or(0))
            .sum()
    };
    descriptors.sort_by_key(|d| std::cmp::Reverse(spent(d)));
    let _ = writeln!(
        out,
        "\n### {title}\n\n| charge | {} | task | share |\n|---|{}---|---|",
        FIRST_RESPONSE_OPS.join(" | "),
        "---|".repeat(FIRST_RESPONSE_OPS.len())
    );
    for descriptor in descriptors {
        let cells: Vec<String> = ops
            .iter()
            .map(|o| {
                o.breakdown
                    .get(descriptor)
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            })
            .collect();
        let _ = writeln!(
            out,
            "| {descriptor} | {} | {} | {:.0}% |",
            cells.join(" | "),
            spent(descriptor),
            100.0 * spent(descriptor) as f64 / total.max(1) as f64
        );
    }
}

/// The providers' profit and loss at the defaults, as Markdown.
pub fn pnl_section(pnl: &Pnl) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Provider profit and loss\n\n\
         {} provider daemons at their defaults (strategy, 15% gas margin, kernels in a\n\
         worker process) race for {} First Response tasks paying the deployment's default\n\
         minimum reward, {} {DENOM}, at a gas price of 0.025{DENOM}. Earned is after the\n\
         protocol fee; fees are every transaction's, the losers' commitments included; the\n\
         balance change is read from the chain (the stake is untouched).\n\n\
         | provider | won | lost | commitments | earned | fees | net | refused txs | balance change |\n\
         |---|---|---|---|---|---|---|---|---|",
        pnl.providers.len(),
        pnl.tasks,
        pnl.reward
    );
    for p in &pnl.providers {
        let _ = writeln!(
            out,
            "| `…{}` | {} | {} | {} | {} | {} | **{}** | {} | {} |",
            &p.address[p.address.len().saturating_sub(6)..],
            p.won,
            p.lost,
            p.joined,
            p.earned,
            p.fees,
            p.net(),
            p.refused,
            p.balance_change
        );
    }
    out.push('\n');
    out
}

/// The whole document.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let config = &report.config;
    let _ = writeln!(
        out,
        "# Performance report\n\n\
         Generated by `bash ci/report.sh`; do not edit by hand (the analysis is in\n\
         [performance-notes.md](performance-notes.md)). Each part ran on a fresh embedded\n\
         devnet charging wasmd's gas schedule, {} ms blocks.\n\n\
         Machine: {}.\n",
        config.block_time.as_millis(),
        machine()
    );
    let _ = writeln!(
        out,
        "## Against the goals\n\n\
         Contracts v2 against the goals of the cost redesign, beside contracts v1 (0.1.0,\n\
         measured by this report before it).\n\n\
         | metric | goal | v1 | measured | |\n|---|---|---|---|---|"
    );
    for goal in goals(report) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            goal.metric,
            goal.goal,
            goal.v1,
            goal.measured,
            verdict(&goal)
        );
    }
    let _ = writeln!(
        out,
        "\n## Gas of each operation\n\n\
         SDK gas used by the one transaction carrying the operation (ante handler and\n\
         wasm), beside v1's (not pinned / pinned; — for an operation new in v2). The last\n\
         two columns repeat the unpinned run after the chain holds {} tasks instead of {}.\n\n\
         | model | operation | not pinned | pinned | v1 | change | with {} tasks | ratio |\n\
         |---|---|---|---|---|---|---|---|",
        config.many_tasks, config.few_tasks, config.many_tasks
    );
    for op in &report.unpinned.ops {
        let pinned = report.pinned.gas(op.model, op.op);
        let scaled = report
            .scaling
            .iter()
            .find(|s| s.model == op.model && s.op == op.op);
        let v1 = baseline::gas(op.model, op.op);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            op.model,
            op.op,
            op.gas,
            pinned.map_or("—".into(), |g| g.to_string()),
            v1.map_or(NONE.into(), |(u, p)| format!("{u} / {p}")),
            v1.map_or(NONE.into(), |(u, _)| change(op.gas, u)),
            scaled.map_or("—".into(), |s| s.many.to_string()),
            scaled.map_or("—".into(), |s| format!("{:.3}", s.ratio()))
        );
    }
    let _ = writeln!(
        out,
        "\n## Where a First Response task's gas goes\n\n\
         The devnet adds up each transaction's charges by the descriptor wasmd and the SDK\n\
         give them: `Loading CosmWasm module` is the instance cost of each contract call\n\
         (60k, or 2k pinned), `wasm contract` the contracts' own execution (CosmWasm gas ÷\n\
         140), `wasm storage …` the contracts' reads and writes, `ReadFlat`/`WriteFlat`/…\n\
         the SDK modules' store accesses (accounts, balances, contract metadata), `txSize`\n\
         the transaction's bytes."
    );
    breakdown(&mut out, "Codes not pinned", &report.unpinned);
    breakdown(&mut out, "Codes pinned", &report.pinned);
    let t = &report.throughput;
    let _ = writeln!(
        out,
        "\n## Throughput\n\n\
         {} First Response tasks from {} clients, {} providers each committing its share in\n\
         one transaction per {} tasks and revealing it in the next block: {:.2} s over {} blocks,\n\
         **{:.0} tasks settled per second** (publish to payout, every task paid). The providers'\n\
         commitments and reveals used {} gas, **{} a task**.\n",
        t.tasks,
        super::CLIENTS,
        t.providers,
        BATCH,
        t.seconds,
        t.blocks,
        t.per_second(),
        t.provider_gas,
        thousands(t.provider_gas_per_task())
    );
    if let Some(bench) = &report.provider {
        let _ = writeln!(
            out,
            "## Provider (OpenCL)\n\n`ogpu-provider bench` on {}:\n\n```\n{}\n```\n",
            bench.device,
            bench.table()
        );
    }
    if let Some(pnl) = &report.pnl {
        out.push_str(&pnl_section(pnl));
    }
    let registration = report.unpinned.gas(STAKING, "register").unwrap_or(0);
    let _ = writeln!(
        out,
        "## Anchors\n\n\
         For context (not goals): an Akash bid costs ≈131–162k gas, a lease withdrawal ≈184k\n\
         and a deployment ≈103k, ≈420–450k before the lease and the close, in a native Go\n\
         module. wasmd charges 60k per contract call (2k when pinned); its keeper tests put an\n\
         instantiate at ≈113k and an execute with a bank send at ≈107k. cw20_base.wasm is\n\
         267–316 KB. Here a provider's registration costs {} and a {} task {} in all.",
        thousands(registration),
        FIRST_RESPONSE,
        thousands(report.unpinned.first_response_total())
    );
    out
}
