//! The devnet's funded accounts: keys derived from one mnemonic (BIP-39 seed, BIP-32 path
//! m/44'/118'/0'/0/i, the Cosmos coin type), like anvil's dev accounts.

use bip32::{DerivationPath, XPrv};
use cosmrs::crypto::secp256k1::SigningKey;

/// The default dev mnemonic: anvil's, so it is recognisably a throwaway test key.
pub const DEFAULT_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// One funded account: its index on the HD path, its key and its address.
pub struct DevAccount {
    pub index: u32,
    pub path: String,
    pub key: SigningKey,
    /// The raw secp256k1 secret, for importing into other tools.
    pub private_key: [u8; 32],
    pub address: String,
}

impl std::fmt::Debug for DevAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevAccount")
            .field("index", &self.index)
            .field("address", &self.address)
            .finish()
    }
}

/// Derives `count` accounts from `mnemonic`.
pub fn derive_accounts(
    mnemonic: &str,
    count: u32,
    prefix: &str,
) -> Result<Vec<DevAccount>, String> {
    let mnemonic = bip39::Mnemonic::parse_in_normalized(bip39::Language::English, mnemonic.trim())
        .map_err(|e| format!("invalid mnemonic ({e}): it must be 12 to 24 English BIP-39 words"))?;
    let seed = mnemonic.to_seed("");
    (0..count)
        .map(|index| {
            let path = format!("m/44'/118'/0'/0/{index}");
            let parsed: DerivationPath = path.parse().map_err(|e| format!("{path}: {e}"))?;
            let xprv = XPrv::derive_from_path(seed, &parsed).map_err(|e| format!("{path}: {e}"))?;
            let private_key: [u8; 32] = xprv.private_key().to_bytes().into();
            let key = SigningKey::from_slice(&private_key).map_err(|e| format!("{path}: {e}"))?;
            let address = key
                .public_key()
                .account_id(prefix)
                .map_err(|e| format!("address with prefix {prefix:?}: {e}"))?
                .to_string();
            Ok(DevAccount {
                index,
                path,
                key,
                private_key,
                address,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_is_deterministic_and_rejects_bad_mnemonics() {
        let a = derive_accounts(DEFAULT_MNEMONIC, 2, "wasm").unwrap();
        let b = derive_accounts(DEFAULT_MNEMONIC, 2, "wasm").unwrap();
        assert_eq!(a[0].address, b[0].address);
        assert_ne!(a[0].address, a[1].address);
        assert!(a[0].address.starts_with("wasm1"));
        assert!(derive_accounts("not a mnemonic", 1, "wasm").is_err());
    }
}
