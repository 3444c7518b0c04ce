//! The client library against a spawned devnet running the real contract wasm: deploy (and
//! redeploy reusing the stored codes), both competition models driven by two keys through
//! the typed contract handles, gas auto, gas above `max_gas` refused with nothing sent,
//! sequence-mismatch recovery, typed events, the event
//! stream, and clear errors for a wrong chain id and an unreachable node.

use std::path::PathBuf;

use cosmrs::crypto::secp256k1::SigningKey;
use cosmwasm_std::{Addr, Uint128};
use ogpu_client::deploy::deploy;
use ogpu_client::stream::{events_of, EventStream};
use ogpu_client::{
    dispute_round, ogpu_events, ChainConfig, Client, ClientError, Deployment, Gas, Signer,
};
use ogpu_devnet::{DevAccount, Devnet, DevnetConfig};
use ogpu_testing::{fixtures, Sealed};
use ogpu_types::events as names;
use ogpu_types::registry::{self, AcceptedAsset};
use ogpu_types::{staking, AssetInfo, TaskStatus};

const DENOM: &str = "ustake";
const REWARD: u128 = 50_000;
/// The bond of the disputed task's terms.
const BOND: u128 = 20_000;
const REVEAL_GAS: Gas = Gas::Fixed(1_000_000);
/// `fixtures::manual_confirmation()`'s commit window, seconds.
const COMMIT_WINDOW: u64 = 600;

fn artifacts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts")
}

fn signer(account: &DevAccount) -> Signer {
    Signer::new(
        SigningKey::from_slice(&account.private_key).unwrap(),
        "wasm",
    )
    .unwrap()
}

fn suite_params(treasury: &str) -> registry::InstantiateMsg {
    fixtures::devnet_suite(treasury)
}

async fn start() -> (Devnet, Client) {
    let devnet = Devnet::spawn(DevnetConfig::for_tests()).await.unwrap();
    let config = ChainConfig {
        node: devnet.rpc_url(),
        ..ChainConfig::default()
    };
    let client = Client::connect(config).await.unwrap();
    (devnet, client)
}

async fn task_status(client: &Client, deployment: &Deployment, task_id: u64) -> TaskStatus {
    let details: registry::TaskDetails = deployment
        .registry()
        .query(client, &registry::QueryMsg::Task { task_id })
        .await
        .unwrap();
    details.task.status
}

/// Publishes `spec` from `client_key` and returns the task id from the typed event.
async fn publish(
    client: &Client,
    deployment: &Deployment,
    key: &mut Signer,
    spec: ogpu_types::TaskSpec,
) -> u64 {
    let asset = AssetInfo::Native {
        denom: DENOM.into(),
    };
    let msg = deployment
        .registry()
        .publish(key.address(), spec, &asset, REWARD)
        .unwrap();
    let outcome = client.send(key, vec![msg], Gas::Auto).await.unwrap();
    let published = ogpu_events(&outcome)
        .into_iter()
        .find(|e| e.name == names::TASK_PUBLISHED)
        .unwrap();
    published.task_id().unwrap()
}

/// Registers `provider` on the staking contract with the fixtures' stake.
async fn register_provider(
    client: &Client,
    deployment: &Deployment,
    provider: &mut Signer,
    moniker: &str,
) {
    let register = staking::ExecuteMsg::Register {
        metadata: fixtures::metadata(moniker),
    };
    let funds = vec![ogpu_client::deployment::coin(DENOM, fixtures::STAKE).unwrap()];
    let msg = deployment
        .staking()
        .execute(provider.address(), &register, funds)
        .unwrap();
    client.send(provider, vec![msg], Gas::Auto).await.unwrap();
}

