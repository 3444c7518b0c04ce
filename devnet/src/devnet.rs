//! Running a devnet: `Devnet::spawn` starts the node, its block loop and its RPC server
//! in-process and returns a handle — what tests, the demo and `ogpu-devnet start` use.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::DevnetConfig;
use crate::keys::DevAccount;
use crate::node::{Node, StartError};
use crate::rpc::backend::RpcBackend;

/// A running devnet. Dropping it without `shutdown` stops it too, less gracefully.
pub struct Devnet {
    node: Arc<Node>,
    rpc_addr: SocketAddr,
    config: DevnetConfig,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Devnet {
    /// Opens (or creates) the chain, binds the RPC and starts making blocks.
    pub async fn spawn(config: DevnetConfig) -> Result<Self, StartError> {
        let node = Node::open(&config)?;
        let listener =
            TcpListener::bind(config.rpc_addr)
                .await
                .map_err(|source| StartError::Bind {
                    addr: config.rpc_addr.to_string(),
                    source,
                })?;
        let rpc_addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.rpc_addr.to_string(),
            source,
        })?;
        *node.rpc_addr.write().unwrap_or_else(|p| p.into_inner()) = rpc_addr.to_string();
        let (stop, stopped) = watch::channel(false);
        let backend: Arc<dyn RpcBackend> = node.clone();
        let server = tokio::spawn({
            let mut stopped = stopped.clone();
            async move {
                let shutdown = async move {
                    let _ = stopped.wait_for(|s| *s).await;
                };
                if let Err(err) = crate::rpc::serve(listener, backend, shutdown).await {
                    tracing::error!(%err, "RPC server stopped");
                }
            }
        });
        let blocks = tokio::spawn(block_loop(node.clone(), config.block_time, stopped));
        Ok(Self {
            node,
            rpc_addr,
            config,
            stop,
            tasks: vec![server, blocks],
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

    /// Stops making blocks, finishes in-flight RPC requests and waits for both.
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
