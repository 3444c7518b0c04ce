//! What differs between competition models, from the provider's side: when a reveal is
//! accepted, what it carries, and what (if anything) the provider does to get a revealed
//! response settled. The rest of a task's life — execute, seal, record, commit, reveal,
//! follow to the end — is the same for every model ([`super::participate`]); a new model is
//! one more file here. A sealed-bid auction adds its bid first ([`super::auction`]).

mod consensus;
mod first_response;
mod manual_confirmation;

use cosmwasm_std::Uint128;
use ogpu_types::registry::ExecuteMsg;
use ogpu_types::{CompetitionModel, Task};

use super::chain::Tip;
use super::state::TaskRecord;

pub trait Model: Send + Sync {
    /// Whether a reveal sent now lands in a block that accepts it.
    fn reveal_open(&self, record: &TaskRecord, task: &Task, tip: Tip) -> bool;

    /// The `price` field of the reveal.
    fn reveal_price(&self, record: &TaskRecord) -> Option<Uint128>;

    /// A message that moves a revealed, still open task to its end once that is due, if
    /// the provider should send one.
    fn settle(&self, task: &Task, me: &str, tip: Tip) -> Option<ExecuteMsg>;
}

/// The daemon's side of `model`.
pub fn of(model: &CompetitionModel) -> &'static dyn Model {
    match model {
        // An awarded auction's result is delivered as a First Response result is
        // revealed: in the block after its commitment, paid in the reveal.
        CompetitionModel::FirstResponse { .. } | CompetitionModel::SealedBidAuction { .. } => {
            &first_response::FirstResponse
        }
        CompetitionModel::ManualConfirmation { .. } => &manual_confirmation::ManualConfirmation,
        CompetitionModel::Consensus { .. } => &consensus::Consensus,
    }
}
