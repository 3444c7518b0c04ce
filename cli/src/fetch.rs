//! Fetching a payload stored by reference (`ogpu task result`): `http(s)://` with a small
//! client, `file://` from the local disk; [`reference`] checks the bytes against the
//! reference's sha256 and size, since whoever serves them is not trusted.

use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::error::{CliError, CliResult};

/// How long a download may take.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The bytes of a `Payload::Reference { uri, sha256, size }`: fetched, then checked.
pub async fn reference(uri: &str, sha256: &[u8], size: u64) -> CliResult<Vec<u8>> {
    let bytes = fetch(uri, size).await?;
    let actual = Sha256::digest(&bytes);
    if actual.as_slice() != sha256 || bytes.len() as u64 != size {
        return Err(CliError::chain(format!(
            "{uri} serves other bytes than the reference names (sha256 {}, {size} bytes): got sha256 {}, {} bytes; the storage lost or changed them",
            hex::encode(sha256),
            hex::encode(actual),
            bytes.len()
        )));
    }
    Ok(bytes)
}

/// The bytes at `uri`, refusing more than `size` bytes.
pub async fn fetch(uri: &str, size: u64) -> CliResult<Vec<u8>> {
    let bytes = if let Some(path) = uri.strip_prefix("file://") {
        std::fs::read(path).map_err(|e| {
            CliError::usage(
                format!("cannot read {uri}: {e}"),
                "check that the file is on this machine",
            )
        })?
    } else if uri.starts_with("http://") || uri.starts_with("https://") {
        http(uri, size).await?
    } else {
        let scheme = uri.split_once(':').map_or(uri, |(s, _)| s);
        return Err(CliError::usage(
            format!("cannot fetch {uri}: the {scheme:?} scheme is not supported"),
            "fetch it yourself (http, https and file are supported) and check its sha256 against `ogpu task responses`",
        ));
    };
    if bytes.len() as u64 > size {
        return Err(CliError::chain(format!(
            "{uri} holds {} bytes, but the result has {size}: the storage serves other data",
            bytes.len()
        )));
    }
    Ok(bytes)
}

async fn http(uri: &str, size: u64) -> CliResult<Vec<u8>> {
    let fail = |e: reqwest::Error| {
        CliError::chain(format!(
            "cannot download {uri}: {e}: check the URL and your connection"
        ))
    };
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .map_err(fail)?;
    let mut response = client.get(uri).send().await.map_err(fail)?;
    if !response.status().is_success() {
        return Err(CliError::chain(format!(
            "cannot download {uri}: HTTP {}: check the URL",
            response.status()
        )));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(fail)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > size {
            break;
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_and_unknown_schemes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.bin");
        std::fs::write(&path, b"abc").unwrap();
        let uri = format!("file://{}", path.display());
        assert_eq!(fetch(&uri, 3).await.unwrap(), b"abc");
        assert!(fetch(&uri, 2)
            .await
            .unwrap_err()
            .message
            .contains("other data"));
        let digest = Sha256::digest(b"abc");
        assert_eq!(reference(&uri, &digest, 3).await.unwrap(), b"abc");
        let err = reference(&uri, &[0; 32], 3).await.unwrap_err();
        assert!(
            err.message.contains("serves other bytes"),
            "{}",
            err.message
        );
        let err = reference(&uri, &digest, 4).await.unwrap_err();
        assert!(err.message.contains("3 bytes"), "{}", err.message);
        assert!(fetch("ipfs://Qm", 3)
            .await
            .unwrap_err()
            .message
            .contains("not supported"));
    }

    #[tokio::test]
    async fn http_downloads_stop_past_the_declared_size() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/result.bin", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0u8; 1024];
                let _ = socket.read(&mut request).await;
                let body = b"0123456789";
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body).await;
            }
        });
        assert_eq!(fetch(&url, 10).await.unwrap(), b"0123456789");
        assert!(fetch(&url, 4)
            .await
            .unwrap_err()
            .message
            .contains("other data"));
    }
}
