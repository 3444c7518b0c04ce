//! Typed helpers for every message and query a scenario needs.

use anyhow::Result as AnyResult;
use cosmwasm_std::{coin, coins, to_json_binary, Addr, Coin, Timestamp, Uint128};
use cw_multi_test::AppResponse;
use ogpu_types::registry::{self, ExecuteMsg, QueryMsg, ReceiveMsg};
use ogpu_types::settlement::{self, EscrowResponse, TotalsResponse};
use ogpu_types::staking::{self, ProviderResponse, StakingTotals};
use ogpu_types::{CompetitionModel, Task, TaskResponseRecord, TaskSpec, TaskStatus};

use crate::fixtures;
use crate::suite::{Suite, BOND_DENOM, REWARD_DENOM};
use crate::{Sealed, SealedBid};

/// Finds an error of type `E` anywhere in a failed execution's chain (errors raised in a
/// child contract reach the test wrapped in context by the registry's call).
pub fn find_error<E: std::error::Error + Send + Sync + 'static>(err: &anyhow::Error) -> Option<&E> {
    err.downcast_ref::<E>()
        .or_else(|| err.chain().find_map(|e| e.downcast_ref::<E>()))
}

impl Suite {
    pub fn register(&mut self, provider: &Addr, stake: u128) -> AnyResult<AppResponse> {
        let msg = staking::ExecuteMsg::Register {
            metadata: fixtures::metadata("gpu-node"),
        };
        self.exec_staking(provider, &msg, stake)
    }

    pub fn exec_registry(&mut self, sender: &Addr, msg: &ExecuteMsg) -> AnyResult<AppResponse> {
        let registry = self.registry.clone();
        self.execute(sender, &registry, msg, &[])
    }

    /// Executes a staking message from `sender` with `stake` of the bond denom attached
    /// (none when zero).
    pub fn exec_staking(
        &mut self,
        sender: &Addr,
        msg: &staking::ExecuteMsg,
        stake: u128,
    ) -> AnyResult<AppResponse> {
        let staking = self.staking.clone();
        let funds = if stake == 0 {
            vec![]
        } else {
            coins(stake, BOND_DENOM)
        };
        self.execute(sender, &staking, msg, &funds)
    }

    /// Publishes `spec` with a reward of `reward` in the native reward denom.
    pub fn publish(&mut self, client: &Addr, spec: TaskSpec, reward: u128) -> AnyResult<u64> {
        self.publish_in(client, spec, coin(reward, REWARD_DENOM))
    }

    /// Publishes `spec` with `reward`, a native coin.
    pub fn publish_in(&mut self, client: &Addr, spec: TaskSpec, reward: Coin) -> AnyResult<u64> {
        let registry = self.registry.clone();
        let msg = ExecuteMsg::PublishTask { spec };
        let response = self.execute(client, &registry, &msg, &[reward])?;
        Ok(task_id(&response))
    }

    /// Publishes `spec` paying `reward` of the suite's cw20 token.
    pub fn publish_cw20(&mut self, client: &Addr, spec: TaskSpec, reward: u128) -> AnyResult<u64> {
        let token = self.token.clone();
        let msg = cw20::Cw20ExecuteMsg::Send {
            contract: self.registry.to_string(),
            amount: Uint128::new(reward),
            msg: to_json_binary(&ReceiveMsg::PublishTask { spec })?,
        };
        let response = self.execute(client, &token, &msg, &[])?;
        Ok(task_id(&response))
    }

    /// Commits a First Response result (the committed price is the task's reward).
    pub fn commit_result(
        &mut self,
        provider: &Addr,
        task_id: u64,
        result: &[u8],
    ) -> AnyResult<Sealed> {
        let reward = self.task(task_id).reward.amount.u128();
        let sealed = Sealed::new(task_id, provider, result, reward, None);
        self.commit(provider, task_id, &sealed)?;
        Ok(sealed)
    }

    /// Commits a Manual Confirmation offer of `price`.
    pub fn commit_offer(
        &mut self,
        provider: &Addr,
        task_id: u64,
        result: &[u8],
        price: u128,
    ) -> AnyResult<Sealed> {
        let sealed = Sealed::new(task_id, provider, result, price, Some(price));
        self.commit(provider, task_id, &sealed)?;
        Ok(sealed)
    }

    pub fn commit(
        &mut self,
        provider: &Addr,
        task_id: u64,
        sealed: &Sealed,
    ) -> AnyResult<AppResponse> {
        let msg = ExecuteMsg::Commit {
            task_id,
            commitment: sealed.commitment.clone(),
        };
        self.exec_registry(provider, &msg)
    }

