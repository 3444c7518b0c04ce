//! A v1 deployment (the real v1 wasm, `contracts/upgrade-v2/v1/`) with bonded stake, an
//! unbonding entry, a settled task and open tasks (one with a provider's collateral
//! locked, one without a commitment) passes through `ogpu-upgrade-v2` to v2; every open
//! task then reaches its end on v2 and the funds add up.

mod suite;

use std::path::PathBuf;

use cosmrs::cosmwasm::MsgMigrateContract;
use cosmrs::tx::Msg;
use cosmrs::Any;
use cosmwasm_std_2::{Addr, Binary, Uint128};
use ogpu_devnet::client::{attributes, TestClient, TxOptions, DENOM};
use ogpu_devnet::DevAccount;
use ogpu_testing::{fixtures, Sealed};
use ogpu_types::registry::{self, Child, ProviderLedger};
use ogpu_types::settlement::{self, EscrowResponse, EscrowStatus};
use ogpu_types::{staking, Reputation, TaskStatus};
use ogpu_upgrade_v2::msg::{ExecuteMsg as Upgrade, ProgressResponse, QueryMsg as UpgradeQuery};
use suite::{artifact, deploy_codes, execute, id, ok, store, Suite, FEE_BPS};

const REWARD: u128 = 100_000;

