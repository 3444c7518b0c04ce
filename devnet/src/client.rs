//! A minimal Cosmos client for the devnet's own tests and benchmark, built only on `cosmrs`
//! and `tendermint-rpc` as any real client is: account query, SIGN_MODE_DIRECT signing,
//! `broadcast_tx_sync`, polling `tx` for inclusion, gRPC-over-ABCI queries. It panics on
//! transport errors (a test's failure); applications use `ogpu-client`.

use std::time::Duration;

use crate::{DevAccount, Devnet, DevnetConfig};
use cosmrs::proto::cosmos::auth::v1beta1::{
    BaseAccount, QueryAccountRequest, QueryAccountResponse,
};
use cosmrs::proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use cosmrs::proto::cosmwasm::wasm::v1::{
    QuerySmartContractStateRequest, QuerySmartContractStateResponse,
};
use cosmrs::rpc::endpoint::tx::Response as TxResponse;
use cosmrs::rpc::{Client, HttpClient};
use cosmrs::tx::Msg as _;
use cosmrs::tx::{Body, Fee, SignDoc, SignerInfo};
use cosmrs::{Any, Coin};
use prost::Message;

pub const DENOM: &str = "ustake";
/// The devnet's default minimum gas price, 0.025ustake, as a fraction.
pub const GAS_PRICE_NUM: u64 = 25;
pub const GAS_PRICE_DEN: u64 = 1_000;

pub struct TestClient {
    pub rpc: HttpClient,
    pub chain_id: String,
}

/// A failed query or CheckTx: the chain's code and log.
#[derive(Debug)]
pub struct Rejected {
    pub code: u32,
    pub codespace: String,
    pub log: String,
}

/// Options of one transaction.
#[derive(Clone, Copy)]
pub struct TxOptions {
    pub gas: u64,
    /// Fee in `DENOM`; `None` pays exactly gas × the minimum price.
    pub fee: Option<u128>,
    /// Overrides the account's sequence / number (for rejection tests).
    pub sequence: Option<u64>,
    pub account_number: Option<u64>,
}

impl Default for TxOptions {
    fn default() -> Self {
        Self {
            gas: 2_000_000,
            fee: None,
            sequence: None,
            account_number: None,
        }
    }
}

/// A devnet with `DevnetConfig::for_tests` and a client connected to it.
pub async fn spawn() -> (Devnet, TestClient) {
    spawn_with(DevnetConfig::for_tests()).await
}

pub async fn spawn_with(config: DevnetConfig) -> (Devnet, TestClient) {
    let devnet = Devnet::spawn(config).await.expect("devnet starts");
    let client = TestClient {
        rpc: HttpClient::new(devnet.rpc_url().as_str()).expect("valid url"),
        chain_id: devnet.chain_id().to_string(),
    };
    (devnet, client)
}

impl TestClient {
    pub async fn query<Req: Message, Resp: Message + Default>(
        &self,
        path: &str,
        req: &Req,
    ) -> Result<Resp, Rejected> {
        let answer = self
            .rpc
            .abci_query(Some(path.to_string()), req.encode_to_vec(), None, false)
            .await
            .expect("rpc reachable");
        if answer.code.is_err() {
            return Err(Rejected {
                code: answer.code.value(),
                codespace: answer.codespace,
                log: answer.log,
            });
        }
        Ok(Resp::decode(answer.value.as_slice()).expect("valid protobuf"))
    }

    pub async fn account(&self, address: &str) -> BaseAccount {
        let req = QueryAccountRequest {
            address: address.to_string(),
        };
        let resp: QueryAccountResponse = self
            .query("/cosmos.auth.v1beta1.Query/Account", &req)
            .await
            .expect("account exists");
        BaseAccount::decode(resp.account.expect("account").value.as_slice()).expect("BaseAccount")
    }

    pub async fn balance(&self, address: &str, denom: &str) -> u128 {
        let req = QueryBalanceRequest {
            address: address.to_string(),
            denom: denom.to_string(),
        };
        let resp: QueryBalanceResponse = self
            .query("/cosmos.bank.v1beta1.Query/Balance", &req)
            .await
            .expect("balance");
        resp.balance.expect("coin").amount.parse().expect("integer")
    }

