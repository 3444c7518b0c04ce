//! Following the suite's events as they happen: a websocket subscription, with a
//! `tx_search` catch-up of everything since the last height seen, at start and after every
//! reconnect — so a dropped connection or a restarted node loses nothing.

use std::time::Duration;

use futures::StreamExt;
use tendermint_rpc::event::EventData;
use tendermint_rpc::query::{EventType, Query};
use tendermint_rpc::{Client as _, HttpClient, Order, SubscriptionClient, WebSocketClient};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::events::OgpuEvent;
use crate::outcome::ChainEvent;

/// One suite event with the transaction that emitted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub height: u64,
    pub tx_hash: String,
    pub event: OgpuEvent,
}

/// Txs per `tx_search` page during catch-up (CometBFT's maximum).
const PAGE: u8 = 100;
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Events buffered for a slow reader before the follower waits for it.
const BUFFER: usize = 1_024;

/// Transactions that emitted suite event `name` from `contract`, e.g.
/// (`ogpu_task_published`, the registry) for new tasks.
pub fn events_of(name: &str, contract: &str) -> Query {
    Query::from(EventType::Tx).and_eq(format!("wasm-{name}._contract_address"), contract)
}

/// A running follower; dropping it stops the background task.
pub struct EventStream {
    events: mpsc::Receiver<Observed>,
    task: JoinHandle<()>,
}

impl EventStream {
    /// Follows `query`'s transactions from `from_height` (inclusive) on the node at
    /// `node` (`http://host:port`).
    pub fn follow(node: &str, query: Query, from_height: u64) -> Self {
        let (sender, events) = mpsc::channel(BUFFER);
        let node = node.trim_end_matches('/').to_string();
        let task = tokio::spawn(run(node, query, from_height, sender));
        Self { events, task }
    }

    /// The next event; `None` once the stream stopped.
    pub async fn next(&mut self) -> Option<Observed> {
        self.events.recv().await
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn run(node: String, query: Query, mut next_height: u64, sender: mpsc::Sender<Observed>) {
    let mut backoff = Duration::from_millis(250);
    loop {
        match follow_once(&node, &query, &mut next_height, &sender).await {
            Ok(()) => return, // the reader went away
            Err(err) => {
                // The detail only: the error's trace would print a backtrace at every
                // reconnection while a node is down.
                let err = err.detail().to_string();
                if backoff < MAX_BACKOFF {
                    tracing::debug!(%err, next_height, "event stream interrupted; reconnecting");
                } else {
                    tracing::warn!(%err, next_height, "event stream still interrupted; reconnecting");
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Subscribes, catches up from `next_height`, then forwards live events until the
/// connection fails (`Err`) or the reader is gone (`Ok`).
async fn follow_once(
    node: &str,
    query: &Query,
    next_height: &mut u64,
    sender: &mpsc::Sender<Observed>,
) -> Result<(), tendermint_rpc::Error> {
    let ws_url = format!("{}/websocket", node.replacen("http", "ws", 1));
    let (ws, driver) = WebSocketClient::new(ws_url.as_str()).await?;
    let driver = tokio::spawn(driver.run());
    // Subscribe before catching up, so nothing falls between the two.
    let mut live = ws.subscribe(query.clone()).await?;
    let http = HttpClient::new(node)?;
    let caught_up_to = catch_up(&http, query, *next_height, sender).await?;
    *next_height = (*next_height).max(caught_up_to + 1);
    while let Some(event) = live.next().await {
        let EventData::Tx { tx_result } = event?.data else {
            continue;
        };
        let height = tx_result.height as u64;
        if height < *next_height {
            continue; // already delivered by the catch-up
        }
        let hash = tx_hash(&tx_result.tx);
        for event in &tx_result.result.events {
            if !forward(sender, height, &hash, event).await {
                driver.abort();
                return Ok(());
            }
        }
        *next_height = height;
    }
    driver.abort();
    Err(tendermint_rpc::Error::client_internal(
        "the subscription ended".into(),
    ))
}

/// Delivers every matching tx from `from` to the chain's latest height; returns that height.
async fn catch_up(
    http: &HttpClient,
    query: &Query,
    from: u64,
    sender: &mpsc::Sender<Observed>,
) -> Result<u64, tendermint_rpc::Error> {
    let latest = http.status().await?.sync_info.latest_block_height.value();
    if from > latest {
        return Ok(latest);
    }
    let bounded = query
        .clone()
        .and_gte("tx.height", from)
        .and_lte("tx.height", latest);
    let mut page = 1;
    loop {
        let found = http
            .tx_search(bounded.clone(), false, page, PAGE, Order::Ascending)
            .await?;
        for tx in &found.txs {
            for event in &tx.tx_result.events {
                if !forward(sender, tx.height.value(), &tx.hash.to_string(), event).await {
                    return Ok(latest);
                }
            }
        }
        if u32::from(PAGE) * page >= found.total_count || found.txs.is_empty() {
            return Ok(latest);
        }
        page += 1;
    }
}

/// Sends the event if it is a suite event; `false` when the reader is gone.
async fn forward(
    sender: &mpsc::Sender<Observed>,
    height: u64,
    hash: &str,
    event: &tendermint::abci::Event,
) -> bool {
    let chain_event = ChainEvent::from(event);
    let Some(event) = OgpuEvent::from_chain(&chain_event) else {
        return true;
    };
    sender
        .send(Observed {
            height,
            tx_hash: hash.to_string(),
            event,
        })
        .await
        .is_ok()
}

fn tx_hash(tx: &[u8]) -> String {
    use sha2::Digest;
    hex::encode_upper(sha2::Sha256::digest(tx))
}
