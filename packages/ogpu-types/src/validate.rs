//! Task specs and posted results against a deployment's limits: the registry's rules,
//! which the CLI applies before publishing and the daemon before delivering. Every
//! rejection is a specific [`SpecError`].

use cosmwasm_std::Uint128;
use thiserror::Error;

use crate::commitment::{to_hash32, CommitmentError, Hash32};
use crate::hash_search::{self, HashSearch, MAX_DIFFICULTY, MAX_PREFIX_LEN, MIN_DIFFICULTY};
use crate::registry::TaskLimits;
use crate::task::{
    CompetitionModel, DisputeTerms, Job, KernelArg, KernelSource, OpenClJob, Payload, Requirements,
    TaskSpec, SEALED_RESULT_OVERHEAD,
};

/// Longest kernel entry point name.
pub const MAX_ENTRY_POINT_LEN: u32 = 128;
/// Fewest replicas a dispute round may have: with one or two, a single account (the
/// client's Sybil) would make or break the quorum.
pub const MIN_DISPUTE_REPLICAS: u32 = 3;

/// Why a spec or a result breaks the rules.
#[derive(Error, Debug, PartialEq)]
pub enum SpecError {
    #[error(transparent)]
    Commitment(#[from] CommitmentError),

    #[error("collateral {collateral} is below the minimum {min}")]
    CollateralTooLow { collateral: Uint128, min: Uint128 },

    #[error("kernel source is empty")]
    EmptyKernel {},

    #[error("inline kernel is {size} bytes, the limit is {max}")]
    KernelTooLarge { size: u64, max: u64 },

    #[error("entry point must be 1 to {max} characters of [A-Za-z0-9_]")]
    InvalidEntryPoint { max: u32 },

    #[error("{field} is {len} characters, the limit is {max}")]
    UriTooLong { field: String, len: u64, max: u64 },

    #[error("{field} must not be empty")]
    EmptyField { field: String },

    #[error("the kernel has {count} arguments, the limit is {max}")]
    TooManyArgs { count: u64, max: u64 },

    #[error("the kernel needs at least one output buffer")]
    NoOutputBuffer {},

    #[error("output buffer of {size} bytes is outside 1..={max}")]
    InvalidOutputSize { size: u64, max: u64 },

    #[error("inline inputs total {size} bytes, the limit is {max}")]
    InlineInputTooLarge { size: u64, max: u64 },

    #[error("referenced payload must have a size of at least 1 byte")]
    EmptyReference {},

    #[error("work size must have 1 to 3 non-zero dimensions and local must match global")]
    InvalidWorkSize {},

    #[error("{window} window {value}s is outside {min}..={max}s")]
    InvalidWindow {
        window: String,
        value: u64,
        min: u64,
        max: u64,
    },

    #[error("hash-search prefix is {len} bytes; it must be 1..={max}")]
    InvalidPrefix { len: u64, max: u64 },

    #[error("hash-search difficulty {difficulty} is outside {min}..={max} leading zero bits")]
    InvalidDifficulty { difficulty: u32, min: u32, max: u32 },

    #[error("consensus needs a strict majority: replicas / 2 < quorum ({quorum}) <= replicas ({replicas}) <= {max}")]
    InvalidReplication {
        replicas: u32,
        quorum: u32,
        max: u32,
    },

    #[error("a dispute is re-run by at least {min} replicas, not {replicas}")]
    TooFewDisputeReplicas { replicas: u32, min: u32 },

    #[error("a hash-search answer is verified on chain and public: it takes no result key")]
    ResultKeyNotAllowed {},

    #[error("allow-list has {count} providers, the limit is {max}")]
    TooManyAllowedProviders { count: u64, max: u64 },

    #[error("provider {provider} is listed twice")]
    DuplicateProvider { provider: String },

    #[error("the inline result is {size} bytes, the limit is {max}")]
    ResultTooLarge { size: u64, max: u64 },

    #[error("a hash-search answer is the nonce alone: 8 inline bytes, u64 big-endian")]
    InvalidNonce {},

    #[error("sha256(prefix ‖ nonce {nonce}) has {zero_bits} leading zero bits; the task needs {difficulty}")]
    InvalidAnswer {
        nonce: u64,
        zero_bits: u32,
        difficulty: u32,
    },

    #[error("sha256 of the result is not the digest given with it")]
    ResultDigestMismatch {},

    #[error("a sealed result is at least {min} bytes (HPKE key and tag), got {size}")]
    SealedResultTooShort { size: u64, min: u64 },

    #[error("disputes are not available here: {reason}")]
    DisputesNotSupported { reason: String },
}

/// Checks a spec against the limits and returns nothing; the spec is stored as given.
/// The allow-list's addresses are checked by the caller, which has the chain's `Api`.
pub fn task_spec(limits: &TaskLimits, spec: &TaskSpec) -> Result<(), SpecError> {
    match &spec.job {
        Job::OpenCl(job) => opencl_job(limits, job)?,
        Job::HashSearch(search) => hash_search_bounds(search)?,
    }
    if let Some(key) = &spec.result_key {
        if !matches!(spec.job, Job::OpenCl(_)) {
            return Err(SpecError::ResultKeyNotAllowed {});
        }
        to_hash32("result_key", key)?;
    }
    requirements(limits, &spec.requirements)?;
    model(limits, &spec.model)?;
    if let Some(terms) = &spec.dispute {
        dispute_terms(limits, spec, terms)?;
    }
    if spec.collateral < limits.min_collateral {
        return Err(SpecError::CollateralTooLow {
            collateral: spec.collateral,
            min: limits.min_collateral,
        });
    }
    Ok(())
}

fn opencl_job(limits: &TaskLimits, job: &OpenClJob) -> Result<(), SpecError> {
    match &job.kernel {
        KernelSource::Inline { source } => {
            if source.is_empty() {
                return Err(SpecError::EmptyKernel {});
            }
            at_most_bytes(source.len(), limits.max_kernel_bytes, |size, max| {
                SpecError::KernelTooLarge { size, max }
            })?;
        }
        KernelSource::Reference { uri, sha256 } => {
            uri_field("kernel uri", uri, limits)?;
            to_hash32("sha256", sha256)?;
        }
    }
    let entry = &job.entry_point;
    let valid_name = entry.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if entry.is_empty() || entry.len() > MAX_ENTRY_POINT_LEN as usize || !valid_name {
        return Err(SpecError::InvalidEntryPoint {
            max: MAX_ENTRY_POINT_LEN,
        });
    }
    if job.args.len() > limits.max_args as usize {
        return Err(SpecError::TooManyArgs {
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
                    return Err(SpecError::InvalidOutputSize {
                        size: size.u64(),
                        max: limits.max_output_bytes,
                    });
                }
            }
            KernelArg::Scalar { .. } => {}
        }
    }
    at_most_bytes(inline_inputs, limits.max_inline_input_bytes, |size, max| {
        SpecError::InlineInputTooLarge { size, max }
    })?;
    if outputs == 0 {
        return Err(SpecError::NoOutputBuffer {});
    }
    work_sizes(job)
}

