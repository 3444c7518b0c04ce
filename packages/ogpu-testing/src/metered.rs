//! A storage that counts the entries every operation touches, so tests can show that no
//! execute path does work that grows with the number of tasks or providers.

use std::cell::Cell;
use std::ops::Sub;

use cosmwasm_std::{MemoryStorage, Order, Record, Storage};

/// Storage entries touched, counted at the chain's storage: each contract's reads and
/// writes, and the bank's and the wasm module's own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StorageOps {
    /// Keys read one at a time.
    pub reads: u64,
    /// Entries yielded by range scans.
    pub scanned: u64,
    /// Keys written or removed, as a transaction commits them (a key written twice in one
    /// transaction counts once).
    pub writes: u64,
}

impl Sub for StorageOps {
    type Output = StorageOps;

    fn sub(self, before: StorageOps) -> StorageOps {
        StorageOps {
            reads: self.reads - before.reads,
            scanned: self.scanned - before.scanned,
            writes: self.writes - before.writes,
        }
    }
}

/// A `MemoryStorage` that counts every access (see [`StorageOps`]).
#[derive(Default)]
pub struct MeteredStorage {
    inner: MemoryStorage,
    ops: Cell<StorageOps>,
}

impl MeteredStorage {
    /// Everything counted since the storage was created.
    pub fn ops(&self) -> StorageOps {
        self.ops.get()
    }

    fn count(&self, change: impl FnOnce(&mut StorageOps)) {
        let mut ops = self.ops.get();
        change(&mut ops);
        self.ops.set(ops);
    }
}

impl Storage for MeteredStorage {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.count(|ops| ops.reads += 1);
        self.inner.get(key)
    }

    fn range<'a>(
        &'a self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'a> {
        let entries = self.inner.range(start, end, order);
        Box::new(entries.inspect(move |_| self.count(|ops| ops.scanned += 1)))
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        self.count(|ops| ops.writes += 1);
        self.inner.set(key, value);
    }

    fn remove(&mut self, key: &[u8]) {
        self.count(|ops| ops.writes += 1);
        self.inner.remove(key);
    }
}
