//! The explorer beside the main job (`--explorer ADDR`): it indexes the demo's chain from
//! its first block and serves the pages while the market runs, so a newcomer watches it
//! live. At the end the demo checks that the index tells every task's end as the chain
//! does.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ogpu_explorer::db::Store;
use ogpu_explorer::read::tasks;
use ogpu_explorer::{Explorer, ExplorerConfig};

use crate::error::{DemoError, DemoResult};
use crate::main_job::summary::TaskRow;
use crate::market::Market;

/// How long the index may take to catch up with the chain's last block.
const CATCH_UP: Duration = Duration::from_secs(20);

/// A running explorer and its database.
pub struct Beside {
    pub explorer: Explorer,
    db: PathBuf,
}

/// Starts an explorer of `market` at `listen`, its database in `state`.
pub async fn start(market: &Market, listen: SocketAddr, state: &Path) -> DemoResult<Beside> {
    let db = state.join("explorer.sqlite");
    let explorer = Explorer::start(ExplorerConfig {
        node: market.devnet.rpc_url(),
        deployment: market.deployment.clone(),
        listen,
        db: db.clone(),
    })
    .await
    .map_err(|e| DemoError::Setup(format!("explorer: {e}")))?;
    println!(
        "explorer at {}: open it to watch the market live",
        explorer.url()
    );
    Ok(Beside { explorer, db })
}

impl Beside {
    /// Waits until the index holds every task of `rows` with the status the chain gave
    /// it; `false` if it does not within [`CATCH_UP`].
    pub async fn agrees(&self, rows: &[TaskRow]) -> DemoResult<bool> {
        let store =
            Store::open(&self.db).map_err(|e| DemoError::Setup(format!("explorer: {e}")))?;
        let expected: Vec<(u64, &'static str)> =
            rows.iter().map(|r| (r.id, r.status.name())).collect();
        let start = Instant::now();
        loop {
            let wanted = expected.clone();
            let missing = store
                .call(move |conn| {
                    let mut missing = Vec::new();
                    for (id, status) in wanted {
                        let indexed = tasks::one(conn, id)?;
                        if indexed.as_ref().map(|t| t.status()) != Some(status) {
                            missing.push(id);
                        }
                    }
                    Ok(missing)
                })
                .await
                .map_err(|e| DemoError::Unexpected(format!("explorer: {e}")))?;
            if missing.is_empty() {
                println!(
                    "explorer: every task's end is indexed as on chain ({} tasks)",
                    rows.len()
                );
                return Ok(true);
            }
            if start.elapsed() > CATCH_UP {
                println!(
                    "explorer: FAILED, tasks {missing:?} are not indexed as they ended on chain"
                );
                return Ok(false);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// The chain and the explorer, kept up after the run (`--keep-open`) so the finished
/// market can be browsed; dropped (or shut down) they stop.
pub struct Kept {
    pub devnet: ogpu_devnet::Devnet,
    pub beside: Beside,
    /// The daemons' state and the explorer's database live here.
    pub state: tempfile::TempDir,
}

impl Kept {
    pub async fn shutdown(self) {
        self.beside.explorer.shutdown().await;
        self.devnet.shutdown().await;
    }
}
