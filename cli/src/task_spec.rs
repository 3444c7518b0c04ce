//! Building a `TaskSpec` for `ogpu task publish` from a task file (TOML or JSON) and flags.
//!
//! It happens in two steps so that local mistakes fail before anything touches the network:
//! [`draft`] reads the task file and every local file (kernel, inputs) and checks the
//! flags; [`Draft::finish`] then applies the deployment's rules (inline limits, windows,
//! accepted assets and minimum reward, collateral) read from the chain.
//!
//! OpenCL results are sealed to the client by default: the spec names the client's result
//! key (`TaskSpec::result_key`, see `ogpu_client::sealing`) unless `--public-result` is
//! given. Hash searches take none: the registry verifies their answers, which are public.
//!
//! The competition model ([`model`]) and the dispute terms ([`dispute`]) come from flags,
//! the task file or a raw spec file; a rule the spec breaks is reported by [`rules`].

mod dispute;
mod model;
mod rules;

use std::path::{Path, PathBuf};

use cosmwasm_std::{Binary, HexBinary, Int64, Uint128, Uint64};
use ogpu_types::registry::{AcceptedAsset, ConfigResponse};
use ogpu_types::{
    AssetInfo, CompetitionModel, DeviceClass, Eligibility, HashSearch, Job, KernelArg,
    KernelSource, OpenClJob, Payload, Requirements, Scalar, TaskSpec,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use self::dispute::{DisputeFile, DraftTerms};
use self::model::ModelInput;
use self::rules::Part;
use crate::args::{DeviceClassArg, ModelKind, PublishArgs};
use crate::coin;
use crate::context::check_address;
use crate::error::{CliError, CliResult};
use crate::output;

/// The friendly task file. Paths are relative to the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskFile {
    kernel: Option<PathBuf>,
    kernel_uri: Option<String>,
    entry: Option<String>,
    args: Option<Vec<FileArg>>,
    global: Option<Vec<u64>>,
    local: Option<Vec<u64>>,
    hash_search: Option<HashSearchFile>,
    model: Option<ModelKind>,
    commit_window: Option<u64>,
    reveal_window: Option<u64>,
    confirm_window: Option<u64>,
    delivery_window: Option<u64>,
    bid_window: Option<u64>,
    replicas: Option<u32>,
    quorum: Option<u32>,
    dispute: Option<DisputeFile>,
    /// Publish without the client's result key (the result is then public).
    public_result: Option<bool>,
    reward: Option<NumberOrText>,
    cw20: Option<String>,
    collateral: Option<NumberOrText>,
    requirements: Option<RequirementsFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(u64),
    Text(String),
}

impl NumberOrText {
    fn text(&self) -> String {
        match self {
            NumberOrText::Number(n) => n.to_string(),
            NumberOrText::Text(t) => t.clone(),
        }
    }
}

/// One kernel argument in a task file: exactly one of the fields.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileArg {
    input: Option<PathBuf>,
    /// With `input`: where the input is stored (referenced instead of inlined).
    uri: Option<String>,
    output: Option<u64>,
    u32: Option<u32>,
    i32: Option<i32>,
    u64: Option<u64>,
    i64: Option<i64>,
    f32: Option<f32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HashSearchFile {
    prefix: String,
    difficulty: u32,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequirementsFile {
    device_class: Option<DeviceClassArg>,
    min_memory_mb: Option<u64>,
    min_gflops: Option<u64>,
    min_reputation: Option<u64>,
    min_stake: Option<NumberOrText>,
    allowed_providers: Option<Vec<String>>,
}

/// A kernel argument whose local files are read but whose payloads are not decided.
#[derive(Debug)]
enum DraftArg {
    Input {
        path: PathBuf,
        bytes: Vec<u8>,
        uri: Option<String>,
    },
    Ready(KernelArg),
}

#[derive(Debug)]
enum DraftJob {
    /// A raw spec file's job, used as is.
    Ready(Job),
    OpenCl {
        kernel_path: PathBuf,
        kernel: Vec<u8>,
        kernel_uri: Option<String>,
        entry: String,
        args: Vec<DraftArg>,
        global: Vec<u64>,
        local: Option<Vec<u64>>,
    },
}

/// Everything about the task that can be known without the chain.
#[derive(Debug)]
pub struct Draft {
    job: DraftJob,
    input_uris: Vec<String>,
    model: CompetitionModel,
    reward: String,
    cw20: Option<String>,
    collateral: Option<String>,
    /// Collateral from a raw spec file (already an amount).
    spec_collateral: Option<Uint128>,
    /// Dispute terms, their bond not yet read in the reward's asset.
    dispute: Option<DraftTerms>,
    /// A raw spec file, and the parts of the spec it gave as they are.
    spec_file: Option<PathBuf>,
    from_spec: Vec<Part>,
    /// A raw spec file's own result key, kept as it is.
    spec_result_key: Option<HexBinary>,
    /// `--public-result`: no result key at all.
    public_result: bool,
    requirements: Requirements,
    min_stake: Option<String>,
}

/// What to publish: the spec, the reward's asset and amount.
#[derive(Debug)]
pub struct Publish {
    pub spec: TaskSpec,
    pub asset: AssetInfo,
    pub reward: u128,
}

fn read_file(what: &str, path: &Path) -> CliResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        CliError::usage(
            format!("cannot read {what} {}: {e}", path.display()),
            "check the path",
        )
    })
}

fn parse_file(path: &Path) -> CliResult<serde_json::Value> {
    let bytes = read_file("task file", path)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError::usage(
            format!("task file {} is not UTF-8 text", path.display()),
            "give a TOML or JSON file",
        )
    })?;
    let json = path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
    let parsed = if json {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        toml::from_str(&text).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| {
        CliError::usage(
            format!(
                "task file {}: {}",
                path.display(),
                crate::error::plain_parse_error(e.trim())
            ),
            "fix it (format in docs/cli.md)",
        )
    })
}

/// `value` read as a `T`; a mistake names its field's path under `root` (`spec.model.
/// consensus: missing field `quorum``).
fn read_value<T: DeserializeOwned>(
    path: &Path,
    root: &str,
    value: serde_json::Value,
) -> CliResult<T> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let at = match (root, err.path().to_string()) {
            (root, at) if at == "." => root.to_string(),
            ("", at) => at,
            (root, at) => format!("{root}.{at}"),
        };
        let at = if at.is_empty() { at } else { format!("{at}: ") };
        CliError::usage(
            format!("task file {}: {at}{}", path.display(), err.inner()),
            "fix it (format in docs/cli.md)",
        )
    })
}

