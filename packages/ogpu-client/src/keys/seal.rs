//! Passphrase encryption of a key's mnemonic: argon2id (RFC 9106) derives a 256-bit key from
//! the passphrase and a random salt; XChaCha20-Poly1305 encrypts the mnemonic under it with a
//! random 192-bit nonce, authenticating the key file's public fields as associated data.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use super::KeyError;

/// Salt length: RFC 9106 §3.1 recommends 128 bits.
pub(crate) const SALT_LEN: usize = 16;
/// XChaCha20-Poly1305's nonce: 192 bits, so random nonces never collide in practice.
pub(crate) const NONCE_LEN: usize = 24;
/// The Argon2 version every file is written with (1.3, the one RFC 9106 specifies).
pub(crate) const ARGON2_VERSION: u32 = 0x13;

/// argon2id cost parameters: memory in KiB, passes over it, lanes.
///
/// [`KdfParams::DEFAULT`] is what [`super::Keyring`] writes unless told otherwise. The
/// parameters are stored in each key file, so files written with other parameters still open,
/// and changing the default later leaves existing keys readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KdfParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl KdfParams {
    /// RFC 9106 §4's second recommended option (for when 2 GiB per unlock is too much):
    /// argon2id, 64 MiB, 3 passes, 4 lanes. Measured on a shared 2-core x86-64 VM (argon2 0.6
    /// without its `parallel` feature, so the lanes run one after another): 0.13 to 0.2 s per
    /// unlock in a release build, 2 to 3 s in a debug build (see `default_kdf_unlock_time`).
    pub const DEFAULT: KdfParams = KdfParams {
        m_cost_kib: 64 * 1024,
        t_cost: 3,
        p_cost: 4,
    };

    /// The cheapest parameters argon2 accepts (8 KiB, 1 pass, 1 lane): for tests only, where
    /// [`KdfParams::DEFAULT`] would make each unlock take seconds in a debug build. A key
    /// written with these falls to a passphrase guesser almost as fast as a plaintext one.
    pub const INSECURE_FOR_TESTS: KdfParams = KdfParams {
        m_cost_kib: 8,
        t_cost: 1,
        p_cost: 1,
    };

    /// Bounds on what a key file may ask for (4 GiB, 64 passes, 64 lanes), so that a crafted
    /// file cannot make an unlock allocate or spin without end.
    const MAX: KdfParams = KdfParams {
        m_cost_kib: 4 * 1024 * 1024,
        t_cost: 64,
        p_cost: 64,
    };

    /// Checks the parameters against argon2's own limits and [`KdfParams::MAX`].
    pub fn validate(&self) -> Result<(), KeyError> {
        self.argon2().map(|_| ())
    }

    fn argon2(&self) -> Result<Argon2<'static>, KeyError> {
        let invalid = |reason: String| KeyError::InvalidKdfParams {
            m_cost_kib: self.m_cost_kib,
            t_cost: self.t_cost,
            p_cost: self.p_cost,
            reason,
        };
        let max = KdfParams::MAX;
        if self.m_cost_kib > max.m_cost_kib || self.t_cost > max.t_cost || self.p_cost > max.p_cost
        {
            return Err(invalid(format!(
                "above the limits m={} KiB, t={}, p={}",
                max.m_cost_kib, max.t_cost, max.p_cost
            )));
        }
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| invalid(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams::DEFAULT
    }
}

/// An encrypted secret, with everything but the passphrase needed to open it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sealed {
    pub params: KdfParams,
    pub salt: Vec<u8>,
    pub nonce: [u8; NONCE_LEN],
    /// The ciphertext followed by the 16-byte Poly1305 tag.
    pub ciphertext: Vec<u8>,
}

fn random<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| KeyError::Random {
        reason: e.to_string(),
    })?;
    Ok(bytes)
}

fn cipher(
    params: &KdfParams,
    passphrase: &str,
    salt: &[u8],
) -> Result<XChaCha20Poly1305, KeyError> {
    let mut key = Zeroizing::new([0u8; 32]);
    params
        .argon2()?
        .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
        .map_err(|e| KeyError::InvalidKdfParams {
            m_cost_kib: params.m_cost_kib,
            t_cost: params.t_cost,
            p_cost: params.p_cost,
            reason: e.to_string(),
        })?;
    let key: &Key = (&*key).into();
    Ok(XChaCha20Poly1305::new(key))
}