    /// Opens a commitment as the rules of the task's model want it: with the result in
    /// First Response, with the digest (and price) only otherwise.
    pub fn reveal(
        &mut self,
        provider: &Addr,
        task_id: u64,
        sealed: &Sealed,
    ) -> AnyResult<AppResponse> {
        let first_response = matches!(
            self.task(task_id).model,
            CompetitionModel::FirstResponse { .. }
        );
        self.reveal_with(provider, task_id, sealed, first_response)
    }

    /// Opens a commitment, sending its result along or not.
    pub fn reveal_with(
        &mut self,
        provider: &Addr,
        task_id: u64,
        sealed: &Sealed,
        with_result: bool,
    ) -> AnyResult<AppResponse> {
        let msg = ExecuteMsg::Reveal {
            task_id,
            digest: sealed.digest.clone(),
            salt: sealed.salt.clone(),
            price: sealed.price,
            result: with_result.then(|| sealed.result.clone()),
        };
        self.exec_registry(provider, &msg)
    }

    /// The chosen provider of an awarded task delivers the sealed result.
    pub fn deliver(
        &mut self,
        provider: &Addr,
        task_id: u64,
        sealed: &Sealed,
    ) -> AnyResult<AppResponse> {
        let msg = ExecuteMsg::Deliver {
            task_id,
            digest: sealed.digest.clone(),
            result: sealed.result.clone(),
        };
        self.exec_registry(provider, &msg)
    }

    /// An auction's executor delivers `result` (sealed for it; no commitment is made).
    pub fn deliver_result(
        &mut self,
        provider: &Addr,
        task_id: u64,
        result: &[u8],
    ) -> AnyResult<AppResponse> {
        let sealed = Sealed::new(task_id, provider, result, 0, None);
        self.deliver(provider, task_id, &sealed)
    }

    /// Commits a sealed bid of `price` on an auction.
    pub fn bid(&mut self, provider: &Addr, task_id: u64, price: u128) -> AnyResult<SealedBid> {
        let bid = SealedBid::new(task_id, provider, price);
        let msg = ExecuteMsg::Commit {
            task_id,
            commitment: bid.commitment.clone(),
        };
        self.exec_registry(provider, &msg)?;
        Ok(bid)
    }

    pub fn reveal_bid(
        &mut self,
        provider: &Addr,
        task_id: u64,
        bid: &SealedBid,
    ) -> AnyResult<AppResponse> {
        let msg = ExecuteMsg::RevealBid {
            task_id,
            price: bid.price,
            salt: bid.salt.clone(),
        };
        self.exec_registry(provider, &msg)
    }

    /// Disputes `task_id`, posting `bond` of the native reward denom.
    pub fn dispute(&mut self, client: &Addr, task_id: u64, bond: u128) -> AnyResult<AppResponse> {
        self.dispute_in(client, task_id, coin(bond, REWARD_DENOM))
    }

    /// Disputes `task_id`, posting `bond`, a native coin.
    pub fn dispute_in(
        &mut self,
        client: &Addr,
        task_id: u64,
        bond: Coin,
    ) -> AnyResult<AppResponse> {
        let registry = self.registry.clone();
        let msg = ExecuteMsg::Dispute { task_id };
        self.execute(client, &registry, &msg, &[bond])
    }

    /// Disputes a cw20-paid `task_id`, sending `bond` of the suite's token.
    pub fn dispute_cw20(
        &mut self,
        client: &Addr,
        task_id: u64,
        bond: u128,
    ) -> AnyResult<AppResponse> {
        let token = self.token.clone();
        let msg = cw20::Cw20ExecuteMsg::Send {
            contract: self.registry.to_string(),
            amount: Uint128::new(bond),
            msg: to_json_binary(&ReceiveMsg::Dispute { task_id })?,
        };
        self.execute(client, &token, &msg, &[])
    }

    pub fn close_dispute(&mut self, sender: &Addr, task_id: u64) -> AnyResult<AppResponse> {
        self.exec_registry(sender, &ExecuteMsg::CloseDispute { task_id })
    }

    pub fn dispute_state(&self, task_id: u64) -> Option<registry::DisputeState> {
        self.query_registry(&QueryMsg::DisputeState { task_id })
    }

    /// Who must deliver an awarded task, for what, until when.
    pub fn award(&self, task_id: u64) -> Option<registry::AwardState> {
        self.query_registry(&QueryMsg::Award { task_id })
    }

    pub fn confirm(
        &mut self,
        client: &Addr,
        task_id: u64,
        provider: &Addr,
    ) -> AnyResult<AppResponse> {
        let msg = ExecuteMsg::Confirm {
            task_id,
            provider: provider.to_string(),
        };
        self.exec_registry(client, &msg)
    }

