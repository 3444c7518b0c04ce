//! Input validation: the configuration against hard caps, and task specs against the
//! configured limits. Every rejection is a specific `ContractError`.

use cosmwasm_std::{Api, Uint128};
use ogpu_types::commitment::Hash32;
use ogpu_types::hash_search::{self, HashSearch, MAX_DIFFICULTY, MAX_PREFIX_LEN, MIN_DIFFICULTY};
use ogpu_types::registry::{AcceptedAsset, TaskLimits};
use ogpu_types::{
    AssetInfo, CompetitionModel, DisputeTerms, Job, KernelArg, KernelSource, OpenClJob, Payload,
    Requirements, TaskSpec, MAX_CONFIG_AMOUNT, SEALED_RESULT_OVERHEAD,
};

use crate::error::ContractError;

/// No configuration may let one task hold more commitments than this: settling a task
/// iterates over its responses.
pub const HARD_MAX_COMMITMENTS: u32 = 64;
/// Upper bound of `max_allowed_providers` (the allow-list is scanned at every commit).
pub const HARD_MAX_ALLOWED_PROVIDERS: u32 = 64;
/// Upper bound of `max_args`.
pub const HARD_MAX_ARGS: u32 = 64;
/// Upper bound of every inline byte limit (kernel, inputs, result): 256 KiB.
pub const HARD_MAX_INLINE_BYTES: u32 = 256 * 1024;
/// Most accepted reward assets.
pub const MAX_ACCEPTED_ASSETS: usize = 16;
/// Longest kernel entry point name.
pub const MAX_ENTRY_POINT_LEN: u32 = 128;
/// Upper bound of `max_replicas` (a Consensus round settles every replica at once).
pub const HARD_MAX_REPLICAS: u32 = 16;
/// One hundred percent in basis points.
pub const BPS_DENOMINATOR: u16 = 10_000;
/// Upper bound of `max_window`: one year, so no deadline computed from a block time can
/// overflow.
pub const HARD_MAX_WINDOW: u64 = 365 * 24 * 3600;
/// Fewest replicas a dispute round may have: with one or two, a single account (the
/// client's Sybil) would make or break the quorum.
pub const MIN_DISPUTE_REPLICAS: u32 = 3;

pub fn fee_bps(bps: u16) -> Result<u16, ContractError> {
    if bps > BPS_DENOMINATOR {
        return Err(ContractError::InvalidFee { bps });
    }
    Ok(bps)
}

pub fn limits(limits: &TaskLimits) -> Result<(), ContractError> {
    let fail = |reason: &str| {
        Err(ContractError::InvalidLimits {
            reason: reason.to_string(),
        })
    };
    if limits.max_commitments == 0 || limits.max_commitments > HARD_MAX_COMMITMENTS {
        return fail("max_commitments must be 1..=64");
    }
    if limits.max_allowed_providers > HARD_MAX_ALLOWED_PROVIDERS {
        return fail("max_allowed_providers must be at most 64");
    }
    if limits.max_args == 0 || limits.max_args > HARD_MAX_ARGS {
        return fail("max_args must be 1..=64");
    }
    let inline = [
        limits.max_kernel_bytes,
        limits.max_inline_input_bytes,
        limits.max_inline_result_bytes,
    ];
    if inline.iter().any(|&n| n > HARD_MAX_INLINE_BYTES) {
        return fail("inline byte limits must be at most 262144");
    }
    if limits.max_uri_len == 0 || limits.max_uri_len > 2048 {
        return fail("max_uri_len must be 1..=2048");
    }
    if limits.max_output_bytes == 0 {
        return fail("max_output_bytes must be positive");
    }
    if limits.min_window == 0 || limits.min_window > limits.max_window {
        return fail("windows need 0 < min_window <= max_window");
    }
    if limits.max_window > HARD_MAX_WINDOW {
        return fail("max_window must be at most one year (31536000 s)");
    }
    if limits.min_collateral > MAX_CONFIG_AMOUNT {
        return fail("min_collateral must be at most 10^30");
    }
    if limits.unrevealed_bid_penalty_bps > BPS_DENOMINATOR {
        return fail("unrevealed_bid_penalty_bps must be at most 10000");
    }
    if limits.max_replicas == 0 || limits.max_replicas > HARD_MAX_REPLICAS {
        return fail("max_replicas must be 1..=16");
    }
    Ok(())
}

