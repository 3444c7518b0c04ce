//! The RPC through its router, against an in-memory chain: JSON-RPC and URI forms, CometBFT's
//! errors and limits, and the methods' answers. (`tests/rpc_client.rs` checks that real
//! clients parse those answers.)

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine};
use serde_json::{json, Value};
use tokio::sync::watch;
use tower::ServiceExt;

use super::backend::{NodeEvent, QueryOutcome, RpcBackend, StoredBlock, StoredTx};
use super::server::{router, AppState, MAX_BODY_BYTES};
use super::txs::tx_hash;
use fake_backend::{FakeBackend, CHAIN_ID};

pub(crate) mod fake_backend;

/// Handler state over `backend`; the sender keeps websockets open while it lives.
pub(crate) fn state(backend: &Arc<FakeBackend>) -> (AppState, watch::Sender<()>) {
    let (stop_sender, stop) = watch::channel(());
    let backend: Arc<dyn RpcBackend> = backend.clone();
    (AppState { backend, stop }, stop_sender)
}

/// The HTTP status and the body (JSON, or the text when it is not JSON).
async fn send(backend: &Arc<FakeBackend>, request: Request<Body>) -> (StatusCode, Value) {
    let (state, _stop) = state(backend);
    let response = router(state).oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let value = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    (status, value)
}

async fn post(backend: &Arc<FakeBackend>, body: impl Into<Body>) -> (StatusCode, Value) {
    let request = Request::post("/")
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap();
    send(backend, request).await
}

