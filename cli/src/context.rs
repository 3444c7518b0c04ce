//! What every command starts from: the chain config (file, then flags), the home directory
//! with its keyring and deployment file, the connection and the sender's key.

use std::path::{Path, PathBuf};

use ogpu_client::keys::{key_from_mnemonic, mnemonic_from_env, HdPath, KeyInfo, Keyring};
use ogpu_client::{ChainConfig, Client, ClientError, Deployment, Gas, ResultKey, Signer};

use crate::args::{GlobalOpts, OutputFormat};
use crate::error::{CliError, CliResult};
use crate::prompt::{self, Secret};
use crate::settings::{BroadcastMode, KeyringBackend, Settings};

/// Name of the chain config read from the home directory when `--config` is absent.
pub const HOME_CONFIG: &str = "config.toml";
/// Name of the deployment file in the home directory.
pub const DEPLOYMENT_FILE: &str = "deployment.json";

/// The SDK's default `max_memo_characters` (x/auth params): a longer memo is refused.
pub const MAX_NOTE_CHARS: usize = 256;

pub struct Ctx {
    pub global: GlobalOpts,
    pub config: ChainConfig,
    pub home: PathBuf,
    /// `<home>/client.toml`, as found (see [`crate::settings`]).
    pub settings: Settings,
    pub output: OutputFormat,
    pub keyring_backend: KeyringBackend,
    pub broadcast_mode: BroadcastMode,
}

impl Ctx {
    pub fn new(global: GlobalOpts) -> CliResult<Self> {
        let home = match &global.home {
            Some(home) => home.clone(),
            None => default_home()?,
        };
        let settings = Settings::load(&home)?;
        let config = load_config(&global, &settings, &home)?;
        if let Some(note) = &global.note {
            let chars = note.chars().count();
            if chars > MAX_NOTE_CHARS {
                return Err(CliError::usage(
                    format!("--note has {chars} characters"),
                    format!("chains accept at most {MAX_NOTE_CHARS} by default: shorten it"),
                ));
            }
        }
        Ok(Self {
            output: global
                .output
                .or(settings.output)
                .unwrap_or(OutputFormat::Text),
            keyring_backend: global
                .keyring_backend
                .or(settings.keyring_backend)
                .unwrap_or(KeyringBackend::File),
            broadcast_mode: global
                .broadcast_mode
                .or(settings.broadcast_mode)
                .unwrap_or_default(),
            global,
            config,
            home,
            settings,
        })
    }

    pub fn json(&self) -> bool {
        self.output == OutputFormat::Json
    }

    /// Whether new keys are stored unencrypted (`--keyring-backend test` or
    /// `--unsafe-plaintext`).
    pub fn plaintext_keys(&self) -> bool {
        self.global.unsafe_plaintext || self.keyring_backend == KeyringBackend::Test
    }

    /// Refuses `--broadcast-mode sync|async` for a command that must see its transactions
    /// in a block (to send the next one, or to follow what the first one started).
    pub fn require_wait(&self, command: &str) -> CliResult<()> {
        if self.broadcast_mode == BroadcastMode::Wait {
            return Ok(());
        }
        Err(CliError::usage(
            format!(
                "{command} waits for its transactions' blocks, so --broadcast-mode {} does not apply",
                self.broadcast_mode
            ),
            "leave --broadcast-mode out (or pass --broadcast-mode wait)",
        ))
    }

    pub fn gas(&self) -> Gas {
        self.global.gas.unwrap_or(Gas::Auto)
    }

    pub fn keyring(&self) -> CliResult<Keyring> {
        Ok(Keyring::open(self.home.join("keys"))?)
    }

    pub fn deployment_path(&self) -> PathBuf {
        self.global
            .deployment
            .clone()
            .unwrap_or_else(|| self.home.join(DEPLOYMENT_FILE))
    }

