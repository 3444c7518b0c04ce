//! One task: what it is, where it stands and what it cost, its timeline from publish to
//! payout, its model's state on chain (offers, bids or replicas, the award, the dispute)
//! and every event with its block, transaction and gas.

use std::collections::BTreeMap;

use maud::{html, Markup};
use ogpu_types::events::{self as names, attr};
use ogpu_types::registry::{AwardState, DisputeState, TaskDetails};
use ogpu_types::{Job, TaskResponseRecord};

use crate::chain::Chain;
use crate::error::ExplorerResult;
use crate::read::events::EventRow;
use crate::read::tasks::TaskRow;
use crate::svg::timeline;
use crate::web::format::{self, account, amount, coin, words};
use crate::web::layout::unavailable;
use crate::web::{describe, timeline as arrange};

/// What the contracts say about the task now.
pub struct Live {
    pub details: ExplorerResult<TaskDetails>,
    pub responses: ExplorerResult<Vec<TaskResponseRecord>>,
    pub award: ExplorerResult<Option<AwardState>>,
    pub dispute: ExplorerResult<Option<DisputeState>>,
}

impl Live {
    pub async fn read(chain: &Chain, id: u64) -> Self {
        let (details, responses, award, dispute) = tokio::join!(
            chain.task(id),
            chain.responses(id),
            chain.award(id),
            chain.dispute(id)
        );
        Self {
            details,
            responses,
            award,
            dispute,
        }
    }
}

pub fn render(task: &TaskRow, events: &[EventRow], live: &Live) -> Markup {
    let (lanes, columns) = arrange::arrange(events, task.client.as_deref());
    html! {
        h1 { "Task " (task.id) " " (format::status(task.status())) }
        p.lead {
            (words(task.model())) " · " (task.kind.as_deref().unwrap_or("?")) " job"
            @if let Some(of) = task.round_of { " · the dispute round re-running " (format::task(of)) }
            @if let Some(round) = task.round { " · disputed, re-run as " (format::task(round)) }
            @if let Some(verdict) = &task.dispute { " · dispute " (verdict) }
        }
        div.two {
            section { h2 { "The task" } (facts(task, live)) }
            section { h2 { "What it cost" } (cost(task, events)) }
        }
        section {
            h2 { "Timeline" }
            @if columns.is_empty() {
                p.note { "No event indexed yet." }
            } @else {
                div.scroll { (timeline::chart(&format!("Timeline of task {}", task.id), &lanes, &columns)) }
            }
        }
        section { h2 { "On chain now" } (state(live)) }
        section {
            h2 { "Events" }
            (describe::table(&events.iter().collect::<Vec<_>>(), false))
        }
    }
}

fn facts(task: &TaskRow, live: &Live) -> Markup {
    html! {
        dl {
            dt { "client" }
            dd { @if let Some(client) = &task.client { (account(client, false)) } }
            dt { "reward (escrowed)" } dd { (coin(task.reward, &task.denom)) }
            dt { "collateral per provider" } dd { (amount(task.collateral)) }
            dt { "published at block" } dd { (task.published_height.unwrap_or_default()) }
            @if let Some(height) = task.awarded_height { dt { "awarded at block" } dd { (height) } }
            @if let Some(height) = task.ended_height {
                dt { (task.status()) " at block" } dd { (height) }
            }
            @if let Some(price) = task.price {
                dt { "paid each winner" } dd { (coin(price, &task.denom)) " gross to " (task.winners) }
            }
            @if let Ok(details) = &live.details {
                dt { "job" } dd { (job(&details.spec.job)) }
                dt { "commit deadline" } dd { (format::time(details.task.commit_deadline.seconds() as i64)) }
                dt { "reveal deadline" } dd { (format::time(details.task.reveal_deadline.seconds() as i64)) }
                @if let Some(confirm) = details.task.confirm_deadline {
                    dt { "confirm deadline" } dd { (format::time(confirm.seconds() as i64)) }
                }
                dt { "result" }
                dd { @if details.spec.result_key.is_some() { "sealed to the client's key" } @else { "public" } }
            }
        }
    }
}

fn job(job: &Job) -> Markup {
    html! {
        @match job {
            Job::OpenCl(kernel) => {
                "OpenCL kernel " code { (kernel.entry_point) } ", "
                (kernel.args.len()) " arguments, global size "
                (kernel.global_work_size.iter().map(|g| g.to_string()).collect::<Vec<_>>().join("×"))
            }
            Job::HashSearch(search) => {
                "hash search, " (search.difficulty) " zero bits, prefix " code { (search.prefix.to_hex()) }
            }
        }
    }
}