async fn get(backend: &Arc<FakeBackend>, uri: &str) -> (StatusCode, Value) {
    send(backend, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// The reply to one JSON-RPC call.
async fn call(backend: &Arc<FakeBackend>, method: &str, params: Value) -> Value {
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    post(backend, request.to_string()).await.1
}

fn heights(txs: &Value) -> Vec<&str> {
    let txs = txs.as_array().unwrap();
    txs.iter()
        .map(|tx| tx["height"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_batch_gets_a_reply_per_call_and_none_for_notifications() {
    let backend = FakeBackend::new();
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "health"},
        {"jsonrpc": "2.0", "method": "status"},
        {"jsonrpc": "2.0", "id": "b", "method": "block", "params": {"height": 1}},
    ]);
    let (status, replies) = post(&backend, batch.to_string()).await;
    assert_eq!(status, StatusCode::OK);
    let replies = replies.as_array().unwrap();
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0], json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    assert_eq!(replies[1]["id"], "b");
    assert_eq!(replies[1]["result"]["block"]["header"]["height"], "1");

    let notification = json!({"jsonrpc": "2.0", "method": "health"});
    let (status, reply) = post(&backend, notification.to_string()).await;
    assert_eq!((status, reply), (StatusCode::OK, json!("")));
}

#[tokio::test]
async fn malformed_calls_get_cometbfts_error_codes() {
    let backend = FakeBackend::new();
    let (status, reply) = post(&backend, "{not json").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply["error"]["code"], -32700);

    let batch = json!(vec![
        json!({"jsonrpc": "2.0", "id": 1, "method": "health"});
        11
    ]);
    let (status, reply) = post(&backend, batch.to_string()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply["error"]["code"], -32600);

    let (_, reply) = post(&backend, json!({"jsonrpc": "2.0", "id": 1}).to_string()).await;
    assert_eq!(reply["error"]["code"], -32600);

    for method in ["no_such_method", "subscribe"] {
        let reply = call(&backend, method, json!({})).await;
        assert_eq!(
            reply["error"],
            json!({"code": -32601, "message": "Method not found"})
        );
    }

    let reply = call(&backend, "block", json!({"height": "x"})).await;
    assert_eq!(
        reply["error"],
        json!({"code": -32602, "message": "Invalid params", "data": "height: expected a non-negative integer"})
    );
    let reply = call(&backend, "block", json!([1])).await;
    assert_eq!(reply["error"]["code"], -32602);
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let backend = FakeBackend::new();
    let (status, _) = post(&backend, vec![b' '; MAX_BODY_BYTES + 1]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn uri_calls_take_quoted_strings_and_hex_bytes() {
    let backend = FakeBackend::new();
    let hash = tx_hash(b"alice 1");
    let (status, reply) = get(&backend, &format!("/tx?hash=0x{hash}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["id"], -1);
    assert_eq!(reply["result"]["hash"], hash.to_string());
    assert_eq!(reply["result"]["height"], "1");

    let search =
        "/tx_search?query=%22message.sender%3D%27alice%27%22&per_page=1&order_by=%22desc%22";
    let (_, reply) = get(&backend, search).await;
    assert_eq!(reply["result"]["total_count"], "2");
    assert_eq!(heights(&reply["result"]["txs"]), ["2"]);

    let (_, reply) = get(&backend, "/abci_query?path=%22/echo%22&data=0x0102").await;
    assert_eq!(reply["result"]["response"]["value"], BASE64.encode([2, 1]));

    let (status, reply) = get(&backend, "/block?height=9").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply["error"]["code"], -32603);
    let data = reply["error"]["data"].as_str().unwrap();
    assert!(
        data.contains("requested height: 9, blockchain height: 2"),
        "{data}"
    );
}

#[tokio::test]
async fn an_unknown_tx_is_reported_as_cometbft_does() {
    let backend = FakeBackend::new();
    let hash = tx_hash(b"never sent");
    let reply = call(
        &backend,
        "tx",
        json!({"hash": BASE64.encode(hash.as_bytes())}),
    )
    .await;
    assert_eq!(
        reply["error"],
        json!({"code": -32603, "message": "Internal error", "data": format!("tx ({hash}) not found")})
    );
}

#[tokio::test]
async fn tx_search_pages_orders_and_counts() {
    let backend = FakeBackend::new();
    let many: Vec<String> = (0..120).map(|i| format!("carol {i}")).collect();
    backend.mine(&many.iter().map(String::as_str).collect::<Vec<_>>());
    let search = |params: Value| call(&backend, "tx_search", params);
    let carol = "message.sender='carol'";

    let reply = search(json!({"query": carol, "per_page": "500"})).await;
    assert_eq!(reply["result"]["total_count"], "120");
    assert_eq!(reply["result"]["txs"].as_array().unwrap().len(), 100);
    let reply = search(json!({"query": carol})).await;
    assert_eq!(reply["result"]["txs"].as_array().unwrap().len(), 30);
    let reply = search(json!({"query": carol, "page": "2", "per_page": "100"})).await;
    let txs = reply["result"]["txs"].as_array().unwrap();
    assert_eq!((txs.len(), &txs[0]["index"]), (20, &json!(100)));
    let reply = search(json!({"query": carol, "page": 3, "per_page": 100})).await;
    assert_eq!(
        reply["error"]["data"],
        "page should be within [1, 2] range, given 3"
    );

    let reply = search(json!({"query": "message.sender='alice'", "order_by": "desc"})).await;
    assert_eq!(heights(&reply["result"]["txs"]), ["2", "1"]);
    let query = "wasm-ogpu_task_published.task_id > 100 AND message.sender='carol'";
    let reply = search(json!({"query": query})).await;
    assert_eq!(reply["result"]["total_count"], "19");

    let reply = search(json!({"query": "tx.height = 2"})).await;
    assert_eq!(reply["result"]["total_count"], "2");
    let bob = tx_hash(b"bob 2").to_string();
    let query = format!("tx.hash = '{}'", bob.to_lowercase());
    let reply = search(json!({"query": query})).await;
    assert_eq!(reply["result"]["txs"][0]["hash"], bob);
    let query = format!("tx.height = 1 AND tx.hash = '{bob}'");
    let reply = search(json!({"query": query})).await;
    assert_eq!(reply["result"]["total_count"], "0");

    let reply = search(json!({"query": "message.sender ="})).await;
    assert_eq!(reply["error"]["code"], -32602);
    let reply = search(json!({"query": carol, "order_by": "up"})).await;
    assert_eq!(reply["error"]["code"], -32602);
}

#[tokio::test]
async fn blockchain_returns_at_most_20_metas_newest_first() {
    let backend = FakeBackend::new();
    for _ in 0..25 {
        backend.mine(&[]);
    }
    let reply = call(&backend, "blockchain", json!({})).await;
    assert_eq!(reply["result"]["last_height"], "27");
    let metas = reply["result"]["block_metas"].as_array().unwrap();
    assert_eq!(metas.len(), 20);
    assert_eq!(metas[0]["header"]["height"], "27");
    assert_eq!(metas[19]["header"]["height"], "8");

    let reply = call(
        &backend,
        "blockchain",
        json!({"minHeight": "2", "maxHeight": "4"}),
    )
    .await;
    let metas = reply["result"]["block_metas"].as_array().unwrap();
    let described: Vec<_> = metas
        .iter()
        .map(|meta| {
            (
                meta["header"]["height"].as_str().unwrap(),
                meta["num_txs"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(described, [("4", "0"), ("3", "0"), ("2", "2")]);

    let reply = call(
        &backend,
        "blockchain",
        json!({"minHeight": "5", "maxHeight": "3"}),
    )
    .await;
    assert_eq!(
        reply["error"]["data"],
        "min height 5 can't be greater than max height 3"
    );
}

#[tokio::test]
async fn broadcast_tx_commit_waits_for_the_block_or_returns_the_rejection() {
    let backend = FakeBackend::new();
    let reply = call(
        &backend,
        "broadcast_tx_commit",
        json!({"tx": BASE64.encode("dave 9")}),
    )
    .await;
    let result = &reply["result"];
    assert_eq!(result["height"], "3");
    assert_eq!(result["hash"], tx_hash(b"dave 9").to_string());
    assert_eq!(
        result["tx_result"]["events"][0]["attributes"][0]["value"],
        "dave"
    );

    let reply = call(
        &backend,
        "broadcast_tx_commit",
        json!({"tx": BASE64.encode("reject")}),
    )
    .await;
    assert_eq!(reply["result"]["check_tx"]["code"], 13);
    assert_eq!(reply["result"]["height"], "0");
    assert_eq!(backend.latest_height(), 3);
}

#[tokio::test]
async fn status_and_block_results_describe_the_chain() {
    let backend = FakeBackend::new();
    let reply = call(&backend, "status", json!(null)).await;
    let status = &reply["result"];
    assert_eq!(status["node_info"]["network"], CHAIN_ID);
    assert_eq!(status["sync_info"]["earliest_block_height"], "1");
    assert_eq!(status["sync_info"]["latest_block_height"], "2");

    // The app hash after block 1 is the one its own header carries.
    let reply = call(&backend, "block_results", json!({"height": "1"})).await;
    assert_eq!(reply["result"]["txs_results"].as_array().unwrap().len(), 1);
    assert_eq!(reply["result"]["app_hash"], "01".repeat(32));
}
