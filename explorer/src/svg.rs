//! Pictures drawn on the server as inline SVG: nothing is fetched by the browser (the
//! machines the market runs on may have no outside network), charts work without
//! JavaScript, and a test can read them from the page's DOM. Colours come from the
//! stylesheet's classes, so the charts follow the page's theme.

pub mod columns;
pub mod line;
pub mod stack;
pub mod timeline;

use maud::{html, Markup};

use crate::web::format::compact;

/// Width of every chart's coordinate system (it scales to its container; two charts side
/// by side on a wide page draw at about this many pixels, so text keeps its size).
pub const WIDTH: f64 = 560.0;
/// Room for the value axis's labels.
const LEFT: f64 = 52.0;
/// Room for the category or time labels.
const BOTTOM: f64 = 22.0;
const TOP: f64 = 18.0;
const RIGHT: f64 = 8.0;

/// The plotting area of a chart `height` high.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub height: f64,
    /// The value at the top of the area.
    pub max: f64,
}

impl Frame {
    /// A frame whose top is a round number at or above `max` (at least 1).
    pub fn new(height: f64, max: f64) -> Self {
        Self {
            height,
            max: nice_ceiling(max),
        }
    }

    pub fn left(&self) -> f64 {
        LEFT
    }

    pub fn right(&self) -> f64 {
        WIDTH - RIGHT
    }

    pub fn plot_width(&self) -> f64 {
        self.right() - self.left()
    }

    pub fn bottom(&self) -> f64 {
        self.height - BOTTOM
    }

    /// The y coordinate of `value`.
    pub fn y(&self, value: f64) -> f64 {
        self.bottom() - (value / self.max) * (self.bottom() - TOP)
    }

    /// Gridlines and labels at 0, half and the top, and the base line.
    pub fn axis(&self, unit: &str) -> Markup {
        let ticks = [0.0, self.max / 2.0, self.max];
        html! {
            g.axis {
                @for tick in ticks {
                    line x1=(self.left()) x2=(self.right()) y1=(self.y(tick)) y2=(self.y(tick)) {}
                    text x=(self.left() - 6.0) y=(self.y(tick) + 4.0) text-anchor="end" {
                        (compact(tick))
                    }
                }
                text.unit x=(self.left()) y=(TOP - 6.0) { (unit) }
            }
        }
    }

    /// The opening `svg` element's attributes as a wrapper around `body`.
    pub fn svg(&self, label: &str, body: Markup) -> Markup {
        html! {
            svg.chart viewBox={ "0 0 " (WIDTH) " " (self.height) } role="img" aria-label=(label) {
                title { (label) }
                (body)
            }
        }
    }
}

/// The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value` (1 for anything ≤ 1).
pub fn nice_ceiling(value: f64) -> f64 {
    if !value.is_finite() || value <= 1.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|step| step * magnitude)
        .find(|candidate| *candidate >= value)
        .unwrap_or(10.0 * magnitude)
}

/// A legend: one coloured square and name per series, ending at `right` at the top.
pub fn legend(right: f64, entries: &[(&str, &str)]) -> Markup {
    let mut x = right;
    let mut placed = Vec::new();
    for (name, class) in entries.iter().rev() {
        x -= 18.0 + 7.0 * name.chars().count() as f64;
        placed.push((x, *name, *class));
    }
    html! {
        g.legend {
            @for (x, name, class) in placed.into_iter().rev() {
                rect class=(class) x=(x) y="4" width="10" height="10" {}
                text x=(x + 14.0) y="13" { (name) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
        assert_eq!(nice_ceiling(19.0), 20.0);
        assert_eq!(nice_ceiling(21.0), 25.0);
        assert_eq!(nice_ceiling(99_000.0), 100_000.0);
    }
}
