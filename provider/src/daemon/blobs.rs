//! Results too large to reveal inline: stored content-addressed (`<dir>/<sha256 hex>`)
//! and served read-only at `<public_url>/blobs/<sha256 hex>`, across restarts, for the
//! retention the provider declares in its metadata (then pruned). The chain carries the
//! digest and the URI; whoever downloads checks the digest, so the server need not be
//! trusted.

use std::path::{Path, PathBuf};

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cosmwasm_std::{HexBinary, Uint64};
use ogpu_types::commitment::sha256;
use ogpu_types::Payload;

/// The store: a directory and the URL it is served at.
#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
    public_url: String,
}

impl BlobStore {
    pub fn open(dir: &Path, public_url: &str) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            public_url: public_url.trim_end_matches('/').to_string(),
        })
    }

    /// Stores `bytes` (written to a temporary file, synced, renamed: a blob is whole or
    /// absent) and returns the reference a reveal publishes.
    pub fn put(&self, bytes: &[u8]) -> std::io::Result<Payload> {
        use std::io::Write;
        let digest = sha256(bytes);
        let name = hex::encode(digest);
        let path = self.dir.join(&name);
        if path.exists() {
            // Stored before: its retention starts again now.
            std::fs::File::options()
                .append(true)
                .open(&path)?
                .set_modified(std::time::SystemTime::now())?;
        } else {
            let tmp = self.dir.join(format!(".{name}.tmp"));
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&tmp, &path)?;
        }
        Ok(Payload::Reference {
            uri: format!("{}/blobs/{name}", self.public_url),
            sha256: HexBinary::from(digest),
            size: Uint64::new(bytes.len() as u64),
        })
    }

    /// Deletes the blobs stored more than `retention` ago (and temporary files a crash
    /// left); how many blobs it deleted.
    pub fn prune(&self, retention: std::time::Duration) -> std::io::Result<usize> {
        let now = std::time::SystemTime::now();
        let mut deleted = 0;
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let modified = entry.metadata()?.modified()?;
            let age = now.duration_since(modified).unwrap_or_default();
            if age > retention {
                std::fs::remove_file(entry.path())?;
                if !entry.file_name().to_string_lossy().starts_with('.') {
                    deleted += 1;
                }
            }
        }
        Ok(deleted)
    }

    /// The blob named `name`, if `name` is a lowercase hex SHA-256 and it is stored.
    fn get(&self, name: &str) -> Option<Vec<u8>> {
        let valid =
            name.len() == 64 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        valid
            .then(|| std::fs::read(self.dir.join(name)).ok())
            .flatten()
    }
}

/// `GET /blobs/{sha256}`.
pub fn router(store: BlobStore) -> Router {
    async fn blob(State(store): State<BlobStore>, UrlPath(name): UrlPath<String>) -> Response {
        match tokio::task::spawn_blocking(move || store.get(&name)).await {
            Ok(Some(bytes)) => {
                ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
            }
            _ => StatusCode::NOT_FOUND.into_response(),
        }
    }
    Router::new()
        .route("/blobs/{name}", get(blob))
        .with_state(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_named_by_their_digest_and_names_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(dir.path(), "http://example.org/").unwrap();
        let Payload::Reference {
            uri,
            sha256: digest,
            size,
        } = store.put(b"result").unwrap()
        else {
            panic!("a reference");
        };
        let name = hex::encode(sha256(b"result"));
        assert_eq!(uri, format!("http://example.org/blobs/{name}"));
        assert_eq!((digest.to_hex(), size.u64()), (name.clone(), 6));
        assert_eq!(store.get(&name).unwrap(), b"result");
        assert_eq!(store.get("../state.redb"), None);
        assert_eq!(store.get(&name.to_uppercase()), None);
        // Kept for the retention, then deleted.
        assert_eq!(store.prune(std::time::Duration::from_secs(60)).unwrap(), 0);
        assert_eq!(store.get(&name).unwrap(), b"result");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(
            store.prune(std::time::Duration::from_millis(10)).unwrap(),
            1
        );
        assert_eq!(store.get(&name), None);
    }
}
