//! `ogpu keys add|recover|export|import|list|show|delete`.

use ogpu_client::keys::{mnemonic_from_env, KeyError, KeyInfo, Keyring, Protection};
use serde::Serialize;

use crate::args::{KeysCmd, MnemonicArgs};
use crate::armor;
use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::output;
use crate::prompt::{self, Secret};

/// A key in `-o json` (no secret in it).
#[derive(Serialize)]
struct KeyView {
    name: String,
    address: String,
    public_key: String,
    hd_path: String,
    encrypted: bool,
}

impl KeyView {
    fn new(ctx: &Ctx, info: &KeyInfo) -> CliResult<Self> {
        Ok(Self {
            name: info.name.clone(),
            address: info.address(&ctx.config.prefix)?,
            public_key: info.public_key_hex.clone(),
            hd_path: if info.imported {
                "none (imported private key)".into()
            } else {
                info.hd_path().to_string()
            },
            encrypted: info.encrypted,
        })
    }
}

pub fn run(ctx: &Ctx, cmd: KeysCmd) -> CliResult<()> {
    let keyring = ctx.keyring()?;
    match cmd {
        KeysCmd::Add {
            name,
            recover: true,
            mnemonic,
            hd,
        }
        | KeysCmd::Recover { name, mnemonic, hd } => {
            check_new(&keyring, &name)?;
            let mnemonic = read_mnemonic(&mnemonic)?;
            let passphrase = new_passphrase(ctx, &name)?;
            let info =
                keyring.recover(&name, mnemonic.as_str(), protection(&passphrase), hd.path())?;
            show(ctx, &KeyView::new(ctx, &info)?)
        }
        KeysCmd::Add {
            mnemonic: MnemonicArgs {
                mnemonic_env: Some(_),
            },
            ..
        } => Err(CliError::usage(
            "--mnemonic-env goes with --recover",
            "pass --recover to import the key from that mnemonic",
        )),
        KeysCmd::Add { name, hd, .. } => {
            check_new(&keyring, &name)?;
            let passphrase = new_passphrase(ctx, &name)?;
            let (info, mnemonic) = keyring.add(&name, protection(&passphrase), hd.path())?;
            let view = KeyView::new(ctx, &info)?;
            if ctx.json() {
                #[derive(Serialize)]
                struct Added<'a> {
                    #[serde(flatten)]
                    key: &'a KeyView,
                    mnemonic: String,
                }
                output::json(&Added {
                    key: &view,
                    mnemonic: mnemonic.to_string(),
                })
            } else {
                print_key(&view);
                errln!();
                errln!("Write this mnemonic down and keep it safe: it is the only way to recover the key.");
                outln!("{mnemonic}");
                Ok(())
            }
        }
        KeysCmd::Export { name } => {
            let info = keyring.show(&name)?;
            let unlock = if info.encrypted {
                Some(ctx.passphrase(&name, false)?)
            } else {
                None
            };
            let secret = keyring.private_key(&name, unlock.as_ref().map(Secret::as_str))?;
            let passphrase = prompt::secret(
                "Passphrase to encrypt the exported key: ",
                "passphrase for the export",
                "type it on a terminal, or pipe it into stdin (after the key's own passphrase)",
            )?;
            if passphrase.as_str().is_empty() {
                return Err(CliError::usage(
                    "empty passphrase for the export",
                    "choose a non-empty one: the export is only as safe as it",
                ));
            }
            let armored = armor::encrypt(&secret, passphrase.as_str())?;
            if ctx.json() {
                return output::json(&serde_json::json!({ "name": name, "armor": armored }));
            }
            outln!("{armored}");
            Ok(())
        }
        KeysCmd::Import {
            name,
            file,
            armor_passphrase_env,
        } => {
            check_new(&keyring, &name)?;
            let text = std::fs::read_to_string(&file).map_err(|e| {
                CliError::usage(
                    format!("cannot read {}: {e}", file.display()),
                    "give the file `wasmd keys export` wrote",
                )
            })?;
            let passphrase = match armor_passphrase_env {
                Some(var) => Secret::new(std::env::var(&var).map_err(|_| {
                    CliError::usage(
                        format!("--armor-passphrase-env {var}: the variable is not set"),
                        "export it with the passphrase the key was exported with",
                    )
                })?),
                None => prompt::secret(
                    "Passphrase of the exported key: ",
                    "passphrase of the exported key",
                    "type it on a terminal, pipe it into stdin, or pass --armor-passphrase-env VAR",
                )?,
            };
            let secret = armor::decrypt(&text, passphrase.as_str())?;
            let stored = new_passphrase(ctx, &name)?;
            let info = keyring.import_private_key(&name, &secret, protection(&stored))?;
            show(ctx, &KeyView::new(ctx, &info)?)
        }
        KeysCmd::List => {
            let keys = keyring
                .list()?
                .iter()
                .map(|k| KeyView::new(ctx, k))
                .collect::<CliResult<Vec<_>>>()?;
            if ctx.json() {
                return output::json(&serde_json::json!({ "keys": keys }));
            }
            if keys.is_empty() {
                errln!(
                    "no keys in {}: create one with `ogpu keys add NAME`",
                    keyring.dir().display()
                );
                return Ok(());
            }
            let rows = keys
                .iter()
                .map(|k| {
                    vec![
                        k.name.clone(),
                        k.address.clone(),
                        k.hd_path.clone(),
                        lock(k.encrypted).into(),
                    ]
                })
                .collect::<Vec<_>>();
            output::table(&["NAME", "ADDRESS", "HD PATH", "STORED"], &rows);
            Ok(())
        }
        KeysCmd::Show { name, address } => {
            let view = KeyView::new(ctx, &keyring.show(&name)?)?;
            if address {
                outln!("{}", view.address);
                Ok(())
            } else {
                show(ctx, &view)
            }
        }
        KeysCmd::Delete { name } => {
            let view = KeyView::new(ctx, &keyring.show(&name)?)?;
            if !ctx.global.yes
                && !prompt::confirm(&format!(
                    "delete key {name} ({})? without its mnemonic it is gone for good",
                    view.address
                ))?
            {
                return Err(CliError::usage("key not deleted", "answer y, or pass -y"));
            }
            keyring.delete(&name)?;
            if ctx.json() {
                output::json(&serde_json::json!({ "deleted": view }))
            } else {
                outln!("deleted key {name} ({})", view.address);
                Ok(())
            }
        }
    }
}