    /// The deployment file, checked against the configured chain id.
    pub fn deployment(&self) -> CliResult<Deployment> {
        let path = self.deployment_path();
        if !path.exists() {
            return Err(CliError::usage(
                format!("no deployment file at {}", path.display()),
                "deploy the contracts with `ogpu deploy`, or pass --deployment FILE (or --home)",
            ));
        }
        let deployment = Deployment::load(&path)?;
        deployment.check_chain(&self.config.chain_id)?;
        Ok(deployment)
    }

    pub async fn connect(&self) -> CliResult<Client> {
        self.connect_to(self.config.clone()).await
    }

    /// A client for `config`, signing with the `--note` memo.
    pub async fn connect_to(&self, config: ChainConfig) -> CliResult<Client> {
        let client = Client::connect(config).await?;
        Ok(match &self.global.note {
            Some(note) => client.with_memo(note.as_str()),
            None => client,
        })
    }

    /// Whether a key was named (`--from` or `--from-env`).
    pub fn has_key(&self) -> bool {
        self.global.from.is_some() || self.global.from_env.is_some()
    }

    /// The `--from` key's public description.
    fn sender_key(&self) -> CliResult<KeyInfo> {
        let name = self.global.from.as_deref().ok_or_else(|| {
            CliError::usage(
                "no signing key",
                "pass --from KEY (see `ogpu keys list`), or --from-env VAR with a mnemonic",
            )
        })?;
        let keyring = self.keyring()?;
        Ok(keyring.show(name)?)
    }

    /// The sender's address, without unlocking a keyring key.
    pub fn sender_address(&self) -> CliResult<String> {
        if self.global.from_env.is_some() {
            return self.key()?.address(&self.config.prefix);
        }
        Ok(self.sender_key()?.address(&self.config.prefix)?)
    }

    /// The sender's key, unlocked once (its passphrase is asked when it is encrypted), for
    /// signing and for opening results sealed to it.
    pub fn key(&self) -> CliResult<Key> {
        if let Some(var) = &self.global.from_env {
            let mnemonic = mnemonic_from_env(var)?.ok_or_else(|| {
                CliError::usage(
                    format!("--from-env {var}: the variable is not set"),
                    "export it with the mnemonic's words, or sign with --from KEY",
                )
            })?;
            return Ok(Key::Mnemonic {
                var: var.clone(),
                mnemonic: Secret::new(mnemonic),
                path: self.global.from_hd_path.unwrap_or_default(),
            });
        }
        let info = self.sender_key()?;
        let passphrase = if info.encrypted {
            Some(self.passphrase(&info.name, false)?)
        } else {
            None
        };
        Ok(Key::Keyring {
            keyring: self.keyring()?,
            info,
            passphrase,
        })
    }

    /// The sender's signer (see [`Ctx::key`]).
    pub fn signer(&self) -> CliResult<Signer> {
        self.key()?.signer(&self.config.prefix)
    }

    /// The passphrase of key `name`: from `--keyring-passphrase-env`, else asked (twice
    /// when `confirm`, for a new key).
    pub fn passphrase(&self, name: &str, confirm: bool) -> CliResult<Secret> {
        if let Some(var) = &self.global.keyring_passphrase_env {
            return match std::env::var(var) {
                Ok(value) if !value.is_empty() => Ok(Secret::new(value)),
                Ok(_) => Err(CliError::usage(
                    format!("--keyring-passphrase-env {var}: the variable is empty"),
                    "set it to the keyring passphrase",
                )),
                Err(_) => Err(CliError::usage(
                    format!("--keyring-passphrase-env {var}: the variable is not set"),
                    "export it, or leave the flag out to be asked",
                )),
            };
        }
        let what = format!("passphrase for key {name:?}");
        let fix = "type it on a terminal, pipe it into stdin, or pass --keyring-passphrase-env VAR";
        let question = if confirm {
            format!("Passphrase to encrypt key {name:?}: ")
        } else {
            format!("Passphrase of key {name:?}: ")
        };
        let first = prompt::secret(&question, &what, fix)?;
        if confirm && prompt::interactive() {
            let again = prompt::secret("Repeat the passphrase: ", &what, fix)?;
            if again.as_str() != first.as_str() {
                return Err(CliError::usage(
                    "the passphrases differ",
                    "run the command again",
                ));
            }
        }
        Ok(first)
    }

