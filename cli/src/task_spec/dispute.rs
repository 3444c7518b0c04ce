//! The dispute terms `task publish` sets: each field from its `--dispute-*` flag, else the
//! task file's `[dispute]` table, else a raw spec's `dispute`. Any of them turns disputes
//! on; the window and the bond must then be given (they have no sensible default), the
//! replicas default to the fewest allowed and the quorum to their smallest majority. The
//! bond is read in the reward's asset once the deployment is known.

use cosmwasm_std::Uint128;
use ogpu_types::validate::MIN_DISPUTE_REPLICAS;
use ogpu_types::{AssetInfo, DisputeTerms};
use serde::Deserialize;

use super::model::majority;
use super::NumberOrText;
use crate::args::DisputeArgs;
use crate::coin;
use crate::error::{CliError, CliResult};

/// The task file's `[dispute]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisputeFile {
    window: Option<u64>,
    bond: Option<NumberOrText>,
    replicas: Option<u32>,
    quorum: Option<u32>,
}

/// Terms known before the chain is read.
#[derive(Debug)]
pub struct DraftTerms {
    window: u64,
    bond: Bond,
    replicas: u32,
    quorum: u32,
}

#[derive(Debug)]
enum Bond {
    /// From a flag or the task file: an amount in the reward's asset.
    Text(String),
    /// A raw spec's, in the reward's asset's base unit.
    Amount(Uint128),
}

/// Whether any `--dispute-*` flag was given (they then take the blame for a broken rule).
pub fn flagged(args: &DisputeArgs) -> bool {
    args.dispute_window.is_some()
        || args.dispute_bond.is_some()
        || args.dispute_replicas.is_some()
        || args.dispute_quorum.is_some()
}

/// The terms asked for, or `None` for a task without disputes.
pub fn draft(
    args: &DisputeArgs,
    file: Option<&DisputeFile>,
    spec: Option<DisputeTerms>,
) -> CliResult<Option<DraftTerms>> {
    let none = DisputeFile::default();
    let file = file.unwrap_or(&none);
    let window = args.dispute_window.or(file.window);
    let bond = args
        .dispute_bond
        .clone()
        .or(file.bond.as_ref().map(NumberOrText::text))
        .map(Bond::Text);
    let replicas = args.dispute_replicas.or(file.replicas);
    let quorum = args.dispute_quorum.or(file.quorum);
    if window.is_none() && bond.is_none() && replicas.is_none() && quorum.is_none() {
        return Ok(spec.map(|terms| DraftTerms {
            window: terms.window,
            bond: Bond::Amount(terms.bond),
            replicas: terms.replicas,
            quorum: terms.quorum,
        }));
    }
    let window = window.or(spec.map(|s| s.window)).ok_or_else(|| {
        CliError::usage(
            "dispute terms need a window: --dispute-window is missing",
            "pass --dispute-window SECS (how long after completion the result may be disputed)",
        )
    })?;
    let bond = bond.or(spec.map(|s| Bond::Amount(s.bond))).ok_or_else(|| {
        CliError::usage(
            "dispute terms need a bond: --dispute-bond is missing",
            "pass --dispute-bond AMOUNT, in the reward's asset (what disputing costs the client)",
        )
    })?;
    let replicas = replicas
        .or(spec.map(|s| s.replicas))
        .unwrap_or(MIN_DISPUTE_REPLICAS);
    // New replicas without a quorum take their own majority, not the spec's.
    let quorum = match (quorum, args.dispute_replicas.or(file.replicas)) {
        (Some(quorum), _) => quorum,
        (None, Some(_)) => majority(replicas),
        (None, None) => spec.map_or(majority(replicas), |s| s.quorum),
    };
    Ok(Some(DraftTerms {
        window,
        bond,
        replicas,
        quorum,
    }))
}

impl DraftTerms {
    /// The terms with the bond in `asset` (whose minimum [`super::rules`] checks).
    pub fn finish(self, asset: &AssetInfo) -> CliResult<DisputeTerms> {
        let bond = match self.bond {
            Bond::Amount(amount) => amount,
            Bond::Text(text) => Uint128::new(coin::parse_asset("--dispute-bond", &text, asset)?),
        };
        Ok(DisputeTerms {
            window: self.window,
            replicas: self.replicas,
            quorum: self.quorum,
            bond,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(window: Option<u64>, bond: Option<&str>, replicas: Option<u32>) -> DisputeArgs {
        DisputeArgs {
            dispute_window: window,
            dispute_bond: bond.map(String::from),
            dispute_replicas: replicas,
            dispute_quorum: None,
        }
    }

    fn finished(draft: Option<DraftTerms>) -> CliResult<DisputeTerms> {
        draft.unwrap().finish(&AssetInfo::native("ustake"))
    }

    #[test]
    fn terms_from_flags_need_a_window_and_a_bond() {
        assert!(draft(&DisputeArgs::default(), None, None)
            .unwrap()
            .is_none());
        let terms = finished(draft(&args(Some(60), Some("5000ustake"), None), None, None).unwrap());
        assert_eq!(
            terms.unwrap(),
            DisputeTerms {
                window: 60,
                replicas: 3,
                quorum: 2,
                bond: Uint128::new(5000),
            }
        );
        let err = draft(&args(Some(60), None, None), None, None).unwrap_err();
        assert!(
            err.line().contains("--dispute-bond is missing"),
            "{}",
            err.line()
        );
        let err = draft(&args(None, Some("5000"), Some(5)), None, None).unwrap_err();
        assert!(
            err.line().contains("--dispute-window is missing"),
            "{}",
            err.line()
        );
        let other = finished(draft(&args(Some(60), Some("5000uatom"), None), None, None).unwrap());
        assert!(other.unwrap_err().line().contains("must be in ustake"));
    }

    #[test]
    fn flags_override_a_raw_specs_terms() {
        let raw = DisputeTerms {
            window: 60,
            replicas: 5,
            quorum: 4,
            bond: Uint128::new(7000),
        };
        let kept = finished(draft(&DisputeArgs::default(), None, Some(raw)).unwrap());
        assert_eq!(kept.unwrap(), raw);
        let fewer = finished(draft(&args(None, None, Some(3)), None, Some(raw)).unwrap());
        assert_eq!(
            fewer.unwrap(),
            DisputeTerms {
                replicas: 3,
                quorum: 2,
                ..raw
            }
        );
    }
}
