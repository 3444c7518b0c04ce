//! Deploying the OpenGPU contract suite (the wasm in `artifacts/`, built by
//! `ci/build-wasm.sh`) on a devnet: shared by the contract tests and the benchmark.

#![allow(dead_code)] // each user takes part of it

use std::io::Write;
use std::path::PathBuf;

use cosmrs::cosmwasm::{MsgExecuteContract, MsgInstantiateContract, MsgStoreCode};
use cosmrs::tx::Msg;
use cosmrs::{AccountId, Any, Coin};
use cosmwasm_std_2::Uint128;
use ogpu_devnet::client::{attributes, TestClient, TxOptions, DENOM};
use ogpu_devnet::DevAccount;
use ogpu_testing::fixtures;
use ogpu_types::registry::{self, AcceptedAsset};
use ogpu_types::AssetInfo;

pub const FEE_BPS: u16 = 100;

pub fn artifact(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../artifacts")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} — build the contracts first: bash ci/build-wasm.sh",
            path.display()
        )
    })
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

pub fn id(address: &str) -> AccountId {
    address.parse().unwrap()
}

pub fn execute(
    sender: &DevAccount,
    contract: &str,
    msg: &impl serde::Serialize,
    funds: u128,
) -> Any {
    let funds = if funds == 0 {
        vec![]
    } else {
        vec![Coin {
            denom: DENOM.parse().unwrap(),
            amount: funds,
        }]
    };
    MsgExecuteContract {
        sender: id(&sender.address),
        contract: id(contract),
        msg: serde_json::to_vec(msg).unwrap(),
        funds,
    }
    .to_any()
    .unwrap()
}

pub fn fee_of(options: TxOptions) -> u128 {
    u128::from((options.gas * 25).div_ceil(1000))
}

pub struct Suite {
    pub registry: String,
    pub staking: String,
    pub settlement: String,
}

/// Stores `wasm` (raw or gzipped) and returns its code id.
pub async fn store(client: &TestClient, owner: &DevAccount, wasm: Vec<u8>) -> u64 {
    let big = TxOptions {
        gas: 30_000_000,
        ..TxOptions::default()
    };
    let msg = MsgStoreCode {
        sender: id(&owner.address),
        wasm_byte_code: wasm,
        instantiate_permission: None,
    };
    let tx = client.send(owner, vec![msg.to_any().unwrap()], big).await;
    assert!(tx.tx_result.code.is_ok(), "store: {}", tx.tx_result.log);
    attributes(&tx, "store_code", "code_id")[0].parse().unwrap()
}

/// Stores the three codes (the registry gzipped, as `wasmd tx wasm store` may send it)
/// and instantiates the registry, which instantiates its children by submessage.
pub async fn deploy(client: &TestClient, owner: &DevAccount) -> Suite {
    let codes = [
        gzip(&artifact("ogpu_task_registry.wasm")),
        artifact("ogpu_provider_staking.wasm"),
        artifact("ogpu_settlement.wasm"),
    ];
    deploy_codes(client, owner, codes).await
}

/// [`deploy`] with the given registry, staking and settlement code.
pub async fn deploy_codes(client: &TestClient, owner: &DevAccount, codes: [Vec<u8>; 3]) -> Suite {
    let mut code_ids = Vec::new();
    for wasm in codes {
        code_ids.push(store(client, owner, wasm).await);
    }
    let mut limits = fixtures::limits();
    limits.min_collateral = Uint128::new(100);
    let init = registry::InstantiateMsg {
        owner: None,
        treasury: owner.address.clone(),
        protocol_fee_bps: FEE_BPS,
        accepted_assets: vec![AcceptedAsset {
            info: AssetInfo::Native {
                denom: DENOM.into(),
            },
            min_reward: Uint128::new(100),
        }],
        limits,
        staking_code_id: code_ids[1],
        settlement_code_id: code_ids[2],
        staking: fixtures::staking_params(),
    };
    let msg = MsgInstantiateContract {
        sender: id(&owner.address),
        admin: Some(id(&owner.address)),
        code_id: code_ids[0],
        label: Some("ogpu-task-registry".into()),
        msg: serde_json::to_vec(&init).unwrap(),
        funds: vec![],
    };
    let tx = client
        .send(owner, vec![msg.to_any().unwrap()], TxOptions::default())
        .await;
    assert!(
        tx.tx_result.code.is_ok(),
        "instantiate: {}",
        tx.tx_result.log
    );
    // The registry first, then the two children its submessages created (and its replies).
    let instantiated = attributes(&tx, "instantiate", "_contract_address");
    assert_eq!(instantiated.len(), 3, "registry + staking + settlement");
    assert_eq!(
        attributes(&tx, "reply", "_contract_address").len(),
        2,
        "one reply per child"
    );
    let registry = instantiated[0].clone();
    let config: registry::ConfigResponse = client
        .smart(&registry, &registry::QueryMsg::Config {})
        .await
        .unwrap();
    assert_eq!(config.staking.as_str(), instantiated[1]);
    assert_eq!(config.settlement.as_str(), instantiated[2]);
    Suite {
        registry,
        staking: config.staking.to_string(),
        settlement: config.settlement.to_string(),
    }
}

/// Sends `msg` from `sender` to `contract` with `funds` and asserts it succeeded.
pub async fn ok(
    client: &TestClient,
    sender: &DevAccount,
    contract: &str,
    msg: &impl serde::Serialize,
    funds: u128,
) -> cosmrs::rpc::endpoint::tx::Response {
    let tx = client
        .send(
            sender,
            vec![execute(sender, contract, msg, funds)],
            TxOptions::default(),
        )
        .await;
    assert!(tx.tx_result.code.is_ok(), "{}", tx.tx_result.log);
    tx
}
