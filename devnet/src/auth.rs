//! Accounts (the SDK's `x/auth`): number, sequence and public key, stored as the SDK's own
//! `BaseAccount` protobuf so queries return exactly what a chain would.

use cosmrs::proto::cosmos::auth::v1beta1::BaseAccount;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
use prost::Message;

use crate::address::Bech32;
use crate::error::{ChainError, ChainResult};
use crate::kv::Kv;

const ACCOUNT_PREFIX: u8 = 0x01;
const NEXT_ACCOUNT_NUMBER: &[u8] = b"a\x02";
const PARAMS: &[u8] = b"a\x00";
/// Type URL of a secp256k1 public key in `BaseAccount.pub_key`.
pub const SECP256K1_PUBKEY_URL: &str = "/cosmos.crypto.secp256k1.PubKey";

/// What the ante handler needs of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub address: Vec<u8>,
    pub number: u64,
    pub sequence: u64,
    /// Compressed secp256k1 key, known once the account has signed a tx.
    pub pubkey: Option<Vec<u8>>,
}

/// Stores the auth module's parameters (at genesis), as the SDK's own protobuf.
pub fn store_params(kv: &Kv) -> ChainResult<()> {
    use crate::gas::auth as defaults;
    let params = cosmrs::proto::cosmos::auth::v1beta1::Params {
        max_memo_characters: defaults::MAX_MEMO_CHARACTERS as u64,
        tx_sig_limit: defaults::TX_SIG_LIMIT as u64,
        tx_size_cost_per_byte: defaults::TX_SIZE_COST_PER_BYTE,
        sig_verify_cost_ed25519: 590,
        sig_verify_cost_secp256k1: defaults::SIG_VERIFY_COST_SECP256K1,
    };
    kv.set(PARAMS.to_vec(), params.encode_to_vec())?;
    Ok(())
}

/// A metered read of the auth parameters: every ante decorator that consults them on a
/// chain pays for it (the values themselves are the constants in `gas::auth`).
pub fn read_params(kv: &Kv) -> ChainResult<()> {
    kv.get(PARAMS)?;
    Ok(())
}

fn account_key(address: &[u8]) -> Vec<u8> {
    [b"a".as_slice(), &[ACCOUNT_PREFIX], address].concat()
}

pub fn load(kv: &Kv, address: &[u8]) -> ChainResult<Option<Account>> {
    let Some(bytes) = kv.get(&account_key(address))? else {
        return Ok(None);
    };
    let stored = BaseAccount::decode(bytes.as_slice())
        .map_err(|e| ChainError::invalid_request(format!("corrupt account record: {e}")))?;
    let pubkey = match stored.pub_key {
        Some(any) => Some(
            PubKey::decode(any.value.as_slice())
                .map_err(ChainError::invalid_pubkey)?
                .key,
        ),
        None => None,
    };
    Ok(Some(Account {
        address: address.to_vec(),
        number: stored.account_number,
        sequence: stored.sequence,
        pubkey,
    }))
}

pub fn save(kv: &Kv, bech32: &Bech32, account: &Account) -> ChainResult<()> {
    kv.set(
        account_key(&account.address),
        to_proto(bech32, account).encode_to_vec(),
    )?;
    Ok(())
}

/// The account at `address`, created (with the next account number) if it does not exist,
/// as the SDK does when an address first receives funds.
pub fn load_or_create(kv: &Kv, bech32: &Bech32, address: &[u8]) -> ChainResult<Account> {
    if let Some(account) = load(kv, address)? {
        return Ok(account);
    }
    let number = next_account_number(kv)?;
    let account = Account {
        address: address.to_vec(),
        number,
        sequence: 0,
        pubkey: None,
    };
    save(kv, bech32, &account)?;
    Ok(account)
}

/// The SDK's `BaseAccount` for queries (`cosmos.auth.v1beta1.Query/Account`).
pub fn to_proto(bech32: &Bech32, account: &Account) -> BaseAccount {
    BaseAccount {
        address: bech32.encode(&account.address),
        pub_key: account.pubkey.as_ref().map(|key| cosmrs::Any {
            type_url: SECP256K1_PUBKEY_URL.to_string(),
            value: PubKey { key: key.clone() }.encode_to_vec(),
        }),
        account_number: account.number,
        sequence: account.sequence,
    }
}

fn next_account_number(kv: &Kv) -> ChainResult<u64> {
    let next = kv
        .get(NEXT_ACCOUNT_NUMBER)?
        .map_or(0, |bytes| decode_u64(&bytes));
    kv.set(
        NEXT_ACCOUNT_NUMBER.to_vec(),
        (next + 1).to_be_bytes().to_vec(),
    )?;
    Ok(next)
}

/// Reads a big-endian u64 counter (the state's encoding of every sequence).
pub fn decode_u64(bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    let len = bytes.len().min(8);
    buf[8 - len..].copy_from_slice(&bytes[bytes.len() - len..]);
    u64::from_be_bytes(buf)
}
