//! Privileged messages from strangers, bad funds, pause, ownership, double settlement,
//! unknown replies and migrations.

use cosmwasm_std::testing::{mock_dependencies, mock_env};
use cosmwasm_std::{coin, coins, to_json_binary, Reply, SubMsgResult, Uint128};
use cw_multi_test::Executor;
use cw_utils::PaymentError;
use ogpu_provider_staking::ContractError as StakingError;
use ogpu_settlement::ContractError as SettlementError;
use ogpu_task_registry::ContractError as RegistryError;
use ogpu_testing::fixtures;
use ogpu_testing::{assert_error, SuiteBuilder, BOND_DENOM, REWARD_DENOM};
use ogpu_types::registry::{
    Child, ConfigUpdate, ExecuteMsg, OwnershipResponse, ProviderSync, QueryMsg,
};
use ogpu_types::settlement::{self, Deposit, EscrowStatus, Payout};
use ogpu_types::staking::{self, Compensation, SlashOrder, StakingConfigUpdate};
use ogpu_types::{Asset, AssetInfo, DeviceProfile, DeviceType, MigrateMsg, TaskStatus};

#[test]
fn owner_only_messages_reject_strangers() {
    let mut suite = SuiteBuilder::new().build();
    let stranger = suite.stranger.clone();
    let registry = suite.registry.clone();
    let owner_only = [
        ExecuteMsg::UpdateConfig(ConfigUpdate::default()),
        ExecuteMsg::SetPaused { paused: true },
        ExecuteMsg::TransferOwnership {
            new_owner: stranger.to_string(),
        },
        ExecuteMsg::CancelOwnershipTransfer {},
        ExecuteMsg::MigrateChild {
            child: Child::Staking,
            new_code_id: suite.codes.staking,
            msg: to_json_binary(&MigrateMsg {}).unwrap(),
        },
    ];
    for msg in owner_only {
        assert_error(
            suite.execute(&stranger, &registry, &msg, &[]),
            RegistryError::Unauthorized {
                expected: "the owner".into(),
            },
        );
    }
    assert_error(
        suite.execute(&stranger, &registry, &ExecuteMsg::AcceptOwnership {}, &[]),
        RegistryError::NotPendingOwner {},
    );
}

#[test]
fn children_accept_privileged_calls_only_from_the_registry() {
    let mut suite = SuiteBuilder::new().build();
    let (stranger, p0) = (suite.stranger.clone(), suite.provider(0));
    let (staking_addr, settlement_addr) = (suite.staking.clone(), suite.settlement.clone());
    let registry = suite.registry.clone();
    // Only staking reports stake: a stranger claiming a fortune and a GPU is refused.
    let sync = ExecuteMsg::SyncProvider(ProviderSync {
        provider: stranger.to_string(),
        bonded: Uint128::new(u128::MAX),
        active: true,
        devices: vec![DeviceProfile {
            device_type: DeviceType::Gpu,
            memory_mb: u64::MAX,
            gflops: u64::MAX,
        }],
    });
    assert_error(
        suite.execute(&stranger, &registry, &sync, &[]),
        RegistryError::Unauthorized {
            expected: "the staking contract".into(),
        },
    );
    let staking_msgs = [
        staking::ExecuteMsg::Slash {
            task_id: 1,
            slashes: vec![SlashOrder {
                provider: p0.to_string(),
                amount: Uint128::new(1),
                compensation: Some(Compensation {
                    client: stranger.to_string(),
                    cap: None,
                }),
            }],
        },
        staking::ExecuteMsg::UpdateConfig {
            treasury: Some(stranger.to_string()),
            update: StakingConfigUpdate::default(),
        },
    ];
    for msg in staking_msgs {
        assert_error(
            suite.execute(&stranger, &staking_addr, &msg, &[]),
            StakingError::Unauthorized {},
        );
    }
    // Settlement holds every open task's reward: a stranger naming itself the payer of
    // a deposit, or a payee, is refused.
    let deposit = Deposit {
        task_id: 1,
        payer: stranger.to_string(),
        asset: Asset::new(AssetInfo::native(REWARD_DENOM), 1u128),
    };
    let settlement_msgs = [
        settlement::ExecuteMsg::Release {
            deposit: deposit.clone(),
            payouts: vec![Payout {
                recipient: stranger.to_string(),
                amount: Uint128::new(1),
            }],
        },
        settlement::ExecuteMsg::Refund { deposit },
        settlement::ExecuteMsg::UpdateConfig {
            treasury: Some(stranger.to_string()),
            protocol_fee_bps: None,
        },
    ];
    for msg in settlement_msgs {
        assert_error(
            suite.execute(&stranger, &settlement_addr, &msg, &[]),
            SettlementError::Unauthorized {},
        );
    }
    suite.assert_conservation();
}

