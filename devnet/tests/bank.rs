//! Bank sends and every CheckTx/DeliverTx rejection, driven through `cosmrs` +
//! `tendermint-rpc` against a spawned devnet.

use ogpu_devnet::client::{attributes, bank_send, spawn, TxOptions, DENOM};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bank_send_moves_funds_charges_the_fee_and_reports_gas() {
    let (devnet, client) = spawn().await;
    let (alice, bob) = (&devnet.accounts()[0], &devnet.accounts()[1]);
    let before = (
        client.balance(&alice.address, DENOM).await,
        client.balance(&bob.address, DENOM).await,
    );
    let options = TxOptions {
        gas: 200_000,
        ..TxOptions::default()
    };
    let tx = client
        .send(
            alice,
            vec![bank_send(&alice.address, &bob.address, 1_234)],
            options,
        )
        .await;
    assert!(tx.tx_result.code.is_ok(), "{}", tx.tx_result.log);
    let fee = 200_000 * 25 / 1000;
    assert_eq!(
        client.balance(&alice.address, DENOM).await,
        before.0 - 1_234 - fee
    );
    assert_eq!(client.balance(&bob.address, DENOM).await, before.1 + 1_234);
    // The fee moves first (ante handler), then the message's transfer.
    assert_eq!(
        attributes(&tx, "transfer", "amount"),
        ["5000ustake", "1234ustake"]
    );
    assert_eq!(
        attributes(&tx, "message", "action"),
        ["/cosmos.bank.v1beta1.MsgSend"]
    );
    assert_eq!(attributes(&tx, "tx", "fee"), ["5000ustake"]);
    assert_eq!(attributes(&tx, "transfer", "msg_index"), ["0"]);
    let used = tx.tx_result.gas_used;
    // Size (10/byte), one signature (1000) and the SDK's KV costs: tens of thousands.
    assert!((20_000..200_000).contains(&used), "gas used {used}");
    assert_eq!(tx.tx_result.gas_wanted, 200_000);
    // The devnet tells where the gas went, and every unit is accounted for.
    let breakdown = devnet.node().gas_breakdown(&tx.hash).expect("a breakdown");
    assert_eq!(breakdown.values().sum::<u64>(), used as u64);
    assert_eq!(breakdown["ante verify: secp256k1"], 1_000);
    assert!(breakdown["txSize"] > 0 && breakdown["WriteFlat"] > 0);
    assert_eq!(client.account(&alice.address).await.sequence, 1);
    devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_txs_from_one_key_in_one_block_both_land() {
    let (devnet, client) = spawn().await;
    let (alice, bob) = (&devnet.accounts()[0], &devnet.accounts()[1]);
    let first = client
        .sign(
            alice,
            vec![bank_send(&alice.address, &bob.address, 1)],
            TxOptions::default(),
        )
        .await;
    let options = TxOptions {
        sequence: Some(1),
        ..TxOptions::default()
    };
    let second = client
        .sign(
            alice,
            vec![bank_send(&alice.address, &bob.address, 2)],
            options,
        )
        .await;
    let (h1, h2) = (
        client.broadcast(first).await.unwrap(),
        client.broadcast(second).await.unwrap(),
    );
    assert!(client.wait(h1).await.tx_result.code.is_ok());
    assert!(client.wait(h2).await.tx_result.code.is_ok());
    assert_eq!(client.account(&alice.address).await.sequence, 2);
    devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checktx_rejects_bad_transactions_with_sdk_codes_and_changes_nothing() {
    let (devnet, client) = spawn().await;
    let (alice, bob) = (&devnet.accounts()[0], &devnet.accounts()[1]);
    let send = || vec![bank_send(&alice.address, &bob.address, 5)];
    let balance = client.balance(&alice.address, DENOM).await;

    // Old / future sequence: 32, saying what was expected.
    let tx = client
        .sign(
            alice,
            send(),
            TxOptions {
                sequence: Some(7),
                ..TxOptions::default()
            },
        )
        .await;
    let rejected = client.broadcast(tx).await.unwrap_err();
    assert_eq!((rejected.codespace.as_str(), rejected.code), ("sdk", 32));
    assert!(
        rejected.log.contains("expected 0, got 7"),
        "{}",
        rejected.log
    );

    // Wrong account number and wrong chain id: signature verification fails, 4.
    let tx = client
        .sign(
            alice,
            send(),
            TxOptions {
                account_number: Some(99),
                ..TxOptions::default()
            },
        )
        .await;
    assert_eq!(client.broadcast(tx).await.unwrap_err().code, 4);
    let other_chain = ogpu_devnet::client::TestClient {
        rpc: client.rpc.clone(),
        chain_id: "other-1".into(),
    };
    let tx = other_chain.sign(alice, send(), TxOptions::default()).await;
    let rejected = client.broadcast(tx).await.unwrap_err();
    assert_eq!(rejected.code, 4);
    assert!(rejected.log.contains("chain-id"), "{}", rejected.log);

    // A signature by another key: 4.
    let mut tx = client.sign(alice, send(), TxOptions::default()).await;
    let forged = client
        .sign(
            bob,
            vec![bank_send(&bob.address, &alice.address, 5)],
            TxOptions::default(),
        )
        .await;
    let (signature_at, forged_at) = (tx.len() - 64, forged.len() - 64);
    tx[signature_at..].copy_from_slice(&forged[forged_at..]);
    assert_eq!(client.broadcast(tx).await.unwrap_err().code, 4);

    // Fee below gas × min gas price: 13.
    let tx = client
        .sign(
            alice,
            send(),
            TxOptions {
                fee: Some(1),
                ..TxOptions::default()
            },
        )
        .await;
    let rejected = client.broadcast(tx).await.unwrap_err();
    assert_eq!(rejected.code, 13);
    assert!(
        rejected.log.contains("required: 50000ustake"),
        "{}",
        rejected.log
    );

    // Malformed bytes: 2.
    assert_eq!(
        client
            .broadcast(vec![0xff, 0x01, 0x02])
            .await
            .unwrap_err()
            .code,
        2
    );

    // Oversized: 21.
    assert_eq!(
        client
            .broadcast(vec![0u8; 1_048_577])
            .await
            .unwrap_err()
            .code,
        21
    );

    // An unknown message type: 2 (the SDK cannot resolve its type URL).
    let unknown = cosmrs::Any {
        type_url: "/cosmos.staking.v1beta1.MsgDelegate".into(),
        value: vec![],
    };
    let tx = client
        .sign(alice, vec![unknown], TxOptions::default())
        .await;
    let rejected = client.broadcast(tx).await.unwrap_err();
    assert_eq!(rejected.code, 2);
    assert!(rejected.log.contains("MsgDelegate"), "{}", rejected.log);

    assert_eq!(
        client.balance(&alice.address, DENOM).await,
        balance,
        "rejections cost nothing"
    );
    assert_eq!(client.account(&alice.address).await.sequence, 0);
    devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_messages_revert_but_the_fee_and_sequence_stay() {
    let (devnet, client) = spawn().await;
    let (alice, bob) = (&devnet.accounts()[0], &devnet.accounts()[1]);
    let balance = client.balance(&alice.address, DENOM).await;
    // More than alice has: the message fails in DeliverTx with 5 (insufficient funds).
    let options = TxOptions {
        gas: 200_000,
        ..TxOptions::default()
    };
    let tx = client
        .send(
            alice,
            vec![bank_send(&alice.address, &bob.address, balance * 2)],
            options,
        )
        .await;
    assert_eq!(tx.tx_result.code.value(), 5, "{}", tx.tx_result.log);
    assert!(
        tx.tx_result.log.contains("message index: 0"),
        "{}",
        tx.tx_result.log
    );
    let fee = 200_000 * 25 / 1000;
    assert_eq!(client.balance(&alice.address, DENOM).await, balance - fee);
    assert_eq!(client.account(&alice.address).await.sequence, 1);

    // Out of gas in the message (the ante handler's part fits): 11, fee kept, nothing moved.
    let send = || vec![bank_send(&alice.address, &bob.address, 1)];
    let full = client.send(alice, send(), options).await.tx_result.gas_used as u64;
    let bob_balance = client.balance(&bob.address, DENOM).await;
    let options = TxOptions {
        gas: full - 3_000,
        ..TxOptions::default()
    };
    let tx = client.send(alice, send(), options).await;
    assert_eq!(tx.tx_result.code.value(), 11, "{}", tx.tx_result.log);
    assert_eq!(client.balance(&bob.address, DENOM).await, bob_balance);
    assert_eq!(client.account(&alice.address).await.sequence, 3);
    devnet.shutdown().await;
}
