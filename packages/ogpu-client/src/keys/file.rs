//! The key file: one JSON document per key, `<keyring dir>/<name>.json`, mode 0600, written
//! atomically and never over an existing file. The format is described in [`super`].

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use zeroize::{Zeroize, Zeroizing};

use super::hd::HdPath;
use super::seal::{KdfParams, Sealed, ARGON2_VERSION, NONCE_LEN};
use super::KeyError;

/// The format version this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Key names: at most this many characters from `[a-zA-Z0-9_-]`.
pub const MAX_NAME_LEN: usize = 64;
/// A key file is a few hundred bytes; anything much larger is not one.
const MAX_FILE_LEN: u64 = 64 * 1024;
/// The prefix of the associated data, so it can never be confused with another format's.
const AAD_DOMAIN: &str = "ogpu-keyring-v1";

/// Checks a key name: 1 to 64 characters from `[a-zA-Z0-9_-]`, so it is always a plain file
/// name (no separators, no `..`, no hidden files).
pub fn validate_name(name: &str) -> Result<(), KeyError> {
    let invalid = |reason: String| KeyError::InvalidName {
        name: name.to_owned(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("it is empty".into()));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(invalid(format!("it contains {c:?}")));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(invalid(format!("it has {} characters", name.len())));
    }
    Ok(())
}

/// The path of key `name`'s file (the name must be valid).
pub(crate) fn key_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.json"))
}

/// What a key's secret is: the mnemonic it was derived from, or (for a key imported from
/// another keyring's export) the raw secp256k1 private key, 32 bytes in hex.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SecretKind {
    #[default]
    Mnemonic,
    PrivateKey,
}

impl SecretKind {
    fn is_mnemonic(&self) -> bool {
        *self == SecretKind::Mnemonic
    }
}

/// A key's secret as stored.
pub(crate) enum StoredSecret {
    Encrypted(Sealed),
    Plaintext(Zeroizing<String>),
}

/// A key file, decoded and checked: the name is valid, the public key is a secp256k1 point and
/// the address is its hash. Whether the secret matches is checked when it is unlocked.
pub(crate) struct Record {
    pub name: String,
    pub hd_path: HdPath,
    /// The compressed SEC1 public key (33 bytes).
    pub public_key: Vec<u8>,
    /// RIPEMD-160(SHA-256(public key)), 20 bytes: the address under any bech32 prefix.
    pub address: Vec<u8>,
    pub kind: SecretKind,
    pub secret: StoredSecret,
}

/// The associated data an encrypted secret is bound to: every public field of the file
/// (`secret_kind` only when it is not the mnemonic, so older files keep their bytes).
pub(crate) fn associated_data(
    name: &str,
    hd_path: &HdPath,
    public_key: &[u8],
    address: &[u8],
    kind: SecretKind,
) -> Vec<u8> {
    let kind = match kind {
        SecretKind::Mnemonic => "",
        SecretKind::PrivateKey => "secret_kind=private_key\n",
    };
    format!(
        "{AAD_DOMAIN}\nname={name}\nhd_path={hd_path}\npublic_key={}\naddress={}\n{kind}",
        hex::encode(public_key),
        hex::encode(address)
    )
    .into_bytes()
}

impl Record {
    pub fn associated_data(&self) -> Vec<u8> {
        associated_data(
            &self.name,
            &self.hd_path,
            &self.public_key,
            &self.address,
            self.kind,
        )
    }

    /// The file's JSON text.
    pub fn to_json(&self) -> Zeroizing<String> {
        let secret = match &self.secret {
            StoredSecret::Encrypted(sealed) => SecretJson::Encrypted {
                kdf: KdfJson {
                    name: KdfName::Argon2id,
                    version: ARGON2_VERSION,
                    m_cost_kib: sealed.params.m_cost_kib,
                    t_cost: sealed.params.t_cost,
                    p_cost: sealed.params.p_cost,
                    salt: hex::encode(&sealed.salt),
                },
                cipher: CipherJson {
                    name: CipherName::XChaCha20Poly1305,
                    nonce: hex::encode(sealed.nonce),
                    ciphertext: hex::encode(&sealed.ciphertext),
                },
            },
            StoredSecret::Plaintext(text) => {
                let text = Some(text.to_string());
                match self.kind {
                    SecretKind::Mnemonic => SecretJson::UnsafePlaintext {
                        mnemonic: text,
                        private_key: None,
                    },
                    SecretKind::PrivateKey => SecretJson::UnsafePlaintext {
                        mnemonic: None,
                        private_key: text,
                    },
                }
            }
        };
        let file = KeyFileJson {
            version: FORMAT_VERSION,
            name: self.name.clone(),
            hd_path: self.hd_path.to_string(),
            public_key: hex::encode(&self.public_key),
            address: hex::encode(&self.address),
            secret_kind: self.kind,
            secret,
        };
        let mut text = Zeroizing::new(
            serde_json::to_string_pretty(&file).expect("a key file always serializes"),
        );
        text.push('\n');
        text
    }

