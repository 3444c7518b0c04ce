//! Real clients against `rpc::serve`: tendermint-rpc 0.40's `HttpClient` and
//! `WebSocketClient` (what cosmrs and the provider use) parse every answer and receive the
//! events they subscribe to.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use ogpu_devnet::rpc::{
    self,
    backend::{NodeEvent, QueryOutcome, RpcBackend, StoredBlock, StoredTx},
};
use sha2::{Digest, Sha256};
use tendermint::{block::Height, Genesis, Hash};
use tendermint_rpc::event::{Event, EventData};
use tendermint_rpc::query::{EventType, Query};
use tendermint_rpc::{
    Client, HttpClient, Order, Subscription, SubscriptionClient, WebSocketClient,
};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[path = "../src/rpc/tests/fake_backend.rs"]
mod fake_backend;

use fake_backend::{FakeBackend, CHAIN_ID};

/// A server over a fresh [`FakeBackend`] on a free local port.
struct Node {
    address: SocketAddr,
    backend: Arc<FakeBackend>,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

impl Node {
    async fn start() -> Self {
        let backend = FakeBackend::new();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel();
        let shutdown = async {
            let _ = stopped.await;
        };
        let server = tokio::spawn(rpc::serve(listener, backend.clone(), shutdown));
        Self {
            address,
            backend,
            stop,
            server,
        }
    }