/// Sums over the task's events: payouts, fees, refunds, slashes, and its transactions' gas.
fn cost(task: &TaskRow, events: &[EventRow]) -> Markup {
    let sum = |name: &str, key: &str| -> u128 {
        events
            .iter()
            .filter(|e| e.name == name)
            .map(|e| e.amount(key))
            .sum()
    };
    let gas: BTreeMap<&str, u64> = events
        .iter()
        .map(|e| (e.tx_hash.as_str(), e.gas_used))
        .collect();
    let denom = &task.denom;
    html! {
        dl {
            dt { "paid to providers (net)" } dd { (coin(sum(names::PAYOUT, attr::AMOUNT), denom)) }
            dt { "protocol fees" } dd { (coin(sum(names::PAYOUT, attr::FEE), denom)) }
            dt { "refunded to the client" } dd { (coin(sum(names::REFUND, attr::AMOUNT), denom)) }
            dt { "collateral slashed" } dd { (amount(sum(names::PROVIDER_SLASHED, attr::AMOUNT))) }
            dt { "gas of its transactions" }
            dd {
                (amount(u128::from(gas.values().sum::<u64>()))) " in " (gas.len()) " transactions"
                br;
                small { "(a transaction that served several tasks counts whole for each)" }
            }
        }
    }
}

fn state(live: &Live) -> Markup {
    html! {
        h3 { "Responses (offers, bids, replicas)" }
        @match &live.responses {
            Ok(responses) if responses.is_empty() => { p.note { "Nobody committed." } }
            Ok(responses) => { (responses_table(responses)) }
            Err(err) => { (unavailable("The responses", err)) }
        }
        h3 { "Award" }
        @match &live.award {
            Ok(Some(award)) => { (award_table(award)) }
            Ok(None) => { p.note { "Not awarded (First Response pays the first valid reveal; the other models award a provider who must deliver)." } }
            Err(err) => { (unavailable("The award", err)) }
        }
        @match &live.dispute {
            Ok(Some(dispute)) => {
                h3 { "Dispute" }
                dl {
                    dt { "status" } dd { (format!("{:?}", dispute.status)) }
                    dt { "window ends" } dd { (format::time(dispute.window_end.seconds() as i64)) }
                    dt { "winner" } dd { (account(dispute.winner.as_str(), true)) }
                    dt { "bond" } dd { (amount(dispute.terms.bond.u128())) }
                    dt { "round" } dd { (dispute.terms.replicas) " replicas, quorum " (dispute.terms.quorum) }
                }
            }
            Ok(None) => {}
            Err(err) => { (unavailable("The dispute", err)) }
        }
    }
}

fn responses_table(responses: &[TaskResponseRecord]) -> Markup {
    html! {
        table {
            thead {
                tr {
                    th { "provider" } th { "status" } th.num { "committed" } th.num { "revealed" }
                    th { "digest" } th.num { "price" } th { "result" }
                }
            }
            tbody {
                @for response in responses {
                    tr {
                        td { (account(response.provider.as_str(), true)) }
                        td { (format!("{:?}", response.status).to_lowercase()) }
                        td.num { (response.committed_height) }
                        td.num { @if let Some(h) = response.revealed_height { (h) } }
                        td.mono {
                            @if let Some(digest) = &response.digest {
                                @let hex = digest.to_hex();
                                (hex.get(..16).unwrap_or(&hex)) "…"
                            }
                        }
                        td.num { @if let Some(price) = response.price { (amount(price.u128())) } }
                        td { @if response.result.is_some() { "posted" } }
                    }
                }
            }
        }
    }
}

fn award_table(award: &AwardState) -> Markup {
    html! {
        p {
            "Delivery pays " (amount(award.price.u128())) ", due by "
            (format::time(award.delivery_deadline.seconds() as i64)) "."
        }
        table {
            thead { tr { th.num { "rank" } th { "provider" } th.num { "price" } th { "" } } }
            tbody {
                @for (rank, offer) in award.ranking.iter().enumerate() {
                    tr class=[(rank == award.executor as usize).then_some("chosen")] {
                        td.num { (rank + 1) }
                        td { (account(offer.provider.as_str(), true)) }
                        td.num { (amount(offer.price.u128())) }
                        td { @if rank == award.executor as usize { "must deliver" } }
                    }
                }
            }
        }
    }
}
