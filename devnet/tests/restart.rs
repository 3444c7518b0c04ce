//! `--home`: a restarted devnet continues at the same height with the same accounts,
//! balances, sequences and transaction history.

use ogpu_devnet::client::{bank_send, spawn_with, TxOptions, DENOM};
use ogpu_devnet::DevnetConfig;
use tendermint_rpc::Client;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_height_and_history_survive_a_restart() {
    let home = tempfile::tempdir().unwrap();
    let config = DevnetConfig {
        home: Some(home.path().to_path_buf()),
        ..DevnetConfig::for_tests()
    };

    let (devnet, client) = spawn_with(config.clone()).await;
    let (alice, bob) = (&devnet.accounts()[0], &devnet.accounts()[1]);
    let tx = client
        .send(
            alice,
            vec![bank_send(&alice.address, &bob.address, 777)],
            TxOptions::default(),
        )
        .await;
    let balances = (
        client.balance(&alice.address, DENOM).await,
        client.balance(&bob.address, DENOM).await,
    );
    let hash = tx.hash;
    devnet.shutdown().await;
    let stopped_at = {
        // Blocks are only written whole: what the node served is what it reopens.
        let reopened = ogpu_devnet::node::Node::open(&config).unwrap();
        use ogpu_devnet::rpc::backend::RpcBackend;
        reopened.latest_height()
    };
    assert!(stopped_at >= tx.height.value());

    let (devnet, client) = spawn_with(config).await;
    let status = client.rpc.status().await.unwrap();
    assert!(status.sync_info.latest_block_height.value() >= stopped_at);
    let (alice, bob) = (&devnet.accounts()[0], &devnet.accounts()[1]);
    assert_eq!(client.balance(&alice.address, DENOM).await, balances.0);
    assert_eq!(client.balance(&bob.address, DENOM).await, balances.1);
    assert_eq!(
        client.wait(hash).await.tx_result.gas_used,
        tx.tx_result.gas_used
    );
    assert_eq!(client.account(&alice.address).await.sequence, 1);
    // The chain goes on: the next tx uses the persisted sequence.
    let next = client
        .send(
            alice,
            vec![bank_send(&alice.address, &bob.address, 1)],
            TxOptions::default(),
        )
        .await;
    assert!(next.tx_result.code.is_ok(), "{}", next.tx_result.log);
    assert!(next.height.value() > stopped_at);
    let block = client.rpc.block(next.height).await.unwrap();
    assert_eq!(block.block.header.last_block_id.map(|id| id.hash), {
        let previous = client
            .rpc
            .block(next.height.value() as u32 - 1)
            .await
            .unwrap();
        Some(previous.block_id.hash)
    });
    devnet.shutdown().await;
}