/// The provider's side of a First Response task: commit, then reveal in a later block. A
/// reveal simulated in the commit's own block is refused (simulation runs at the last
/// committed height, as the SDK's check state does), so it uses a fixed gas.
async fn win_first_response(
    client: &Client,
    deployment: &Deployment,
    provider: &mut Signer,
    task_id: u64,
    result: &[u8],
) -> ogpu_client::TxOutcome {
    let sealed = Sealed::new(
        task_id,
        &Addr::unchecked(provider.address()),
        result,
        REWARD,
        None,
    );
    let commit = registry::ExecuteMsg::Commit {
        task_id,
        commitment: sealed.commitment.clone(),
    };
    let msg = deployment
        .registry()
        .execute(provider.address(), &commit, vec![])
        .unwrap();
    client.send(provider, vec![msg], Gas::Auto).await.unwrap();
    let reveal = registry::ExecuteMsg::Reveal {
        task_id,
        digest: sealed.digest,
        salt: sealed.salt,
        price: None,
        result: Some(sealed.result),
    };
    let msg = deployment
        .registry()
        .execute(provider.address(), &reveal, vec![])
        .unwrap();
    client.send(provider, vec![msg], REVEAL_GAS).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_and_run_both_models_with_two_keys() {
    let (devnet, client) = start().await;
    let accounts = devnet.accounts();
    let (mut owner, mut buyer, mut provider) = (
        signer(&accounts[0]),
        signer(&accounts[1]),
        signer(&accounts[2]),
    );
    let deployment = {
        let params = suite_params(owner.address());
        deploy(&client, &mut owner, &artifacts(), params, "ogpu")
            .await
            .unwrap()
    };
    // A second deployment reuses the three stored codes.
    let params = suite_params(owner.address());
    let again = deploy(&client, &mut owner, &artifacts(), params, "ogpu-2")
        .await
        .unwrap();
    assert_eq!(again.codes, deployment.codes);
    assert_ne!(again.registry, deployment.registry);

    register_provider(&client, &deployment, &mut provider, "client-test").await;

    // First Response: commit, reveal, paid.
    let task_id = publish(
        &client,
        &deployment,
        &mut buyer,
        fixtures::spec(fixtures::first_response()),
    )
    .await;
    let outcome =
        win_first_response(&client, &deployment, &mut provider, task_id, b"fr result").await;
    let names_seen: Vec<_> = ogpu_events(&outcome).iter().map(|e| e.name).collect();
    assert!(
        names_seen.contains(&names::TASK_COMPLETED),
        "{names_seen:?}"
    );
    assert!(names_seen.contains(&names::PAYOUT), "{names_seen:?}");
    assert_eq!(
        task_status(&client, &deployment, task_id).await,
        TaskStatus::Completed
    );

    // Manual Confirmation: a sealed offer at a price, revealed (digest and price), chosen by
    // the client, delivered and paid in the delivery.
    let task_id = publish(
        &client,
        &deployment,
        &mut buyer,
        fixtures::spec(fixtures::manual_confirmation()),
    )
    .await;
    let price = REWARD / 2;
    let sealed = Sealed::new(
        task_id,
        &Addr::unchecked(provider.address()),
        b"mc result",
        price,
        Some(price),
    );
    let commit = registry::ExecuteMsg::Commit {
        task_id,
        commitment: sealed.commitment.clone(),
    };
    let msg = deployment
        .registry()
        .execute(provider.address(), &commit, vec![])
        .unwrap();
    client
        .send(&mut provider, vec![msg], Gas::Auto)
        .await
        .unwrap();
    // Offers are revealed after the commit window: move the chain's clock past it.
    devnet.advance_time(std::time::Duration::from_secs(COMMIT_WINDOW));
    let reveal = registry::ExecuteMsg::Reveal {
        task_id,
        digest: sealed.digest.clone(),
        salt: sealed.salt,
        price: sealed.price,
        result: None,
    };
    let msg = deployment
        .registry()
        .execute(provider.address(), &reveal, vec![])
        .unwrap();
    client
        .send(&mut provider, vec![msg], REVEAL_GAS)
        .await
        .unwrap();
    let confirm = registry::ExecuteMsg::Confirm {
        task_id,
        provider: provider.address().to_string(),
    };
    let msg = deployment
        .registry()
        .execute(buyer.address(), &confirm, vec![])
        .unwrap();
    client.send(&mut buyer, vec![msg], Gas::Auto).await.unwrap();
    let provider_before = client.balance(provider.address(), DENOM).await.unwrap();
    let deliver = registry::ExecuteMsg::Deliver {
        task_id,
        digest: sealed.digest,
        result: sealed.result,
    };
    let msg = deployment
        .registry()
        .execute(provider.address(), &deliver, vec![])
        .unwrap();
    let delivered = client
        .send(&mut provider, vec![msg], Gas::Auto)
        .await
        .unwrap();
    // The provider pays its delivery's fee (in the same denom), charged on the gas limit.
    let gas_fee = client.fee_for(delivered.gas_wanted).unwrap().amount;
    assert_eq!(
        task_status(&client, &deployment, task_id).await,
        TaskStatus::Completed
    );
    let fee = price / 100;
    assert_eq!(
        client
            .balance(provider.address(), DENOM)
            .await
            .unwrap()
            .u128(),
        provider_before.u128() + price - fee - gas_fee
    );

    // A result published with dispute terms: the client disputes it, posting the bond,
    // which opens a consensus re-run round.
    let spec = ogpu_types::TaskSpec {
        dispute: Some(ogpu_types::DisputeTerms {
            window: 600,
            replicas: 3,
            quorum: 2,
            bond: Uint128::new(BOND),
        }),
        ..fixtures::spec(fixtures::first_response())
    };
    let task_id = publish(&client, &deployment, &mut buyer, spec).await;
    win_first_response(&client, &deployment, &mut provider, task_id, b"disputed").await;
    let asset = AssetInfo::Native {
        denom: DENOM.into(),
    };
    let msg = deployment
        .registry()
        .dispute(buyer.address(), task_id, &asset, BOND)
        .unwrap();
    let disputed = client.send(&mut buyer, vec![msg], Gas::Auto).await.unwrap();
    let round = dispute_round(&disputed).expect("the dispute names its round");
    assert_eq!(
        task_status(&client, &deployment, round).await,
        TaskStatus::Open
    );

    // A stranger's confirm is refused with the contract's error, as a DeliverTx rejection.
    let msg = deployment
        .registry()
        .execute(provider.address(), &confirm, vec![])
        .unwrap();
    let err = client
        .send(&mut provider, vec![msg], Gas::Fixed(500_000))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Rejected {
                stage: "DeliverTx",
                code: 5,
                ..
            }
        ),
        "{err}"
    );
    devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_sequence_is_refreshed_and_retried() {
    let (devnet, client) = start().await;
    let account = &devnet.accounts()[3];
    let (mut first, mut second) = (signer(account), signer(account));
    let to = devnet.accounts()[4].address.clone();
    let send = |from: &str, amount: u128| {
        ogpu_client::deployment::bank_send(from, &to, DENOM, amount).unwrap()
    };
    // Both signers cache sequence 0 before either sends.
    let (one, two) = (send(first.address(), 1), send(second.address(), 2));
    client
        .simulate(&mut first, std::slice::from_ref(&one))
        .await
        .unwrap();
    client
        .simulate(&mut second, std::slice::from_ref(&two))
        .await
        .unwrap();
    client
        .send(&mut first, vec![one], Gas::Fixed(200_000))
        .await
        .unwrap();
    // The second one signs with the stale sequence, is refused (32), refreshes, succeeds.
    let outcome = client
        .send(&mut second, vec![two], Gas::Fixed(200_000))
        .await
        .unwrap();
    assert_eq!(outcome.code, 0);
    // The first one's cached sequence is now stale too: with gas auto the same (an SDK
    // node's simulation reports the mismatch, the devnet's CheckTx; both are retried).
    let three = send(first.address(), 3);
    let outcome = client
        .send(&mut first, vec![three], Gas::Auto)
        .await
        .unwrap();
    assert_eq!(outcome.code, 0);
    assert_eq!(
        client
            .account(second.address())
            .await
            .unwrap()
            .unwrap()
            .sequence,
        3
    );
    devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gas_above_max_gas_is_refused_and_nothing_is_sent() {
    let (devnet, client) = start().await;
    let account = &devnet.accounts()[3];
    let mut key = signer(account);
    let to = devnet.accounts()[4].address.clone();
    let msg = ogpu_client::deployment::bank_send(key.address(), &to, DENOM, 1).unwrap();
    let simulated = client
        .simulate(&mut key, std::slice::from_ref(&msg))
        .await
        .unwrap();
    let estimate = ogpu_client::gas::adjusted(simulated, client.config().gas_adjustment);
    // A limit between the simulated gas and its adjusted estimate: a cut-down limit might
    // even have passed, but the rule refuses rather than guesses.
    let max_gas = simulated + (estimate - simulated) / 2;
    let tight = Client::connect(ChainConfig {
        max_gas,
        ..client.config().clone()
    })
    .await
    .unwrap();
    let before = client.balance(&to, DENOM).await.unwrap();
    let err = tight
        .send(&mut key, vec![msg.clone()], Gas::Auto)
        .await
        .unwrap_err();
    match &err {
        ClientError::GasAboveMax { gas, max_gas: max } => {
            assert_eq!((*gas, *max), (estimate, max_gas));
        }
        other => panic!("{other}"),
    }
    let text = err.to_string();
    for needed in [
        estimate.to_string(),
        max_gas.to_string(),
        "raise `max_gas`".into(),
        "nothing was sent".into(),
    ] {
        assert!(text.contains(&needed), "{text}");
    }
    // A fixed limit above it is refused the same way, and signing alone as well.
    let fixed = Gas::Fixed(max_gas + 1);
    let err = tight.send(&mut key, vec![msg.clone()], fixed).await;
    assert!(
        matches!(err, Err(ClientError::GasAboveMax { .. })),
        "{err:?}"
    );
    let err = tight
        .sign(&mut key, std::slice::from_ref(&msg), fixed)
        .await;
    assert!(
        matches!(err, Err(ClientError::GasAboveMax { .. })),
        "{err:?}"
    );
    // Nothing reached the chain: no transfer, the account's sequence unmoved.
    assert_eq!(client.balance(&to, DENOM).await.unwrap(), before);
    let account = client.account(key.address()).await.unwrap().unwrap();
    assert_eq!(account.sequence, 0);
    // Within the limit the same client sends.
    let outcome = tight
        .send(&mut key, vec![msg], Gas::Fixed(max_gas))
        .await
        .unwrap();
    assert_eq!(outcome.gas_wanted, max_gas);
    devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_stream_catches_up_then_follows_live() {
    let (devnet, client) = start().await;
    let accounts = devnet.accounts();
    let (mut owner, mut buyer) = (signer(&accounts[0]), signer(&accounts[1]));
    let deployment = {
        let params = suite_params(owner.address());
        deploy(&client, &mut owner, &artifacts(), params, "ogpu")
            .await
            .unwrap()
    };
    // One task before the stream starts (caught up), one after (live).
    let early = publish(
        &client,
        &deployment,
        &mut buyer,
        fixtures::spec(fixtures::first_response()),
    )
    .await;
    let mut stream = EventStream::follow(
        &devnet.rpc_url(),
        events_of(names::TASK_PUBLISHED, &deployment.registry),
        1,
    );
    let late = publish(
        &client,
        &deployment,
        &mut buyer,
        fixtures::spec(fixtures::first_response()),
    )
    .await;
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let observed = tokio::time::timeout(std::time::Duration::from_secs(15), stream.next())
            .await
            .unwrap()
            .unwrap();
        if observed.event.name == names::TASK_PUBLISHED
            && !seen.contains(&observed.event.task_id().unwrap())
        {
            seen.push(observed.event.task_id().unwrap());
        }
    }
    assert_eq!(seen, [early, late]);
    devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_chain_and_unreachable_node_say_what_to_fix() {
    let devnet = Devnet::spawn(DevnetConfig::for_tests()).await.unwrap();
    let config = ChainConfig {
        node: devnet.rpc_url(),
        chain_id: "other-1".into(),
        ..ChainConfig::default()
    };
    let err = Client::connect(config).await.err().unwrap();
    assert!(matches!(err, ClientError::WrongChain { .. }), "{err}");
    assert!(err.to_string().contains("--chain-id"), "{err}");
    let port = devnet.rpc_addr().port();
    devnet.shutdown().await;
    let config = ChainConfig {
        node: format!("http://127.0.0.1:{port}"),
        ..ChainConfig::default()
    };
    let err = Client::connect(config).await.err().unwrap();
    assert!(matches!(err, ClientError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains("is it running?"), "{err}");
    assert_eq!(
        err.to_string().lines().count(),
        1,
        "one line, no trace: {err}"
    );
}

/// A cw20 reward: the token (cw20-base's own code, `devnet/cw20`) is sent to the registry
/// with the task as its hook, escrowed, and paid to the winner in the token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cw20_reward_is_escrowed_and_paid_in_the_token() {
    use cosmrs::cosmwasm::MsgInstantiateContract;
    use cosmrs::tx::Msg as _;

    let (devnet, client) = start().await;
    let accounts = devnet.accounts();
    let (mut owner, mut buyer, mut provider) = (
        signer(&accounts[0]),
        signer(&accounts[1]),
        signer(&accounts[2]),
    );
    let wasm = std::fs::read(artifacts().join("ogpu_devnet_cw20.wasm")).unwrap();
    let (code, _) = ogpu_client::deploy::store_or_reuse(&client, &mut owner, &wasm)
        .await
        .unwrap();
    let init = cw20_base::msg::InstantiateMsg {
        name: "Test Dollar".into(),
        symbol: "TUSD".into(),
        decimals: 6,
        initial_balances: vec![cw20::Cw20Coin {
            address: buyer.address().to_string(),
            amount: Uint128::new(1_000_000),
        }],
        mint: None,
        marketing: None,
    };
    let msg = MsgInstantiateContract {
        sender: owner.address().parse().unwrap(),
        admin: None,
        code_id: code.code_id,
        label: Some("tusd".into()),
        msg: serde_json::to_vec(&init).unwrap(),
        funds: vec![],
    };
    let outcome = client
        .send(&mut owner, vec![msg.to_any().unwrap()], Gas::Auto)
        .await
        .unwrap();
    let token = outcome
        .attribute("instantiate", "_contract_address")
        .unwrap()
        .to_string();
    let asset = AssetInfo::Cw20 {
        contract_addr: token.clone(),
    };

    let mut params = suite_params(owner.address());
    params.accepted_assets.push(AcceptedAsset {
        info: asset.clone(),
        min_reward: Uint128::new(1_000),
    });
    let deployment = deploy(&client, &mut owner, &artifacts(), params, "ogpu")
        .await
        .unwrap();
    register_provider(&client, &deployment, &mut provider, "cw20-test").await;

    let publish = deployment
        .registry()
        .publish(
            buyer.address(),
            fixtures::spec(fixtures::first_response()),
            &asset,
            REWARD,
        )
        .unwrap();
    let outcome = client
        .send(&mut buyer, vec![publish], Gas::Auto)
        .await
        .unwrap();
    let task_id = ogpu_events(&outcome)
        .iter()
        .find(|e| e.name == names::TASK_PUBLISHED)
        .unwrap()
        .task_id()
        .unwrap();
    win_first_response(&client, &deployment, &mut provider, task_id, b"cw20 result").await;

    let balance = |address: String| {
        let query = cw20::Cw20QueryMsg::Balance { address };
        let client = &client;
        let token = token.clone();
        async move {
            client
                .smart::<cw20::BalanceResponse>(&token, &query)
                .await
                .unwrap()
                .balance
                .u128()
        }
    };
    assert_eq!(
        balance(provider.address().to_string()).await,
        REWARD - REWARD / 100
    );
    assert_eq!(
        balance(buyer.address().to_string()).await,
        1_000_000 - REWARD
    );
    assert_eq!(
        task_status(&client, &deployment, task_id).await,
        TaskStatus::Completed
    );
    devnet.shutdown().await;
}

/// `deploy::migrate` carries a v1 deployment (the v1 wasm kept in
/// `contracts/upgrade-v2/v1/`) through the upgrade code to v2: a provider registered and a
/// task published on v1 meet on v2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_carries_a_v1_deployment_to_v2() {
    let (devnet, client) = start().await;
    let accounts = devnet.accounts();
    let (mut owner, mut client_key, mut provider) = (
        signer(&accounts[0]),
        signer(&accounts[1]),
        signer(&accounts[2]),
    );
    let v1 = tempfile::tempdir().unwrap();
    let fixtures_dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts/upgrade-v2/v1");
    for name in ogpu_client::deploy::ARTIFACTS {
        let gz = std::fs::read(fixtures_dir.join(format!("{name}.gz"))).unwrap();
        let mut wasm = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut wasm).unwrap();
        std::fs::write(v1.path().join(name), wasm).unwrap();
    }
    let params = suite_params(owner.address());
    let deployment = deploy(&client, &mut owner, v1.path(), params, "ogpu-v1")
        .await
        .unwrap();
    assert!(ogpu_client::upgrade::is_v1(&client, &deployment)
        .await
        .unwrap());
    register_provider(&client, &deployment, &mut provider, "from-v1").await;
    let task_id = publish(
        &client,
        &deployment,
        &mut client_key,
        fixtures::spec(fixtures::first_response()),
    )
    .await;

    let upgraded = ogpu_client::deploy::migrate(&client, &mut owner, &deployment, &artifacts())
        .await
        .unwrap();
    for contract in [&upgraded.registry, &upgraded.staking, &upgraded.settlement] {
        let version = ogpu_client::upgrade::contract_version(&client, contract)
            .await
            .unwrap();
        assert_eq!(version, env!("CARGO_PKG_VERSION"), "{contract}");
    }
    assert_ne!(upgraded.codes, deployment.codes);
    win_first_response(&client, &upgraded, &mut provider, task_id, b"v2").await;
    assert_eq!(
        task_status(&client, &upgraded, task_id).await,
        TaskStatus::Completed
    );
    // Migrating again finds nothing to do.
    let again = ogpu_client::deploy::migrate(&client, &mut owner, &upgraded, &artifacts())
        .await
        .unwrap();
    assert_eq!(again.codes, upgraded.codes);
}
