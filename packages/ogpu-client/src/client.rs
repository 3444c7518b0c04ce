//! The chain client: gRPC-over-ABCI queries, simulation, signing (SIGN_MODE_DIRECT),
//! `broadcast_tx_sync` and waiting for inclusion, with one refresh-and-retry on a sequence
//! mismatch — over CometBFT RPC only, so it works against any wasmd node and the devnet.

use std::time::{Duration, Instant};

use cosmrs::proto::cosmos::auth::v1beta1::{
    BaseAccount, QueryAccountRequest, QueryAccountResponse,
};
use cosmrs::proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmrs::proto::cosmwasm::wasm::v1::{
    QuerySmartContractStateRequest, QuerySmartContractStateResponse,
};
use cosmrs::tx::{Body, Fee, SignDoc, SignerInfo};
use cosmrs::{Any, Coin};
use cosmwasm_std::Uint128;
use prost::Message;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tendermint_rpc::{Client as _, HttpClient};

use crate::config::{ChainConfig, GasPrice};
use crate::error::{ClientError, ClientResult};
use crate::outcome::TxOutcome;
use crate::signer::Signer;

/// How much gas a transaction may use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gas {
    /// Simulate, multiply by the configured adjustment, cap at the configured maximum.
    Auto,
    Fixed(u64),
}

impl std::str::FromStr for Gas {
    type Err = ClientError;

    fn from_str(s: &str) -> ClientResult<Self> {
        if s == "auto" {
            return Ok(Self::Auto);
        }
        s.parse()
            .map(Self::Fixed)
            .map_err(|_| ClientError::Config(format!("--gas {s:?}: a number or `auto`")))
    }
}

/// A signed transaction ready to broadcast, with what it pays.
#[derive(Debug, Clone)]
pub struct SignedTx {
    pub bytes: Vec<u8>,
    pub gas: u64,
    pub fee: Coin,
}

/// Polling interval while waiting for a transaction: short at first, so a fast chain's
/// next block is seen at once (a provider's reveal must land in the block after its
/// commit), then longer, to spare a slow chain's node.
const POLL_FAST: Duration = Duration::from_millis(50);
const POLL_SLOW: Duration = Duration::from_millis(250);
/// How long `wait` polls at the fast interval.
const FAST_POLLING: Duration = Duration::from_secs(2);
/// Sequence-mismatch retries before giving up (each refreshes the account).
const SEQUENCE_RETRIES: usize = 3;

pub struct Client {
    rpc: HttpClient,
    config: ChainConfig,
    gas_price: GasPrice,
    /// The memo of every transaction this client signs (the SDK CLI's `--note`).
    memo: String,
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

