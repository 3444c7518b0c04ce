//! What a scripted provider keeps secret between its commitment and its reveal.

use cosmwasm_std::{Addr, Binary, HexBinary, Uint128};
use ogpu_types::commitment::{bid_commitment, result_commitment, sha256};
use ogpu_types::Payload;

/// What a provider keeps secret between its commitment and its reveal.
#[derive(Clone, Debug, PartialEq)]
pub struct Sealed {
    pub result: Payload,
    pub salt: HexBinary,
    /// `None` in First Response.
    pub price: Option<Uint128>,
    pub digest: HexBinary,
    pub commitment: HexBinary,
}

impl Sealed {
    /// Seals `result` for `provider` on `task_id`; `committed_price` is the price that
    /// goes into the hash (the reward in First Response, the offer otherwise).
    pub fn new(
        task_id: u64,
        provider: &Addr,
        result: &[u8],
        committed_price: u128,
        price: Option<u128>,
    ) -> Self {
        let digest = sha256(result);
        let salt = sha256(format!("salt/{task_id}/{provider}").as_bytes());
        let commitment = result_commitment(
            task_id,
            provider.as_str(),
            &digest,
            Uint128::new(committed_price),
            &salt,
        );
        Sealed {
            result: Payload::Inline {
                data: Binary::from(result),
            },
            salt: HexBinary::from(salt),
            price: price.map(Uint128::new),
            digest: HexBinary::from(digest),
            commitment: HexBinary::from(commitment),
        }
    }
}

/// A sealed auction bid and its secrets.
#[derive(Clone, Debug, PartialEq)]
pub struct SealedBid {
    pub price: Uint128,
    pub salt: HexBinary,
    pub commitment: HexBinary,
}

impl SealedBid {
    pub fn new(task_id: u64, provider: &Addr, price: u128) -> Self {
        let salt = sha256(format!("bid-salt/{task_id}/{provider}").as_bytes());
        let price = Uint128::new(price);
        SealedBid {
            price,
            salt: HexBinary::from(salt),
            commitment: HexBinary::from(bid_commitment(task_id, provider.as_str(), price, &salt)),
        }
    }
}

/// A bid as the generic secrets of a commitment: the price and salt, no result.
impl From<SealedBid> for Sealed {
    fn from(bid: SealedBid) -> Self {
        Sealed {
            result: Payload::Inline {
                data: Binary::default(),
            },
            salt: bid.salt,
            price: Some(bid.price),
            digest: HexBinary::default(),
            commitment: bid.commitment,
        }
    }
}
