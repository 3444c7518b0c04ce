//! The market at a glance: the deployment's contracts, the key figures, tasks by model and
//! status, activity per minute (tasks, settled volume, fees), the live feed of events and
//! the newest tasks.

use maud::{html, Markup};
use ogpu_client::Deployment;
use ogpu_types::events as names;
use rusqlite::Connection;
use std::collections::BTreeMap;

use crate::read::events::{self, EventRow, Filter};
use crate::read::stats::{self, Minute, Settled};
use crate::read::tasks::{self, TaskRow, STATUSES};
use crate::svg::{columns, stack};
use crate::web::describe;
use crate::web::format::{self, account, coin, words};

/// Minutes of chain time the activity charts cover.
const MINUTES: usize = 30;
/// Events in the live feed.
const FEED: u32 = 25;
/// Tasks in the newest-tasks table.
const NEWEST: u32 = 15;

pub struct Overview {
    pub counts: BTreeMap<(String, String), u64>,
    pub settled: Settled,
    /// The denom the charts count volume in: the one most was paid in.
    pub denom: String,
    pub minutes: Vec<Minute>,
    pub providers: usize,
    pub feed: Vec<EventRow>,
    pub newest: Vec<TaskRow>,
}

pub fn load(conn: &Connection, now: i64) -> rusqlite::Result<Overview> {
    let market = events::select(
        conn,
        Filter::Names(&[
            names::PROVIDER_REGISTERED,
            names::TASK_PUBLISHED,
            names::TASK_COMPLETED,
            names::PAYOUT,
            names::REFUND,
        ]),
    )?;
    let settled = stats::settled(&market);
    let denom = settled.main_denom();
    let providers = market
        .iter()
        .filter(|e| e.name == names::PROVIDER_REGISTERED)
        .count();
    let mut feed = events::select(conn, Filter::Latest(FEED))?;
    feed.reverse();
    Ok(Overview {
        counts: tasks::counts(conn)?,
        minutes: stats::per_minute(&market, &denom, MINUTES, now),
        settled,
        denom,
        providers,
        feed,
        newest: tasks::newest(conn, NEWEST)?,
    })
}

pub fn render(deployment: &Deployment, overview: &Overview) -> Markup {
    html! {
        h1 { "The market" }
        (figures(overview))
        section {
            h2 { "Tasks by model and status" }
            (by_status(overview))
        }
        section {
            h2 { "Activity per minute of chain time" }
            (activity(overview))
        }
        section #feed {
            h2 { "Live feed" }
            @if overview.feed.is_empty() {
                p.note { "No events yet: the indexer is catching up, or nothing happened on this deployment." }
            } @else {
                (describe::table(&overview.feed.iter().collect::<Vec<_>>(), true))
            }
        }
        section {
            h2 { "Newest tasks" }
            (task_table(&overview.newest))
        }
        section {
            h2 { "Contracts" }
            (contracts(deployment))
        }
    }
}

fn figures(overview: &Overview) -> Markup {
    let count = |status: &str| -> u64 {
        overview
            .counts
            .iter()
            .filter(|((_, s), _)| s == status)
            .map(|(_, n)| n)
            .sum()
    };
    let tasks: u64 = overview.counts.values().sum();
    let denom = &overview.denom;
    let in_denom = |map: &BTreeMap<String, u128>| map.get(denom).copied().unwrap_or(0);
    html! {
        div.figures {
            div.figure { b { (tasks) } span { "tasks" } }
            div.figure { b { (count("completed")) } span { "completed" } }
            div.figure { b { (count("open") + count("awarded")) } span { "in progress" } }
            div.figure { b { (overview.providers) } span { "providers" } }
            div.figure { b { (coin(overview.settled.volume(denom), denom)) } span { "settled volume" } }
            div.figure { b { (coin(in_denom(&overview.settled.fees), denom)) } span { "protocol fees" } }
            div.figure { b { (coin(in_denom(&overview.settled.refunded), denom)) } span { "refunded" } }
        }
    }
}

