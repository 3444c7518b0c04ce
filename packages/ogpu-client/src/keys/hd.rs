//! BIP-39 mnemonics and BIP-32/BIP-44 derivation of Cosmos secp256k1 keys.

use std::fmt;
use std::str::FromStr;

use bip39::{Language, Mnemonic};
use cosmrs::crypto::secp256k1::SigningKey;
use zeroize::{Zeroize, Zeroizing};

use super::KeyError;

/// The Cosmos Hub's coin type, registered in SLIP-44 (`0x80000076`); wasmd and most Cosmos
/// chains derive their account keys with it.
pub const COSMOS_COIN_TYPE: u32 = 118;

/// The environment variable a CI job sets to hand a mnemonic to `ogpu` without a keyring.
pub const MNEMONIC_ENV: &str = "OGPU_MNEMONIC";

/// BIP-32: indices from 2^31 up are the hardened ones, so a path component is below 2^31.
const HARDENED: u32 = 1 << 31;

/// A BIP-44 path `m/44'/<coin_type>'/<account>'/0/<index>`: the external chain (`0`) of one
/// account. The default is the Cosmos SDK's, `m/44'/118'/0'/0/0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct HdPath {
    pub coin_type: u32,
    pub account: u32,
    pub index: u32,
}

impl Default for HdPath {
    fn default() -> Self {
        HdPath {
            coin_type: COSMOS_COIN_TYPE,
            account: 0,
            index: 0,
        }
    }
}

impl HdPath {
    /// The Cosmos path with address index `index`: `m/44'/118'/0'/0/<index>`.
    pub fn cosmos(index: u32) -> Self {
        HdPath {
            index,
            ..HdPath::default()
        }
    }

    /// Checks that every component is below 2^31 (BIP-32's hardened offset).
    pub fn validate(&self) -> Result<(), KeyError> {
        for (what, value) in [
            ("coin type", self.coin_type),
            ("account", self.account),
            ("index", self.index),
        ] {
            if value >= HARDENED {
                return Err(KeyError::InvalidPath(format!(
                    "{what} {value} is not below 2^31 ({HARDENED})"
                )));
            }
        }
        Ok(())
    }

    fn to_derivation_path(self) -> Result<bip32::DerivationPath, KeyError> {
        self.validate()?;
        self.to_string()
            .parse()
            .map_err(|e| KeyError::InvalidPath(format!("{self}: {e}")))
    }
}

impl fmt::Display for HdPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "m/44'/{}'/{}'/0/{}",
            self.coin_type, self.account, self.index
        )
    }
}

impl FromStr for HdPath {
    type Err = KeyError;

    /// Parses `m/44'/<coin type>'/<account>'/0/<index>`; `h` or `H` may mark a hardened
    /// component instead of `'`.
    fn from_str(s: &str) -> Result<Self, KeyError> {
        let bad = |why: &str| KeyError::InvalidPath(format!("{s:?}: {why}"));
        let parts: Vec<&str> = s.trim().split('/').collect();
        let [m, purpose, coin_type, account, change, index] = parts[..] else {
            return Err(bad("it must have 5 components after `m`"));
        };
        if m != "m" {
            return Err(bad("it must start with `m/`"));
        }
        let component = |part: &str, name: &str, hardened: bool| -> Result<u32, KeyError> {
            let digits = match part.strip_suffix(['\'', 'h', 'H']) {
                Some(digits) if hardened => digits,
                None if !hardened => part,
                _ if hardened => return Err(bad(&format!("the {name} must be hardened (`'`)"))),
                _ => return Err(bad(&format!("the {name} must not be hardened"))),
            };
            let value: u32 = digits
                .parse()
                .map_err(|_| bad(&format!("the {name} {digits:?} is not a number")))?;
            if value >= HARDENED {
                return Err(bad(&format!("the {name} {value} is not below 2^31")));
            }
            Ok(value)
        };
        if component(purpose, "purpose", true)? != 44 {
            return Err(bad("the purpose must be 44' (BIP-44)"));
        }
        let coin_type = component(coin_type, "coin type", true)?;
        let account = component(account, "account", true)?;
        if component(change, "change", false)? != 0 {
            return Err(bad("the change component must be 0 (the external chain)"));
        }
        let index = component(index, "index", false)?;
        Ok(HdPath {
            coin_type,
            account,
            index,
        })
    }
}