fn v1(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/upgrade-v2/v1")
        .join(format!("{name}.wasm.gz"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn migrate(sender: &DevAccount, contract: &str, code_id: u64) -> Any {
    MsgMigrateContract {
        sender: id(&sender.address),
        contract: id(contract),
        code_id,
        msg: b"{}".to_vec(),
    }
    .to_any()
    .unwrap()
}

fn migrate_child(child: Child, new_code_id: u64) -> Upgrade {
    Upgrade::MigrateChild {
        child,
        new_code_id,
        msg: Binary::from(b"{}".to_vec()),
    }
}

async fn failed(client: &TestClient, sender: &DevAccount, msg: Any) -> String {
    let tx = client.send(sender, vec![msg], TxOptions::default()).await;
    assert!(tx.tx_result.code.is_err(), "expected a refusal");
    tx.tx_result.log
}

async fn progress(client: &TestClient, contract: &str) -> ProgressResponse {
    client
        .smart(contract, &UpgradeQuery::Progress {})
        .await
        .unwrap()
}

/// Commits to and opens (in a later block) a First Response task.
async fn commit(
    client: &TestClient,
    suite: &Suite,
    provider: &DevAccount,
    task_id: u64,
) -> (u64, Sealed) {
    let sealed = Sealed::new(
        task_id,
        &Addr::unchecked(&provider.address),
        b"the result",
        REWARD,
        None,
    );
    let commit = registry::ExecuteMsg::Commit {
        task_id,
        commitment: sealed.commitment.clone(),
    };
    ok(client, provider, &suite.registry, &commit, 0).await;
    (task_id, sealed)
}

async fn reveal(
    client: &TestClient,
    suite: &Suite,
    provider: &DevAccount,
    (task_id, sealed): &(u64, Sealed),
) {
    let reveal = registry::ExecuteMsg::Reveal {
        task_id: *task_id,
        digest: sealed.digest.clone(),
        salt: sealed.salt.clone(),
        price: None,
        result: Some(sealed.result.clone()),
    };
    let tx = ok(client, provider, &suite.registry, &reveal, 0).await;
    assert_eq!(
        attributes(&tx, "wasm-ogpu_task_completed", "task_id"),
        [task_id.to_string()]
    );
}

async fn publish(client: &TestClient, suite: &Suite, client_key: &DevAccount) -> u64 {
    let publish = registry::ExecuteMsg::PublishTask {
        spec: fixtures::spec(fixtures::first_response()),
    };
    let tx = ok(client, client_key, &suite.registry, &publish, REWARD).await;
    attributes(&tx, "wasm-ogpu_task_published", "task_id")[0]
        .parse()
        .unwrap()
}

async fn status(client: &TestClient, suite: &Suite, task_id: u64) -> TaskStatus {
    let task: ogpu_types::Task = client
        .smart(&suite.registry, &registry::QueryMsg::TaskHeader { task_id })
        .await
        .unwrap();
    task.status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v1_deployment_with_open_tasks_upgrades_to_v2_and_every_task_ends() {
    let (devnet, client) = ogpu_devnet::client::spawn().await;
    let accounts = devnet.accounts();
    let (owner, client_key, p1, p2) = (&accounts[0], &accounts[1], &accounts[2], &accounts[3]);

    // v1: two providers, a settled task, a task with p1's collateral locked, an open task
    // nobody committed to, and an unbonding entry.
    let suite = deploy_codes(
        &client,
        owner,
        [
            v1("ogpu_task_registry"),
            v1("ogpu_provider_staking"),
            v1("ogpu_settlement"),
        ],
    )
    .await;
    let register = staking::ExecuteMsg::Register {
        metadata: fixtures::metadata("devnet-gpu"),
    };
    for provider in [p1, p2] {
        ok(
            &client,
            provider,
            &suite.staking,
            &register,
            fixtures::STAKE,
        )
        .await;
    }
    let settled = publish(&client, &suite, client_key).await;
    let sealed = commit(&client, &suite, p1, settled).await;
    reveal(&client, &suite, p1, &sealed).await;
    let locked = publish(&client, &suite, client_key).await;
    let pending = commit(&client, &suite, p1, locked).await;
    let uncommitted = publish(&client, &suite, client_key).await;
    let unbond = staking::ExecuteMsg::Unbond {
        amount: Uint128::new(1_000),
    };
    ok(&client, p2, &suite.staking, &unbond, 0).await;
    let settlement_v1 = client.balance(&suite.settlement, DENOM).await;
    assert_eq!(settlement_v1, 2 * REWARD, "two open escrows");
    let staking_v1 = client.balance(&suite.staking, DENOM).await;

    // The codes: the upgrade, and v2.
    let upgrade = store(&client, owner, artifact("ogpu_upgrade_v2.wasm")).await;
    let v2 = [
        store(&client, owner, artifact("ogpu_task_registry.wasm")).await,
        store(&client, owner, artifact("ogpu_provider_staking.wasm")).await,
        store(&client, owner, artifact("ogpu_settlement.wasm")).await,
    ];

    // v2 refuses v1 state outright, and a child may not start before the registry.
    let log = failed(&client, owner, migrate(owner, &suite.registry, v2[0])).await;
    assert!(
        log.contains("migrate it through ogpu-upgrade-v2 first"),
        "{log}"
    );
    let early = registry::ExecuteMsg::MigrateChild {
        child: Child::Staking,
        new_code_id: upgrade,
        msg: Binary::from(b"{}".to_vec()),
    };
    let log = failed(&client, owner, execute(owner, &suite.registry, &early, 0)).await;
    assert!(log.contains("upgrade the registry first"), "{log}");

    // Registry first (its wasm admin), then the children through it (their admin).
    ok_any(&client, owner, migrate(owner, &suite.registry, upgrade)).await;
    let stranger = migrate_child(Child::Staking, upgrade);
    let log = failed(&client, p2, execute(p2, &suite.registry, &stranger, 0)).await;
    assert!(log.contains("only the registry's owner"), "{log}");
    for child in [Child::Staking, Child::Settlement] {
        ok(
            &client,
            owner,
            &suite.registry,
            &migrate_child(child, upgrade),
            0,
        )
        .await;
    }
    // While upgrading, the market answers nothing else and no fund moves.
    let log = failed(
        &client,
        client_key,
        execute(
            client_key,
            &suite.registry,
            &registry::ExecuteMsg::CancelTask {
                task_id: uncommitted,
            },
            0,
        ),
    )
    .await;
    assert!(log.contains("unknown variant"), "{log}");
    let log = failed(
        &client,
        p2,
        execute(p2, &suite.staking, &staking::ExecuteMsg::Claim {}, 0),
    )
    .await;
    assert!(log.contains("unknown variant"), "{log}");

    // Steps of two records, by anyone, until all three are done; the registry waits for
    // its children.
    let step = Upgrade::Step { limit: Some(2) };
    let mut steps = 0;
    loop {
        let mut all_done = true;
        for contract in [&suite.staking, &suite.settlement, &suite.registry] {
            if !progress(&client, contract).await.done {
                ok(&client, p2, contract, &step, 0).await;
                all_done = false;
            }
        }
        if all_done {
            break;
        }
        steps += 1;
        assert!(steps < 20, "the upgrade should end in a few steps");
    }
    let registry_progress = progress(&client, &suite.registry).await;
    assert_eq!(
        (registry_progress.stage, registry_progress.done),
        (None, true)
    );

    // v2: the registry by its admin, the children through it.
    ok_any(&client, owner, migrate(owner, &suite.registry, v2[0])).await;
    let to_v2 = |child, code| registry::ExecuteMsg::MigrateChild {
        child,
        new_code_id: code,
        msg: Binary::from(b"{}".to_vec()),
    };
    ok(
        &client,
        owner,
        &suite.registry,
        &to_v2(Child::Staking, v2[1]),
        0,
    )
    .await;
    ok(
        &client,
        owner,
        &suite.registry,
        &to_v2(Child::Settlement, v2[2]),
        0,
    )
    .await;
    assert_eq!(
        client.balance(&suite.settlement, DENOM).await,
        settlement_v1
    );
    assert_eq!(client.balance(&suite.staking, DENOM).await, staking_v1);

    // The books moved: p1's lock and earnings, its reputation, the settled escrow.
    let ledger = |provider: &DevAccount| registry::QueryMsg::ProviderLedger {
        provider: provider.address.clone(),
    };
    let p1_ledger: ProviderLedger = client.smart(&suite.registry, &ledger(p1)).await.unwrap();
    assert_eq!(p1_ledger.locked, Uint128::new(fixtures::COLLATERAL));
    assert_eq!(p1_ledger.reputation.completed, 1);
    assert_eq!(p1_ledger.earnings.len(), 1);
    let escrow = |task_id| settlement::QueryMsg::Escrow { task_id };
    let closed: Option<EscrowResponse> = client
        .smart(&suite.settlement, &escrow(settled))
        .await
        .unwrap();
    assert_eq!(closed.map(|e| e.status), Some(EscrowStatus::Released));
    let open: Option<EscrowResponse> = client
        .smart(&suite.settlement, &escrow(locked))
        .await
        .unwrap();
    assert_eq!(
        open, None,
        "an open task's reward is the registry's record in v2"
    );

    // Every open task ends on v2: p1 opens its v1 commitment and is paid; the client
    // cancels the task nobody took; p2, whose stake moved, wins a new task.
    let p1_before = client.balance(&p1.address, DENOM).await;
    reveal(&client, &suite, p1, &pending).await;
    let gas = suite::fee_of(TxOptions::default());
    let fee = REWARD * u128::from(FEE_BPS) / 10_000;
    assert_eq!(
        client.balance(&p1.address, DENOM).await,
        p1_before - gas + REWARD - fee
    );
    let client_before = client.balance(&client_key.address, DENOM).await;
    let cancel = registry::ExecuteMsg::CancelTask {
        task_id: uncommitted,
    };
    ok(&client, client_key, &suite.registry, &cancel, 0).await;
    assert_eq!(
        client.balance(&client_key.address, DENOM).await,
        client_before - gas + REWARD
    );
    let fresh = publish(&client, &suite, client_key).await;
    let sealed = commit(&client, &suite, p2, fresh).await;
    reveal(&client, &suite, p2, &sealed).await;
    for task_id in [settled, locked, fresh] {
        assert_eq!(
            status(&client, &suite, task_id).await,
            TaskStatus::Completed
        );
    }
    assert_eq!(
        status(&client, &suite, uncommitted).await,
        TaskStatus::Cancelled
    );

    // Conservation: settlement holds nothing once every task ended; staking holds exactly
    // its bonded and unbonding stake; p1's books are closed.
    assert_eq!(client.balance(&suite.settlement, DENOM).await, 0);
    let totals: staking::StakingTotals = client
        .smart(&suite.staking, &staking::QueryMsg::Totals {})
        .await
        .unwrap();
    assert_eq!(
        client.balance(&suite.staking, DENOM).await,
        (totals.bonded + totals.unbonding + totals.credited).u128()
    );
    assert_eq!(totals.unbonding, Uint128::new(1_000));
    let p1_ledger: ProviderLedger = client.smart(&suite.registry, &ledger(p1)).await.unwrap();
    assert_eq!(p1_ledger.locked, Uint128::zero());
    assert_eq!(
        p1_ledger.reputation,
        Reputation {
            completed: 2,
            ..Reputation::default()
        }
    );
    let settlement_totals: settlement::TotalsResponse = client
        .smart(&suite.settlement, &settlement::QueryMsg::Totals {})
        .await
        .unwrap();
    let native = &settlement_totals.totals[0];
    assert_eq!(native.deposited, Uint128::new(4 * REWARD));
    assert_eq!(
        native.paid_out + native.fees + native.refunded,
        native.deposited
    );
    assert_eq!(native.refunded, Uint128::new(REWARD));
    devnet.shutdown().await;
}

async fn ok_any(client: &TestClient, sender: &DevAccount, msg: Any) {
    let tx = client.send(sender, vec![msg], TxOptions::default()).await;
    assert!(tx.tx_result.code.is_ok(), "{}", tx.tx_result.log);
}