/// The bounds of the byte layout in `ogpu_types::hash_search`, fixed for every task.
fn hash_search_bounds(search: &HashSearch) -> Result<(), SpecError> {
    let len = search.prefix.len();
    if len == 0 || len > MAX_PREFIX_LEN {
        return Err(SpecError::InvalidPrefix {
            len: len as u64,
            max: MAX_PREFIX_LEN as u64,
        });
    }
    if !(MIN_DIFFICULTY..=MAX_DIFFICULTY).contains(&search.difficulty) {
        return Err(SpecError::InvalidDifficulty {
            difficulty: search.difficulty,
            min: MIN_DIFFICULTY,
            max: MAX_DIFFICULTY,
        });
    }
    Ok(())
}

/// A hash-search answer is the nonce alone (8 inline bytes, big-endian) and must give
/// `sha256(prefix ‖ nonce)` at least `difficulty` leading zero bits.
pub fn hash_search_answer(search: &HashSearch, result: &Payload) -> Result<(), SpecError> {
    let nonce = match result {
        Payload::Inline { data } => hash_search::nonce_from_answer(data),
        Payload::Reference { .. } => None,
    }
    .ok_or(SpecError::InvalidNonce {})?;
    let zero_bits = hash_search::leading_zero_bits(&hash_search::hash(&search.prefix, nonce));
    if zero_bits < search.difficulty {
        return Err(SpecError::InvalidAnswer {
            nonce,
            zero_bits,
            difficulty: search.difficulty,
        });
    }
    Ok(())
}