/// Parses a mnemonic: English BIP-39 words (12, 15, 18, 21 or 24), any case, separated by any
/// whitespace, with a valid checksum. The error names word positions, never words.
pub fn parse_mnemonic(phrase: &str) -> Result<Mnemonic, KeyError> {
    let normalized = Zeroizing::new(
        phrase
            .split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" "),
    );
    Mnemonic::parse_in_normalized(Language::English, &normalized).map_err(|e| {
        KeyError::InvalidMnemonic(match e {
            bip39::Error::BadWordCount(n) => format!("it has {n} words"),
            bip39::Error::UnknownWord(i) => {
                format!("word {} is not in the English BIP-39 word list", i + 1)
            }
            bip39::Error::InvalidChecksum => {
                "its checksum does not match (a word is wrong, or words are out of order)".into()
            }
            other => other.to_string(),
        })
    })
}

/// A new random 24-word mnemonic (256 bits of entropy from the operating system).
pub fn generate_mnemonic() -> Result<Mnemonic, KeyError> {
    let mut entropy = Zeroizing::new([0u8; 32]);
    getrandom::fill(entropy.as_mut()).map_err(|e| KeyError::Random {
        reason: e.to_string(),
    })?;
    Mnemonic::from_entropy(entropy.as_ref()).map_err(|e| KeyError::InvalidMnemonic(e.to_string()))
}

/// Derives the secp256k1 key at `path` from `mnemonic` (no BIP-39 passphrase), as
/// `wasmd keys add --recover` does.
pub fn key_from_mnemonic(mnemonic: &str, path: &HdPath) -> Result<SigningKey, KeyError> {
    derive(&parse_mnemonic(mnemonic)?, path)
}

/// Derives the key at `path` from a parsed mnemonic.
pub(crate) fn derive(mnemonic: &Mnemonic, path: &HdPath) -> Result<SigningKey, KeyError> {
    Ok(SigningKey::from(&derive_xprv(mnemonic, path)?))
}

/// The BIP-32 extended private key at `path`, which [`derive`] wraps in a signing key. It is
/// also where [`crate::sealing::ResultKey::from_mnemonic`] reads the secret scalar, which
/// `cosmrs`'s `SigningKey` does not expose (it may be backed by an HSM).
pub(crate) fn derive_xprv(mnemonic: &Mnemonic, path: &HdPath) -> Result<bip32::XPrv, KeyError> {
    let derivation_path = path.to_derivation_path()?;
    let seed = Zeroizing::new(mnemonic.to_seed_normalized(""));
    bip32::XPrv::derive_from_path(seed.as_ref(), &derivation_path)
        .map_err(|e| KeyError::InvalidPath(format!("{path}: derivation failed: {e}")))
}

/// The bech32 account address of `key` under `prefix` (e.g. `wasm1…`).
pub fn address(key: &SigningKey, prefix: &str) -> Result<String, KeyError> {
    Ok(account_id(&key.public_key(), prefix)?.to_string())
}

pub(crate) fn account_id(
    public_key: &cosmrs::crypto::PublicKey,
    prefix: &str,
) -> Result<cosmrs::AccountId, KeyError> {
    public_key
        .account_id(prefix)
        .map_err(|e| KeyError::InvalidPrefix {
            prefix: prefix.to_owned(),
            reason: e.to_string(),
        })
}

