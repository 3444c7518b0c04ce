//! `/websocket`: JSON-RPC over a socket, plus `subscribe`, `unsubscribe` and
//! `unsubscribe_all`. After a subscription's reply, each node event matching its query is
//! pushed under the id of the `subscribe` request, shaped as CometBFT 0.38 pushes it.
//!
//! A connection handles one message at a time, as CometBFT's read loop does; events wait in
//! the node's broadcast channel meanwhile. A connection that falls too far behind it has its
//! subscriptions cancelled, as CometBFT cancels a client that is not pulling fast enough.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response as HttpResponse;
use serde_json::{json, Value};
use tokio::sync::broadcast::{error::RecvError, Receiver};

use super::backend::NodeEvent;
use super::dispatch;
use super::events::{event_map, pushed};
use super::jsonrpc::{self, Response, RpcError};
use super::params::Params;
use super::query::Query;
use super::server::{AppState, MAX_BODY_BYTES};

/// Subscriptions one connection may hold. CometBFT's default `max_subscriptions_per_client`
/// is 5; a devnet's test suites and tools are allowed more.
const MAX_SUBSCRIPTIONS: usize = 100;

pub(crate) async fn upgrade(ws: WebSocketUpgrade, State(state): State<AppState>) -> HttpResponse {
    ws.max_message_size(MAX_BODY_BYTES)
        .on_upgrade(move |socket| {
            Connection {
                state,
                subscriptions: Vec::new(),
                events: None,
            }
            .run(socket)
        })
}

struct Subscription {
    /// The `subscribe` request's id, which every pushed event carries.
    id: Value,
    /// The query as the client sent it: tendermint-rpc routes events by this text.
    text: String,
    query: Query,
}

struct Connection {
    state: AppState,
    subscriptions: Vec<Subscription>,
    /// The node's events, received while there is a subscription.
    events: Option<Receiver<NodeEvent>>,
}

