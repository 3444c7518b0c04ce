//! The command line, wasmd-style: `ogpu <group> <command> [args] [flags]`, with the chain,
//! key, gas and output flags accepted everywhere.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ogpu_client::keys::HdPath;
use ogpu_client::{Gas, GasPrice};

use crate::settings::{BroadcastMode, KeyringBackend};

pub mod wasm;

pub use wasm::{TxCmd, WasmQueryCmd};

#[derive(Debug, Parser)]
#[command(
    name = "ogpu",
    version,
    about = "OpenGPU on Cosmos: deploy the contracts, publish GPU tasks and follow them, run a provider's stake",
    long_about = None,
    after_help = "Point it at any wasmd chain with --node, --chain-id, --prefix and --gas-prices \
                  (defaults: the local devnet). Full reference: docs/cli.md"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Clone, Args)]
pub struct GlobalOpts {
    /// CometBFT RPC of a node: http(s)://, or tcp://host:port as wasmd writes it [default:
    /// client.toml's, else the config file's, else http://127.0.0.1:26657]
    #[arg(long, global = true, value_name = "URL")]
    pub node: Option<String>,
    /// Chain id the node must run [default: client.toml's, else the config file's, else
    /// ogpu-devnet-1]
    #[arg(long, global = true, value_name = "ID")]
    pub chain_id: Option<String>,
    /// Bech32 account prefix of the chain [default: the config file's, else wasm]
    #[arg(long, global = true, value_name = "PREFIX")]
    pub prefix: Option<String>,
    /// Chain config (TOML: node, chain_id, prefix, gas_prices, gas_adjustment, max_gas,
    /// timeout_secs); flags override it [default: <home>/config.toml when it exists]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory of the keyring (<home>/keys) and the deployment file [default: ~/.ogpu]
    #[arg(long, global = true, value_name = "DIR", env = "OGPU_HOME")]
    pub home: Option<PathBuf>,
    /// Deployment file written by `ogpu deploy` [default: <home>/deployment.json]
    #[arg(long, global = true, value_name = "FILE")]
    pub deployment: Option<PathBuf>,
    /// Name of the key that signs (see `ogpu keys list`)
    #[arg(long, global = true, value_name = "KEY")]
    pub from: Option<String>,
    /// Sign with the BIP-39 mnemonic held in this environment variable instead of a keyring
    /// key (CI)
    #[arg(long, global = true, value_name = "VAR", conflicts_with = "from")]
    pub from_env: Option<String>,
    /// HD path of the --from-env account [default: m/44'/118'/0'/0/0]
    #[arg(long, global = true, value_name = "PATH", requires = "from_env")]
    pub from_hd_path: Option<HdPath>,
    /// Read the keyring passphrase from this environment variable instead of asking
    #[arg(long, global = true, value_name = "VAR")]
    pub keyring_passphrase_env: Option<String>,
    /// The same as --keyring-backend test: store new keys unencrypted (tests and CI only)
    #[arg(long, global = true)]
    pub unsafe_plaintext: bool,
    /// Gas limit: `auto` (simulate × --gas-adjustment) or a number
    #[arg(long, global = true, value_name = "auto|N", value_parser = parse_gas)]
    pub gas: Option<Gas>,
    /// Factor applied to simulated gas [default: the config file's, else 1.4]
    #[arg(long, global = true, value_name = "X")]
    pub gas_adjustment: Option<f64>,
    /// Gas price with the fee denom, e.g. 0.025ustake [default: the config file's]
    #[arg(long, global = true, value_name = "PRICE", value_parser = parse_gas_price)]
    pub gas_prices: Option<GasPrice>,
    /// Fixed fee, e.g. 5000ustake: replaces gas × --gas-prices
    #[arg(long, global = true, value_name = "COIN")]
    pub fees: Option<String>,
    /// Output format; json is stable (docs/cli.md) [default: client.toml's, else text]
    #[arg(short = 'o', long = "output", global = true, value_enum)]
    pub output: Option<OutputFormat>,
    /// How new and imported keys are stored: file (encrypted under a passphrase) or test
    /// (unencrypted, tests and CI only) [default: client.toml's, else file]
    #[arg(long, global = true, value_name = "file|test", value_parser = str::parse::<KeyringBackend>)]
    pub keyring_backend: Option<KeyringBackend>,
    /// When a transaction command returns: sync (CheckTx passed), async (sent) or wait (in a
    /// block, with its result) [default: client.toml's, else wait]
    #[arg(short = 'b', long, global = true, value_name = "sync|async|wait", value_parser = str::parse::<BroadcastMode>)]
    pub broadcast_mode: Option<BroadcastMode>,
    /// Memo of the transaction (at most 256 characters)
    #[arg(long, global = true, value_name = "TEXT")]
    pub note: Option<String>,
    /// Skip confirmation prompts
    #[arg(short = 'y', long = "yes", global = true)]
    pub yes: bool,
    /// Sign the transaction and print it with its fee instead of broadcasting it
    #[arg(long, global = true)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    Text,
    Json,
}

