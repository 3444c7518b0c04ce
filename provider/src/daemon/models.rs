//! What differs between competition models, from the provider's side: when a reveal is
//! accepted, what it carries, and what (if anything) the provider does to move a revealed,
//! undecided task on. The rest of a task's life — execute, seal, record, commit, reveal,
//! deliver when chosen, follow to the end — is the same for every model
//! ([`super::participate`], [`super::award`]); a new model is one more file here. A
//! sealed-bid auction adds its bid first ([`super::auction`]).

mod consensus;
mod first_response;
mod manual_confirmation;

use cosmwasm_std::Uint128;
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::{CompetitionModel, Task, TaskResponseRecord};

use super::chain::Tip;
use super::state::TaskRecord;

pub trait Model: Send + Sync {
    /// Whether a reveal sent now lands in a block that accepts it.
    fn reveal_open(&self, record: &TaskRecord, task: &Task, tip: Tip) -> bool;

    /// The `price` field of the reveal.
    fn reveal_price(&self, record: &TaskRecord) -> Option<Uint128>;

    /// Whether the reveal carries the result (First Response, paid in that transaction);
    /// elsewhere it opens the digest only and the result is delivered once chosen.
    fn reveal_result(&self) -> bool;

    /// Whether to hold a reveal that is open now because another commitment, opened
    /// first, wins anyway (`responses` are the task's); `false` unless the model says.
    fn waits_for(
        &self,
        _record: &TaskRecord,
        _responses: &[TaskResponseRecord],
        _me: &str,
        _tip: Tip,
    ) -> bool {
        false
    }

    /// A message that moves a revealed task on (to its award or its end) once that is due,
    /// if this provider should send one; `responses` are the task's.
    fn settle(
        &self,
        task: &Task,
        responses: &[TaskResponseRecord],
        me: &str,
        tip: Tip,
    ) -> Option<ExecuteMsg>;
}

/// The daemon's side of `model`.
pub fn of(model: &CompetitionModel) -> &'static dyn Model {
    match model {
        // An auction's bids are opened by `auction`; its award is `award`'s, as any other.
        CompetitionModel::FirstResponse { .. } | CompetitionModel::SealedBidAuction { .. } => {
            &first_response::FirstResponse
        }
        CompetitionModel::ManualConfirmation { .. } => &manual_confirmation::ManualConfirmation,
        CompetitionModel::Consensus { .. } => &consensus::Consensus,
    }
}
