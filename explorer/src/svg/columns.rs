//! Column charts: one group of columns per category (a minute, say), one column per
//! series, each with a tooltip of its exact value.

use maud::{html, Markup};

use crate::svg::{legend, Frame};
use crate::web::format::compact;

/// One series of values, one per category.
pub struct Series<'a> {
    pub name: &'a str,
    /// Stylesheet class that colours it.
    pub class: &'a str,
    pub values: Vec<f64>,
}

/// Labels shown under the categories at most (the others only in tooltips).
const MAX_LABELS: usize = 8;
const HEIGHT: f64 = 180.0;

/// A chart of `series` over `categories`, its values in `unit`.
pub fn chart(title: &str, unit: &str, categories: &[String], series: &[Series]) -> Markup {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0, f64::max);
    let frame = Frame::new(HEIGHT, max);
    let slot = frame.plot_width() / categories.len().max(1) as f64;
    let width = slot * 0.8 / series.len().max(1) as f64;
    let every = categories.len().div_ceil(MAX_LABELS).max(1);
    let entries: Vec<(&str, &str)> = series.iter().map(|s| (s.name, s.class)).collect();
    frame.svg(
        title,
        html! {
            (frame.axis(unit))
            @if series.len() > 1 { (legend(frame.right(), &entries)) }
            @for (i, category) in categories.iter().enumerate() {
                @let x0 = frame.left() + slot * i as f64 + slot * 0.1;
                @for (s, one) in series.iter().enumerate() {
                    @let value = one.values.get(i).copied().unwrap_or(0.0);
                    @let y = frame.y(value);
                    rect class=(one.class) x=(x0 + width * s as f64) y=(y)
                        width=(width.max(1.0)) height=(frame.bottom() - y) {
                        title { (category) ": " (compact(value)) " " (one.name) }
                    }
                }
                @if i % every == 0 {
                    text.label x=(x0 + slot * 0.4) y=(frame.bottom() + 15.0) text-anchor="middle" {
                        (category)
                    }
                }
            }
        },
    )
}
