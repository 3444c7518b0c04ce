//! A key that signs transactions, with the account number and sequence it last used, so
//! consecutive transactions need no account query and a mismatch triggers one refresh.
//! A clone shares the key and keeps its own account state (a provider simulates with one
//! while another sends).

use std::sync::Arc;

use cosmrs::crypto::secp256k1::SigningKey;

use crate::error::{ClientError, ClientResult};

#[derive(Clone)]
pub struct Signer {
    key: Arc<SigningKey>,
    address: String,
    /// `(account number, next sequence)`, once known.
    account: Option<(u64, u64)>,
}

impl Signer {
    pub fn new(key: SigningKey, prefix: &str) -> ClientResult<Self> {
        let address = key
            .public_key()
            .account_id(prefix)
            .map_err(|e| ClientError::invalid("signing key", e))?
            .to_string();
        Ok(Self {
            key: Arc::new(key),
            address,
            account: None,
        })
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    pub(crate) fn account(&self) -> Option<(u64, u64)> {
        self.account
    }

    pub(crate) fn set_account(&mut self, number: u64, sequence: u64) {
        self.account = Some((number, sequence));
    }

    /// A broadcast passed CheckTx: the next tx takes the next sequence.
    pub fn advance(&mut self) {
        if let Some((_, sequence)) = &mut self.account {
            *sequence += 1;
        }
    }

    /// Forget the cached sequence (after a mismatch).
    pub fn forget(&mut self) {
        self.account = None;
    }
}
