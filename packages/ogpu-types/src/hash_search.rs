//! The hash-search task kind: a GPU workload whose answer the registry checks itself.
//!
//! The client publishes a `prefix` and a `difficulty` D; a provider searches for a nonce
//! such that `sha256(prefix ‖ nonce)` starts with at least D zero bits. Finding one takes
//! about 2^D hashes; checking it takes one, so the registry verifies every revealed answer
//! at reveal time and an invalid answer is rejected (and never paid).
//!
//! Byte layout, shared by the registry, the provider's kernel and the CLI:
//!
//! | item | bytes |
//! |---|---|
//! | preimage | `prefix` (1 to [`MAX_PREFIX_LEN`] bytes) ‖ nonce (`u64`, big-endian, 8 bytes) |
//! | hash | `sha256(preimage)`, 32 bytes |
//! | zero bits | counted from the most significant bit of the hash's first byte |
//! | answer (the revealed result) | the nonce alone: inline, exactly [`NONCE_LEN`] bytes, big-endian |
//!
//! The answer travels as an ordinary result: its digest is `sha256(nonce bytes)` and the
//! provider commits to it with [`crate::result_commitment`] like any other result, so the
//! commit–reveal scheme (and its copy-proofing) applies unchanged.
//!
//! A client should pick a fresh random prefix: an answer found for a prefix stays valid
//! for every task that reuses it.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::HexBinary;
use std::ops::Range;

use crate::commitment::{sha256, Hash32};

/// Bytes of the nonce in the preimage and in the answer: a `u64`, big-endian.
pub const NONCE_LEN: usize = 8;
/// Longest prefix. The preimage is then at most 72 bytes, two SHA-256 blocks: the kernel
/// hashes a message of bounded size (the prefix's full blocks can be precomputed once) and
/// the registry's check costs at most two compressions.
pub const MAX_PREFIX_LEN: usize = 64;
/// Smallest difficulty: zero bits would accept any nonce.
pub const MIN_DIFFICULTY: u32 = 1;
/// Largest difficulty. There are 2^64 nonces, so a prefix has about 2^(64 − D) answers:
/// above 64 most prefixes have none at all, and a task that cannot be solved only burns
/// providers' work before it expires. (Even 64 is far beyond what any GPU finds in time.)
pub const MAX_DIFFICULTY: u32 = 64;

/// A hash search: find a nonce such that `sha256(prefix ‖ nonce)` has at least
/// `difficulty` leading zero bits.
#[cw_serde]
pub struct HashSearch {
    /// 1 to 64 bytes (`MAX_PREFIX_LEN`), hex.
    pub prefix: HexBinary,
    /// Leading zero bits required, 1 to 64 (`MIN_DIFFICULTY..=MAX_DIFFICULTY`).
    pub difficulty: u32,
}

/// Number of zero bits before the first one bit (256 for an all-zero hash).
pub fn leading_zero_bits(hash: &Hash32) -> u32 {
    let mut bits = 0;
    for byte in hash {
        bits += byte.leading_zeros();
        if *byte != 0 {
            break;
        }
    }
    bits
}

/// `sha256(prefix ‖ nonce as 8 big-endian bytes)`.
pub fn hash(prefix: &[u8], nonce: u64) -> Hash32 {
    let mut preimage = Vec::with_capacity(prefix.len() + NONCE_LEN);
    preimage.extend_from_slice(prefix);
    preimage.extend_from_slice(&nonce.to_be_bytes());
    sha256(&preimage)
}

/// True when `sha256(prefix ‖ nonce_be8)` has at least `difficulty` leading zero bits.
pub fn verify(prefix: &[u8], difficulty: u32, nonce: u64) -> bool {
    leading_zero_bits(&hash(prefix, nonce)) >= difficulty
}

/// The nonce an answer carries: `Some` only for exactly [`NONCE_LEN`] bytes.
pub fn nonce_from_answer(answer: &[u8]) -> Option<u64> {
    answer.try_into().ok().map(u64::from_be_bytes)
}

/// A reference CPU search (for tests and small difficulties): the first nonce in `nonces`
/// that answers the search.
pub fn search(prefix: &[u8], difficulty: u32, mut nonces: Range<u64>) -> Option<u64> {
    nonces.find(|&nonce| verify(prefix, difficulty, nonce))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors computed with Python's hashlib and checked again with coreutils `sha256sum`.
    const OGPU: &[u8] = b"ogpu";

    #[test]
    fn leading_zero_bits_counts_across_bytes() {
        let mut hash = [0u8; 32];
        assert_eq!(leading_zero_bits(&hash), 256);
        hash[0] = 0x80;
        assert_eq!(leading_zero_bits(&hash), 0);
        hash[0] = 0x01;
        assert_eq!(leading_zero_bits(&hash), 7);
        hash[0] = 0x00;
        hash[1] = 0x10;
        assert_eq!(leading_zero_bits(&hash), 11);
        hash[1] = 0x00;
        hash[31] = 0x01;
        assert_eq!(leading_zero_bits(&hash), 255);
    }

    #[test]
    fn hash_is_prefix_then_big_endian_nonce() {
        // sha256(b"ogpu" ‖ 00 00 00 00 00 04 16 02), nonce 267 778.
        assert_eq!(
            HexBinary::from(hash(OGPU, 267_778)).to_hex(),
            "00000216940afc7190e8b5acf82907120e6d36e63cc74540690d41384dbe0eda"
        );
        assert_eq!(
            HexBinary::from(hash(OGPU, 0)).to_hex(),
            "a049d4957908aaa3a1b84380c2f9b3ae20b86a14f791161e46e0446633cb2e21"
        );
    }

    #[test]
    fn verify_accepts_exactly_the_required_zero_bits() {
        // 22 leading zero bits.
        assert!(verify(OGPU, 22, 267_778));
        assert!(!verify(OGPU, 23, 267_778));
        // The hash of 64 zero bytes ‖ 718 starts 0x008e: exactly 8 zero bits.
        let zeros = [0u8; MAX_PREFIX_LEN];
        assert!(verify(&zeros, 8, 718));
        assert!(!verify(&zeros, 9, 718));
        assert!(!verify(OGPU, 1, 0));
        assert!(verify(&zeros, 20, 517_730));
        assert!(!verify(&zeros, 20, 517_731));
    }

    #[test]
    fn search_finds_the_first_answer() {
        assert_eq!(search(OGPU, 8, 0..1_000), Some(291));
        assert_eq!(search(OGPU, 12, 0..10_000), Some(4_336));
        assert_eq!(search(OGPU, 16, 0..40_000), Some(33_576));
        assert_eq!(search(OGPU, 16, 0..33_576), None);
    }

    #[test]
    fn an_answer_is_exactly_eight_big_endian_bytes() {
        assert_eq!(
            nonce_from_answer(&[0, 0, 0, 0, 0, 4, 0x16, 2]),
            Some(267_778)
        );
        assert_eq!(
            nonce_from_answer(&267_778u64.to_le_bytes()),
            Some(0x0216_0400_0000_0000)
        );
        assert_eq!(nonce_from_answer(&[0; 7]), None);
        assert_eq!(nonce_from_answer(&[0; 9]), None);
    }
}