    /// Checks that `address` is a bech32 account address of this chain.
    pub fn address(&self, what: &str, address: &str) -> CliResult<String> {
        check_address(&self.config.prefix, what, address)
    }

    /// An address of this chain, or the name of a key in the keyring.
    pub fn address_or_key(&self, what: &str, text: &str) -> CliResult<String> {
        if text.parse::<cosmrs::AccountId>().is_ok() || looks_like_bech32(text) {
            return self.address(what, text);
        }
        let keyring = self.keyring()?;
        if ogpu_client::keys::validate_name(text).is_ok() && keyring.contains(text)? {
            return Ok(keyring.show(text)?.address(&self.config.prefix)?);
        }
        Err(CliError::usage(
            format!("{what} {text:?} is neither an address nor a key name"),
            format!(
                "give an address like {}1… or the name of a key (`ogpu keys list`)",
                self.config.prefix
            ),
        ))
    }
}

/// The sender's key: a keyring key (`--from`, unlocked) or a mnemonic from the environment
/// (`--from-env`, for CI). Both give the signing key and the result key that the client's
/// tasks are sealed to (`ogpu_client::sealing`), so the passphrase is asked only once.
pub enum Key {
    Keyring {
        keyring: Keyring,
        info: KeyInfo,
        passphrase: Option<Secret>,
    },
    Mnemonic {
        var: String,
        mnemonic: Secret,
        path: HdPath,
    },
}

impl Key {
    /// How the user named the key: `client`, or `$VAR`.
    pub fn name(&self) -> String {
        match self {
            Key::Keyring { info, .. } => info.name.clone(),
            Key::Mnemonic { var, .. } => format!("${var}"),
        }
    }

    pub fn signer(&self, prefix: &str) -> CliResult<Signer> {
        let key = match self {
            Key::Keyring {
                keyring,
                info,
                passphrase,
            } => keyring.signer(&info.name, passphrase.as_ref().map(Secret::as_str))?,
            Key::Mnemonic { mnemonic, path, .. } => key_from_mnemonic(mnemonic.as_str(), path)?,
        };
        Ok(Signer::new(key, prefix)?)
    }

    pub fn address(&self, prefix: &str) -> CliResult<String> {
        match self {
            Key::Keyring { info, .. } => Ok(info.address(prefix)?),
            Key::Mnemonic { .. } => Ok(self.signer(prefix)?.address().to_string()),
        }
    }

    /// The X25519 key results are sealed to when this key publishes a task.
    pub fn result_key(&self) -> CliResult<ResultKey> {
        Ok(match self {
            Key::Keyring {
                keyring,
                info,
                passphrase,
            } => keyring.result_key(&info.name, passphrase.as_ref().map(Secret::as_str))?,
            Key::Mnemonic { mnemonic, path, .. } => {
                ResultKey::from_mnemonic(mnemonic.as_str(), path)?
            }
        })
    }
}

pub fn check_address(prefix: &str, what: &str, address: &str) -> CliResult<String> {
    match address.parse::<cosmrs::AccountId>() {
        Ok(id) if id.prefix() == prefix => Ok(id.to_string()),
        Ok(id) => Err(CliError::usage(
            format!(
                "{what} {address} has prefix {}, this chain uses {prefix}",
                id.prefix()
            ),
            format!(
                "give a {prefix}1… address, or pass --prefix {} if the chain uses that",
                id.prefix()
            ),
        )),
        Err(_) => Err(not_an_address(prefix, what, address)),
    }
}

/// A text that does not decode as bech32: a typo changes the checksum, so say that.
fn not_an_address(prefix: &str, what: &str, text: &str) -> CliError {
    let why = if looks_like_bech32(text) {
        "is not a valid address: a character is mistyped or missing (its checksum does not match)"
    } else {
        "is not an address"
    };
    CliError::usage(
        format!("{what} {text:?} {why}"),
        format!("give an address like {prefix}1…"),
    )
}

