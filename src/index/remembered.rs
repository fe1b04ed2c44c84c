//! What a search thread remembers of the index between searches: document lists read or
//! built from a segment's postings (segments never change), found by an outer key (the
//! segment, and the field when there is one) and the bytes that name the list. Up to a budget
//! of lists and documents; past it, the thread starts over.

use std::hash::Hash;

/// Lists by outer key and name, within a budget.
pub(crate) struct Remembered<K, V> {
    lists: foldhash::HashMap<K, foldhash::HashMap<Box<[u8]>, V>>,
    count: usize,
    docs: usize,
    max_count: usize,
    max_docs: usize,
}

impl<K: Eq + Hash, V: Clone> Remembered<K, V> {
    /// Nothing remembered yet; at most `max_count` lists holding `max_docs` documents.
    pub(crate) fn new(max_count: usize, max_docs: usize) -> Remembered<K, V> {
        Remembered { lists: Default::default(), count: 0, docs: 0, max_count, max_docs }
    }

    /// The list remembered under `outer` and `name`.
    pub(crate) fn get(&self, outer: &K, name: &[u8]) -> Option<V> {
        self.lists.get(outer).and_then(|lists| lists.get(name)).cloned()
    }

    /// Remembers `list` (of `docs` documents) under `outer` and `name`, forgetting every list
    /// first when it would go over the budget.
    pub(crate) fn insert(&mut self, outer: K, name: &[u8], list: V, docs: usize) {
        if self.count >= self.max_count || self.docs + docs > self.max_docs {
            self.lists.clear();
            self.count = 0;
            self.docs = 0;
        }
        self.count += 1;
        self.docs += docs;
        self.lists.entry(outer).or_default().insert(name.into(), list);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_within_the_budget_then_starts_over() {
        let mut remembered: Remembered<u8, u32> = Remembered::new(3, 100);
        remembered.insert(1, b"a", 10, 40);
        remembered.insert(2, b"a", 20, 40);
        assert_eq!(remembered.get(&1, b"a"), Some(10));
        assert_eq!(remembered.get(&2, b"a"), Some(20));
        assert_eq!(remembered.get(&1, b"b"), None);
        remembered.insert(1, b"b", 30, 40);
        assert_eq!(remembered.get(&1, b"a"), None, "over the documents' budget: started over");
        assert_eq!(remembered.get(&1, b"b"), Some(30));
        remembered.insert(1, b"c", 0, 0);
        remembered.insert(1, b"d", 0, 0);
        remembered.insert(1, b"e", 0, 0);
        assert_eq!(remembered.get(&1, b"b"), None, "over the lists' budget: started over");
        assert_eq!(remembered.get(&1, b"e"), Some(0));
    }
}
