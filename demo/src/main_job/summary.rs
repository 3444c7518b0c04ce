//! The demo's closing tables: one row per task (model, winner, price, fee, blocks from
//! publish to its end, gas of its transactions, and whether it ended as it should) and one
//! per provider (joined, won, lost, slashed, earned).

use ogpu_types::staking::ProviderResponse;
use ogpu_types::TaskStatus;

use crate::main_job::watch::{short, Trails};

/// One task's end, read back from the chain.
#[derive(Debug, Clone)]
pub struct TaskRow {
    pub id: u64,
    pub scenario: &'static str,
    pub model: &'static str,
    pub status: TaskStatus,
    pub expected: TaskStatus,
    pub winner: Option<String>,
    pub price: Option<u128>,
    pub fee: Option<u128>,
    /// The result matched the CPU reference (`None`: nothing to compare).
    pub result_ok: Option<bool>,
    pub blocks: Option<u64>,
    /// Gas of the transactions that carried its events, a batched one shared out evenly
    /// among the tasks it touched.
    pub gas: u64,
}

impl TaskRow {
    pub fn as_expected(&self) -> bool {
        self.status == self.expected && self.result_ok != Some(false)
    }
}

fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = vec![line(headers.iter().map(|h| h.to_string()).collect())];
    out.extend(rows.iter().map(|row| line(row.clone())));
    out.join("\n")
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or("—".into(), |v| v.to_string())
}

pub fn tasks(rows: &[TaskRow]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.scenario.to_string(),
                r.model.to_string(),
                r.status.name().to_string(),
                or_dash(r.winner.as_deref().map(short)),
                or_dash(r.price),
                or_dash(r.fee),
                or_dash(r.result_ok.map(|ok| if ok { "matches" } else { "WRONG" })),
                or_dash(r.blocks),
                r.gas.to_string(),
                if r.as_expected() { "ok" } else { "FAILED" }.to_string(),
            ]
        })
        .collect();
    table(
        &[
            "task", "scenario", "model", "status", "winner", "paid", "fee", "result", "blocks",
            "gas", "check",
        ],
        &body,
    )
}

pub fn providers(providers: &[ProviderResponse], trails: &Trails) -> String {
    let body: Vec<Vec<String>> = providers
        .iter()
        .map(|p| {
            let trail = trails
                .providers
                .get(p.address.as_str())
                .cloned()
                .unwrap_or_default();
            let lost = trail
                .committed
                .len()
                .saturating_sub(trail.won.len() + trail.slashed.len());
            let earned: u128 = p.earnings.iter().map(|e| e.amount.u128()).sum();
            vec![
                p.metadata.moniker.clone(),
                short(p.address.as_str()),
                trail.committed.len().to_string(),
                trail.won.len().to_string(),
                lost.to_string(),
                trail.slashed.len().to_string(),
                earned.to_string(),
                p.reputation_score.to_string(),
            ]
        })
        .collect();
    table(
        &[
            "provider",
            "address",
            "joined",
            "won",
            "lost",
            "slashed",
            "earned",
            "reputation",
        ],
        &body,
    )
}
