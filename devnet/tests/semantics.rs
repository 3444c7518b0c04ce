//! wasmd's contract semantics on the devnet, checked with the test-only probe contract
//! (`devnet/probe`): submessage rollback and replies in every mode, gas-limited
//! submessages, out of gas, contract-to-contract queries and admin changes.

mod suite;

use cosmrs::cosmwasm::{MsgClearAdmin, MsgInstantiateContract, MsgStoreCode, MsgUpdateAdmin};
use cosmrs::tx::Msg;
use ogpu_devnet::client::{attributes, spawn, TestClient, TxOptions};
use ogpu_devnet::DevAccount;
use serde_json::{json, Value};
use suite::{artifact, execute, id};

async fn instantiate_probes(client: &TestClient, owner: &DevAccount) -> (String, String) {
    let store = MsgStoreCode {
        sender: id(&owner.address),
        wasm_byte_code: artifact("ogpu_devnet_probe.wasm"),
        instantiate_permission: None,
    };
    let big = TxOptions {
        gas: 10_000_000,
        ..TxOptions::default()
    };
    let tx = client.send(owner, vec![store.to_any().unwrap()], big).await;
    let code_id: u64 = attributes(&tx, "store_code", "code_id")[0].parse().unwrap();
    let new = || {
        MsgInstantiateContract {
            sender: id(&owner.address),
            admin: Some(id(&owner.address)),
            code_id,
            label: Some("probe".into()),
            msg: b"{}".to_vec(),
            funds: vec![],
        }
        .to_any()
        .unwrap()
    };
    let tx = client
        .send(owner, vec![new(), new()], TxOptions::default())
        .await;
    assert!(tx.tx_result.code.is_ok(), "{}", tx.tx_result.log);
    let addresses = attributes(&tx, "instantiate", "_contract_address");
    (addresses[0].clone(), addresses[1].clone())
}

async fn get(client: &TestClient, contract: &str, key: &str) -> Option<String> {
    client
        .smart(contract, &json!({ "get": { "key": key } }))
        .await
        .unwrap()
}

async fn last_reply(client: &TestClient, contract: &str) -> Option<String> {
    client
        .smart(contract, &json!({ "last_reply": {} }))
        .await
        .unwrap()
}