    fn unreachable(&self, source: tendermint_rpc::Error) -> ClientError {
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

    /// Refreshes the signer's account number and sequence from the chain.
    async fn refresh(&self, signer: &mut Signer) -> ClientResult<(u64, u64)> {
        let account = self.account(signer.address()).await?.ok_or_else(|| {
            ClientError::invalid(
                format!("account {}", signer.address()),
                "does not exist on chain yet: send it some funds first",
            )
        })?;
        signer.set_account(account.account_number, account.sequence);
        Ok((account.account_number, account.sequence))
    }

    /// Gas the messages use when run now (SDK `Simulate`), before adjustment. The
    /// simulated transaction pays a token fee (one unit of the fee denom): with no fee the
    /// ante handler skips moving the fee to the fee collector, and the estimate would miss
    /// that transfer's gas (about 10 000, a quarter of a bank send's).
    pub async fn simulate(&self, signer: &mut Signer, msgs: &[Any]) -> ClientResult<u64> {
        let (number, sequence) = match signer.account() {
            Some(account) => account,
            None => self.refresh(signer).await?,
        };
        let token = Coin {
            denom: self.fee_denom()?,
            amount: 1,
        };
        let bytes = self.sign_raw(signer, msgs, number, sequence, 0, token)?;
        #[allow(deprecated)]
        let req = SimulateRequest {
            tx: None,
            tx_bytes: bytes,
        };
        let resp: SimulateResponse = self
            .query("/cosmos.tx.v1beta1.Service/Simulate", &req)
            .await?;
        Ok(resp.gas_info.map_or(0, |g| g.gas_used))
    }

    fn fee_denom(&self) -> ClientResult<cosmrs::Denom> {
        self.gas_price
            .denom
            .parse()
            .map_err(|e| ClientError::Config(format!("fee denom: {e}")))
    }

    /// The fee for `gas` at the configured price, rounded up.
    pub fn fee_for(&self, gas: u64) -> ClientResult<Coin> {
        let amount = Uint128::from(gas).mul_ceil(self.gas_price.amount);
        Ok(Coin {
            denom: self.fee_denom()?,
            amount: amount.u128(),
        })
    }

    fn sign_raw(
        &self,
        signer: &Signer,
        msgs: &[Any],
        number: u64,
        sequence: u64,
        gas: u64,
        fee: Coin,
    ) -> ClientResult<Vec<u8>> {
        let body = Body::new(msgs.to_vec(), self.memo.as_str(), 0u32);
        let auth_info = SignerInfo::single_direct(Some(signer.key().public_key()), sequence)
            .auth_info(Fee::from_amount_and_gas(fee, gas));
        let chain_id = self
            .config
            .chain_id
            .parse()
            .map_err(|e| ClientError::Config(format!("chain id: {e}")))?;
        let doc = SignDoc::new(&body, &auth_info, &chain_id, number)
            .map_err(|e| ClientError::invalid("sign doc", e))?;
        let raw = doc
            .sign(signer.key())
            .map_err(|e| ClientError::invalid("signing", e))?;
        raw.to_bytes()
            .map_err(|e| ClientError::invalid("tx encoding", e))
    }

    /// Signs `msgs` with the signer's next sequence, gas from `gas`.
    pub async fn sign(
        &self,
        signer: &mut Signer,
        msgs: &[Any],
        gas: Gas,
    ) -> ClientResult<SignedTx> {
        let gas = match gas {
            Gas::Fixed(gas) => gas,
            Gas::Auto => {
                let simulated = self.simulate(signer, msgs).await?;
                let adjusted = (simulated as f64 * self.config.gas_adjustment).ceil() as u64;
                adjusted.min(self.config.max_gas)
            }
        };
        if gas > self.config.max_gas {
            return Err(ClientError::Config(format!(
                "gas {gas} exceeds the configured max gas {}",
                self.config.max_gas
            )));
        }
        let (number, sequence) = match signer.account() {
            Some(account) => account,
            None => self.refresh(signer).await?,
        };
        let fee = self.fee_for(gas)?;
        let bytes = self.sign_raw(signer, msgs, number, sequence, gas, fee.clone())?;
        Ok(SignedTx { bytes, gas, fee })
    }

    /// `broadcast_tx_sync`: the hash once CheckTx accepted the tx.
    pub async fn broadcast(&self, tx: Vec<u8>) -> ClientResult<cosmrs::tendermint::Hash> {
        let answer = self
            .rpc
            .broadcast_tx_sync(tx)
            .await
            .map_err(|e| self.unreachable(e))?;
        if answer.code.is_err() {
            return Err(ClientError::rejected(
                "CheckTx",
                answer.hash.to_string(),
                answer.code.value(),
                &answer.codespace,
                answer.log,
            ));
        }
        Ok(answer.hash)
    }

    /// The result of an included transaction, or `None` if the node does not know it.
    pub async fn tx(&self, hash: cosmrs::tendermint::Hash) -> ClientResult<Option<TxOutcome>> {
        match self.rpc.tx(hash, false).await {
            Ok(found) => Ok(Some(TxOutcome::from_response(found))),
            Err(err) if err.to_string().contains("not found") => Ok(None),
            Err(err) => Err(self.unreachable(err)),
        }
    }

    /// Polls until the transaction is in a block (or the configured timeout passes).
    pub async fn wait(&self, hash: cosmrs::tendermint::Hash) -> ClientResult<TxOutcome> {
        let start = Instant::now();
        while start.elapsed() < self.config.timeout() {
            if let Some(outcome) = self.tx(hash).await? {
                return Ok(outcome);
            }
            let poll = if start.elapsed() < FAST_POLLING {
                POLL_FAST
            } else {
                POLL_SLOW
            };
            tokio::time::sleep(poll).await;
        }
        Err(ClientError::Timeout {
            hash: hash.to_string(),
            secs: self.config.timeout_secs,
        })
    }

    /// Signs, broadcasts and waits for `msgs` in one transaction; refreshes the account and
    /// retries on a sequence mismatch. A tx that fails in its block is an error too.
    pub async fn send(
        &self,
        signer: &mut Signer,
        msgs: Vec<Any>,
        gas: Gas,
    ) -> ClientResult<TxOutcome> {
        let mut attempt = 0;
        let hash = loop {
            let signed = self.sign(signer, &msgs, gas).await?;
            match self.broadcast(signed.bytes).await {
                Ok(hash) => break hash,
                Err(err) if err.is_sequence_mismatch() && attempt < SEQUENCE_RETRIES => {
                    tracing::debug!(%err, "sequence mismatch: refreshing the account");
                    attempt += 1;
                    signer.forget();
                }
                Err(err) => return Err(err),
            }
        };
        signer.advance();
        let outcome = self.wait(hash).await?;
        outcome.into_result()
    }
}
