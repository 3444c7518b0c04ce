//! The chain's key-value state with nested write layers: a block, a transaction, a message
//! and every submessage each get a layer that is merged on success and dropped on failure,
//! which gives the SDK's cache-context semantics (a failed submessage rolls back only itself).

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};

pub type Bytes = Vec<u8>;

/// Committed state plus the stack of uncommitted layers (`None` marks a deletion).
#[derive(Debug, Default)]
pub struct Store {
    committed: BTreeMap<Bytes, Bytes>,
    layers: Vec<BTreeMap<Bytes, Option<Bytes>>>,
}

/// Iteration direction, as `cosmwasm_std::Order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

impl Store {
    pub fn from_committed(committed: BTreeMap<Bytes, Bytes>) -> Self {
        Self {
            committed,
            layers: Vec::new(),
        }
    }

    pub fn get(&self, key: &[u8]) -> Option<Bytes> {
        for layer in self.layers.iter().rev() {
            if let Some(entry) = layer.get(key) {
                return entry.clone();
            }
        }
        self.committed.get(key).cloned()
    }

    pub fn set(&mut self, key: Bytes, value: Bytes) {
        self.top().insert(key, Some(value));
    }

    pub fn remove(&mut self, key: &[u8]) {
        self.top().insert(key.to_vec(), None);
    }

    /// Opens a layer; every write until the matching `commit`/`discard` lands in it.
    pub fn begin(&mut self) {
        self.layers.push(BTreeMap::new());
    }

    /// Merges the newest layer into the one below (or into the committed state).
    pub fn commit(&mut self) {
        let layer = self.layers.pop().expect("commit without begin");
        match self.layers.last_mut() {
            Some(below) => below.extend(layer),
            None => apply(&mut self.committed, layer),
        }
    }

    /// Drops the newest layer and everything written in it.
    pub fn discard(&mut self) {
        self.layers.pop().expect("discard without begin");
    }

    /// Reopens a layer kept aside earlier (the mempool's check state).
    pub fn push_layer(&mut self, layer: BTreeMap<Bytes, Option<Bytes>>) {
        self.layers.push(layer);
    }

    /// Closes the newest layer and hands it to the caller to keep aside.
    pub fn pop_layer(&mut self) -> BTreeMap<Bytes, Option<Bytes>> {
        self.layers.pop().expect("pop without begin")
    }

    /// Number of open layers (0 between blocks).
    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// Closes the only open layer into the committed state and returns what it changed, for
    /// persistence.
    pub fn commit_block(&mut self) -> BTreeMap<Bytes, Option<Bytes>> {
        assert_eq!(
            self.layers.len(),
            1,
            "a block commits from exactly one open layer"
        );
        let layer = self.layers.pop().expect("checked above");
        apply(&mut self.committed, layer.clone());
        layer
    }

    /// The first (or last, descending) live entry strictly inside `(lower, upper)` bounds,
    /// merging every layer; O(layers · log n) per call so iterators stay lazy.
    pub fn next_in_range(
        &self,
        mut lower: Bound<Bytes>,
        mut upper: Bound<Bytes>,
        direction: Direction,
    ) -> Option<(Bytes, Bytes)> {
        loop {
            let range = (as_ref(&lower), as_ref(&upper));
            if range_is_empty(&range) {
                return None;
            }
            let mut candidates = self
                .layers
                .iter()
                .filter_map(|layer| edge(layer.range::<[u8], _>(range), direction))
                .chain(edge(self.committed.range::<[u8], _>(range), direction));
            let first = candidates.next()?;
            let key = candidates.fold(first, |best, key| match direction {
                Direction::Ascending => best.min(key),
                Direction::Descending => best.max(key),
            });
            if let Some(value) = self.get(&key) {
                return Some((key, value));
            }
            // A deletion hides the key: continue past it.
            match direction {
                Direction::Ascending => lower = Bound::Excluded(key),
                Direction::Descending => upper = Bound::Excluded(key),
            }
        }
    }

    /// Every committed entry (for persistence and genesis export).
    pub fn committed(&self) -> &BTreeMap<Bytes, Bytes> {
        &self.committed
    }

