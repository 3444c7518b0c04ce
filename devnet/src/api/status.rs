//! Errors of both servers: a chain error becomes the gRPC status the SDK's handlers return
//! for it, and a status becomes the REST reply grpc-gateway writes (`{code, message,
//! details}` with its HTTP status).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use tonic::{Code, Status};

use crate::query::{NOT_FOUND_PREFIX, NOT_FOUND_SUFFIX};

/// The status of a failed query or check, from its ABCI codespace, code and log. Bad input
/// is `InvalidArgument` and missing things `NotFound`, as the SDK's and wasmd's gRPC
/// handlers answer; other module errors are `Unknown`, as the SDK's registered errors are.
pub(crate) fn from_chain(codespace: &str, code: u32, log: &str) -> Status {
    let grpc = match (codespace, code) {
        // decode, invalid address / pubkey / coins / request, invalid query data
        ("sdk", 2 | 7 | 8 | 10 | 18) => Code::InvalidArgument,
        // key not found (a gRPC NotFound through ABCI), not found; wasmd's not found, no
        // such contract, no such code
        ("sdk", 22 | 38) | ("wasm", 8 | 22 | 28) => Code::NotFound,
        ("sdk", 6) => Code::Unimplemented,
        _ => Code::Unknown,
    };
    // The SDK wraps a handler's NotFound for ABCI (`query::not_found`); gRPC has it bare.
    let message = log
        .strip_prefix(NOT_FOUND_PREFIX)
        .and_then(|rest| rest.strip_suffix(NOT_FOUND_SUFFIX))
        .unwrap_or(log);
    Status::new(grpc, message)
}

/// A method of a served service that the devnet does not implement.
pub(crate) fn unimplemented(method: &str) -> Status {
    Status::unimplemented(format!("ogpu-devnet does not serve {method}"))
}

/// grpc-gateway's reply for a failed call (`runtime.DefaultHTTPErrorHandler`).
pub(crate) fn rest_error(status: &Status) -> Response {
    let body = json!({
        "code": status.code() as i32,
        "message": status.message(),
        "details": [],
    });
    (http_status(status.code()), Json(body)).into_response()
}

/// grpc-gateway's `HTTPStatusFromCode`.
fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::Cancelled => StatusCode::REQUEST_TIMEOUT,
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
            StatusCode::BAD_REQUEST
        }
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
