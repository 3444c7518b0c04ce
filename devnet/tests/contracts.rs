//! The real contract suite (compiled wasm from `artifacts/`, built by `ci/build-wasm.sh`)
//! on a spawned devnet: store (raw and gzip), instantiate with child contracts created by
//! submessage + reply, execute a whole First Response task, query, simulate.

mod suite;

use cosmwasm_std_2::Addr;
use ogpu_devnet::client::{attributes, TestClient, TxOptions, DENOM};
use ogpu_devnet::DevAccount;
use ogpu_testing::{fixtures, Sealed, SealedBid};
use ogpu_types::{registry, staking, TaskStatus};
use suite::{deploy, execute, fee_of, ok, FEE_BPS};

const REWARD: u128 = 100_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_response_task_settles_on_the_real_wasm() {
    let (devnet, client) = ogpu_devnet::client::spawn().await;
    let [owner, clientk, provider] = [
        &devnet.accounts()[0],
        &devnet.accounts()[1],
        &devnet.accounts()[2],
    ];
    let suite = deploy(&client, owner).await;
    // The registry's first contract address is wasmd's classic derivation of (code 1, 1).
    assert_eq!(
        suite.registry,
        "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d"
    );

    let options = TxOptions::default();
    let register = staking::ExecuteMsg::Register {
        metadata: fixtures::metadata("devnet-gpu"),
    };
    let tx = client
        .send(
            provider,
            vec![execute(
                provider,
                &suite.staking,
                &register,
                fixtures::STAKE,
            )],
            options,
        )
        .await;
    assert!(tx.tx_result.code.is_ok(), "register: {}", tx.tx_result.log);

    let publish = registry::ExecuteMsg::PublishTask {
        spec: fixtures::spec(fixtures::first_response()),
    };
    let publish_tx = client
        .sign(
            clientk,
            vec![execute(clientk, &suite.registry, &publish, REWARD)],
            options,
        )
        .await;
    let simulated = simulate_gas(&client, &publish_tx).await;
    let tx = client
        .wait(client.broadcast(publish_tx).await.unwrap())
        .await;
    assert!(tx.tx_result.code.is_ok(), "publish: {}", tx.tx_result.log);
    let actual = tx.tx_result.gas_used as u64;
    assert!(
        simulated.abs_diff(actual) * 100 <= actual,
        "simulated {simulated} vs actual {actual}"
    );
    let task_id: u64 = attributes(&tx, "wasm-ogpu_task_published", "task_id")[0]
        .parse()
        .unwrap();

    let provider_before = client.balance(&provider.address, DENOM).await;
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
    let tx = client
        .send(
            provider,
            vec![execute(provider, &suite.registry, &commit, 0)],
            options,
        )
        .await;
    assert!(tx.tx_result.code.is_ok(), "commit: {}", tx.tx_result.log);
    let reveal = registry::ExecuteMsg::Reveal {
        task_id,
        digest: sealed.digest.clone(),
        salt: sealed.salt.clone(),
        price: None,
        result: Some(sealed.result.clone()),
    };
    let tx = client
        .send(
            provider,
            vec![execute(provider, &suite.registry, &reveal, 0)],
            options,
        )
        .await;
    assert!(tx.tx_result.code.is_ok(), "reveal: {}", tx.tx_result.log);
    assert_eq!(
        attributes(&tx, "wasm-ogpu_task_completed", "task_id"),
        [task_id.to_string()]
    );

    let details: registry::TaskDetails = client
        .smart(&suite.registry, &registry::QueryMsg::Task { task_id })
        .await
        .unwrap();
    assert_eq!(details.task.status, TaskStatus::Completed);
    let fee = REWARD * u128::from(FEE_BPS) / 10_000;
    let gas_fees = 2 * fee_of(options);
    assert_eq!(
        client.balance(&provider.address, DENOM).await,
        provider_before - gas_fees + REWARD - fee
    );

    // A contract error fails the tx with wasmd's code and changes nothing but the fee.
    let tx = client
        .send(
            provider,
            vec![execute(provider, &suite.registry, &reveal, 0)],
            options,
        )
        .await;
    assert_eq!(
        (tx.tx_result.codespace.as_str(), tx.tx_result.code.value()),
        ("wasm", 5)
    );
    assert!(
        tx.tx_result.log.contains("execute wasm contract failed"),
        "{}",
        tx.tx_result.log
    );

    // Unknown contract: a clear query error.
    let missing = client
        .smart::<serde_json::Value>(&provider.address, &registry::QueryMsg::Config {})
        .await;
    assert!(missing.unwrap_err().log.contains("no such contract"));
    devnet.shutdown().await;
}

