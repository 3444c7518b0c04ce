//! One provider: its stake, locks and reputation (live from staking), its devices and
//! their benchmark, its earnings, wins and locked collateral over time, the tasks it took
//! part in and how each ended for it, and its events.

use maud::{html, Markup};
use ogpu_types::registry::Lock;
use ogpu_types::staking::ProviderResponse;
use rusqlite::Connection;

use crate::chain::Chain;
use crate::error::ExplorerResult;
use crate::read::events::{self, EventRow, Filter};
use crate::read::stats::{self, ProviderStats};
use crate::read::tasks::{self, TaskRow};
use crate::svg::line;
use crate::web::describe;
use crate::web::format::{self, amount, coin, words};
use crate::web::layout::unavailable;

/// Events shown in the provider's table (its newest).
const EVENTS: usize = 60;

/// What the index knows about a provider.
pub struct Indexed {
    pub events: Vec<EventRow>,
    pub stats: ProviderStats,
    pub tasks: Vec<TaskRow>,
}

pub fn load(conn: &Connection, address: &str) -> rusqlite::Result<Indexed> {
    let events = events::select(conn, Filter::Address(address))?;
    let stats = stats::providers(&events)
        .remove(address)
        .unwrap_or_default();
    Ok(Indexed {
        events,
        stats,
        tasks: tasks::of_provider(conn, address)?,
    })
}

/// What staking says about it now.
pub struct Live {
    pub record: ExplorerResult<ProviderResponse>,
    pub locks: ExplorerResult<Vec<Lock>>,
}

impl Live {
    pub async fn read(chain: &Chain, address: &str) -> Self {
        let (record, locks) = tokio::join!(chain.provider(address), chain.locks(address));
        Self { record, locks }
    }
}

pub fn render(address: &str, indexed: &Indexed, live: &Live) -> Markup {
    let moniker = live
        .record
        .as_ref()
        .map(|r| r.metadata.moniker.clone())
        .unwrap_or_else(|_| "provider".into());
    let stats = &indexed.stats;
    html! {
        h1 { (moniker) }
        p.lead.mono { (address) }
        (figures(stats, live))
        section {
            h2 { "Over time" }
            (history(address, indexed))
        }
        div.two {
            section {
                h2 { "Devices and benchmark" }
                @match &live.record {
                    Ok(record) => { (devices(record)) }
                    Err(err) => { (unavailable("The provider's record", err)) }
                }
            }
            section {
                h2 { "Collateral locked now" }
                @match &live.locks {
                    Ok(locks) if locks.is_empty() => { p.note { "No collateral locked." } }
                    Ok(locks) => {
                        table {
                            thead { tr { th { "task" } th.num { "amount" } } }
                            tbody {
                                @for lock in locks {
                                    tr { td { (format::task(lock.task_id)) } td.num { (amount(lock.amount.u128())) } }
                                }
                            }
                        }
                    }
                    Err(err) => { (unavailable("The locks", err)) }
                }
            }
        }
        section {
            h2 { "Tasks it took part in" }
            (task_outcomes(indexed))
        }
        section {
            h2 { "Events" }
            @let newest: Vec<&EventRow> = indexed.events.iter().rev().take(EVENTS).collect();
            (describe::table(&newest, true))
        }
    }
}

fn figures(stats: &ProviderStats, live: &Live) -> Markup {
    html! {
        div.figures {
            @if let Ok(record) = &live.record {
                div.figure { b { (amount(record.bonded.u128())) } span { "bonded stake" } }
                div.figure { b { (amount(record.locked.u128())) } span { "locked" } }
                div.figure {
                    b { (amount(record.unbonding.iter().map(|u| u.amount.u128()).sum::<u128>())) }
                    span { "unbonding" }
                }
                div.figure {
                    b { (record.reputation_score) }
                    span {
                        "reputation (" (record.reputation.completed) " completed, "
                        (record.reputation.failed) " failed, " (record.reputation.slashed) " slashed)"
                    }
                }
                div.figure { b { (format!("{:?}", record.status).to_lowercase()) } span { "status" } }
            }
            div.figure { b { (stats.joined.len()) } span { "tasks joined" } }
            div.figure { b { (stats.won.len()) } span { "won (" (stats.win_rate()) "%)" } }
            div.figure { b { (stats.slashes) } span { "slashes (" (amount(stats.slashed)) ")" } }
            @for (denom, earned) in &stats.earned {
                div.figure { b { (coin(*earned, denom)) } span { "earned (net)" } }
            }
        }
    }
}

