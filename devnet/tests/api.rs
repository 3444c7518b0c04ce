//! The REST API and gRPC servers, driven as their users drive them: gRPC with the tonic
//! clients cosmos-sdk-proto generates (what grpcurl does), REST with an HTTP client reading
//! the SDK's JSON. Each test sends a real signed bank transfer through the server it tests
//! and reads back a probe contract deployed over the RPC.

mod suite;

use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use cosmrs::cosmwasm::{MsgInstantiateContract, MsgStoreCode};
use cosmrs::proto::cosmos::auth::v1beta1::{self as auth, BaseAccount};
use cosmrs::proto::cosmos::bank::v1beta1 as bank;
use cosmrs::proto::cosmos::base::tendermint::v1beta1 as node;
use cosmrs::proto::cosmos::tx::v1beta1 as tx;
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::tx::Msg;
use ogpu_devnet::api::json::Gateway;
use ogpu_devnet::client::{attributes, bank_send, spawn, TestClient, TxOptions, DENOM};
use ogpu_devnet::Devnet;
use prost::Message;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tonic::Code;

/// A devnet with the probe contract stored, instantiated by account 0 and holding `k = v`.
struct Chain {
    devnet: Devnet,
    client: TestClient,
    code_id: u64,
    contract: String,
    wasm: Vec<u8>,
}

async fn chain() -> Chain {
    let (devnet, client) = spawn().await;
    let owner = &devnet.accounts()[0];
    let wasm = suite::artifact("ogpu_devnet_probe.wasm");
    let store = MsgStoreCode {
        sender: suite::id(&owner.address),
        wasm_byte_code: wasm.clone(),
        instantiate_permission: None,
    };
    let big = TxOptions {
        gas: 10_000_000,
        ..TxOptions::default()
    };
    let stored = client.send(owner, vec![store.to_any().unwrap()], big).await;
    let code_id = attributes(&stored, "store_code", "code_id")[0]
        .parse()
        .unwrap();
    let instantiate = MsgInstantiateContract {
        sender: suite::id(&owner.address),
        admin: None,
        code_id,
        label: Some("probe".into()),
        msg: b"{}".to_vec(),
        funds: vec![],
    };
    let created = client
        .send(owner, vec![instantiate.to_any().unwrap()], big)
        .await;
    let contract = attributes(&created, "instantiate", "_contract_address")[0].clone();
    let set = json!({ "set": { "key": "k", "value": "v" } });
    let executed = client
        .send(owner, vec![suite::execute(owner, &contract, &set, 0)], big)
        .await;
    assert!(
        executed.tx_result.code.is_ok(),
        "{}",
        executed.tx_result.log
    );
    Chain {
        devnet,
        client,
        code_id,
        contract,
        wasm,
    }
}

/// A signed transfer of 1 234 from account 0 to account 1 (not broadcast).
async fn transfer(chain: &Chain) -> Vec<u8> {
    let (alice, bob) = (&chain.devnet.accounts()[0], &chain.devnet.accounts()[1]);
    let options = TxOptions {
        gas: 200_000,
        ..TxOptions::default()
    };
    let msg = bank_send(&alice.address, &bob.address, 1_234);
    chain.client.sign(alice, vec![msg], options).await
}

fn hash_hex(tx: &[u8]) -> String {
    hex::encode_upper(Sha256::digest(tx))
}

