//! Converting a namespace's records in key order, a bounded number per step, resuming
//! after the last key converted.

use cosmwasm_std::{from_json, Order, Storage};
use cw_storage_plus::{range_with_prefix, Prefix, RawBound};
use ogpu_store::encode;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ContractError;
use crate::msg::Import;
use crate::progress::Progress;

/// What becomes of one v1 record.
pub enum Change {
    Rewrite(Vec<u8>),
    Remove,
}

/// Converts one record (its key without the namespace, its JSON value); what moves to
/// the registry goes into `Import`.
pub type Convert = fn(&[u8], &[u8], &mut Import) -> Result<Change, ContractError>;

/// One namespace of a contract's storage and how each of its records is converted.
pub struct Stage {
    pub namespace: Vec<u8>,
    pub convert: Convert,
}

/// A record whose type v2 kept: the same value, in postcard.
pub fn same<T: DeserializeOwned + Serialize>(
    _key: &[u8],
    json: &[u8],
    _import: &mut Import,
) -> Result<Change, ContractError> {
    Ok(Change::Rewrite(encode(&from_json::<T>(json)?)?))
}

/// A singleton record (an `Item`'s key) whose type v2 kept, converted in place if present.
pub fn same_record<T: DeserializeOwned + Serialize>(
    storage: &mut dyn Storage,
    key: &[u8],
) -> Result<(), ContractError> {
    if let Some(json) = storage.get(key) {
        storage.set(key, &encode(&from_json::<T>(json)?)?);
    }
    Ok(())
}

/// Converts up to `budget` records of `stages` from where `progress` stands, moving on to
/// the next stage when one runs out; returns how many it converted.
pub fn run(
    storage: &mut dyn Storage,
    stages: &[Stage],
    progress: &mut Progress,
    budget: u32,
    import: &mut Import,
) -> Result<u32, ContractError> {
    let mut left = budget as usize;
    while left > 0 && progress.stage < stages.len() {
        let stage = &stages[progress.stage];
        let prefix: Prefix<Vec<u8>, ()> = Prefix::new(&stage.namespace, &[]);
        let start = progress
            .after
            .as_ref()
            .map(|key| RawBound::Exclusive(key.to_vec()));
        // One record past the budget tells whether the stage ends within this step.
        let batch: Vec<_> = range_with_prefix(storage, &prefix, start, None, Order::Ascending)
            .take(left + 1)
            .collect();
        let exhausted = batch.len() <= left;
        for (key, json) in batch.into_iter().take(left) {
            let full = [&prefix[..], &key[..]].concat();
            match (stage.convert)(&key, &json, import)? {
                Change::Rewrite(bytes) => storage.set(&full, &bytes),
                Change::Remove => storage.remove(&full),
            }
            progress.after = Some(key.into());
            progress.converted += 1;
            left -= 1;
        }
        if exhausted {
            progress.stage += 1;
            progress.after = None;
        }
    }
    Ok(budget - left as u32)
}
