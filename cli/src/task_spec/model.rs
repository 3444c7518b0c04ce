//! The competition model `task publish` builds: its kind from `--model`, else the task
//! file's `model`, else a raw spec's; each parameter from its flag, else the task file,
//! else a raw spec of the same kind, else a default. A parameter the kind does not have is
//! refused, naming the flag or field it came from, rather than dropped.

use clap::ValueEnum;
use ogpu_types::CompetitionModel;

use super::TaskFile;
use crate::args::{ModelKind, PublishArgs};
use crate::error::{CliError, CliResult};

/// Default windows, seconds (those of the contract tests' fixtures).
const COMMIT_WINDOW: u64 = 600;
const REVEAL_WINDOW_FR: u64 = 60;
const REVEAL_WINDOW: u64 = 300;
const CONFIRM_WINDOW: u64 = 300;
const DELIVERY_WINDOW: u64 = 120;
/// Default replicas of a Consensus task: the fewest in which a majority outvotes one
/// faulty provider.
const REPLICAS: u32 = 3;

/// A parameter of some competition model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Commit,
    Reveal,
    Confirm,
    Delivery,
    Bid,
    Replicas,
    Quorum,
}

impl Param {
    const ALL: [Param; 7] = [
        Param::Commit,
        Param::Reveal,
        Param::Confirm,
        Param::Delivery,
        Param::Bid,
        Param::Replicas,
        Param::Quorum,
    ];

    /// The field's name in the task file and in the spec's model.
    pub fn key(self) -> &'static str {
        match self {
            Param::Commit => "commit_window",
            Param::Reveal => "reveal_window",
            Param::Confirm => "confirm_window",
            Param::Delivery => "delivery_window",
            Param::Bid => "bid_window",
            Param::Replicas => "replicas",
            Param::Quorum => "quorum",
        }
    }

    /// The `publish` flag that sets it.
    pub fn flag(self) -> String {
        format!("--{}", self.key().replace('_', "-"))
    }

    /// The window named as `CompetitionModel::windows` and `SpecError` name it.
    pub fn window(name: &str) -> Option<Param> {
        Param::ALL
            .into_iter()
            .find(|p| p.key().strip_suffix("_window") == Some(name))
    }

    fn models(self) -> &'static [ModelKind] {
        use ModelKind::*;
        match self {
            Param::Commit => &[FirstResponse, ManualConfirmation, Consensus],
            Param::Reveal => &[
                FirstResponse,
                ManualConfirmation,
                SealedBidAuction,
                Consensus,
            ],
            Param::Confirm => &[ManualConfirmation],
            Param::Delivery => &[ManualConfirmation, SealedBidAuction],
            Param::Bid => &[SealedBidAuction],
            Param::Replicas | Param::Quorum => &[Consensus],
        }
    }

    fn given(self, args: &PublishArgs, file: &TaskFile) -> Option<Given> {
        let (flag, in_file) = match self {
            Param::Commit => (args.commit_window, file.commit_window),
            Param::Reveal => (args.reveal_window, file.reveal_window),
            Param::Confirm => (args.confirm_window, file.confirm_window),
            Param::Delivery => (args.delivery_window, file.delivery_window),
            Param::Bid => (args.bid_window, file.bid_window),
            Param::Replicas => (args.replicas.map(u64::from), file.replicas.map(u64::from)),
            Param::Quorum => (args.quorum.map(u64::from), file.quorum.map(u64::from)),
        };
        let given = |value, from_file| Given { value, from_file };
        flag.map(|v| given(v, false))
            .or(in_file.map(|v| given(v, true)))
    }

    /// Its value in `model`, when the model has it.
    fn of(self, model: &CompetitionModel) -> Option<u64> {
        match (self, model) {
            (Param::Replicas, CompetitionModel::Consensus { replicas, .. }) => {
                Some(u64::from(*replicas))
            }
            (Param::Quorum, CompetitionModel::Consensus { quorum, .. }) => Some(u64::from(*quorum)),
            _ => model
                .windows()
                .into_iter()
                .find(|(name, _)| Param::window(name) == Some(self))
                .map(|(_, value)| value),
        }
    }
}

