//! The keyring: a directory of key files, and what the CLI and the daemon do with it.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use bip39::Mnemonic;
use cosmrs::crypto::secp256k1::SigningKey;
use zeroize::Zeroizing;

use super::file::{self, Record, SecretKind, StoredSecret};
use super::hd::{self, HdPath};
use super::seal::{self, KdfParams};
use super::KeyError;
use crate::sealing::ResultKey;

/// A keyring directory (mode 0700) holding one file per key (`<name>.json`, mode 0600).
#[derive(Clone, Debug)]
pub struct Keyring {
    dir: PathBuf,
    kdf: KdfParams,
}

/// How a new key's mnemonic is stored.
#[derive(Clone, Copy)]
pub enum Protection<'a> {
    /// Encrypted under this passphrase (argon2id + XChaCha20-Poly1305). Must not be empty.
    Passphrase(&'a str),
    /// In clear in the key file: for tests and CI only (`--unsafe-plaintext`).
    UnsafePlaintext,
}

impl fmt::Debug for Protection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protection::Passphrase(_) => f.write_str("Passphrase(<redacted>)"),
            Protection::UnsafePlaintext => f.write_str("UnsafePlaintext"),
        }
    }
}

/// A key's public description, readable without its passphrase. In JSON, `address_bytes` is
/// hex; the bech32 address depends on the chain's prefix: see [`KeyInfo::address`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyInfo {
    pub name: String,
    /// RIPEMD-160(SHA-256(public key)): 20 bytes.
    #[serde(with = "hex_bytes")]
    pub address_bytes: Vec<u8>,
    /// The compressed secp256k1 public key, 33 bytes in hex.
    pub public_key_hex: String,
    pub coin_type: u32,
    pub account: u32,
    pub index: u32,
    /// Whether the mnemonic is encrypted (false: stored with `--unsafe-plaintext`).
    pub encrypted: bool,
    /// Whether the key was imported as a bare private key ([`Keyring::import_private_key`]):
    /// it has no mnemonic, and its HD path fields say nothing.
    #[serde(default)]
    pub imported: bool,
}

impl KeyInfo {
    /// The bech32 address under `prefix`, e.g. `wasm1…`.
    pub fn address(&self, prefix: &str) -> Result<String, KeyError> {
        cosmrs::AccountId::new(prefix, &self.address_bytes)
            .map(|id| id.to_string())
            .map_err(|e| KeyError::InvalidPrefix {
                prefix: prefix.to_owned(),
                reason: e.to_string(),
            })
    }

    /// The HD path the key was derived at.
    pub fn hd_path(&self) -> HdPath {
        HdPath {
            coin_type: self.coin_type,
            account: self.account,
            index: self.index,
        }
    }
}

impl Record {
    fn info(&self) -> KeyInfo {
        KeyInfo {
            name: self.name.clone(),
            address_bytes: self.address.clone(),
            public_key_hex: hex::encode(&self.public_key),
            coin_type: self.hd_path.coin_type,
            account: self.hd_path.account,
            index: self.hd_path.index,
            encrypted: matches!(self.secret, StoredSecret::Encrypted(_)),
            imported: self.kind == SecretKind::PrivateKey,
        }
    }
}

