//! The keyring: BIP-39 mnemonics, Cosmos secp256k1 keys derived from them, and a directory
//! that stores them encrypted under a passphrase.
//!
//! # Keys
//!
//! A key is a BIP-39 mnemonic (English, 12 to 24 words; new keys get 24) and a BIP-44 path,
//! by default the Cosmos SDK's `m/44'/118'/0'/0/0` ([`HdPath`]; coin type, account and index
//! can be changed). The seed is the mnemonic's BIP-39 seed with an empty BIP-39 passphrase,
//! so `wasmd keys add --recover` with the same words and path gives the same address.
//! [`key_from_mnemonic`] derives a key without a keyring, e.g. from [`mnemonic_from_env`] in CI.
//!
//! # The keyring directory
//!
//! [`Keyring::open`] creates the directory with mode 0700. Each key is one file,
//! `<name>.json`, mode 0600; names are 1 to 64 characters from `[a-zA-Z0-9_-]`. A file is
//! written to a temporary file in the same directory, synced, then hard-linked to its name,
//! so it appears whole or not at all and an existing key is never overwritten.
//!
//! # File format, version 1
//!
//! ```json
//! {
//!   "version": 1,
//!   "name": "alice",
//!   "hd_path": "m/44'/118'/0'/0/0",
//!   "public_key": "<33-byte compressed secp256k1 key, hex>",
//!   "address": "<20-byte RIPEMD-160(SHA-256(public_key)), hex>",
//!   "secret": {
//!     "type": "encrypted",
//!     "kdf": { "name": "argon2id", "version": 19, "m_cost_kib": 65536, "t_cost": 3,
//!              "p_cost": 4, "salt": "<16 bytes, hex>" },
//!     "cipher": { "name": "xchacha20poly1305", "nonce": "<24 bytes, hex>",
//!                 "ciphertext": "<mnemonic + 16-byte tag, hex>" }
//!   }
//! }
//! ```
//!
//! The public fields are in clear, so `list` and `show` need no passphrase. The secret is the
//! mnemonic (not the private key), so the key can be re-derived and backed up. It is encrypted
//! with XChaCha20-Poly1305 under a key that argon2id derives from the passphrase and the salt
//! ([`KdfParams`]); the associated data is
//! `"ogpu-keyring-v1\nname=<name>\nhd_path=<path>\npublic_key=<hex>\naddress=<hex>\n"`, so a
//! change to any public field, the salt, the parameters, the nonce or the ciphertext makes
//! decryption fail. A file stored with [`Protection::UnsafePlaintext`] has
//! `"secret": { "type": "unsafe_plaintext", "mnemonic": "<words>" }` instead. Either way,
//! [`Keyring::signer`] checks that the mnemonic derives the stored public key, and every read
//! checks that the address is the public key's.
//!
//! A key imported as a bare secp256k1 private key ([`Keyring::import_private_key`], e.g.
//! from another keyring's export) has `"secret_kind": "private_key"`: its secret is the
//! 32-byte key in hex instead of a mnemonic (`"private_key": "<hex>"` in a plaintext file),
//! its `hd_path` is the default and means nothing, and the associated data ends with
//! `secret_kind=private_key\n`. Files without `secret_kind` hold a mnemonic, as before.
//!
//! Readers refuse unknown fields and versions other than 1. Secrets (mnemonics, seeds,
//! derived keys, decrypted plaintext) are zeroized when dropped where this crate holds them.

mod error;
mod file;
mod hd;
mod keyring;
mod seal;

pub use bip39::Mnemonic;
pub use error::KeyError;
pub use file::{validate_name, FORMAT_VERSION, MAX_NAME_LEN};
pub(crate) use hd::derive_xprv;
pub use hd::{
    address, generate_mnemonic, key_from_mnemonic, mnemonic_from_env, parse_mnemonic, HdPath,
    COSMOS_COIN_TYPE, MNEMONIC_ENV,
};
pub use keyring::{KeyInfo, Keyring, Protection};
pub use seal::KdfParams;