/// A parameter as the user gave it.
#[derive(Debug, Clone, Copy)]
struct Given {
    value: u64,
    from_file: bool,
}

/// The model as flags and the task file ask for it, before a raw spec's is merged in.
#[derive(Debug)]
pub struct ModelInput {
    kind: Option<ModelKind>,
    /// Where the kind came from, for errors.
    kind_from_file: bool,
    given: Vec<(Param, Given)>,
}

impl ModelInput {
    pub fn new(args: &PublishArgs, file: &TaskFile) -> Self {
        Self {
            kind: args.model.or(file.model),
            kind_from_file: args.model.is_none() && file.model.is_some(),
            given: Param::ALL
                .into_iter()
                .filter_map(|p| Some((p, p.given(args, file)?)))
                .collect(),
        }
    }

    /// Nothing asked: a raw spec's model is then published exactly as written.
    pub fn is_empty(&self) -> bool {
        self.kind.is_none() && self.given.is_empty()
    }

    /// Whether `param` was given (it then takes the blame for a rule it breaks).
    pub fn has(&self, param: Param) -> bool {
        self.value(param).is_some()
    }

    fn value(&self, param: Param) -> Option<u64> {
        self.given
            .iter()
            .find(|(p, _)| *p == param)
            .map(|(_, g)| g.value)
    }

    /// The model to publish; `base` is a raw spec's.
    pub fn build(&self, base: Option<CompetitionModel>) -> CliResult<CompetitionModel> {
        let kind = self
            .kind
            .or(base.map(|b| kind_of(&b)))
            .unwrap_or(ModelKind::FirstResponse);
        for (param, given) in &self.given {
            if !param.models().contains(&kind) {
                return Err(not_in_model(*param, *given, kind, self.kind_from_file));
            }
        }
        let base = base.filter(|b| kind_of(b) == kind);
        let get = |param: Param, default: u64| {
            self.value(param)
                .or(base.as_ref().and_then(|b| param.of(b)))
                .unwrap_or(default)
        };
        Ok(match kind {
            ModelKind::FirstResponse => CompetitionModel::FirstResponse {
                commit_window: get(Param::Commit, COMMIT_WINDOW),
                reveal_window: get(Param::Reveal, REVEAL_WINDOW_FR),
            },
            ModelKind::ManualConfirmation => CompetitionModel::ManualConfirmation {
                commit_window: get(Param::Commit, COMMIT_WINDOW),
                reveal_window: get(Param::Reveal, REVEAL_WINDOW),
                confirm_window: get(Param::Confirm, CONFIRM_WINDOW),
                delivery_window: get(Param::Delivery, DELIVERY_WINDOW),
            },
            ModelKind::SealedBidAuction => CompetitionModel::SealedBidAuction {
                bid_window: get(Param::Bid, COMMIT_WINDOW),
                reveal_window: get(Param::Reveal, REVEAL_WINDOW),
                delivery_window: get(Param::Delivery, DELIVERY_WINDOW),
            },
            ModelKind::Consensus => {
                let replicas = narrow(get(Param::Replicas, REPLICAS.into()));
                // New replicas without a quorum take their own majority, not the spec's.
                let quorum = match (self.value(Param::Quorum), self.has(Param::Replicas)) {
                    (Some(quorum), _) => narrow(quorum),
                    (None, true) => majority(replicas),
                    (None, false) => narrow(get(Param::Quorum, majority(replicas).into())),
                };
                CompetitionModel::Consensus {
                    replicas,
                    quorum,
                    commit_window: get(Param::Commit, COMMIT_WINDOW),
                    reveal_window: get(Param::Reveal, REVEAL_WINDOW),
                }
            }
        })
    }
}

/// The smallest strict majority of `n`.
pub fn majority(n: u32) -> u32 {
    n / 2 + 1
}

