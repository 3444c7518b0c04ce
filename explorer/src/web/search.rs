//! Search: a task id goes to the task, a transaction hash to the task it served, a
//! provider's address to its provider page and any other address to its account page.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use serde::Deserialize;

use crate::read;
use crate::web::{footer, not_found, AppState, PageResult};

/// The query string: `q`, what was typed.
#[derive(Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
}

pub async fn search(State(state): State<AppState>, Query(search): Query<Search>) -> PageResult {
    let q = search.q.trim().to_string();
    if let Ok(id) = q.trim_start_matches('#').parse::<u64>() {
        return Ok(Redirect::to(&format!("/task/{id}")).into_response());
    }
    if q.len() == 64 && q.chars().all(|c| c.is_ascii_hexdigit()) {
        let hash = q.clone();
        if let Some(id) = state
            .store
            .call(move |conn| read::task_of_tx(conn, &hash))
            .await?
        {
            return Ok(Redirect::to(&format!("/task/{id}")).into_response());
        }
    }
    let prefix = state
        .chain
        .deployment()
        .registry
        .split('1')
        .next()
        .unwrap_or_default()
        .to_string();
    if !q.is_empty() && q.starts_with(&format!("{prefix}1")) {
        let key = q.clone();
        let registered = state
            .store
            .call(move |conn| read::is_provider(conn, &key))
            .await?;
        let page = if registered { "provider" } else { "account" };
        return Ok(Redirect::to(&format!("/{page}/{q}")).into_response());
    }
    let footer = footer(&state).await?;
    not_found(
        "Search",
        &footer,
        html! { "Nothing found for " code { (q) } ": search a task id, a transaction hash or an address." },
    )
}