/// Reads the task file and the local files, and checks the flags.
pub fn draft(args: &PublishArgs, prefix: &str) -> CliResult<Draft> {
    let (file, spec, base) = match &args.file {
        Some(path) => {
            let value = parse_file(path)?;
            let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
            if value.get("job").is_some() {
                let spec: TaskSpec = read_value(path, "spec", value)?;
                (TaskFile::default(), Some(spec), base)
            } else {
                (read_value(path, "", value)?, None, base)
            }
        }
        None => (TaskFile::default(), None, PathBuf::new()),
    };
    let job = draft_job(args, &file, spec.as_ref().map(|s| &s.job), &base)?;
    let model_input = ModelInput::new(args, &file);
    let model = model_input.build(spec.as_ref().map(|s| s.model))?;
    let dispute = dispute::draft(
        &args.dispute,
        file.dispute.as_ref(),
        spec.as_ref().and_then(|s| s.dispute),
    )?;
    let reward = args
        .reward
        .clone()
        .or(file.reward.as_ref().map(NumberOrText::text))
        .ok_or_else(|| {
            CliError::usage(
                "no reward",
                "pass --reward, e.g. --reward 1000ustake (or an amount with --cw20 ADDR)",
            )
        })?;
    let cw20 = args.cw20.clone().or(file.cw20.clone());
    if let Some(token) = &cw20 {
        check_address(prefix, "--cw20 token", token)?;
    }
    let requirements = requirements(
        args,
        file.requirements.as_ref(),
        spec.as_ref().map(|s| &s.requirements),
        prefix,
    )?;
    let min_stake = args.min_provider_stake.map(|v| v.to_string()).or(file
        .requirements
        .as_ref()
        .and_then(|r| r.min_stake.as_ref().map(NumberOrText::text)));
    let spec_result_key = spec.as_ref().and_then(|s| s.result_key.clone());
    let public_result = args.public_result || file.public_result.unwrap_or(false);
    if public_result && spec_result_key.is_some() {
        return Err(CliError::usage(
            "the spec file names a result_key and --public-result asks for none",
            "drop one of them",
        ));
    }
    let from_spec = match &spec {
        None => vec![],
        Some(spec) => [
            (
                Part::Job,
                matches!(&job, DraftJob::Ready(j) if *j == spec.job),
            ),
            (Part::Model, model_input.is_empty()),
            (
                Part::Dispute,
                !dispute::flagged(&args.dispute) && file.dispute.is_none(),
            ),
            (Part::Collateral, args.collateral.is_none()),
            (Part::Requirements, args.allow.is_empty()),
        ]
        .into_iter()
        .filter_map(|(part, kept)| kept.then_some(part))
        .collect(),
    };
    Ok(Draft {
        job,
        input_uris: args.input_uris.clone(),
        model,
        reward,
        cw20,
        collateral: args
            .collateral
            .clone()
            .or(file.collateral.as_ref().map(NumberOrText::text)),
        spec_collateral: spec.as_ref().map(|s| s.collateral),
        dispute,
        spec_file: spec.is_some().then(|| args.file.clone()).flatten(),
        from_spec,
        spec_result_key,
        public_result,
        requirements,
        min_stake,
    })
}

fn draft_job(
    args: &PublishArgs,
    file: &TaskFile,
    spec_job: Option<&Job>,
    base: &Path,
) -> CliResult<DraftJob> {
    let hash_prefix = args
        .hash_prefix
        .clone()
        .or(file.hash_search.as_ref().map(|h| h.prefix.clone()));
    let difficulty = args
        .difficulty
        .or(file.hash_search.as_ref().map(|h| h.difficulty));
    let kernel_flags = args.kernel.is_some()
        || !args.args.is_empty()
        || args.entry.is_some()
        || !args.global.is_empty();
    let kernel_file = file.kernel.is_some() || file.args.is_some();
    if hash_prefix.is_some() || difficulty.is_some() {
        if kernel_flags || kernel_file {
            return Err(CliError::usage(
                "both a kernel and a hash search given",
                "a task is one or the other: drop --kernel/--arg/--entry/--global or --hash-prefix/--difficulty",
            ));
        }
        let (Some(prefix), Some(difficulty)) = (hash_prefix, difficulty) else {
            return Err(CliError::usage(
                "a hash search needs both its prefix and its difficulty",
                "pass --hash-prefix HEX and --difficulty BITS",
            ));
        };
        let prefix = hex::decode(prefix.trim_start_matches("0x")).map_err(|e| {
            CliError::usage(
                format!("--hash-prefix {prefix:?} is not hex ({e})"),
                "give bytes in hex, e.g. --hash-prefix 6f677075",
            )
        })?;
        return Ok(DraftJob::Ready(Job::HashSearch(HashSearch {
            prefix: HexBinary::from(prefix),
            difficulty,
        })));
    }
    if !kernel_flags && !kernel_file {
        if let Some(job) = spec_job {
            return Ok(DraftJob::Ready(job.clone()));
        }
    }
    let kernel_path = match (&args.kernel, &file.kernel) {
        (Some(path), _) => path.clone(),
        (None, Some(path)) => base.join(path),
        (None, None) => {
            return Err(CliError::usage(
                "no kernel",
                "pass --kernel FILE.cl (or a task file with `kernel`), or a hash search with --hash-prefix and --difficulty",
            ))
        }
    };
    let kernel = read_file("kernel", &kernel_path)?;
    let entry = match args.entry.clone().or(file.entry.clone()) {
        Some(entry) => entry,
        None => guess_entry(&kernel_path, &kernel)?,
    };
    let mut draft_args = Vec::new();
    if !args.args.is_empty() {
        for arg in &args.args {
            draft_args.push(parse_arg(arg)?);
        }
    } else {
        for (i, arg) in file.args.iter().flatten().enumerate() {
            draft_args.push(file_arg(i, arg, base)?);
        }
    }
    if !draft_args
        .iter()
        .any(|a| matches!(a, DraftArg::Ready(KernelArg::Output { .. })))
    {
        return Err(CliError::usage(
            "the kernel has no output buffer",
            "add one, e.g. --arg output:4096 (its size in bytes)",
        ));
    }
    let global = if args.global.is_empty() {
        file.global.clone().unwrap_or_default()
    } else {
        args.global.clone()
    };
    if global.is_empty() || global.len() > 3 || global.contains(&0) {
        return Err(CliError::usage(
            "no valid global work size",
            "pass --global with 1 to 3 positive dimensions, e.g. --global 1024 or --global 64,64",
        ));
    }
    let local = if args.local.is_empty() {
        file.local.clone()
    } else {
        Some(args.local.clone())
    };
    if let Some(local) = &local {
        if local.len() != global.len() || local.contains(&0) {
            return Err(CliError::usage(
                "--local must have as many positive dimensions as --global",
                "e.g. --global 1024 --local 64",
            ));
        }
    }
    Ok(DraftJob::OpenCl {
        kernel_path,
        kernel,
        kernel_uri: args.kernel_uri.clone().or(file.kernel_uri.clone()),
        entry,
        args: draft_args,
        global,
        local,
    })
}

