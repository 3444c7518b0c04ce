//! The chain client: a connection to one node of one chain and its gRPC-over-ABCI
//! queries — over CometBFT RPC only, so it works against any wasmd node and the devnet.
//! Transactions go through [`crate::sign`] and [`crate::send`].

use cosmrs::proto::cosmos::auth::v1beta1::{
    BaseAccount, QueryAccountRequest, QueryAccountResponse,
};
use cosmrs::proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use cosmrs::proto::cosmwasm::wasm::v1::{
    QuerySmartContractStateRequest, QuerySmartContractStateResponse,
};
use cosmwasm_std::Uint128;
use prost::Message;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tendermint_rpc::{Client as _, HttpClient};

use crate::config::{ChainConfig, GasPrice};
use crate::error::{ClientError, ClientResult};

pub struct Client {
    pub(crate) rpc: HttpClient,
    pub(crate) config: ChainConfig,
    pub(crate) gas_price: GasPrice,
    /// The memo of every transaction this client signs (the SDK CLI's `--note`).
    pub(crate) memo: String,
}

impl Client {
    /// Connects to `config.node` and checks it runs `config.chain_id`.
    pub async fn connect(config: ChainConfig) -> ClientResult<Self> {
        config.validate()?;
        let rpc = HttpClient::new(config.node.as_str())
            .map_err(|e| ClientError::Config(format!("node {:?}: {e}", config.node)))?;
        let status = rpc
            .status()
            .await
            .map_err(|source| ClientError::Unreachable {
                node: config.node.clone(),
                source: Box::new(source),
            })?;
        let actual = status.node_info.network.to_string();
        if actual != config.chain_id {
            return Err(ClientError::WrongChain {
                node: config.node.clone(),
                expected: config.chain_id.clone(),
                actual,
            });
        }
        let gas_price = config.gas_price()?;
        Ok(Self {
            rpc,
            config,
            gas_price,
            memo: String::new(),
        })
    }

    /// Puts `memo` in every transaction this client signs from now on.
    pub fn with_memo(mut self, memo: impl Into<String>) -> Self {
        self.memo = memo.into();
        self
    }

    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    pub fn rpc(&self) -> &HttpClient {
        &self.rpc
    }

    pub(crate) fn unreachable(&self, source: tendermint_rpc::Error) -> ClientError {
        ClientError::Unreachable {
            node: self.config.node.clone(),
            source: Box::new(source),
        }
    }

    /// A gRPC query through `abci_query` (`path` like `/cosmos.bank.v1beta1.Query/Balance`).
    pub async fn query<Req: Message, Resp: Message + Default>(
        &self,
        path: &str,
        req: &Req,
    ) -> ClientResult<Resp> {
        let answer = self
            .rpc
            .abci_query(Some(path.to_string()), req.encode_to_vec(), None, false)
            .await
            .map_err(|e| self.unreachable(e))?;
        if answer.code.is_err() {
            let codespace = if answer.codespace.is_empty() {
                String::new()
            } else {
                format!(", {}", answer.codespace)
            };
            return Err(ClientError::Query {
                path: path.to_string(),
                code: answer.code.value(),
                codespace,
                log: answer.log,
            });
        }
        Resp::decode(answer.value.as_slice())
            .map_err(|e| ClientError::invalid(format!("answer of {path}"), e))
    }

    /// The account at `address`, or `None` if it never received funds.
    pub async fn account(&self, address: &str) -> ClientResult<Option<BaseAccount>> {
        let req = QueryAccountRequest {
            address: address.to_string(),
        };
        match self
            .query::<_, QueryAccountResponse>("/cosmos.auth.v1beta1.Query/Account", &req)
            .await
        {
            Ok(resp) => {
                let any = resp
                    .account
                    .ok_or_else(|| ClientError::invalid("account query", "empty answer"))?;
                BaseAccount::decode(any.value.as_slice())
                    .map(Some)
                    .map_err(|e| ClientError::invalid("account", e))
            }
            Err(ClientError::Query { log, .. }) if log.contains("not found") => Ok(None),
            Err(err) => Err(err),
        }
    }

    pub async fn balance(&self, address: &str, denom: &str) -> ClientResult<Uint128> {
        let req = QueryBalanceRequest {
            address: address.to_string(),
            denom: denom.to_string(),
        };
        let resp: QueryBalanceResponse = self
            .query("/cosmos.bank.v1beta1.Query/Balance", &req)
            .await?;
        let amount = resp.balance.map(|c| c.amount).unwrap_or_default();
        amount
            .parse()
            .map_err(|e| ClientError::invalid("balance", e))
    }

    /// A contract's smart query, decoded from JSON.
    pub async fn smart<T: DeserializeOwned>(
        &self,
        contract: &str,
        msg: &impl Serialize,
    ) -> ClientResult<T> {
        let req = QuerySmartContractStateRequest {
            address: contract.to_string(),
            query_data: serde_json::to_vec(msg)
                .map_err(|e| ClientError::invalid("query message", e))?,
        };
        let resp: QuerySmartContractStateResponse = self
            .query("/cosmwasm.wasm.v1.Query/SmartContractState", &req)
            .await?;
        serde_json::from_slice(&resp.data)
            .map_err(|e| ClientError::invalid(format!("answer of {contract}"), e))
    }
}