    /// Decodes and checks the text of `path`, which should hold key `expected_name`.
    pub fn parse(path: &Path, text: &str, expected_name: &str) -> Result<Record, KeyError> {
        let corrupt = |reason: String| KeyError::corrupt(path, reason);

        #[derive(serde::Deserialize)]
        struct Probe {
            version: Option<u32>,
        }
        let probe: Probe = serde_json::from_str(text)
            .map_err(|e| corrupt(format!("it is not a key file's JSON ({e})")))?;
        match probe.version {
            Some(FORMAT_VERSION) => {}
            Some(version) if version > FORMAT_VERSION => {
                return Err(KeyError::UnsupportedVersion {
                    path: path.to_owned(),
                    version,
                    supported: FORMAT_VERSION,
                })
            }
            Some(version) => return Err(corrupt(format!("unknown format version {version}"))),
            None => return Err(corrupt("it has no \"version\" field".into())),
        }
        let mut file: KeyFileJson = serde_json::from_str(text)
            .map_err(|e| corrupt(format!("it does not follow format version 1 ({e})")))?;

        if file.name != expected_name {
            return Err(corrupt(format!(
                "it holds key {:?} but is named {expected_name}.json (rename it back)",
                file.name
            )));
        }
        validate_name(&file.name).map_err(|e| corrupt(e.to_string()))?;
        let hd_path: HdPath = file
            .hd_path
            .parse()
            .map_err(|e: KeyError| corrupt(e.to_string()))?;
        let hex_field = |field: &str, value: &str| {
            hex::decode(value).map_err(|e| corrupt(format!("its {field} is not hex ({e})")))
        };
        let public_key = hex_field("public_key", &file.public_key)?;
        let parsed = cosmrs::tendermint::PublicKey::from_raw_secp256k1(&public_key)
            .filter(|_| public_key.len() == 33)
            .ok_or_else(|| corrupt("its public_key is not a compressed secp256k1 key".into()))?;
        let address = hex_field("address", &file.address)?;
        if address != address_bytes(&cosmrs::crypto::PublicKey::from(parsed)) {
            return Err(corrupt("its address does not match its public_key".into()));
        }

        let secret = match &mut file.secret {
            SecretJson::UnsafePlaintext {
                mnemonic,
                private_key,
            } => {
                let text = match (file.secret_kind, mnemonic.take(), private_key.take()) {
                    (SecretKind::Mnemonic, Some(text), None)
                    | (SecretKind::PrivateKey, None, Some(text)) => text,
                    _ => {
                        return Err(corrupt(
                            "its secret does not match its secret_kind (a mnemonic key holds \
                             \"mnemonic\", an imported one \"private_key\")"
                                .into(),
                        ))
                    }
                };
                StoredSecret::Plaintext(Zeroizing::new(text))
            }
            SecretJson::Encrypted { kdf, cipher } => {
                if kdf.version != ARGON2_VERSION {
                    return Err(corrupt(format!(
                        "unknown argon2 version {} (expected {ARGON2_VERSION})",
                        kdf.version
                    )));
                }
                let params = KdfParams {
                    m_cost_kib: kdf.m_cost_kib,
                    t_cost: kdf.t_cost,
                    p_cost: kdf.p_cost,
                };
                params.validate().map_err(|e| corrupt(e.to_string()))?;
                let salt = hex_field("salt", &kdf.salt)?;
                if !(8..=64).contains(&salt.len()) {
                    return Err(corrupt(format!("its salt has {} bytes", salt.len())));
                }
                let nonce: [u8; NONCE_LEN] = hex_field("nonce", &cipher.nonce)?
                    .try_into()
                    .map_err(|_| corrupt(format!("its nonce is not {NONCE_LEN} bytes")))?;
                let ciphertext = hex_field("ciphertext", &cipher.ciphertext)?;
                if ciphertext.len() < 16 {
                    return Err(corrupt("its ciphertext is shorter than a tag".into()));
                }
                StoredSecret::Encrypted(Sealed {
                    params,
                    salt,
                    nonce,
                    ciphertext,
                })
            }
        };
        Ok(Record {
            name: std::mem::take(&mut file.name),
            hd_path,
            public_key,
            address,
            kind: file.secret_kind,
            secret,
        })
    }
}

/// The 20-byte account address of a public key.
pub(crate) fn address_bytes(public_key: &cosmrs::crypto::PublicKey) -> Vec<u8> {
    // Any valid prefix gives the same bytes; only the bech32 text depends on it.
    public_key
        .account_id("cosmos")
        .expect("a secp256k1 key always has an account id")
        .to_bytes()
}