/// The single `__kernel` function of the source, when there is exactly one.
fn guess_entry(path: &Path, source: &[u8]) -> CliResult<String> {
    let text = String::from_utf8_lossy(source);
    let names: Vec<String> = text
        .split("__kernel")
        .skip(1)
        .filter_map(|rest| {
            let before_paren = rest.split('(').next()?;
            before_paren.split_whitespace().last().map(str::to_string)
        })
        .collect();
    match names.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(CliError::usage(
            format!("no __kernel function found in {}", path.display()),
            "pass --entry NAME",
        )),
        many => Err(CliError::usage(
            format!(
                "{} defines several kernels ({})",
                path.display(),
                many.join(", ")
            ),
            "pick one with --entry NAME",
        )),
    }
}

/// `input:FILE`, `output:BYTES`, `u32:N`, `i32:N`, `u64:N`, `i64:N`, `f32:X`.
fn parse_arg(text: &str) -> CliResult<DraftArg> {
    let bad = |why: String| {
        CliError::usage(
            format!("--arg {text:?}: {why}"),
            "write KIND:VALUE with KIND input, output, u32, i32, u64, i64 or f32",
        )
    };
    let (kind, value) = text.split_once(':').ok_or_else(|| bad("no `:`".into()))?;
    let number = |what: &str| bad(format!("{value:?} is not a valid {what}"));
    let arg = match kind {
        "input" => {
            let path = PathBuf::from(value);
            let bytes = read_file("input", &path)?;
            return Ok(DraftArg::Input {
                path,
                bytes,
                uri: None,
            });
        }
        "output" => KernelArg::Output {
            size: Uint64::new(value.parse().map_err(|_| number("size in bytes"))?),
        },
        "u32" => scalar(Scalar::U32(value.parse().map_err(|_| number("u32"))?)),
        "i32" => scalar(Scalar::I32(value.parse().map_err(|_| number("i32"))?)),
        "u64" => scalar(Scalar::U64(Uint64::new(
            value.parse().map_err(|_| number("u64"))?,
        ))),
        "i64" => scalar(Scalar::I64(Int64::new(
            value.parse().map_err(|_| number("i64"))?,
        ))),
        "f32" => scalar(Scalar::F32Bits(
            value.parse::<f32>().map_err(|_| number("f32"))?.to_bits(),
        )),
        other => return Err(bad(format!("unknown kind {other:?}"))),
    };
    Ok(DraftArg::Ready(arg))
}

fn scalar(value: Scalar) -> KernelArg {
    KernelArg::Scalar { value }
}

fn file_arg(index: usize, arg: &FileArg, base: &Path) -> CliResult<DraftArg> {
    let mut set = Vec::new();
    if let Some(path) = &arg.input {
        let path = base.join(path);
        let bytes = read_file("input", &path)?;
        set.push(DraftArg::Input {
            path,
            bytes,
            uri: arg.uri.clone(),
        });
    }
    if let Some(size) = arg.output {
        set.push(DraftArg::Ready(KernelArg::Output {
            size: Uint64::new(size),
        }));
    }
    let scalars = [
        arg.u32.map(Scalar::U32),
        arg.i32.map(Scalar::I32),
        arg.u64.map(|v| Scalar::U64(Uint64::new(v))),
        arg.i64.map(|v| Scalar::I64(Int64::new(v))),
        arg.f32.map(|v| Scalar::F32Bits(v.to_bits())),
    ];
    set.extend(
        scalars
            .into_iter()
            .flatten()
            .map(|s| DraftArg::Ready(scalar(s))),
    );
    if arg.uri.is_some() && arg.input.is_none() {
        return Err(CliError::usage(
            format!("task file: args[{index}] has a uri but no input"),
            "give the local file as `input` too",
        ));
    }
    match set.len() {
        1 => Ok(set.pop().expect("one")),
        n => Err(CliError::usage(
            format!("task file: args[{index}] has {n} kinds"),
            "give exactly one of input, output, u32, i32, u64, i64, f32",
        )),
    }
}

fn requirements(
    args: &PublishArgs,
    file: Option<&RequirementsFile>,
    spec: Option<&Requirements>,
    prefix: &str,
) -> CliResult<Requirements> {
    let mut req = spec.cloned().unwrap_or_default();
    if let Some(file) = file {
        if let Some(class) = file.device_class {
            req.eligibility.device_class = device_class(class);
        }
        req.eligibility.min_memory_mb = file.min_memory_mb.unwrap_or(req.eligibility.min_memory_mb);
        req.eligibility.min_gflops = file.min_gflops.unwrap_or(req.eligibility.min_gflops);
        req.eligibility.min_reputation = file
            .min_reputation
            .unwrap_or(req.eligibility.min_reputation);
        if let Some(allowed) = &file.allowed_providers {
            req.allowed_providers = allowed.clone();
        }
    }
    if let Some(class) = args.device_class {
        req.eligibility.device_class = device_class(class);
    }
    let Eligibility {
        min_memory_mb,
        min_gflops,
        min_reputation,
        ..
    } = &mut req.eligibility;
    *min_memory_mb = args.min_memory_mb.unwrap_or(*min_memory_mb);
    *min_gflops = args.min_gflops.unwrap_or(*min_gflops);
    *min_reputation = args.min_reputation.unwrap_or(*min_reputation);
    if !args.allow.is_empty() {
        req.allowed_providers = args.allow.clone();
    }
    for provider in &mut req.allowed_providers {
        *provider = check_address(prefix, "allowed provider", provider)?;
    }
    Ok(req)
}