impl OutputFormat {
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
        }
    }
}

fn parse_gas(s: &str) -> Result<Gas, String> {
    s.parse()
        .map_err(|_| format!("{s:?} is neither `auto` nor a number"))
}

fn parse_gas_price(s: &str) -> Result<GasPrice, String> {
    s.parse().map_err(|e| match e {
        ogpu_client::ClientError::Config(message) => message,
        other => other.to_string(),
    })
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, recover, import, export, list and delete keys (in <home>/keys)
    #[command(subcommand)]
    Keys(KeysCmd),
    /// Deploy the contract suite: store the three codes and instantiate the registry
    Deploy(DeployArgs),
    /// Upgrade the deployment to new code (the sender must be the suite's admin and owner)
    Migrate(MigrateArgs),
    /// Publish, follow and settle tasks
    #[command(subcommand)]
    Task(TaskCmd),
    /// Register and manage a provider's stake
    #[command(subcommand)]
    Provider(ProviderCmd),
    /// Read the contracts' configuration and totals, transactions, balances and any
    /// contract's state
    #[command(subcommand, visible_alias = "q")]
    Query(QueryCmd),
    /// Send wasmd's transactions: store, instantiate, execute and migrate any contract
    #[command(subcommand)]
    Tx(TxCmd),
    /// Show or set the defaults in <home>/client.toml, as `wasmd config`: no argument
    /// prints them all, KEY prints one, KEY VALUE sets it (keys: chain-id, keyring-backend,
    /// output, node, broadcast-mode)
    Config {
        key: Option<String>,
        value: Option<String>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct HdPathArgs {
    /// Full BIP-44 path, e.g. m/44'/118'/0'/0/0 (overrides --coin-type/--account/--index)
    #[arg(long, value_name = "PATH")]
    pub hd_path: Option<HdPath>,
    /// BIP-44 coin type
    #[arg(long, default_value_t = ogpu_client::keys::COSMOS_COIN_TYPE)]
    pub coin_type: u32,
    /// BIP-44 account
    #[arg(long, default_value_t = 0)]
    pub account: u32,
    /// BIP-44 address index
    #[arg(long, default_value_t = 0)]
    pub index: u32,
}

impl HdPathArgs {
    pub fn path(&self) -> HdPath {
        self.hd_path.unwrap_or(HdPath {
            coin_type: self.coin_type,
            account: self.account,
            index: self.index,
        })
    }
}

#[derive(Debug, Clone, Args)]
pub struct MnemonicArgs {
    /// Environment variable holding the mnemonic (instead of stdin)
    #[arg(long, value_name = "VAR")]
    pub mnemonic_env: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum KeysCmd {
    /// Create a key from a new 24-word mnemonic (shown once: write it down), or with
    /// --recover from an existing one
    Add {
        name: String,
        /// Recover the key from its mnemonic (from --mnemonic-env, else stdin), as `wasmd
        /// keys add NAME --recover`
        #[arg(long)]
        recover: bool,
        #[command(flatten)]
        mnemonic: MnemonicArgs,
        #[command(flatten)]
        hd: HdPathArgs,
    },
    /// Import a key from its mnemonic (from --mnemonic-env, else stdin); the same as
    /// `keys add NAME --recover`
    Recover {
        name: String,
        #[command(flatten)]
        mnemonic: MnemonicArgs,
        #[command(flatten)]
        hd: HdPathArgs,
    },
    /// Print a key's private key in the Cosmos SDK's armored format (encrypted under a new
    /// passphrase), which `wasmd keys import` reads
    Export { name: String },
    /// Import a private key that `wasmd keys export` (or `ogpu keys export`) wrote
    Import {
        name: String,
        /// The armored key file (`-----BEGIN TENDERMINT PRIVATE KEY-----`)
        file: PathBuf,
        /// Read the armor's passphrase from this environment variable instead of asking
        #[arg(long, value_name = "VAR")]
        armor_passphrase_env: Option<String>,
    },
    /// List the keys
    List,
    /// Show a key's address and public key
    Show {
        name: String,
        /// Print the address only
        #[arg(short = 'a', long)]
        address: bool,
    },
    /// Delete a key (asks first unless -y)
    Delete { name: String },
}

#[derive(Debug, Clone, Args)]
pub struct DeployArgs {
    /// Directory with the optimized wasm (`bash ci/build-wasm.sh` writes artifacts/)
    #[arg(long, default_value = "artifacts", value_name = "DIR")]
    pub artifacts: PathBuf,
    /// Suite parameters: JSON of the registry's InstantiateMsg without the code ids; every
    /// field optional (flags override it)
    #[arg(long, value_name = "FILE")]
    pub params: Option<PathBuf>,
    /// Owner of the suite [default: the sender]
    #[arg(long, value_name = "ADDR")]
    pub owner: Option<String>,
    /// Receives protocol fees and slashes [default: the sender]
    #[arg(long, value_name = "ADDR")]
    pub treasury: Option<String>,
    /// Protocol fee on payouts, basis points [default: 100]
    #[arg(long, value_name = "BPS")]
    pub protocol_fee_bps: Option<u16>,
    /// Accepted reward asset and its minimum reward: DENOM=MIN or cw20:ADDR=MIN (repeat
    /// for several) [default: the gas price's denom with --min-reward]
    #[arg(long = "accept", value_name = "ASSET=MIN")]
    pub accept: Vec<String>,
    /// Minimum reward in the default accepted denom [default: 50000, above the fees of
    /// winning a task]
    #[arg(long, value_name = "AMOUNT")]
    pub min_reward: Option<u128>,
    /// Denom of provider stake and collateral [default: the gas price's denom]
    #[arg(long, value_name = "DENOM")]
    pub bond_denom: Option<String>,
    /// Smallest stake a provider registers with [default: 5000]
    #[arg(long, value_name = "AMOUNT")]
    pub min_stake: Option<u128>,
    /// Seconds between unbond and claim [default: 3600]
    #[arg(long, value_name = "SECS")]
    pub unbonding_period: Option<u64>,
    /// Shortest task window, seconds [default: 10]
    #[arg(long, value_name = "SECS")]
    pub min_window: Option<u64>,
    /// Longest task window, seconds [default: 604800]
    #[arg(long, value_name = "SECS")]
    pub max_window: Option<u64>,
    /// Smallest per-provider collateral a task may ask [default: 100]
    #[arg(long, value_name = "AMOUNT")]
    pub min_collateral: Option<u128>,
    /// Label of the registry contract
    #[arg(long, default_value = "ogpu-task-registry")]
    pub label: String,
    /// Overwrite a deployment file whose contracts still exist on the chain
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    /// Directory with the new optimized wasm
    #[arg(long, default_value = "artifacts", value_name = "DIR")]
    pub artifacts: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// The first valid reveal wins the whole reward
    #[value(alias = "first_response", alias = "fr")]
    #[serde(alias = "first_response")]
    FirstResponse,
    /// Providers offer prices; the client confirms one (or the cheapest wins)
    #[value(alias = "manual_confirmation", alias = "mc")]
    #[serde(alias = "manual_confirmation")]
    ManualConfirmation,
    /// Providers bid sealed prices; the lowest runs the job, paid the second-lowest bid
    #[value(alias = "sealed_bid_auction", alias = "auction")]
    #[serde(alias = "sealed_bid_auction", alias = "auction")]
    SealedBidAuction,
    /// Several providers run the job; a strict majority of equal results is accepted and
    /// each agreeing provider is paid an equal share
    Consensus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceClassArg {
    Any,
    Gpu,
    Cpu,
}

#[derive(Debug, Clone, Args)]
pub struct PublishArgs {
    /// Task file (TOML or JSON, see docs/cli.md); flags override its fields
    pub file: Option<PathBuf>,
    /// OpenCL C source of the kernel
    #[arg(long, value_name = "FILE.cl")]
    pub kernel: Option<PathBuf>,
    /// Where the kernel is stored when it is too large to inline (sha256 from --kernel)
    #[arg(long, value_name = "URI")]
    pub kernel_uri: Option<String>,
    /// Name of the __kernel function
    #[arg(long, value_name = "NAME")]
    pub entry: Option<String>,
    /// Kernel argument, in order: input:FILE, output:BYTES, u32:N, i32:N, u64:N, i64:N,
    /// f32:X (replaces the task file's args)
    #[arg(long = "arg", value_name = "KIND:VALUE")]
    pub args: Vec<String>,
    /// URI of an input too large to inline, in input order (its sha256 and size come from
    /// the local file)
    #[arg(long = "input-uri", value_name = "URI")]
    pub input_uris: Vec<String>,
    /// Global work size, 1 to 3 dimensions: 1024 or 64,64
    #[arg(long, value_name = "N[,N[,N]]", value_delimiter = ',')]
    pub global: Vec<u64>,
    /// Local work size (same dimensions as --global)
    #[arg(long, value_name = "N[,N[,N]]", value_delimiter = ',')]
    pub local: Vec<u64>,
    /// Publish a hash search instead of a kernel: the prefix, hex
    #[arg(long, value_name = "HEX")]
    pub hash_prefix: Option<String>,
    /// Hash search: leading zero bits wanted
    #[arg(long, value_name = "BITS")]
    pub difficulty: Option<u32>,
    /// Competition model [default: first-response]
    #[arg(long, value_enum)]
    pub model: Option<ModelKind>,
    /// Seconds providers may commit (all models but the auction) [default: 600]
    #[arg(long, value_name = "SECS")]
    pub commit_window: Option<u64>,
    /// Seconds to reveal [default: 60 in first-response, 300 in the other models]
    #[arg(long, value_name = "SECS")]
    pub reveal_window: Option<u64>,
    /// Manual confirmation: seconds the client may confirm [default: 300]
    #[arg(long, value_name = "SECS")]
    pub confirm_window: Option<u64>,
    /// Manual confirmation and auction: seconds the chosen provider has to deliver
    /// [default: 120]
    #[arg(long, value_name = "SECS")]
    pub delivery_window: Option<u64>,
    /// Auction: seconds providers may bid [default: 600]
    #[arg(long, value_name = "SECS")]
    pub bid_window: Option<u64>,
    /// Consensus: how many providers run the job [default: 3]
    #[arg(long, value_name = "N")]
    pub replicas: Option<u32>,
    /// Consensus: equal results that accept one, more than half the replicas [default: the
    /// smallest majority]
    #[arg(long, value_name = "N")]
    pub quorum: Option<u32>,
    #[command(flatten)]
    pub dispute: DisputeArgs,
    /// Publish an OpenCL task without the client's result key: its result is then public
    /// (by default it is sealed so that only the client can read it)
    #[arg(long)]
    pub public_result: bool,
    /// Reward, escrowed: 1000ustake, or an amount with --cw20
    #[arg(long, value_name = "AMOUNT")]
    pub reward: Option<String>,
    /// Pay the reward in this cw20 token
    #[arg(long, value_name = "ADDR")]
    pub cw20: Option<String>,
    /// Collateral each provider locks, in the bond denom [default: the registry's minimum]
    #[arg(long, value_name = "AMOUNT")]
    pub collateral: Option<String>,
    /// Device class a provider must have
    #[arg(long, value_enum)]
    pub device_class: Option<DeviceClassArg>,
    /// Minimum memory of one device, MiB
    #[arg(long, value_name = "MIB")]
    pub min_memory_mb: Option<u64>,
    /// Minimum GFLOP/s of one device
    #[arg(long, value_name = "N")]
    pub min_gflops: Option<u64>,
    /// Minimum reputation score
    #[arg(long, value_name = "N")]
    pub min_reputation: Option<u64>,
    /// Minimum bonded stake of a provider
    #[arg(long, value_name = "AMOUNT")]
    pub min_provider_stake: Option<u128>,
    /// Only these providers may commit (repeat)
    #[arg(long = "allow", value_name = "ADDR")]
    pub allow: Vec<String>,
    /// Follow the task until it ends, finalizing it once its deadlines pass
    #[arg(long)]
    pub wait: bool,
    /// With --wait: never send `finalize`, only watch
    #[arg(long, requires = "wait")]
    pub no_finalize: bool,
}

/// Dispute terms of a First Response or Manual Confirmation OpenCL task: any of them turns
/// disputes on, and then the window and the bond are required.
#[derive(Debug, Clone, Default, Args)]
pub struct DisputeArgs {
    /// Seconds after completion the client may dispute the result
    #[arg(long, value_name = "SECS")]
    pub dispute_window: Option<u64>,
    /// Bond the client posts to dispute, in the reward's asset: 5000ustake, or an amount
    /// with --cw20
    #[arg(long, value_name = "AMOUNT")]
    pub dispute_bond: Option<String>,
    /// Providers that re-run a disputed result [default: 3, the least allowed]
    #[arg(long, value_name = "N")]
    pub dispute_replicas: Option<u32>,
    /// Equal results of the re-run that decide it, more than half [default: the smallest
    /// majority]
    #[arg(long, value_name = "N")]
    pub dispute_quorum: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Open,
    Completed,
    Expired,
    Cancelled,
    Failed,
}

#[derive(Debug, Subcommand)]
pub enum TaskCmd {
    /// Publish a task and escrow its reward
    Publish(Box<PublishArgs>),
    /// List tasks (all, by status, by client or by provider)
    List {
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// Tasks published by this address
        #[arg(long, value_name = "ADDR", conflicts_with_all = ["provider", "mine"])]
        client: Option<String>,
        /// Tasks published by --from
        #[arg(long, conflicts_with = "provider")]
        mine: bool,
        /// Tasks this provider committed to
        #[arg(long, value_name = "ADDR")]
        provider: Option<String>,
        /// Start after this task id
        #[arg(long, value_name = "ID")]
        start_after: Option<u64>,
        /// Page size (at most 30)
        #[arg(long, default_value_t = 30)]
        limit: u32,
    },
    /// Show a task: header and spec
    Show { task_id: u64 },
    /// Every provider's response to a task
    Responses { task_id: u64 },
    /// Fetch the delivered result (inline or by URI), open it with the client's key when
    /// it is sealed, verify its sha256, write it out
    Result {
        task_id: u64,
        /// Write the bytes here instead of stdout
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Follow a task until it ends (as publish --wait)
    Watch {
        task_id: u64,
        /// Never send `finalize`, only watch
        #[arg(long)]
        no_finalize: bool,
    },
    /// Manual confirmation: award a revealed offer; its provider must then deliver
    Confirm { task_id: u64, provider: String },
    /// Withdraw a task before any commitment (full refund)
    Cancel { task_id: u64 },
    /// Settle a task whose deadlines passed (anyone may)
    Finalize { task_id: u64 },
    /// Dispute a result published with dispute terms: posts the bond, opens a re-run round
    Dispute { task_id: u64 },
    /// Close the dispute window of an undisputed result once it passed: releases the
    /// winner's collateral (anyone may)
    CloseDispute { task_id: u64 },
    /// A sealed-bid auction's bids (sealed or opened, with their prices) and its award
    Auction { task_id: u64 },
    /// A Consensus task's replicas, the digests they revealed with their votes, and its
    /// award (each agreeing provider's share)
    Consensus { task_id: u64 },
    /// The dispute terms of a task, its window and where its dispute stands (with the
    /// re-run round's task once disputed)
    DisputeState { task_id: u64 },
}

#[derive(Debug, Clone, Args)]
pub struct MetadataArgs {
    /// Provider metadata file (JSON or TOML: moniker, devices, task_kinds); flags override it
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
    /// Human-readable name
    #[arg(long)]
    pub moniker: Option<String>,
    /// A device, TYPE:VENDOR:NAME:MEMORY_MB:GFLOPS[:OPENCL_VERSION] with TYPE gpu, cpu or
    /// accelerator (repeat; replaces the file's devices)
    #[arg(long = "device", value_name = "SPEC")]
    pub devices: Vec<String>,
    /// Task kind accepted: opencl, hash_search (repeat) [default: opencl, hash_search]
    #[arg(long = "task-kind", value_name = "KIND")]
    pub task_kinds: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ProviderCmd {
    /// Register as a provider with a stake
    Register {
        #[command(flatten)]
        metadata: MetadataArgs,
        /// Stake in the bond denom, e.g. 10000ustake [default: the minimum stake]
        #[arg(long, value_name = "AMOUNT")]
        stake: Option<String>,
    },
    /// Replace the metadata (fields not given keep their values)
    Update {
        #[command(flatten)]
        metadata: MetadataArgs,
    },
    /// Add stake
    Bond { amount: String },
    /// Move free stake into the unbonding queue
    Unbond {
        amount: String,
        /// Unbond even below the minimum stake: the provider is then jailed and takes no
        /// task until it bonds back up
        #[arg(long)]
        force: bool,
    },
    /// Withdraw unbonded stake whose period passed
    Claim,
    /// Leave: all stake starts unbonding
    Deregister,
    /// Sealed-bid auction: bid PRICE for the right to run a task (locks the collateral);
    /// the bid's salt is kept in <home>/bids until `reveal-bid` opens it
    Bid {
        task_id: u64,
        /// The price asked, in the reward's asset: at most the reward
        price: String,
    },
    /// Sealed-bid auction: open a bid after the bid window (the one `provider bid` kept,
    /// or the one given by --price and --salt)
    RevealBid {
        task_id: u64,
        /// The price the bid was sealed with (with --salt; for a bid made elsewhere)
        #[arg(long, value_name = "AMOUNT", requires = "salt")]
        price: Option<String>,
        /// The bid's 32-byte salt, hex (with --price)
        #[arg(long, value_name = "HEX", requires = "price")]
        salt: Option<String>,
    },
    /// Show a provider [default: --from]
    Show { address: Option<String> },
    /// List providers
    List {
        /// Skip jailed and deregistered providers
        #[arg(long)]
        active_only: bool,
        #[arg(long, value_name = "ADDR")]
        start_after: Option<String>,
        /// Page size (at most 30)
        #[arg(long, default_value_t = 30)]
        limit: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum QueryCmd {
    /// The registry's, staking's and settlement's configuration
    Config,
    /// A task's escrow: the reward settlement holds while the task is open; once it ended,
    /// settlement's record (deposit, status, paid out, fees, refunded)
    Escrow { task_id: u64 },
    /// Conservation totals: settlement's per asset over ended tasks (deposited, paid out,
    /// fees, refunded, credited) and staking's (bonded, unbonding, slashed)
    Totals,
    /// A transaction's result by hash
    Tx { hash: String },
    /// An account's balances (address or key name)
    Balance {
        address: String,
        /// Only this denom
        #[arg(long)]
        denom: Option<String>,
    },
    /// Any contract's state, as `wasmd query wasm`
    #[command(subcommand)]
    Wasm(WasmQueryCmd),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_go_anywhere() {
        let cli = Cli::try_parse_from([
            "ogpu",
            "task",
            "show",
            "3",
            "--node",
            "http://x:1",
            "-o",
            "json",
            "--gas",
            "200000",
        ])
        .unwrap();
        assert_eq!(cli.global.node.as_deref(), Some("http://x:1"));
        assert_eq!(cli.global.output, Some(OutputFormat::Json));
        assert_eq!(cli.global.gas, Some(Gas::Fixed(200_000)));
        assert!(Cli::try_parse_from(["ogpu", "--gas", "lots", "query", "config"]).is_err());
    }
}
