//! The daemon's signer task against a devnet: messages queued while a transaction is in
//! flight go out together; a batch the chain refuses is retried one message at a time, so
//! the good messages land and only the bad one fails; a sequence moved by another sender
//! of the same key is refreshed; too little gas is raised.

mod support;

use std::sync::Arc;

use ogpu_client::{Client, Gas};
use ogpu_provider::daemon::signer::{self, TxError};
use ogpu_provider::daemon::Stats;
use support::*;

fn send(from: &str, to: &str, amount: u128) -> cosmrs::Any {
    ogpu_client::deployment::bank_send(from, to, DENOM, amount).unwrap()
}

// One thread: the signer task runs only when the test waits, so everything submitted in
// one `join!` is queued before it looks.
#[tokio::test]
async fn queued_messages_share_a_tx_and_a_refused_batch_is_retried_one_by_one() {
    let market = Market::start(None).await;
    let from = market.account(PROVIDERS[0]).address.clone();
    let to = market.account(PROVIDERS[1]).address.clone();
    let client = Arc::new(
        Client::connect(market.client.config().clone())
            .await
            .unwrap(),
    );
    let stats = Arc::new(Stats::default());
    let key = signer(market.account(PROVIDERS[0]));
    let (handle, task) = signer::spawn(client.clone(), key, stats.clone());
    let before = market.balance(&to).await;
    let submit =
        |amount: u128, what: &str| handle.submit(send(&from, &to, amount), Gas::Auto, what.into());

    // Two queued messages: one transaction.
    let (one, two) = tokio::join!(submit(1, "one"), submit(2, "two"));
    assert_eq!(one.unwrap().hash, two.unwrap().hash);

    // Another sender of the same key moves the sequence meanwhile: refreshed and retried.
    let mut other = signer(market.account(PROVIDERS[0]));
    client
        .send(&mut other, vec![send(&from, &to, 4)], Gas::Auto)
        .await
        .unwrap();

    // The middle one overdraws: the batch is refused, each message is sent on its own, so
    // the others land and only it fails.
    let (first, bad, third) = tokio::join!(
        submit(10, "first"),
        submit(u128::from(u64::MAX), "overdraw"),
        submit(30, "third"),
    );
    let (first, third) = (first.unwrap(), third.unwrap());
    // Too little fixed gas: doubled until it is enough.
    let low = handle.submit(send(&from, &to, 5), Gas::Fixed(30_000), "low gas".into());
    assert!(low.await.unwrap().gas_wanted > 30_000);
    assert_ne!(first.hash, third.hash);
    assert!(matches!(bad, Err(TxError::Refused(_))), "{bad:?}");
    assert_eq!(market.balance(&to).await, before + 1 + 2 + 4 + 10 + 30 + 5);
    let snapshot = stats.snapshot();
    assert_eq!(snapshot.txs, 4, "{snapshot:?}");
    assert!(
        snapshot.tx_errors >= 3,
        "the batch, the bad message, out of gas: {snapshot:?}"
    );
    drop(handle);
    task.await.unwrap();
    market.devnet.shutdown().await;
}