/// Encrypts `plaintext` under `passphrase`, binding `aad`.
pub(crate) fn seal(
    plaintext: &[u8],
    passphrase: &str,
    aad: &[u8],
    params: KdfParams,
) -> Result<Sealed, KeyError> {
    if passphrase.is_empty() {
        return Err(KeyError::EmptyPassphrase);
    }
    let salt = random::<SALT_LEN>()?.to_vec();
    let nonce = random::<NONCE_LEN>()?;
    let ciphertext = cipher(&params, passphrase, &salt)?
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|e| KeyError::InvalidKdfParams {
            m_cost_kib: params.m_cost_kib,
            t_cost: params.t_cost,
            p_cost: params.p_cost,
            reason: format!("encryption failed: {e}"),
        })?;
    Ok(Sealed {
        params,
        salt,
        nonce,
        ciphertext,
    })
}

/// Decrypts `sealed`: `Ok(None)` when authentication fails (wrong passphrase, or the
/// ciphertext, nonce, salt, parameters or `aad` changed since sealing).
pub(crate) fn open(
    sealed: &Sealed,
    passphrase: &str,
    aad: &[u8],
) -> Result<Option<Zeroizing<Vec<u8>>>, KeyError> {
    let cipher = cipher(&sealed.params, passphrase, &sealed.salt)?;
    Ok(cipher
        .decrypt(
            &XNonce::from(sealed.nonce),
            Payload {
                msg: &sealed.ciphertext,
                aad,
            },
        )
        .ok()
        .map(Zeroizing::new))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams::INSECURE_FOR_TESTS;

    #[test]
    fn round_trip_and_every_change_is_detected() {
        let sealed = seal(b"secret words", "pass", b"public", FAST).unwrap();
        assert_eq!(sealed.salt.len(), SALT_LEN);
        assert_eq!(sealed.ciphertext.len(), b"secret words".len() + 16);
        let opened = open(&sealed, "pass", b"public").unwrap().unwrap();
        assert_eq!(opened.as_slice(), b"secret words");

        assert_eq!(open(&sealed, "Pass", b"public").unwrap(), None);
        assert_eq!(open(&sealed, "pass", b"publik").unwrap(), None);
        let mut tampered = sealed.clone();
        tampered.ciphertext[0] ^= 1;
        assert_eq!(open(&tampered, "pass", b"public").unwrap(), None);
        let mut tampered = sealed.clone();
        tampered.nonce[0] ^= 1;
        assert_eq!(open(&tampered, "pass", b"public").unwrap(), None);
        let mut tampered = sealed.clone();
        tampered.salt[0] ^= 1;
        assert_eq!(open(&tampered, "pass", b"public").unwrap(), None);
        let mut tampered = sealed;
        tampered.params.t_cost = 2;
        assert_eq!(open(&tampered, "pass", b"public").unwrap(), None);
    }

    #[test]
    fn salts_and_nonces_are_fresh() {
        let a = seal(b"x", "pass", b"", FAST).unwrap();
        let b = seal(b"x", "pass", b"", FAST).unwrap();
        assert_ne!(a.salt, b.salt);
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }

    #[test]
    fn empty_passphrases_and_bad_params_are_refused() {
        assert!(matches!(
            seal(b"x", "", b"", FAST),
            Err(KeyError::EmptyPassphrase)
        ));
        for params in [
            KdfParams {
                m_cost_kib: 4,
                ..FAST
            },
            KdfParams { t_cost: 0, ..FAST },
            KdfParams { p_cost: 0, ..FAST },
            KdfParams {
                m_cost_kib: u32::MAX,
                ..FAST
            },
            KdfParams {
                t_cost: 1000,
                ..FAST
            },
        ] {
            let err = seal(b"x", "pass", b"", params).unwrap_err();
            assert!(matches!(err, KeyError::InvalidKdfParams { .. }), "{err}");
        }
        KdfParams::DEFAULT.validate().unwrap();
    }

    /// Prints the time of one unlock with [`KdfParams::DEFAULT`]; run it in a release build:
    /// `cargo test --release -p ogpu-client --lib default_kdf_unlock_time -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, slow in debug builds"]
    fn default_kdf_unlock_time() {
        let sealed = seal(b"x", "pass", b"", KdfParams::DEFAULT).unwrap();
        let best = (0..5)
            .map(|_| {
                let start = std::time::Instant::now();
                open(&sealed, "pass", b"").unwrap().unwrap();
                start.elapsed()
            })
            .min()
            .unwrap();
        println!(
            "argon2id {:?}: one unlock takes {best:?}",
            KdfParams::DEFAULT
        );
    }
}
