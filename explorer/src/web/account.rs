//! An account as a client: the tasks it published, where each stands, and what they cost
//! it (paid to providers, fees, refunds); a link to its provider page if it is one too.

use maud::{html, Markup};
use rusqlite::Connection;

use crate::read;
use crate::read::events::{self, Filter};
use crate::read::stats::{self, Settled};
use crate::read::tasks::{self, TaskRow};
use crate::web::format::coin;
use crate::web::overview::task_table;

pub struct Client {
    pub tasks: Vec<TaskRow>,
    pub settled: Settled,
    /// It registered as a provider.
    pub provider: bool,
}

pub fn load(conn: &Connection, address: &str) -> rusqlite::Result<Client> {
    let own = events::select(conn, Filter::Client(address))?;
    let provider = read::is_provider(conn, address)?;
    Ok(Client {
        tasks: tasks::of_client(conn, address)?,
        settled: stats::settled(&own),
        provider,
    })
}

pub fn render(address: &str, client: &Client) -> Markup {
    let escrowed: std::collections::BTreeMap<&str, u128> =
        client.tasks.iter().fold(Default::default(), |mut sums, t| {
            *sums.entry(t.denom.as_str()).or_default() += t.reward;
            sums
        });
    html! {
        h1 { "Account" }
        p.lead.mono { (address) }
        @if client.provider {
            p { "This account is also a provider: " a href={ "/provider/" (address) } { "its provider page" } "." }
        }
        div.figures {
            div.figure { b { (client.tasks.len()) } span { "tasks published" } }
            @for (denom, total) in &escrowed {
                div.figure { b { (coin(*total, denom)) } span { "escrowed" } }
                div.figure { b { (coin(client.settled.volume(denom), denom)) } span { "paid for results (with fees)" } }
                div.figure {
                    b { (coin(client.settled.refunded.get(*denom).copied().unwrap_or(0), denom)) }
                    span { "refunded" }
                }
            }
        }
        section {
            h2 { "Its tasks" }
            (task_table(&client.tasks))
        }
    }
}