fn by_status(overview: &Overview) -> Markup {
    let models: Vec<&String> = {
        let mut models: Vec<&String> = overview.counts.keys().map(|(m, _)| m).collect();
        models.dedup();
        models
    };
    let count = |model: &str, status: &str| {
        overview
            .counts
            .get(&(model.to_string(), status.to_string()))
            .copied()
            .unwrap_or(0)
    };
    let bars: Vec<stack::Bar> = models
        .iter()
        .map(|model| stack::Bar {
            label: words(model),
            segments: STATUSES
                .iter()
                .map(|status| (*status, format!("s-{status}"), count(model, status)))
                .filter(|(_, _, n)| *n > 0)
                .collect(),
        })
        .collect();
    let classes: Vec<String> = STATUSES.iter().map(|s| format!("s-{s}")).collect();
    let legend: Vec<(&str, &str)> = STATUSES
        .iter()
        .zip(&classes)
        .map(|(s, c)| (*s, c.as_str()))
        .collect();
    html! {
        @if models.is_empty() {
            p.note { "No task published yet." }
        } @else {
            (stack::chart("Tasks by model and status", &bars, &legend))
            table.counts {
                thead { tr { th { "model" } @for status in STATUSES { th.num { (status) } } } }
                tbody {
                    @for model in &models {
                        tr {
                            td { (words(model)) }
                            @for status in STATUSES { td.num { (count(model, status)) } }
                        }
                    }
                }
            }
        }
    }
}

fn activity(overview: &Overview) -> Markup {
    let labels: Vec<String> = overview
        .minutes
        .iter()
        .map(|m| format::clock(m.start))
        .collect();
    let values = |f: fn(&Minute) -> f64| overview.minutes.iter().map(f).collect::<Vec<f64>>();
    let tasks = [
        columns::Series {
            name: "published",
            class: "c-published",
            values: values(|m| m.published as f64),
        },
        columns::Series {
            name: "completed",
            class: "c-completed",
            values: values(|m| m.completed as f64),
        },
    ];
    let volume = [columns::Series {
        name: "settled",
        class: "c-volume",
        values: values(|m| m.volume as f64),
    }];
    let fees = [columns::Series {
        name: "fees",
        class: "c-fees",
        values: values(|m| m.fees as f64),
    }];
    let denom = &overview.denom;
    html! {
        div.charts {
            figure {
                figcaption { "Tasks published and completed per minute" }
                (columns::chart("Tasks per minute", "tasks", &labels, &tasks))
            }
            figure {
                figcaption { "Settled volume per minute (payouts and fees, " (denom) ")" }
                (columns::chart("Settled volume per minute", denom, &labels, &volume))
            }
            figure {
                figcaption { "Protocol fees per minute (" (denom) ")" }
                (columns::chart("Protocol fees per minute", denom, &labels, &fees))
            }
        }
    }
}

/// Tasks as rows: id, model, kind, status, client, reward, price paid.
pub fn task_table(tasks: &[TaskRow]) -> Markup {
    html! {
        @if tasks.is_empty() {
            p.note { "No task yet." }
        } @else {
            table.tasks {
                thead {
                    tr {
                        th { "task" } th { "model" } th { "kind" } th { "status" } th { "client" }
                        th.num { "reward" } th.num { "paid each" } th.num { "block" }
                    }
                }
                tbody {
                    @for task in tasks {
                        tr {
                            td { (format::task(task.id)) }
                            td { (words(task.model())) @if task.round_of.is_some() { " (dispute round)" } }
                            td { (task.kind.as_deref().unwrap_or_default()) }
                            td { (format::status(task.status())) }
                            td { @if let Some(client) = &task.client { (account(client, false)) } }
                            td.num { (coin(task.reward, &task.denom)) }
                            td.num { @if let Some(price) = task.price { (format::amount(price)) } }
                            td.num { (task.published_height.unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    }
}

fn contracts(deployment: &Deployment) -> Markup {
    let rows = [
        (
            "task registry",
            &deployment.registry,
            &deployment.codes.registry,
        ),
        (
            "provider staking",
            &deployment.staking,
            &deployment.codes.staking,
        ),
        (
            "settlement",
            &deployment.settlement,
            &deployment.codes.settlement,
        ),
    ];
    html! {
        table.contracts {
            thead { tr { th { "contract" } th { "address" } th.num { "code" } th { "checksum" } } }
            tbody {
                @for (name, address, code) in rows {
                    tr {
                        td { (name) }
                        td.mono { (address) }
                        td.num { (code.code_id) }
                        td.mono title=(code.checksum) { (code.checksum.get(..16).unwrap_or(&code.checksum)) "…" }
                    }
                }
            }
        }
        p.note { "Chain " (deployment.chain_id) "." }
    }
}