pub fn accepted_assets(api: &dyn Api, assets: &[AcceptedAsset]) -> Result<(), ContractError> {
    let fail = |reason: String| Err(ContractError::InvalidAssets { reason });
    if assets.is_empty() || assets.len() > MAX_ACCEPTED_ASSETS {
        return fail(format!("between 1 and {MAX_ACCEPTED_ASSETS} assets"));
    }
    for (i, asset) in assets.iter().enumerate() {
        match &asset.info {
            AssetInfo::Native { denom } if denom.is_empty() => {
                return fail("empty native denom".into())
            }
            AssetInfo::Native { .. } => {}
            AssetInfo::Cw20 { contract_addr } => {
                api.addr_validate(contract_addr)?;
            }
        }
        if assets[..i].iter().any(|a| a.info == asset.info) {
            return fail(format!("{} listed twice", asset.info));
        }
        if asset.min_reward > MAX_CONFIG_AMOUNT {
            return fail(format!("{}: min_reward must be at most 10^30", asset.info));
        }
    }
    Ok(())
}

/// Checks a spec against the limits and returns nothing; the spec is stored as given.
pub fn task_spec(api: &dyn Api, limits: &TaskLimits, spec: &TaskSpec) -> Result<(), ContractError> {
    match &spec.job {
        Job::OpenCl(job) => opencl_job(limits, job)?,
        Job::HashSearch(search) => hash_search(search)?,
    }
    if let Some(key) = &spec.result_key {
        if !matches!(spec.job, Job::OpenCl(_)) {
            return Err(ContractError::ResultKeyNotAllowed {});
        }
        ogpu_types::commitment::to_hash32("result_key", key)?;
    }
    requirements(api, limits, &spec.requirements)?;
    model(limits, &spec.model)?;
    if let Some(terms) = &spec.dispute {
        dispute_terms(limits, spec, terms)?;
    }
    if spec.collateral < limits.min_collateral {
        return Err(ContractError::CollateralTooLow {
            collateral: spec.collateral,
            min: limits.min_collateral,
        });
    }
    Ok(())
}

fn opencl_job(limits: &TaskLimits, job: &OpenClJob) -> Result<(), ContractError> {
    match &job.kernel {
        KernelSource::Inline { source } => {
            if source.is_empty() {
                return Err(ContractError::EmptyKernel {});
            }
            at_most_bytes(source.len(), limits.max_kernel_bytes, |size, max| {
                ContractError::KernelTooLarge { size, max }
            })?;
        }
        KernelSource::Reference { uri, sha256 } => {
            uri_field("kernel uri", uri, limits)?;
            ogpu_types::commitment::to_hash32("sha256", sha256)?;
        }
    }
    let entry = &job.entry_point;
    let valid_name = entry.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if entry.is_empty() || entry.len() > MAX_ENTRY_POINT_LEN as usize || !valid_name {
        return Err(ContractError::InvalidEntryPoint {
            max: MAX_ENTRY_POINT_LEN,
        });
    }
    if job.args.len() > limits.max_args as usize {
        return Err(ContractError::TooManyArgs {
            count: job.args.len() as u64,
            max: limits.max_args.into(),
        });
    }
    let mut inline_inputs = 0usize;
    let mut outputs = 0usize;
    for arg in &job.args {
        match arg {
            KernelArg::Input { payload } => {
                inline_inputs += payload_checked(limits, payload)?;
            }
            KernelArg::Output { size } => {
                outputs += 1;
                if size.is_zero() || size.u64() > limits.max_output_bytes {
                    return Err(ContractError::InvalidOutputSize {
                        size: size.u64(),
                        max: limits.max_output_bytes,
                    });
                }
            }
            KernelArg::Scalar { .. } => {}
        }
    }
    at_most_bytes(inline_inputs, limits.max_inline_input_bytes, |size, max| {
        ContractError::InlineInputTooLarge { size, max }
    })?;
    if outputs == 0 {
        return Err(ContractError::NoOutputBuffer {});
    }
    work_sizes(job)
}

