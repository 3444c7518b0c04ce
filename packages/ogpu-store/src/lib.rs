//! Contract storage whose values are encoded with postcard, a compact binary format, in
//! place of JSON. wasmd charges 30 gas for every byte a contract writes and 3 for every
//! byte it reads, and a JSON record spells out each field's name, each number as a decimal
//! string and each byte array as base64 or hex: a task header takes a third of the bytes
//! in postcard. Keys are cw-storage-plus keys, so prefixes, bounds and the key layout are
//! the ones the ecosystem knows; index maps with empty values stay cw-storage-plus maps.
//! Messages and query responses stay JSON.
//!
//! postcard writes fields in declaration order with no names, so a stored type's fields
//! are its layout: changing them needs a migration that rewrites the records.

use std::marker::PhantomData;

use cosmwasm_std::{Order, StdError, StdResult, Storage};
use cw_storage_plus::{
    range_with_prefix, Bound, KeyDeserialize, Map, Prefix, Prefixer, PrimaryKey, RawBound,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A record's stored bytes: what `Record` and `Table` write (and a migration rewrites a
/// JSON record into).
pub fn encode<T: Serialize>(value: &T) -> StdResult<Vec<u8>> {
    postcard::to_allocvec(value).map_err(|e| StdError::serialize_err("record", e))
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> StdResult<T> {
    postcard::from_bytes(bytes).map_err(|e| StdError::parse_err("record", e))
}

/// One value under a fixed key, like `cw_storage_plus::Item`.
pub struct Record<T> {
    key: &'static [u8],
    value: PhantomData<T>,
}

impl<T: Serialize + DeserializeOwned> Record<T> {
    pub const fn new(key: &'static str) -> Self {
        Record {
            key: key.as_bytes(),
            value: PhantomData,
        }
    }

    pub const fn key(&self) -> &'static [u8] {
        self.key
    }

    pub fn save(&self, storage: &mut dyn Storage, value: &T) -> StdResult<()> {
        storage.set(self.key, &encode(value)?);
        Ok(())
    }

    pub fn may_load(&self, storage: &dyn Storage) -> StdResult<Option<T>> {
        storage
            .get(self.key)
            .map(|bytes| decode(&bytes))
            .transpose()
    }

    pub fn load(&self, storage: &dyn Storage) -> StdResult<T> {
        self.may_load(storage)?
            .ok_or_else(|| StdError::not_found(String::from_utf8_lossy(self.key)))
    }

    pub fn remove(&self, storage: &mut dyn Storage) {
        storage.remove(self.key)
    }

    /// Loads, changes and saves the value; returns what was saved.
    pub fn update<E: From<StdError>>(
        &self,
        storage: &mut dyn Storage,
        change: impl FnOnce(T) -> Result<T, E>,
    ) -> Result<T, E> {
        let value = change(self.load(storage)?)?;
        self.save(storage, &value)?;
        Ok(value)
    }
}

/// Values by key, like `cw_storage_plus::Map` (with the same key bytes).
pub struct Table<K, T> {
    keys: Map<K, ()>,
    value: PhantomData<T>,
}

impl<'a, K, T> Table<K, T>
where
    K: PrimaryKey<'a>,
    T: Serialize + DeserializeOwned,
{
    pub const fn new(namespace: &'static str) -> Self {
        Table {
            keys: Map::new(namespace),
            value: PhantomData,
        }
    }

    /// The namespace every key starts with (length-prefixed, as cw-storage-plus lays it).
    pub fn namespace(&self) -> &[u8] {
        self.keys.namespace_bytes()
    }

    pub fn save(&self, storage: &mut dyn Storage, key: K, value: &T) -> StdResult<()> {
        storage.set(&self.keys.key(key), &encode(value)?);
        Ok(())
    }

    pub fn may_load(&self, storage: &dyn Storage, key: K) -> StdResult<Option<T>> {
        let bytes = storage.get(&self.keys.key(key));
        bytes.map(|bytes| decode(&bytes)).transpose()
    }

    pub fn load(&self, storage: &dyn Storage, key: K) -> StdResult<T> {
        self.may_load(storage, key)?
            .ok_or_else(|| StdError::not_found(std::any::type_name::<T>()))
    }

    pub fn has(&self, storage: &dyn Storage, key: K) -> bool {
        storage.get(&self.keys.key(key)).is_some()
    }

    pub fn remove(&self, storage: &mut dyn Storage, key: K) {
        storage.remove(&self.keys.key(key))
    }

    /// Loads the value (`None` when absent), changes it and saves it; returns what was
    /// saved.
    pub fn update<E: From<StdError>>(
        &self,
        storage: &mut dyn Storage,
        key: K,
        change: impl FnOnce(Option<T>) -> Result<T, E>,
    ) -> Result<T, E> {
        let value = change(self.may_load(storage, key.clone())?)?;
        self.save(storage, key, &value)?;
        Ok(value)
    }

    /// The entries under `prefix` (the leading part of the key), from `start` on, with
    /// the rest of their key.
    pub fn prefix_range<'s>(
        &self,
        storage: &'s dyn Storage,
        prefix: K::Prefix,
        start: Option<Bound<'a, K::Suffix>>,
        order: Order,
    ) -> impl Iterator<Item = StdResult<(<K::Suffix as KeyDeserialize>::Output, T)>> + 's
    where
        K::Suffix: PrimaryKey<'a> + KeyDeserialize,
        T: 's,
    {
        let prefix = self.prefix_bytes(&prefix.prefix());
        entries::<K::Suffix, T>(storage, &prefix, start.map(|b| b.to_raw_bound()), order)
    }

    /// Every entry, from `start` on.
    pub fn range<'s>(
        &self,
        storage: &'s dyn Storage,
        start: Option<Bound<'a, K>>,
        order: Order,
    ) -> impl Iterator<Item = StdResult<(K::Output, T)>> + 's
    where
        K: KeyDeserialize,
        T: 's,
    {
        let all = self.prefix_bytes(&[]);
        entries::<K, T>(storage, &all, start.map(|b| b.to_raw_bound()), order)
    }

    /// The bytes every key starting with `keys` starts with.
    fn prefix_bytes(&self, keys: &[cw_storage_plus::Key]) -> Vec<u8> {
        let prefix: Prefix<Vec<u8>, ()> = Prefix::new(self.keys.namespace_bytes(), keys);
        prefix.to_vec()
    }
}

