//! The Cosmos SDK's armored private key (`wasmd keys export` / `keys import`), so a key
//! moves between `ogpu` and any SDK chain's CLI. The format (SDK `crypto/armor.go`):
//!
//! ```text
//! -----BEGIN TENDERMINT PRIVATE KEY-----
//! kdf: bcrypt
//! salt: <16 random bytes, hex, upper case>
//! type: secp256k1
//!
//! <base64 of nonce (24 bytes) ‖ secretbox(amino(PrivKeySecp256k1)), 64 columns>
//! =<CRC-24 of the data, base64 (OpenPGP armor, RFC 4880 §6)>
//! -----END TENDERMINT PRIVATE KEY-----
//! ```
//!
//! The secretbox key is SHA-256 of the bcrypt hash string (`$2a$12$…`, cost 12) of the
//! passphrase under the salt (the SDK's development branch writes `kdf: scrypt` with a
//! `kdfparams` header instead, which is read too); the secretbox is NaCl's XSalsa20-Poly1305. The amino bytes
//! are the type prefix `e1b0f79b`, the length 32, then the key.

use base64::Engine as _;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Key, Nonce, XSalsa20Poly1305};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{CliError, CliResult};

const BLOCK_TYPE: &str = "TENDERMINT PRIVATE KEY";
/// The SDK's `BcryptSecurityParameter`.
const BCRYPT_COST: u32 = 12;
/// Amino's prefix of `tendermint/PrivKeySecp256k1` and the key's length.
const AMINO_PREFIX: [u8; 5] = [0xe1, 0xb0, 0xf7, 0x9b, 0x20];
const NONCE_LEN: usize = 24;
const LINE: usize = 64;

/// `secret` armored under `passphrase`, as `wasmd keys export` prints it.
pub fn encrypt(secret: &[u8; 32], passphrase: &str) -> CliResult<String> {
    let salt: [u8; 16] = random()?;
    let data = seal(secret, &bcrypt_cipher(passphrase, &salt)?)?;
    let headers = [
        ("kdf", "bcrypt".to_string()),
        ("salt", hex::encode_upper(salt)),
        ("type", "secp256k1".to_string()),
    ];
    Ok(encode(&headers, &data))
}

/// The nonce, then the secretbox of the amino-encoded key.
fn seal(secret: &[u8; 32], cipher: &XSalsa20Poly1305) -> CliResult<Vec<u8>> {
    let nonce: [u8; NONCE_LEN] = random()?;
    let mut plaintext = Zeroizing::new(AMINO_PREFIX.to_vec());
    plaintext.extend_from_slice(secret);
    let sealed = cipher
        .encrypt(&Nonce::from(nonce), plaintext.as_slice())
        .map_err(|_| CliError::chain("encrypting the exported key failed"))?;
    Ok([nonce.as_slice(), &sealed].concat())
}

/// The armored block: headers, base64 in 64 columns, the CRC-24 line.
fn encode(headers: &[(&str, String)], data: &[u8]) -> String {
    let mut out = format!("-----BEGIN {BLOCK_TYPE}-----\n");
    for (key, value) in headers {
        out.push_str(&format!("{key}: {value}\n"));
    }
    out.push('\n');
    let body = base64::engine::general_purpose::STANDARD.encode(data);
    for line in body.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    let crc = crc24(data).to_be_bytes();
    out.push('=');
    out.push_str(&base64::engine::general_purpose::STANDARD.encode(&crc[1..]));
    out.push_str(&format!("\n-----END {BLOCK_TYPE}-----"));
    out
}

/// The private key in an armored export, opened with `passphrase`.
pub fn decrypt(text: &str, passphrase: &str) -> CliResult<Zeroizing<[u8; 32]>> {
    let armor = Armor::parse(text)?;
    match armor.header("type") {
        None | Some("secp256k1") => {}
        Some(other) => {
            return Err(invalid(format!(
                "it holds a {other} key, and ogpu signs with secp256k1 keys only"
            )))
        }
    }
    let salt = armor
        .header("salt")
        .and_then(|s| hex::decode(s).ok())
        .ok_or_else(|| invalid("its salt header is not hex".into()))?;
    let cipher = match armor.header("kdf") {
        Some("bcrypt") => {
            let salt: [u8; 16] = salt
                .try_into()
                .map_err(|_| invalid("its bcrypt salt is not 16 bytes".into()))?;
            bcrypt_cipher(passphrase, &salt)?
        }
        Some("scrypt") => scrypt_cipher(passphrase, &salt, armor.header("kdfparams"))?,
        Some(other) => {
            return Err(invalid(format!(
                "its key is derived with {other}; ogpu reads bcrypt and scrypt exports"
            )))
        }
        None => return Err(invalid("it has no kdf header".into())),
    };
    if armor.data.len() <= NONCE_LEN + 16 {
        return Err(invalid("its encrypted key is too short".into()));
    }
    let (nonce, sealed) = armor.data.split_at(NONCE_LEN);
    let plaintext = Zeroizing::new(cipher.decrypt(Nonce::from_slice(nonce), sealed).map_err(
        |_| {
            CliError::usage(
                "wrong passphrase for the exported key (decryption failed)",
                "give the passphrase it was exported with",
            )
        },
    )?);
    let key = plaintext
        .strip_prefix(&AMINO_PREFIX)
        .filter(|key| key.len() == 32)
        .ok_or_else(|| invalid("it decrypts to something other than a secp256k1 key".into()))?;
    let mut secret = Zeroizing::new([0u8; 32]);
    secret.copy_from_slice(key);
    Ok(secret)
}