/// The bounds of the byte layout in `ogpu_types::hash_search`, fixed for every task.
fn hash_search(search: &HashSearch) -> Result<(), ContractError> {
    let len = search.prefix.len();
    if len == 0 || len > MAX_PREFIX_LEN {
        return Err(ContractError::InvalidPrefix {
            len: len as u64,
            max: MAX_PREFIX_LEN as u64,
        });
    }
    if !(MIN_DIFFICULTY..=MAX_DIFFICULTY).contains(&search.difficulty) {
        return Err(ContractError::InvalidDifficulty {
            difficulty: search.difficulty,
            min: MIN_DIFFICULTY,
            max: MAX_DIFFICULTY,
        });
    }
    Ok(())
}

/// A hash-search answer is the nonce alone (8 inline bytes, big-endian) and must give
/// `sha256(prefix ‖ nonce)` at least `difficulty` leading zero bits.
pub fn hash_search_answer(search: &HashSearch, result: &Payload) -> Result<(), ContractError> {
    let nonce = match result {
        Payload::Inline { data } => hash_search::nonce_from_answer(data),
        Payload::Reference { .. } => None,
    }
    .ok_or(ContractError::InvalidNonce {})?;
    let zero_bits = hash_search::leading_zero_bits(&hash_search::hash(&search.prefix, nonce));
    if zero_bits < search.difficulty {
        return Err(ContractError::InvalidAnswer {
            nonce,
            zero_bits,
            difficulty: search.difficulty,
        });
    }
    Ok(())
}

fn work_sizes(job: &OpenClJob) -> Result<(), ContractError> {
    let global = &job.global_work_size;
    let dims_ok = (1..=3).contains(&global.len()) && global.iter().all(|g| !g.is_zero());
    let local_ok = job
        .local_work_size
        .as_ref()
        .is_none_or(|local| local.len() == global.len() && local.iter().all(|l| !l.is_zero()));
    if !dims_ok || !local_ok {
        return Err(ContractError::InvalidWorkSize {});
    }
    Ok(())
}

/// Validates a payload's reference fields; returns the number of inline bytes.
fn payload_checked(limits: &TaskLimits, payload: &Payload) -> Result<usize, ContractError> {
    match payload {
        Payload::Inline { data } => Ok(data.len()),
        Payload::Reference { uri, sha256, size } => {
            uri_field("uri", uri, limits)?;
            ogpu_types::commitment::to_hash32("sha256", sha256)?;
            if size.is_zero() {
                return Err(ContractError::EmptyReference {});
            }
            Ok(0)
        }
    }
}

/// Validates a posted result: inline within the result limit, or a valid reference. A
/// sealed one (the task names a result key) is at least the HPKE overhead long, since its
/// digest cannot be checked here; a plain one must hash to `digest`.
pub fn result(
    limits: &TaskLimits,
    result: &Payload,
    digest: &Hash32,
    sealed: bool,
) -> Result<(), ContractError> {
    let inline = payload_checked(limits, result)?;
    at_most_bytes(inline, limits.max_inline_result_bytes, |size, max| {
        ContractError::ResultTooLarge { size, max }
    })?;
    match result {
        Payload::Inline { data } if sealed && data.len() < SEALED_RESULT_OVERHEAD => {
            Err(ContractError::SealedResultTooShort {
                size: data.len() as u64,
                min: SEALED_RESULT_OVERHEAD as u64,
            })
        }
        _ if !sealed && result.digest()? != *digest => Err(ContractError::ResultDigestMismatch {}),
        _ => Ok(()),
    }
}

fn uri_field(field: &str, uri: &str, limits: &TaskLimits) -> Result<(), ContractError> {
    if uri.is_empty() {
        return Err(ContractError::EmptyField {
            field: field.to_string(),
        });
    }
    if uri.len() > limits.max_uri_len as usize {
        return Err(ContractError::UriTooLong {
            field: field.to_string(),
            len: uri.len() as u64,
            max: limits.max_uri_len.into(),
        });
    }
    Ok(())
}

fn at_most_bytes(
    size: usize,
    max: u32,
    err: impl FnOnce(u64, u64) -> ContractError,
) -> Result<(), ContractError> {
    if size > max as usize {
        return Err(err(size as u64, max.into()));
    }
    Ok(())
}

