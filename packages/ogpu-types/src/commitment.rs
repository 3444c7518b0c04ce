//! Commitment hashes: computed identically by the contracts, the CLI and the provider.
//!
//! A result commitment binds the task, the provider, the result digest, the asked price and
//! a secret salt. It is posted first and opened (revealed) in a later block, so a provider
//! that sees another's result cannot claim it: the commitment names its author, and a
//! commitment made after the result was visible is always too late.
//!
//! Byte layout (all integers big-endian, hashed with SHA-256):
//!
//! | field | bytes |
//! |---|---|
//! | domain tag `ogpu/result-commitment/v1` | 25 |
//! | task id (`u64`) | 8 |
//! | provider address length (`u16`) | 2 |
//! | provider address (bech32, lowercase, UTF-8) | n |
//! | result digest = `sha256(result bytes)` | 32 |
//! | price (`u128`; the full reward in First Response) | 16 |
//! | salt (random, secret until reveal) | 32 |

use cosmwasm_std::{HexBinary, Uint128};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// A SHA-256 output.
pub type Hash32 = [u8; 32];

/// Domain tag that separates result commitments from every other hash of the protocol.
pub const RESULT_COMMITMENT_DOMAIN: &[u8] = b"ogpu/result-commitment/v1";

#[derive(Error, Debug, PartialEq, Eq)]
pub enum CommitmentError {
    #[error("{field} must be 32 bytes (64 hex characters), got {len} bytes")]
    InvalidLength { field: &'static str, len: usize },
}

/// Domain tag of sealed auction bids.
pub const BID_COMMITMENT_DOMAIN: &[u8] = b"ogpu/bid-commitment/v1";

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Hash32 {
    Sha256::digest(data).into()
}

/// Reads a 32-byte value (digest, salt, commitment) out of a hex message field.
pub fn to_hash32(field: &'static str, bytes: &HexBinary) -> Result<Hash32, CommitmentError> {
    bytes
        .as_slice()
        .try_into()
        .map_err(|_| CommitmentError::InvalidLength {
            field,
            len: bytes.len(),
        })
}

/// `sha256(domain ‖ task_id ‖ len(provider) ‖ provider ‖ digest ‖ price ‖ salt)`.
pub fn result_commitment(
    task_id: u64,
    provider: &str,
    digest: &Hash32,
    price: Uint128,
    salt: &Hash32,
) -> Hash32 {
    let mut hasher = commitment_hasher(RESULT_COMMITMENT_DOMAIN, task_id, provider);
    hasher.update(digest);
    hasher.update(price.u128().to_be_bytes());
    hasher.update(salt);
    hasher.finalize().into()
}

/// A sealed auction bid: `sha256(domain ‖ task_id ‖ len(provider) ‖ provider ‖ price ‖
/// salt)`, laid out as the result commitment without the digest (domain tag
/// `ogpu/bid-commitment/v1`, 22 bytes).
pub fn bid_commitment(task_id: u64, provider: &str, price: Uint128, salt: &Hash32) -> Hash32 {
    let mut hasher = commitment_hasher(BID_COMMITMENT_DOMAIN, task_id, provider);
    hasher.update(price.u128().to_be_bytes());
    hasher.update(salt);
    hasher.finalize().into()
}

/// The head every commitment shares: `domain ‖ task_id ‖ len(provider) ‖ provider`.
fn commitment_hasher(domain: &[u8], task_id: u64, provider: &str) -> Sha256 {
    let provider_len = u16::try_from(provider.len()).expect("bech32 addresses are short");
    let mut hasher = Sha256::new();
    hasher.update(domain);
    hasher.update(task_id.to_be_bytes());
    hasher.update(provider_len.to_be_bytes());
    hasher.update(provider.as_bytes());
    hasher
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitment_binds_every_field() {
        let digest = sha256(b"result");
        let salt = [7u8; 32];
        let base = result_commitment(1, "wasm1abc", &digest, Uint128::new(100), &salt);
        assert_ne!(
            base,
            result_commitment(2, "wasm1abc", &digest, Uint128::new(100), &salt)
        );
        assert_ne!(
            base,
            result_commitment(1, "wasm1abd", &digest, Uint128::new(100), &salt)
        );
        assert_ne!(
            base,
            result_commitment(1, "wasm1abc", &sha256(b"other"), Uint128::new(100), &salt)
        );
        assert_ne!(
            base,
            result_commitment(1, "wasm1abc", &digest, Uint128::new(99), &salt)
        );
        assert_ne!(
            base,
            result_commitment(1, "wasm1abc", &digest, Uint128::new(100), &[8u8; 32])
        );
    }

    #[test]
    fn commitment_matches_documented_layout() {
        let digest = [0x11u8; 32];
        let salt = [0x22u8; 32];
        let mut preimage = Vec::new();
        preimage.extend_from_slice(b"ogpu/result-commitment/v1");
        preimage.extend_from_slice(&5u64.to_be_bytes());
        preimage.extend_from_slice(&3u16.to_be_bytes());
        preimage.extend_from_slice(b"abc");
        preimage.extend_from_slice(&digest);
        preimage.extend_from_slice(&42u128.to_be_bytes());
        preimage.extend_from_slice(&salt);
        assert_eq!(
            result_commitment(5, "abc", &digest, Uint128::new(42), &salt),
            sha256(&preimage)
        );
    }

    #[test]
    fn bid_commitment_matches_documented_layout() {
        let salt = [0x22u8; 32];
        let mut preimage = Vec::new();
        preimage.extend_from_slice(b"ogpu/bid-commitment/v1");
        preimage.extend_from_slice(&5u64.to_be_bytes());
        preimage.extend_from_slice(&3u16.to_be_bytes());
        preimage.extend_from_slice(b"abc");
        preimage.extend_from_slice(&42u128.to_be_bytes());
        preimage.extend_from_slice(&salt);
        assert_eq!(
            bid_commitment(5, "abc", Uint128::new(42), &salt),
            sha256(&preimage)
        );
        assert_ne!(
            bid_commitment(5, "abc", Uint128::new(43), &salt),
            sha256(&preimage)
        );
    }

    #[test]
    fn hash32_rejects_wrong_length() {
        let short = HexBinary::from(vec![1u8; 31]);
        assert_eq!(
            to_hash32("salt", &short),
            Err(CommitmentError::InvalidLength {
                field: "salt",
                len: 31
            })
        );
        assert_eq!(
            to_hash32("salt", &HexBinary::from(vec![1u8; 32])),
            Ok([1u8; 32])
        );
    }
}
