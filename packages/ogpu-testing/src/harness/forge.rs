//! Privileged calls by accounts without the privilege: each must fail and change nothing.

use cosmwasm_std::{to_json_binary, Addr, Binary, Uint128, WasmMsg};
use cw20::Cw20ReceiveMsg;
use cw_multi_test::Executor;
use ogpu_types::registry::{self, Child, ConfigUpdate, ProviderSync};
use ogpu_types::settlement::{self, Deposit, Payout};
use ogpu_types::staking::{self, Compensation, SlashOrder, StakingConfigUpdate};
use ogpu_types::{Asset, AssetInfo, DeviceProfile, DeviceType, MigrateMsg};

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
        // The intruder as the payer of an open task's escrow.
        let deposit = || Deposit {
            task_id,
            payer: sender.to_string(),
            asset: Asset::new(AssetInfo::native(REWARD_DENOM), AMOUNT),
        };
        let (contract, msg) = match call {
            Forged::SyncProvider => registry(registry::ExecuteMsg::SyncProvider(ProviderSync {
                provider: sender.to_string(),
                bonded: Uint128::new(AMOUNT * 1_000_000),
                active: true,
                devices: vec![DeviceProfile {
                    device_type: DeviceType::Gpu,
                    memory_mb: u64::MAX,
                    gflops: u64::MAX,
                }],
            })),
            Forged::Slash => staking(staking::ExecuteMsg::Slash {
                task_id,
                slashes: vec![SlashOrder {
                    provider: victim,
                    amount,
                    compensation: Some(Compensation {
                        client: sender.to_string(),
                        cap: None,
                    }),
                }],
            }),
            Forged::UpdateStakingConfig => staking(staking::ExecuteMsg::UpdateConfig {
                treasury: Some(sender.to_string()),
                update: StakingConfigUpdate::default(),
            }),
            Forged::Release => settlement(settlement::ExecuteMsg::Release {
                deposit: deposit(),
                payouts: vec![Payout {
                    recipient: sender.to_string(),
                    amount,
                }],
            }),
            Forged::Refund => settlement(settlement::ExecuteMsg::Refund { deposit: deposit() }),
            Forged::SettlementHook => {
                let refund = settlement::ExecuteMsg::Refund { deposit: deposit() };
                hook(
                    &suite.settlement,
                    &suite.registry,
                    json(to_json_binary(&refund)),
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
        WasmMsg::Execute {
            contract_addr: contract.into_string(),
            msg,
            funds: vec![],
        }
    }
}
