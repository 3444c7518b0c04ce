//! Conservation of funds, checked against real balances.

use std::collections::BTreeMap;

use ogpu_types::AssetInfo;

use crate::suite::{Suite, BOND_DENOM, REWARD_DENOM};

impl Suite {
    /// Panics unless, per asset: settlement's totals balance (deposited equals paid out,
    /// fees, refunded and held together) and its balance is `held + credited`; staking's bond-denom
    /// balance is `bonded + unbonding` with `locked ≤ bonded`; the registry holds nothing;
    /// and the tracked accounts together hold exactly what they started with.
    pub fn assert_conservation(&self) {
        let mut settlement_expected: BTreeMap<String, u128> = BTreeMap::new();
        for t in self.settlement_totals().totals {
            assert_eq!(
                t.deposited,
                t.paid_out + t.fees + t.refunded + t.held,
                "settlement totals of {}",
                t.info
            );
            settlement_expected.insert(t.info.key(), (t.held + t.credited).u128());
        }
        let native = |denom: &str| AssetInfo::native(denom).key();
        let cw20 = AssetInfo::cw20(self.token.as_str()).key();
        for (key, actual) in [
            (
                native(REWARD_DENOM),
                self.balance(&self.settlement, REWARD_DENOM),
            ),
            (
                native(BOND_DENOM),
                self.balance(&self.settlement, BOND_DENOM),
            ),
            (cw20.clone(), self.cw20_balance(&self.settlement)),
        ] {
            let expected = settlement_expected.get(&key).copied().unwrap_or(0);
            assert_eq!(actual, expected, "settlement balance of {key}");
        }

        let staking = self.staking_totals();
        assert!(staking.locked <= staking.bonded, "locked exceeds bonded");
        assert_eq!(
            self.balance(&self.staking, BOND_DENOM),
            (staking.bonded + staking.unbonding).u128(),
            "staking balance"
        );

        for denom in [BOND_DENOM, REWARD_DENOM] {
            assert_eq!(
                self.balance(&self.registry, denom),
                0,
                "registry holds {denom}"
            );
        }
        assert_eq!(self.cw20_balance(&self.registry), 0, "registry holds cw20");

        let accounts = self.tracked_accounts();
        let funded = (self.clients.len() + self.providers.len() + 2) as u128;
        for denom in [BOND_DENOM, REWARD_DENOM] {
            let sum: u128 = accounts.iter().map(|a| self.balance(a, denom)).sum();
            assert_eq!(sum, self.initial_balance * funded, "supply of {denom}");
        }
        let sum: u128 = accounts.iter().map(|a| self.cw20_balance(a)).sum();
        assert_eq!(sum, self.initial_balance * funded, "supply of {cw20}");
    }
}