/// A sealed-bid auction (second price, commit–reveal delivery) and a two-replica
/// Consensus round, each paid in the transaction that ends it, on the compiled wasm.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auction_and_a_consensus_round_settle_on_the_real_wasm() {
    let (devnet, client) = ogpu_devnet::client::spawn().await;
    let accounts = devnet.accounts();
    let (owner, clientk, providers) = (&accounts[0], &accounts[1], &accounts[2..4]);
    let suite = deploy(&client, owner).await;
    let register = staking::ExecuteMsg::Register {
        metadata: fixtures::metadata("devnet-gpu"),
    };
    for provider in providers {
        ok(
            &client,
            provider,
            &suite.staking,
            &register,
            fixtures::STAKE,
        )
        .await;
    }
    let addr = |account: &DevAccount| Addr::unchecked(&account.address);
    let publish = |model| registry::ExecuteMsg::PublishTask {
        spec: fixtures::spec(model),
    };
    let published = |tx: &cosmrs::rpc::endpoint::tx::Response| -> u64 {
        attributes(tx, "wasm-ogpu_task_published", "task_id")[0]
            .parse()
            .unwrap()
    };
    let gas = fee_of(TxOptions::default());
    let fee = |gross: u128| (gross * u128::from(FEE_BPS)).div_ceil(10_000);

    // Auction: p0 bids 30 000, p1 50 000; p0 wins and is paid p1's price.
    let msg = publish(fixtures::sealed_bid_auction());
    let task_id = published(&ok(&client, clientk, &suite.registry, &msg, REWARD).await);
    let winner_before = client.balance(&providers[0].address, DENOM).await;
    let bids: Vec<SealedBid> = providers
        .iter()
        .zip([30_000, 50_000])
        .map(|(p, price)| SealedBid::new(task_id, &addr(p), price))
        .collect();
    for (provider, bid) in providers.iter().zip(&bids) {
        let commit = registry::ExecuteMsg::Commit {
            task_id,
            commitment: bid.commitment.clone(),
        };
        ok(&client, provider, &suite.registry, &commit, 0).await;
    }
    devnet.advance_time(std::time::Duration::from_secs(61));
    let mut award = None;
    for (provider, bid) in providers.iter().zip(&bids) {
        let reveal = registry::ExecuteMsg::RevealBid {
            task_id,
            price: bid.price,
            salt: bid.salt.clone(),
        };
        award = Some(ok(&client, provider, &suite.registry, &reveal, 0).await);
    }
    let award = award.unwrap();
    assert_eq!(
        attributes(&award, "wasm-ogpu_task_awarded", "price"),
        ["50000"]
    );
    // The winner delivers in one transaction and is paid in it.
    let delivery = Sealed::new(task_id, &addr(&providers[0]), b"result", 50_000, None);
    let deliver = registry::ExecuteMsg::Deliver {
        task_id,
        digest: delivery.digest.clone(),
        result: delivery.result.clone(),
    };
    let tx = ok(&client, &providers[0], &suite.registry, &deliver, 0).await;
    assert_eq!(
        attributes(&tx, "wasm-ogpu_task_completed", "price"),
        ["50000"]
    );
    assert_eq!(
        client.balance(&providers[0].address, DENOM).await,
        winner_before - 3 * gas + 50_000 - fee(50_000)
    );

    // Consensus: both replicas agree on the digests they reveal; the last reveal tallies
    // and the chosen replica's delivery pays each half the reward.
    let msg = publish(fixtures::consensus(2, 2));
    let task_id = published(&ok(&client, clientk, &suite.registry, &msg, REWARD).await);
    let before = client.balance(&providers[1].address, DENOM).await;
    let sealed: Vec<Sealed> = providers
        .iter()
        .map(|p| Sealed::new(task_id, &addr(p), b"same", REWARD, None))
        .collect();
    for (provider, s) in providers.iter().zip(&sealed) {
        let commit = registry::ExecuteMsg::Commit {
            task_id,
            commitment: s.commitment.clone(),
        };
        ok(&client, provider, &suite.registry, &commit, 0).await;
    }
    let mut last = None;
    for (provider, s) in providers.iter().zip(&sealed) {
        let reveal = registry::ExecuteMsg::Reveal {
            task_id,
            digest: s.digest.clone(),
            salt: s.salt.clone(),
            price: None,
            result: None,
        };
        last = Some(ok(&client, provider, &suite.registry, &reveal, 0).await);
    }
    let chosen = attributes(&last.unwrap(), "wasm-ogpu_task_awarded", "provider");
    let index = providers
        .iter()
        .position(|p| p.address == chosen[0])
        .unwrap();
    let deliver = registry::ExecuteMsg::Deliver {
        task_id,
        digest: sealed[index].digest.clone(),
        result: sealed[index].result.clone(),
    };
    let delivered = ok(&client, &providers[index], &suite.registry, &deliver, 0).await;
    assert_eq!(
        attributes(&delivered, "wasm-ogpu_task_completed", "agreeing"),
        ["2"]
    );
    let details: registry::TaskDetails = client
        .smart(&suite.registry, &registry::QueryMsg::Task { task_id })
        .await
        .unwrap();
    assert_eq!(details.task.status, TaskStatus::Completed);
    let share = REWARD / 2;
    // Provider 1 sent its commit and reveal, and the delivery if it was chosen.
    let txs = if index == 1 { 3 } else { 2 };
    assert_eq!(
        client.balance(&providers[1].address, DENOM).await,
        before - txs * gas + share - fee(share)
    );
    devnet.shutdown().await;
}

