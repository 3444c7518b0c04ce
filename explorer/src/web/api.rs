//! `/api/status`: how far the index got, for scripts and monitoring.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;

use crate::read;
use crate::web::{AppState, PageError};

/// How far the index got and how many events of each kind it holds.
#[derive(serde::Serialize)]
pub struct Status {
    pub chain_id: String,
    /// The chain's latest height, when the node answered.
    pub head: Option<u64>,
    #[serde(flatten)]
    pub progress: read::Progress,
    pub events_by_name: BTreeMap<String, u64>,
}

pub async fn status(State(state): State<AppState>) -> Result<Json<Status>, PageError> {
    let (progress, by_name) = state
        .store
        .call(|conn| Ok((read::progress(conn)?, read::events_by_name(conn)?)))
        .await?;
    Ok(Json(Status {
        chain_id: state.chain.deployment().chain_id.clone(),
        head: state.chain.head().await.ok(),
        progress,
        events_by_name: by_name.into_iter().collect(),
    }))
}
