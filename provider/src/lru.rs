//! A small least-recently-used map for the program cache. Programs are few (tens) and
//! lookups rare next to a kernel launch, so a linear scan over a deque is enough.

use std::collections::VecDeque;

/// At most `capacity` entries; inserting beyond that evicts the least recently used.
#[derive(Debug)]
pub(crate) struct Lru<K, V> {
    capacity: usize,
    /// Most recently used first.
    entries: VecDeque<(K, V)>,
}

impl<K: PartialEq, V: Clone> Lru<K, V> {
    /// A map of at least one entry.
    pub(crate) fn new(capacity: usize) -> Self {
        Lru {
            capacity: capacity.max(1),
            entries: VecDeque::new(),
        }
    }

    /// The value for `key`, which becomes the most recently used.
    pub(crate) fn get(&mut self, key: &K) -> Option<V> {
        let position = self.entries.iter().position(|(k, _)| k == key)?;
        let entry = self.entries.remove(position)?;
        let value = entry.1.clone();
        self.entries.push_front(entry);
        Some(value)
    }

    /// Stores `value` as the most recently used, replacing an entry of the same key.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push_front((key, value));
        self.entries.truncate(self.capacity);
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used() {
        let mut lru = Lru::new(2);
        lru.insert("a", 1);
        lru.insert("b", 2);
        assert_eq!(lru.get(&"a"), Some(1));
        lru.insert("c", 3);
        assert_eq!(lru.get(&"b"), None);
        assert_eq!(lru.get(&"a"), Some(1));
        assert_eq!(lru.get(&"c"), Some(3));
        assert_eq!(lru.len(), 2);
    }

    #[test]
    fn insert_replaces_the_same_key() {
        let mut lru = Lru::new(0);
        lru.insert("a", 1);
        lru.insert("a", 2);
        assert_eq!(lru.len(), 1);
        assert_eq!(lru.get(&"a"), Some(2));
    }
}
