//! Snapshots of state, to show that a rejected call changed nothing and that a task in a
//! terminal status never changes again.

use cosmwasm_std::Addr;
use ogpu_types::settlement::EscrowResponse;
use ogpu_types::staking::ProviderResponse;
use ogpu_types::{Task, TaskResponseRecord};

use crate::suite::{Suite, BOND_DENOM, REWARD_DENOM};

/// A task as the three contracts record it.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskState {
    pub task: Task,
    pub responses: Vec<TaskResponseRecord>,
    /// Settlement's record, once the task ended.
    pub escrow: Option<EscrowResponse>,
}

/// One tracked account's balances: bond denom, reward denom, cw20 token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Balances {
    pub account: Addr,
    pub bond: u128,
    pub reward: u128,
    pub cw20: u128,
}

/// A task, every tracked balance and every provider's staking record.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub task: TaskState,
    pub balances: Vec<Balances>,
    pub providers: Vec<ProviderResponse>,
}

impl Suite {
    pub fn task_state(&self, task_id: u64) -> TaskState {
        TaskState {
            task: self.task(task_id),
            responses: self.responses(task_id),
            escrow: self.closed_escrow(task_id),
        }
    }

    pub fn balances(&self) -> Vec<Balances> {
        self.tracked_accounts()
            .into_iter()
            .map(|account| Balances {
                bond: self.balance(&account, BOND_DENOM),
                reward: self.balance(&account, REWARD_DENOM),
                cw20: self.cw20_balance(&account),
                account,
            })
            .collect()
    }

    pub fn snapshot(&self, task_id: u64) -> Snapshot {
        Snapshot {
            task: self.task_state(task_id),
            balances: self.balances(),
            providers: self
                .providers
                .iter()
                .map(|p| self.provider_info(p))
                .collect(),
        }
    }
}
