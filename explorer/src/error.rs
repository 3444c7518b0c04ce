//! What can stop the explorer, each with what to do about it.

use std::path::Path;

use ogpu_client::ClientError;

#[derive(Debug, thiserror::Error)]
pub enum ExplorerError {
    #[error("{0}")]
    Config(String),
    #[error("database {path}: {source}")]
    Db {
        path: String,
        source: rusqlite::Error,
    },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("node: {0}")]
    Rpc(#[from] tendermint_rpc::Error),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Internal(String),
}

impl ExplorerError {
    pub fn db(path: &Path, source: rusqlite::Error) -> Self {
        Self::Db {
            path: path.display().to_string(),
            source,
        }
    }
}

pub type ExplorerResult<T> = Result<T, ExplorerError>;
