//! The REST server: grpc-gateway's paths over the gRPC methods, answers as the SDK's JSON
//! (`json`), errors as grpc-gateway's `{code, message, details}`.

use std::future::Future;

use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine;
use cosmrs::proto::cosmos::base::query::v1beta1::PageRequest;
use tokio::net::TcpListener;
use tonic::Status;

use super::json::Gateway;
use super::status::rest_error;
use super::Api;
use crate::rpc::server::MAX_BODY_BYTES;

/// Serves REST on `listener` until `shutdown` completes, then finishes the calls in progress.
pub async fn serve(
    listener: TcpListener,
    api: Api,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = Router::new()
        .merge(super::auth::routes())
        .merge(super::bank::routes())
        .merge(super::consensus::routes())
        .merge(super::node::routes())
        .merge(super::tx::routes())
        .merge(super::wasm::routes())
        // grpc-gateway's answer to a path it does not route.
        .fallback(|| async { rest_error(&Status::not_found("Not Found")) })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(api);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// A gRPC answer as REST: the message's JSON, or the status as grpc-gateway's error.
pub(super) fn reply<T: Gateway>(answer: Result<T, Status>) -> Response {
    match answer {
        Ok(message) => Json(message.json()).into_response(),
        Err(status) => rest_error(&status),
    }
}

/// The query string, read as grpc-gateway reads it: a field by its proto name or its JSON
/// (lowerCamelCase) name — cosmpy sends `pagination.countTotal` — repeated keys for a list.
pub(super) struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn all(&self, field: &str) -> Vec<String> {
        let camel = lower_camel(field);
        self.0
            .iter()
            .filter(|(key, _)| *key == field || *key == camel)
            .map(|(_, value)| value.clone())
            .collect()
    }

    pub fn string(&self, field: &str) -> String {
        self.all(field).pop().unwrap_or_default()
    }

    pub fn number<T>(&self, field: &str) -> Result<T, Status>
    where
        T: std::str::FromStr + Default,
        T::Err: std::fmt::Display,
    {
        match self.all(field).pop() {
            None => Ok(T::default()),
            Some(text) => text.parse().map_err(|e| mismatch(field, e)),
        }
    }

    /// `pagination.key` / `.offset` / `.limit` / `.count_total` / `.reverse`.
    pub fn pagination(&self) -> Result<Option<PageRequest>, Status> {
        let key = match self.all("pagination.key").pop() {
            Some(text) => bytes("pagination.key", &text)?,
            None => Vec::new(),
        };
        let page = PageRequest {
            key,
            offset: self.number("pagination.offset")?,
            limit: self.number("pagination.limit")?,
            count_total: self.number("pagination.count_total")?,
            reverse: self.number("pagination.reverse")?,
        };
        Ok((page != PageRequest::default()).then_some(page))
    }
}

/// A field of a JSON request body, by its proto or its JSON name.
pub(super) fn field<'a>(body: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    body.get(name).or_else(|| body.get(lower_camel(name)))
}

/// `pagination.count_total` → `pagination.countTotal`.
fn lower_camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// A `bytes` field in a path or query: base64, standard or URL-safe, padded or not.
pub(super) fn bytes(field: &str, text: &str) -> Result<Vec<u8>, Status> {
    let padded = format!("{text}{}", "=".repeat((4 - text.len() % 4) % 4));
    STANDARD
        .decode(&padded)
        .or_else(|_| URL_SAFE.decode(&padded))
        .map_err(|e| mismatch(field, e))
}

/// grpc-gateway's wording for a parameter it cannot convert.
fn mismatch(field: &str, error: impl std::fmt::Display) -> Status {
    Status::invalid_argument(format!("type mismatch, parameter: {field}, error: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_by_proto_and_json_name() {
        let params = Params(vec![
            ("pagination.countTotal".into(), "true".into()),
            ("pagination.limit".into(), "2".into()),
            ("events".into(), "a.b='c'".into()),
            ("events".into(), "d.e='f'".into()),
        ]);
        let page = params.pagination().unwrap().unwrap();
        assert!(page.count_total);
        assert_eq!(page.limit, 2);
        assert_eq!(params.all("events").len(), 2);
        assert!(Params(vec![]).pagination().unwrap().is_none());
        let bad = Params(vec![("pagination.limit".into(), "x".into())]);
        let status = bad.pagination().unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().contains("pagination.limit"));
    }

    #[test]
    fn bytes_take_either_base64_alphabet_with_or_without_padding() {
        assert_eq!(bytes("q", "e30=").unwrap(), b"{}");
        assert_eq!(bytes("q", "e30").unwrap(), b"{}");
        assert_eq!(bytes("q", "-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(bytes("q", "+/8").unwrap(), [0xfb, 0xff]);
        assert!(bytes("q", "!!").is_err());
    }
}
