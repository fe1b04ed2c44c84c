//! Spelling correction for words no indexed word starts like: the most frequent indexed
//! word (titles and other texts) within one edit — two for words of six letters or more —
//! that starts with the same letter. "pnuemonia" → "pneumonia", "athsma" → "asthma".
//!
//! The indexed words and their document frequencies are read once, when the index is
//! opened, into a [`Vocabulary`]; a correction then compares only the words of the same
//! first letter and a close length, without touching the index. Whether a word, or a word
//! starting so, is indexed (asked of every query word) is a walk of an FST of every word.

use std::collections::HashMap;

use tantivy::schema::Field;
use tantivy::Searcher;
use tantivy_fst::Map;

use super::highlight::edit_distance_within;
use super::query::{indexed_prefix, MIN_PREFIX_CHARS};
use super::schema::Fields;

/// Words shorter than this are not corrected.
const MIN_CHARS: usize = 4;
/// Words this long may be two edits away.
const TWO_EDITS_CHARS: usize = 6;

/// An indexed word: its text, length in characters and document frequency.
type Known = (String, usize, u64);

/// Indexed words, by first letter, sorted.
#[derive(Debug)]
pub struct Vocabulary {
    title: HashMap<char, Vec<Known>>,
    other: HashMap<char, Vec<Known>>,
    /// Every word of both, as an FST, with the documents holding it (title or other text).
    words: Map<Vec<u8>>,
}

impl Vocabulary {
    /// Reads the words of the title and other-text word fields of every segment.
    pub fn read(searcher: &Searcher, fields: &Fields) -> tantivy::Result<Vocabulary> {
        let title = words_of(searcher, fields.title_words)?;
        let other = words_of(searcher, fields.other_words)?;
        let mut every: Vec<(&str, u64)> =
            title.values().chain(other.values()).flatten().map(|(word, _, count)| (word.as_str(), *count)).collect();
        every.sort_unstable();
        // A word in both fields: the documents of either (an upper bound: a document can
        // hold it in both).
        every.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        let words =
            Map::from_iter(every).map_err(|e| tantivy::TantivyError::InternalError(format!("vocabulary FST: {e}")))?;
        Ok(Vocabulary { title, other, words })
    }

    /// Whether an indexed word (title or other text) starts with `prefix`, as the word-prefix
    /// fields would tell: prefixes of fewer than [`MIN_PREFIX_CHARS`] characters are not
    /// indexed, longer ones are cut ([`indexed_prefix`]).
    pub fn has_word_starting_with(&self, prefix: &str) -> bool {
        if prefix.chars().count() < MIN_PREFIX_CHARS {
            return false;
        }
        let cut = indexed_prefix(prefix);
        // Every state of the FST leads to a word: reaching the prefix's state is enough.
        let fst = self.words.as_fst();
        let mut node = fst.root();
        for &byte in cut.as_bytes() {
            match node.find_input(byte) {
                Some(at) => node = fst.node(node.transition_addr(at)),
                None => return false,
            }
        }
        true
    }

    /// Whether `word` is an indexed word (title or other text) itself.
    pub fn has_word(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// Documents holding `word` in a title or another text (at most: a document holding it
    /// in both counts twice); 0 when no indexed word is `word`.
    pub fn documents(&self, word: &str) -> u64 {
        self.words.get(word).unwrap_or(0)
    }

    /// The best correction of `word`, if any. Title words first: other texts hold
    /// abbreviations ("athscl") that make poor corrections.
    pub fn correct(&self, word: &str) -> Option<String> {
        correct_in(&self.title, word).or_else(|| correct_in(&self.other, word))
    }
}

fn words_of(searcher: &Searcher, field: Field) -> tantivy::Result<HashMap<char, Vec<Known>>> {
    let mut frequency: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else { continue };
            *frequency.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let mut by_letter: HashMap<char, Vec<Known>> = HashMap::new();
    for (term, count) in frequency {
        if let Some(first) = term.chars().next() {
            let chars = term.chars().count();
            by_letter.entry(first).or_default().push((term, chars, count));
        }
    }
    for words in by_letter.values_mut() {
        words.sort_unstable();
    }
    Ok(by_letter)
}

fn correct_in(words: &HashMap<char, Vec<Known>>, word: &str) -> Option<String> {
    let length = word.chars().count();
    if length < MIN_CHARS {
        return None;
    }
    let candidates = words.get(&word.chars().next()?)?;
    let most_edits = if length >= TWO_EDITS_CHARS { 2 } else { 1 };
    // Best (frequency, then the alphabetically first word) at one edit and at two.
    let mut best: [Option<(&str, u64)>; 2] = [None, None];
    for (term, chars, count) in candidates {
        if term == word || chars.abs_diff(length) > most_edits {
            continue;
        }
        let Some(edits) = edit_distance_within(word, term, most_edits) else { continue };
        let slot = &mut best[edits.max(1) - 1];
        if slot.is_none_or(|(_, best_count)| *count > best_count) {
            *slot = Some((term, *count));
        }
    }
    best[0].or(best[1]).map(|(term, _)| term.to_string())
}