    /// Shuts the server down and checks that it returns (websockets included) in time.
    async fn stop(self) {
        self.stop.send(()).unwrap();
        let served = tokio::time::timeout(Duration::from_secs(5), self.server).await;
        served.expect("the server stops").unwrap().unwrap();
    }
}

fn tx_hash(tx: &[u8]) -> Hash {
    Hash::Sha256(Sha256::digest(tx).into())
}

#[tokio::test]
async fn the_http_client_parses_every_answer() {
    let node = Node::start().await;
    let client = HttpClient::new(format!("http://{}", node.address).as_str()).unwrap();

    client.health().await.unwrap();
    let status = client.status().await.unwrap();
    assert_eq!(status.node_info.network.as_str(), CHAIN_ID);
    assert_eq!(status.sync_info.latest_block_height.value(), 2);
    assert_eq!(status.sync_info.earliest_block_height.value(), 1);
    let info = client.abci_info().await.unwrap();
    assert_eq!(info.last_block_height.value(), 2);

    let answer = client
        .abci_query(Some("/echo".into()), vec![1, 2, 3], None, false)
        .await
        .unwrap();
    assert!(answer.code.is_ok());
    assert_eq!((answer.value, answer.height.value()), (vec![3, 2, 1], 2));
    let unknown = client
        .abci_query(Some("/nope".into()), vec![], None, false)
        .await
        .unwrap();
    assert_eq!(
        (unknown.code.value(), unknown.codespace.as_str()),
        (6, "sdk")
    );

    let sent = client.broadcast_tx_sync(b"erin 11".to_vec()).await.unwrap();
    assert!(sent.code.is_ok());
    assert_eq!(sent.hash, tx_hash(b"erin 11"));
    let tx = client.tx(sent.hash, false).await.unwrap();
    assert_eq!(
        (tx.height.value(), tx.index, tx.tx),
        (3, 0, b"erin 11".to_vec())
    );
    assert_eq!(
        tx.tx_result.events[0].attributes[0].value_str().unwrap(),
        "erin"
    );
    let missing = client.tx(tx_hash(b"never sent"), false).await.unwrap_err();
    assert!(missing.to_string().contains("not found"), "{missing}");

    let rejected = client.broadcast_tx_async(b"reject".to_vec()).await.unwrap();
    assert_eq!(rejected.hash, tx_hash(b"reject"));
    let rejected = client.broadcast_tx_sync(b"reject".to_vec()).await.unwrap();
    assert_eq!(rejected.code.value(), 13);
    let committed = client
        .broadcast_tx_commit(b"fail 12".to_vec())
        .await
        .unwrap();
    assert!(committed.check_tx.code.is_ok());
    assert_eq!(
        (committed.tx_result.code.value(), committed.height.value()),
        (5, 4)
    );

    let erin = Query::eq("message.sender", "erin");
    let found = client
        .tx_search(erin, false, 1, 30, Order::Ascending)
        .await
        .unwrap();
    assert_eq!(found.total_count, 1);
    assert_eq!(found.txs[0].hash, sent.hash);
    let tasks = Query::exists("wasm-ogpu_task_published.task_id");
    let found = client
        .tx_search(tasks, false, 1, 2, Order::Descending)
        .await
        .unwrap();
    assert_eq!(found.total_count, 5);
    let heights: Vec<u64> = found.txs.iter().map(|tx| tx.height.value()).collect();
    assert_eq!(heights, [4, 3]);

    let block = client.block(Height::from(2_u32)).await.unwrap();
    let stored = node.backend.block(2).unwrap();
    assert_eq!(block.block_id, stored.block_id);
    assert_eq!(block.block, stored.block);
    let latest = client.latest_block().await.unwrap();
    assert_eq!(latest.block.header.height.value(), 4);
    assert!(latest.block.last_commit.is_some());
    let results = client.block_results(Height::from(2_u32)).await.unwrap();
    assert_eq!(results.txs_results.unwrap(), stored.tx_results);
    assert_eq!(results.app_hash, stored.block.header.app_hash);

    let chain = client
        .blockchain(Height::from(1_u32), Height::from(4_u32))
        .await
        .unwrap();
    assert_eq!(chain.last_height.value(), 4);
    let heights: Vec<u64> = chain
        .block_metas
        .iter()
        .map(|m| m.header.height.value())
        .collect();
    assert_eq!(heights, [4, 3, 2, 1]);
    assert_eq!(chain.block_metas[2].num_txs, 2);

    let genesis: Genesis = client.genesis().await.unwrap();
    assert_eq!(genesis.chain_id.as_str(), CHAIN_ID);
    assert!(genesis.app_state["bank"].is_object());

    node.stop().await;
}

/// The next event of a subscription, within a few seconds.
async fn next(subscription: &mut Subscription) -> Event {
    let event = tokio::time::timeout(Duration::from_secs(5), subscription.next()).await;
    event.expect("an event in time").unwrap().unwrap()
}

#[tokio::test]
async fn the_websocket_client_receives_the_events_it_subscribed_to() {
    let node = Node::start().await;
    let url = format!("ws://{}/websocket", node.address);
    let (client, driver) = WebSocketClient::new(url.as_str()).await.unwrap();
    let driver = tokio::spawn(driver.run());

    let mut blocks = client.subscribe(EventType::NewBlock.into()).await.unwrap();
    let frank = Query::from(EventType::Tx).and_eq("message.sender", "frank");
    let mut franks = client.subscribe(frank).await.unwrap();
    let tasks = Query::exists("wasm-ogpu_task_published.task_id");
    let mut tasks = client.subscribe(tasks).await.unwrap();

    // Over the websocket too: each accepted transaction is mined into a block of its own.
    client.broadcast_tx_sync(b"gina 1".to_vec()).await.unwrap();
    client.broadcast_tx_sync(b"frank 2".to_vec()).await.unwrap();

    let event = next(&mut franks).await;
    let EventData::Tx { tx_result } = event.data else {
        panic!("a Tx event: {:?}", event.data)
    };
    assert_eq!((tx_result.height, tx_result.tx), (4, b"frank 2".to_vec()));
    let events = event.events.unwrap();
    assert_eq!(events["tx.hash"], [tx_hash(b"frank 2").to_string()]);
    assert_eq!(events["wasm-ogpu_task_published.task_id"], ["2"]);

    for height in [3, 4] {
        let event = next(&mut blocks).await;
        let EventData::NewBlock { block, .. } = event.data else {
            panic!("a NewBlock event: {:?}", event.data)
        };
        assert_eq!(block.unwrap().header.height.value(), height);
    }
    let senders: Vec<String> = [next(&mut tasks).await, next(&mut tasks).await]
        .into_iter()
        .map(|event| event.events.unwrap()["message.sender"][0].clone())
        .collect();
    assert_eq!(senders, ["gina", "frank"]);

    // The server closes the websocket as it shuts down.
    node.stop().await;
    client.close().ok();
    driver.await.unwrap().ok();
}
