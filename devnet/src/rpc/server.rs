//! The listener: routes, request limits and shutdown.

use std::future::Future;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::backend::RpcBackend;
use super::{http, websocket};

/// Largest request body or websocket message: CometBFT's `max_body_bytes` default (1 MB)
/// doubled, so that a transaction storing a contract of wasmd's largest size (`MaxWasmSize`,
/// 800 KiB) fits once base64-encoded.
pub(crate) const MAX_BODY_BYTES: usize = 2 << 20;

/// What every handler sees.
#[derive(Clone)]
pub(crate) struct AppState {
    pub backend: Arc<dyn RpcBackend>,
    /// Closed when the server shuts down, which ends the websocket connections (HTTP calls
    /// are bounded; a websocket would otherwise hold the graceful shutdown open).
    pub stop: watch::Receiver<()>,
}

/// Serves the CometBFT RPC on `listener` until `shutdown` completes, then finishes the calls
/// in progress, closes the websockets and returns.
pub async fn serve(
    listener: TcpListener,
    backend: Arc<dyn RpcBackend>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_sender, stop) = watch::channel(());
    let app = router(AppState { backend, stop });
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            drop(stop_sender);
        })
        .await
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/", post(http::post))
        .route("/websocket", get(websocket::upgrade))
        .route("/{method}", get(http::get))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