#[test]
fn publishing_needs_exactly_one_accepted_coin_above_the_minimum() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let registry = suite.registry.clone();
    let publish = ExecuteMsg::PublishTask {
        spec: fixtures::spec(fixtures::first_response()),
    };
    assert_error(
        suite.execute(&client, &registry, &publish, &[]),
        RegistryError::Payment(PaymentError::NoFunds {}),
    );
    assert_error(
        suite.execute(
            &client,
            &registry,
            &publish,
            &[coin(500, REWARD_DENOM), coin(500, BOND_DENOM)],
        ),
        RegistryError::Payment(PaymentError::MultipleDenoms {}),
    );
    let mint = cw_multi_test::BankSudo::Mint {
        to_address: client.to_string(),
        amount: coins(500, "uatom"),
    };
    suite.app.sudo(mint.into()).unwrap();
    assert_error(
        suite.execute(&client, &registry, &publish, &coins(500, "uatom")),
        RegistryError::AssetNotAccepted {
            asset: "native:uatom".into(),
        },
    );
    assert_error(
        suite.execute(&client, &registry, &publish, &coins(99, REWARD_DENOM)),
        RegistryError::RewardTooLow {
            reward: Uint128::new(99),
            min: Uint128::new(100),
        },
    );
    // Funds on a non-payable message.
    let id = suite
        .publish(&client, fixtures::spec(fixtures::first_response()), 1_000)
        .unwrap();
    let commit = ExecuteMsg::CancelTask { task_id: id };
    assert_error(
        suite.execute(&client, &registry, &commit, &coins(1, REWARD_DENOM)),
        RegistryError::Payment(PaymentError::NonPayable {}),
    );
    suite.assert_conservation();
}

/// A cw20 receive hook, which anyone can send to any contract.
#[cosmwasm_schema::cw_serde]
enum Hook {
    Receive(cw20::Cw20ReceiveMsg),
}

/// Found by the invariant harness: settlement used to escrow on a receive hook that named
/// the registry as its sender, whoever sent it and whether or not tokens came with it.
/// A phantom escrow for the next task id then made every later publish fail. Settlement
/// takes no hook at all now; one claiming the registry still moves nothing.
#[test]
fn a_forged_cw20_hook_neither_escrows_nor_blocks_publishing() {
    let mut suite = SuiteBuilder::new().build();
    let (client, stranger) = (suite.client(), suite.stranger.clone());
    let (registry, settlement_addr) = (suite.registry.clone(), suite.settlement.clone());
    let refund_next_task = settlement::ExecuteMsg::Refund {
        deposit: Deposit {
            task_id: 1,
            payer: stranger.to_string(),
            asset: Asset::new(AssetInfo::cw20(suite.token.as_str()), 1_000_000u128),
        },
    };
    let forged = Hook::Receive(cw20::Cw20ReceiveMsg {
        sender: registry.to_string(),
        amount: Uint128::new(1_000_000),
        msg: to_json_binary(&refund_next_task).unwrap(),
    });
    assert!(suite
        .execute(&stranger, &settlement_addr, &forged, &[])
        .is_err());
    assert!(suite.settlement_totals().totals.is_empty());

    let task_id = suite
        .publish_cw20(&client, fixtures::spec(fixtures::first_response()), 500)
        .unwrap();
    assert_eq!(task_id, 1);
    assert_eq!(
        suite.closed_escrow(task_id),
        None,
        "settlement learns of a task when it ends"
    );
    assert_eq!(suite.cw20_balance(&settlement_addr), 500);
    suite.assert_conservation();
    let deadline = suite.task(task_id).commit_deadline;
    suite.finalize_after(&stranger, task_id, deadline);
    let escrow = suite.escrow(task_id);
    assert_eq!(
        (escrow.deposit.amount.u128(), escrow.payer, escrow.status),
        (500, client, EscrowStatus::Refunded)
    );
    suite.assert_conservation();
}

