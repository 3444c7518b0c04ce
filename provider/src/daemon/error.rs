//! Why the daemon could not start or stopped. Failures of single tasks are not errors of
//! the daemon: they are logged and counted, and the task is skipped.

use ogpu_client::keys::KeyError;
use ogpu_client::ClientError;

use crate::DeviceError;

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// A configuration value is wrong; the message says which and how to fix it.
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The durable state could not be read or written.
    #[error("state store: {0}")]
    State(String),
    /// A listener (blob server, metrics) could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

pub type DaemonResult<T> = Result<T, DaemonError>;
