//! How much the provider takes on at once: a slot per task in progress
//! (`max_concurrent_tasks`) and the collateral those tasks lock (`collateral_budget`).

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Clone)]
pub struct Budget {
    slots: Arc<Semaphore>,
    locked: Arc<Mutex<u128>>,
    max_collateral: u128,
}

/// A task's share of the budget, given back when dropped.
pub struct Reservation {
    _slot: Option<OwnedSemaphorePermit>,
    amount: u128,
    locked: Arc<Mutex<u128>>,
}

impl Budget {
    pub fn new(max_tasks: usize, max_collateral: u128) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(max_tasks)),
            locked: Arc::new(Mutex::new(0)),
            max_collateral,
        }
    }

    /// A slot and `collateral` for a new task, if both are free.
    pub fn try_reserve(&self, collateral: u128) -> Option<Reservation> {
        let slot = self.slots.clone().try_acquire_owned().ok()?;
        let mut locked = self.locked.lock().unwrap_or_else(PoisonError::into_inner);
        let after = locked
            .checked_add(collateral)
            .filter(|a| *a <= self.max_collateral)?;
        *locked = after;
        Some(Reservation {
            _slot: Some(slot),
            amount: collateral,
            locked: self.locked.clone(),
        })
    }

    /// The share of a task resumed after a restart: its collateral is locked on chain
    /// already and its reveal cannot wait for a slot, so it is counted beyond the limits.
    pub fn resumed(&self, collateral: u128) -> Reservation {
        let mut locked = self.locked.lock().unwrap_or_else(PoisonError::into_inner);
        *locked = locked.saturating_add(collateral);
        Reservation {
            _slot: None,
            amount: collateral,
            locked: self.locked.clone(),
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut locked = self.locked.lock().unwrap_or_else(PoisonError::into_inner);
        *locked = locked.saturating_sub(self.amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_and_collateral_are_both_limits_and_come_back() {
        let budget = Budget::new(2, 1_000);
        let first = budget.try_reserve(600).unwrap();
        assert!(budget.try_reserve(600).is_none(), "collateral");
        let second = budget.try_reserve(400).unwrap();
        assert!(budget.try_reserve(0).is_none(), "slots");
        drop(first);
        let resumed = budget.resumed(900);
        assert!(
            budget.try_reserve(1).is_none(),
            "collateral of the resumed task counts"
        );
        drop((second, resumed));
        assert!(budget.try_reserve(1_000).is_some());
    }
}
