//! A phrase dictionary: sequences of stem ids in a trie, each phrase leading to targets (codes
//! of the release, or main terms of the Alphabetic Index). The lookup finds, from a start
//! word, the longest phrase the note's words spell out.

use std::collections::HashMap;

/// Longest phrase kept (in content words); longer titles never occur word for word in notes.
pub const MAX_PHRASE_WORDS: usize = 10;

/// Phrases of stem ids and their targets.
#[derive(Debug)]
pub struct PhraseTrie<T> {
    edges: HashMap<(u32, u32), u32>,
    /// Per node: the targets of the phrase ending there.
    targets: Vec<Vec<T>>,
}

impl<T: PartialEq> Default for PhraseTrie<T> {
    fn default() -> Self {
        PhraseTrie { edges: HashMap::new(), targets: vec![Vec::new()] }
    }
}

impl<T: PartialEq> PhraseTrie<T> {
    /// Adds a phrase; empty or overlong phrases are ignored, a target is kept once per phrase.
    pub fn insert(&mut self, phrase: &[u32], target: T) {
        if phrase.is_empty() || phrase.len() > MAX_PHRASE_WORDS {
            return;
        }
        let mut node = 0u32;
        for &word in phrase {
            let next = self.targets.len() as u32;
            node = *self.edges.entry((node, word)).or_insert(next);
            if node == next {
                self.targets.push(Vec::new());
            }
        }
        let targets = &mut self.targets[node as usize];
        if !targets.contains(&target) {
            targets.push(target);
        }
    }

    /// The longest phrase starting at `words[0]`: its length in words and its targets.
    pub fn longest(&self, words: impl IntoIterator<Item = Option<u32>>) -> Option<(usize, &[T])> {
        let mut best = None;
        self.walk(words, |length, targets| best = Some((length, targets)));
        best
    }

    /// Every phrase starting at `words[0]`, longest first: length in words and targets.
    pub fn all(&self, words: impl IntoIterator<Item = Option<u32>>) -> Vec<(usize, &[T])> {
        let mut found = Vec::new();
        self.walk(words, |length, targets| found.push((length, targets)));
        found.reverse();
        found
    }

    /// Walks the trie word by word from `words[0]`, calling `on_phrase` with the length and
    /// targets of each phrase found, shortest first.
    fn walk<'a>(&'a self, words: impl IntoIterator<Item = Option<u32>>, mut on_phrase: impl FnMut(usize, &'a [T])) {
        let mut node = 0u32;
        for (at, word) in words.into_iter().take(MAX_PHRASE_WORDS).enumerate() {
            let Some(next) = word.and_then(|word| self.edges.get(&(node, word))) else {
                break;
            };
            node = *next;
            let targets = &self.targets[node as usize];
            if !targets.is_empty() {
                on_phrase(at + 1, targets.as_slice());
            }
        }
    }

    /// Number of trie nodes (for memory estimates).
    pub fn nodes(&self) -> usize {
        self.targets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_longest_phrase() {
        let mut trie = PhraseTrie::default();
        trie.insert(&[1], "heart");
        trie.insert(&[1, 2], "heart failure");
        trie.insert(&[1, 2, 3, 4], "heart failure acute systolic");
        trie.insert(&[1, 2], "heart failure");
        assert_eq!(trie.longest([Some(1), Some(2), Some(3)]), Some((2, &["heart failure"][..])));
        assert_eq!(trie.longest([Some(1), None]), Some((1, &["heart"][..])));
        assert_eq!(trie.longest([Some(2)]), None);
        assert_eq!(trie.nodes(), 5);
        let all = trie.all([Some(1), Some(2), Some(3)]);
        assert_eq!(all, [(2, &["heart failure"][..]), (1, &["heart"][..])]);
    }
}
