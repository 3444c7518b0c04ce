//! Which key signs for the provider: a key of an `ogpu` keyring (passphrase from an
//! environment variable, since a daemon has no terminal) or a mnemonic from the
//! environment. Secrets never sit in the config file.

use std::path::PathBuf;

use cosmrs::crypto::secp256k1::SigningKey;
use ogpu_client::keys::{self, HdPath, Keyring};
use serde::{Deserialize, Serialize};

use super::error::{DaemonError, DaemonResult};

/// Either `keyring` + `name` (+ `passphrase_env` for an encrypted key), or `mnemonic_env`
/// (+ `hd_path`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeyConfig {
    /// The keyring directory (`<ogpu home>/keys`).
    pub keyring: Option<PathBuf>,
    /// The key's name in the keyring.
    pub name: Option<String>,
    /// The variable holding the keyring passphrase.
    pub passphrase_env: Option<String>,
    /// The variable holding a BIP-39 mnemonic (instead of a keyring).
    pub mnemonic_env: Option<String>,
    /// The mnemonic's derivation path; default `m/44'/118'/0'/0/0`.
    pub hd_path: Option<String>,
}

impl KeyConfig {
    pub(super) fn validate(&self) -> DaemonResult<()> {
        let bad = |why: &str| Err(DaemonError::Config(format!("[key] {why}")));
        match (&self.keyring, &self.name, &self.mnemonic_env) {
            (Some(_), Some(_), None) if self.hd_path.is_none() => Ok(()),
            (None, None, Some(_)) if self.passphrase_env.is_none() => {
                self.path().map(|_| ())
            }
            (Some(_), Some(_), None) => bad("hd_path goes with mnemonic_env, not a keyring key"),
            (None, None, Some(_)) => bad("passphrase_env goes with a keyring key"),
            _ => bad("set either `keyring` and `name` (and `passphrase_env` if the key is encrypted), or `mnemonic_env`"),
        }
    }

    fn path(&self) -> DaemonResult<HdPath> {
        match &self.hd_path {
            None => Ok(HdPath::default()),
            Some(text) => text
                .parse()
                .map_err(|e| DaemonError::Config(format!("[key] hd_path {text:?}: {e}"))),
        }
    }

    /// The key's address with `prefix`: read from the keyring without its passphrase
    /// when the keyring has it, else from the key itself.
    pub fn address(&self, prefix: &str) -> DaemonResult<String> {
        if let (Some(dir), Some(name)) = (&self.keyring, &self.name) {
            if let Ok(info) = Keyring::open(dir).and_then(|k| k.show(name)) {
                return Ok(info.address(prefix)?);
            }
        }
        let signer = ogpu_client::Signer::new(self.signing_key()?, prefix)?;
        Ok(signer.address().to_string())
    }

    /// The signing key, read from the keyring or the environment.
    pub fn signing_key(&self) -> DaemonResult<SigningKey> {
        self.validate()?;
        if let Some(var) = &self.mnemonic_env {
            let mnemonic = keys::mnemonic_from_env(var)?.ok_or_else(|| {
                DaemonError::Config(format!(
                    "[key] mnemonic_env: the variable {var} is not set; export the provider's mnemonic in it"
                ))
            })?;
            return Ok(keys::key_from_mnemonic(&mnemonic, &self.path()?)?);
        }
        let (Some(dir), Some(name)) = (&self.keyring, &self.name) else {
            unreachable!("validated above");
        };
        let keyring = Keyring::open(dir)?;
        let info = keyring.show(name)?;
        let passphrase = match (&self.passphrase_env, info.encrypted) {
            (_, false) => None,
            (None, true) => {
                return Err(DaemonError::Config(format!(
                    "[key] key {name:?} is encrypted: set passphrase_env to a variable holding its passphrase"
                )))
            }
            (Some(var), true) => Some(std::env::var(var).map_err(|_| {
                DaemonError::Config(format!(
                    "[key] passphrase_env: the variable {var} is not set; export the passphrase of key {name:?} in it"
                ))
            })?),
        };
        Ok(keyring.signer(name, passphrase.as_deref())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_source_is_accepted() {
        let keyring = KeyConfig {
            keyring: Some("keys".into()),
            name: Some("provider".into()),
            ..KeyConfig::default()
        };
        assert!(keyring.validate().is_ok());
        let env = KeyConfig {
            mnemonic_env: Some("X".into()),
            hd_path: Some("m/44'/118'/0'/0/3".into()),
            ..KeyConfig::default()
        };
        assert!(env.validate().is_ok());
        let both = KeyConfig {
            mnemonic_env: Some("X".into()),
            ..keyring.clone()
        };
        assert!(both.validate().is_err());
        assert!(KeyConfig::default().validate().is_err());
        let bad_path = KeyConfig {
            hd_path: Some("m/1".into()),
            ..env
        };
        assert!(bad_path
            .validate()
            .unwrap_err()
            .to_string()
            .contains("hd_path"));
    }

    #[test]
    fn an_unset_variable_is_named() {
        let env = KeyConfig {
            mnemonic_env: Some("OGPU_TEST_SURELY_UNSET_MNEMONIC".into()),
            ..KeyConfig::default()
        };
        let err = env.signing_key().err().unwrap();
        assert!(
            err.to_string().contains("OGPU_TEST_SURELY_UNSET_MNEMONIC"),
            "{err}"
        );
    }
}
