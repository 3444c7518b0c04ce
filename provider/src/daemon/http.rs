//! Serving a router (blobs, metrics) on a configured address until the daemon stops.

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::error::{DaemonError, DaemonResult};

/// Binds `addr` (port 0: any free port).
pub async fn bind(addr: SocketAddr) -> DaemonResult<TcpListener> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| DaemonError::Listen { addr, source })
}

/// The address `listener` (bound for `addr`) got.
pub fn local_addr(listener: &TcpListener, addr: SocketAddr) -> DaemonResult<SocketAddr> {
    listener
        .local_addr()
        .map_err(|source| DaemonError::Listen { addr, source })
}

/// Serves `router` until `stop` turns true.
pub fn serve(
    listener: TcpListener,
    router: Router,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let stopped = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        if let Err(err) = axum::serve(listener, router)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!(%err, "HTTP server stopped");
        }
    })
}