/// The secretbox under SHA-256 of the bcrypt hash string, as the SDK derives it.
fn bcrypt_cipher(passphrase: &str, salt: &[u8; 16]) -> CliResult<XSalsa20Poly1305> {
    let hash = bcrypt::hash_with_salt(passphrase.as_bytes(), BCRYPT_COST, *salt).map_err(|e| {
        CliError::usage(
            format!("cannot use this passphrase ({e})"),
            "choose another",
        )
    })?;
    let hashed = Zeroizing::new(hash.format_for_version(bcrypt::Version::TwoA));
    let key = Zeroizing::new(Sha256::digest(hashed.as_bytes()));
    Ok(XSalsa20Poly1305::new(Key::from_slice(&key)))
}

/// The secretbox under the scrypt key of the `kdfparams` header
/// (`n=32768,r=8,p=1,dklen=32`), as the SDK's development branch derives it. N is bounded
/// so that a crafted file cannot make the import allocate without end.
fn scrypt_cipher(
    passphrase: &str,
    salt: &[u8],
    params: Option<&str>,
) -> CliResult<XSalsa20Poly1305> {
    const MAX_LOG_N: u8 = 20;
    let bad = || {
        invalid(format!(
            "its kdfparams {params:?} are not n=…,r=…,p=…,dklen=32"
        ))
    };
    let mut fields = [0u32; 4];
    let text = params.ok_or_else(bad)?;
    let parts: Vec<&str> = text.split(',').collect();
    if parts.len() != 4 {
        return Err(bad());
    }
    for ((field, part), name) in fields.iter_mut().zip(&parts).zip(["n", "r", "p", "dklen"]) {
        *field = part
            .strip_prefix(name)
            .and_then(|p| p.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .ok_or_else(bad)?;
    }
    let [n, r, p, dklen] = fields;
    let log_n = u8::try_from(n.trailing_zeros()).map_err(|_| bad())?;
    if dklen != 32 || !n.is_power_of_two() || log_n > MAX_LOG_N {
        return Err(bad());
    }
    let params = scrypt::Params::new(log_n, r, p, 32).map_err(|_| bad())?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(passphrase.as_bytes(), salt, &params, key.as_mut()).map_err(|_| bad())?;
    Ok(XSalsa20Poly1305::new(Key::from_slice(key.as_slice())))
}

/// `N` bytes from the system's random number generator (salts, nonces).
pub fn random<const N: usize>() -> CliResult<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        CliError::chain(format!("the system's random number generator failed: {e}"))
    })?;
    Ok(bytes)
}

fn invalid(why: String) -> CliError {
    CliError::usage(
        format!("not an armored secp256k1 private key: {why}"),
        "give a file written by `wasmd keys export` or `ogpu keys export`",
    )
}

/// An OpenPGP-style armored block: headers and the decoded data, its checksum verified.
struct Armor {
    headers: Vec<(String, String)>,
    data: Vec<u8>,
}

impl Armor {
    fn parse(text: &str) -> CliResult<Self> {
        let begin = format!("-----BEGIN {BLOCK_TYPE}-----");
        let end = format!("-----END {BLOCK_TYPE}-----");
        let mut lines = text.lines().map(str::trim);
        if !lines.by_ref().any(|l| l == begin) {
            return Err(invalid(format!("no `{begin}` line")));
        }
        let mut headers = Vec::new();
        for line in lines.by_ref() {
            if line.is_empty() {
                break;
            }
            let (key, value) = line
                .split_once(": ")
                .ok_or_else(|| invalid(format!("header line {line:?} is not `key: value`")))?;
            headers.push((key.to_string(), value.to_string()));
        }
        let mut body = String::new();
        let mut checksum = None;
        let mut ended = false;
        for line in lines {
            if line == end {
                ended = true;
                break;
            }
            match line.strip_prefix('=') {
                Some(crc) => checksum = Some(crc.to_string()),
                None => body.push_str(line),
            }
        }
        if !ended {
            return Err(invalid(format!("no `{end}` line")));
        }
        let data = base64::engine::general_purpose::STANDARD
            .decode(&body)
            .map_err(|_| invalid("its body is not base64".into()))?;
        if let Some(crc) = checksum {
            let expected = crc24(&data).to_be_bytes();
            let given = base64::engine::general_purpose::STANDARD.decode(&crc).ok();
            if given.as_deref() != Some(&expected[1..]) {
                return Err(invalid(
                    "its checksum does not match: the file was changed or cut".into(),
                ));
            }
        }
        Ok(Self { headers, data })
    }

    fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// OpenPGP's CRC-24 (RFC 4880 §6.1).
fn crc24(data: &[u8]) -> u32 {
    const INIT: u32 = 0x00b7_04ce;
    const POLY: u32 = 0x0186_4cfb;
    let mut crc = INIT;
    for &byte in data {
        crc ^= u32::from(byte) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x0100_0000 != 0 {
                crc ^= POLY;
            }
        }
    }
    crc & 0x00ff_ffff
}

#[cfg(test)]
mod tests {
    use super::*;
    use ogpu_client::keys::{key_from_mnemonic, HdPath};

    /// A key exported by an SDK chain's CLI (`echo password | checkersd keys export alice`,
    /// Cosmos developer tutorial "Simulate production in Docker"), and its mnemonic.
    const SDK_EXPORT: &str = "-----BEGIN TENDERMINT PRIVATE KEY-----
kdf: bcrypt
salt: A67D88136A462383A2DD30727510DF59
type: secp256k1

7gttUkxkpWxlI9tF0/vEYHvysmKTc/mG/aZ8dMF3u7a8xkPgVLa/Z75k/46nr0yN
FP/h5zTVYoP8tMnvVLV0koVAOV4QQurD5C7l3N8=
=qyP6
-----END TENDERMINT PRIVATE KEY-----
";
    const SDK_MNEMONIC: &str = "zebra burden afford work power afraid field creek laugh govern \
        upgrade project glue ceiling lounge mobile romance pear relief either panel expect \
        eagle jacket";
    const SDK_ADDRESS: &str = "cosmos1am3fnp5dd6nndk5jyjq9mpqh3yvt2jmmdv83xn";

    #[test]
    fn an_sdk_export_opens_to_its_mnemonics_key() {
        let secret = decrypt(SDK_EXPORT, "password").unwrap();
        let key = cosmrs::crypto::secp256k1::SigningKey::from_slice(secret.as_slice()).unwrap();
        let address = key.public_key().account_id("cosmos").unwrap().to_string();
        assert_eq!(address, SDK_ADDRESS);
        let derived = key_from_mnemonic(SDK_MNEMONIC, &HdPath::default()).unwrap();
        assert_eq!(derived.public_key(), key.public_key());

        let err = decrypt(SDK_EXPORT, "Password").unwrap_err();
        assert!(err.message.contains("wrong passphrase"), "{}", err.message);
        let cut = SDK_EXPORT.replace("FP/h5zTV", "FP/h5zTW");
        let err = decrypt(&cut, "password").unwrap_err();
        assert!(err.message.contains("checksum"), "{}", err.message);
        let ed = SDK_EXPORT.replace("type: secp256k1", "type: ed25519");
        assert!(decrypt(&ed, "password")
            .unwrap_err()
            .message
            .contains("ed25519"));
        assert!(decrypt("hello", "x").unwrap_err().message.contains("BEGIN"));
    }

    #[test]
    fn exports_round_trip_in_the_sdk_layout() {
        let secret = [7u8; 32];
        let text = encrypt(&secret, "pass word").unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "-----BEGIN TENDERMINT PRIVATE KEY-----");
        assert_eq!(lines[1], "kdf: bcrypt");
        assert!(lines[2].starts_with("salt: ") && lines[2].len() == 6 + 32);
        assert_eq!(lines[3], "type: secp256k1");
        assert_eq!(lines[4], "");
        assert_eq!(lines[5].len(), 64);
        assert!(lines[lines.len() - 2].starts_with('='));
        assert_eq!(
            lines[lines.len() - 1],
            "-----END TENDERMINT PRIVATE KEY-----"
        );
        assert_eq!(*decrypt(&text, "pass word").unwrap(), secret);
        assert!(decrypt(&text, "pass").is_err());
    }

    #[test]
    fn scrypt_exports_open_too() {
        let secret = [9u8; 32];
        let salt = [1u8; 16];
        let params = "n=1024,r=8,p=1,dklen=32";
        let data = seal(&secret, &scrypt_cipher("pw", &salt, Some(params)).unwrap()).unwrap();
        let headers = [
            ("kdf", "scrypt".to_string()),
            ("kdfparams", params.to_string()),
            ("salt", hex::encode_upper(salt)),
            ("type", "secp256k1".to_string()),
        ];
        let text = encode(&headers, &data);
        assert_eq!(*decrypt(&text, "pw").unwrap(), secret);
        assert!(decrypt(&text, "px")
            .unwrap_err()
            .message
            .contains("wrong passphrase"));
        for bad in [
            "n=1000,r=8,p=1,dklen=32",
            "n=1048576,r=8,p=1,dklen=16",
            "n=2097152,r=8,p=1,dklen=32",
            "x",
        ] {
            let text = text.replace(params, bad);
            let err = decrypt(&text, "pw").unwrap_err();
            assert!(err.message.contains("kdfparams"), "{bad}: {}", err.message);
        }
    }

    #[test]
    fn crc24_matches_rfc4880() {
        // The checksum of no data is the initial value.
        assert_eq!(crc24(b""), 0x00b7_04ce);
        assert_eq!(crc24(b"123456789"), 0x0021_cf02);
    }
}