/// Replicas and quorums were parsed as `u32`: they fit.
fn narrow(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn kind_of(model: &CompetitionModel) -> ModelKind {
    match model {
        CompetitionModel::FirstResponse { .. } => ModelKind::FirstResponse,
        CompetitionModel::ManualConfirmation { .. } => ModelKind::ManualConfirmation,
        CompetitionModel::SealedBidAuction { .. } => ModelKind::SealedBidAuction,
        CompetitionModel::Consensus { .. } => ModelKind::Consensus,
    }
}

/// The name `--model` takes.
fn name(kind: ModelKind) -> String {
    kind.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

fn not_in_model(param: Param, given: Given, kind: ModelKind, kind_from_file: bool) -> CliError {
    let what = match given.from_file {
        true => format!("the task file's {}", param.key()),
        false => param.flag(),
    };
    let models = param
        .models()
        .iter()
        .map(|k| name(*k))
        .collect::<Vec<_>>()
        .join(", ");
    let chosen = match kind_from_file {
        true => format!("the task file's model is {}", name(kind)),
        false => format!("the model is {}", name(kind)),
    };
    let fix = match (param, kind) {
        (Param::Commit, ModelKind::SealedBidAuction) => {
            "an auction takes bids: pass --bid-window instead".to_string()
        }
        _ => format!("drop it, or pass --model {}", name(param.models()[0])),
    };
    CliError::usage(format!("{what} only applies to {models}; {chosen}"), fix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: Option<ModelKind>, given: &[(Param, u64)]) -> ModelInput {
        ModelInput {
            kind,
            kind_from_file: false,
            given: given
                .iter()
                .map(|(p, v)| {
                    let g = Given {
                        value: *v,
                        from_file: false,
                    };
                    (*p, g)
                })
                .collect(),
        }
    }

    #[test]
    fn every_model_from_flags_with_defaults() {
        let auction = input(Some(ModelKind::SealedBidAuction), &[(Param::Bid, 30)]);
        assert_eq!(
            auction.build(None).unwrap(),
            CompetitionModel::SealedBidAuction {
                bid_window: 30,
                reveal_window: 300,
                delivery_window: 120,
            }
        );
        let consensus = input(Some(ModelKind::Consensus), &[(Param::Replicas, 5)]);
        assert_eq!(
            consensus.build(None).unwrap(),
            CompetitionModel::Consensus {
                replicas: 5,
                quorum: 3,
                commit_window: 600,
                reveal_window: 300,
            }
        );
        let err = input(Some(ModelKind::SealedBidAuction), &[(Param::Commit, 30)])
            .build(None)
            .unwrap_err();
        assert!(err.line().contains("--commit-window only applies to first-response, manual-confirmation, consensus; the model is sealed-bid-auction: an auction takes bids: pass --bid-window"), "{}", err.line());
        let err = input(None, &[(Param::Quorum, 2)]).build(None).unwrap_err();
        assert!(
            err.line()
                .contains("--quorum only applies to consensus; the model is first-response: drop it, or pass --model consensus"),
            "{}",
            err.line()
        );
    }

    /// A raw spec's model is the base: its kind unless --model says otherwise, its values
    /// unless a flag overrides them; new replicas bring their own majority.
    #[test]
    fn flags_override_a_raw_specs_model() {
        let raw = CompetitionModel::Consensus {
            replicas: 5,
            quorum: 4,
            commit_window: 20,
            reveal_window: 20,
        };
        assert_eq!(input(None, &[]).build(Some(raw)).unwrap(), raw);
        assert_eq!(
            input(None, &[(Param::Commit, 30)])
                .build(Some(raw))
                .unwrap(),
            CompetitionModel::Consensus {
                replicas: 5,
                quorum: 4,
                commit_window: 30,
                reveal_window: 20,
            }
        );
        assert_eq!(
            input(None, &[(Param::Replicas, 3)])
                .build(Some(raw))
                .unwrap(),
            CompetitionModel::Consensus {
                replicas: 3,
                quorum: 2,
                commit_window: 20,
                reveal_window: 20,
            }
        );
        assert_eq!(
            input(Some(ModelKind::FirstResponse), &[])
                .build(Some(raw))
                .unwrap(),
            CompetitionModel::FirstResponse {
                commit_window: 600,
                reveal_window: 60,
            },
            "another kind starts from the defaults"
        );
    }
}