fn work_sizes(job: &OpenClJob) -> Result<(), SpecError> {
    let global = &job.global_work_size;
    let dims_ok = (1..=3).contains(&global.len()) && global.iter().all(|g| !g.is_zero());
    let local_ok = job
        .local_work_size
        .as_ref()
        .is_none_or(|local| local.len() == global.len() && local.iter().all(|l| !l.is_zero()));
    if !dims_ok || !local_ok {
        return Err(SpecError::InvalidWorkSize {});
    }
    Ok(())
}

/// Validates a payload's reference fields; returns the number of inline bytes.
fn payload_checked(limits: &TaskLimits, payload: &Payload) -> Result<usize, SpecError> {
    match payload {
        Payload::Inline { data } => Ok(data.len()),
        Payload::Reference { uri, sha256, size } => {
            uri_field("uri", uri, limits)?;
            to_hash32("sha256", sha256)?;
            if size.is_zero() {
                return Err(SpecError::EmptyReference {});
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
) -> Result<(), SpecError> {
    let inline = payload_checked(limits, result)?;
    at_most_bytes(inline, limits.max_inline_result_bytes, |size, max| {
        SpecError::ResultTooLarge { size, max }
    })?;
    match result {
        Payload::Inline { data } if sealed && data.len() < SEALED_RESULT_OVERHEAD => {
            Err(SpecError::SealedResultTooShort {
                size: data.len() as u64,
                min: SEALED_RESULT_OVERHEAD as u64,
            })
        }
        _ if !sealed && result.digest()? != *digest => Err(SpecError::ResultDigestMismatch {}),
        _ => Ok(()),
    }
}

fn uri_field(field: &str, uri: &str, limits: &TaskLimits) -> Result<(), SpecError> {
    if uri.is_empty() {
        return Err(SpecError::EmptyField {
            field: field.to_string(),
        });
    }
    if uri.len() > limits.max_uri_len as usize {
        return Err(SpecError::UriTooLong {
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
    err: impl FnOnce(u64, u64) -> SpecError,
) -> Result<(), SpecError> {
    if size > max as usize {
        return Err(err(size as u64, max.into()));
    }
    Ok(())
}

fn requirements(limits: &TaskLimits, req: &Requirements) -> Result<(), SpecError> {
    let allowed = &req.allowed_providers;
    if allowed.len() > limits.max_allowed_providers as usize {
        return Err(SpecError::TooManyAllowedProviders {
            count: allowed.len() as u64,
            max: limits.max_allowed_providers.into(),
        });
    }
    for (i, provider) in allowed.iter().enumerate() {
        if allowed[..i].contains(provider) {
            return Err(SpecError::DuplicateProvider {
                provider: provider.clone(),
            });
        }
    }
    Ok(())
}

fn model(limits: &TaskLimits, model: &CompetitionModel) -> Result<(), SpecError> {
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
) -> Result<(), SpecError> {
    let not_supported = |reason: &str| {
        Err(SpecError::DisputesNotSupported {
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
        return Err(SpecError::TooFewDisputeReplicas {
            replicas: terms.replicas,
            min: MIN_DISPUTE_REPLICAS,
        });
    }
    window(limits, "dispute", terms.window)
}

fn window(limits: &TaskLimits, window: &str, value: u64) -> Result<(), SpecError> {
    if value < limits.min_window || value > limits.max_window {
        return Err(SpecError::InvalidWindow {
            window: window.to_string(),
            value,
            min: limits.min_window,
            max: limits.max_window,
        });
    }
    Ok(())
}

/// `replicas / 2 < quorum ≤ replicas ≤ max`, where `max` is the smaller of
/// `max_replicas` and `max_commitments` (each replica is one commitment). A strict
/// majority: two digests can never both reach the quorum, and whoever decides a round
/// needs more than half of its slots.
fn replication(limits: &TaskLimits, replicas: u32, quorum: u32) -> Result<(), SpecError> {
    let max = limits.max_replicas.min(limits.max_commitments);
    if u64::from(quorum) * 2 <= u64::from(replicas) || quorum > replicas || replicas > max {
        return Err(SpecError::InvalidReplication {
            replicas,
            quorum,
            max,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