impl Keyring {
    /// Opens the keyring in `dir`, creating it (and missing parents) with mode 0700 if needed.
    /// Keys are encrypted with [`KdfParams::DEFAULT`]; see [`Keyring::with_kdf_params`].
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, KeyError> {
        let dir = dir.into();
        match fs::metadata(&dir) {
            Ok(meta) if meta.is_dir() => file::warn_if_loose(&dir, &meta, 0o700),
            Ok(_) => {
                return Err(KeyError::io(
                    &dir,
                    io::Error::other("it exists but is not a directory"),
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let mut builder = fs::DirBuilder::new();
                builder.recursive(true);
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
                builder.create(&dir).map_err(|e| KeyError::io(&dir, e))?;
            }
            Err(e) => return Err(KeyError::io(&dir, e)),
        }
        Ok(Keyring {
            dir,
            kdf: KdfParams::DEFAULT,
        })
    }

    /// Encrypts new keys with `params` instead of [`KdfParams::DEFAULT`] (tests use
    /// [`KdfParams::INSECURE_FOR_TESTS`]). Existing keys open with the parameters stored in
    /// their files, whatever these are.
    pub fn with_kdf_params(mut self, params: KdfParams) -> Self {
        self.kdf = params;
        self
    }

    /// The keyring directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file key `name` is (or would be) stored in.
    pub fn key_path(&self, name: &str) -> Result<PathBuf, KeyError> {
        file::validate_name(name)?;
        Ok(file::key_path(&self.dir, name))
    }

    /// Whether key `name` exists.
    pub fn contains(&self, name: &str) -> Result<bool, KeyError> {
        let path = self.key_path(name)?;
        path.try_exists().map_err(|e| KeyError::io(&path, e))
    }

    /// Creates key `name` from a new random 24-word mnemonic and returns it with the mnemonic,
    /// which the caller shows once: it is the only backup of the key.
    pub fn add(
        &self,
        name: &str,
        protection: Protection,
        path: HdPath,
    ) -> Result<(KeyInfo, Mnemonic), KeyError> {
        self.check_new(name, protection, &path)?;
        let mnemonic = hd::generate_mnemonic()?;
        let info = self.store_mnemonic(name, &mnemonic, protection, path)?;
        Ok((info, mnemonic))
    }

    /// Creates key `name` from an existing mnemonic (12 to 24 words).
    pub fn recover(
        &self,
        name: &str,
        mnemonic: &str,
        protection: Protection,
        path: HdPath,
    ) -> Result<KeyInfo, KeyError> {
        self.check_new(name, protection, &path)?;
        let mnemonic = hd::parse_mnemonic(mnemonic)?;
        self.store_mnemonic(name, &mnemonic, protection, path)
    }

    /// Every key, sorted by name. Files whose names are not `<valid key name>.json` (such as
    /// the temporary files of a write in progress) are skipped; a damaged key file is an error.
    pub fn list(&self) -> Result<Vec<KeyInfo>, KeyError> {
        let entries = fs::read_dir(&self.dir).map_err(|e| KeyError::io(&self.dir, e))?;
        let mut keys = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| KeyError::io(&self.dir, e))?;
            let file_name = entry.file_name();
            let Some(name) = file_name
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .filter(|n| file::validate_name(n).is_ok())
            else {
                continue;
            };
            keys.push(file::read(&self.dir, name)?.info());
        }
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(keys)
    }

    /// Key `name`'s public description; needs no passphrase.
    pub fn show(&self, name: &str) -> Result<KeyInfo, KeyError> {
        file::validate_name(name)?;
        Ok(file::read(&self.dir, name)?.info())
    }

    /// Deletes key `name`. Without a backup of its mnemonic the key is gone for good.
    pub fn delete(&self, name: &str) -> Result<(), KeyError> {
        file::validate_name(name)?;
        file::remove(&self.dir, name)
    }

    /// Key `name`'s signing key. `passphrase` is needed for an encrypted key and ignored for a
    /// plaintext one.
    pub fn signer(&self, name: &str, passphrase: Option<&str>) -> Result<SigningKey, KeyError> {
        let secret = self.private_key(name, passphrase)?;
        SigningKey::from_slice(secret.as_slice())
            .map_err(|e| KeyError::corrupt(file::key_path(&self.dir, name), e.to_string()))
    }

    /// The key's result key: the X25519 key its tasks' results are sealed to, derived from
    /// the account key (see [`crate::sealing`]), so a client has nothing more to keep.
    pub fn result_key(&self, name: &str, passphrase: Option<&str>) -> Result<ResultKey, KeyError> {
        Ok(ResultKey::derive(&self.account(name, passphrase)?))
    }

    /// The key's secp256k1 private key (32 bytes, big-endian), for exporting it to another
    /// keyring (`ogpu keys export`).
    pub fn private_key(
        &self,
        name: &str,
        passphrase: Option<&str>,
    ) -> Result<Zeroizing<[u8; 32]>, KeyError> {
        Ok(Zeroizing::new(
            self.account(name, passphrase)?.to_bytes().into(),
        ))
    }

    /// Stores `secret`, a secp256k1 private key another keyring exported (it has no
    /// mnemonic: back up the key file, or export it again).
    pub fn import_private_key(
        &self,
        name: &str,
        secret: &[u8; 32],
        protection: Protection,
    ) -> Result<KeyInfo, KeyError> {
        let hd_path = HdPath::default();
        self.check_new(name, protection, &hd_path)?;
        let key = SigningKey::from_slice(secret).map_err(|_| {
            KeyError::InvalidPrivateKey("it is not a valid secp256k1 private key".into())
        })?;
        let text = Zeroizing::new(hex::encode(secret));
        self.store(
            name,
            &key,
            &text,
            SecretKind::PrivateKey,
            protection,
            hd_path,
        )
    }