/// `prefix1data` in lowercase, long enough to be an account's address.
fn looks_like_bech32(text: &str) -> bool {
    text.rsplit_once('1').is_some_and(|(hrp, data)| {
        !hrp.is_empty()
            && data.len() >= 38
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

fn default_home() -> CliResult<PathBuf> {
    match std::env::var_os("HOME") {
        Some(home) if !home.is_empty() => Ok(PathBuf::from(home).join(".ogpu")),
        _ => Err(CliError::usage(
            "no home directory ($HOME is not set)",
            "pass --home DIR",
        )),
    }
}

/// `--config FILE` (or `<home>/config.toml` when present), then client.toml, then the
/// flags on top.
fn load_config(global: &GlobalOpts, settings: &Settings, home: &Path) -> CliResult<ChainConfig> {
    let mut config = match &global.config {
        Some(path) if !path.exists() => {
            return Err(CliError::usage(
                format!("config file {} does not exist", path.display()),
                "check the path given to --config",
            ))
        }
        Some(path) => ChainConfig::load(path)?,
        None => {
            let path = home.join(HOME_CONFIG);
            if path.exists() {
                ChainConfig::load(&path)?
            } else {
                ChainConfig::default()
            }
        }
    };
    if let Some(node) = global.node.as_ref().or(settings.node.as_ref()) {
        config.node = node.clone();
    }
    config.node = crate::node::normalize(&config.node)?;
    if let Some(chain_id) = global.chain_id.as_ref().or(settings.chain_id.as_ref()) {
        config.chain_id = chain_id.clone();
    }
    if let Some(prefix) = &global.prefix {
        config.prefix = prefix.clone();
    }
    if let Some(price) = &global.gas_prices {
        config.gas_prices = price.to_string();
    }
    if let Some(adjustment) = global.gas_adjustment {
        config.gas_adjustment = adjustment;
    }
    config.validate().map_err(|e| match e {
        ClientError::Config(message) => CliError::usage("invalid chain configuration", message),
        other => other.into(),
    })?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn global(args: &[&str]) -> GlobalOpts {
        let mut argv = vec!["ogpu"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["query", "config"]);
        crate::args::Cli::try_parse_from(argv).unwrap().global
    }

    #[test]
    fn flags_override_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("chain.toml");
        std::fs::write(
            &file,
            "chain_id = \"from-file\"\nnode = \"http://file:1\"\n",
        )
        .unwrap();
        let file = file.to_str().unwrap();
        let ctx = Ctx::new(global(&["--config", file, "--node", "http://flag:2"])).unwrap();
        assert_eq!(ctx.config.chain_id, "from-file");
        assert_eq!(ctx.config.node, "http://flag:2");
        let err = Ctx::new(global(&["--config", "/nonexistent.toml"]))
            .err()
            .unwrap();
        assert!(err.message.contains("does not exist"), "{}", err.message);
        std::fs::write(dir.path().join("bad.toml"), "chain = 1\n").unwrap();
        let bad = dir.path().join("bad.toml");
        let err = Ctx::new(global(&["--config", bad.to_str().unwrap()]))
            .err()
            .unwrap();
        assert_eq!(err.code, crate::error::EXIT_USAGE);
    }

    #[test]
    fn the_home_config_is_read_when_present() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(HOME_CONFIG), "prefix = \"osmo\"\n").unwrap();
        let ctx = Ctx::new(global(&["--home", dir.path().to_str().unwrap()])).unwrap();
        assert_eq!(ctx.config.prefix, "osmo");
        assert_eq!(ctx.deployment_path(), dir.path().join(DEPLOYMENT_FILE));
    }

    #[test]
    fn addresses_are_checked() {
        let addr = "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d";
        assert!(check_address("wasm", "treasury", addr).is_ok());
        let err = check_address("osmo", "treasury", addr).unwrap_err();
        assert!(err.message.contains("prefix"), "{}", err.message);
        assert!(check_address("wasm", "treasury", "nope").is_err());
    }
}