    pub async fn smart<T: serde::de::DeserializeOwned>(
        &self,
        contract: &str,
        msg: &impl serde::Serialize,
    ) -> Result<T, Rejected> {
        let req = QuerySmartContractStateRequest {
            address: contract.to_string(),
            query_data: serde_json::to_vec(msg).unwrap(),
        };
        let resp: QuerySmartContractStateResponse = self
            .query("/cosmwasm.wasm.v1.Query/SmartContractState", &req)
            .await?;
        Ok(serde_json::from_slice(&resp.data).expect("contract answered JSON"))
    }

    /// Signs `msgs` with `signer`'s key for this chain (SIGN_MODE_DIRECT).
    pub async fn sign(&self, signer: &DevAccount, msgs: Vec<Any>, options: TxOptions) -> Vec<u8> {
        let (number, sequence) = match (options.account_number, options.sequence) {
            (Some(number), Some(sequence)) => (number, sequence),
            (number, sequence) => {
                let account = self.account(&signer.address).await;
                (
                    number.unwrap_or(account.account_number),
                    sequence.unwrap_or(account.sequence),
                )
            }
        };
        let body = Body::new(msgs, "", 0u32);
        let fee_amount = options.fee.unwrap_or(u128::from(
            (options.gas * GAS_PRICE_NUM).div_ceil(GAS_PRICE_DEN),
        ));
        let coin = Coin {
            denom: DENOM.parse().unwrap(),
            amount: fee_amount,
        };
        let fee = Fee::from_amount_and_gas(coin, options.gas);
        let auth_info =
            SignerInfo::single_direct(Some(signer.key.public_key()), sequence).auth_info(fee);
        let chain_id = self.chain_id.parse().unwrap();
        let sign_doc = SignDoc::new(&body, &auth_info, &chain_id, number).unwrap();
        sign_doc.sign(&signer.key).unwrap().to_bytes().unwrap()
    }

    /// `broadcast_tx_sync`; `Err` when CheckTx rejects it.
    pub async fn broadcast(&self, tx: Vec<u8>) -> Result<tendermint::Hash, Rejected> {
        let answer = self.rpc.broadcast_tx_sync(tx).await.expect("rpc reachable");
        if answer.code.is_err() {
            return Err(Rejected {
                code: answer.code.value(),
                codespace: answer.codespace,
                log: answer.log,
            });
        }
        Ok(answer.hash)
    }

    /// Polls `tx` until the transaction is in a block.
    pub async fn wait(&self, hash: tendermint::Hash) -> TxResponse {
        for _ in 0..100 {
            if let Ok(found) = self.rpc.tx(hash, false).await {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("tx {hash} not included within 10 s");
    }

    /// Signs, broadcasts and waits; panics if CheckTx rejects it.
    pub async fn send(
        &self,
        signer: &DevAccount,
        msgs: Vec<Any>,
        options: TxOptions,
    ) -> TxResponse {
        let tx = self.sign(signer, msgs, options).await;
        let hash = self
            .broadcast(tx)
            .await
            .unwrap_or_else(|r| panic!("CheckTx rejected: {r:?}"));
        self.wait(hash).await
    }
}

/// Every value of `kind.key` in a tx result's events, in order.
pub fn attributes(tx: &TxResponse, kind: &str, key: &str) -> Vec<String> {
    tx.tx_result
        .events
        .iter()
        .filter(|e| e.kind == kind)
        .flat_map(|e| e.attributes.iter())
        .filter(|a| a.key_bytes() == key.as_bytes())
        .map(|a| String::from_utf8_lossy(a.value_bytes()).into_owned())
        .collect()
}

pub fn bank_send(from: &str, to: &str, amount: u128) -> Any {
    cosmrs::bank::MsgSend {
        from_address: from.parse().unwrap(),
        to_address: to.parse().unwrap(),
        amount: vec![Coin {
            denom: DENOM.parse().unwrap(),
            amount,
        }],
    }
    .to_any()
    .unwrap()
}
