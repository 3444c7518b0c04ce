//! Devnet throughput: how many bank sends and contract executes per second a devnet
//! includes on this machine. A report, not a test (machines are noisy):
//!
//!     cargo run --release -p ogpu-devnet --example bench -- [--txs N]

use std::time::Instant;

#[path = "../tests/suite/mod.rs"]
mod suite;

use ogpu_devnet::client::{bank_send, spawn_with, TestClient, TxOptions};
use ogpu_devnet::{DevAccount, DevnetConfig};
use ogpu_testing::fixtures;
use ogpu_types::staking;

/// Signs `per_account` txs for each sender up front, broadcasts them all, waits for the
/// last and returns txs per second from the first broadcast to the last inclusion.
async fn measure(
    client: &TestClient,
    senders: &[DevAccount],
    per_account: u64,
    msg: impl Fn(&DevAccount) -> cosmrs::Any,
    gas: u64,
) -> f64 {
    let mut signed = Vec::new();
    for sender in senders {
        let account = client.account(&sender.address).await;
        for i in 0..per_account {
            let options = TxOptions {
                gas,
                sequence: Some(account.sequence + i),
                account_number: Some(account.account_number),
                ..TxOptions::default()
            };
            signed.push(client.sign(sender, vec![msg(sender)], options).await);
        }
    }
    let total = signed.len();
    let start = Instant::now();
    let mut last = None;
    for tx in signed {
        last = Some(
            client
                .broadcast(tx)
                .await
                .expect("CheckTx accepts the benchmark txs"),
        );
    }
    let included = client.wait(last.expect("at least one tx")).await;
    assert!(
        included.tx_result.code.is_ok(),
        "{}",
        included.tx_result.log
    );
    total as f64 / start.elapsed().as_secs_f64()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let txs: u64 = std::env::args()
        .skip_while(|a| a != "--txs")
        .nth(1)
        .map_or(2_000, |n| n.parse().expect("--txs N"));
    let config = DevnetConfig {
        accounts: 10,
        ..DevnetConfig::for_tests()
    };
    let (devnet, client) = spawn_with(config).await;
    let senders = &devnet.accounts()[1..];
    let per_account = txs / senders.len() as u64;
    let sink = devnet.accounts()[0].address.clone();

    let sends = measure(
        &client,
        senders,
        per_account,
        |s| bank_send(&s.address, &sink, 1),
        100_000,
    )
    .await;
    println!(
        "bank sends:        {sends:>8.0} txs/s ({} txs)",
        per_account * senders.len() as u64
    );

    // Contract executes: every sender registers as a provider on the real staking
    // contract, then each tx bonds one more ustake (`Bond {}`).
    let suite = suite::deploy(&client, &devnet.accounts()[0]).await;
    let register = staking::ExecuteMsg::Register {
        metadata: fixtures::metadata("bench"),
    };
    for sender in senders {
        let msg = suite::execute(sender, &suite.staking, &register, fixtures::STAKE);
        let tx = client.send(sender, vec![msg], TxOptions::default()).await;
        assert!(tx.tx_result.code.is_ok(), "register: {}", tx.tx_result.log);
    }
    let bond = staking::ExecuteMsg::Bond {};
    let execs = measure(
        &client,
        senders,
        per_account,
        |s| suite::execute(s, &suite.staking, &bond, 1),
        400_000,
    )
    .await;
    println!(
        "contract executes: {execs:>8.0} txs/s ({} txs of staking Bond)",
        per_account * senders.len() as u64
    );
    devnet.shutdown().await;
}