    fn top(&mut self) -> &mut BTreeMap<Bytes, Option<Bytes>> {
        self.layers.last_mut().expect("writes need an open layer")
    }
}

fn apply(committed: &mut BTreeMap<Bytes, Bytes>, layer: BTreeMap<Bytes, Option<Bytes>>) {
    for (key, value) in layer {
        match value {
            Some(value) => committed.insert(key, value),
            None => committed.remove(&key),
        };
    }
}

fn as_ref(bound: &Bound<Bytes>) -> Bound<&[u8]> {
    match bound {
        Bound::Included(k) => Bound::Included(k.as_slice()),
        Bound::Excluded(k) => Bound::Excluded(k.as_slice()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

/// `BTreeMap::range` panics on inverted bounds; CosmWasm defines them as empty.
fn range_is_empty(range: &(Bound<&[u8]>, Bound<&[u8]>)) -> bool {
    match *range {
        (Bound::Included(lo), Bound::Included(hi)) => lo > hi,
        (Bound::Included(lo) | Bound::Excluded(lo), Bound::Excluded(hi))
        | (Bound::Excluded(lo), Bound::Included(hi)) => lo >= hi,
        _ => false,
    }
}

fn edge<'a, V: 'a>(
    mut range: impl DoubleEndedIterator<Item = (&'a Bytes, V)>,
    direction: Direction,
) -> Option<Bytes> {
    let entry = match direction {
        Direction::Ascending => range.next(),
        Direction::Descending => range.next_back(),
    };
    entry.map(|(k, _)| k.clone())
}

/// The store shared by the modules and the contract VM during one block.
#[derive(Debug, Clone, Default)]
pub struct SharedStore(Arc<Mutex<Store>>);

impl SharedStore {
    pub fn new(store: Store) -> Self {
        Self(Arc::new(Mutex::new(store)))
    }

    /// Locks the store; callers hold the guard only for one operation, never across a
    /// contract call.
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(committed: &[(&str, &str)]) -> Store {
        let map = committed
            .iter()
            .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()));
        Store::from_committed(map.collect())
    }

    fn keys(store: &Store, direction: Direction) -> Vec<String> {
        let (mut lower, mut upper) = (Bound::Unbounded, Bound::Unbounded);
        let mut out = Vec::new();
        while let Some((key, _)) = store.next_in_range(lower.clone(), upper.clone(), direction) {
            out.push(String::from_utf8(key.clone()).unwrap());
            match direction {
                Direction::Ascending => lower = Bound::Excluded(key),
                Direction::Descending => upper = Bound::Excluded(key),
            }
        }
        out
    }

    #[test]
    fn discarded_layers_leave_no_trace_and_committed_layers_merge() {
        let mut store = store_with(&[("a", "1")]);
        store.begin();
        store.set(b"b".to_vec(), b"2".to_vec());
        store.begin();
        store.remove(b"a");
        store.set(b"c".to_vec(), b"3".to_vec());
        assert_eq!(store.get(b"a"), None);
        store.discard();
        assert_eq!(store.get(b"a"), Some(b"1".to_vec()));
        assert_eq!(store.get(b"c"), None);
        let changes = store.commit_block();
        assert_eq!(changes.len(), 1);
        assert_eq!(store.get(b"b"), Some(b"2".to_vec()));
    }

    #[test]
    fn iteration_merges_layers_and_skips_deletions_both_ways() {
        let mut store = store_with(&[("a", "1"), ("c", "3"), ("e", "5")]);
        store.begin();
        store.set(b"b".to_vec(), b"2".to_vec());
        store.remove(b"c");
        store.begin();
        store.set(b"d".to_vec(), b"4".to_vec());
        store.remove(b"e");
        assert_eq!(keys(&store, Direction::Ascending), ["a", "b", "d"]);
        assert_eq!(keys(&store, Direction::Descending), ["d", "b", "a"]);
    }

    #[test]
    fn inverted_ranges_are_empty() {
        let store = store_with(&[("a", "1")]);
        let found = store.next_in_range(
            Bound::Included(b"b".to_vec()),
            Bound::Excluded(b"a".to_vec()),
            Direction::Ascending,
        );
        assert_eq!(found, None);
    }
}
