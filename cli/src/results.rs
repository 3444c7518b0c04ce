//! Results kept on the client's machine: `ogpu task publish --wait`, `task watch` and
//! `task result` store every result they fetched and verified, so a result the client
//! paid for does not depend on the provider's server staying up (a provider serves large
//! results only for the retention it declares). Stored as
//! `<home>/results/<registry address>/<task id>.bin`, the plaintext (opened with the
//! client's key when sealed), readable by the owner only; a stored result is used again
//! only if it still hashes to the digest the chain recorded for the task.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{CliError, CliResult};

pub struct ResultStore {
    dir: PathBuf,
}

impl ResultStore {
    /// The store of the deployment whose registry is `registry`, under `home`.
    pub fn new(home: &Path, registry: &str) -> Self {
        Self {
            dir: home.join("results").join(registry),
        }
    }

    pub fn path(&self, task_id: u64) -> PathBuf {
        self.dir.join(format!("{task_id}.bin"))
    }

    /// The stored result of `task_id`, if there is one that hashes to `digest`.
    pub fn get(&self, task_id: u64, digest: &[u8]) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.path(task_id)).ok()?;
        (Sha256::digest(&bytes).as_slice() == digest).then_some(bytes)
    }

    /// Stores `bytes` as the result of `task_id` (a temporary file renamed into place,
    /// owner-only); where.
    pub fn put(&self, task_id: u64, bytes: &[u8]) -> CliResult<PathBuf> {
        let fail = |e: std::io::Error| {
            CliError::usage(
                format!("cannot store the result in {}: {e}", self.dir.display()),
                "check that the home directory is writable (or pass --home)",
            )
        };
        std::fs::create_dir_all(&self.dir).map_err(fail)?;
        let path = self.path(task_id);
        let tmp = self.dir.join(format!(".{task_id}.tmp"));
        write_private(&tmp, bytes).map_err(fail)?;
        std::fs::rename(&tmp, &path).map_err(fail)?;
        Ok(path)
    }
}

/// Writes `bytes` to a new file only its owner may read, synced to disk.
#[cfg(unix)]
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_result_is_used_only_while_it_matches_its_digest() {
        let home = tempfile::tempdir().unwrap();
        let store = ResultStore::new(home.path(), "wasm1registry");
        let digest = Sha256::digest(b"result");
        assert_eq!(store.get(7, &digest), None);
        let path = store.put(7, b"result").unwrap();
        assert!(path.ends_with("results/wasm1registry/7.bin"));
        assert_eq!(store.get(7, &digest).unwrap(), b"result");
        std::fs::write(&path, b"changed").unwrap();
        assert_eq!(store.get(7, &digest), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            store.put(8, b"x").unwrap();
            let mode = std::fs::metadata(store.path(8))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
