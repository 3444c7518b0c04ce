//! The daemon's counters: read in-process ([`Stats::snapshot`]) or scraped by Prometheus
//! from `/metrics` (text exposition format 0.0.4, written by hand: a dozen series need no
//! library).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde::Serialize;

/// A monotonic counter.
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.add(1);
    }
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// What the daemon did since it started.
#[derive(Debug, Default)]
pub struct Stats {
    /// Tasks looked at (each once).
    pub seen: Counter,
    /// Tasks passed over (strategy, requirements, failed execution…).
    pub skipped: Counter,
    /// Commitments that landed on chain.
    pub joined: Counter,
    pub revealed: Counter,
    /// Results delivered when chosen (an offer, an auction's winner, a replica).
    pub delivered: Counter,
    pub won: Counter,
    pub lost: Counter,
    pub slashed: Counter,
    /// Tasks that expired with this provider's response in them.
    pub expired: Counter,
    /// Jobs that failed to build or run, or timed out.
    pub exec_failures: Counter,
    pub kernel_runs: Counter,
    kernel_nanos: Counter,
    /// Kernel workers killed past a job's time limit.
    pub kernels_killed: Counter,
    /// Transactions included and successful.
    pub txs: Counter,
    /// Transaction attempts that failed (refused, out of gas, node unreachable…).
    pub tx_errors: Counter,
    /// Transactions included but failed in their block: refused by the chain, and charged.
    pub tx_failed: Counter,
    /// Transactions refused at CheckTx (not charged).
    pub tx_rejected: Counter,
    /// Messages a simulation showed would fail: never sent.
    pub sim_refused: Counter,
    /// Tasks executing, committed or revealed and not settled.
    in_progress: AtomicU64,
    /// Fees paid, in the chain's fee denom.
    fees: Mutex<u128>,
    /// Gross prices won (before the protocol fee), per reward asset.
    earnings: Mutex<BTreeMap<String, u128>>,
    /// Prices won after the protocol fee: what reached the provider, per reward asset.
    earnings_net: Mutex<BTreeMap<String, u128>>,
    /// Tasks passed over, per reason (`decline::Reason::label`).
    declined: Mutex<BTreeMap<&'static str, u64>>,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatsSnapshot {
    pub seen: u64,
    pub skipped: u64,
    pub joined: u64,
    pub revealed: u64,
    pub delivered: u64,
    pub won: u64,
    pub lost: u64,
    pub slashed: u64,
    pub expired: u64,
    pub exec_failures: u64,
    pub kernel_runs: u64,
    pub kernel_seconds: f64,
    pub kernels_killed: u64,
    pub txs: u64,
    pub tx_errors: u64,
    pub tx_failed: u64,
    pub tx_rejected: u64,
    pub sim_refused: u64,
    pub in_progress: u64,
    pub fees_paid: u128,
    /// Gross earnings per reward asset (denom or cw20 address).
    pub earnings: BTreeMap<String, u128>,
    /// Earnings after the protocol fee, per reward asset.
    pub earnings_net: BTreeMap<String, u128>,
    /// Tasks passed over, per reason.
    pub declined: BTreeMap<String, u64>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Stats {
    pub fn add_kernel_time(&self, time: Duration) {
        self.kernel_runs.inc();
        self.kernel_nanos
            .add(u64::try_from(time.as_nanos()).unwrap_or(u64::MAX));
    }

    pub fn add_fee(&self, amount: u128) {
        *lock(&self.fees) += amount;
    }

    /// A price won: `gross` before the protocol fee, `net` after it.
    pub fn add_earning(&self, asset: &str, gross: u128, net: u128) {
        *lock(&self.earnings).entry(asset.to_string()).or_default() += gross;
        *lock(&self.earnings_net)
            .entry(asset.to_string())
            .or_default() += net;
    }

    /// A task passed over for a reason labelled `reason`.
    pub fn declined(&self, reason: &'static str) {
        self.skipped.inc();
        *lock(&self.declined).entry(reason).or_default() += 1;
    }

    pub fn started(&self) {
        self.in_progress.fetch_add(1, Ordering::Relaxed);
    }

    pub fn finished(&self) {
        self.in_progress.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            seen: self.seen.get(),
            skipped: self.skipped.get(),
            joined: self.joined.get(),
            revealed: self.revealed.get(),
            delivered: self.delivered.get(),
            won: self.won.get(),
            lost: self.lost.get(),
            slashed: self.slashed.get(),
            expired: self.expired.get(),
            exec_failures: self.exec_failures.get(),
            kernel_runs: self.kernel_runs.get(),
            kernel_seconds: Duration::from_nanos(self.kernel_nanos.get()).as_secs_f64(),
            kernels_killed: self.kernels_killed.get(),
            txs: self.txs.get(),
            tx_errors: self.tx_errors.get(),
            tx_failed: self.tx_failed.get(),
            tx_rejected: self.tx_rejected.get(),
            sim_refused: self.sim_refused.get(),
            in_progress: self.in_progress.load(Ordering::Relaxed),
            fees_paid: *lock(&self.fees),
            earnings: lock(&self.earnings).clone(),
            earnings_net: lock(&self.earnings_net).clone(),
            declined: lock(&self.declined)
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
        }
    }
}

