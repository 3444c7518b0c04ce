//! `<home>/client.toml`: the defaults `ogpu config KEY VALUE` sets, with the keys and
//! values of wasmd's client.toml (node, chain-id, keyring-backend, output,
//! broadcast-mode). A flag beats the file; the file beats the chain config (`--config`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::args::OutputFormat;
use crate::error::{CliError, CliResult};

/// Its name in the home directory, as wasmd's `config/client.toml`.
pub const FILE: &str = "client.toml";

/// Every key `ogpu config` knows, in wasmd's spelling.
pub const KEYS: [&str; 5] = [
    "chain-id",
    "keyring-backend",
    "output",
    "node",
    "broadcast-mode",
];

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Settings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyring_backend: Option<KeyringBackend>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<OutputFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broadcast_mode: Option<BroadcastMode>,
}

impl Settings {
    pub fn path(home: &Path) -> PathBuf {
        home.join(FILE)
    }

    /// The file in `home`, or no settings when it does not exist.
    pub fn load(home: &Path) -> CliResult<Self> {
        let path = Self::path(home);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                return Err(CliError::usage(
                    format!("cannot read {}: {e}", path.display()),
                    "check its permissions",
                ))
            }
        };
        toml::from_str(&text).map_err(|e| {
            CliError::usage(
                format!("{} is not valid: {}", path.display(), e.message()),
                format!(
                    "fix it by hand or delete it (its keys: {}), then set values with `ogpu config KEY VALUE`",
                    KEYS.join(", ")
                ),
            )
        })
    }

    /// Writes the file to `home` (creating the directory), replacing it whole.
    pub fn save(&self, home: &Path) -> CliResult<()> {
        let path = Self::path(home);
        let text = toml::to_string(self)
            .map_err(|e| CliError::chain(format!("cannot encode {}: {e}", path.display())))?;
        let temp = home.join(format!(".{FILE}.tmp"));
        std::fs::create_dir_all(home)
            .and_then(|()| std::fs::write(&temp, text))
            .and_then(|()| std::fs::rename(&temp, &path))
            .map_err(|e| {
                CliError::usage(
                    format!("cannot write {}: {e}", path.display()),
                    "check that --home is a directory you may write",
                )
            })
    }

    /// Key `key`'s value as text (`None` when unset).
    pub fn get(&self, key: &str) -> CliResult<Option<String>> {
        Ok(match check_key(key)? {
            "chain-id" => self.chain_id.clone(),
            "keyring-backend" => self.keyring_backend.map(|b| b.to_string()),
            "output" => self.output.map(|o| o.name().to_string()),
            "node" => self.node.clone(),
            _ => self.broadcast_mode.map(|m| m.to_string()),
        })
    }

    /// Sets `key` to `value`, checked as its flag would be.
    pub fn set(&mut self, key: &str, value: &str) -> CliResult<()> {
        let bad = |why: String| CliError::usage(format!("config {key} {value:?}"), why);
        match check_key(key)? {
            "chain-id" if value.trim().is_empty() => {
                return Err(CliError::usage(
                    "config chain-id: the chain id is empty",
                    "give the chain's id, e.g. ogpu-devnet-1",
                ))
            }
            "chain-id" => self.chain_id = Some(value.to_string()),
            "keyring-backend" => self.keyring_backend = Some(value.parse().map_err(bad)?),
            "output" => {
                self.output = Some(match value {
                    "text" => OutputFormat::Text,
                    "json" => OutputFormat::Json,
                    _ => {
                        return Err(CliError::usage(
                            format!("config output {value:?} is not an output format"),
                            "give text or json",
                        ))
                    }
                })
            }
            "node" => self.node = Some(crate::node::normalize(value)?),
            _ => self.broadcast_mode = Some(value.parse().map_err(bad)?),
        }
        Ok(())
    }
}

fn check_key(key: &str) -> CliResult<&'static str> {
    let canonical = key.replace('_', "-");
    KEYS.iter()
        .find(|k| **k == canonical)
        .copied()
        .ok_or_else(|| {
            CliError::usage(
                format!("unknown config key {key:?}"),
                format!("use one of {}", KEYS.join(", ")),
            )
        })
}

/// How new and imported keys are stored (the SDK's `--keyring-backend`). Both live in
/// `<home>/keys`, one file per key that says whether it is encrypted, so reading works the
/// same for both: an encrypted key asks its passphrase whatever the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyringBackend {
    /// Encrypted under a passphrase.
    File,
    /// Unencrypted, as the SDK's test backend: tests and CI only.
    Test,
}

impl FromStr for KeyringBackend {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "file" => Ok(Self::File),
            "test" => Ok(Self::Test),
            "os" | "kwallet" | "pass" | "memory" => Err(format!(
                "the {s} keyring backend is not supported: ogpu keeps its keys in files under \
                 <home>/keys; use file (encrypted, the default) or test (unencrypted, tests only)"
            )),
            _ => Err(format!(
                "{s:?} is not a keyring backend: use file (encrypted) or test (unencrypted)"
            )),
        }
    }
}

impl fmt::Display for KeyringBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::File => "file",
            Self::Test => "test",
        })
    }
}

/// When a transaction command returns (the SDK's `--broadcast-mode`, plus ogpu's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BroadcastMode {
    /// Once the tx is in a block, with what it did (ogpu's default; the SDK's removed
    /// `block` mode did the same).
    #[default]
    Wait,
    /// Once the node's CheckTx accepted it (the SDK's default).
    Sync,
    /// As soon as it is sent.
    Async,
}

impl FromStr for BroadcastMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "wait" => Ok(Self::Wait),
            "sync" => Ok(Self::Sync),
            "async" => Ok(Self::Async),
            // The SDK's own words since 0.47, which removed the mode.
            "block" => Err(
                "unsupported broadcast mode block; supported types: sync, async \
                 (block was removed in Cosmos SDK 0.47: use sync and then `ogpu query tx \
                 HASH`, or leave --broadcast-mode out: ogpu then waits for the block itself)"
                    .into(),
            ),
            _ => Err(format!(
                "{s:?} is not a broadcast mode: use sync, async or wait (the default)"
            )),
        }
    }
}

impl fmt::Display for BroadcastMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Wait => "wait",
            Self::Sync => "sync",
            Self::Async => "async",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_checks_values_and_save_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::load(dir.path()).unwrap();
        assert_eq!(settings, Settings::default());
        settings.set("node", "tcp://127.0.0.1:26657").unwrap();
        settings.set("chain_id", "test-1").unwrap();
        settings.set("keyring-backend", "test").unwrap();
        settings.set("output", "json").unwrap();
        settings.set("broadcast-mode", "sync").unwrap();
        for (key, value, needle) in [
            ("keyring-backend", "os", "not supported"),
            ("broadcast-mode", "block", "sync, async"),
            ("output", "yaml", "text or json"),
            ("node", "localhost:1", "no scheme"),
            ("gas", "1", "unknown config key"),
            ("chain-id", " ", "empty"),
        ] {
            let err = settings.clone().set(key, value).unwrap_err();
            assert!(err.message.contains(needle), "{key}: {}", err.message);
        }
        settings.save(dir.path()).unwrap();
        let loaded = Settings::load(dir.path()).unwrap();
        assert_eq!(loaded, settings);
        assert_eq!(loaded.node.as_deref(), Some("http://127.0.0.1:26657"));
        assert_eq!(loaded.get("output").unwrap().as_deref(), Some("json"));
        std::fs::write(Settings::path(dir.path()), "gas = 1\n").unwrap();
        assert!(Settings::load(dir.path()).is_err());
    }
}
