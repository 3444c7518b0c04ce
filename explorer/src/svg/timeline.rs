//! A task's timeline: one column per transaction (with its block and gas), one lane per
//! party (the task itself, its client, each provider), a mark where a transaction did
//! something to a party — committed, revealed, was chosen, delivered, was paid, slashed,
//! refunded — with every event of the mark in its tooltip.

use maud::{html, Markup};

use crate::web::format::amount;

/// A lane: its label and the page it links to.
pub struct Lane {
    pub label: String,
    pub href: Option<String>,
}

/// What one transaction did to one lane.
pub struct Mark {
    pub lane: usize,
    /// Stylesheet class of the mark's colour (`k-commit`, `k-paid`, ...).
    pub kind: &'static str,
    pub label: String,
    /// Under the label, e.g. an amount.
    pub note: Option<String>,
    /// The tooltip: every event the mark stands for.
    pub detail: String,
}

/// One transaction.
pub struct Column {
    pub height: u64,
    pub gas: u64,
    pub marks: Vec<Mark>,
}

const LABEL_WIDTH: f64 = 190.0;
const COLUMN: f64 = 108.0;
const HEADER: f64 = 44.0;
const LANE: f64 = 52.0;

pub fn chart(title: &str, lanes: &[Lane], columns: &[Column]) -> Markup {
    let width = LABEL_WIDTH + COLUMN * columns.len() as f64 + 12.0;
    let height = HEADER + LANE * lanes.len() as f64 + 8.0;
    let x = |column: usize| LABEL_WIDTH + COLUMN * column as f64 + COLUMN / 2.0;
    let y = |lane: usize| HEADER + LANE * lane as f64 + 16.0;
    // Each lane's active span: from its first to its last mark.
    let spans: Vec<Option<(usize, usize)>> = (0..lanes.len())
        .map(|lane| {
            let mut touched = columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.marks.iter().any(|m| m.lane == lane))
                .map(|(i, _)| i);
            let first = touched.next()?;
            Some((first, touched.next_back().unwrap_or(first)))
        })
        .collect();
    html! {
        svg.timeline width=(width) height=(height) viewBox={ "0 0 " (width) " " (height) }
            role="img" aria-label=(title) {
            title { (title) }
            @for (i, column) in columns.iter().enumerate() {
                line.grid x1=(x(i)) x2=(x(i)) y1=(HEADER - 6.0) y2=(height - 4.0) {}
                text.head x=(x(i)) y="16" text-anchor="middle" { "block " (column.height) }
                text.sub x=(x(i)) y="31" text-anchor="middle" { "gas " (amount(u128::from(column.gas))) }
            }
            @for (lane, info) in lanes.iter().enumerate() {
                @let label = html! {
                    text.lane x=(LABEL_WIDTH - 10.0) y=(y(lane) + 4.0) text-anchor="end" { (info.label) }
                };
                @if let Some(href) = &info.href {
                    a href=(href) { (label) }
                } @else {
                    (label)
                }
                @if let Some((first, last)) = spans[lane] {
                    line.span x1=(x(first)) x2=(x(last)) y1=(y(lane)) y2=(y(lane)) {}
                }
            }
            @for (i, column) in columns.iter().enumerate() {
                @for mark in &column.marks {
                    g.mark {
                        title { (mark.detail) }
                        circle class=(mark.kind) cx=(x(i)) cy=(y(mark.lane)) r="7" {}
                        text.what x=(x(i)) y=(y(mark.lane) + 21.0) text-anchor="middle" { (mark.label) }
                        @if let Some(note) = &mark.note {
                            text.note x=(x(i)) y=(y(mark.lane) + 33.0) text-anchor="middle" { (note) }
                        }
                    }
                }
            }
        }
    }
}
