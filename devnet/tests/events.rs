//! Event subscriptions over `/websocket` as a real client makes them.

use futures::StreamExt;
use ogpu_devnet::client::{bank_send, spawn, TxOptions};
use tendermint_rpc::event::EventData;
use tendermint_rpc::query::{EventType, Query};
use tendermint_rpc::{Client, SubscriptionClient, WebSocketClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tx_subscription_receives_the_matching_tx_and_new_blocks_arrive() {
    let (devnet, client) = spawn().await;
    let (alice, bob) = (&devnet.accounts()[0], &devnet.accounts()[1]);
    let (ws, driver) = WebSocketClient::new(devnet.websocket_url().as_str())
        .await
        .unwrap();
    let driver = tokio::spawn(driver.run());
    let mut blocks = ws.subscribe(EventType::NewBlock.into()).await.unwrap();
    let query = Query::from(EventType::Tx).and_eq("message.sender", bob.address.as_str());
    let mut txs = ws.subscribe(query).await.unwrap();

    // Only bob's tx matches the subscription.
    client
        .send(
            alice,
            vec![bank_send(&alice.address, &bob.address, 1)],
            TxOptions::default(),
        )
        .await;
    let sent = client
        .send(
            bob,
            vec![bank_send(&bob.address, &alice.address, 2)],
            TxOptions::default(),
        )
        .await;
    let event = tokio::time::timeout(std::time::Duration::from_secs(10), txs.next())
        .await
        .expect("tx event within 10 s")
        .unwrap()
        .unwrap();
    match event.data {
        EventData::Tx { tx_result } => {
            assert_eq!(tx_result.height, sent.height.value() as i64);
            assert_eq!(
                tx_result.result.gas_used,
                Some(sent.tx_result.gas_used.to_string())
            );
        }
        other => panic!("expected a Tx event, got {other:?}"),
    }
    // tx_search finds it by sender as CometBFT's indexer would.
    let query = Query::from(EventType::Tx).and_eq("message.sender", bob.address.as_str());
    let found = client
        .rpc
        .tx_search(query, false, 1, 30, tendermint_rpc::Order::Ascending)
        .await
        .unwrap();
    assert_eq!(found.total_count, 1);
    assert_eq!(found.txs[0].hash, sent.hash);

    let block = blocks.next().await.unwrap().unwrap();
    assert!(matches!(
        block.data,
        EventData::NewBlock { .. } | EventData::LegacyNewBlock { .. }
    ));

    ws.close().unwrap();
    let _ = driver.await;
    devnet.shutdown().await;
}