fn device_class(arg: DeviceClassArg) -> DeviceClass {
    match arg {
        DeviceClassArg::Any => DeviceClass::Any,
        DeviceClassArg::Gpu => DeviceClass::Gpu,
        DeviceClassArg::Cpu => DeviceClass::Cpu,
    }
}

impl Draft {
    /// Applies the deployment's rules; `bond_denom` is staking's. `client_key` gives the
    /// client's result public key, asked only for a job whose result is sealed.
    pub fn finish(
        self,
        config: &ConfigResponse,
        bond_denom: &str,
        client_key: impl FnOnce() -> CliResult<[u8; 32]>,
    ) -> CliResult<Publish> {
        let limits = &config.limits;
        let (asset, reward, min_reward) = self.reward(&config.accepted_assets)?;
        let dispute = self.dispute.map(|terms| terms.finish(&asset)).transpose()?;
        let collateral = match (&self.collateral, self.spec_collateral) {
            (Some(text), _) => Uint128::new(coin::parse_in("--collateral", text, bond_denom)?),
            (None, Some(amount)) => amount,
            (None, None) => limits.min_collateral,
        };
        let mut requirements = self.requirements;
        if let Some(text) = &self.min_stake {
            requirements.eligibility.min_stake =
                Uint128::new(coin::parse_in("--min-provider-stake", text, bond_denom)?);
        }
        let job = match self.job {
            DraftJob::Ready(job) => job,
            DraftJob::OpenCl {
                kernel_path,
                kernel,
                kernel_uri,
                entry,
                args,
                global,
                local,
            } => {
                let kernel = kernel_source(
                    &kernel_path,
                    kernel,
                    kernel_uri,
                    limits.max_kernel_bytes,
                    limits.max_uri_len,
                )?;
                let args = payloads(
                    args,
                    self.input_uris,
                    limits.max_inline_input_bytes,
                    limits.max_uri_len,
                )?;
                Job::OpenCl(OpenClJob {
                    kernel,
                    entry_point: entry,
                    args,
                    global_work_size: global.into_iter().map(Uint64::new).collect(),
                    local_work_size: local.map(|l| l.into_iter().map(Uint64::new).collect()),
                })
            }
        };
        let result_key = match (&job, self.spec_result_key) {
            (Job::HashSearch(_), Some(_)) => {
                return Err(CliError::usage(
                    "the spec file names a result_key for a hash search",
                    "remove it: the registry verifies hash-search answers, which are public",
                ))
            }
            (Job::HashSearch(_), None) => None,
            (Job::OpenCl(_), Some(key)) if key.len() != 32 => {
                return Err(CliError::usage(
                    format!("the spec file's result_key is {} bytes", key.len()),
                    "give a 32-byte X25519 public key in hex, or leave it out to use your own",
                ))
            }
            (Job::OpenCl(_), Some(key)) => Some(key),
            (Job::OpenCl(_), None) if self.public_result => None,
            (Job::OpenCl(_), None) => Some(HexBinary::from(client_key()?.to_vec())),
        };
        let spec = TaskSpec {
            job,
            requirements,
            model: self.model,
            collateral,
            dispute,
            result_key,
        };
        let from_spec = rules::FromSpec {
            file: self.spec_file.as_deref(),
            parts: self.from_spec,
        };
        rules::check(limits, &spec, bond_denom, &from_spec)?;
        rules::bond(&spec, &asset, min_reward, &from_spec)?;
        Ok(Publish {
            spec,
            asset,
            reward,
        })
    }

