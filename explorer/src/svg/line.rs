//! Step lines over chain time: a value that changes at events and holds in between
//! (cumulative earnings, tasks won, collateral locked), each change marked with a dot.

use maud::{html, Markup};

use crate::svg::{legend, Frame};
use crate::web::format::{clock, compact};

/// One line: its changes as (unix seconds, value after the change), oldest first; it
/// starts at 0.
pub struct Line<'a> {
    pub name: &'a str,
    pub class: &'a str,
    pub points: Vec<(i64, f64)>,
}

const HEIGHT: f64 = 170.0;

/// A chart of `lines` from `from` to `to` (unix seconds), values in `unit`.
pub fn chart(title: &str, unit: &str, (from, to): (i64, i64), lines: &[Line]) -> Markup {
    let max = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|(_, v)| *v))
        .fold(0.0, f64::max);
    let frame = Frame::new(HEIGHT, max);
    let span = (to - from).max(1) as f64;
    let x = |t: i64| frame.left() + frame.plot_width() * ((t - from) as f64 / span).clamp(0.0, 1.0);
    let entries: Vec<(&str, &str)> = lines.iter().map(|l| (l.name, l.class)).collect();
    frame.svg(
        title,
        html! {
            (frame.axis(unit))
            @if lines.len() > 1 { (legend(frame.right(), &entries)) }
            @for line in lines {
                polyline class={ "line " (line.class) } points=(steps(line, from, to, &x, &frame)) {}
                @for (t, value) in &line.points {
                    circle class=(line.class) cx=(x(*t)) cy=(frame.y(*value)) r="3" {
                        title { (clock(*t)) ": " (compact(*value)) " " (line.name) }
                    }
                }
            }
            text.label x=(frame.left()) y=(frame.bottom() + 15.0) { (clock(from)) }
            text.label x=(frame.right()) y=(frame.bottom() + 15.0) text-anchor="end" { (clock(to)) }
        },
    )
}

/// The polyline's points: from 0 at `from`, a horizontal then a vertical segment per
/// change, held to `to`.
fn steps(line: &Line, from: i64, to: i64, x: &impl Fn(i64) -> f64, frame: &Frame) -> String {
    let mut points = vec![(x(from), frame.y(0.0))];
    let mut last = 0.0;
    for (t, value) in &line.points {
        points.push((x(*t), frame.y(last)));
        points.push((x(*t), frame.y(*value)));
        last = *value;
    }
    points.push((x(to), frame.y(last)));
    points
        .iter()
        .map(|(px, py)| format!("{px:.1},{py:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}