impl Connection {
    async fn run(mut self, mut socket: WebSocket) {
        let mut stop = self.state.stop.clone();
        loop {
            let outgoing = tokio::select! {
                message = socket.recv() => match message {
                    Some(Ok(Message::Text(text))) => self.on_text(&text).await,
                    // axum answers pings; binary frames carry no JSON-RPC.
                    Some(Ok(Message::Binary(_) | Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                },
                event = next(&mut self.events) => self.on_event(event),
                _ = stop.changed() => return,
            };
            for text in outgoing {
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
        }
    }

    async fn on_text(&mut self, text: &str) -> Vec<String> {
        let request = serde_json::from_str(text)
            .map_err(|e| RpcError::parse_error(format!("error unmarshaling request: {e}")))
            .and_then(jsonrpc::parse);
        let request = match request {
            Ok(Some(request)) => request,
            Ok(None) => return Vec::new(),
            Err(error) => return vec![Response::new(Value::Null, Err(error)).to_text()],
        };
        let outcome = match request.method.as_str() {
            "subscribe" => self.subscribe(&request.id, request.params),
            "unsubscribe" => self.unsubscribe(request.params),
            "unsubscribe_all" => self.unsubscribe_all(),
            _ => {
                return vec![dispatch::answer(&*self.state.backend, request)
                    .await
                    .to_text()]
            }
        };
        vec![Response::new(request.id, outcome).to_text()]
    }

    fn subscribe(&mut self, id: &Value, params: Value) -> Result<Value, RpcError> {
        let text = Params::json(params)?.string("query")?;
        let query =
            Query::parse(&text).map_err(|e| RpcError::invalid_params(format!("query: {e}")))?;
        if self.subscriptions.len() >= MAX_SUBSCRIPTIONS {
            return Err(RpcError::internal(format!(
                "max_subscriptions_per_client {MAX_SUBSCRIPTIONS} reached"
            )));
        }
        if self.subscriptions.iter().any(|s| s.text == text) {
            return Err(RpcError::internal("already subscribed"));
        }
        let backend = &self.state.backend;
        self.events.get_or_insert_with(|| backend.subscribe());
        self.subscriptions.push(Subscription {
            id: id.clone(),
            text,
            query,
        });
        Ok(json!({}))
    }

    fn unsubscribe(&mut self, params: Value) -> Result<Value, RpcError> {
        let text = Params::json(params)?.string("query")?;
        let before = self.subscriptions.len();
        self.subscriptions.retain(|s| s.text != text);
        if self.subscriptions.len() == before {
            return Err(RpcError::internal("subscription not found"));
        }
        self.stop_events_if_unsubscribed();
        Ok(json!({}))
    }

    fn unsubscribe_all(&mut self) -> Result<Value, RpcError> {
        if self.subscriptions.is_empty() {
            return Err(RpcError::internal("subscription not found"));
        }
        self.subscriptions.clear();
        self.stop_events_if_unsubscribed();
        Ok(json!({}))
    }

    /// Without subscriptions nothing reads the node's events: stop receiving them.
    fn stop_events_if_unsubscribed(&mut self) {
        if self.subscriptions.is_empty() {
            self.events = None;
        }
    }

    /// The messages one node event gives: one per matching subscription, or, when the
    /// connection fell behind or the node stopped, every subscription's cancellation.
    fn on_event(&mut self, event: Result<NodeEvent, RecvError>) -> Vec<String> {
        let reason = match event {
            Ok(event) => return self.push(&event),
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(
                    missed,
                    "websocket subscriber fell behind; cancelling its subscriptions"
                );
                "client is not pulling messages fast enough"
            }
            Err(RecvError::Closed) => "the node stopped",
        };
        let error = RpcError::server(format!("subscription was canceled (reason: {reason})"));
        self.events = None;
        self.subscriptions
            .drain(..)
            .map(|s| Response::new(s.id, Err(error.clone())).to_text())
            .collect()
    }

    fn push(&self, event: &NodeEvent) -> Vec<String> {
        let events = event_map(event);
        let backend = &*self.state.backend;
        self.subscriptions
            .iter()
            .filter(|s| s.query.matches(&events))
            .filter_map(|s| match pushed(backend, &s.text, event, &events) {
                Ok(result) => Some(Response::new(s.id.clone(), Ok(result)).to_text()),
                Err(e) => {
                    tracing::error!(error = %e, "could not serialize an event");
                    None
                }
            })
            .collect()
    }
}

/// The next node event, or never while nothing is subscribed.
async fn next(events: &mut Option<Receiver<NodeEvent>>) -> Result<NodeEvent, RecvError> {
    match events {
        Some(events) => events.recv().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio::sync::watch;

    use super::*;
    use crate::rpc::tests::{fake_backend::FakeBackend, state};
    use crate::rpc::txs::tx_hash;

    fn connection(backend: &Arc<FakeBackend>) -> (Connection, watch::Sender<()>) {
        let (state, stop) = state(backend);
        let connection = Connection {
            state,
            subscriptions: Vec::new(),
            events: None,
        };
        (connection, stop)
    }

    fn subscribe(connection: &mut Connection, id: Value, query: &str) -> Result<Value, RpcError> {
        connection.subscribe(&id, json!({ "query": query }))
    }

    fn parse(messages: Vec<String>) -> Vec<Value> {
        messages
            .iter()
            .map(|text| serde_json::from_str(text).unwrap())
            .collect()
    }

    #[test]
    fn events_go_to_the_matching_subscriptions_under_their_ids() {
        let backend = FakeBackend::new();
        let (mut connection, _stop) = connection(&backend);
        subscribe(&mut connection, json!("blocks"), "tm.event='NewBlock'").unwrap();
        let failures = "tm.event='Tx' AND message.sender='fail'";
        subscribe(&mut connection, json!(7), failures).unwrap();
        backend.mine(&["fail 4", "bob 5"]);
        let events = connection.events.as_mut().unwrap();
        let mut node_events: Vec<_> = (0..3).map(|_| events.try_recv().unwrap()).collect();
        let new_block = node_events.pop().unwrap();

        let pushed: Vec<Value> = node_events
            .into_iter()
            .flat_map(|event| parse(connection.on_event(Ok(event))))
            .collect();
        assert_eq!(pushed.len(), 1);
        let hash = tx_hash(b"fail 4").to_string();
        assert_eq!(pushed[0]["id"], 7);
        let result = &pushed[0]["result"];
        assert_eq!(result["query"], failures);
        assert_eq!(result["data"]["type"], "tendermint/event/Tx");
        assert_eq!(result["data"]["value"]["TxResult"]["height"], "3");
        // The whole ExecTxResult, `code` included, as CometBFT sends it.
        assert_eq!(result["data"]["value"]["TxResult"]["result"]["code"], 5);
        assert_eq!(result["events"]["tx.hash"], json!([hash]));
        assert_eq!(result["events"]["tm.event"], json!(["Tx"]));
        assert_eq!(result["events"]["message.sender"], json!(["fail"]));

        let pushed = parse(connection.on_event(Ok(new_block)));
        assert_eq!(pushed.len(), 1);
        assert_eq!(pushed[0]["id"], "blocks");
        let data = &pushed[0]["result"]["data"];
        assert_eq!(data["type"], "tendermint/event/NewBlock");
        assert_eq!(data["value"]["block"]["header"]["height"], "3");
        let results = &data["value"]["result_finalize_block"]["tx_results"];
        assert_eq!(results.as_array().unwrap().len(), 2);
    }

    #[test]
    fn subscriptions_are_refused_when_repeated_malformed_or_too_many() {
        let backend = FakeBackend::new();
        let (mut connection, _stop) = connection(&backend);
        subscribe(&mut connection, json!(1), "tm.event='Tx'").unwrap();
        let error = subscribe(&mut connection, json!(2), "tm.event='Tx'").unwrap_err();
        assert_eq!(error.data, "already subscribed");
        let error = subscribe(&mut connection, json!(3), "tm.event=").unwrap_err();
        assert_eq!(error.code, -32602);
        for n in 1..MAX_SUBSCRIPTIONS {
            subscribe(&mut connection, json!(n), &format!("tx.height = {n}")).unwrap();
        }
        let error = subscribe(&mut connection, json!(0), "tx.height = 0").unwrap_err();
        assert_eq!(error.data, "max_subscriptions_per_client 100 reached");
    }

    #[test]
    fn the_last_unsubscribe_stops_receiving_events() {
        let backend = FakeBackend::new();
        let (mut connection, _stop) = connection(&backend);
        subscribe(&mut connection, json!(1), "tm.event='Tx'").unwrap();
        subscribe(&mut connection, json!(2), "tm.event='NewBlock'").unwrap();
        let unsubscribe = |c: &mut Connection, q: &str| c.unsubscribe(json!({ "query": q }));
        unsubscribe(&mut connection, "tm.event='Tx'").unwrap();
        assert!(connection.events.is_some());
        let error = unsubscribe(&mut connection, "tm.event='Tx'").unwrap_err();
        assert_eq!(error.data, "subscription not found");
        connection.unsubscribe_all().unwrap();
        assert!(connection.events.is_none());
        assert!(connection.unsubscribe_all().is_err());
    }

    #[test]
    fn a_connection_that_falls_behind_loses_its_subscriptions_with_an_error() {
        let backend = FakeBackend::new();
        let (mut connection, _stop) = connection(&backend);
        subscribe(&mut connection, json!(1), "tm.event='Tx'").unwrap();
        subscribe(&mut connection, json!("b"), "tm.event='NewBlock'").unwrap();
        let cancelled = parse(connection.on_event(Err(RecvError::Lagged(3))));
        let ids: Vec<_> = cancelled.iter().map(|reply| &reply["id"]).collect();
        assert_eq!(ids, [&json!(1), &json!("b")]);
        assert_eq!(
            cancelled[0]["error"],
            json!({
                "code": -32000,
                "message": "Server error",
                "data": "subscription was canceled (reason: client is not pulling messages fast enough)"
            })
        );
        assert!(connection.subscriptions.is_empty() && connection.events.is_none());
    }
}
