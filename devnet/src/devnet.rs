//! Running a devnet: `Devnet::spawn` starts the node, its block loop, its RPC server and
//! the API servers (REST, gRPC) in-process and returns a handle — what tests, the demo and
//! `ogpu-devnet start` use.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::Api;
use crate::config::DevnetConfig;
use crate::keys::DevAccount;
use crate::node::{Node, StartError};
use crate::rpc::backend::RpcBackend;

/// A running devnet. Dropping it without `shutdown` stops it too, less gracefully.
pub struct Devnet {
    node: Arc<Node>,
    rpc_addr: SocketAddr,
    api_addr: Option<SocketAddr>,
    grpc_addr: Option<SocketAddr>,
    config: DevnetConfig,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Devnet {
    /// Opens (or creates) the chain, binds the RPC and the API servers configured, and
    /// starts making blocks.
    pub async fn spawn(config: DevnetConfig) -> Result<Self, StartError> {
        let node = Node::open(&config)?;
        let (rpc, rpc_addr) = bind(config.rpc_addr, "--rpc-addr").await?;
        let api = bind_optional(config.api_addr, "--api-addr").await?;
        let grpc = bind_optional(config.grpc_addr, "--grpc-addr").await?;
        *node.rpc_addr.write().unwrap_or_else(|p| p.into_inner()) = rpc_addr.to_string();
        let (stop, stopped) = watch::channel(false);
        let until_stopped = || {
            let mut stopped = stopped.clone();
            async move {
                let _ = stopped.wait_for(|s| *s).await;
            }
        };
        let backend: Arc<dyn RpcBackend> = node.clone();
        let mut tasks = vec![tokio::spawn({
            let (backend, shutdown) = (backend.clone(), until_stopped());
            async move {
                if let Err(err) = crate::rpc::serve(rpc, backend, shutdown).await {
                    tracing::error!(%err, "RPC server stopped");
                }
            }
        })];
        let service = Api::new(backend, &config.prefix);
        let api_addr = api.as_ref().map(|(_, addr)| *addr);
        if let Some((listener, addr)) = api {
            tracing::info!(%addr, "REST API listening");
            let (service, shutdown) = (service.clone(), until_stopped());
            tasks.push(tokio::spawn(async move {
                if let Err(err) = crate::api::serve_rest(listener, service, shutdown).await {
                    tracing::error!(%err, "REST API server stopped");
                }
            }));
        }
        let grpc_addr = grpc.as_ref().map(|(_, addr)| *addr);
        if let Some((listener, addr)) = grpc {
            tracing::info!(%addr, "gRPC listening");
            let shutdown = until_stopped();
            tasks.push(tokio::spawn(async move {
                if let Err(err) = crate::api::serve_grpc(listener, service, shutdown).await {
                    tracing::error!(%err, "gRPC server stopped");
                }
            }));
        }
        tasks.push(tokio::spawn(block_loop(
            node.clone(),
            config.block_time,
            stopped,
        )));
        Ok(Self {
            node,
            rpc_addr,
            api_addr,
            grpc_addr,
            config,
            stop,
            tasks,
        })
    }

    /// `http://127.0.0.1:PORT`: where `tendermint-rpc`/`cosmrs`/CosmJS clients connect.
    pub fn rpc_url(&self) -> String {
        format!("http://{}", self.rpc_addr)
    }

    /// `ws://127.0.0.1:PORT/websocket` for event subscriptions.
    pub fn websocket_url(&self) -> String {
        format!("ws://{}/websocket", self.rpc_addr)
    }

    pub fn rpc_addr(&self) -> SocketAddr {
        self.rpc_addr
    }

    /// `http://127.0.0.1:PORT` of the REST API (cosmpy's `rest+http://…`), when served.
    pub fn api_url(&self) -> Option<String> {
        self.api_addr.map(|addr| format!("http://{addr}"))
    }

    /// `http://127.0.0.1:PORT` of gRPC (cosmpy's `grpc+http://…`), when served.
    pub fn grpc_url(&self) -> Option<String> {
        self.grpc_addr.map(|addr| format!("http://{addr}"))
    }

    pub fn chain_id(&self) -> &str {
        &self.config.chain_id
    }

    pub fn config(&self) -> &DevnetConfig {
        &self.config
    }

    /// The funded accounts, with their keys.
    pub fn accounts(&self) -> &[DevAccount] {
        &self.node.accounts
    }

    pub fn height(&self) -> u64 {
        self.node.latest_height()
    }

    /// Stamps the following blocks `by` later (see `Node::advance_time`).
    pub fn advance_time(&self, by: std::time::Duration) {
        self.node.advance_time(by);
    }

    pub fn node(&self) -> &Arc<Node> {
        &self.node
    }

    /// Stops making blocks, finishes in-flight requests and waits for all of it.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Listens on `addr` (port 0: a free one); returns the listener and the address bound.
async fn bind(
    addr: SocketAddr,
    flag: &'static str,
) -> Result<(TcpListener, SocketAddr), StartError> {
    let error = |source| StartError::Bind {
        addr: addr.to_string(),
        flag,
        source,
    };
    let listener = TcpListener::bind(addr).await.map_err(error)?;
    let bound = listener.local_addr().map_err(error)?;
    Ok((listener, bound))
}

async fn bind_optional(
    addr: Option<SocketAddr>,
    flag: &'static str,
) -> Result<Option<(TcpListener, SocketAddr)>, StartError> {
    match addr {
        Some(addr) => bind(addr, flag).await.map(Some),
        None => Ok(None),
    }
}

/// Makes a block every `block_time` until stopped; a failed write to disk stops the chain
/// rather than let memory and disk disagree.
async fn block_loop(
    node: Arc<Node>,
    block_time: std::time::Duration,
    mut stopped: watch::Receiver<bool>,
) {
    let mut ticker = tokio::time::interval(block_time);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = stopped.wait_for(|s| *s) => return,
        }
        let node = node.clone();
        match tokio::task::spawn_blocking(move || node.produce_block()).await {
            Ok(Ok(block)) => {
                tracing::debug!(height = %block.block.header.height, txs = block.tx_results.len(), "block")
            }
            Ok(Err(err)) => {
                tracing::error!(%err, "cannot persist the block: the chain stops");
                return;
            }
            Err(err) => {
                tracing::error!(%err, "block production panicked: the chain stops");
                return;
            }
        }
    }
}
