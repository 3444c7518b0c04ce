//! Bech32 addresses with the chain's prefix, and the SDK's derived module addresses.

use std::str::FromStr;

use cosmrs::AccountId;
use sha2::{Digest, Sha256};

use crate::error::{ChainError, ChainResult};

/// Encodes and decodes the chain's addresses (`wasm1…` by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bech32 {
    prefix: String,
}

impl Bech32 {
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
        }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn encode(&self, bytes: &[u8]) -> String {
        AccountId::new(&self.prefix, bytes)
            .expect("the prefix is validated when the chain starts and lengths are ≤ 255")
            .to_string()
    }

    /// The address bytes of `address`; rejects other prefixes and malformed strings.
    pub fn decode(&self, address: &str) -> ChainResult<Vec<u8>> {
        let id = AccountId::from_str(address)
            .map_err(|e| ChainError::invalid_address(format!("{address:?}: {e}")))?;
        if id.prefix() != self.prefix {
            return Err(ChainError::invalid_address(format!(
                "{address:?} has prefix {:?}, expected {:?}",
                id.prefix(),
                self.prefix
            )));
        }
        Ok(id.to_bytes())
    }
}

/// A module account's address (SDK `authtypes.NewModuleAddress`): the first 20 bytes of
/// `sha256(name)`.
pub fn module_account(name: &str) -> Vec<u8> {
    Sha256::digest(name.as_bytes())[..20].to_vec()
}

/// The SDK's `address.Module(name, key)` (`types/address/hash.go`):
/// `sha256(sha256("module") ‖ name ‖ 0x00 ‖ key)`, 32 bytes.
pub fn derived_module_address(name: &str, key: &[u8]) -> Vec<u8> {
    let type_hash = Sha256::digest(b"module");
    let mut hasher = Sha256::new();
    hasher.update(type_hash);
    hasher.update(name.as_bytes());
    hasher.update([0u8]);
    hasher.update(key);
    hasher.finalize().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_rejects_foreign_prefixes_and_round_trips_our_own() {
        let bech32 = Bech32::new("wasm");
        let address = bech32.encode(&[7; 20]);
        assert_eq!(bech32.decode(&address).unwrap(), vec![7; 20]);
        let cosmos = Bech32::new("cosmos").encode(&[7; 20]);
        assert_eq!(bech32.decode(&cosmos).unwrap_err().code, 7);
        assert_eq!(bech32.decode("wasm1nope").unwrap_err().code, 7);
    }
}
