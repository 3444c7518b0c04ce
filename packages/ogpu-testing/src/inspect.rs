//! Reading the outcome of a scenario: a response's status, a provider's stake, whether a
//! call emitted an event, and the crank past a chosen provider's delivery deadline.

use cosmwasm_std::Addr;
use cw_multi_test::AppResponse;
use ogpu_types::ResponseStatus;

use crate::suite::Suite;

/// Whether `response` emitted the suite event `event` (`wasm-` prefixed on chain).
pub fn emitted(response: &AppResponse, event: &str) -> bool {
    let ty = format!("wasm-{event}");
    response.events.iter().any(|e| e.ty == ty)
}

impl Suite {
    /// The status of `provider`'s response to `task_id` (which must exist).
    pub fn status_of(&self, task_id: u64, provider: &Addr) -> ResponseStatus {
        let responses = self.responses(task_id);
        let response = responses.into_iter().find(|r| r.provider == *provider);
        response.expect("a response of the provider").status
    }

    /// `(bonded, locked)` of `provider` in staking.
    pub fn stake_of(&self, provider: &Addr) -> (u128, u128) {
        let info = self.provider_info(provider);
        (info.bonded.u128(), info.locked.u128())
    }

    /// The chosen provider of `task_id` lets its delivery deadline pass and anyone
    /// finalizes (the deadline itself is still the provider's).
    pub fn miss_delivery(&mut self, task_id: u64) -> AppResponse {
        let stranger = self.stranger.clone();
        let deadline = self.award(task_id).expect("awarded").delivery_deadline;
        self.finalize_after(&stranger, task_id, deadline)
    }
}
