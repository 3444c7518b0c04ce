//! Conservation of funds, checked against real balances.

use std::collections::BTreeMap;

use cosmwasm_std::Addr;
use ogpu_types::AssetInfo;

use crate::snapshot::Balances;
use crate::suite::{Suite, BOND_DENOM, REWARD_DENOM};

impl Suite {
    /// Panics unless, per asset: settlement's totals over the closed escrows balance
    /// (deposited equals paid out, fees and refunded together) and its balance is the
    /// rewards of the open tasks plus what it credits; staking's bond-denom balance is
    /// `bonded + unbonding + credited`; the registry holds nothing;
    /// and the tracked accounts together hold exactly what they started with.
    pub fn assert_conservation(&self) {
        self.assert_conservation_of(&self.balances());
    }

    /// [`Suite::assert_conservation`] given every tracked account's current balances.
    pub fn assert_conservation_of(&self, balances: &[Balances]) {
        let of = |account: &Addr| {
            balances
                .iter()
                .find(|b| b.account == *account)
                .expect("a tracked account")
        };
        let mut settlement_expected: BTreeMap<String, u128> = BTreeMap::new();
        for t in self.settlement_totals().totals {
            assert_eq!(
                t.deposited,
                t.paid_out + t.fees + t.refunded,
                "settlement totals of {}",
                t.info
            );
            settlement_expected.insert(t.info.key(), t.credited.u128());
        }
        for task in self.open_tasks() {
            *settlement_expected
                .entry(task.reward.info.key())
                .or_default() += task.reward.amount.u128();
        }
        let native = |denom: &str| AssetInfo::native(denom).key();
        let cw20 = AssetInfo::cw20(self.token.as_str()).key();
        let settlement = of(&self.settlement);
        for (key, actual) in [
            (native(REWARD_DENOM), settlement.reward),
            (native(BOND_DENOM), settlement.bond),
            (cw20.clone(), settlement.cw20),
        ] {
            let expected = settlement_expected.get(&key).copied().unwrap_or(0);
            assert_eq!(actual, expected, "settlement balance of {key}");
        }

        let staking = self.staking_totals();
        assert_eq!(
            of(&self.staking).bond,
            (staking.bonded + staking.unbonding + staking.credited).u128(),
            "staking balance"
        );

        let registry = of(&self.registry);
        assert_eq!(
            (registry.bond, registry.reward, registry.cw20),
            (0, 0, 0),
            "the registry holds funds"
        );

        let funded = (self.clients.len() + self.providers.len() + 2) as u128;
        let supply = self.initial_balance * funded;
        let sum = |asset: fn(&Balances) -> u128| balances.iter().map(asset).sum::<u128>();
        assert_eq!(sum(|b| b.bond), supply, "supply of {BOND_DENOM}");
        assert_eq!(sum(|b| b.reward), supply, "supply of {REWARD_DENOM}");
        assert_eq!(sum(|b| b.cw20), supply, "supply of {cw20}");
    }
}
