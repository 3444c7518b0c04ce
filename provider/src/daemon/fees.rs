//! Whether a task is worth taking: what winning it pays (the price less the protocol fee)
//! against what winning it costs (the fee of every transaction on the way, at the gas the
//! daemon measured or simulated, times the gas price) and the collateral at risk. A task
//! whose expected profit is below the operator's `min_profit` is declined before anything
//! runs. Fees are in the chain's fee denom, so only rewards paid in it can be compared;
//! others are judged by the strategy's price alone.

use cosmwasm_std::{Decimal, Uint128};
use ogpu_client::GasPrice;
use ogpu_types::fee;
use ogpu_types::{AssetInfo, CompetitionModel, Task};

use super::decline::{Decline, Reason};
use super::gas::{message_bytes, GasBook, Op};

/// What a task would bring, in the fee denom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appraisal {
    /// What winning pays before the protocol fee (a replica's share in Consensus).
    pub payout: u128,
    pub protocol_fee: u128,
    /// The fees of the transactions winning takes.
    pub fees: u128,
    /// The collateral counted as at risk.
    pub risk: u128,
}

impl Appraisal {
    pub fn profit(&self) -> i128 {
        self.payout as i128 - (self.protocol_fee + self.fees + self.risk) as i128
    }
}

/// The market's terms a provider prices tasks with.
#[derive(Debug, Clone)]
pub struct Terms {
    pub gas_price: GasPrice,
    /// The settlement contract's protocol fee.
    pub protocol_fee_bps: u16,
    pub collateral_risk: Decimal,
}

impl Terms {
    /// Whether `task`'s reward is paid in the fee denom (only then are fees comparable).
    pub fn comparable(&self, task: &Task) -> bool {
        matches!(&task.reward.info, AssetInfo::Native { denom } if *denom == self.gas_price.denom)
    }

    /// The protocol fee of a payout of `gross`, rounded up as settlement charges it.
    pub fn protocol_fee(&self, gross: u128) -> u128 {
        fee::protocol_fee(Uint128::new(gross), self.protocol_fee_bps).u128()
    }

    /// The fee of `gas`, rounded up as the chain charges it.
    pub fn fee(&self, gas: u64) -> u128 {
        self.gas_price.fee(gas).u128()
    }

    /// What winning `task` at `price` brings, its result being `result_bytes` long;
    /// `commit_gas` is the commitment's simulated gas (margin included), else the book's
    /// estimate counts.
    pub fn appraise(
        &self,
        task: &Task,
        price: Uint128,
        result_bytes: u64,
        commit_gas: Option<u64>,
        book: &GasBook,
    ) -> Appraisal {
        let payout = match task.model {
            // A replica is paid its share of the reward its commitment binds.
            CompetitionModel::Consensus { replicas, .. } => {
                task.reward.amount.u128() / u128::from(replicas.max(1))
            }
            _ => price.u128(),
        };
        // In Consensus one agreeing replica delivers, the first by commitment height: a
        // replica pays for the delivery about once in `replicas` rounds.
        let deliveries = match task.model {
            CompetitionModel::Consensus { replicas, .. } => u128::from(replicas.max(1)),
            _ => 1,
        };
        let fees = Op::winning_path(&task.model)
            .iter()
            .map(|op| {
                let gas = match (op, commit_gas) {
                    (Op::Commit, Some(gas)) => gas,
                    _ => book.estimate(*op, message_bytes(*op, result_bytes)),
                };
                match op {
                    Op::Deliver => self.fee(gas).div_ceil(deliveries),
                    _ => self.fee(gas),
                }
            })
            .sum();
        Appraisal {
            payout,
            protocol_fee: self.protocol_fee(payout),
            fees,
            risk: task.collateral.mul_ceil(self.collateral_risk).u128(),
        }
    }
}

/// `appraisal` against the operator's margin.
pub fn worth_it(appraisal: &Appraisal, min_profit: Uint128) -> Result<(), Decline> {
    let profit = appraisal.profit();
    if profit < min_profit.u128() as i128 {
        return Err(Decline::new(
            Reason::Unprofitable,
            format!(
                "expected profit {profit} is below min_profit {min_profit}: pays {} less protocol fee {}, less fees {} and collateral risk {}",
                appraisal.payout, appraisal.protocol_fee, appraisal.fees, appraisal.risk
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use ogpu_testing::fixtures;
    use ogpu_types::Asset;

    fn task(model: CompetitionModel, reward: u128) -> Task {
        let mut task = crate::daemon::testing::open_task(model, reward).task;
        task.collateral = Uint128::new(1_000);
        task
    }

    fn terms() -> Terms {
        Terms {
            gas_price: "0.025ustake".parse().unwrap(),
            protocol_fee_bps: 100,
            collateral_risk: Decimal::percent(1),
        }
    }

    #[test]
    fn a_first_response_task_pays_its_reward_less_two_transactions() {
        let book = GasBook::new(1.0, Default::default());
        book.record(
            Op::RevealWithResult,
            400_000,
            message_bytes(Op::RevealWithResult, 16),
        );
        let fr = task(fixtures::first_response(), 50_000);
        let appraisal = terms().appraise(&fr, Uint128::new(50_000), 16, Some(300_000), &book);
        // 300k + 400k gas at 0.025 = 17 500; 1% of 50 000; 1% of 1 000.
        assert_eq!(
            appraisal,
            Appraisal {
                payout: 50_000,
                protocol_fee: 500,
                fees: 17_500,
                risk: 10
            }
        );
        assert_eq!(appraisal.profit(), 31_990);
        assert!(worth_it(&appraisal, Uint128::new(31_990)).is_ok());
        let err = worth_it(&appraisal, Uint128::new(40_000)).unwrap_err();
        assert_eq!(err.reason, Reason::Unprofitable);
        assert!(err.why.contains("expected profit 31990"), "{err}");
        // The default minimum reward of the fixtures loses money.
        let cheap = task(fixtures::first_response(), 1_000);
        assert!(
            terms()
                .appraise(&cheap, Uint128::new(1_000), 16, None, &book)
                .profit()
                < 0
        );
    }

    #[test]
    fn a_replica_is_paid_its_share_and_other_assets_are_not_compared() {
        let book = GasBook::new(1.0, Default::default());
        let consensus = task(
            CompetitionModel::Consensus {
                replicas: 2,
                quorum: 2,
                commit_window: 60,
                reveal_window: 60,
            },
            50_000,
        );
        let appraisal = terms().appraise(&consensus, Uint128::new(50_000), 16, None, &book);
        assert_eq!(appraisal.payout, 25_000);
        assert!(terms().comparable(&consensus));
        let mut cw20 = consensus;
        cw20.reward = Asset::new(AssetInfo::cw20("wasm1token"), 50_000u128);
        assert!(!terms().comparable(&cw20));
    }
}