fn history(address: &str, indexed: &Indexed) -> Markup {
    let denom = indexed
        .stats
        .earned
        .iter()
        .max_by_key(|(_, earned)| **earned)
        .map(|(denom, _)| denom.clone())
        .unwrap_or_default();
    let history = stats::history(&indexed.events, address, &denom);
    let (Some(first), Some(last)) = (indexed.events.first(), indexed.events.last()) else {
        return html! { p.note { "No event indexed for this address yet." } };
    };
    let span = (first.time, last.time.max(first.time + 60));
    let points = |points: &[(i64, u128)]| points.iter().map(|(t, v)| (*t, *v as f64)).collect();
    let series = |name, class, data: &[(i64, u128)]| line::Line {
        name,
        class,
        points: points(data),
    };
    html! {
        div.charts {
            figure {
                figcaption { "Earnings, cumulative (net, " (denom) ")" }
                (line::chart("Earnings over time", &denom, span, &[series("earned", "c-volume", &history.earned)]))
            }
            figure {
                figcaption { "Tasks won, cumulative" }
                (line::chart("Wins over time", "tasks", span, &[series("won", "c-completed", &history.won)]))
            }
            figure {
                figcaption { "Collateral locked" }
                (line::chart("Collateral locked over time", "locked", span, &[series("locked", "c-fees", &history.locked)]))
            }
        }
    }
}

fn devices(record: &ProviderResponse) -> Markup {
    html! {
        table {
            thead {
                tr {
                    th { "type" } th { "device" } th.num { "memory" } th { "OpenCL" }
                    th.num { "benchmark" }
                }
            }
            tbody {
                @for device in &record.metadata.devices {
                    tr {
                        td { (format!("{:?}", device.device_type)) }
                        td { (device.vendor) " " (device.name) }
                        td.num { (device.memory_mb) " MiB" }
                        td { (device.opencl_version) }
                        td.num { (device.gflops) " GFLOP/s" }
                    }
                }
            }
        }
        p.note { "Task kinds: " (record.metadata.task_kinds.join(", ")) "." }
    }
}

/// How a task ended for this provider.
fn outcome<'a>(task: &'a TaskRow, stats: &ProviderStats, slashed: &[u64]) -> &'a str {
    if stats.won.contains(&task.id) {
        "won"
    } else if slashed.contains(&task.id) {
        "slashed"
    } else if task.ending.is_some() {
        "lost"
    } else {
        task.status()
    }
}

fn task_outcomes(indexed: &Indexed) -> Markup {
    let slashed: Vec<u64> = indexed
        .events
        .iter()
        .filter(|e| e.name == ogpu_types::events::PROVIDER_SLASHED)
        .filter_map(|e| e.task_id)
        .collect();
    html! {
        @if indexed.tasks.is_empty() {
            p.note { "It has not committed to any task." }
        } @else {
            table {
                thead { tr { th { "task" } th { "model" } th { "task status" } th { "for this provider" } th.num { "reward" } } }
                tbody {
                    @for task in &indexed.tasks {
                        tr {
                            td { (format::task(task.id)) }
                            td { (words(task.model())) }
                            td { (format::status(task.status())) }
                            td { (format::status(outcome(task, &indexed.stats, &slashed))) }
                            td.num { (coin(task.reward, &task.denom)) }
                        }
                    }
                }
            }
        }
    }
}
