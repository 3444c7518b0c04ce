//! Task results sealed to the paying client with HPKE (RFC 9180): a provider posts its result
//! on chain where anyone can read it, so it encrypts the result to a key that only the client
//! holds, and the contracts compare sha256 digests of the plaintext instead of the plaintext.
//!
//! # Suite
//!
//! HPKE mode Base, DHKEM(X25519, HKDF-SHA256) (KEM id 0x0020), HKDF-SHA256 (KDF id 0x0001),
//! ChaCha20-Poly1305 (AEAD id 0x0003), single shot: each result gets a fresh ephemeral key and
//! is the one message (sequence number 0) of its context.
//!
//! # The client's result key
//!
//! A client names an X25519 public key in each task ([`ResultKey::public`]). It is derived from
//! the client's Cosmos account key, so there is nothing extra to create or back up:
//!
//! ```text
//! ikm        = HMAC-SHA256(key = "ogpu/result-key/v1",
//!                          message = the secp256k1 secret scalar, 32 bytes big-endian)
//! (skR, pkR) = DeriveKeyPair(ikm) of DHKEM(X25519, HKDF-SHA256)      (RFC 9180 §7.1.3)
//! ```
//!
//! The account key is the one `ogpu` signs with (by default the BIP-44 path `m/44'/118'/0'/0/0`
//! of the mnemonic, see [`crate::keys`]). The HMAC is keyed with a domain tag so that this use
//! of the scalar is separated from every other, and it is one-way: `pkR` reveals nothing about
//! the account key. The tag ends in a version, so a later derivation gets a new tag.
//!
//! # Wire format
//!
//! ```text
//! sealed = enc (32 bytes: the ephemeral X25519 public key) ‖ ciphertext ‖ tag (16 bytes)
//! info   = "ogpu/sealed-result/v1"                                       (ASCII, 21 bytes)
//! aad    = task_id (u64, 8 bytes big-endian) ‖ provider's bech32 address (UTF-8)
//! ```
//!
//! The ciphertext is exactly as long as the plaintext, so a sealed result is
//! [`SEALED_OVERHEAD`] bytes longer. The aad binds a sealed result to one task and one
//! provider: a result copied from another task or another provider does not open. The task id
//! has a fixed length, so no two (task, provider) pairs give the same aad.

use std::convert::Infallible;
use std::fmt;

use hmac::{Hmac, Mac};
use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::rand_core::{TryCryptoRng, TryRng};
use hpke::{Deserializable, HpkeError, Kem, OpModeR, OpModeS, Serializable};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::keys::{self, HdPath, KeyError};

/// The encapsulated key: DHKEM(X25519)'s ephemeral public key, `Nenc` = 32 (RFC 9180 §7.1).
const ENC_LEN: usize = 32;
/// ChaCha20-Poly1305's authentication tag, `Nt` = 16 (RFC 9180 §7.3).
const TAG_LEN: usize = 16;

/// How many bytes longer a sealed result is than its plaintext: the encapsulated key (32) and
/// the AEAD tag (16). The contracts bound result sizes with their own copy of this number (in
/// `ogpu-types`); the two must agree.
pub const SEALED_OVERHEAD: usize = ENC_LEN + TAG_LEN;

/// The HMAC key of the result-key derivation (see the module doc).
pub const RESULT_KEY_DOMAIN: &[u8] = b"ogpu/result-key/v1";

/// HPKE's `info` for every sealed result (see the module doc).
pub const SEAL_INFO: &[u8] = b"ogpu/sealed-result/v1";

/// A client's result key: the X25519 key pair that providers seal its tasks' results to.
///
/// The secret is hpke's X25519 private key, an x25519-dalek `StaticSecret`, which zeroizes
/// itself when dropped. `Debug` shows only the public key.
pub struct ResultKey {
    secret: <X25519HkdfSha256 as Kem>::PrivateKey,
    public: <X25519HkdfSha256 as Kem>::PublicKey,
}

