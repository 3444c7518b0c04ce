//! The keyring through its public API: derivation against the devnet's accounts, the
//! add/recover/list/show/delete round trip, passphrases, tampering, permissions and names.

use std::fs;
use std::path::Path;

use ogpu_client::keys::{
    address, key_from_mnemonic, mnemonic_from_env, HdPath, KdfParams, KeyError, KeyInfo, Keyring,
    Protection,
};
use ogpu_devnet::keys::{derive_accounts, DEFAULT_MNEMONIC};
use serde_json::{json, Value};

const PASS: &str = "correct horse battery staple";
/// A valid 24-word mnemonic (BIP-39 test vector, entropy 0x00…00).
const TWENTY_FOUR: &str = "abandon abandon abandon abandon abandon abandon abandon abandon \
    abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon \
    abandon abandon abandon abandon art";

fn keyring() -> (tempfile::TempDir, Keyring) {
    let tmp = tempfile::tempdir().unwrap();
    let keyring = Keyring::open(tmp.path().join("keyring"))
        .unwrap()
        .with_kdf_params(KdfParams::INSECURE_FOR_TESTS);
    (tmp, keyring)
}

/// The error of a result whose value is not `Debug` (`SigningKey` is not).
fn err<T>(result: Result<T, KeyError>) -> KeyError {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

fn signer_address(keyring: &Keyring, name: &str, passphrase: Option<&str>) -> String {
    address(&keyring.signer(name, passphrase).unwrap(), "wasm").unwrap()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn write_json(path: &Path, value: &Value) {
    fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

#[test]
fn known_vector_matches_the_devnet_accounts() {
    let devnet = derive_accounts(DEFAULT_MNEMONIC, 2, "wasm").unwrap();
    let key = key_from_mnemonic(DEFAULT_MNEMONIC, &HdPath::default()).unwrap();
    assert_eq!(address(&key, "wasm").unwrap(), devnet[0].address);
    let key = key_from_mnemonic(DEFAULT_MNEMONIC, &HdPath::cosmos(1)).unwrap();
    assert_eq!(address(&key, "wasm").unwrap(), devnet[1].address);

    let (_tmp, keyring) = keyring();
    let info = keyring
        .recover(
            "dev",
            DEFAULT_MNEMONIC,
            Protection::Passphrase(PASS),
            HdPath::default(),
        )
        .unwrap();
    assert_eq!(info.address("wasm").unwrap(), devnet[0].address);
    assert_eq!(
        signer_address(&keyring, "dev", Some(PASS)),
        devnet[0].address
    );
    assert_eq!(
        info.public_key_hex,
        hex::encode(devnet[0].key.public_key().to_bytes())
    );
}

#[test]
fn add_recover_list_show_delete_round_trip() {
    let (_tmp, keyring) = keyring();
    assert!(keyring.list().unwrap().is_empty());

    let (alice, mnemonic) = keyring
        .add("alice", Protection::Passphrase(PASS), HdPath::default())
        .unwrap();
    assert_eq!(mnemonic.word_count(), 24);
    assert!(alice.encrypted);
    assert_eq!(alice.address_bytes.len(), 20);
    assert_eq!(alice.public_key_hex.len(), 66);
    assert_eq!(alice.hd_path(), HdPath::default());
    assert_eq!(
        signer_address(&keyring, "alice", Some(PASS)),
        alice.address("wasm").unwrap()
    );

    // The shown mnemonic is the key: recovering it elsewhere gives the same address.
    let bob = keyring
        .recover(
            "bob",
            &mnemonic.to_string(),
            Protection::UnsafePlaintext,
            HdPath::default(),
        )
        .unwrap();
    assert!(!bob.encrypted);
    assert_eq!(bob.address_bytes, alice.address_bytes);
    assert_eq!(
        alice.address("cosmos").unwrap(),
        address(&keyring.signer("bob", None).unwrap(), "cosmos").unwrap()
    );

    let (aaron, _) = keyring
        .add("aaron", Protection::Passphrase(PASS), HdPath::default())
        .unwrap();
    assert_ne!(aaron.address_bytes, alice.address_bytes);
    let names: Vec<_> = keyring
        .list()
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(names, ["aaron", "alice", "bob"]);
    assert_eq!(keyring.show("alice").unwrap(), alice);
    assert!(keyring.contains("alice").unwrap());

    // The same directory opened again sees the same keys.
    let reopened = Keyring::open(keyring.dir()).unwrap();
    assert_eq!(reopened.show("bob").unwrap(), bob);

    keyring.delete("alice").unwrap();
    assert!(!keyring.contains("alice").unwrap());
    let e = keyring.show("alice").unwrap_err();
    assert!(matches!(e, KeyError::NotFound { .. }), "{e}");
    assert!(e.to_string().contains("`ogpu keys add alice`"), "{e}");
    assert!(e.to_string().contains("`ogpu keys list`"), "{e}");
    assert!(matches!(
        err(keyring.signer("alice", Some(PASS))),
        KeyError::NotFound { .. }
    ));
    assert!(matches!(
        keyring.delete("alice"),
        Err(KeyError::NotFound { .. })
    ));
    let names: Vec<_> = keyring
        .list()
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(names, ["aaron", "bob"]);
}

#[test]
fn wrong_or_missing_passphrases_are_rejected() {
    let (_tmp, keyring) = keyring();
    keyring
        .recover(
            "k",
            DEFAULT_MNEMONIC,
            Protection::Passphrase(PASS),
            HdPath::default(),
        )
        .unwrap();
    let e = err(keyring.signer("k", Some("correct horse battery stapler")));
    assert!(
        matches!(&e, KeyError::WrongPassphrase { name, .. } if name == "k"),
        "{e}"
    );
    assert!(e.to_string().contains("try again"), "{e}");
    assert!(matches!(
        err(keyring.signer("k", Some(""))),
        KeyError::WrongPassphrase { .. }
    ));
    let e = err(keyring.signer("k", None));
    assert!(matches!(e, KeyError::PassphraseRequired { .. }), "{e}");
    // The failures changed nothing.
    assert_eq!(
        signer_address(&keyring, "k", Some(PASS)),
        derive_accounts(DEFAULT_MNEMONIC, 1, "wasm").unwrap()[0].address
    );
}

#[test]
fn plaintext_only_when_asked_and_never_an_empty_passphrase() {
    let (_tmp, keyring) = keyring();
    let e = keyring
        .recover(
            "k",
            DEFAULT_MNEMONIC,
            Protection::Passphrase(""),
            HdPath::default(),
        )
        .unwrap_err();
    assert!(matches!(e, KeyError::EmptyPassphrase), "{e}");
    assert!(e.to_string().contains("--unsafe-plaintext"), "{e}");
    assert!(matches!(
        keyring.add("k", Protection::Passphrase(""), HdPath::default()),
        Err(KeyError::EmptyPassphrase)
    ));
    assert!(!keyring.contains("k").unwrap());

    let sealed = keyring
        .recover(
            "sealed",
            DEFAULT_MNEMONIC,
            Protection::Passphrase(PASS),
            HdPath::default(),
        )
        .unwrap();
    let text = fs::read_to_string(keyring.key_path("sealed").unwrap()).unwrap();
    assert!(sealed.encrypted);
    assert!(
        !text.contains("test test") && !text.contains("junk"),
        "{text}"
    );
    assert!(!text.contains(PASS));
    let file = read_json(&keyring.key_path("sealed").unwrap());
    assert_eq!(file["version"], 1);
    assert_eq!(file["secret"]["type"], "encrypted");
    assert_eq!(file["secret"]["kdf"]["name"], "argon2id");
    assert_eq!(file["secret"]["kdf"]["m_cost_kib"], 8);
    assert_eq!(file["secret"]["cipher"]["name"], "xchacha20poly1305");

    let open = keyring
        .recover(
            "open",
            DEFAULT_MNEMONIC,
            Protection::UnsafePlaintext,
            HdPath::default(),
        )
        .unwrap();
    assert!(!open.encrypted);
    let file = read_json(&keyring.key_path("open").unwrap());
    assert_eq!(
        file["secret"],
        json!({ "type": "unsafe_plaintext", "mnemonic": DEFAULT_MNEMONIC })
    );
    // A plaintext key needs no passphrase and ignores one.
    assert_eq!(
        signer_address(&keyring, "open", None),
        signer_address(&keyring, "open", Some("x"))
    );
}

#[test]
fn keys_open_with_the_parameters_in_their_file() {
    let (_tmp, keyring) = keyring();
    let params = KdfParams {
        m_cost_kib: 64,
        t_cost: 2,
        p_cost: 2,
    };
    keyring
        .clone()
        .with_kdf_params(params)
        .recover(
            "k",
            DEFAULT_MNEMONIC,
            Protection::Passphrase(PASS),
            HdPath::default(),
        )
        .unwrap();
    let file = read_json(&keyring.key_path("k").unwrap());
    assert_eq!(file["secret"]["kdf"]["m_cost_kib"], 64);
    assert_eq!(file["secret"]["kdf"]["t_cost"], 2);
    assert_eq!(file["secret"]["kdf"]["p_cost"], 2);
    // `keyring` writes with other parameters but reads this key with its own.
    keyring.signer("k", Some(PASS)).unwrap();
}

#[cfg(unix)]
#[test]
fn directory_is_0700_and_key_files_are_0600() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nested/keyring");
    let keyring = Keyring::open(&dir)
        .unwrap()
        .with_kdf_params(KdfParams::INSECURE_FOR_TESTS);
    assert_eq!(mode(&dir), 0o700);
    keyring
        .add("sealed", Protection::Passphrase(PASS), HdPath::default())
        .unwrap();
    keyring
        .add("open", Protection::UnsafePlaintext, HdPath::default())
        .unwrap();
    assert_eq!(mode(&dir.join("sealed.json")), 0o600);
    assert_eq!(mode(&dir.join("open.json")), 0o600);
    // Only the two key files: the temporary files are gone.
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["open.json", "sealed.json"]);

    let file = tmp.path().join("a-file");
    fs::write(&file, "").unwrap();
    assert!(matches!(Keyring::open(&file), Err(KeyError::Io { .. })));
}

#[test]
fn existing_keys_are_never_overwritten() {
    let (_tmp, keyring) = keyring();
    keyring
        .recover(
            "k",
            DEFAULT_MNEMONIC,
            Protection::Passphrase(PASS),
            HdPath::default(),
        )
        .unwrap();
    let before = fs::read(keyring.key_path("k").unwrap()).unwrap();
    let e = keyring
        .add("k", Protection::Passphrase(PASS), HdPath::default())
        .unwrap_err();
    assert!(
        matches!(&e, KeyError::AlreadyExists { name, .. } if name == "k"),
        "{e}"
    );
    assert!(e.to_string().contains("ogpu keys delete k"), "{e}");
    assert!(matches!(
        keyring.recover(
            "k",
            TWENTY_FOUR,
            Protection::UnsafePlaintext,
            HdPath::cosmos(3)
        ),
        Err(KeyError::AlreadyExists { .. })
    ));
    assert_eq!(fs::read(keyring.key_path("k").unwrap()).unwrap(), before);
}

#[test]
fn invalid_names_are_rejected_everywhere() {
    let (tmp, keyring) = keyring();
    for name in [
        "",
        "../escape",
        "a/b",
        "..",
        ".hidden",
        "x.json",
        "sp ace",
        &"n".repeat(65),
    ] {
        let check = |e: KeyError| {
            assert!(matches!(e, KeyError::InvalidName { .. }), "{name:?}: {e}");
        };
        check(
            keyring
                .add(name, Protection::UnsafePlaintext, HdPath::default())
                .unwrap_err(),
        );
        check(
            keyring
                .recover(
                    name,
                    DEFAULT_MNEMONIC,
                    Protection::UnsafePlaintext,
                    HdPath::default(),
                )
                .unwrap_err(),
        );
        check(keyring.show(name).unwrap_err());
        check(keyring.delete(name).unwrap_err());
        check(err(keyring.signer(name, None)));
        check(keyring.key_path(name).unwrap_err());
    }
    assert!(keyring.list().unwrap().is_empty());
    assert!(!tmp.path().join("escape.json").exists());
}

#[test]
fn mnemonics_of_12_and_24_words_and_custom_paths() {
    let (_tmp, keyring) = keyring();
    let twelve = keyring
        .recover(
            "twelve",
            DEFAULT_MNEMONIC,
            Protection::Passphrase(PASS),
            HdPath::default(),
        )
        .unwrap();
    let twenty_four = keyring
        .recover(
            "twenty-four",
            TWENTY_FOUR,
            Protection::Passphrase(PASS),
            HdPath::default(),
        )
        .unwrap();
    assert_ne!(twelve.address_bytes, twenty_four.address_bytes);
    assert_eq!(
        twenty_four.address("wasm").unwrap(),
        address(
            &key_from_mnemonic(TWENTY_FOUR, &HdPath::default()).unwrap(),
            "wasm"
        )
        .unwrap()
    );
    assert_eq!(
        signer_address(&keyring, "twenty-four", Some(PASS)),
        twenty_four.address("wasm").unwrap()
    );

    let path = HdPath {
        coin_type: 330,
        account: 1,
        index: 5,
    };
    let custom = keyring
        .recover(
            "custom",
            DEFAULT_MNEMONIC,
            Protection::Passphrase(PASS),
            path,
        )
        .unwrap();
    assert_eq!(
        (custom.coin_type, custom.account, custom.index),
        (330, 1, 5)
    );
    assert_eq!(
        read_json(&keyring.key_path("custom").unwrap())["hd_path"],
        "m/44'/330'/1'/0/5"
    );
    let expected = address(&key_from_mnemonic(DEFAULT_MNEMONIC, &path).unwrap(), "wasm").unwrap();
    assert_eq!(custom.address("wasm").unwrap(), expected);
    assert_eq!(signer_address(&keyring, "custom", Some(PASS)), expected);
    assert_ne!(custom.address_bytes, twelve.address_bytes);

    for bad in [
        "one two three",
        "test test test test test test test test test test test test",
    ] {
        let e = keyring
            .recover("bad", bad, Protection::UnsafePlaintext, HdPath::default())
            .unwrap_err();
        assert!(matches!(e, KeyError::InvalidMnemonic(_)), "{e}");
    }
    assert!(matches!(
        keyring.recover(
            "bad",
            DEFAULT_MNEMONIC,
            Protection::UnsafePlaintext,
            HdPath {
                account: 1 << 31,
                ..HdPath::default()
            }
        ),
        Err(KeyError::InvalidPath(_))
    ));
    assert!(!keyring.contains("bad").unwrap());
}

/// Rewrites key `name`'s file through `edit` and returns what `signer` then says.
fn tamper(keyring: &Keyring, name: &str, edit: impl FnOnce(&mut Value)) -> KeyError {
    let path = keyring.key_path(name).unwrap();
    let original = fs::read(&path).unwrap();
    let mut file = read_json(&path);
    edit(&mut file);
    write_json(&path, &file);
    let e = err(keyring.signer(name, Some(PASS)));
    fs::write(&path, original).unwrap();
    e
}

fn flip_hex(value: &mut Value) {
    let mut bytes = hex::decode(value.as_str().unwrap()).unwrap();
    bytes[0] ^= 0x01;
    *value = Value::String(hex::encode(bytes));
}

#[test]
fn tampered_encrypted_files_are_rejected() {
    let (_tmp, keyring) = keyring();
    keyring
        .recover(
            "k",
            DEFAULT_MNEMONIC,
            Protection::Passphrase(PASS),
            HdPath::default(),
        )
        .unwrap();
    let other = key_from_mnemonic(TWENTY_FOUR, &HdPath::default()).unwrap();
    let other_public_key = hex::encode(other.public_key().to_bytes());
    let other_address = hex::encode(other.public_key().account_id("wasm").unwrap().to_bytes());

    let is_wrong_passphrase = |e: &KeyError| matches!(e, KeyError::WrongPassphrase { .. });
    let is_corrupt = |e: &KeyError| matches!(e, KeyError::Corrupt { .. });

    // The secret itself: the AEAD tag fails.
    let e = tamper(&keyring, "k", |f| {
        flip_hex(&mut f["secret"]["cipher"]["ciphertext"])
    });
    assert!(is_wrong_passphrase(&e), "{e}");
    let e = tamper(&keyring, "k", |f| {
        flip_hex(&mut f["secret"]["cipher"]["nonce"])
    });
    assert!(is_wrong_passphrase(&e), "{e}");
    let e = tamper(&keyring, "k", |f| flip_hex(&mut f["secret"]["kdf"]["salt"]));
    assert!(is_wrong_passphrase(&e), "{e}");
    let e = tamper(&keyring, "k", |f| f["secret"]["kdf"]["t_cost"] = json!(2));
    assert!(is_wrong_passphrase(&e), "{e}");

    // The public fields, bound as associated data: swapping in another key's public key and
    // address (so the file is self-consistent) is caught by the AEAD.
    let e = tamper(&keyring, "k", |f| {
        f["public_key"] = json!(other_public_key);
        f["address"] = json!(other_address);
    });
    assert!(is_wrong_passphrase(&e), "{e}");
    let e = tamper(&keyring, "k", |f| f["hd_path"] = json!("m/44'/118'/0'/0/1"));
    assert!(is_wrong_passphrase(&e), "{e}");

    // Inconsistent or malformed public fields are caught on every read, signer or not.
    let e = tamper(&keyring, "k", |f| f["address"] = json!(other_address));
    assert!(is_corrupt(&e), "{e}");
    assert!(e.to_string().contains("address does not match"), "{e}");
    let e = tamper(&keyring, "k", |f| f["name"] = json!("other"));
    assert!(is_corrupt(&e), "{e}");
    let e = tamper(&keyring, "k", |f| f["public_key"] = json!("02abcd"));
    assert!(is_corrupt(&e), "{e}");
    let e = tamper(&keyring, "k", |f| f["hd_path"] = json!("m/44'/118'/0'/1/0"));
    assert!(is_corrupt(&e), "{e}");
    let e = tamper(&keyring, "k", |f| {
        f["secret"]["kdf"]["name"] = json!("scrypt")
    });
    assert!(is_corrupt(&e), "{e}");
    let e = tamper(&keyring, "k", |f| {
        f["secret"]["kdf"]["m_cost_kib"] = json!(u32::MAX)
    });
    assert!(is_corrupt(&e), "{e}");
    let e = tamper(&keyring, "k", |f| {
        f["secret"]["cipher"]["nonce"] = json!("00")
    });
    assert!(is_corrupt(&e), "{e}");
    let e = tamper(&keyring, "k", |f| f["extra"] = json!(1));
    assert!(is_corrupt(&e), "{e}");
    let e = tamper(&keyring, "k", |f| f["version"] = json!(2));
    assert!(
        matches!(e, KeyError::UnsupportedVersion { version: 2, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("upgrade ogpu"), "{e}");
    let e = tamper(&keyring, "k", |f| *f = json!("not a key file"));
    assert!(is_corrupt(&e), "{e}");

    // After all that, the restored file still opens.
    keyring.signer("k", Some(PASS)).unwrap();
    keyring.show("k").unwrap();
}

#[test]
fn tampered_plaintext_files_are_rejected() {
    let (_tmp, keyring) = keyring();
    keyring
        .recover(
            "k",
            DEFAULT_MNEMONIC,
            Protection::UnsafePlaintext,
            HdPath::default(),
        )
        .unwrap();
    let other = key_from_mnemonic(TWENTY_FOUR, &HdPath::default()).unwrap();
    // Another key's public fields, or another mnemonic: the derived key does not match.
    let e = tamper(&keyring, "k", |f| {
        f["public_key"] = json!(hex::encode(other.public_key().to_bytes()));
        f["address"] = json!(hex::encode(
            other.public_key().account_id("wasm").unwrap().to_bytes()
        ));
    });
    assert!(matches!(e, KeyError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("does not derive"), "{e}");
    let e = tamper(&keyring, "k", |f| {
        f["secret"]["mnemonic"] = json!(TWENTY_FOUR)
    });
    assert!(matches!(e, KeyError::Corrupt { .. }), "{e}");
    let e = tamper(&keyring, "k", |f| {
        f["secret"]["mnemonic"] = json!("test junk")
    });
    assert!(matches!(e, KeyError::Corrupt { .. }), "{e}");
    assert!(!e.to_string().contains("junk"), "{e}");
}

#[test]
fn list_skips_foreign_files_and_reports_damaged_keys() {
    let (_tmp, keyring) = keyring();
    keyring
        .add("k", Protection::Passphrase(PASS), HdPath::default())
        .unwrap();
    let dir = keyring.dir();
    fs::write(dir.join(".k.json.tmp-0011223344556677"), "partial").unwrap();
    fs::write(dir.join("notes.txt"), "hello").unwrap();
    fs::write(dir.join("not a key.json"), "{}").unwrap();
    fs::create_dir(dir.join("subdir")).unwrap();
    let names: Vec<_> = keyring
        .list()
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(names, ["k"]);

    fs::write(dir.join("broken.json"), "{").unwrap();
    let e = keyring.list().unwrap_err();
    assert!(
        matches!(&e, KeyError::Corrupt { path, .. } if path.ends_with("broken.json")),
        "{e}"
    );
    assert!(
        e.to_string().contains("recover the key from its mnemonic"),
        "{e}"
    );
}

#[test]
fn key_info_serializes_for_json_output() {
    let (_tmp, keyring) = keyring();
    let info = keyring
        .recover(
            "k",
            DEFAULT_MNEMONIC,
            Protection::Passphrase(PASS),
            HdPath::default(),
        )
        .unwrap();
    let value = serde_json::to_value(&info).unwrap();
    assert_eq!(value["name"], "k");
    assert_eq!(value["address_bytes"], hex::encode(&info.address_bytes));
    assert_eq!(value["coin_type"], 118);
    assert_eq!(value["encrypted"], true);
    let back: KeyInfo = serde_json::from_value(value).unwrap();
    assert_eq!(back, info);
    assert!(matches!(
        info.address("Bad Prefix"),
        Err(KeyError::InvalidPrefix { .. })
    ));
}

#[test]
fn mnemonic_from_the_environment() {
    // A name only this test uses: tests run in parallel threads of one process.
    let var = "OGPU_TEST_KEYRING_ENV_MNEMONIC";
    std::env::remove_var(var);
    assert_eq!(mnemonic_from_env(var).unwrap(), None);
    std::env::set_var(var, format!("{DEFAULT_MNEMONIC}\n"));
    let mnemonic = mnemonic_from_env(var).unwrap().unwrap();
    let key = key_from_mnemonic(&mnemonic, &HdPath::default()).unwrap();
    assert_eq!(
        address(&key, "wasm").unwrap(),
        derive_accounts(DEFAULT_MNEMONIC, 1, "wasm").unwrap()[0].address
    );
    std::env::set_var(var, "");
    let e = mnemonic_from_env(var).unwrap_err();
    assert!(
        matches!(&e, KeyError::Env { var: v, .. } if v == var),
        "{e}"
    );
    std::env::remove_var(var);
}

#[test]
fn imported_private_keys_sign_export_and_bind_their_kind() {
    let (_tmp, keyring) = keyring();
    let account = &derive_accounts(DEFAULT_MNEMONIC, 1, "wasm").unwrap()[0];
    let secret: [u8; 32] = {
        let key = key_from_mnemonic(DEFAULT_MNEMONIC, &HdPath::default()).unwrap();
        let info = keyring
            .recover(
                "m",
                DEFAULT_MNEMONIC,
                Protection::UnsafePlaintext,
                HdPath::default(),
            )
            .unwrap();
        assert!(!info.imported);
        let exported = keyring.private_key("m", None).unwrap();
        let again = cosmrs::crypto::secp256k1::SigningKey::from_slice(exported.as_slice()).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        *exported
    };

    let info = keyring
        .import_private_key("enc", &secret, Protection::Passphrase(PASS))
        .unwrap();
    assert!(info.imported && info.encrypted);
    assert_eq!(info.address("wasm").unwrap(), account.address);
    assert_eq!(signer_address(&keyring, "enc", Some(PASS)), account.address);
    assert_eq!(*keyring.private_key("enc", Some(PASS)).unwrap(), secret);
    assert!(matches!(
        err(keyring.signer("enc", Some("wrong"))),
        KeyError::WrongPassphrase { .. }
    ));
    // The kind is bound to the ciphertext: a file that says "mnemonic" no longer opens.
    let e = tamper(&keyring, "enc", |file| {
        file.as_object_mut().unwrap().remove("secret_kind");
    });
    assert!(matches!(e, KeyError::WrongPassphrase { .. }), "{e}");

    let plain = keyring
        .import_private_key("plain", &secret, Protection::UnsafePlaintext)
        .unwrap();
    assert!(plain.imported && !plain.encrypted);
    assert_eq!(signer_address(&keyring, "plain", None), account.address);
    let file = read_json(&keyring.key_path("plain").unwrap());
    assert_eq!(file["secret_kind"], "private_key");
    assert_eq!(file["secret"]["private_key"], hex::encode(secret));
    let e = tamper(&keyring, "plain", |file| {
        file["secret"] = json!({ "type": "unsafe_plaintext", "mnemonic": DEFAULT_MNEMONIC });
    });
    assert!(
        e.to_string().contains("does not match its secret_kind"),
        "{e}"
    );

    assert!(matches!(
        keyring.import_private_key("zero", &[0u8; 32], Protection::UnsafePlaintext),
        Err(KeyError::InvalidPrivateKey(_))
    ));
    assert!(matches!(
        keyring.import_private_key("enc", &secret, Protection::UnsafePlaintext),
        Err(KeyError::AlreadyExists { .. })
    ));
}