    /// The key's account key (the BIP-32 key at its path, or the imported private key),
    /// decrypted with `passphrase` and checked against the stored public key.
    fn account(
        &self,
        name: &str,
        passphrase: Option<&str>,
    ) -> Result<bip32::secp256k1::ecdsa::SigningKey, KeyError> {
        file::validate_name(name)?;
        let path = file::key_path(&self.dir, name);
        let record = file::read(&self.dir, name)?;
        let phrase: Zeroizing<String> = match (&record.secret, passphrase) {
            (StoredSecret::Plaintext(phrase), _) => phrase.clone(),
            (StoredSecret::Encrypted(_), None) => {
                return Err(KeyError::PassphraseRequired {
                    name: name.to_owned(),
                })
            }
            (StoredSecret::Encrypted(sealed), Some(passphrase)) => {
                let plaintext = seal::open(sealed, passphrase, &record.associated_data())
                    .map_err(|e| KeyError::corrupt(&path, e.to_string()))?
                    .ok_or_else(|| KeyError::WrongPassphrase {
                        name: name.to_owned(),
                        path: path.clone(),
                    })?;
                let text = std::str::from_utf8(&plaintext)
                    .map_err(|_| KeyError::corrupt(&path, "its decrypted mnemonic is not UTF-8"))?;
                Zeroizing::new(text.to_owned())
            }
        };
        let account = match record.kind {
            SecretKind::Mnemonic => {
                let mnemonic = hd::parse_mnemonic(&phrase).map_err(|e| match e {
                    KeyError::InvalidMnemonic(detail) => KeyError::corrupt(
                        &path,
                        format!("its stored mnemonic is invalid ({detail})"),
                    ),
                    other => other,
                })?;
                hd::derive_xprv(&mnemonic, &record.hd_path)?
                    .private_key()
                    .clone()
            }
            SecretKind::PrivateKey => {
                let bytes =
                    Zeroizing::new(hex::decode(phrase.as_str()).map_err(|_| {
                        KeyError::corrupt(&path, "its stored private key is not hex")
                    })?);
                bip32::secp256k1::ecdsa::SigningKey::from_slice(&bytes).map_err(|_| {
                    KeyError::corrupt(&path, "its stored private key is not a secp256k1 key")
                })?
            }
        };
        let public_key = account.verifying_key().to_encoded_point(true);
        if public_key.as_bytes() != record.public_key.as_slice() {
            let why = match record.kind {
                SecretKind::Mnemonic => format!(
                    "its mnemonic does not derive its public_key at {}",
                    record.hd_path
                ),
                SecretKind::PrivateKey => "its private key is not its public_key's".into(),
            };
            return Err(KeyError::corrupt(&path, why));
        }
        Ok(account)
    }

    /// The checks `add` and `recover` make before any expensive or random work.
    fn check_new(&self, name: &str, protection: Protection, path: &HdPath) -> Result<(), KeyError> {
        let file_path = self.key_path(name)?;
        path.validate()?;
        if let Protection::Passphrase("") = protection {
            return Err(KeyError::EmptyPassphrase);
        }
        if file_path
            .try_exists()
            .map_err(|e| KeyError::io(&file_path, e))?
        {
            return Err(KeyError::AlreadyExists {
                name: name.to_owned(),
                path: file_path,
            });
        }
        Ok(())
    }

    fn store_mnemonic(
        &self,
        name: &str,
        mnemonic: &Mnemonic,
        protection: Protection,
        hd_path: HdPath,
    ) -> Result<KeyInfo, KeyError> {
        let key = hd::derive(mnemonic, &hd_path)?;
        let phrase = Zeroizing::new(mnemonic.to_string());
        self.store(
            name,
            &key,
            &phrase,
            SecretKind::Mnemonic,
            protection,
            hd_path,
        )
    }

    /// Writes a new key file for `key`, whose secret as stored is `phrase` (the mnemonic,
    /// or the private key in hex).
    fn store(
        &self,
        name: &str,
        key: &SigningKey,
        phrase: &Zeroizing<String>,
        kind: SecretKind,
        protection: Protection,
        hd_path: HdPath,
    ) -> Result<KeyInfo, KeyError> {
        let public_key = key.public_key();
        let address = file::address_bytes(&public_key);
        let public_key = public_key.to_bytes();
        let phrase = phrase.clone();
        let secret = match protection {
            Protection::Passphrase(passphrase) => {
                let aad = file::associated_data(name, &hd_path, &public_key, &address, kind);
                StoredSecret::Encrypted(seal::seal(phrase.as_bytes(), passphrase, &aad, self.kdf)?)
            }
            Protection::UnsafePlaintext => {
                tracing::warn!(
                    key = name,
                    "storing the key unencrypted (--keyring-backend test): anyone who can read \
                     the key file can spend from this key"
                );
                StoredSecret::Plaintext(phrase)
            }
        };
        let record = Record {
            name: name.to_owned(),
            hd_path,
            public_key,
            address,
            kind,
            secret,
        };
        file::write_new(&self.dir, name, record.to_json().as_bytes())?;
        Ok(record.info())
    }
}

/// `Vec<u8>` as a hex string in serde.
mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        hex::decode(text).map_err(serde::de::Error::custom)
    }
}
