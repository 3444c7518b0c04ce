//! The daemon's signer task against a devnet: messages queued while a transaction is in
//! flight go out together; a batch with a message that would fail is split by
//! simulation, so the bad message is never sent (nor charged) and the good ones still
//! land together; a batch whose messages pass alone but not together goes out one by one,
//! each simulated first; a sequence moved by another sender of the same key is refreshed;
//! too little gas is raised; the gas of every included transaction is learned and used
//! for a message that cannot be simulated.

mod support;

use std::sync::Arc;

use ogpu_client::Client;
use ogpu_provider::daemon::gas::{GasBook, Op};
use ogpu_provider::daemon::signer::{self, GasPlan, SignerEnv, TxError};
use ogpu_provider::daemon::Stats;
use support::*;

fn send(from: &str, to: &str, amount: u128) -> cosmrs::Any {
    ogpu_client::deployment::bank_send(from, to, DENOM, amount).unwrap()
}

// One thread: the signer task runs only when the test waits, so everything submitted in
// one `join!` is queued before it looks.
#[tokio::test]
async fn batches_are_split_by_simulation_and_nothing_that_would_fail_is_sent() {
    let market = Market::start(None).await;
    let from = market.account(PROVIDERS[0]).address.clone();
    let to = market.account(PROVIDERS[1]).address.clone();
    let client = Arc::new(
        Client::connect(market.client.config().clone())
            .await
            .unwrap(),
    );
    let stats = Arc::new(Stats::default());
    let gas = Arc::new(GasBook::new(1.2, Default::default()));
    let env = SignerEnv {
        stats: stats.clone(),
        gas: gas.clone(),
        health: Default::default(),
    };
    let key = signer(market.account(PROVIDERS[0]));
    let (handle, task) = signer::spawn(client.clone(), key, env);
    let before = market.balance(&to).await;
    let submit = |amount: u128, what: &str| {
        handle.submit(
            send(&from, &to, amount),
            Op::Other,
            GasPlan::Simulate,
            what.into(),
        )
    };

    // Two queued messages: one transaction.
    let (one, two) = tokio::join!(submit(1, "one"), submit(2, "two"));
    assert_eq!(one.unwrap().hash, two.unwrap().hash);

    // Another sender of the same key moves the sequence meanwhile: refreshed and retried.
    let mut other = signer(market.account(PROVIDERS[0]));
    client
        .send(
            &mut other,
            vec![send(&from, &to, 4)],
            ogpu_client::Gas::Auto,
        )
        .await
        .unwrap();

    // The middle one overdraws: the batch's simulation fails, each message is simulated
    // alone, the overdraft is answered as refused without being sent, and the other two
    // still share one transaction.
    let (first, bad, third) = tokio::join!(
        submit(10, "first"),
        submit(u128::from(u64::MAX), "overdraw"),
        submit(30, "third"),
    );
    assert_eq!(first.unwrap().hash, third.unwrap().hash);
    assert!(matches!(bad, Err(TxError::Refused(_))), "{bad:?}");

    // Each fits the balance alone, not both together: the first goes out, the second's
    // own simulation then fails and it is not sent.
    let left = market.balance(&from).await;
    let half = left / 2 + 1;
    let (a, b) = tokio::join!(submit(half, "half"), submit(half, "other half"));
    let landed = [a.is_ok(), b.is_ok()];
    assert_eq!(landed.iter().filter(|ok| **ok).count(), 1, "{landed:?}");
    let drained = half;

    // Too little fixed gas: doubled until it is enough.
    let low = handle.submit(
        send(&from, &to, 5),
        Op::Other,
        GasPlan::Fixed(30_000),
        "low gas".into(),
    );
    assert!(low.await.unwrap().gas_wanted > 30_000);

    // A simulated message teaches the book its kind's gas; one that cannot be simulated
    // then gets that, times the margin.
    let taught = handle
        .submit(
            send(&from, &to, 6),
            Op::Reveal,
            GasPlan::Simulate,
            "taught".into(),
        )
        .await
        .unwrap();
    let bytes = send(&from, &to, 6).value.len() as u64;
    assert_eq!(gas.measured(Op::Reveal, bytes), Some(taught.gas_used));
    let learned = handle
        .submit(
            send(&from, &to, 7),
            Op::Reveal,
            GasPlan::Learned,
            "learned".into(),
        )
        .await
        .unwrap();
    assert_eq!(learned.gas_wanted, gas.with_margin(taught.gas_used));

    assert_eq!(
        market.balance(&to).await,
        before + 1 + 2 + 4 + 10 + 30 + drained + 5 + 6 + 7
    );
    let snapshot = stats.snapshot();
    assert_eq!(snapshot.sim_refused, 2, "{snapshot:?}");
    // Only the deliberately short fixed gas was ever refused by the chain.
    assert!(
        snapshot.tx_failed + snapshot.tx_rejected <= 2,
        "{snapshot:?}"
    );
    drop(handle);
    task.await.unwrap();
    market.devnet.shutdown().await;
}

// A batch whose gas is above max_gas is halved, each half sent on its own; a lone message
// above it is refused and never sent, where a limit cut down to max_gas would run out of gas
// in its block and still pay.
#[tokio::test]
async fn a_batch_above_max_gas_is_halved_and_a_lone_message_above_it_is_refused_unsent() {
    let market = Market::start(None).await;
    let from = market.account(PROVIDERS[0]).address.clone();
    let to = market.account(PROVIDERS[1]).address.clone();
    let mut probe = signer(market.account(PROVIDERS[0]));
    let one = market
        .client
        .simulate(&mut probe, &[send(&from, &to, 1)])
        .await
        .unwrap();
    let two = market
        .client
        .simulate(&mut probe, &[send(&from, &to, 1), send(&from, &to, 2)])
        .await
        .unwrap();
    let book = Arc::new(GasBook::new(1.2, Default::default()));
    let max_gas = book.with_margin(one) + 2_000;
    assert!(
        book.with_margin(two) > max_gas,
        "two messages need more: {one} {two}"
    );
    let client = Arc::new(
        Client::connect(ogpu_client::ChainConfig {
            max_gas,
            ..market.client.config().clone()
        })
        .await
        .unwrap(),
    );
    let stats = Arc::new(Stats::default());
    let env = SignerEnv {
        stats: stats.clone(),
        gas: book,
        health: Default::default(),
    };
    let (handle, task) = signer::spawn(client, signer(market.account(PROVIDERS[0])), env);
    let submit = |amount: u128, gas: GasPlan| {
        handle.submit(send(&from, &to, amount), Op::Other, gas, amount.to_string())
    };
    let before = market.balance(&to).await;

    let (a, b) = tokio::join!(submit(1, GasPlan::Simulate), submit(2, GasPlan::Simulate));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_ne!(a.hash, b.hash, "one transaction each");
    assert!(a.gas_wanted <= max_gas && b.gas_wanted <= max_gas);

    let refused = submit(3, GasPlan::Fixed(max_gas + 1)).await;
    let Err(TxError::Refused(why)) = refused else {
        panic!("{refused:?}");
    };
    assert!(
        why.contains("max_gas") && why.contains(&max_gas.to_string()),
        "{why}"
    );
    assert_eq!(
        market.balance(&to).await,
        before + 1 + 2,
        "the refused one was not sent"
    );
    let snapshot = stats.snapshot();
    assert_eq!((snapshot.txs, snapshot.tx_errors), (2, 0), "{snapshot:?}");
    drop(handle);
    task.await.unwrap();
    market.devnet.shutdown().await;
}