impl ResultKey {
    /// The result key of a Cosmos account key, derived as the module doc says. It takes
    /// `k256`'s signing key because `cosmrs`'s `SigningKey` does not expose its secret scalar;
    /// get one from `bip32::XPrv::private_key` or, for a raw secret, `SigningKey::from_slice`.
    pub fn derive(account_key: &bip32::secp256k1::ecdsa::SigningKey) -> ResultKey {
        let mut scalar = account_key.to_bytes();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(RESULT_KEY_DOMAIN)
            .expect("HMAC accepts keys of any length");
        mac.update(&scalar);
        scalar.as_mut_slice().zeroize();
        let mut ikm = mac.finalize().into_bytes();
        let key = ResultKey::from_ikm(&ikm);
        ikm.as_mut_slice().zeroize();
        key
    }

    /// The result key of the account at `path` of `mnemonic`, whose signing key
    /// [`keys::key_from_mnemonic`] derives.
    pub fn from_mnemonic(mnemonic: &str, path: &HdPath) -> Result<ResultKey, KeyError> {
        let account = keys::derive_xprv(&keys::parse_mnemonic(mnemonic)?, path)?;
        Ok(ResultKey::derive(account.private_key()))
    }

    /// RFC 9180 `DeriveKeyPair(ikm)` of DHKEM(X25519, HKDF-SHA256).
    fn from_ikm(ikm: &[u8]) -> ResultKey {
        let (secret, public) = X25519HkdfSha256::derive_keypair(ikm);
        ResultKey { secret, public }
    }

    /// The public key, as a task names it: the 32-byte X25519 u-coordinate.
    pub fn public(&self) -> [u8; 32] {
        self.public.to_bytes().into()
    }
}

impl fmt::Debug for ResultKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResultKey")
            .field("public", &hex::encode(self.public()))
            .finish_non_exhaustive()
    }
}

/// What a sealed result is bound to: the task it answers and the provider that computed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SealContext<'a> {
    pub task_id: u64,
    /// The provider's bech32 account address, as the contracts record it.
    pub provider: &'a str,
}

impl SealContext<'_> {
    /// The associated data: `task_id` big-endian ‖ `provider` as UTF-8.
    fn aad(&self) -> Vec<u8> {
        [&self.task_id.to_be_bytes()[..], self.provider.as_bytes()].concat()
    }
}

/// What went wrong sealing or opening a result, in terms a client or provider can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The recipient key is a low-order X25519 point: the shared secret would be all zeros,
    /// which RFC 9180 §7.1.4 requires senders to refuse.
    #[error(
        "the task's result key {key} is not a usable X25519 public key (a low-order point, so \
         the result would not be secret): nothing can be sealed to it; the client must name its \
         account's result public key"
    )]
    InvalidPublicKey { key: String },

    #[error(
        "the sealed result is {len} bytes, shorter than the {SEALED_OVERHEAD} bytes of key and \
         tag every sealed result has: it was truncated, or it is not a sealed result"
    )]
    TooShort { len: usize },

    /// Authentication failed; HPKE cannot tell a wrong key from a wrong context or a change.
    #[error(
        "cannot open the sealed result of task {task_id} from provider {provider}: it was sealed \
         to another key, for another task or provider, or it was changed after sealing"
    )]
    DecryptionFailed { task_id: u64, provider: String },

    /// The result opened, but it is not the one whose digest the provider committed.
    #[error(
        "the result of task {task_id} from provider {provider} does not match the digest the \
         provider committed: its sha256 is {actual}, the committed digest is {expected}; this \
         is grounds for a dispute"
    )]
    DigestMismatch {
        task_id: u64,
        provider: String,
        expected: String,
        actual: String,
    },

    #[error(
        "the operating system's random number generator failed ({reason}); check that \
         /dev/urandom (or getrandom(2)) is available and try again"
    )]
    Random { reason: String },

    /// ChaCha20-Poly1305 refused the plaintext; in practice only above its 256 GiB limit.
    #[error("sealing the result failed ({reason}); is it larger than 256 GiB?")]
    Encrypt { reason: String },
}