    pub fn cancel(&mut self, client: &Addr, task_id: u64) -> AnyResult<AppResponse> {
        self.exec_registry(client, &ExecuteMsg::CancelTask { task_id })
    }

    pub fn finalize(&mut self, sender: &Addr, task_id: u64) -> AnyResult<AppResponse> {
        self.exec_registry(sender, &ExecuteMsg::Finalize { task_id })
    }

    /// Shows a deadline is inclusive for the crank: `finalize` at `after` is refused with
    /// `NotFinalizable`, one second later it goes through.
    pub fn finalize_after(&mut self, sender: &Addr, task_id: u64, after: Timestamp) -> AppResponse {
        self.set_time(after.seconds());
        assert_error(
            self.finalize(sender, task_id),
            ogpu_task_registry::ContractError::NotFinalizable { task_id, after },
        );
        self.set_time(after.seconds() + 1);
        self.finalize(sender, task_id).unwrap()
    }

    /// Executes any registry message as the owner.
    pub fn as_owner(&mut self, msg: &ExecuteMsg) -> AnyResult<AppResponse> {
        let owner = self.owner.clone();
        self.exec_registry(&owner, msg)
    }

    pub fn task(&self, task_id: u64) -> Task {
        self.query_registry::<registry::TaskDetails>(&QueryMsg::Task { task_id })
            .task
    }

    pub fn responses(&self, task_id: u64) -> Vec<TaskResponseRecord> {
        let msg = QueryMsg::Responses {
            task_id,
            start_after: None,
            limit: None,
        };
        self.query_registry::<registry::ResponsesResponse>(&msg)
            .responses
    }

    pub fn query_registry<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(&self.registry, msg)
            .unwrap()
    }

    pub fn query_staking<T: serde::de::DeserializeOwned>(&self, msg: &staking::QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(&self.staking, msg)
            .unwrap()
    }

    pub fn provider_info(&self, provider: &Addr) -> ProviderResponse {
        self.query_staking(&staking::QueryMsg::Provider {
            address: provider.to_string(),
        })
    }

    pub fn staking_totals(&self) -> StakingTotals {
        self.query_staking(&staking::QueryMsg::Totals {})
    }

    /// A task's escrow, once the task ended (settlement learns of it only then).
    pub fn closed_escrow(&self, task_id: u64) -> Option<EscrowResponse> {
        let msg = settlement::QueryMsg::Escrow { task_id };
        self.app
            .wrap()
            .query_wasm_smart(&self.settlement, &msg)
            .unwrap()
    }

    /// The escrow of a task that has ended.
    pub fn escrow(&self, task_id: u64) -> EscrowResponse {
        self.closed_escrow(task_id)
            .unwrap_or_else(|| panic!("task {task_id} has not ended: its escrow is open"))
    }

    /// Every open task, paging through the registry's status index.
    pub fn open_tasks(&self) -> Vec<Task> {
        let mut tasks: Vec<Task> = vec![];
        loop {
            let msg = QueryMsg::Tasks {
                status: Some(TaskStatus::Open),
                start_after: tasks.last().map(|t| t.id),
                limit: Some(30),
            };
            let page = self.query_registry::<registry::TasksResponse>(&msg).tasks;
            if page.is_empty() {
                return tasks;
            }
            tasks.extend(page);
        }
    }

    /// A provider's collateral locks, as the registry records them.
    pub fn locks(&self, provider: &Addr) -> Vec<registry::Lock> {
        let msg = QueryMsg::Locks {
            provider: provider.to_string(),
            start_after: None,
            limit: Some(30),
        };
        self.query_registry::<registry::LocksResponse>(&msg).locks
    }

    pub fn settlement_totals(&self) -> TotalsResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.settlement, &settlement::QueryMsg::Totals {})
            .unwrap()
    }
}

/// The id in a publish response's `ogpu_task_published` event.
fn task_id(response: &AppResponse) -> u64 {
    let event_type = format!("wasm-{}", ogpu_types::events::TASK_PUBLISHED);
    response
        .events
        .iter()
        .filter(|e| e.ty == event_type)
        .flat_map(|e| &e.attributes)
        .find(|a| a.key == ogpu_types::events::attr::TASK_ID)
        .map(|a| a.value.parse().unwrap())
        .expect("publish emits the task id")
}

/// Asserts that `result` failed with exactly `expected` (found anywhere in the chain).
#[track_caller]
pub fn assert_error<T: std::fmt::Debug, E>(result: AnyResult<T>, expected: E)
where
    E: std::error::Error + PartialEq + Send + Sync + 'static,
{
    let err = result.expect_err("expected the call to fail");
    match find_error::<E>(&err) {
        Some(actual) => assert_eq!(actual, &expected),
        None => panic!("expected {expected:?}, got {err:?}"),
    }
}
