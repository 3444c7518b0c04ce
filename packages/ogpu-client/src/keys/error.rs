//! The keyring's one error type. Every message says what was wrong and how to fix it, and
//! none of them ever contains a secret (a mnemonic word, a passphrase, a private key).

use std::path::PathBuf;

/// What went wrong in the keyring, with enough context to act on.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "key {name:?} not found in {}: create it with `ogpu keys add {name}`, recover it with \
         `ogpu keys add {name} --recover`, or list keys with `ogpu keys list`",
        dir.display()
    )]
    NotFound { name: String, dir: PathBuf },

    #[error(
        "key {name:?} already exists ({}): choose another name, or delete it first with \
         `ogpu keys delete {name}` (make sure its mnemonic is backed up)",
        path.display()
    )]
    AlreadyExists { name: String, path: PathBuf },

    #[error(
        "invalid key name {name:?}: {reason}; use 1 to 64 characters from a-z, A-Z, 0-9, `_` and `-`"
    )]
    InvalidName { name: String, reason: String },

    /// The mnemonic does not parse; the detail never quotes a word of it.
    #[error(
        "invalid mnemonic: {0}; it must be 12, 15, 18, 21 or 24 words from the English BIP-39 \
         word list, separated by spaces (check the spelling of every word and their order)"
    )]
    InvalidMnemonic(String),

    /// Decryption failed: the passphrase is wrong, or the file's encrypted part or its public
    /// fields were changed (the AEAD cannot tell those apart).
    #[error(
        "wrong passphrase for key {name:?}: decryption failed; try again with the passphrase \
         given when the key was added (if you are sure it is right, {} was modified: restore it \
         from a backup or recover the key from its mnemonic under a new name)",
        path.display()
    )]
    WrongPassphrase { name: String, path: PathBuf },

    #[error(
        "key {name:?} is encrypted and needs its passphrase: enter it when asked, or pass it \
         (e.g. from a file or a secret store) to the command"
    )]
    PassphraseRequired { name: String },

    #[error(
        "empty passphrase: choose a non-empty passphrase, or store the key unencrypted with \
         `--unsafe-plaintext` (tests and CI only)"
    )]
    EmptyPassphrase,

    /// An imported private key that is not one.
    #[error("invalid private key: {0}; export it again from its keyring")]
    InvalidPrivateKey(String),

    /// An HD path that does not parse or is out of range.
    #[error(
        "invalid HD path: {0}; expected m/44'/<coin type>'/<account>'/0/<index> with each number \
         below 2^31, e.g. m/44'/118'/0'/0/0"
    )]
    InvalidPath(String),

    #[error(
        "invalid bech32 prefix {prefix:?}: {reason}; use the chain's account prefix, e.g. `wasm` \
         or `cosmos`"
    )]
    InvalidPrefix { prefix: String, reason: String },

    #[error(
        "environment variable {var} {reason}: set it to the 12 to 24 words of the mnemonic, \
         separated by spaces, or unset it"
    )]
    Env { var: String, reason: String },

    #[error(
        "invalid argon2id parameters (m={m_cost_kib} KiB, t={t_cost}, p={p_cost}): {reason}; \
         use KdfParams::DEFAULT unless you have measured others"
    )]
    InvalidKdfParams {
        m_cost_kib: u32,
        t_cost: u32,
        p_cost: u32,
        reason: String,
    },

    #[error(
        "the operating system's random number generator failed ({reason}); check that \
         /dev/urandom (or getrandom(2)) is available and try again"
    )]
    Random { reason: String },

    #[error("{}: {source}; check that the path exists and that you may read and write it", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "{} is not a valid key file: {reason}; restore it from a backup, or delete it and \
         recover the key from its mnemonic",
        path.display()
    )]
    Corrupt { path: PathBuf, reason: String },

    #[error(
        "{} has key file format version {version}, but this ogpu reads only version {supported}: \
         upgrade ogpu",
        path.display()
    )]
    UnsupportedVersion {
        path: PathBuf,
        version: u32,
        supported: u32,
    },
}

impl KeyError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        KeyError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn corrupt(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        KeyError::Corrupt {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
