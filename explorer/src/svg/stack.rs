//! Horizontal stacked bars: one bar per row (a competition model), split into segments
//! (its tasks by status), all bars on one scale so rows compare.

use maud::{html, Markup};

use crate::svg::legend;

/// One bar: its label and its segments as (name, stylesheet class, count).
pub struct Bar<'a> {
    pub label: String,
    pub segments: Vec<(&'a str, String, u64)>,
}

/// The chart spans a page's width, wider than the others.
const WIDTH: f64 = 1000.0;
const LABEL_WIDTH: f64 = 170.0;
const ROW: f64 = 26.0;
const TOP: f64 = 24.0;

/// A segment placed on the chart: x, width, name, class, count.
type Placed<'a> = (f64, f64, &'a str, &'a str, u64);

pub fn chart(title: &str, bars: &[Bar], legend_entries: &[(&str, &str)]) -> Markup {
    let total = |bar: &Bar| bar.segments.iter().map(|(_, _, n)| n).sum::<u64>();
    let max = bars.iter().map(total).max().unwrap_or(0).max(1) as f64;
    let scale = (WIDTH - LABEL_WIDTH - 40.0) / max;
    let height = TOP + ROW * bars.len() as f64 + 6.0;
    let rows: Vec<(f64, &Bar, Vec<Placed>, f64)> = bars
        .iter()
        .enumerate()
        .map(|(row, bar)| {
            let mut x = LABEL_WIDTH;
            let placed = bar
                .segments
                .iter()
                .map(|(name, class, count)| {
                    let width = *count as f64 * scale;
                    x += width;
                    (x - width, width, *name, class.as_str(), *count)
                })
                .collect();
            (TOP + ROW * row as f64, bar, placed, x)
        })
        .collect();
    html! {
        svg.chart viewBox={ "0 0 " (WIDTH) " " (height) } role="img" aria-label=(title) {
            title { (title) }
            (legend(WIDTH - 8.0, legend_entries))
            @for (y, bar, placed, end) in &rows {
                text.label x=(LABEL_WIDTH - 8.0) y=(y + 15.0) text-anchor="end" { (bar.label) }
                @for (x, width, name, class, count) in placed {
                    rect class=(class) x=(x) y=(y) width=(width) height=(ROW - 8.0) {
                        title { (bar.label) ": " (count) " " (name) }
                    }
                }
                text.label x=(end + 6.0) y=(y + 15.0) { (total(bar)) }
            }
        }
    }
}
