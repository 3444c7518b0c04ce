//! Typed handles of contracts: a [`Contract`] is an address together with the execute and
//! query messages that contract accepts, so a staking message cannot be sent to the
//! registry (cw-plus' `Cw20Contract` idea, for `MsgExecuteContract`). The suite's three
//! come from [`crate::Deployment::registry`], `staking` and `settlement`.

use std::marker::PhantomData;

use cosmrs::Any;
use ogpu_types::{registry, settlement, staking, AssetInfo};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::client::Client;
use crate::deployment::{coin, execute};
use crate::error::{ClientError, ClientResult};

/// The contract at `address`, executed with `E` and queried with `Q`.
///
/// ```
/// # use ogpu_client::Deployment;
/// # use ogpu_types::registry::ExecuteMsg;
/// # fn commit(deployment: &Deployment, provider: &str) -> ogpu_client::ClientResult<cosmrs::Any> {
/// let commit = ExecuteMsg::Commit { task_id: 7, commitment: Default::default() };
/// deployment.registry().execute(provider, &commit, vec![])
/// # }
/// ```
///
/// A message of another contract does not compile:
///
/// ```compile_fail
/// # use ogpu_client::Deployment;
/// # use ogpu_types::staking::ExecuteMsg;
/// # fn claim(deployment: &Deployment, provider: &str) -> ogpu_client::ClientResult<cosmrs::Any> {
/// deployment.registry().execute(provider, &ExecuteMsg::Claim {}, vec![])
/// # }
/// ```
pub struct Contract<'a, E, Q> {
    address: &'a str,
    /// `fn` pointers: the handle owns no message, and is `Send`, `Sync` and `Copy`.
    messages: PhantomData<fn(E, Q)>,
}

// Derived, these would require `E` and `Q` to be `Clone` too.
impl<E, Q> Clone for Contract<'_, E, Q> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E, Q> Copy for Contract<'_, E, Q> {}

/// The task registry.
pub type Registry<'a> = Contract<'a, registry::ExecuteMsg, registry::QueryMsg>;
/// Provider staking.
pub type Staking<'a> = Contract<'a, staking::ExecuteMsg, staking::QueryMsg>;
/// Settlement (its execute messages are the registry's to send, but for `Withdraw`).
pub type Settlement<'a> = Contract<'a, settlement::ExecuteMsg, settlement::QueryMsg>;
/// A cw20 token, such as a task's reward.
pub type Cw20<'a> = Contract<'a, cw20::Cw20ExecuteMsg, cw20::Cw20QueryMsg>;

impl<'a, E: Serialize, Q: Serialize> Contract<'a, E, Q> {
    pub fn new(address: &'a str) -> Self {
        Self {
            address,
            messages: PhantomData,
        }
    }

    pub fn address(&self) -> &'a str {
        self.address
    }

    /// A `MsgExecuteContract` of `msg` from `sender`, with `funds` along.
    pub fn execute(&self, sender: &str, msg: &E, funds: Vec<cosmrs::Coin>) -> ClientResult<Any> {
        execute(sender, self.address, msg, funds)
    }

    /// The smart query `msg`, its answer decoded as `T`.
    pub async fn query<T: DeserializeOwned>(&self, client: &Client, msg: &Q) -> ClientResult<T> {
        client.smart(self.address, msg).await
    }
}

impl Registry<'_> {
    /// `PublishTask` paying `reward` of `asset`: native coins ride along; a cw20 reward is a
    /// `Send` to the registry through the token contract.
    pub fn publish(
        &self,
        sender: &str,
        spec: ogpu_types::TaskSpec,
        asset: &AssetInfo,
        reward: u128,
    ) -> ClientResult<Any> {
        let native = registry::ExecuteMsg::PublishTask { spec: spec.clone() };
        let cw20 = registry::ReceiveMsg::PublishTask { spec };
        self.pay(sender, asset, reward, &native, &cw20)
    }

    /// `Dispute` of `task_id` posting `bond` of the task's reward `asset`, as `publish` pays.
    pub fn dispute(
        &self,
        sender: &str,
        task_id: u64,
        asset: &AssetInfo,
        bond: u128,
    ) -> ClientResult<Any> {
        let native = registry::ExecuteMsg::Dispute { task_id };
        let cw20 = registry::ReceiveMsg::Dispute { task_id };
        self.pay(sender, asset, bond, &native, &cw20)
    }

    /// `native` with `amount` of the coin along, or a cw20 `Send` of `amount` to the
    /// registry carrying `hook`.
    fn pay(
        &self,
        sender: &str,
        asset: &AssetInfo,
        amount: u128,
        native: &registry::ExecuteMsg,
        hook: &registry::ReceiveMsg,
    ) -> ClientResult<Any> {
        match asset {
            AssetInfo::Native { denom } => self.execute(sender, native, vec![coin(denom, amount)?]),
            AssetInfo::Cw20 { contract_addr } => {
                let send = cw20::Cw20ExecuteMsg::Send {
                    contract: self.address.to_string(),
                    amount: amount.into(),
                    msg: cosmwasm_std::to_json_binary(hook)
                        .map_err(|e| ClientError::invalid("registry message", e))?,
                };
                Cw20::new(contract_addr.as_str()).execute(sender, &send, vec![])
            }
        }
    }
}
