//! The indexer against a devnet running the real contracts: every event kind of every
//! competition model lands in the database exactly as the chain emitted it; a restart
//! resumes where the index left off (catching up what happened while it was down) without
//! storing anything twice; and what happens while it runs arrives live.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::Path;

use ogpu_explorer::{Explorer, ExplorerConfig};
use ogpu_types::events as names;

fn config(market: &ogpu_demo::Market, db: &Path) -> ExplorerConfig {
    ExplorerConfig {
        node: market.devnet.rpc_url(),
        deployment: market.deployment.clone(),
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        db: db.to_path_buf(),
    }
}

/// Event names per competition model, from the database.
fn kinds_by_model(db: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let sql = "SELECT DISTINCT t.model, e.name FROM events e JOIN tasks t ON t.id = e.task_id";
    support::grouped(db, sql)
        .into_iter()
        .map(|(model, names)| (model, names.into_iter().collect()))
        .collect()
}

fn rows(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The events each model's life cycles in the scripted market must have produced.
fn expected_kinds() -> BTreeMap<&'static str, Vec<&'static str>> {
    let life = [
        names::TASK_PUBLISHED,
        names::TASK_COMMITTED,
        names::COLLATERAL_LOCKED,
        names::TASK_COMPLETED,
        names::PAYOUT,
        names::COLLATERAL_RELEASED,
    ];
    let with = |more: &[&'static str]| life.iter().chain(more).copied().collect();
    BTreeMap::from([
        (
            "first_response",
            with(&[
                names::TASK_REVEALED,
                names::TASK_EXPIRED,
                names::TASK_CANCELLED,
                names::PROVIDER_SLASHED,
                names::REFUND,
                names::TASK_DISPUTED,
                names::DISPUTE_RESOLVED,
            ]),
        ),
        (
            "manual_confirmation",
            with(&[
                names::TASK_REVEALED,
                names::TASK_AWARDED,
                names::TASK_DELIVERED,
                names::REFUND,
            ]),
        ),
        (
            "sealed_bid_auction",
            with(&[
                names::BID_REVEALED,
                names::TASK_AWARDED,
                names::TASK_DELIVERED,
                names::REFUND,
            ]),
        ),
        (
            "consensus",
            with(&[
                names::TASK_REVEALED,
                names::TASK_AWARDED,
                names::TASK_DELIVERED,
                names::TASK_FAILED,
                names::REFUND,
            ]),
        ),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_kind_is_indexed_once_and_a_restart_resumes_without_duplicates() {
    let mut market = support::market().await;
    support::play(&mut market).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("explorer.sqlite");

    // Catch-up from the first block.
    let explorer = Explorer::start(config(&market, &db)).await.unwrap();
    support::wait_until_indexed(&market, &db).await;
    let stored: BTreeSet<String> = support::indexed(&db).into_values().flatten().collect();
    let all: BTreeSet<String> = ogpu_client::events::ALL
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(stored, all, "every event kind of the suite is indexed");
    let by_model = kinds_by_model(&db);
    for (model, kinds) in expected_kinds() {
        let found = by_model.get(model).cloned().unwrap_or_default();
        let missing: Vec<&str> = kinds.into_iter().filter(|k| !found.contains(*k)).collect();
        assert!(missing.is_empty(), "{model}: no {missing:?} indexed");
    }
    let statuses = rows(&db, "SELECT count(*) FROM tasks WHERE ending IS NOT NULL");
    assert_eq!(
        statuses,
        rows(&db, "SELECT count(*) FROM tasks"),
        "every task ended"
    );
    explorer.shutdown().await;

    // While it is down the market goes on; on restart it resumes from its cursors.
    let events_before = rows(&db, "SELECT count(*) FROM events");
    let missed = support::first_response(&mut market).await;
    let explorer = Explorer::start(config(&market, &db)).await.unwrap();
    support::wait_until_indexed(&market, &db).await;
    let events_after = rows(&db, "SELECT count(*) FROM events");
    assert!(
        events_after > events_before,
        "the missed task {missed} was caught up"
    );
    let ended: Option<String> = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT ending FROM tasks WHERE id = ?1", [missed], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(ended.as_deref(), Some("completed"));

    // Live, over the websocket.
    let live = support::first_response(&mut market).await;
    support::wait_until_indexed(&market, &db).await;
    assert_eq!(
        rows(
            &db,
            &format!("SELECT count(*) FROM tasks WHERE id = {live} AND ending = 'completed'")
        ),
        1
    );
    // Nothing stored twice: `wait_until_indexed` compared every transaction's events, in
    // order, with the chain's; and no transaction appears twice.
    assert_eq!(
        rows(&db, "SELECT count(*) FROM txs"),
        rows(&db, "SELECT count(DISTINCT tx_hash) FROM events"),
    );
    explorer.shutdown().await;
    market.devnet.shutdown().await;
}
