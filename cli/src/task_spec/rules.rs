//! The registry's rules (`ogpu_types::validate`), applied before anything is sent: a spec
//! it would refuse is reported here, costs no fee, and says what to change — the raw spec
//! file's field (`spec.model.consensus.quorum: …`) when the value is the file's own, else
//! the flag that sets it.

use std::path::Path;

use cosmwasm_std::Uint128;
use ogpu_types::registry::TaskLimits;
use ogpu_types::validate::{self, SpecError};
use ogpu_types::{AssetInfo, CompetitionModel, TaskSpec};

use super::model::Param;
use crate::error::{CliError, CliResult};
use crate::output;

/// The parts of a spec a broken rule is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Job,
    Model,
    Dispute,
    Collateral,
    Requirements,
}

/// Which parts of the spec a raw spec file gave as they are (no flag or task-file value
/// changed them), and the file.
#[derive(Debug, Default)]
pub struct FromSpec<'a> {
    pub file: Option<&'a Path>,
    pub parts: Vec<Part>,
}

pub fn check(
    limits: &TaskLimits,
    spec: &TaskSpec,
    bond_denom: &str,
    from_spec: &FromSpec,
) -> CliResult<()> {
    validate::task_spec(limits, spec).map_err(|err| {
        let (part, field) = located(&err, spec);
        match (from_spec.file, part) {
            (Some(file), Some(part)) if from_spec.parts.contains(&part) => {
                let flag = flag(&err, &spec.model)
                    .map(|flag| format!(", or override it with {flag}"))
                    .unwrap_or_default();
                CliError::usage(
                    format!("{field}: {err}"),
                    format!("fix it in {}{flag}", file.display()),
                )
            }
            _ => CliError::usage(&err, fix(&err, &spec.model, bond_denom)),
        }
    })
}

/// The registry's `BondTooLow`: a dispute bond pays the re-run's replicas as a reward
/// does, so it is at least the asset's minimum reward.
pub fn bond(
    spec: &TaskSpec,
    asset: &AssetInfo,
    min: Uint128,
    from_spec: &FromSpec,
) -> CliResult<()> {
    let Some(terms) = spec.dispute.filter(|t| t.bond < min) else {
        return Ok(());
    };
    let low = format!(
        "dispute bond {} is below this deployment's minimum reward of {}",
        output::amount(terms.bond, asset),
        output::amount(min, asset)
    );
    Err(match from_spec.file {
        Some(file) if from_spec.parts.contains(&Part::Dispute) => CliError::usage(
            format!("spec.dispute.bond: {low}"),
            format!(
                "fix it in {}, or override it with --dispute-bond",
                file.display()
            ),
        ),
        _ => CliError::usage(low, "raise --dispute-bond"),
    })
}

/// Whether a broken replication rule is the model's (else the dispute terms').
fn in_model(model: &CompetitionModel, replicas: u32, quorum: u32) -> bool {
    matches!(model, CompetitionModel::Consensus { replicas: r, quorum: q, .. } if (*r, *q) == (replicas, quorum))
}

/// The part of the spec `err` is about and the field's path in the contracts' JSON.
fn located(err: &SpecError, spec: &TaskSpec) -> (Option<Part>, String) {
    let model = spec.model.name();
    let (part, field) = match err {
        SpecError::InvalidWindow { window, .. } if window == "dispute" => {
            (Part::Dispute, "dispute.window".to_string())
        }
        SpecError::InvalidWindow { window, .. } => {
            (Part::Model, format!("model.{model}.{window}_window"))
        }
        SpecError::InvalidReplication {
            replicas,
            quorum,
            max,
        } => {
            let field = if replicas > max { "replicas" } else { "quorum" };
            match in_model(&spec.model, *replicas, *quorum) {
                true => (Part::Model, format!("model.{model}.{field}")),
                false => (Part::Dispute, format!("dispute.{field}")),
            }
        }
        SpecError::TooFewDisputeReplicas { .. } => (Part::Dispute, "dispute.replicas".into()),
        SpecError::DisputesNotSupported { .. } => (Part::Dispute, "dispute".into()),
        SpecError::CollateralTooLow { .. } => (Part::Collateral, "collateral".into()),
        SpecError::TooManyAllowedProviders { .. } | SpecError::DuplicateProvider { .. } => {
            (Part::Requirements, "requirements.allowed_providers".into())
        }
        SpecError::InvalidPrefix { .. } => (Part::Job, "job.hash_search.prefix".into()),
        SpecError::InvalidDifficulty { .. } => (Part::Job, "job.hash_search.difficulty".into()),
        SpecError::EmptyKernel {} | SpecError::KernelTooLarge { .. } => {
            (Part::Job, "job.opencl.kernel".into())
        }
        SpecError::InvalidEntryPoint { .. } => (Part::Job, "job.opencl.entry_point".into()),
        SpecError::InvalidWorkSize {} => (Part::Job, "job.opencl.global_work_size".into()),
        SpecError::TooManyArgs { .. }
        | SpecError::NoOutputBuffer {}
        | SpecError::InvalidOutputSize { .. }
        | SpecError::InlineInputTooLarge { .. }
        | SpecError::EmptyReference {} => (Part::Job, "job.opencl.args".into()),
        _ => return (None, "spec".into()),
    };
    (Some(part), format!("spec.{field}"))
}

/// The flag that sets the value `err` is about, if one does.
fn flag(err: &SpecError, model: &CompetitionModel) -> Option<String> {
    Some(match err {
        SpecError::InvalidWindow { window, .. } if window == "dispute" => "--dispute-window".into(),
        SpecError::InvalidWindow { window, .. } => Param::window(window)?.flag(),
        SpecError::InvalidReplication {
            replicas, quorum, ..
        } if in_model(model, *replicas, *quorum) => "--replicas and --quorum".into(),
        SpecError::InvalidReplication { .. } => "--dispute-replicas and --dispute-quorum".into(),
        SpecError::TooFewDisputeReplicas { .. } => "--dispute-replicas".into(),
        SpecError::CollateralTooLow { .. } => "--collateral".into(),
        SpecError::InvalidPrefix { .. } => "--hash-prefix".into(),
        SpecError::InvalidDifficulty { .. } => "--difficulty".into(),
        SpecError::TooManyAllowedProviders { .. } | SpecError::DuplicateProvider { .. } => {
            "--allow".into()
        }
        _ => return None,
    })
}

/// What fixes `err` when the flags or the task file set the value.
fn fix(err: &SpecError, model: &CompetitionModel, bond_denom: &str) -> String {
    let flag = flag(err, model).unwrap_or_default();
    match err {
        SpecError::InvalidWindow { .. } => {
            format!("pass {flag} within it (or set it in the task file)")
        }
        SpecError::InvalidReplication { .. } => format!("pass {flag} that satisfy it"),
        SpecError::TooFewDisputeReplicas { min, .. } => format!("pass {flag} {min} or more"),
        SpecError::DisputesNotSupported { .. } => {
            "drop the --dispute-* flags (and the task file's dispute table)".into()
        }
        SpecError::CollateralTooLow { .. } => format!("raise --collateral (in {bond_denom})"),
        SpecError::InvalidPrefix { max, .. } => format!("give 1 to {max} bytes with --hash-prefix"),
        SpecError::InvalidDifficulty { min, max, .. } => {
            format!("give --difficulty {min} to {max}")
        }
        SpecError::TooManyAllowedProviders { .. } | SpecError::DuplicateProvider { .. } => {
            "list each provider once with --allow, within this deployment's limit".into()
        }
        _ => "fix the task file or the flags (`ogpu query config` shows this deployment's limits)"
            .into(),
    }
}
