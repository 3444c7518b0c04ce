//! Inputs and kernel sources given by URI, fetched over HTTP(S) for the executor (which
//! checks every byte string against the task's size and SHA-256 itself).

use std::sync::OnceLock;
use std::time::Duration;

use tokio::runtime::Handle;

use crate::input::InputSource;

/// How long one download may take.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Fetches `http(s)://` URIs on the daemon's runtime, from the executor's blocking thread.
/// One per daemon: its HTTP client (connection pool, TLS roots) is built on first use.
pub struct HttpSource {
    runtime: Handle,
    client: OnceLock<Result<reqwest::Client, String>>,
}

impl HttpSource {
    pub fn new(runtime: Handle) -> Self {
        Self {
            runtime,
            client: OnceLock::new(),
        }
    }

    async fn get(&self, uri: &str, max_bytes: u64) -> Result<Vec<u8>, String> {
        let client = self
            .client
            .get_or_init(|| {
                reqwest::Client::builder()
                    .timeout(TIMEOUT)
                    .build()
                    .map_err(|e| format!("no HTTP client: {e}"))
            })
            .as_ref()?;
        let response = client
            .get(uri)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| e.without_url().to_string())?;
        if response.content_length().is_some_and(|n| n > max_bytes) {
            return Err(format!("more than {max_bytes} bytes"));
        }
        let mut bytes = Vec::new();
        let mut response = response;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| e.without_url().to_string())?
        {
            if (bytes.len() + chunk.len()) as u64 > max_bytes {
                return Err(format!("more than {max_bytes} bytes"));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

impl InputSource for HttpSource {
    fn fetch(&self, uri: &str, max_bytes: u64) -> Result<Vec<u8>, String> {
        if !(uri.starts_with("http://") || uri.starts_with("https://")) {
            let scheme = uri.split_once(':').map_or(uri, |(s, _)| s);
            return Err(format!(
                "the {scheme:?} scheme is not supported (http, https)"
            ));
        }
        self.runtime.block_on(self.get(uri, max_bytes))
    }
}