/// A key as `-o json` or as lines.
fn show(ctx: &Ctx, view: &KeyView) -> CliResult<()> {
    if ctx.json() {
        return output::json(view);
    }
    print_key(view);
    Ok(())
}

/// The mnemonic to recover a key from: `--mnemonic-env`, else stdin (asked on a terminal).
fn read_mnemonic(args: &MnemonicArgs) -> CliResult<Secret> {
    match &args.mnemonic_env {
        Some(var) => match mnemonic_from_env(var)? {
            Some(mnemonic) => Ok(Secret::new(mnemonic)),
            None => Err(CliError::usage(
                format!("--mnemonic-env {var}: the variable is not set"),
                "export it with the mnemonic's words, or pipe the mnemonic into stdin",
            )),
        },
        None => prompt::secret(
            "Enter the key's BIP-39 mnemonic: ",
            "mnemonic",
            "type it on a terminal, pipe it into stdin, or pass --mnemonic-env VAR",
        ),
    }
}

/// Refuses an invalid or taken name before asking for any secret.
fn check_new(keyring: &Keyring, name: &str) -> CliResult<()> {
    if keyring.contains(name)? {
        return Err(KeyError::AlreadyExists {
            name: name.to_string(),
            path: keyring.key_path(name)?,
        }
        .into());
    }
    Ok(())
}

/// The passphrase of a new key, or `None` with `--unsafe-plaintext`.
fn new_passphrase(ctx: &Ctx, name: &str) -> CliResult<Option<Secret>> {
    if ctx.plaintext_keys() {
        return Ok(None);
    }
    let passphrase = ctx.passphrase(name, true)?;
    if passphrase.as_str().is_empty() {
        return Err(CliError::usage(
            "empty passphrase",
            "choose a non-empty one, or pass --keyring-backend test (unencrypted, tests and CI only)",
        ));
    }
    Ok(Some(passphrase))
}

fn protection(passphrase: &Option<Secret>) -> Protection<'_> {
    match passphrase {
        Some(p) => Protection::Passphrase(p.as_str()),
        None => Protection::UnsafePlaintext,
    }
}

fn lock(encrypted: bool) -> &'static str {
    if encrypted {
        "encrypted"
    } else {
        "PLAINTEXT"
    }
}

fn print_key(key: &KeyView) {
    outln!("name:       {}", key.name);
    outln!("address:    {}", key.address);
    outln!("public key: {}", key.public_key);
    outln!("hd path:    {}", key.hd_path);
    outln!("stored:     {}", lock(key.encrypted));
}
