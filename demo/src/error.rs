//! What can stop the demo or the report, each with what to do about it.

use ogpu_client::ClientError;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("setting up the market: {0}")]
    Setup(String),
    /// The chain answered something the market's rules say it must not.
    #[error("unexpected: {0}")]
    Unexpected(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

pub type DemoResult<T> = Result<T, DemoError>;