/// Reads a mnemonic from the environment variable `var` (e.g. [`MNEMONIC_ENV`]), for CI:
/// `Ok(None)` when it is unset, the mnemonic (normalized: lowercase, single spaces) when it
/// holds a valid one, and an error naming the variable when it is empty, not UTF-8 or not a
/// valid mnemonic.
pub fn mnemonic_from_env(var: &str) -> Result<Option<String>, KeyError> {
    let env_error = |reason: String| KeyError::Env {
        var: var.to_owned(),
        reason,
    };
    let mut raw = match std::env::var(var) {
        Ok(raw) => raw,
        Err(std::env::VarError::NotPresent) => return Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(env_error("is not valid UTF-8".into()))
        }
    };
    let parsed = if raw.trim().is_empty() {
        Err(env_error("is set but empty".into()))
    } else {
        parse_mnemonic(&raw).map_err(|e| match e {
            KeyError::InvalidMnemonic(detail) => {
                env_error(format!("does not hold a valid mnemonic ({detail})"))
            }
            other => other,
        })
    };
    raw.zeroize();
    Ok(Some(parsed?.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWELVE: &str = "test test test test test test test test test test test junk";

    #[test]
    fn path_display_and_parse_round_trip() {
        assert_eq!(HdPath::default().to_string(), "m/44'/118'/0'/0/0");
        let path = HdPath {
            coin_type: 330,
            account: 2,
            index: 7,
        };
        assert_eq!(path.to_string(), "m/44'/330'/2'/0/7");
        assert_eq!(path.to_string().parse::<HdPath>().unwrap(), path);
        assert_eq!(
            "m/44h/118h/0h/0/3".parse::<HdPath>().unwrap(),
            HdPath::cosmos(3)
        );
    }

    #[test]
    fn bad_paths_are_rejected() {
        for bad in [
            "",
            "m",
            "44'/118'/0'/0/0",
            "m/44'/118'/0'/0",
            "m/44'/118'/0'/0/0/0",
            "m/49'/118'/0'/0/0",
            "m/44/118'/0'/0/0",
            "m/44'/118/0'/0/0",
            "m/44'/118'/0/0/0",
            "m/44'/118'/0'/1/0",
            "m/44'/118'/0'/0'/0",
            "m/44'/118'/0'/0/0'",
            "m/44'/118'/0'/0/x",
            "m/44'/118'/0'/0/-1",
            "m/44'/118'/0'/0/2147483648",
            "m/44'/4294967296'/0'/0/0",
        ] {
            let err = bad.parse::<HdPath>().unwrap_err();
            assert!(matches!(err, KeyError::InvalidPath(_)), "{bad}: {err}");
        }
        let out_of_range = HdPath {
            index: 1 << 31,
            ..HdPath::default()
        };
        assert!(matches!(
            key_from_mnemonic(TWELVE, &out_of_range),
            Err(KeyError::InvalidPath(_))
        ));
    }

    #[test]
    fn mnemonics_of_every_length_parse_and_bad_ones_say_why_without_words() {
        for words in [12, 15, 18, 21, 24] {
            let entropy = vec![7u8; words / 3 * 4];
            let phrase = Mnemonic::from_entropy(&entropy).unwrap().to_string();
            let loud = format!("  {}\n", phrase.to_uppercase().replace(' ', "\t "));
            assert_eq!(parse_mnemonic(&loud).unwrap().to_string(), phrase);
            assert_eq!(parse_mnemonic(&phrase).unwrap().word_count(), words);
        }
        let err = parse_mnemonic("test test test").unwrap_err();
        assert!(err.to_string().contains("it has 3 words"), "{err}");
        let err = parse_mnemonic(&TWELVE.replace("junk", "junkx")).unwrap_err();
        assert!(err.to_string().contains("word 12 is not"), "{err}");
        assert!(!err.to_string().contains("junkx"), "{err}");
        let err = parse_mnemonic(&TWELVE.replace("junk", "test")).unwrap_err();
        assert!(err.to_string().contains("checksum"), "{err}");
    }

    #[test]
    fn generated_mnemonics_have_24_words_and_differ() {
        let a = generate_mnemonic().unwrap();
        let b = generate_mnemonic().unwrap();
        assert_eq!(a.word_count(), 24);
        assert_ne!(a.to_string(), b.to_string());
    }

    #[test]
    fn keys_depend_on_every_path_component() {
        let addr =
            |path: HdPath| address(&key_from_mnemonic(TWELVE, &path).unwrap(), "wasm").unwrap();
        let base = addr(HdPath::default());
        assert!(base.starts_with("wasm1"));
        assert_eq!(base, addr(HdPath::default()));
        assert_ne!(base, addr(HdPath::cosmos(1)));
        assert_ne!(
            base,
            addr(HdPath {
                account: 1,
                ..HdPath::default()
            })
        );
        assert_ne!(
            base,
            addr(HdPath {
                coin_type: 60,
                ..HdPath::default()
            })
        );
        let key = key_from_mnemonic(TWELVE, &HdPath::default()).unwrap();
        assert!(matches!(
            address(&key, "Not A Prefix"),
            Err(KeyError::InvalidPrefix { .. })
        ));
    }

    #[test]
    fn env_helper_reads_validates_and_names_the_variable() {
        // Names unique to this test: tests run in parallel threads of one process.
        let var = "OGPU_TEST_KEYS_HD_MNEMONIC";
        std::env::remove_var(var);
        assert_eq!(mnemonic_from_env(var).unwrap(), None);
        std::env::set_var(var, format!(" {}\n", TWELVE.to_uppercase()));
        assert_eq!(mnemonic_from_env(var).unwrap().as_deref(), Some(TWELVE));
        std::env::set_var(var, "  ");
        let err = mnemonic_from_env(var).unwrap_err();
        assert!(
            err.to_string().contains(var) && err.to_string().contains("empty"),
            "{err}"
        );
        std::env::set_var(var, "test junk");
        let err = mnemonic_from_env(var).unwrap_err();
        assert!(matches!(err, KeyError::Env { .. }), "{err}");
        assert!(err.to_string().contains("it has 2 words"), "{err}");
        std::env::remove_var(var);
    }
}