fn dispatch(key: &str, target: &str, inner: Value, reply: &str, gas_limit: Option<u64>) -> Value {
    json!({ "dispatch": {
        "key": key, "value": "outer", "contract": target,
        "msg": cosmwasm_std::Binary::new(serde_json::to_vec(&inner).unwrap()),
        "reply": reply, "gas_limit": gas_limit,
    }})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submessages_replies_rollback_queries_and_gas_follow_wasmd() {
    let (devnet, client) = spawn().await;
    let owner = &devnet.accounts()[0];
    let (a, b) = instantiate_probes(&client, owner).await;
    let options = TxOptions::default();
    let run = |msg: Value| execute(owner, &a, &msg, 0);

    // A failing submessage with reply on error: only its own writes roll back; the caller
    // keeps its write and its reply gets the redacted error and the payload.
    let fail = json!({ "set_then_fail": { "key": "inner", "value": "x" } });
    let tx = client
        .send(
            owner,
            vec![run(dispatch("k1", &b, fail.clone(), "error", None))],
            options,
        )
        .await;
    assert!(tx.tx_result.code.is_ok(), "{}", tx.tx_result.log);
    assert_eq!(get(&client, &a, "k1").await.as_deref(), Some("outer"));
    assert_eq!(get(&client, &b, "inner").await, None);
    assert_eq!(
        last_reply(&client, &a).await.as_deref(),
        Some("err:k1:codespace: wasm, code: 5")
    );

    // The same failure without a reply fails the whole tx: the caller's write is gone too.
    let tx = client
        .send(
            owner,
            vec![run(dispatch("k2", &b, fail, "never", None))],
            options,
        )
        .await;
    assert_eq!(
        (tx.tx_result.codespace.as_str(), tx.tx_result.code.value()),
        ("wasm", 5)
    );
    assert_eq!(get(&client, &a, "k2").await, None);

    // Success with reply always: both writes stay, the reply sees success.
    let set = json!({ "set": { "key": "inner", "value": "from-a" } });
    let tx = client
        .send(
            owner,
            vec![run(dispatch("k3", &b, set, "always", None))],
            options,
        )
        .await;
    assert!(tx.tx_result.code.is_ok(), "{}", tx.tx_result.log);
    assert_eq!(get(&client, &b, "inner").await.as_deref(), Some("from-a"));
    assert_eq!(last_reply(&client, &a).await.as_deref(), Some("ok:k3"));
    assert_eq!(
        attributes(&tx, "reply", "_contract_address"),
        std::slice::from_ref(&a)
    );

    // A submessage with its own gas limit runs out alone: the reply gets out of gas (11).
    let burn = json!({ "burn": { "rounds": 1_000_000 } });
    let tx = client
        .send(
            owner,
            vec![run(dispatch(
                "k4",
                &b,
                burn.clone(),
                "error",
                Some(100_000),
            ))],
            options,
        )
        .await;
    assert!(tx.tx_result.code.is_ok(), "{}", tx.tx_result.log);
    assert_eq!(
        last_reply(&client, &a).await.as_deref(),
        Some("err:k4:codespace: sdk, code: 11")
    );
    assert!(
        tx.tx_result.gas_used < 1_000_000,
        "the limit capped it: {}",
        tx.tx_result.gas_used
    );

    // Without a limit, running out of gas fails the tx with 11, reply or not.
    let tight = TxOptions {
        gas: 400_000,
        ..options
    };
    let tx = client
        .send(
            owner,
            vec![run(dispatch("k5", &b, burn, "error", None))],
            tight,
        )
        .await;
    assert_eq!(tx.tx_result.code.value(), 11, "{}", tx.tx_result.log);
    assert_eq!(get(&client, &a, "k5").await, None);

    // A contract queries another one.
    let copy = json!({ "copy_from": { "contract": b, "key": "inner" } });
    let tx = client.send(owner, vec![run(copy)], options).await;
    assert!(tx.tx_result.code.is_ok(), "{}", tx.tx_result.log);
    assert_eq!(get(&client, &a, "inner").await.as_deref(), Some("from-a"));
    devnet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_admin_changes_the_admin() {
    let (devnet, client) = spawn().await;
    let [owner, stranger] = [&devnet.accounts()[0], &devnet.accounts()[1]];
    let (a, _) = instantiate_probes(&client, owner).await;
    let update = |sender: &DevAccount| {
        MsgUpdateAdmin {
            sender: id(&sender.address),
            new_admin: id(&stranger.address),
            contract: id(&a),
        }
        .to_any()
        .unwrap()
    };
    let tx = client
        .send(stranger, vec![update(stranger)], TxOptions::default())
        .await;
    assert_eq!(tx.tx_result.code.value(), 4, "{}", tx.tx_result.log);
    let tx = client
        .send(owner, vec![update(owner)], TxOptions::default())
        .await;
    assert!(tx.tx_result.code.is_ok(), "{}", tx.tx_result.log);
    assert_eq!(
        attributes(&tx, "update_contract_admin", "new_admin_address"),
        std::slice::from_ref(&stranger.address)
    );
    let clear = MsgClearAdmin {
        sender: id(&stranger.address),
        contract: id(&a),
    }
    .to_any()
    .unwrap();
    let tx = client
        .send(stranger, vec![clear], TxOptions::default())
        .await;
    assert!(tx.tx_result.code.is_ok(), "{}", tx.tx_result.log);
    // Nobody is admin any more: even the former admin is refused.
    let tx = client
        .send(stranger, vec![update(stranger)], TxOptions::default())
        .await;
    assert_eq!(tx.tx_result.code.value(), 4, "{}", tx.tx_result.log);
    devnet.shutdown().await;
}

/// The gRPC query services a client reaches through `abci_query`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_queries_answer_with_the_sdk_protobufs() {
    use cosmrs::proto::cosmos::bank::v1beta1::{QueryAllBalancesRequest, QueryAllBalancesResponse};
    use cosmrs::proto::cosmos::base::tendermint::v1beta1::{
        GetNodeInfoRequest, GetNodeInfoResponse,
    };
    use cosmrs::proto::cosmwasm::wasm::v1 as wasm;

    let (devnet, client) = spawn().await;
    let owner = &devnet.accounts()[0];
    let (a, b) = instantiate_probes(&client, owner).await;
    let set = json!({ "set": { "key": "raw", "value": "bytes" } });
    client
        .send(
            owner,
            vec![execute(owner, &a, &set, 0)],
            TxOptions::default(),
        )
        .await;

    let code: wasm::QueryCodeResponse = client
        .query(
            "/cosmwasm.wasm.v1.Query/Code",
            &wasm::QueryCodeRequest { code_id: 1 },
        )
        .await
        .unwrap();
    assert_eq!(code.data, artifact("ogpu_devnet_probe.wasm"));
    assert_eq!(code.code_info.unwrap().creator, owner.address);
    let codes: wasm::QueryCodesResponse = client
        .query(
            "/cosmwasm.wasm.v1.Query/Codes",
            &wasm::QueryCodesRequest { pagination: None },
        )
        .await
        .unwrap();
    assert_eq!(
        codes
            .code_infos
            .iter()
            .map(|c| c.code_id)
            .collect::<Vec<_>>(),
        [1]
    );
    let by_code: wasm::QueryContractsByCodeResponse = client
        .query(
            "/cosmwasm.wasm.v1.Query/ContractsByCode",
            &wasm::QueryContractsByCodeRequest {
                code_id: 1,
                pagination: None,
            },
        )
        .await
        .unwrap();
    let mut contracts = by_code.contracts;
    contracts.sort();
    let mut expected = vec![a.clone(), b.clone()];
    expected.sort();
    assert_eq!(contracts, expected);
    let info: wasm::QueryContractInfoResponse = client
        .query(
            "/cosmwasm.wasm.v1.Query/ContractInfo",
            &wasm::QueryContractInfoRequest { address: a.clone() },
        )
        .await
        .unwrap();
    let info = info.contract_info.unwrap();
    assert_eq!(
        (info.code_id, info.admin.as_str(), info.label.as_str()),
        (1, owner.address.as_str(), "probe")
    );
    let raw: wasm::QueryRawContractStateResponse = client
        .query(
            "/cosmwasm.wasm.v1.Query/RawContractState",
            &wasm::QueryRawContractStateRequest {
                address: a.clone(),
                query_data: b"raw".to_vec(),
            },
        )
        .await
        .unwrap();
    assert_eq!(raw.data, b"bytes");
    let balances: QueryAllBalancesResponse = client
        .query(
            "/cosmos.bank.v1beta1.Query/AllBalances",
            &QueryAllBalancesRequest {
                address: owner.address.clone(),
                pagination: None,
                resolve_denom: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(balances.balances.len(), 1);
    assert_eq!(balances.balances[0].denom, "ustake");
    let node: GetNodeInfoResponse = client
        .query(
            "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo",
            &GetNodeInfoRequest {},
        )
        .await
        .unwrap();
    assert_eq!(node.default_node_info.unwrap().network, devnet.chain_id());

    // Unknown paths and accounts: the SDK's codes, nothing panics.
    let missing = client
        .query::<_, wasm::QueryCodeResponse>(
            "/cosmwasm.wasm.v1.Query/Code",
            &wasm::QueryCodeRequest { code_id: 9 },
        )
        .await
        .unwrap_err();
    assert_eq!(missing.code, 22);
    let unknown = client
        .query::<_, GetNodeInfoResponse>(
            "/cosmos.staking.v1beta1.Query/Validators",
            &GetNodeInfoRequest {},
        )
        .await
        .unwrap_err();
    assert_eq!(unknown.code, 6);
    devnet.shutdown().await;
}