/// The records under the key prefix `prefix`, decoded.
fn entries<'s, K: KeyDeserialize, T: DeserializeOwned + 's>(
    storage: &'s dyn Storage,
    prefix: &[u8],
    start: Option<RawBound>,
    order: Order,
) -> impl Iterator<Item = StdResult<(K::Output, T)>> + 's {
    let (start, end) = match order {
        Order::Ascending => (start, None),
        Order::Descending => (None, start),
    };
    range_with_prefix(storage, prefix, start, end, order)
        .map(|(key, value)| Ok((K::from_vec(key)?, decode(&value)?)))
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::{Addr, Binary, Uint128};
    use serde::Deserialize;

    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Lock {
        amount: Uint128,
        proof: Binary,
    }

    const LOCKS: Table<(&Addr, u64), Lock> = Table::new("l");
    const JSON_LOCKS: Map<(&Addr, u64), Lock> = Map::new("l");

    fn lock(amount: u128) -> Lock {
        Lock {
            amount: Uint128::new(amount),
            proof: Binary::from(vec![7u8; 32]),
        }
    }

    #[test]
    fn values_round_trip_under_cw_storage_plus_keys_in_fewer_bytes() {
        let mut storage = MockStorage::new();
        let alice = Addr::unchecked("alice");
        LOCKS.save(&mut storage, (&alice, 7), &lock(5)).unwrap();
        assert_eq!(LOCKS.load(&storage, (&alice, 7)).unwrap(), lock(5));
        assert!(LOCKS.has(&storage, (&alice, 7)));
        assert_eq!(LOCKS.may_load(&storage, (&alice, 8)).unwrap(), None);
        assert!(LOCKS.load(&storage, (&alice, 8)).is_err());
        // The same key bytes as cw-storage-plus; the value in about half the bytes of JSON.
        let key = JSON_LOCKS.key((&alice, 7));
        let compact = storage.get(&key).unwrap();
        let json = cosmwasm_std::to_json_vec(&lock(5)).unwrap();
        assert!(
            compact.len() * 3 < json.len() * 2,
            "{compact:?} vs {json:?}"
        );
        LOCKS.remove(&mut storage, (&alice, 7));
        assert!(!LOCKS.has(&storage, (&alice, 7)));
    }

    #[test]
    fn ranges_follow_key_order_and_bounds() {
        let mut storage = MockStorage::new();
        let (alice, bob) = (Addr::unchecked("alice"), Addr::unchecked("bob"));
        for id in [3, 1, 2] {
            LOCKS
                .save(&mut storage, (&alice, id), &lock(id.into()))
                .unwrap();
        }
        LOCKS.save(&mut storage, (&bob, 1), &lock(9)).unwrap();
        let ids = |start, order| -> Vec<u64> {
            LOCKS
                .prefix_range(&storage, &alice, start, order)
                .map(|item| item.unwrap().0)
                .collect()
        };
        assert_eq!(ids(None, Order::Ascending), vec![1, 2, 3]);
        assert_eq!(
            ids(Some(Bound::exclusive(1u64)), Order::Ascending),
            vec![2, 3]
        );
        assert_eq!(ids(None, Order::Descending), vec![3, 2, 1]);
        assert_eq!(
            ids(Some(Bound::exclusive(3u64)), Order::Descending),
            vec![2, 1]
        );
        let all: Vec<_> = LOCKS
            .range(&storage, None, Order::Ascending)
            .map(|item| item.unwrap())
            .collect();
        // Key byte order: cw-storage-plus prefixes "bob" (3 bytes) with its length, 3 < 5.
        assert_eq!(all.len(), 4);
        assert_eq!(all[0], ((bob, 1), lock(9)));
        assert_eq!(all[1], ((alice, 1), lock(1)));
    }

    #[test]
    fn updates_see_the_stored_value_and_a_record_works_like_an_item() {
        let mut storage = MockStorage::new();
        let alice = Addr::unchecked("alice");
        let add = |lock: Option<Lock>| -> StdResult<Lock> {
            let amount = lock.map_or(0, |l| l.amount.u128()) + 1;
            Ok(self::lock(amount))
        };
        LOCKS.update(&mut storage, (&alice, 1), add).unwrap();
        assert_eq!(
            LOCKS.update(&mut storage, (&alice, 1), add).unwrap(),
            lock(2)
        );
        let total: Record<Uint128> = Record::new("t");
        assert!(total.load(&storage).is_err());
        total.save(&mut storage, &Uint128::new(4)).unwrap();
        let doubled = total
            .update(&mut storage, |t| StdResult::Ok(t * Uint128::new(2)))
            .unwrap();
        assert_eq!(doubled.u128(), 8);
        assert_eq!(total.may_load(&storage).unwrap(), Some(Uint128::new(8)));
    }
}