fn requirements(
    api: &dyn Api,
    limits: &TaskLimits,
    req: &Requirements,
) -> Result<(), ContractError> {
    let allowed = &req.allowed_providers;
    if allowed.len() > limits.max_allowed_providers as usize {
        return Err(ContractError::TooManyAllowedProviders {
            count: allowed.len() as u64,
            max: limits.max_allowed_providers.into(),
        });
    }
    for (i, provider) in allowed.iter().enumerate() {
        // Rejects non-normalized (e.g. upper-case) forms, so string comparison is exact.
        api.addr_validate(provider)?;
        if allowed[..i].contains(provider) {
            return Err(ContractError::DuplicateProvider {
                provider: provider.clone(),
            });
        }
    }
    Ok(())
}

fn model(limits: &TaskLimits, model: &CompetitionModel) -> Result<(), ContractError> {
    if let CompetitionModel::Consensus {
        replicas, quorum, ..
    } = model
    {
        replication(limits, *replicas, *quorum)?;
    }
    for (name, value) in model.windows() {
        window(limits, name, value)?;
    }
    Ok(())
}

/// Disputes re-run a result nobody could verify: only First Response and Manual
/// Confirmation OpenCL tasks take them (a hash search is verified at reveal; consensus and
/// auctions settle by their own rules). The re-run round is a Consensus task.
fn dispute_terms(
    limits: &TaskLimits,
    spec: &TaskSpec,
    terms: &DisputeTerms,
) -> Result<(), ContractError> {
    let not_supported = |reason: &str| {
        Err(ContractError::DisputesNotSupported {
            reason: reason.to_string(),
        })
    };
    if !matches!(spec.job, Job::OpenCl(_)) {
        return not_supported("a hash search is verified on chain at reveal");
    }
    if !matches!(
        spec.model,
        CompetitionModel::FirstResponse { .. } | CompetitionModel::ManualConfirmation { .. }
    ) {
        return not_supported("only first_response and manual_confirmation tasks");
    }
    replication(limits, terms.replicas, terms.quorum)?;
    if terms.replicas < MIN_DISPUTE_REPLICAS {
        return Err(ContractError::TooFewDisputeReplicas {
            replicas: terms.replicas,
            min: MIN_DISPUTE_REPLICAS,
        });
    }
    window(limits, "dispute", terms.window)
}

fn window(limits: &TaskLimits, window: &str, value: u64) -> Result<(), ContractError> {
    if value < limits.min_window || value > limits.max_window {
        return Err(ContractError::InvalidWindow {
            window: window.to_string(),
            value,
            min: limits.min_window,
            max: limits.max_window,
        });
    }
    Ok(())
}

/// A dispute bond must be worth at least a task's minimum reward in the same asset: it
/// pays the round's replicas.
pub fn bond(
    assets: &[AcceptedAsset],
    info: &AssetInfo,
    bond: Uint128,
) -> Result<(), ContractError> {
    let min = assets
        .iter()
        .find(|a| &a.info == info)
        .map_or(Uint128::one(), |a| a.min_reward.max(Uint128::one()));
    if bond < min {
        return Err(ContractError::BondTooLow { bond, min });
    }
    Ok(())
}

/// `replicas / 2 < quorum ≤ replicas ≤ max`, where `max` is the smaller of
/// `max_replicas` and `max_commitments` (each replica is one commitment). A strict
/// majority: two digests can never both reach the quorum, and whoever decides a round
/// needs more than half of its slots.
fn replication(limits: &TaskLimits, replicas: u32, quorum: u32) -> Result<(), ContractError> {
    let max = limits.max_replicas.min(limits.max_commitments);
    if u64::from(quorum) * 2 <= u64::from(replicas) || quorum > replicas || replicas > max {
        return Err(ContractError::InvalidReplication {
            replicas,
            quorum,
            max,
        });
    }
    Ok(())
}

/// The reward must be an accepted asset at or above its minimum.
pub fn reward(
    assets: &[AcceptedAsset],
    info: &AssetInfo,
    amount: Uint128,
) -> Result<(), ContractError> {
    let accepted =
        assets
            .iter()
            .find(|a| &a.info == info)
            .ok_or_else(|| ContractError::AssetNotAccepted {
                asset: info.to_string(),
            })?;
    if amount.is_zero() || amount < accepted.min_reward {
        return Err(ContractError::RewardTooLow {
            reward: amount,
            min: accepted.min_reward,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