async fn simulate_gas(client: &TestClient, tx: &[u8]) -> u64 {
    use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
    #[allow(deprecated)]
    let req = SimulateRequest {
        tx: None,
        tx_bytes: tx.to_vec(),
    };
    let resp: SimulateResponse = client
        .query("/cosmos.tx.v1beta1.Service/Simulate", &req)
        .await
        .unwrap();
    resp.gas_info.unwrap().gas_used
}

/// The same call costs wasmd's full instance cost (60 000) per contract it runs unpinned and
/// its discounted one (2 000) pinned; nothing else differs but the truncation of VM gas to
/// SDK gas. A registration runs two: staking, and the registry it reports the stake to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pinned_codes_cost_the_discounted_instance_cost() {
    let mut gas = Vec::new();
    for pin_codes in [false, true] {
        let config = ogpu_devnet::DevnetConfig {
            pin_codes,
            ..ogpu_devnet::DevnetConfig::for_tests()
        };
        let (devnet, client) = ogpu_devnet::client::spawn_with(config).await;
        let [owner, provider] = [&devnet.accounts()[0], &devnet.accounts()[2]];
        let suite = deploy(&client, owner).await;
        let register = staking::ExecuteMsg::Register {
            metadata: fixtures::metadata("devnet-gpu"),
        };
        let msg = execute(provider, &suite.staking, &register, fixtures::STAKE);
        let tx = client.send(provider, vec![msg], TxOptions::default()).await;
        assert!(tx.tx_result.code.is_ok(), "{}", tx.tx_result.log);
        gas.push(tx.tx_result.gas_used);
        devnet.shutdown().await;
    }
    let saved = gas[0] - gas[1];
    assert!(
        saved.abs_diff(2 * (60_000 - 2_000)) <= 2,
        "unpinned {} vs pinned {}",
        gas[0],
        gas[1]
    );
}
