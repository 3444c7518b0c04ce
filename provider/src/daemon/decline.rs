//! Why a task is passed over, and whether that may change: a task declined because the
//! provider is not registered yet, or busy, or because another provider committed first,
//! is looked at again once the reason may have gone; one outside the strategy, or not
//! worth its fees, is not.

use std::fmt;

/// The kind of reason, as the `tasks_declined_total{reason}` metric counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// No longer open for commitments.
    Closed,
    /// Outside the operator's strategy (model, task kind, reward asset, price per unit).
    Strategy,
    /// The provider does not meet the task's requirements or is not registered and active.
    Ineligible,
    /// The expected profit is below the operator's margin.
    Unprofitable,
    /// The provider could not deliver the result (size, store, search bound, key).
    Undeliverable,
    /// Another provider is ahead (a First Response commitment that will be revealed first,
    /// every replica slot taken).
    Competition,
    /// The chain would refuse the commitment (its simulation failed).
    Refused,
    /// The job failed to build or run, or timed out.
    ExecFailed,
    /// A model or job kind this daemon does not know.
    Unsupported,
    /// At `max_concurrent_tasks` or the collateral budget, or the chain could not be read.
    Busy,
}

impl Reason {
    pub fn label(self) -> &'static str {
        match self {
            Reason::Closed => "closed",
            Reason::Strategy => "strategy",
            Reason::Ineligible => "ineligible",
            Reason::Unprofitable => "unprofitable",
            Reason::Undeliverable => "undeliverable",
            Reason::Competition => "competition",
            Reason::Refused => "refused",
            Reason::ExecFailed => "exec_failed",
            Reason::Unsupported => "unsupported",
            Reason::Busy => "busy",
        }
    }
}

/// When a declined task is worth another look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    Never,
    /// When the provider's registration changes (registered, unjailed, stake freed, …).
    WhenProviderChanges,
    /// At the next sweep of the open tasks.
    NextSweep,
}

/// A task passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decline {
    pub reason: Reason,
    pub retry: Retry,
    pub why: String,
}

impl Decline {
    pub fn new(reason: Reason, why: impl Into<String>) -> Self {
        let retry = match reason {
            Reason::Ineligible => Retry::WhenProviderChanges,
            Reason::Competition | Reason::Busy => Retry::NextSweep,
            _ => Retry::Never,
        };
        Self {
            reason,
            retry,
            why: why.into(),
        }
    }

    /// Overrides when to look again.
    pub fn retry(self, retry: Retry) -> Self {
        Self { retry, ..self }
    }

    /// A commitment the chain's simulation refused, classified by the contract's error:
    /// what the provider's registration decides may change, the rest does not.
    pub fn refused(log: &str) -> Self {
        // The staking contract's and the registry's error messages.
        let about_me = [
            "not registered",
            "deregistered",
            "jailed",
            "stake",
            "reputation",
        ];
        let for_now = ["maximum of", "paused"];
        let retry = if about_me.iter().any(|needle| log.contains(needle)) {
            Retry::WhenProviderChanges
        } else if for_now.iter().any(|needle| log.contains(needle)) {
            Retry::NextSweep
        } else {
            Retry::Never
        };
        Self {
            reason: Reason::Refused,
            retry,
            why: format!(
                "the chain would refuse the commitment: {}",
                contract_error(log)
            ),
        }
    }
}

impl fmt::Display for Decline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.why)
    }
}

/// The contract's own message out of a failed simulation's log (`…: execute wasm contract
/// failed: <message>`), or the whole log.
fn contract_error(log: &str) -> &str {
    log.rsplit_once("execute wasm contract failed: ")
        .map_or(log, |(_, message)| message)
        .trim_end_matches(": unknown request")
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_about_the_provider_are_retried_when_it_changes() {
        let jailed = Decline::refused(
            "failed to execute message; message index: 0: dispatch: submessages: provider wasm1x is jailed: execute wasm contract failed",
        );
        assert_eq!(jailed.retry, Retry::WhenProviderChanges);
        let own = Decline::refused(
            "rpc error: execute wasm contract failed: a client cannot take part in its own task 3",
        );
        assert_eq!(own.retry, Retry::Never);
        assert_eq!(
            own.why,
            "the chain would refuse the commitment: a client cannot take part in its own task 3"
        );
        assert_eq!(
            Decline::new(Reason::Competition, "x").retry,
            Retry::NextSweep
        );
    }
}
