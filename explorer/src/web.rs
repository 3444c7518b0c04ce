//! The web server: the pages (market overview, task, provider, providers' leaderboard,
//! client account), search, the stylesheet and script compiled into the binary, and
//! `/api/status` (how far the index got, events per kind) for scripts and tests.

pub mod account;
pub mod api;
pub mod describe;
pub mod format;
pub mod layout;
pub mod overview;
pub mod provider;
pub mod providers;
pub mod search;
pub mod task;
pub mod timeline;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};

use crate::chain::Chain;
use crate::db::Store;
use crate::error::ExplorerError;
use crate::read::{self, events, tasks};
use layout::Footer;

/// What every handler reads from.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub chain: Arc<Chain>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(overview_page))
        .route("/task/{id}", get(task_page))
        .route("/provider/{address}", get(provider_page))
        .route("/providers", get(providers_page))
        .route("/account/{address}", get(account_page))
        .route("/search", get(search::search))
        .route("/api/status", get(api::status))
        .route("/static/explorer.css", get(stylesheet))
        .route("/static/explorer.js", get(script))
        .with_state(state)
}

/// A page that could not be made: the error, as a page with its status code.
pub struct PageError(ExplorerError);

impl From<ExplorerError> for PageError {
    fn from(err: ExplorerError) -> Self {
        Self(err)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        tracing::warn!(err = %self.0, "page failed");
        let body = html! {
            h1 { "Something went wrong" }
            p.note { (self.0.to_string()) }
        };
        let footer = Footer {
            progress: read::Progress::default(),
            head: None,
            chain_id: String::new(),
        };
        let page = layout::page("Error", &footer, body);
        (StatusCode::INTERNAL_SERVER_ERROR, page).into_response()
    }
}

pub type PageResult = Result<Response, PageError>;

/// The footer's figures: the index's progress and the chain's head.
pub async fn footer(state: &AppState) -> Result<Footer, PageError> {
    let progress = state.store.call(|conn| read::progress(conn)).await?;
    Ok(Footer {
        progress,
        head: state.chain.head().await.ok(),
        chain_id: state.chain.deployment().chain_id.clone(),
    })
}

fn ok(markup: Markup) -> PageResult {
    Ok(markup.into_response())
}

pub fn not_found(title: &str, footer: &Footer, what: Markup) -> PageResult {
    Ok((StatusCode::NOT_FOUND, layout::missing(title, footer, what)).into_response())
}

async fn overview_page(State(state): State<AppState>) -> PageResult {
    let footer = footer(&state).await?;
    let now = footer.progress.indexed_time;
    let overview = state
        .store
        .call(move |conn| overview::load(conn, now))
        .await?;
    let body = overview::render(state.chain.deployment(), &overview);
    ok(layout::page("Market", &footer, body))
}

async fn task_page(State(state): State<AppState>, Path(id): Path<u64>) -> PageResult {
    let footer = footer(&state).await?;
    let (row, events) = state
        .store
        .call(move |conn| {
            Ok((
                tasks::one(conn, id)?,
                events::select(conn, events::Filter::Task(id))?,
            ))
        })
        .await?;
    let Some(row) = row else {
        return not_found(
            &format!("Task {id}"),
            &footer,
            html! { "No task " (id) " in the index (yet): it may not be published, or the indexer is still catching up." },
        );
    };
    let live = task::Live::read(&state.chain, id).await;
    ok(layout::page(
        &format!("Task {id}"),
        &footer,
        task::render(&row, &events, &live),
    ))
}

async fn provider_page(State(state): State<AppState>, Path(address): Path<String>) -> PageResult {
    let footer = footer(&state).await?;
    let key = address.clone();
    let indexed = state
        .store
        .call(move |conn| provider::load(conn, &key))
        .await?;
    let live = provider::Live::read(&state.chain, &address).await;
    if indexed.events.is_empty() && live.record.is_err() {
        return not_found(
            "Provider",
            &footer,
            html! { "No provider " code { (address) } " is registered or indexed." },
        );
    }
    ok(layout::page(
        "Provider",
        &footer,
        provider::render(&address, &indexed, &live),
    ))
}

async fn providers_page(State(state): State<AppState>) -> PageResult {
    let footer = footer(&state).await?;
    let (indexed, denom) = state.store.call(|conn| providers::load(conn)).await?;
    let live = state.chain.providers().await;
    ok(layout::page(
        "Providers",
        &footer,
        providers::render(&indexed, &denom, &live),
    ))
}

async fn account_page(State(state): State<AppState>, Path(address): Path<String>) -> PageResult {
    let footer = footer(&state).await?;
    let key = address.clone();
    let client = state
        .store
        .call(move |conn| account::load(conn, &key))
        .await?;
    ok(layout::page(
        "Account",
        &footer,
        account::render(&address, &client),
    ))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../assets/explorer.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../assets/explorer.js"),
    )
}
