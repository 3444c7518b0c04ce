//! The indexer: follows the deployment's events with `ogpu_client`'s [`EventStream`]
//! (a `tx_search` catch-up from where the database left off, then the websocket, again
//! after every reconnect) and stores every transaction that carried one, whole.
//!
//! Three streams cover every suite event: transactions that execute the registry (a
//! task's whole life, and the staking and settlement calls it makes), and the two staking
//! events a provider causes by calling staking directly (registering, unbonding). Each
//! stream resumes from its own cursor; a transaction two streams both deliver, or a
//! stream replays, is stored once.

pub mod tx;
pub mod write;

use std::time::Duration;

use ogpu_client::stream::{events_of, EventStream, Observed};
use ogpu_client::Deployment;
use ogpu_types::events as names;
use tendermint_rpc::query::{EventType, Query};
use tendermint_rpc::HttpClient;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::db::Store;
use crate::error::ExplorerResult;

/// Delay before retrying a transaction the node did not answer for, doubled up to
/// [`MAX_RETRY`] (the stream's own reconnect backoff has the same cap).
const FIRST_RETRY: Duration = Duration::from_millis(250);
const MAX_RETRY: Duration = Duration::from_secs(30);
/// Events waiting between the streams and the writer.
const BUFFER: usize = 1_024;

/// A followed stream: its cursor's name and its query.
pub struct Stream {
    pub name: &'static str,
    pub query: Query,
}

/// The streams that together carry every suite event of `deployment`.
pub fn streams(deployment: &Deployment) -> [Stream; 3] {
    [
        Stream {
            name: "registry",
            query: Query::from(EventType::Tx)
                .and_eq("execute._contract_address", deployment.registry.as_str()),
        },
        Stream {
            name: "registered",
            query: events_of(names::PROVIDER_REGISTERED, &deployment.staking),
        },
        Stream {
            name: "unbonded",
            query: events_of(names::PROVIDER_UNBONDED, &deployment.staking),
        },
    ]
}

/// The suite's contracts: only their events are stored.
pub fn contracts(deployment: &Deployment) -> Vec<String> {
    vec![
        deployment.registry.clone(),
        deployment.staking.clone(),
        deployment.settlement.clone(),
    ]
}

/// Indexes `deployment`'s events from the node at `node` into `store` until the task is
/// aborted.
pub async fn run(node: String, deployment: Deployment, store: Store) -> ExplorerResult<()> {
    let rpc = HttpClient::new(node.as_str())?;
    let contracts = contracts(&deployment);
    let (sender, mut receiver) = mpsc::channel(BUFFER);
    let mut followers = Followers(Vec::new());
    for stream in streams(&deployment) {
        let name = stream.name;
        let from = store
            .call(move |conn| write::cursor(conn, name))
            .await?
            .unwrap_or(1);
        tracing::info!(stream = name, from, "following");
        let mut events = EventStream::follow(&node, stream.query, from);
        let sender = sender.clone();
        followers.0.push(tokio::spawn(async move {
            while let Some(observed) = events.next().await {
                if sender.send((name, observed)).await.is_err() {
                    return;
                }
            }
        }));
    }
    drop(sender);
    while let Some((stream, observed)) = receiver.recv().await {
        index(&rpc, &store, &contracts, stream, &observed).await?;
    }
    Ok(())
}

/// Stops the stream followers with the indexer.
struct Followers(Vec<JoinHandle<()>>);

impl Drop for Followers {
    fn drop(&mut self) {
        for follower in &self.0 {
            follower.abort();
        }
    }
}

/// Stores the transaction behind `observed` unless it is stored, retrying while the node
/// does not answer, then moves `stream`'s cursor to its height.
async fn index(
    rpc: &HttpClient,
    store: &Store,
    contracts: &[String],
    stream: &'static str,
    observed: &Observed,
) -> ExplorerResult<()> {
    let hash = observed.tx_hash.clone();
    if !store.call(move |conn| write::known(conn, &hash)).await? {
        let mut delay = FIRST_RETRY;
        let tx = loop {
            match tx::fetch(rpc, &observed.tx_hash, contracts).await {
                Ok(tx) => break tx,
                Err(err) => {
                    tracing::warn!(%err, tx_hash = %observed.tx_hash, "reading a transaction; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(MAX_RETRY);
                }
            }
        };
        let events = tx.events.len();
        if store.call(move |conn| write::insert(conn, &tx)).await? {
            tracing::debug!(tx_hash = %observed.tx_hash, height = observed.height, events, "indexed");
        }
    }
    let height = observed.height;
    store
        .call(move |conn| write::advance(conn, stream, height))
        .await
}