/// An address nobody has used: valid, but without an account or a contract.
fn nobody() -> String {
    cosmrs::AccountId::new("wasm", &[7; 20])
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_serves_accounts_balances_txs_blocks_and_contracts() {
    let chain = chain().await;
    let url = chain.devnet.grpc_url().expect("gRPC is on by default");
    let mut auth = auth::query_client::QueryClient::connect(url.clone())
        .await
        .unwrap();
    let mut bank = bank::query_client::QueryClient::connect(url.clone())
        .await
        .unwrap();
    let mut txs = tx::service_client::ServiceClient::connect(url.clone())
        .await
        .unwrap();
    let mut node = node::service_client::ServiceClient::connect(url.clone())
        .await
        .unwrap();
    let mut wasm = wasm::query_client::QueryClient::connect(url).await.unwrap();
    let (alice, bob) = (&chain.devnet.accounts()[0], &chain.devnet.accounts()[1]);
    let balance = |address: &str| bank::QueryBalanceRequest {
        address: address.to_string(),
        denom: DENOM.to_string(),
    };

    // The account signing uses: number 0 (the first genesis account), sequence 3 after
    // store, instantiate and execute.
    let account = auth
        .account(auth::QueryAccountRequest {
            address: alice.address.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .account
        .unwrap();
    assert_eq!(account.type_url, "/cosmos.auth.v1beta1.BaseAccount");
    let account = BaseAccount::decode(account.value.as_slice()).unwrap();
    assert_eq!((account.account_number, account.sequence), (0, 3));
    assert_eq!(account, chain.client.account(&alice.address).await);
    let bob_before = bank.balance(balance(&bob.address)).await.unwrap();
    let bob_before: u128 = bob_before
        .into_inner()
        .balance
        .unwrap()
        .amount
        .parse()
        .unwrap();
    let supply = bank
        .total_supply(bank::QueryTotalSupplyRequest { pagination: None })
        .await
        .unwrap()
        .into_inner();
    let genesis = chain.devnet.config().balance * u128::from(chain.devnet.config().accounts);
    assert_eq!(supply.supply[0].amount, genesis.to_string());
    let supply_of = bank
        .supply_of(bank::QuerySupplyOfRequest {
            denom: DENOM.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(supply_of.amount.unwrap().amount, genesis.to_string());

    // Simulate (by bytes and by the deprecated `tx`), broadcast, then find it.
    let signed = transfer(&chain).await;
    let simulated = txs
        .simulate(tx::SimulateRequest {
            tx_bytes: signed.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let gas = simulated.gas_info.unwrap().gas_used;
    assert!((20_000..200_000).contains(&gas), "gas {gas}");
    #[allow(deprecated)]
    let by_tx = tx::SimulateRequest {
        tx: Some(tx::Tx::decode(signed.as_slice()).unwrap()),
        ..Default::default()
    };
    let by_tx = txs.simulate(by_tx).await.unwrap().into_inner();
    assert_eq!(by_tx.gas_info.unwrap().gas_used, gas);
    let block_mode = txs
        .broadcast_tx(tx::BroadcastTxRequest {
            tx_bytes: signed.clone(),
            mode: tx::BroadcastMode::Block as i32,
        })
        .await
        .unwrap_err();
    assert_eq!(block_mode.code(), Code::InvalidArgument);
    let sent = txs
        .broadcast_tx(tx::BroadcastTxRequest {
            tx_bytes: signed.clone(),
            mode: tx::BroadcastMode::Sync as i32,
        })
        .await
        .unwrap()
        .into_inner()
        .tx_response
        .unwrap();
    assert_eq!(
        (sent.code, sent.txhash.as_str()),
        (0, hash_hex(&signed).as_str())
    );
    let again = txs
        .broadcast_tx(tx::BroadcastTxRequest {
            tx_bytes: signed.clone(),
            mode: tx::BroadcastMode::Sync as i32,
        })
        .await
        .unwrap()
        .into_inner()
        .tx_response
        .unwrap();
    assert_eq!(again.code, 19, "CheckTx's verdict, not a transport error");
    let found = poll_grpc(&mut txs, &sent.txhash).await;
    let response = found.tx_response.unwrap();
    assert_eq!(response.code, 0, "{}", response.raw_log);
    assert!(response.timestamp.ends_with('Z'));
    let body = found.tx.unwrap().body.unwrap();
    assert_eq!(body.messages[0].type_url, "/cosmos.bank.v1beta1.MsgSend");
    let sender = format!("message.sender='{}'", alice.address);
    let by_query = txs
        .get_txs_event(tx::GetTxsEventRequest {
            query: format!("{sender} AND tx.height={}", response.height),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_query.total, 1);
    assert_eq!(by_query.tx_responses[0].txhash, sent.txhash);
    #[allow(deprecated)]
    let by_events = tx::GetTxsEventRequest {
        events: vec![sender, "message.module='bank'".into()],
        order_by: tx::OrderBy::Desc as i32,
        ..Default::default()
    };
    let by_events = txs.get_txs_event(by_events).await.unwrap().into_inner();
    assert_eq!(by_events.tx_responses[0].txhash, sent.txhash);
    let bob_after = bank.balance(balance(&bob.address)).await.unwrap();
    let bob_after: u128 = bob_after
        .into_inner()
        .balance
        .unwrap()
        .amount
        .parse()
        .unwrap();
    assert_eq!(bob_after, bob_before + 1_234);
    let account = chain.client.account(&alice.address).await;
    assert_eq!(account.sequence, 4);

    // Node info and blocks.
    let info = node
        .get_node_info(node::GetNodeInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        info.default_node_info.unwrap().network,
        chain.devnet.chain_id()
    );
    assert!(!info
        .application_version
        .unwrap()
        .cosmos_sdk_version
        .is_empty());
    let latest = node
        .get_latest_block(node::GetLatestBlockRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(latest.block.unwrap().header.unwrap().height >= response.height);
    let at = node
        .get_block_by_height(node::GetBlockByHeightRequest {
            height: response.height,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(at.block.unwrap().data.unwrap().txs.contains(&signed));
    let with_txs = txs
        .get_block_with_txs(tx::GetBlockWithTxsRequest {
            height: response.height,
            pagination: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(with_txs.txs, [tx::Tx::decode(signed.as_slice()).unwrap()]);
    let sdk_header = at.sdk_block.unwrap().header.unwrap();
    assert!(sdk_header.proposer_address.starts_with("wasmvalcons1"));

    // The contract.
    let smart = wasm
        .smart_contract_state(wasm::QuerySmartContractStateRequest {
            address: chain.contract.clone(),
            query_data: br#"{"get":{"key":"k"}}"#.to_vec(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(smart.data, br#""v""#);
    let raw = wasm
        .raw_contract_state(wasm::QueryRawContractStateRequest {
            address: chain.contract.clone(),
            query_data: b"k".to_vec(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(raw.data, b"v");
    let info = wasm
        .contract_info(wasm::QueryContractInfoRequest {
            address: chain.contract.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .contract_info
        .unwrap();
    assert_eq!(
        (info.code_id, info.creator.as_str(), info.label.as_str()),
        (chain.code_id, alice.address.as_str(), "probe")
    );
    let code = wasm
        .code(wasm::QueryCodeRequest {
            code_id: chain.code_id,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(code.data, chain.wasm);
    let codes = wasm
        .codes(wasm::QueryCodesRequest { pagination: None })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(codes.code_infos[0].code_id, chain.code_id);
    let contracts = wasm
        .contracts_by_code(wasm::QueryContractsByCodeRequest {
            code_id: chain.code_id,
            pagination: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(contracts.contracts, std::slice::from_ref(&chain.contract));

    // Bad input: the SDK's status codes.
    let malformed = bank.balance(balance("wasm1bad")).await.unwrap_err();
    assert_eq!(malformed.code(), Code::InvalidArgument, "{malformed:?}");
    let bad_denom = bank
        .balance(bank::QueryBalanceRequest {
            address: alice.address.clone(),
            denom: "u".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(bad_denom.code(), Code::InvalidArgument);
    let missing = auth
        .account(auth::QueryAccountRequest { address: nobody() })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    assert_eq!(missing.message(), format!("account {} not found", nobody()));
    let unknown = txs
        .get_tx(tx::GetTxRequest {
            hash: "00".repeat(32),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
    let not_hex = txs
        .get_tx(tx::GetTxRequest { hash: "xyz".into() })
        .await
        .unwrap_err();
    assert_eq!(not_hex.code(), Code::InvalidArgument);
    let bad_query = txs
        .get_txs_event(tx::GetTxsEventRequest {
            query: "tx.height >".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad_query.code(), Code::InvalidArgument);
    let not_json = wasm
        .smart_contract_state(wasm::QuerySmartContractStateRequest {
            address: chain.contract.clone(),
            query_data: b"get k".to_vec(),
        })
        .await
        .unwrap_err();
    assert_eq!(not_json.code(), Code::InvalidArgument);
    let no_contract = wasm
        .contract_info(wasm::QueryContractInfoRequest { address: nobody() })
        .await
        .unwrap_err();
    assert_eq!(no_contract.code(), Code::NotFound);
    let not_served = wasm.params(wasm::QueryParamsRequest {}).await.unwrap_err();
    assert_eq!(not_served.code(), Code::Unimplemented);
    let not_served = bank.params(bank::QueryParamsRequest {}).await.unwrap_err();
    assert_eq!(not_served.code(), Code::Unimplemented);
    chain.devnet.shutdown().await;
}

/// `GetTx` until the transaction is in a block (`NotFound` until then).
async fn poll_grpc(
    txs: &mut tx::service_client::ServiceClient<tonic::transport::Channel>,
    hash: &str,
) -> tx::GetTxResponse {
    for _ in 0..100 {
        match txs.get_tx(tx::GetTxRequest { hash: hash.into() }).await {
            Ok(found) => return found.into_inner(),
            Err(status) => assert_eq!(status.code(), Code::NotFound, "{status:?}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("tx {hash} not included within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_serves_the_same_as_the_sdks_json() {
    let chain = chain().await;
    let api = chain.devnet.api_url().expect("REST is on by default");
    let http = reqwest::Client::new();
    let get = |path: String| {
        let request = http.get(format!("{api}{path}"));
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let (alice, bob) = (&chain.devnet.accounts()[0], &chain.devnet.accounts()[1]);

    let (status, account) = get(format!("/cosmos/auth/v1beta1/accounts/{}", alice.address)).await;
    assert_eq!(status, 200);
    let account = &account["account"];
    assert_eq!(account["@type"], "/cosmos.auth.v1beta1.BaseAccount");
    assert_eq!(account["address"], alice.address.as_str());
    // 64-bit integers are strings and zero is written, as jsonpb with EmitDefaults.
    assert_eq!(account["account_number"], "0");
    assert_eq!(account["sequence"], "3");
    assert_eq!(
        account["pub_key"]["@type"],
        "/cosmos.crypto.secp256k1.PubKey"
    );
    let (_, balances) = get(format!("/cosmos/bank/v1beta1/balances/{}", bob.address)).await;
    assert_eq!(balances["balances"][0]["denom"], DENOM);
    assert_eq!(
        balances["pagination"],
        json!({ "next_key": null, "total": "1" })
    );
    let bob_before: u128 = balances["balances"][0]["amount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let (_, supply) = get("/cosmos/bank/v1beta1/supply/by_denom?denom=ustake".into()).await;
    let genesis = chain.devnet.config().balance * u128::from(chain.devnet.config().accounts);
    assert_eq!(supply["amount"]["amount"], genesis.to_string());

    // Simulate and broadcast as cosmpy posts them (JSON names: `txBytes`).
    let signed = transfer(&chain).await;
    let simulated = http
        .post(format!("{api}/cosmos/tx/v1beta1/simulate"))
        .json(&json!({ "tx_bytes": B64.encode(&signed) }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let gas: u64 = simulated["gas_info"]["gas_used"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((20_000..200_000).contains(&gas), "{simulated}");
    assert_eq!(
        simulated["result"]["msg_responses"][0]["@type"],
        "/cosmos.bank.v1beta1.MsgSendResponse"
    );
    // The deprecated `tx` as JSON, as cosmpy posts it, simulates the same.
    let as_json = tx::Tx::decode(signed.as_slice()).unwrap().json();
    let by_json = http
        .post(format!("{api}/cosmos/tx/v1beta1/simulate"))
        .json(&json!({ "tx": as_json }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(by_json["gas_info"], simulated["gas_info"], "{by_json}");
    let sent = http
        .post(format!("{api}/cosmos/tx/v1beta1/txs"))
        .json(&json!({ "txBytes": B64.encode(&signed), "mode": "BROADCAST_MODE_SYNC" }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let sent = &sent["tx_response"];
    assert_eq!(sent["code"], 0, "{sent}");
    assert_eq!(sent["txhash"], hash_hex(&signed));
    let found = poll_rest(&http, &api, &hash_hex(&signed)).await;
    let message = &found["tx"]["body"]["messages"][0];
    assert_eq!(message["@type"], "/cosmos.bank.v1beta1.MsgSend");
    assert_eq!(
        message["amount"],
        json!([{ "denom": DENOM, "amount": "1234" }])
    );
    assert_eq!(
        found["tx"]["auth_info"]["signer_infos"][0]["mode_info"]["single"]["mode"],
        "SIGN_MODE_DIRECT"
    );
    let response = &found["tx_response"];
    assert_eq!(response["code"], 0);
    assert_eq!(response["tx"]["@type"], "/cosmos.tx.v1beta1.Tx");
    assert!(response["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(response["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["type"] == "transfer" && e["attributes"][0]["key"] == "recipient"));
    let height = response["height"].as_str().unwrap().to_string();
    let (_, searched) = get(format!(
        "/cosmos/tx/v1beta1/txs?query=message.sender%3D%27{}%27%20AND%20tx.height%3D{height}",
        alice.address
    ))
    .await;
    assert_eq!(searched["total"], "1", "{searched}");
    assert_eq!(searched["tx_responses"][0]["txhash"], hash_hex(&signed));
    let (_, by_events) = get(format!(
        "/cosmos/tx/v1beta1/txs?events=transfer.recipient%3D%27{}%27&orderBy=ORDER_BY_DESC&limit=1",
        bob.address
    ))
    .await;
    assert_eq!(by_events["txs"].as_array().unwrap().len(), 1);
    assert_eq!(by_events["tx_responses"][0]["txhash"], hash_hex(&signed));
    let (_, balance) = get(format!(
        "/cosmos/bank/v1beta1/balances/{}/by_denom?denom=ustake",
        bob.address
    ))
    .await;
    assert_eq!(
        balance["balance"]["amount"],
        (bob_before + 1_234).to_string()
    );

    // Node info and blocks.
    let (_, info) = get("/cosmos/base/tendermint/v1beta1/node_info".into()).await;
    assert_eq!(
        info["default_node_info"]["network"],
        chain.devnet.chain_id()
    );
    let (_, latest) = get("/cosmos/base/tendermint/v1beta1/blocks/latest".into()).await;
    assert!(
        latest["block"]["header"]["height"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= height.parse().unwrap()
    );
    let (_, with_txs) = get(format!("/cosmos/tx/v1beta1/txs/block/{height}")).await;
    assert_eq!(with_txs["txs"][0]["body"]["messages"][0], *message);
    assert_eq!(with_txs["pagination"]["total"], "1");
    let (_, block) = get(format!("/cosmos/base/tendermint/v1beta1/blocks/{height}")).await;
    assert_eq!(block["block"]["data"]["txs"][0], B64.encode(&signed));
    assert!(block["sdk_block"]["header"]["proposer_address"]
        .as_str()
        .unwrap()
        .starts_with("wasmvalcons1"));

    // The contract: the smart query's answer is JSON in JSON, as wasmd writes it.
    let contract = &chain.contract;
    let query = B64.encode(br#"{"get":{"key":"k"}}"#);
    let (status, smart) = get(format!(
        "/cosmwasm/wasm/v1/contract/{contract}/smart/{query}"
    ))
    .await;
    assert_eq!((status, &smart), (200, &json!({ "data": "v" })));
    let (_, raw) = get(format!(
        "/cosmwasm/wasm/v1/contract/{contract}/raw/{}",
        B64.encode("k")
    ))
    .await;
    assert_eq!(raw, json!({ "data": B64.encode("v") }));
    let (_, info) = get(format!("/cosmwasm/wasm/v1/contract/{contract}")).await;
    assert_eq!(info["address"], contract.as_str());
    assert_eq!(info["contract_info"]["code_id"], chain.code_id.to_string());
    assert_eq!(info["contract_info"]["label"], "probe");
    assert_eq!(info["contract_info"]["admin"], "");
    let (_, codes) = get("/cosmwasm/wasm/v1/code".into()).await;
    assert_eq!(
        codes["code_infos"][0]["data_hash"],
        hex::encode_upper(Sha256::digest(&chain.wasm))
    );
    let (_, code) = get(format!("/cosmwasm/wasm/v1/code/{}", chain.code_id)).await;
    assert_eq!(code["data"], B64.encode(&chain.wasm));
    let (_, contracts) = get(format!(
        "/cosmwasm/wasm/v1/code/{}/contracts",
        chain.code_id
    ))
    .await;
    assert_eq!(contracts["contracts"], json!([contract]));

    // Bad input: grpc-gateway's status and body.
    let error = |code: i64| {
        move |body: Value| {
            assert_eq!(body["code"], code, "{body}");
            assert!(!body["message"].as_str().unwrap().is_empty());
            assert_eq!(body["details"], json!([]));
        }
    };
    let (status, body) = get("/cosmos/auth/v1beta1/accounts/wasm1bad".into()).await;
    assert_eq!(status, 400);
    error(3)(body);
    let (status, body) = get(format!("/cosmos/auth/v1beta1/accounts/{}", nobody())).await;
    assert_eq!(status, 404);
    error(5)(body);
    let (status, body) = get(format!("/cosmos/tx/v1beta1/txs/{}", "AB".repeat(32))).await;
    assert_eq!(status, 404);
    error(5)(body);
    let (status, body) = get(format!(
        "/cosmwasm/wasm/v1/contract/{contract}/smart/not*base64"
    ))
    .await;
    assert_eq!(status, 400);
    error(3)(body);
    let (status, body) = get(format!(
        "/cosmwasm/wasm/v1/contract/{contract}/smart/{}",
        B64.encode("get k")
    ))
    .await;
    assert_eq!(status, 400);
    error(3)(body);
    let (status, body) = get("/cosmwasm/wasm/v1/code/seven".into()).await;
    assert_eq!(status, 400);
    error(3)(body);
    let (status, body) = get("/cosmos/staking/v1beta1/validators".into()).await;
    assert_eq!(status, 404);
    error(5)(body);
    chain.devnet.shutdown().await;
}

/// `GET /cosmos/tx/v1beta1/txs/{hash}` until the transaction is in a block (404 until then).
async fn poll_rest(http: &reqwest::Client, api: &str, hash: &str) -> Value {
    for _ in 0..100 {
        let response = http
            .get(format!("{api}/cosmos/tx/v1beta1/txs/{hash}"))
            .send()
            .await
            .unwrap();
        if response.status() == 200 {
            return response.json().await.unwrap();
        }
        assert_eq!(response.status(), 404);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("tx {hash} not included within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_can_be_turned_off() {
    let config = ogpu_devnet::DevnetConfig {
        api_addr: None,
        grpc_addr: None,
        ..ogpu_devnet::DevnetConfig::for_tests()
    };
    let devnet = Devnet::spawn(config).await.unwrap();
    assert_eq!((devnet.api_url(), devnet.grpc_url()), (None, None));
    devnet.shutdown().await;
}
