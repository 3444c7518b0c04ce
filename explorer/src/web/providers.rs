//! The providers' leaderboard: every registered provider ranked by what it earned, with
//! its stake and reputation (live from staking) beside its record in the index.

use std::collections::BTreeMap;

use maud::{html, Markup};
use ogpu_types::staking::ProviderResponse;
use rusqlite::Connection;

use crate::error::ExplorerResult;
use crate::read::events::{self, Filter};
use crate::read::stats::{self, ProviderStats};
use crate::web::format::{self, account, amount};
use crate::web::layout::unavailable;

/// Every provider's record, and the denom the ranking counts earnings in (the one most was
/// earned in).
pub fn load(conn: &Connection) -> rusqlite::Result<(BTreeMap<String, ProviderStats>, String)> {
    let events = events::select(conn, Filter::Names(&stats::NAMES))?;
    let settled = stats::settled(&events);
    let denom = settled.main_denom();
    let providers = stats::providers(&events)
        .into_iter()
        .filter(|(_, s)| s.registered_height.is_some())
        .collect();
    Ok((providers, denom))
}

pub fn render(
    indexed: &BTreeMap<String, ProviderStats>,
    denom: &str,
    live: &ExplorerResult<Vec<ProviderResponse>>,
) -> Markup {
    let records: BTreeMap<&str, &ProviderResponse> = match live {
        Ok(records) => records.iter().map(|r| (r.address.as_str(), r)).collect(),
        Err(_) => BTreeMap::new(),
    };
    let mut ranked: Vec<(&String, &ProviderStats)> = indexed.iter().collect();
    ranked.sort_by(|(_, a), (_, b)| {
        (b.earned_in(denom), b.won.len()).cmp(&(a.earned_in(denom), a.won.len()))
    });
    let best = ranked
        .first()
        .map(|(_, s)| s.earned_in(denom))
        .unwrap_or(0)
        .max(1);
    html! {
        h1 { "Providers" }
        p.lead { (ranked.len()) " registered, ranked by earnings (net, " (denom) ") then tasks won." }
        @if let Err(err) = live { (unavailable("Stake and reputation", err)) }
        table.leaderboard {
            thead {
                tr {
                    th.num { "#" } th { "provider" } th { "address" } th.num { "stake" }
                    th.num { "locked" } th.num { "reputation" } th.num { "joined" } th.num { "won" }
                    th.num { "win rate" } th.num { "slashed" } th { "earned" }
                }
            }
            tbody {
                @for (rank, (address, stats)) in ranked.iter().enumerate() {
                    @let record = records.get(address.as_str());
                    tr {
                        td.num { (rank + 1) }
                        td { @if let Some(r) = record { (r.metadata.moniker) } }
                        td { (account(address, true)) }
                        td.num { @if let Some(r) = record { (amount(r.bonded.u128())) } }
                        td.num { @if let Some(r) = record { (amount(r.locked.u128())) } }
                        td.num { @if let Some(r) = record { (r.reputation_score) } }
                        td.num { (stats.joined.len()) }
                        td.num { (stats.won.len()) }
                        td.num { (stats.win_rate()) "%" }
                        td.num { (stats.slashes) }
                        td.bar {
                            @let earned = stats.earned_in(denom);
                            span.fill style={ "width:" (earned * 100 / best) "%" } {}
                            span.value { (format::amount(earned)) }
                        }
                    }
                }
            }
        }
    }
}