#[test]
fn a_cw20_reward_is_escrowed_and_paid_like_a_native_one() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let start = suite.cw20_balance(&client);
    let task_id = suite
        .publish_cw20(&client, fixtures::spec(fixtures::first_response()), 10_000)
        .unwrap();
    assert_eq!(suite.cw20_balance(&suite.settlement), 10_000);
    let sealed = suite.commit_result(&p0, task_id, b"r").unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &sealed).unwrap();
    assert_eq!(suite.cw20_balance(&client), start - 10_000);
    assert_eq!(suite.cw20_balance(&p0), start + 9_750);
    assert_eq!(suite.cw20_balance(&suite.treasury), 250);
    suite.assert_conservation();

    // An expired cw20 task is refunded in the token.
    let second = suite
        .publish_cw20(&client, fixtures::spec(fixtures::first_response()), 5_000)
        .unwrap();
    suite.cancel(&client, second).unwrap();
    assert_eq!(suite.cw20_balance(&client), start - 10_000);
    suite.assert_conservation();
}

#[test]
fn an_unlisted_cw20_token_is_refused() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let other = suite
        .app
        .instantiate_contract(
            suite.codes.cw20,
            client.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Other".into(),
                symbol: "OTHER".into(),
                decimals: 6,
                initial_balances: vec![cw20::Cw20Coin {
                    address: client.to_string(),
                    amount: Uint128::new(1_000),
                }],
                mint: None,
                marketing: None,
            },
            &[],
            "other",
            None,
        )
        .unwrap();
    let send = cw20::Cw20ExecuteMsg::Send {
        contract: suite.registry.to_string(),
        amount: Uint128::new(500),
        msg: to_json_binary(&ogpu_types::registry::ReceiveMsg::PublishTask {
            spec: fixtures::spec(fixtures::first_response()),
        })
        .unwrap(),
    };
    assert_error(
        suite.execute(&client, &other, &send, &[]),
        RegistryError::AssetNotAccepted {
            asset: format!("cw20:{other}"),
        },
    );
}

#[test]
fn pause_stops_new_work_but_never_traps_funds() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0, p1) = (suite.client(), suite.provider(0), suite.provider(1));
    let open = suite
        .publish(&client, fixtures::spec(fixtures::first_response()), 1_000)
        .unwrap();
    let sealed = suite.commit_result(&p0, open, b"r").unwrap();
    let idle = suite
        .publish(&client, fixtures::spec(fixtures::first_response()), 1_000)
        .unwrap();
    suite
        .as_owner(&ExecuteMsg::SetPaused { paused: true })
        .unwrap();

    assert_error(
        suite.publish(&client, fixtures::spec(fixtures::first_response()), 1_000),
        RegistryError::Paused {},
    );
    assert_error(
        suite.commit_result(&p1, open, b"r"),
        RegistryError::Paused {},
    );
    suite.advance_blocks(1);
    suite.reveal(&p0, open, &sealed).unwrap();
    suite.cancel(&client, idle).unwrap();
    let staking = suite.staking.clone();
    suite
        .execute(
            &p1,
            &staking,
            &staking::ExecuteMsg::Unbond {
                amount: Uint128::new(10),
            },
            &[],
        )
        .unwrap();
    suite
        .as_owner(&ExecuteMsg::SetPaused { paused: false })
        .unwrap();
    suite
        .publish(&client, fixtures::spec(fixtures::first_response()), 1_000)
        .unwrap();
    suite.assert_conservation();
}

#[test]
fn ownership_moves_in_two_steps() {
    let mut suite = SuiteBuilder::new().build();
    let (stranger, next) = (suite.stranger.clone(), suite.client());
    let registry = suite.registry.clone();
    suite
        .as_owner(&ExecuteMsg::TransferOwnership {
            new_owner: next.to_string(),
        })
        .unwrap();
    assert_error(
        suite.execute(&stranger, &registry, &ExecuteMsg::AcceptOwnership {}, &[]),
        RegistryError::NotPendingOwner {},
    );
    suite
        .execute(&next, &registry, &ExecuteMsg::AcceptOwnership {}, &[])
        .unwrap();
    let ownership: OwnershipResponse = suite.query_registry(&QueryMsg::Ownership {});
    assert_eq!(
        (ownership.owner, ownership.pending_owner),
        (next.clone(), None)
    );
    // The old owner lost its rights.
    assert_error(
        suite.as_owner(&ExecuteMsg::SetPaused { paused: true }),
        RegistryError::Unauthorized {
            expected: "the owner".into(),
        },
    );
}

