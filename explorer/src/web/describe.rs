//! Events in words: who an event is about, one line saying what happened with its amounts,
//! its colour class, and the events table that the overview's live feed, the task page
//! and the provider page all show.

use maud::{html, Markup};
use ogpu_types::events::{self as names, attr};

use crate::read::events::EventRow;
use crate::web::format::{self, account, amount};

/// The party an event is about, and whether it is a provider.
pub fn party(event: &EventRow) -> Option<(&str, bool)> {
    match event.name.as_str() {
        names::PAYOUT => event.get(attr::RECIPIENT).map(|a| (a, true)),
        names::REFUND => event.get(attr::RECIPIENT).map(|a| (a, false)),
        names::TASK_COMPLETED | names::TASK_DISPUTED => event.get(attr::CLIENT).map(|a| (a, false)),
        _ => match event.get(attr::PROVIDER) {
            Some(provider) => Some((provider, true)),
            None => event.get(attr::CLIENT).map(|a| (a, false)),
        },
    }
}

/// The stylesheet class that colours an event's kind.
pub fn kind(name: &str) -> &'static str {
    match name {
        names::TASK_PUBLISHED => "k-publish",
        names::TASK_COMMITTED => "k-commit",
        names::TASK_REVEALED | names::BID_REVEALED => "k-reveal",
        names::TASK_AWARDED => "k-award",
        names::TASK_DELIVERED => "k-deliver",
        names::TASK_COMPLETED | names::PAYOUT => "k-paid",
        names::PROVIDER_SLASHED => "k-slash",
        names::REFUND => "k-refund",
        names::TASK_DISPUTED | names::DISPUTE_RESOLVED => "k-dispute",
        names::COLLATERAL_LOCKED | names::COLLATERAL_RELEASED => "k-lock",
        names::PROVIDER_REGISTERED | names::PROVIDER_UNBONDED => "k-stake",
        _ => "k-end",
    }
}

fn digest(event: &EventRow) -> String {
    let digest = event.get(attr::DIGEST).unwrap_or_default();
    format!("{}…", digest.get(..12).unwrap_or(digest))
}

/// What happened, in a few words with its amounts.
pub fn summary(event: &EventRow) -> String {
    let n = |key: &str| amount(event.amount(key));
    let denom = event.denom.as_deref().unwrap_or_default();
    match event.name.as_str() {
        names::TASK_PUBLISHED => format!(
            "published: {} {}, reward {}",
            format::words(event.get(attr::MODEL).unwrap_or_default()),
            event.get(attr::KIND).unwrap_or_default(),
            event.get(attr::REWARD).unwrap_or_default()
        ),
        names::TASK_COMMITTED => "committed (sealed)".into(),
        names::TASK_REVEALED => format!("revealed digest {} at {}", digest(event), n(attr::PRICE)),
        names::BID_REVEALED => format!("opened a bid of {}", n(attr::PRICE)),
        names::TASK_AWARDED => format!("chosen to deliver, for {}", n(attr::PRICE)),
        names::TASK_DELIVERED => format!("delivered digest {}", digest(event)),
        names::TASK_COMPLETED => format!(
            "completed: {} paid {} each",
            event.all(attr::PROVIDER).count(),
            n(attr::PRICE)
        ),
        names::PAYOUT => format!("paid {} (fee {}) {denom}", n(attr::AMOUNT), n(attr::FEE)),
        names::REFUND => format!("refunded {} {denom}", n(attr::AMOUNT)),
        names::PROVIDER_SLASHED => format!(
            "slashed {} ({} to the client, {} to the treasury)",
            n(attr::AMOUNT),
            n(attr::TO_CLIENT),
            n(attr::TO_TREASURY)
        ),
        names::COLLATERAL_LOCKED => format!("locked {} collateral", n(attr::AMOUNT)),
        names::COLLATERAL_RELEASED => format!("collateral {} released", n(attr::AMOUNT)),
        names::TASK_DISPUTED => format!(
            "disputed with a bond of {}: re-run as task {}",
            event.get(attr::AMOUNT).unwrap_or_default(),
            event.get(attr::ROUND).unwrap_or_default()
        ),
        names::DISPUTE_RESOLVED => {
            format!("dispute {}", event.get(attr::STATUS).unwrap_or_default())
        }
        names::PROVIDER_REGISTERED => format!("registered, staking {}", n(attr::AMOUNT)),
        names::PROVIDER_UNBONDED => format!("unbonding {}", n(attr::AMOUNT)),
        other => other.trim_start_matches("ogpu_task_").replace('_', " "),
    }
}

/// A table of events (newest last unless the caller reversed them); `with_task` adds the
/// task column.
pub fn table(events: &[&EventRow], with_task: bool) -> Markup {
    html! {
        table.events {
            thead {
                tr {
                    th { "block" } th { "time" } th { "event" }
                    @if with_task { th { "task" } }
                    th { "party" } th { "what" } th { "tx" } th.num { "gas" }
                }
            }
            tbody {
                @for event in events {
                    tr {
                        td { (event.height) }
                        td.time { (format::clock(event.time)) }
                        td { span class={ "kind " (kind(&event.name)) } { (event.short_name()) } }
                        @if with_task {
                            td { @if let Some(id) = event.task_id { (format::task(id)) } }
                        }
                        td {
                            @if let Some((address, provider)) = party(event) {
                                (account(address, provider))
                            }
                        }
                        td { (summary(event)) }
                        td.hash title=(event.tx_hash) { (format::short_hash(&event.tx_hash)) }
                        td.num { (amount(u128::from(event.gas_used))) }
                    }
                }
            }
        }
    }
}
