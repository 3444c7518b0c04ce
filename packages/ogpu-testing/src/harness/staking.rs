//! The providers' own staking messages, each held to what the provider's record allows.

use cosmwasm_std::Uint128;
use ogpu_types::staking::{ExecuteMsg, ProviderStatus};

use crate::fixtures::{self, MIN_STAKE};
use crate::harness::execute::Outcome;
use crate::harness::world::{Expect, World, UNBONDING_PERIOD};

impl World {
    pub(crate) fn register(&mut self, provider: u8, stake: u128) -> Outcome {
        let provider = self.staker(provider);
        let info = self.suite.provider_info(&provider);
        let expect =
            Expect::when(info.status == ProviderStatus::Deregistered && stake >= MIN_STAKE);
        (expect, self.suite.register(&provider, stake).map(drop))
    }

    pub(crate) fn bond(&mut self, provider: u8, amount: u128) -> Outcome {
        let provider = self.staker(provider);
        let info = self.suite.provider_info(&provider);
        let expect = Expect::when(info.status != ProviderStatus::Deregistered && amount > 0);
        let result = self
            .suite
            .exec_staking(&provider, &ExecuteMsg::Bond {}, amount);
        (expect, result.map(drop))
    }

    pub(crate) fn unbond(&mut self, provider: u8, amount: u128) -> Outcome {
        let provider = self.staker(provider);
        let info = self.suite.provider_info(&provider);
        let free = info.bonded - info.locked;
        let max_entries = fixtures::staking_params().max_unbonding_entries as usize;
        // An entry released at the same moment takes the amount without a new entry.
        let release_at = self
            .suite
            .app
            .block_info()
            .time
            .plus_seconds(UNBONDING_PERIOD);
        let merges = info.unbonding.iter().any(|e| e.release_at == release_at);
        let expect = Expect::when(
            info.status != ProviderStatus::Deregistered
                && amount > 0
                && Uint128::new(amount) <= free
                && (info.unbonding.len() < max_entries || merges),
        );
        let msg = ExecuteMsg::Unbond {
            amount: Uint128::new(amount),
        };
        (
            expect,
            self.suite.exec_staking(&provider, &msg, 0).map(drop),
        )
    }

    pub(crate) fn claim_unbonded(&mut self, provider: u8) -> Outcome {
        let provider = self.staker(provider);
        let now = self.suite.app.block_info().time;
        let info = self.suite.provider_info(&provider);
        let expect = Expect::when(info.unbonding.iter().any(|e| e.release_at <= now));
        (expect, self.claim(&provider).map(drop))
    }

    pub(crate) fn deregister(&mut self, provider: u8) -> Outcome {
        let provider = self.staker(provider);
        let info = self.suite.provider_info(&provider);
        let expect =
            Expect::when(info.status != ProviderStatus::Deregistered && info.locked.is_zero());
        let result = self
            .suite
            .exec_staking(&provider, &ExecuteMsg::Deregister {}, 0);
        let entries = self.suite.provider_info(&provider).unbonding.len();
        let max_entries = fixtures::staking_params().max_unbonding_entries as usize;
        assert!(
            entries <= max_entries,
            "step {}: unbonding queue outgrew its bound",
            self.step
        );
        (expect, result.map(drop))
    }
}