#[test]
fn the_owner_migrates_children_through_the_registry() {
    let mut suite = SuiteBuilder::new().build();
    let info = suite
        .app
        .wrap()
        .query_wasm_contract_info(&suite.staking)
        .unwrap();
    assert_eq!(info.admin, Some(suite.registry.clone()));
    let msg = ExecuteMsg::MigrateChild {
        child: Child::Settlement,
        new_code_id: suite.codes.settlement,
        msg: to_json_binary(&MigrateMsg {}).unwrap(),
    };
    suite.as_owner(&msg).unwrap();
    // Migrating a child to a different contract is refused by the child (cw2 name check).
    let wrong = ExecuteMsg::MigrateChild {
        child: Child::Settlement,
        new_code_id: suite.codes.staking,
        msg: to_json_binary(&MigrateMsg {}).unwrap(),
    };
    assert!(suite.as_owner(&wrong).is_err());
}

#[test]
fn config_updates_reach_the_children() {
    let mut suite = SuiteBuilder::new().build();
    let new_treasury = suite.stranger.clone();
    suite
        .as_owner(&ExecuteMsg::UpdateConfig(ConfigUpdate {
            treasury: Some(new_treasury.to_string()),
            protocol_fee_bps: Some(100),
            staking: Some(StakingConfigUpdate {
                min_stake: Some(Uint128::new(1)),
                ..Default::default()
            }),
            ..Default::default()
        }))
        .unwrap();
    let s: settlement::ConfigResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.settlement, &settlement::QueryMsg::Config {})
        .unwrap();
    assert_eq!(
        (s.treasury, s.protocol_fee_bps),
        (new_treasury.clone(), 100)
    );
    let k: staking::ConfigResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.staking, &staking::QueryMsg::Config {})
        .unwrap();
    assert_eq!((k.treasury, k.params.min_stake.u128()), (new_treasury, 1));
    assert_error(
        suite.as_owner(&ExecuteMsg::UpdateConfig(ConfigUpdate {
            protocol_fee_bps: Some(10_001),
            ..Default::default()
        })),
        RegistryError::InvalidFee { bps: 10_001 },
    );
}

#[test]
fn settled_escrows_and_locks_cannot_be_settled_again() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let task_id = suite
        .publish(&client, fixtures::spec(fixtures::first_response()), 1_000)
        .unwrap();
    let sealed = suite.commit_result(&p0, task_id, b"r").unwrap();
    suite.advance_blocks(1);
    suite.reveal(&p0, task_id, &sealed).unwrap();

    // Even the registry itself cannot pay or refund twice (its ledger judges a lock once:
    // an ended task takes no more messages).
    let (registry, settlement_addr) = (suite.registry.clone(), suite.settlement.clone());
    let deposit = Deposit {
        task_id,
        payer: client.to_string(),
        asset: suite.task(task_id).reward,
    };
    let refund = settlement::ExecuteMsg::Refund {
        deposit: deposit.clone(),
    };
    assert_error(
        suite.execute(&registry, &settlement_addr, &refund, &[]),
        SettlementError::EscrowClosed { task_id },
    );
    let release = settlement::ExecuteMsg::Release {
        deposit,
        payouts: vec![Payout {
            recipient: p0.to_string(),
            amount: Uint128::new(1),
        }],
    };
    assert_error(
        suite.execute(&registry, &settlement_addr, &release, &[]),
        SettlementError::EscrowClosed { task_id },
    );
    assert_error(
        suite.reveal(&p0, task_id, &sealed),
        RegistryError::TaskNotOpen {
            task_id,
            status: TaskStatus::Completed,
        },
    );
    suite.assert_conservation();
}