impl StatsSnapshot {
    /// The Prometheus text exposition of these values.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut series = |name: &str, kind: &str, help: &str, value: String| {
            let _ = writeln!(out, "# HELP ogpu_provider_{name} {help}");
            let _ = writeln!(out, "# TYPE ogpu_provider_{name} {kind}");
            let _ = writeln!(out, "ogpu_provider_{name} {value}");
        };
        for (name, help, value) in [
            ("tasks_seen_total", "Tasks looked at.", self.seen),
            ("tasks_skipped_total", "Tasks passed over.", self.skipped),
            (
                "tasks_joined_total",
                "Commitments that landed on chain.",
                self.joined,
            ),
            ("tasks_revealed_total", "Commitments opened.", self.revealed),
            (
                "tasks_delivered_total",
                "Results delivered when chosen.",
                self.delivered,
            ),
            ("tasks_won_total", "Tasks won and paid.", self.won),
            (
                "tasks_lost_total",
                "Tasks another provider won (collateral returned).",
                self.lost,
            ),
            ("tasks_slashed_total", "Commitments slashed.", self.slashed),
            (
                "tasks_expired_total",
                "Joined tasks that expired without a winner.",
                self.expired,
            ),
            (
                "exec_failures_total",
                "Jobs that failed to build or run, or timed out.",
                self.exec_failures,
            ),
            (
                "kernel_runs_total",
                "Kernels run to completion.",
                self.kernel_runs,
            ),
            (
                "kernels_killed_total",
                "Kernel workers killed past a job's time limit.",
                self.kernels_killed,
            ),
            ("txs_total", "Transactions included.", self.txs),
            (
                "tx_errors_total",
                "Failed transaction attempts.",
                self.tx_errors,
            ),
            (
                "txs_failed_total",
                "Transactions refused in their block (fee charged).",
                self.tx_failed,
            ),
            (
                "txs_rejected_total",
                "Transactions refused at CheckTx (no fee).",
                self.tx_rejected,
            ),
            (
                "simulation_refused_total",
                "Messages a simulation showed would fail, never sent.",
                self.sim_refused,
            ),
        ] {
            series(name, "counter", help, value.to_string());
        }
        series(
            "kernel_seconds_total",
            "counter",
            "Time kernels ran, as the device measured it.",
            self.kernel_seconds.to_string(),
        );
        series(
            "fees_paid_total",
            "counter",
            "Transaction fees paid, in the fee denom.",
            self.fees_paid.to_string(),
        );
        series(
            "tasks_in_progress",
            "gauge",
            "Tasks executing, committed or revealed and not settled.",
            self.in_progress.to_string(),
        );
        labelled(
            &mut out,
            "earnings_total",
            "Prices won before the protocol fee, per reward asset.",
            "asset",
            &self.earnings,
        );
        labelled(
            &mut out,
            "earnings_net_total",
            "Prices won after the protocol fee, per reward asset.",
            "asset",
            &self.earnings_net,
        );
        labelled(
            &mut out,
            "tasks_declined_total",
            "Tasks passed over, per reason.",
            "reason",
            &self.declined,
        );
        out
    }
}

/// One counter series per label value.
fn labelled<V: std::fmt::Display>(
    out: &mut String,
    name: &str,
    help: &str,
    label: &str,
    values: &BTreeMap<String, V>,
) {
    let _ = writeln!(out, "# HELP ogpu_provider_{name} {help}");
    let _ = writeln!(out, "# TYPE ogpu_provider_{name} counter");
    for (key, value) in values {
        let key = key.replace('\\', "\\\\").replace('"', "\\\"");
        let _ = writeln!(out, "ogpu_provider_{name}{{{label}=\"{key}\"}} {value}");
    }
}

/// `GET /metrics`.
pub fn router(stats: Arc<Stats>) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let text = stats.snapshot().render();
            async move { ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response() }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_counter_is_exposed_once_with_its_type() {
        let stats = Stats::default();
        stats.won.inc();
        stats.add_earning("ustake", 495, 490);
        stats.add_earning("ustake", 5, 4);
        stats.declined("unprofitable");
        stats.add_kernel_time(Duration::from_millis(1500));
        let text = stats.snapshot().render();
        assert!(text.contains("ogpu_provider_tasks_won_total 1\n"), "{text}");
        assert!(
            text.contains("ogpu_provider_earnings_total{asset=\"ustake\"} 500\n"),
            "{text}"
        );
        assert!(
            text.contains("ogpu_provider_kernel_seconds_total 1.5\n"),
            "{text}"
        );
        assert!(
            text.contains("ogpu_provider_tasks_declined_total{reason=\"unprofitable\"} 1\n"),
            "{text}"
        );
        assert!(text.contains("ogpu_provider_earnings_net_total{asset=\"ustake\"} 494\n"));
        let samples = text.lines().filter(|l| !l.starts_with('#')).count();
        let types = text.lines().filter(|l| l.starts_with("# TYPE")).count();
        assert_eq!((samples, types), (23, 23), "{text}");
    }
}