    /// The reward's asset and amount, and the asset's minimum reward.
    fn reward(&self, accepted: &[AcceptedAsset]) -> CliResult<(AssetInfo, u128, Uint128)> {
        let parsed = coin::parse("--reward", &self.reward)?;
        let info = match (&self.cw20, parsed.denom) {
            (Some(token), None) => AssetInfo::cw20(token),
            (Some(_), Some(denom)) => {
                return Err(CliError::usage(
                    format!(
                        "--reward {:?} has a denom ({denom}) but --cw20 is given",
                        self.reward
                    ),
                    "give a bare amount with --cw20, e.g. --reward 1000 --cw20 ADDR",
                ))
            }
            (None, Some(denom)) => AssetInfo::native(denom),
            (None, None) => {
                return Err(CliError::usage(
                    format!("--reward {:?} has no denom", self.reward),
                    "write it like 1000ustake, or pass --cw20 ADDR for a cw20 token",
                ))
            }
        };
        let list = || {
            accepted
                .iter()
                .map(|a| {
                    format!(
                        "{} (min {})",
                        describe_asset(&a.info),
                        output::amount(a.min_reward, &a.info)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(entry) = accepted.iter().find(|a| a.info == info) else {
            return Err(CliError::usage(
                format!(
                    "{} is not accepted as a reward by this deployment",
                    describe_asset(&info)
                ),
                format!("pay in one of: {}", list()),
            ));
        };
        if Uint128::new(parsed.amount) < entry.min_reward {
            return Err(CliError::usage(
                format!(
                    "reward {} is below this deployment's minimum of {}",
                    output::amount(Uint128::new(parsed.amount), &info),
                    output::amount(entry.min_reward, &info)
                ),
                "raise --reward",
            ));
        }
        Ok((info, parsed.amount, entry.min_reward))
    }
}

fn describe_asset(info: &AssetInfo) -> String {
    match info {
        AssetInfo::Native { denom } => format!("denom {denom}"),
        AssetInfo::Cw20 { contract_addr } => format!("cw20 token {contract_addr}"),
    }
}

fn sha256_hex(bytes: &[u8]) -> HexBinary {
    HexBinary::from(Sha256::digest(bytes).to_vec())
}

fn check_uri(uri: &str, max: u32) -> CliResult<()> {
    if uri.is_empty() || uri.len() > max as usize {
        return Err(CliError::usage(
            format!("URI {uri:?} is {} characters", uri.len()),
            format!("this deployment takes 1 to {max}"),
        ));
    }
    Ok(())
}

fn kernel_source(
    path: &Path,
    kernel: Vec<u8>,
    uri: Option<String>,
    max: u32,
    max_uri: u32,
) -> CliResult<KernelSource> {
    if let Some(uri) = uri {
        check_uri(&uri, max_uri)?;
        return Ok(KernelSource::Reference {
            uri,
            sha256: sha256_hex(&kernel),
        });
    }
    if kernel.len() > max as usize {
        return Err(CliError::usage(
            format!(
                "kernel {} is {} bytes, more than the {max} this deployment takes inline",
                path.display(),
                kernel.len()
            ),
            "upload it and pass --kernel-uri URI (its sha256 is computed from the local file)",
        ));
    }
    let source = String::from_utf8(kernel).map_err(|_| {
        CliError::usage(
            format!("kernel {} is not UTF-8 text", path.display()),
            "give the OpenCL C source",
        )
    })?;
    if source.trim().is_empty() {
        return Err(CliError::usage(
            format!("kernel {} is empty", path.display()),
            "give the OpenCL C source",
        ));
    }
    Ok(KernelSource::Inline { source })
}

/// Inputs inline while they fit in `max_inline` together, else by the next `--input-uri`.
fn payloads(
    args: Vec<DraftArg>,
    uris: Vec<String>,
    max_inline: u32,
    max_uri: u32,
) -> CliResult<Vec<KernelArg>> {
    let mut uris = uris.into_iter();
    let mut inline = 0usize;
    let mut out = Vec::new();
    for arg in args {
        let arg = match arg {
            DraftArg::Ready(arg) => arg,
            DraftArg::Input { path, bytes, uri } => {
                let uri = match uri {
                    Some(uri) => Some(uri),
                    None if inline + bytes.len() <= max_inline as usize => None,
                    None => Some(uris.next().ok_or_else(|| {
                        CliError::usage(
                            format!(
                                "input {} is {} bytes and the inline inputs may total {max_inline}",
                                path.display(),
                                bytes.len()
                            ),
                            "upload it and pass --input-uri URI (its sha256 and size come from the local file)",
                        )
                    })?),
                };
                let payload = match uri {
                    Some(uri) => {
                        check_uri(&uri, max_uri)?;
                        if bytes.is_empty() {
                            return Err(CliError::usage(
                                format!("input {} is empty", path.display()),
                                "a referenced input has at least 1 byte",
                            ));
                        }
                        Payload::Reference {
                            uri,
                            sha256: sha256_hex(&bytes),
                            size: Uint64::new(bytes.len() as u64),
                        }
                    }
                    None => {
                        inline += bytes.len();
                        Payload::Inline {
                            data: Binary::from(bytes),
                        }
                    }
                };
                KernelArg::Input { payload }
            }
        };
        out.push(arg);
    }
    let extra = uris.count();
    if extra > 0 {
        return Err(CliError::usage(
            format!("{extra} --input-uri left over: every input fits inline"),
            "remove the extra --input-uri (or give the URI in the task file's arg)",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use ogpu_types::DisputeTerms;

    fn publish(args: &[&str]) -> PublishArgs {
        let mut argv = vec!["ogpu", "task", "publish"];
        argv.extend_from_slice(args);
        match crate::args::Cli::try_parse_from(argv).unwrap().command {
            crate::args::Command::Task(crate::args::TaskCmd::Publish(args)) => *args,
            _ => unreachable!(),
        }
    }

    fn config() -> ConfigResponse {
        ConfigResponse {
            staking: cosmwasm_std::Addr::unchecked("s"),
            settlement: cosmwasm_std::Addr::unchecked("t"),
            treasury: cosmwasm_std::Addr::unchecked("x"),
            accepted_assets: vec![AcceptedAsset {
                info: AssetInfo::native("ustake"),
                min_reward: Uint128::new(1000),
            }],
            limits: crate::commands::deploy::default_limits(),
            paused: false,
            next_task_id: 1,
        }
    }

    const KERNEL: &str =
        "__kernel void add(__global const uint* a, __global uint* out, uint k) { }";

    /// The client's result public key, as the keyring would derive it.
    const CLIENT_KEY: [u8; 32] = [7; 32];

    fn client_key() -> CliResult<[u8; 32]> {
        Ok(CLIENT_KEY)
    }

    #[test]
    fn a_task_from_flags() {
        let dir = tempfile::tempdir().unwrap();
        let kernel = dir.path().join("add.cl");
        std::fs::write(&kernel, KERNEL).unwrap();
        let input = dir.path().join("a.bin");
        std::fs::write(&input, [1u8, 0, 0, 0]).unwrap();
        let args = publish(&[
            "--kernel",
            kernel.to_str().unwrap(),
            "--arg",
            &format!("input:{}", input.display()),
            "--arg",
            "output:4",
            "--arg",
            "u32:10",
            "--arg",
            "f32:1.5",
            "--global",
            "1",
            "--reward",
            "1000ustake",
        ]);
        let publish = draft(&args, "wasm")
            .unwrap()
            .finish(&config(), "ustake", client_key)
            .unwrap();
        let Job::OpenCl(job) = &publish.spec.job else {
            panic!()
        };
        assert_eq!(job.entry_point, "add");
        assert_eq!(job.args.len(), 4);
        assert!(matches!(
            &job.args[0],
            KernelArg::Input {
                payload: Payload::Inline { .. }
            }
        ));
        assert_eq!(
            job.args[3],
            KernelArg::Scalar {
                value: Scalar::F32Bits(1.5f32.to_bits())
            }
        );
        assert_eq!(publish.spec.collateral, Uint128::new(100));
        assert_eq!(publish.reward, 1000);
        assert_eq!(
            publish.spec.result_key,
            Some(HexBinary::from(CLIENT_KEY)),
            "sealed to the client by default"
        );
    }

    #[test]
    fn large_inputs_need_a_uri_and_take_the_local_digest() {
        let dir = tempfile::tempdir().unwrap();
        let kernel = dir.path().join("k.cl");
        std::fs::write(&kernel, KERNEL).unwrap();
        let big = dir.path().join("big.bin");
        std::fs::write(&big, vec![7u8; 20_000]).unwrap();
        let base = [
            "--kernel",
            kernel.to_str().unwrap(),
            "--arg",
            &format!("input:{}", big.display()),
            "--arg",
            "output:4",
            "--global",
            "1",
            "--reward",
            "1000ustake",
        ]
        .map(String::from);
        let argv: Vec<&str> = base.iter().map(String::as_str).collect();
        let err = draft(&publish(&argv), "wasm")
            .unwrap()
            .finish(&config(), "ustake", client_key)
            .unwrap_err();
        assert!(err.message.contains("--input-uri"), "{}", err.message);
        let mut with_uri = argv.clone();
        with_uri.extend(["--input-uri", "https://example.com/big.bin"]);
        let publish = draft(&publish(&with_uri), "wasm")
            .unwrap()
            .finish(&config(), "ustake", client_key)
            .unwrap();
        let Job::OpenCl(job) = &publish.spec.job else {
            panic!()
        };
        let KernelArg::Input {
            payload: Payload::Reference { sha256, size, .. },
        } = &job.args[0]
        else {
            panic!()
        };
        assert_eq!(size.u64(), 20_000);
        assert_eq!(
            sha256.as_slice(),
            Sha256::digest(vec![7u8; 20_000]).as_slice()
        );
    }

    #[test]
    fn a_task_file_with_flag_overrides() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("k.cl"), KERNEL).unwrap();
        std::fs::write(
            dir.path().join("task.toml"),
            r#"
kernel = "k.cl"
args = [{ output = 16 }, { u32 = 3 }]
global = [4]
model = "manual-confirmation"
reward = "2000ustake"
collateral = 500
[requirements]
device_class = "gpu"
min_memory_mb = 1024
"#,
        )
        .unwrap();
        let file = dir.path().join("task.toml");
        let args = publish(&[file.to_str().unwrap(), "--commit-window", "30"]);
        let publish = draft(&args, "wasm")
            .unwrap()
            .finish(&config(), "ustake", client_key)
            .unwrap();
        assert_eq!(
            publish.spec.model,
            CompetitionModel::ManualConfirmation {
                commit_window: 30,
                reveal_window: 300,
                confirm_window: 300,
                delivery_window: 120,
            }
        );
        assert_eq!(publish.spec.collateral, Uint128::new(500));
        assert_eq!(
            publish.spec.requirements.eligibility.device_class,
            DeviceClass::Gpu
        );
        assert_eq!(publish.reward, 2000);
        std::fs::write(dir.path().join("typo.toml"), "kernal = \"k.cl\"\n").unwrap();
        let typo = dir.path().join("typo.toml");
        let err = draft(&publish_args(&typo), "wasm").unwrap_err();
        assert!(err.message.contains("unknown field"), "{}", err.message);
    }

    fn publish_args(file: &Path) -> PublishArgs {
        publish(&[file.to_str().unwrap(), "--reward", "1000ustake"])
    }

    /// A raw spec's consensus model and dispute terms are published as written, flags
    /// override their fields, and a broken rule names the spec's field or the flag.
    #[test]
    fn a_raw_spec_keeps_its_consensus_model_and_breaking_the_rules_costs_no_fee() {
        let dir = tempfile::tempdir().unwrap();
        let spec = TaskSpec {
            job: Job::HashSearch(HashSearch {
                prefix: HexBinary::from(b"ogpu"),
                difficulty: 4,
            }),
            requirements: Requirements::default(),
            model: CompetitionModel::Consensus {
                replicas: 3,
                quorum: 2,
                commit_window: 20,
                reveal_window: 20,
            },
            collateral: Uint128::new(300),
            dispute: None,
            result_key: None,
        };
        let path = dir.path().join("spec.json");
        let publish_file = |spec: &TaskSpec| {
            std::fs::write(&path, serde_json::to_string(spec).unwrap()).unwrap();
            draft(&publish_args(&path), "wasm")
                .unwrap()
                .finish(&config(), "ustake", client_key)
        };
        assert_eq!(publish_file(&spec).unwrap().spec, spec);
        // The registry's rules are checked before sending: a hash search takes no dispute.
        let disputed = TaskSpec {
            dispute: Some(DisputeTerms {
                window: 60,
                replicas: 3,
                quorum: 2,
                bond: Uint128::new(500),
            }),
            ..spec.clone()
        };
        let err = publish_file(&disputed).unwrap_err();
        assert!(
            err.line()
                .contains("spec.dispute: disputes are not available here"),
            "{}",
            err.line()
        );
        let flagged = [path.to_str().unwrap(), "--reward", "1000ustake"];
        std::fs::write(&path, serde_json::to_string(&spec).unwrap()).unwrap();
        let args = publish(&[&flagged[..], &["--commit-window", "30"]].concat());
        let model = finished(&args).unwrap().spec.model;
        assert_eq!(model.windows()[0], ("commit", 30));
        assert_eq!(model.name(), "consensus");
        let bad_quorum = TaskSpec {
            model: CompetitionModel::Consensus {
                replicas: 4,
                quorum: 2,
                commit_window: 20,
                reveal_window: 20,
            },
            ..spec.clone()
        };
        let err = publish_file(&bad_quorum).unwrap_err();
        assert!(
            err.line()
                .starts_with("spec.model.consensus.quorum: consensus needs a strict majority"),
            "{}",
            err.line()
        );
        assert!(
            err.line()
                .contains("or override it with --replicas and --quorum"),
            "{}",
            err.line()
        );
        let args = publish(&[&flagged[..], &["--quorum", "3"]].concat());
        assert_eq!(
            finished(&args).unwrap().spec.model,
            CompetitionModel::Consensus {
                replicas: 4,
                quorum: 3,
                commit_window: 20,
                reveal_window: 20,
            }
        );
        let short = TaskSpec {
            model: CompetitionModel::SealedBidAuction {
                bid_window: 20,
                reveal_window: 1,
                delivery_window: 20,
            },
            ..spec
        };
        let err = publish_file(&short).unwrap_err();
        assert!(
            err.line().starts_with(
                "spec.model.sealed_bid_auction.reveal_window: reveal window 1s is outside 10..="
            ),
            "{}",
            err.line()
        );
    }

    /// A raw spec that does not parse names the field.
    #[test]
    fn a_raw_spec_mistake_names_its_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spec.json");
        let spec = serde_json::json!({
            "job": { "hash_search": { "prefix": "6f677075", "difficulty": 4 } },
            "requirements": Requirements::default(),
            "model": { "sealed_bid_auction": { "bid_window": 20, "reveal_window": "soon", "delivery_window": 20 } },
            "collateral": "300",
        });
        std::fs::write(&path, spec.to_string()).unwrap();
        let err = draft(&publish_args(&path), "wasm").unwrap_err();
        assert!(
            err.line().contains(
                "spec.model.sealed_bid_auction.reveal_window: invalid type: string \"soon\""
            ),
            "{}",
            err.line()
        );
        let mut missing = spec.clone();
        missing["model"] = serde_json::json!({ "consensus": { "replicas": 3, "commit_window": 20, "reveal_window": 20 } });
        std::fs::write(&path, missing.to_string()).unwrap();
        let err = draft(&publish_args(&path), "wasm").unwrap_err();
        assert!(
            err.line()
                .contains("spec.model.consensus: missing field `quorum`"),
            "{}",
            err.line()
        );
    }

    /// Auction, consensus and dispute terms from flags; the terms' rules name the flags.
    #[test]
    fn every_model_and_dispute_terms_from_flags() {
        let dir = tempfile::tempdir().unwrap();
        let auction = [
            "--model",
            "auction",
            "--bid-window",
            "30",
            "--delivery-window",
            "40",
        ];
        let model = finished(&kernel_args(dir.path(), &auction))
            .unwrap()
            .spec
            .model;
        assert_eq!(
            model,
            CompetitionModel::SealedBidAuction {
                bid_window: 30,
                reveal_window: 300,
                delivery_window: 40,
            }
        );
        let consensus = [
            "--model",
            "consensus",
            "--replicas",
            "3",
            "--reveal-window",
            "50",
        ];
        let model = finished(&kernel_args(dir.path(), &consensus))
            .unwrap()
            .spec
            .model;
        assert_eq!(
            model,
            CompetitionModel::Consensus {
                replicas: 3,
                quorum: 2,
                commit_window: 600,
                reveal_window: 50,
            }
        );
        let bad = ["--model", "consensus", "--replicas", "4", "--quorum", "2"];
        let err = finished(&kernel_args(dir.path(), &bad)).unwrap_err();
        assert!(
            err.line()
                .contains("pass --replicas and --quorum that satisfy it"),
            "{}",
            err.line()
        );
        let disputed = ["--dispute-window", "60", "--dispute-bond", "2000ustake"];
        let spec = finished(&kernel_args(dir.path(), &disputed)).unwrap().spec;
        assert_eq!(
            spec.dispute,
            Some(DisputeTerms {
                window: 60,
                replicas: 3,
                quorum: 2,
                bond: Uint128::new(2000),
            })
        );
        let low = ["--dispute-window", "60", "--dispute-bond", "10"];
        let err = finished(&kernel_args(dir.path(), &low)).unwrap_err();
        assert!(
            err.line().contains(
                "dispute bond 10ustake is below this deployment's minimum reward of 1000ustake: raise --dispute-bond"
            ),
            "{}",
            err.line()
        );
        let few = [&disputed[..], &["--dispute-replicas", "2"]].concat();
        let err = finished(&kernel_args(dir.path(), &few)).unwrap_err();
        assert!(
            err.line().contains("pass --dispute-replicas 3 or more"),
            "{}",
            err.line()
        );
        let on_auction = [&disputed[..], &auction[..]].concat();
        let err = finished(&kernel_args(dir.path(), &on_auction)).unwrap_err();
        assert!(
            err.line().contains("drop the --dispute-* flags"),
            "{}",
            err.line()
        );
        std::fs::write(
            dir.path().join("task.toml"),
            "kernel = \"k.cl\"\nargs = [{ output = 4 }]\nglobal = [1]\n\
             model = \"consensus\"\nreplicas = 5\n",
        )
        .unwrap();
        let file = finished(&publish_args(&dir.path().join("task.toml"))).unwrap();
        assert_eq!(
            file.spec.model,
            CompetitionModel::Consensus {
                replicas: 5,
                quorum: 3,
                commit_window: 600,
                reveal_window: 300,
            }
        );
        std::fs::write(
            dir.path().join("task.toml"),
            "kernel = \"k.cl\"\nargs = [{ output = 4 }]\nglobal = [1]\n\
             [dispute]\nwindow = 90\nbond = \"3000ustake\"\nreplicas = 5\n",
        )
        .unwrap();
        let file = finished(&publish_args(&dir.path().join("task.toml"))).unwrap();
        assert_eq!(
            file.spec.dispute,
            Some(DisputeTerms {
                window: 90,
                replicas: 5,
                quorum: 3,
                bond: Uint128::new(3000),
            })
        );
    }

    #[test]
    fn a_raw_spec_file_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let spec = TaskSpec {
            job: Job::HashSearch(HashSearch {
                prefix: HexBinary::from(b"ogpu"),
                difficulty: 4,
            }),
            requirements: Requirements::default(),
            model: CompetitionModel::FirstResponse {
                commit_window: 20,
                reveal_window: 20,
            },
            collateral: Uint128::new(300),
            dispute: None,
            result_key: None,
        };
        let path = dir.path().join("spec.json");
        std::fs::write(&path, serde_json::to_string(&spec).unwrap()).unwrap();
        let publish = draft(&publish_args(&path), "wasm")
            .unwrap()
            .finish(&config(), "ustake", client_key)
            .unwrap();
        assert_eq!(publish.spec, spec);
    }

    #[test]
    fn bad_rewards_and_windows_say_what_to_do() {
        let finish = |extra: &[&str]| {
            let mut argv = vec!["--hash-prefix", "00ff", "--difficulty", "8"];
            argv.extend_from_slice(extra);
            draft(&publish(&argv), "wasm")
                .and_then(|d| d.finish(&config(), "ustake", client_key))
                .unwrap_err()
                .message
        };
        assert!(finish(&["--reward", "1000"]).contains("has no denom"));
        assert!(finish(&["--reward", "1000uatom"]).contains("not accepted"));
        assert!(finish(&["--reward", "10ustake"])
            .contains("below this deployment's minimum of 1000ustake"));
        assert!(
            finish(&["--reward", "1000ustake", "--commit-window", "1"]).contains("commit window")
        );
        assert!(
            finish(&["--reward", "1000ustake", "--collateral", "5"]).contains("below the minimum")
        );
        assert!(
            finish(&["--reward", "1000ustake", "--collateral", "500uatom"])
                .contains("must be in ustake")
        );
        let err = draft(
            &publish(&["--kernel", "/nonexistent/k.cl", "--reward", "1000ustake"]),
            "wasm",
        )
        .unwrap_err();
        assert!(
            err.message.contains("cannot read kernel /nonexistent/k.cl"),
            "{}",
            err.message
        );
    }

    fn kernel_args(dir: &Path, extra: &[&str]) -> PublishArgs {
        let kernel = dir.join("k.cl");
        std::fs::write(&kernel, KERNEL).unwrap();
        let kernel = kernel.to_str().unwrap();
        let base = [
            "--kernel",
            kernel,
            "--arg",
            "output:4",
            "--global",
            "1",
            "--reward",
            "1000ustake",
        ];
        publish(&[&base[..], extra].concat())
    }

    fn finished(args: &PublishArgs) -> CliResult<Publish> {
        draft(args, "wasm")?.finish(&config(), "ustake", client_key)
    }

    /// `--public-result` publishes no key, and no key is derived for it; a hash search
    /// never gets one (the registry refuses it).
    #[test]
    fn public_results_and_hash_searches_take_no_key() {
        let dir = tempfile::tempdir().unwrap();
        let args = kernel_args(dir.path(), &["--public-result"]);
        let never = || -> CliResult<[u8; 32]> { panic!("no key needed") };
        let spec = draft(&args, "wasm")
            .unwrap()
            .finish(&config(), "ustake", never)
            .unwrap()
            .spec;
        assert_eq!(spec.result_key, None);
        let search = publish(&[
            "--hash-prefix",
            "00ff",
            "--difficulty",
            "8",
            "--reward",
            "1000ustake",
        ]);
        let spec = draft(&search, "wasm")
            .unwrap()
            .finish(&config(), "ustake", never)
            .unwrap()
            .spec;
        assert_eq!(spec.result_key, None);
    }

    /// A raw spec keeps its own result key, gets the client's when it has none, and a hash
    /// search's key or a conflicting `--public-result` is refused before anything is sent.
    #[test]
    fn a_raw_spec_keeps_its_result_key_or_gets_the_clients() {
        let dir = tempfile::tempdir().unwrap();
        let args = kernel_args(dir.path(), &[]);
        let mut spec = finished(&args).unwrap().spec;
        let path = dir.path().join("spec.json");
        let write = |spec: &TaskSpec| std::fs::write(&path, serde_json::to_string(spec).unwrap());
        spec.result_key = Some(HexBinary::from([9u8; 32]));
        write(&spec).unwrap();
        let kept = finished(&publish_args(&path)).unwrap().spec;
        assert_eq!(kept.result_key, Some(HexBinary::from([9u8; 32])));
        let flagged = [path.to_str().unwrap(), "--reward", "1000ustake"];
        let err = draft(
            &publish(&[&flagged[..], &["--public-result"]].concat()),
            "wasm",
        )
        .unwrap_err();
        assert!(err.line().contains("--public-result"), "{}", err.line());

        spec.result_key = None;
        write(&spec).unwrap();
        let filled = finished(&publish_args(&path)).unwrap().spec;
        assert_eq!(filled.result_key, Some(HexBinary::from(CLIENT_KEY)));
        let public = publish(&[&flagged[..], &["--public-result"]].concat());
        assert_eq!(finished(&public).unwrap().spec.result_key, None);

        spec.result_key = Some(HexBinary::from([9u8; 31]));
        write(&spec).unwrap();
        let err = finished(&publish_args(&path)).unwrap_err();
        assert!(
            err.line().contains("result_key is 31 bytes"),
            "{}",
            err.line()
        );

        spec.job = Job::HashSearch(HashSearch {
            prefix: HexBinary::from(b"ogpu"),
            difficulty: 4,
        });
        spec.result_key = Some(HexBinary::from([9u8; 32]));
        write(&spec).unwrap();
        let err = finished(&publish_args(&path)).unwrap_err();
        assert!(
            err.line().contains("result_key for a hash search"),
            "{}",
            err.line()
        );
    }

    /// Manual Confirmation's delivery window: a default, a flag, bounds checked like every
    /// window; refused in First Response; required in a raw spec, as the contract does.
    #[test]
    fn the_delivery_window() {
        let dir = tempfile::tempdir().unwrap();
        let mc = ["--model", "manual-confirmation"];
        let model = finished(&kernel_args(dir.path(), &mc)).unwrap().spec.model;
        assert_eq!(model.windows()[3], ("delivery", 120));
        let flagged = [&mc[..], &["--delivery-window", "45"]].concat();
        let model = finished(&kernel_args(dir.path(), &flagged))
            .unwrap()
            .spec
            .model;
        assert_eq!(model.windows()[3], ("delivery", 45));
        let short = [&mc[..], &["--delivery-window", "1"]].concat();
        let err = finished(&kernel_args(dir.path(), &short)).unwrap_err();
        assert!(
            err.line().contains("delivery window 1s is outside"),
            "{}",
            err.line()
        );
        assert!(err.line().contains("--delivery-window"), "{}", err.line());
        let err = draft(
            &kernel_args(dir.path(), &["--delivery-window", "60"]),
            "wasm",
        )
        .unwrap_err();
        assert!(
            err.line()
                .contains("--delivery-window only applies to manual-confirmation, sealed-bid-auction; the model is first-response"),
            "{}",
            err.line()
        );

        std::fs::write(
            dir.path().join("task.toml"),
            "kernel = \"k.cl\"\nargs = [{ output = 4 }]\nglobal = [1]\n\
             model = \"manual-confirmation\"\ndelivery_window = 90\n",
        )
        .unwrap();
        let file = finished(&publish_args(&dir.path().join("task.toml"))).unwrap();
        assert_eq!(file.spec.model.windows()[3], ("delivery", 90));

        let mut raw = serde_json::to_value(&file.spec).unwrap();
        raw["model"]["manual_confirmation"]
            .as_object_mut()
            .unwrap()
            .remove("delivery_window");
        let path = dir.path().join("old.json");
        std::fs::write(&path, raw.to_string()).unwrap();
        let err = draft(&publish_args(&path), "wasm").unwrap_err();
        assert!(
            err.line().contains("missing field `delivery_window`"),
            "{}",
            err.line()
        );
    }

    #[test]
    fn the_entry_point_is_guessed_when_unique() {
        assert_eq!(
            guess_entry(Path::new("k.cl"), KERNEL.as_bytes()).unwrap(),
            "add"
        );
        let two = "__kernel void a(int x) {} __kernel void b(int y) {}";
        assert!(guess_entry(Path::new("k.cl"), two.as_bytes())
            .unwrap_err()
            .message
            .contains("a, b"));
    }
}