/// Reads and checks key `name`'s file in `dir`.
pub(crate) fn read(dir: &Path, name: &str) -> Result<Record, KeyError> {
    let path = key_path(dir, name);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(KeyError::NotFound {
                name: name.to_owned(),
                dir: dir.to_owned(),
            })
        }
        Err(e) => return Err(KeyError::io(&path, e)),
    };
    let meta = file.metadata().map_err(|e| KeyError::io(&path, e))?;
    if !meta.is_file() {
        return Err(KeyError::corrupt(&path, "it is not a regular file"));
    }
    if meta.len() > MAX_FILE_LEN {
        return Err(KeyError::corrupt(
            &path,
            format!(
                "it has {} bytes, more than a key file's {MAX_FILE_LEN}",
                meta.len()
            ),
        ));
    }
    warn_if_loose(&path, &meta, 0o600);
    let mut text = Zeroizing::new(String::new());
    file.take(MAX_FILE_LEN)
        .read_to_string(&mut text)
        .map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData => KeyError::corrupt(&path, "it is not UTF-8 text"),
            _ => KeyError::io(&path, e),
        })?;
    Record::parse(&path, &text, name)
}

/// Logs a warning when others than the owner may access `path` (`expected` is 0600 or 0700).
pub(crate) fn warn_if_loose(path: &Path, meta: &fs::Metadata, expected: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                mode = format!("{mode:o}"),
                "others may read this keyring path: run `chmod {expected:o} {}`",
                path.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = (path, meta, expected);
}

/// Removes a temporary file when dropped, unless disarmed.
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// Writes `contents` as key `name`'s new file, atomically and never over an existing one:
/// the bytes go to a temporary file (mode 0600) in `dir`, which is synced and then hard-linked
/// to the final name (which fails if it exists), or renamed where hard links are unsupported.
pub(crate) fn write_new(dir: &Path, name: &str, contents: &[u8]) -> Result<PathBuf, KeyError> {
    let path = key_path(dir, name);
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|e| KeyError::Random {
        reason: e.to_string(),
    })?;
    let temp_path = dir.join(format!(".{name}.json.tmp-{}", hex::encode(suffix)));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&temp_path)
        .map_err(|e| KeyError::io(&temp_path, e))?;
    let temp = TempFile(Some(temp_path.clone()));
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| KeyError::io(&temp_path, e))?;
    drop(file);

    let already_exists = || KeyError::AlreadyExists {
        name: name.to_owned(),
        path: path.clone(),
    };
    match fs::hard_link(&temp_path, &path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(already_exists()),
        Err(e) => {
            tracing::debug!(error = %e, "hard link failed; renaming instead");
            if path.exists() {
                return Err(already_exists());
            }
            fs::rename(&temp_path, &path).map_err(|e| KeyError::io(&path, e))?;
        }
    }
    drop(temp);
    sync_dir(dir)?;
    Ok(path)
}

/// Deletes key `name`'s file.
pub(crate) fn remove(dir: &Path, name: &str) -> Result<(), KeyError> {
    let path = key_path(dir, name);
    match fs::remove_file(&path) {
        Ok(()) => sync_dir(dir),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(KeyError::NotFound {
            name: name.to_owned(),
            dir: dir.to_owned(),
        }),
        Err(e) => Err(KeyError::io(&path, e)),
    }
}

/// Makes a rename, link or unlink in `dir` durable.
fn sync_dir(dir: &Path) -> Result<(), KeyError> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| KeyError::io(dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFileJson {
    version: u32,
    name: String,
    hd_path: String,
    public_key: String,
    address: String,
    #[serde(default, skip_serializing_if = "SecretKind::is_mnemonic")]
    secret_kind: SecretKind,
    secret: SecretJson,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum SecretJson {
    Encrypted {
        kdf: KdfJson,
        cipher: CipherJson,
    },
    UnsafePlaintext {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mnemonic: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        private_key: Option<String>,
    },
}

impl Drop for SecretJson {
    fn drop(&mut self) {
        if let SecretJson::UnsafePlaintext {
            mnemonic,
            private_key,
        } = self
        {
            mnemonic.zeroize();
            private_key.zeroize();
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KdfJson {
    name: KdfName,
    version: u32,
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
    salt: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
enum KdfName {
    #[serde(rename = "argon2id")]
    Argon2id,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CipherJson {
    name: CipherName,
    nonce: String,
    ciphertext: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
enum CipherName {
    #[serde(rename = "xchacha20poly1305")]
    XChaCha20Poly1305,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_file_names() {
        for good in ["a", "alice", "Bob_2", "ci-key", "-", &"x".repeat(64)] {
            validate_name(good).unwrap();
        }
        for bad in [
            "",
            &"x".repeat(65),
            "..",
            "../alice",
            "a/b",
            "a\\b",
            ".hidden",
            "with space",
            "tab\t",
            "nul\0",
            "é",
            "alice.json",
        ] {
            let err = validate_name(bad).unwrap_err();
            assert!(
                matches!(err, KeyError::InvalidName { .. }),
                "{bad:?}: {err}"
            );
            assert!(err.to_string().contains("1 to 64 characters"), "{err}");
        }
    }

    #[test]
    fn write_new_refuses_to_overwrite_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_new(dir.path(), "k", b"first").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first");
        assert!(matches!(
            write_new(dir.path(), "k", b"second"),
            Err(KeyError::AlreadyExists { .. })
        ));
        assert_eq!(fs::read(&path).unwrap(), b"first");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["k.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        remove(dir.path(), "k").unwrap();
        assert!(matches!(
            remove(dir.path(), "k"),
            Err(KeyError::NotFound { .. })
        ));
    }
}