/// Seals `plaintext` to the client's public key `recipient`, bound to `ctx`; the result is
/// `enc ‖ ciphertext ‖ tag`, [`SEALED_OVERHEAD`] bytes longer than `plaintext`.
pub fn seal(
    recipient: &[u8; 32],
    ctx: &SealContext,
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut()).map_err(|e| SealError::Random {
        reason: e.to_string(),
    })?;
    seal_with_seed(recipient, SEAL_INFO, &ctx.aad(), plaintext, &seed)
}

/// Opens a result sealed to `key` for `ctx`.
pub fn open(key: &ResultKey, ctx: &SealContext, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    if sealed.len() < SEALED_OVERHEAD {
        return Err(SealError::TooShort { len: sealed.len() });
    }
    open_with(key, SEAL_INFO, &ctx.aad(), sealed).ok_or_else(|| SealError::DecryptionFailed {
        task_id: ctx.task_id,
        provider: ctx.provider.to_owned(),
    })
}

/// Opens a sealed result, then checks that its sha256 is `expected_digest`, the digest the
/// provider committed on chain. A mismatch is [`SealError::DigestMismatch`]: the provider
/// delivered something else than what it committed to.
pub fn open_and_check(
    key: &ResultKey,
    ctx: &SealContext,
    sealed: &[u8],
    expected_digest: &[u8; 32],
) -> Result<Vec<u8>, SealError> {
    let plaintext = open(key, ctx, sealed)?;
    let actual: [u8; 32] = Sha256::digest(&plaintext).into();
    if actual != *expected_digest {
        return Err(SealError::DigestMismatch {
            task_id: ctx.task_id,
            provider: ctx.provider.to_owned(),
            expected: hex::encode(expected_digest),
            actual: hex::encode(actual),
        });
    }
    Ok(plaintext)
}

/// RFC 9180 `SealBase` with the ephemeral key pair `DeriveKeyPair(seed)`, which is what hpke's
/// encapsulation makes of the random bytes it draws. Drawing them here lets [`seal`] report an
/// RNG failure (hpke's own RNG would panic), and lets the RFC's test vector, whose `ikmE` is
/// such a seed, check the very path that [`seal`] takes.
fn seal_with_seed(
    recipient: &[u8; 32],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    seed: &[u8; 32],
) -> Result<Vec<u8>, SealError> {
    let invalid = || SealError::InvalidPublicKey {
        key: hex::encode(recipient),
    };
    let recipient =
        <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(recipient).map_err(|_| invalid())?;
    let (enc, ciphertext) =
        hpke::single_shot_seal_with_rng::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
            &OpModeS::Base,
            &recipient,
            info,
            plaintext,
            aad,
            &mut OneSeed { seed, drawn: 0 },
        )
        .map_err(|e| match e {
            HpkeError::EncapError => invalid(),
            other => SealError::Encrypt {
                reason: other.to_string(),
            },
        })?;
    Ok([&enc.to_bytes()[..], &ciphertext].concat())
}

/// RFC 9180 `OpenBase` of `enc ‖ ciphertext ‖ tag`; `None` when it does not authenticate.
fn open_with(key: &ResultKey, info: &[u8], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    let (enc, ciphertext) = sealed.split_at_checked(ENC_LEN)?;
    let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(enc).ok()?;
    hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        &key.secret,
        &enc,
        info,
        ciphertext,
        aad,
    )
    .ok()
}

/// An RNG that yields the 32 bytes of one ephemeral seed and then nothing: DHKEM's
/// encapsulation draws exactly `Nsk` = 32 bytes. Drawing more would be a change in hpke, which
/// the RFC vector test would catch; it panics rather than reuse or invent randomness.
struct OneSeed<'a> {
    seed: &'a [u8; 32],
    drawn: usize,
}

impl TryRng for OneSeed<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        let rest = &self.seed[self.drawn..];
        assert!(
            dst.len() <= rest.len(),
            "hpke drew more than the 32 bytes of one ephemeral seed"
        );
        dst.copy_from_slice(&rest[..dst.len()]);
        self.drawn += dst.len();
        Ok(())
    }
}

