//! Privileged calls by accounts without the privilege: each must fail and change nothing.

use cosmwasm_std::{coins, to_json_binary, Addr, Binary, Uint128, WasmMsg};
use cw20::Cw20ReceiveMsg;
use cw_multi_test::Executor;
use ogpu_types::registry::{self, Child, ConfigUpdate};
use ogpu_types::settlement::{self, Payout};
use ogpu_types::staking::{self, CollateralOutcome, Compensation, StakingConfigUpdate, Verdict};
use ogpu_types::{Eligibility, MigrateMsg};

use crate::fixtures;
use crate::harness::action::{Forged, Intruder};
use crate::harness::execute::Outcome;
use crate::harness::world::{Expect, World};
use crate::suite::REWARD_DENOM;

/// Enough to matter in every call that moves funds.
const AMOUNT: u128 = 1_000;

/// A cw20 receive hook, `{"receive": {...}}`: anyone can send one to any contract.
#[derive(serde::Serialize)]
#[serde(rename_all = "snake_case")]
enum Hook {
    Receive(Cw20ReceiveMsg),
}

impl World {
    pub(crate) fn forge(&mut self, intruder: Intruder, call: Forged, task: u8) -> Outcome {
        let sender = self.intruder(intruder);
        let task_id = self.model.task_id(self.model.position(task));
        let msg = self.forged(&sender, call, task_id);
        let result = self.suite.app.execute(sender, msg.into());
        (Expect::Failure, result.map(drop))
    }

    fn forged(&self, sender: &Addr, call: Forged, task_id: u64) -> WasmMsg {
        let suite = &self.suite;
        let victim = suite.providers[0].to_string();
        let amount = Uint128::new(AMOUNT);
        let json = |msg: Result<Binary, _>| msg.expect("serializable");
        let staking =
            |msg: staking::ExecuteMsg| (suite.staking.clone(), json(to_json_binary(&msg)));
        let settlement =
            |msg: settlement::ExecuteMsg| (suite.settlement.clone(), json(to_json_binary(&msg)));
        let registry =
            |msg: registry::ExecuteMsg| (suite.registry.clone(), json(to_json_binary(&msg)));
        // A receive hook that no token sent: the intruder claims any sender it likes.
        let hook = |contract: &Addr, claimed: &Addr, msg: Binary| {
            let hook = Hook::Receive(Cw20ReceiveMsg {
                sender: claimed.to_string(),
                amount,
                msg,
            });
            (contract.clone(), json(to_json_binary(&hook)))
        };
        let next_task_id = self.model.tasks.len() as u64 + 1;
        let (contract, msg) = match call {
            Forged::LockCollateral => staking(staking::ExecuteMsg::LockCollateral {
                task_id,
                provider: victim,
                amount,
                eligibility: Eligibility::default(),
            }),
            Forged::SlashCollateral => staking(staking::ExecuteMsg::SettleCollateral {
                task_id,
                outcomes: vec![CollateralOutcome {
                    provider: victim,
                    verdict: Verdict::Slashed {
                        amount: None,
                        compensation: Some(Compensation {
                            client: sender.to_string(),
                            cap: None,
                        }),
                    },
                }],
            }),
            Forged::UpdateStakingConfig => staking(staking::ExecuteMsg::UpdateConfig {
                treasury: Some(sender.to_string()),
                update: StakingConfigUpdate::default(),
            }),
            Forged::Release => settlement(settlement::ExecuteMsg::Release {
                task_id,
                payouts: vec![Payout {
                    recipient: sender.to_string(),
                    amount,
                }],
            }),
            Forged::Refund => settlement(settlement::ExecuteMsg::Refund { task_id }),
            Forged::EscrowNative => settlement(settlement::ExecuteMsg::Escrow {
                task_id: next_task_id,
                payer: sender.to_string(),
            }),
            Forged::EscrowCw20 => settlement(settlement::ExecuteMsg::EscrowCw20 {
                task_id: next_task_id,
                payer: sender.to_string(),
                token: suite.token.to_string(),
                amount,
            }),
            Forged::SettlementHook => {
                let escrow = settlement::ExecuteMsg::Escrow {
                    task_id: next_task_id,
                    payer: sender.to_string(),
                };
                hook(
                    &suite.settlement,
                    &suite.registry,
                    json(to_json_binary(&escrow)),
                )
            }
            Forged::UpdateSettlementConfig => settlement(settlement::ExecuteMsg::UpdateConfig {
                treasury: Some(sender.to_string()),
                protocol_fee_bps: Some(0),
            }),
            Forged::UpdateRegistryConfig => {
                registry(registry::ExecuteMsg::UpdateConfig(ConfigUpdate {
                    treasury: Some(sender.to_string()),
                    ..ConfigUpdate::default()
                }))
            }
            Forged::Pause => registry(registry::ExecuteMsg::SetPaused { paused: true }),
            Forged::TransferOwnership => registry(registry::ExecuteMsg::TransferOwnership {
                new_owner: sender.to_string(),
            }),
            Forged::MigrateChild => registry(registry::ExecuteMsg::MigrateChild {
                child: Child::Settlement,
                new_code_id: suite.codes.settlement,
                msg: json(to_json_binary(&MigrateMsg {})),
            }),
            Forged::RegistryHook => {
                let publish = registry::ReceiveMsg::PublishTask {
                    spec: fixtures::spec(fixtures::first_response()),
                };
                hook(&suite.registry, sender, json(to_json_binary(&publish)))
            }
        };
        let funds = match call {
            Forged::EscrowNative => coins(AMOUNT, REWARD_DENOM),
            _ => vec![],
        };
        WasmMsg::Execute {
            contract_addr: contract.into_string(),
            msg,
            funds,
        }
    }
}
