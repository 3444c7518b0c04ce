//! `ogpu-explorer`: the OpenGPU market as web pages. It indexes the suite's events into an
//! embedded SQLite database (catching up from the chain on start, then live over the
//! node's websocket; see [`index`]) and serves the market overview, task, provider,
//! leaderboard and account pages with pictures drawn as inline SVG ([`svg`]), so nothing
//! is fetched from outside the machine.
//!
//! The binary runs one [`Explorer`]; `ogpu-demo --explorer ADDR` runs one beside its
//! market.

#![forbid(unsafe_code)]

pub mod chain;
pub mod db;
pub mod error;
pub mod index;
pub mod read;
pub mod svg;
pub mod web;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use ogpu_client::Deployment;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use error::{ExplorerError, ExplorerResult};

/// What to index and where to serve it.
#[derive(Debug, Clone)]
pub struct ExplorerConfig {
    /// CometBFT RPC of a node of the deployment's chain, e.g. `http://127.0.0.1:26657`.
    pub node: String,
    pub deployment: Deployment,
    /// Where to listen; port 0 picks a free one ([`Explorer::addr`] says which).
    pub listen: SocketAddr,
    /// The SQLite database, created on first use.
    pub db: PathBuf,
}

/// A running explorer: the indexer and the web server.
pub struct Explorer {
    addr: SocketAddr,
    indexer: JoinHandle<()>,
    server: JoinHandle<()>,
    stop: Option<oneshot::Sender<()>>,
}

impl Explorer {
    /// Opens (or creates) the database, checks that it belongs to this deployment, connects
    /// to the node, and starts indexing and serving.
    pub async fn start(config: ExplorerConfig) -> ExplorerResult<Self> {
        let deployment = config.deployment;
        let writer = db::Store::open(&config.db)?;
        writer
            .bind(&deployment.chain_id, &deployment.registry)
            .await?;
        let reader = db::Store::open(&config.db)?;
        let chain = Arc::new(chain::Chain::connect(&config.node, deployment.clone()).await?);
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| ExplorerError::Listen {
                addr: config.listen.to_string(),
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| ExplorerError::Listen {
                addr: config.listen.to_string(),
                source,
            })?;
        let node = config.node.clone();
        let indexer = tokio::spawn(async move {
            if let Err(err) = index::run(node, deployment, writer).await {
                tracing::error!(%err, "the indexer stopped");
            }
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let app = web::router(web::AppState {
            store: reader,
            chain,
        });
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                stopped.await.ok();
            });
            if let Err(err) = serve.await {
                tracing::error!(%err, "the web server stopped");
            }
        });
        tracing::info!(%addr, "explorer serving");
        Ok(Self {
            addr,
            indexer,
            server,
            stop: Some(stop),
        })
    }

    /// Where it serves.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops indexing and serving (requests in flight finish first).
    pub async fn shutdown(mut self) {
        self.indexer.abort();
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        let _ = (&mut self.server).await;
        let _ = (&mut self.indexer).await;
    }
}

impl Drop for Explorer {
    fn drop(&mut self) {
        self.indexer.abort();
        self.server.abort();
    }
}