impl TryCryptoRng for OneSeed<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use bip32::secp256k1::ecdsa::SigningKey;

    const PROVIDER: &str = "wasm1provider0000000000000000000000000000";
    const OTHER_PROVIDER: &str = "wasm1provider0000000000000000000000000001";
    const CTX: SealContext = SealContext {
        task_id: 7,
        provider: PROVIDER,
    };
    const MNEMONIC: &str = "test test test test test test test test test test test junk";

    fn key(byte: u8) -> ResultKey {
        ResultKey::derive(&SigningKey::from_slice(&[byte; 32]).unwrap())
    }

    fn unhex<const N: usize>(s: &str) -> [u8; N] {
        hex::decode(s).unwrap().try_into().unwrap()
    }

    #[test]
    fn round_trips_and_adds_exactly_the_overhead() {
        let client = key(1);
        for plaintext in [Vec::new(), b"x".to_vec(), vec![0xa5; 100 * 1024]] {
            let sealed = seal(&client.public(), &CTX, &plaintext).unwrap();
            assert_eq!(sealed.len(), plaintext.len() + SEALED_OVERHEAD);
            assert_eq!(open(&client, &CTX, &sealed).unwrap(), plaintext);
        }
    }

    #[test]
    fn every_seal_is_fresh() {
        let client = key(1);
        let a = seal(&client.public(), &CTX, b"result").unwrap();
        let b = seal(&client.public(), &CTX, b"result").unwrap();
        assert_ne!(a[..ENC_LEN], b[..ENC_LEN]);
        assert_ne!(a[ENC_LEN..], b[ENC_LEN..]);
    }

    #[test]
    fn another_key_task_or_provider_cannot_open() {
        let client = key(1);
        let sealed = seal(&client.public(), &CTX, b"result").unwrap();
        let failed = |ctx: SealContext| SealError::DecryptionFailed {
            task_id: ctx.task_id,
            provider: ctx.provider.to_owned(),
        };
        assert_eq!(open(&key(2), &CTX, &sealed), Err(failed(CTX)));
        let other_task = SealContext { task_id: 8, ..CTX };
        assert_eq!(open(&client, &other_task, &sealed), Err(failed(other_task)));
        let other_provider = SealContext {
            provider: OTHER_PROVIDER,
            ..CTX
        };
        assert_eq!(
            open(&client, &other_provider, &sealed),
            Err(failed(other_provider))
        );
    }

    #[test]
    fn flipping_any_byte_of_enc_or_ciphertext_fails() {
        let client = key(1);
        let sealed = seal(&client.public(), &CTX, b"a short result").unwrap();
        for i in 0..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[i] ^= 0x01;
            let err = open(&client, &CTX, &tampered).unwrap_err();
            assert!(
                matches!(err, SealError::DecryptionFailed { .. }),
                "byte {i}: {err}"
            );
        }
    }

    #[test]
    fn too_short_input_is_a_typed_error() {
        let client = key(1);
        for len in [0, 1, ENC_LEN, SEALED_OVERHEAD - 1] {
            assert_eq!(
                open(&client, &CTX, &vec![0; len]),
                Err(SealError::TooShort { len })
            );
        }
        // Long enough but not sealed to anyone: a failed decryption, not a panic.
        let err = open(&client, &CTX, &[0x42; SEALED_OVERHEAD]).unwrap_err();
        assert!(matches!(err, SealError::DecryptionFailed { .. }), "{err}");
    }

    #[test]
    fn low_order_public_keys_are_refused() {
        // u = 0 and u = 1 are points of order 2 and 4: every shared secret with them is zero.
        let mut one = [0u8; 32];
        one[0] = 1;
        for recipient in [[0u8; 32], one] {
            assert_eq!(
                seal(&recipient, &CTX, b"result"),
                Err(SealError::InvalidPublicKey {
                    key: hex::encode(recipient)
                })
            );
        }
    }

    #[test]
    fn derivation_is_deterministic_and_separates_accounts() {
        assert_eq!(key(1).public(), key(1).public());
        assert_ne!(key(1).public(), key(2).public());

        let first = ResultKey::from_mnemonic(MNEMONIC, &HdPath::default()).unwrap();
        let again = ResultKey::from_mnemonic(MNEMONIC, &HdPath::default()).unwrap();
        let second = ResultKey::from_mnemonic(MNEMONIC, &HdPath::cosmos(1)).unwrap();
        assert_eq!(first.public(), again.public());
        assert_ne!(first.public(), second.public());

        // A result sealed to the mnemonic's key opens with the key derived again.
        let sealed = seal(&first.public(), &CTX, b"result").unwrap();
        assert_eq!(open(&again, &CTX, &sealed).unwrap(), b"result");
    }

    /// The derivation pinned for other implementations: computed independently (Python,
    /// `hmac`/`hashlib` and pyca/cryptography's X25519, with a `DeriveKeyPair` that reproduces
    /// RFC 9180 A.2's `pkRm` from its `ikmR`) for the secret scalar 0x01 0x02 … 0x20.
    #[test]
    fn derivation_matches_an_independent_implementation() {
        let scalar: Vec<u8> = (1..=32).collect();
        let key = ResultKey::derive(&SigningKey::from_slice(&scalar).unwrap());
        assert_eq!(
            hex::encode(key.public()),
            "ea615bb0e659c5d38eea45ae2e8fce2b8f4de6b4c7f045def2b8fb865f56c24f"
        );
    }

    #[test]
    fn open_and_check_compares_the_digest() {
        let client = key(1);
        let sealed = seal(&client.public(), &CTX, b"result").unwrap();
        let digest: [u8; 32] = Sha256::digest(b"result").into();
        assert_eq!(
            open_and_check(&client, &CTX, &sealed, &digest).unwrap(),
            b"result"
        );

        let committed: [u8; 32] = Sha256::digest(b"another result").into();
        let err = open_and_check(&client, &CTX, &sealed, &committed).unwrap_err();
        assert_eq!(
            err,
            SealError::DigestMismatch {
                task_id: 7,
                provider: PROVIDER.to_owned(),
                expected: hex::encode(committed),
                actual: hex::encode(digest),
            }
        );
        assert!(err.to_string().contains("grounds for a dispute"), "{err}");
    }

    #[test]
    fn debug_shows_the_public_key_only() {
        let client = key(1);
        let secret = hex::encode(client.secret.to_bytes());
        let debug = format!("{client:?}");
        assert!(debug.contains(&hex::encode(client.public())), "{debug}");
        assert!(!debug.contains(&secret), "{debug}");
    }

    /// RFC 9180 Appendix A.2: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305,
    /// A.2.1 Base Setup Information and A.2.1.1 Encryptions, sequence number 0.
    #[test]
    fn rfc9180_a2_base_vector() {
        let info = hex::decode("4f6465206f6e2061204772656369616e2055726e").unwrap();
        let ikm_e: [u8; 32] =
            unhex("909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b");
        let ikm_r = hex::decode("1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df")
            .unwrap();
        let pk_rm = "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a";
        let enc = "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a";
        let pt = hex::decode("4265617574792069732074727574682c20747275746820626561757479").unwrap();
        let aad = hex::decode("436f756e742d30").unwrap();
        let ct = "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db\
                  21993c62ce81883d2dd1b51a28";

        let recipient = ResultKey::from_ikm(&ikm_r);
        // Not skRm: hpke keeps X25519 secrets clamped, and the RFC prints skRm unclamped.
        assert_eq!(hex::encode(recipient.public()), pk_rm);

        let sealed = seal_with_seed(&recipient.public(), &info, &aad, &pt, &ikm_e).unwrap();
        assert_eq!(hex::encode(&sealed[..ENC_LEN]), enc);
        assert_eq!(hex::encode(&sealed[ENC_LEN..]), ct);
        assert_eq!(open_with(&recipient, &info, &aad, &sealed).unwrap(), pt);
    }
}
