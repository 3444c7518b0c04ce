//! The frame every page shares: the header with navigation and search, the live part
//! (`main`, which the page's script refreshes in place) and the footer saying how far the
//! index got.

use maud::{html, Markup, DOCTYPE};

use crate::read::Progress;
use crate::web::format;

/// Where the index stands against the chain, for the footer.
pub struct Footer {
    pub progress: Progress,
    /// The chain's latest height, when the node answered.
    pub head: Option<u64>,
    pub chain_id: String,
}

pub fn page(title: &str, footer: &Footer, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · OpenGPU explorer" }
                link rel="stylesheet" href="/static/explorer.css";
                script src="/static/explorer.js" defer {}
            }
            body {
                header {
                    a.brand href="/" { "OpenGPU " span { "explorer" } }
                    nav {
                        a href="/" { "Market" }
                        a href="/providers" { "Providers" }
                    }
                    form.search action="/search" method="get" {
                        input type="search" name="q" placeholder="task id, address or tx hash"
                            aria-label="search";
                        button type="submit" { "Search" }
                    }
                }
                main #live { (body) }
                footer #status { (status(footer)) }
            }
        }
    }
}

fn status(footer: &Footer) -> Markup {
    let progress = &footer.progress;
    html! {
        span { "chain " (footer.chain_id) }
        span {
            "indexed to block " (progress.indexed_height)
            @match footer.head {
                Some(head) => { " of " (head) }
                None => { " (node unreachable)" }
            }
        }
        @if progress.indexed_time > 0 {
            span { "last event " (format::time(progress.indexed_time)) }
        }
        span { (progress.events) " events in " (progress.txs) " transactions" }
    }
}

/// A page for something that is not there (yet).
pub fn missing(title: &str, footer: &Footer, what: Markup) -> Markup {
    page(
        title,
        footer,
        html! {
            h1 { (title) }
            p.note { (what) }
        },
    )
}

/// A note for a part of a page the node did not answer for.
pub fn unavailable(what: &str, err: impl std::fmt::Display) -> Markup {
    html! { p.note { (what) " is not available from the node right now: " (err.to_string()) } }
}
