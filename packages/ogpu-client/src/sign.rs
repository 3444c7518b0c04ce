//! The first half of the send pipeline: estimating a transaction's gas (simulation, then
//! the one rule of [`crate::gas`]), its fee, and signing it (SIGN_MODE_DIRECT) with the
//! signer's next sequence.

use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmrs::tx::{Body, Fee, SignDoc, SignerInfo};
use cosmrs::{Any, Coin};

use crate::client::Client;
use crate::error::{ClientError, ClientResult};
use crate::gas::{self, Gas};
use crate::signer::Signer;

/// A signed transaction ready to broadcast, with what it pays.
#[derive(Debug, Clone)]
pub struct SignedTx {
    pub bytes: Vec<u8>,
    pub gas: u64,
    pub fee: Coin,
}

impl Client {
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

    /// The signer's account number and next sequence, read from the chain once.
    async fn account_of(&self, signer: &mut Signer) -> ClientResult<(u64, u64)> {
        match signer.account() {
            Some(account) => Ok(account),
            None => self.refresh(signer).await,
        }
    }

    /// Gas the messages use when run now (SDK `Simulate`), before adjustment. The
    /// simulated transaction pays a token fee (one unit of the fee denom): with no fee the
    /// ante handler skips moving the fee to the fee collector, and the estimate would miss
    /// that transfer's gas (about 10 000, a quarter of a bank send's).
    pub async fn simulate(&self, signer: &mut Signer, msgs: &[Any]) -> ClientResult<u64> {
        let (number, sequence) = self.account_of(signer).await?;
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

    /// The gas limit `gas` gives `msgs`: fixed, or simulated × the configured adjustment;
    /// either refused above the configured `max_gas` ([`ClientError::GasAboveMax`]).
    pub async fn estimate(&self, signer: &mut Signer, msgs: &[Any], gas: Gas) -> ClientResult<u64> {
        let limit = match gas {
            Gas::Fixed(gas) => gas,
            Gas::Auto => gas::adjusted(
                self.simulate(signer, msgs).await?,
                self.config.gas_adjustment,
            ),
        };
        gas::within(limit, self.config.max_gas)
    }

    fn fee_denom(&self) -> ClientResult<cosmrs::Denom> {
        self.gas_price
            .denom
            .parse()
            .map_err(|e| ClientError::Config(format!("fee denom: {e}")))
    }

    /// The fee for `gas` at the configured price ([`crate::GasPrice::fee`]).
    pub fn fee_for(&self, gas: u64) -> ClientResult<Coin> {
        Ok(Coin {
            denom: self.fee_denom()?,
            amount: self.gas_price.fee(gas).u128(),
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

    /// Signs `msgs` with the signer's next sequence and the limit [`Client::estimate`]
    /// gives them.
    pub async fn sign(
        &self,
        signer: &mut Signer,
        msgs: &[Any],
        gas: Gas,
    ) -> ClientResult<SignedTx> {
        let gas = self.estimate(signer, msgs, gas).await?;
        let (number, sequence) = self.account_of(signer).await?;
        let fee = self.fee_for(gas)?;
        let bytes = self.sign_raw(signer, msgs, number, sequence, gas, fee.clone())?;
        Ok(SignedTx { bytes, gas, fee })
    }
}