#[test]
fn a_release_cannot_exceed_the_escrow() {
    let mut suite = SuiteBuilder::new().build();
    let client = suite.client();
    let task_id = suite
        .publish(&client, fixtures::spec(fixtures::first_response()), 1_000)
        .unwrap();
    let (registry, settlement_addr) = (suite.registry.clone(), suite.settlement.clone());
    let payout = |amount: u128| Payout {
        recipient: client.to_string(),
        amount: Uint128::new(amount),
    };
    let cases = [
        (
            vec![payout(600), payout(401)],
            SettlementError::PayoutExceedsEscrow {
                total: Uint128::new(1_001),
                deposit: Uint128::new(1_000),
            },
        ),
        (vec![], SettlementError::NoPayouts {}),
        (
            vec![payout(0)],
            SettlementError::ZeroPayout {
                recipient: client.to_string(),
            },
        ),
    ];
    let deposit = Deposit {
        task_id,
        payer: client.to_string(),
        asset: suite.task(task_id).reward,
    };
    for (payouts, expected) in cases {
        let deposit = deposit.clone();
        let msg = settlement::ExecuteMsg::Release { deposit, payouts };
        assert_error(
            suite.execute(&registry, &settlement_addr, &msg, &[]),
            expected,
        );
    }
    suite.assert_conservation();
}

#[test]
fn unknown_reply_ids_are_errors() {
    #[allow(deprecated)]
    let reply = |id| Reply {
        id,
        payload: Default::default(),
        gas_used: 0,
        result: SubMsgResult::Err("boom".into()),
    };
    let mut deps = mock_dependencies();
    assert_eq!(
        ogpu_task_registry::contract::reply(deps.as_mut(), mock_env(), reply(7)),
        Err(RegistryError::UnknownReplyId { id: 7 })
    );
    assert_eq!(
        ogpu_settlement::contract::reply(deps.as_mut(), mock_env(), reply(9)),
        Err(SettlementError::UnknownReplyId { id: 9 })
    );
}

#[test]
fn migrate_refuses_other_contracts_and_downgrades() {
    let mut deps = mock_dependencies();
    cw2::set_contract_version(&mut deps.storage, "crates.io:other", "0.1.0").unwrap();
    assert!(
        ogpu_task_registry::contract::migrate(deps.as_mut(), mock_env(), MigrateMsg {}).is_err()
    );
    cw2::set_contract_version(&mut deps.storage, "ogpu-task-registry", "99.0.0").unwrap();
    assert!(
        ogpu_task_registry::contract::migrate(deps.as_mut(), mock_env(), MigrateMsg {}).is_err()
    );
    // State older than the v2 layout is refused, not taken over.
    for old in ["0.0.1", "0.1.0"] {
        cw2::set_contract_version(&mut deps.storage, "ogpu-task-registry", old).unwrap();
        assert_eq!(
            ogpu_task_registry::contract::migrate(deps.as_mut(), mock_env(), MigrateMsg {}),
            Err(RegistryError::UnsupportedMigration { from: old.into() })
        );
    }
    cw2::set_contract_version(&mut deps.storage, "ogpu-task-registry", "0.2.0").unwrap();
    ogpu_task_registry::contract::migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();

    // The registry's version record does not let staking or settlement migrate over it.
    assert!(
        ogpu_provider_staking::contract::migrate(deps.as_mut(), mock_env(), MigrateMsg {}).is_err()
    );
    assert!(ogpu_settlement::contract::migrate(deps.as_mut(), mock_env(), MigrateMsg {}).is_err());
    cw2::set_contract_version(&mut deps.storage, "ogpu-settlement", "99.0.0").unwrap();
    assert!(ogpu_settlement::contract::migrate(deps.as_mut(), mock_env(), MigrateMsg {}).is_err());
}

#[test]
fn terminal_and_unknown_tasks_accept_nothing() {
    let mut suite = SuiteBuilder::new().build();
    let (client, p0) = (suite.client(), suite.provider(0));
    let stranger = suite.stranger.clone();
    let task_id = suite
        .publish(
            &client,
            fixtures::spec(fixtures::manual_confirmation()),
            1_000,
        )
        .unwrap();
    suite.cancel(&client, task_id).unwrap();
    let closed = || RegistryError::TaskNotOpen {
        task_id,
        status: TaskStatus::Cancelled,
    };
    assert_error(suite.commit_offer(&p0, task_id, b"r", 1), closed());
    assert_error(suite.cancel(&client, task_id), closed());
    assert_error(suite.finalize(&stranger, task_id), closed());
    assert_error(suite.confirm(&client, task_id, &p0), closed());
    assert_error(
        suite.finalize(&stranger, 404),
        RegistryError::TaskNotFound { task_id: 404 },
    );
    assert_error(
        suite.commit_offer(&p0, 404, b"r", 1),
        RegistryError::TaskNotFound { task_id: 404 },
    );
    suite.assert_conservation();
}
