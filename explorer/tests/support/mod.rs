//! The market the explorer's tests index: an embedded devnet with the suite deployed and
//! every model's life cycle played through the demo's `Market` helpers (the same life
//! cycles the performance report measures), plus the two endings those leave out — a
//! consensus round without a quorum and a provider unbonding — so every event kind of
//! every model is on chain. It also reads back from the chain which suite events the
//! index must hold.

#![allow(dead_code)] // each test binary uses its own part

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use cosmwasm_std::Uint128;
use ogpu_client::deployment::execute;
use ogpu_client::{Gas, TxOutcome};
use ogpu_demo::market::{Market, MarketConfig};
use ogpu_demo::report::gas;
use ogpu_explorer::index::{self, tx};
use ogpu_testing::fixtures;
use ogpu_types::{staking, TaskStatus};
use tendermint_rpc::{Client as _, HttpClient, Order};

/// Providers of the scripted market: a dispute's winner and the three replicas of its
/// round (see `gas::PROVIDERS`).
pub const PROVIDERS: usize = gas::PROVIDERS;
/// The provider that unbonds part of its stake.
pub const UNBONDING: usize = 3;

/// A devnet with the suite deployed and the providers registered.
pub async fn market() -> Market {
    let mut market = Market::start(&MarketConfig {
        clients: 1,
        providers: PROVIDERS,
        pin_codes: false,
        block_time: Duration::from_millis(200),
        artifacts: MarketConfig::default_artifacts(),
    })
    .await
    .expect("a devnet with the suite (did `bash ci/build-wasm.sh` run?)");
    gas::register_providers(&mut market, &mut gas::Lifecycles::default())
        .await
        .unwrap();
    market
}

/// Every model's life cycle, a consensus round without a quorum, and an unbonding.
pub async fn play(market: &mut Market) {
    gas::measure(market).await.unwrap();
    no_quorum(market).await;
    unbond(market, UNBONDING, 1_000).await;
}

/// Three replicas reveal three different digests: the round fails, the client is refunded.
pub async fn no_quorum(market: &mut Market) -> u64 {
    let spec = fixtures::spec(fixtures::consensus(3, 2));
    let (task_id, _) = market.publish(0, spec, gas::REWARD).await.unwrap();
    let mut sealed = Vec::new();
    for provider in 0..3 {
        let result = [provider as u8; 16];
        let seal = market
            .seal(0, provider, task_id, &result, gas::REWARD, None)
            .unwrap();
        market.commit(provider, task_id, &seal).await.unwrap();
        sealed.push(seal);
    }
    for (provider, seal) in sealed.iter().enumerate() {
        market.reveal(provider, task_id, seal).await.unwrap();
    }
    let status = market.task(task_id).await.unwrap().task.status;
    assert_eq!(status, TaskStatus::Failed, "task {task_id}");
    task_id
}

/// Provider `index` moves `amount` of its stake into the unbonding queue.
pub async fn unbond(market: &mut Market, index: usize, amount: u128) -> TxOutcome {
    let provider = &mut market.providers[index];
    let msg = execute(
        provider.address(),
        &market.deployment.staking,
        &staking::ExecuteMsg::Unbond {
            amount: Uint128::new(amount),
        },
        vec![],
    )
    .unwrap();
    market
        .client
        .send(provider, vec![msg], Gas::Auto)
        .await
        .unwrap()
}

/// One First Response task, won by provider 0: publish, commit, reveal.
pub async fn first_response(market: &mut Market) -> u64 {
    let spec = fixtures::spec(fixtures::first_response());
    let (task_id, _) = market.publish(0, spec, gas::REWARD).await.unwrap();
    let sealed = market
        .seal(0, 0, task_id, &gas::vector_add_result(), gas::REWARD, None)
        .unwrap();
    market.commit(0, task_id, &sealed).await.unwrap();
    market.reveal(0, task_id, &sealed).await.unwrap();
    task_id
}

/// The suite events on chain, read with the indexer's own stream queries and event
/// reader: event names in order, by transaction hash.
pub async fn on_chain(market: &Market) -> BTreeMap<String, Vec<String>> {
    let rpc = HttpClient::new(market.devnet.rpc_url().as_str()).unwrap();
    let contracts = index::contracts(&market.deployment);
    let mut found = BTreeMap::new();
    for stream in index::streams(&market.deployment) {
        let mut page = 1;
        loop {
            let txs = rpc
                .tx_search(stream.query.clone(), false, page, 100, Order::Ascending)
                .await
                .unwrap();
            let done = txs.txs.is_empty() || 100 * page >= txs.total_count;
            for tx in txs.txs {
                let index = tx.index;
                let indexed = tx::from_outcome(TxOutcome::from_response(tx), index, 0, &contracts);
                found.insert(
                    indexed.hash.clone(),
                    indexed.events.iter().map(|e| e.name.to_string()).collect(),
                );
            }
            if done {
                break;
            }
            page += 1;
        }
    }
    assert!(
        found.values().map(Vec::len).sum::<usize>() > 0,
        "no suite event on chain"
    );
    found
}

/// The rows of `sql`, two text columns, as lists of the second by the first.
pub fn grouped(db: &Path, sql: &str) -> BTreeMap<String, Vec<String>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut statement = conn.prepare(sql).unwrap();
    let rows = statement
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap();
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows {
        let (key, value) = row.unwrap();
        found.entry(key).or_default().push(value);
    }
    found
}

/// The suite events in the database, as [`on_chain`] lists them.
pub fn indexed(db: &Path) -> BTreeMap<String, Vec<String>> {
    grouped(
        db,
        "SELECT tx_hash, name FROM events ORDER BY tx_hash, position",
    )
}

/// Polls until the database holds exactly the suite events on chain.
pub async fn wait_until_indexed(market: &Market, db: &Path) {
    let expected = on_chain(market).await;
    let start = Instant::now();
    loop {
        let found = indexed(db);
        if found == expected {
            return;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let missing: Vec<&String> = expected
                .keys()
                .filter(|h| !found.contains_key(*h))
                .collect();
            panic!(
                "the index does not match the chain after 60 s: {} txs indexed, {} on chain, missing {missing:?}",
                found.len(),
                expected.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
