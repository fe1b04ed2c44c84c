//! The first stage: a note split into sentences and words, each word's stem mapped to an id of
//! the suggester's vocabulary (the stems of every title, inclusion term, index term and synonym
//! it knows). Words the vocabulary lacks are tried once more with one letter more, less or
//! different (light typo tolerance, for words of six letters or more). Connectives ("of",
//! "the", "with") are dropped: the dictionaries drop them too.

use std::collections::HashMap;
use std::ops::Range;

use crate::index::analyzer::{Word, WordSplitter};

/// Marks a deletion key shared by several vocabulary words (no unique correction).
const AMBIGUOUS: u32 = u32::MAX;

/// Shortest stem (in bytes) that typo tolerance is tried on.
const MIN_FUZZY_LEN: usize = 6;

/// One content word of a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Vocabulary id of its stem (`None`: a word no dictionary uses).
    pub id: Option<u32>,
    /// Byte range in the note.
    pub from: usize,
    /// End of the byte range.
    pub to: usize,
}

/// Whether a folded word only links others, or qualifies without naming anything; dictionary
/// phrases and notes are both compared without them.
pub fn is_stop_word(folded: &str) -> bool {
    matches!(
        folded,
        "a" | "an"
            | "and"
            | "as"
            | "at"
            | "by"
            | "for"
            | "in"
            | "of"
            | "on"
            | "or"
            | "the"
            | "to"
            | "with"
            | "without"
            | "due"
            | "nos"
            | "nec"
            | "is"
            | "was"
            | "s"
            | "his"
            | "her"
            | "from"
            | "which"
            | "that"
            | "were"
            | "are"
            | "be"
            | "been"
    )
}

/// Stems and their ids, with a deletion map for typo tolerance.
#[derive(Debug, Default)]
pub struct Vocabulary {
    ids: HashMap<String, u32>,
    /// A stem with one byte removed → the id of the only stem that gives it.
    deletions: HashMap<String, u32>,
}

impl Vocabulary {
    /// The id of a stem, added when new.
    pub fn intern(&mut self, stem: &str) -> u32 {
        if let Some(&id) = self.ids.get(stem) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(stem.to_string(), id);
        id
    }

    /// Builds the deletion map; call once every stem is interned.
    pub fn finish(&mut self) {
        let mut deletions: HashMap<String, u32> = HashMap::new();
        for (stem, &id) in &self.ids {
            if stem.len() < MIN_FUZZY_LEN || !stem.is_ascii() {
                continue;
            }
            for at in 0..stem.len() {
                let key = format!("{}{}", &stem[..at], &stem[at + 1..]);
                deletions
                    .entry(key)
                    .and_modify(|seen| {
                        if *seen != id {
                            *seen = AMBIGUOUS
                        }
                    })
                    .or_insert(id);
            }
        }
        self.deletions = deletions;
    }

    /// Number of stems.
    pub fn count(&self) -> usize {
        self.ids.len()
    }

    /// The id of a stem as written.
    pub fn get(&self, stem: &str) -> Option<u32> {
        self.ids.get(stem).copied()
    }

    /// The id of a stem, or of the only known stem one edit away (a letter missing, added or
    /// changed), for stems of [`MIN_FUZZY_LEN`] bytes or more.
    pub fn get_or_near(&self, stem: &str) -> Option<u32> {
        if let Some(id) = self.get(stem) {
            return Some(id);
        }
        if stem.len() < MIN_FUZZY_LEN || !stem.is_ascii() {
            return None;
        }
        let unique = |id: Option<u32>| id.filter(|id| *id != AMBIGUOUS);
        // A letter missing from the note's word.
        if let Some(id) = unique(self.deletions.get(stem).copied()) {
            return Some(id);
        }
        for at in 0..stem.len() {
            let key = format!("{}{}", &stem[..at], &stem[at + 1..]);
            // A letter too many, then a letter changed.
            if let Some(id) = self.get(&key).or_else(|| unique(self.deletions.get(&key).copied())) {
                return Some(id);
            }
        }
        None
    }
}

/// The byte ranges of the sentences of a note: split at line ends and at `.`, `;`, `?`, `!`
/// followed by white space (so "3.5" and "E11.9" stay whole).
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut start = 0;
    for at in 0..bytes.len() {
        let ends = match bytes[at] {
            b'\n' | b'\r' => true,
            b'.' | b';' | b'?' | b'!' => bytes.get(at + 1).is_none_or(u8::is_ascii_whitespace),
            _ => false,
        };
        if ends {
            if at > start {
                ranges.push(start..at);
            }
            start = at + 1;
        }
    }
    if start < bytes.len() {
        ranges.push(start..bytes.len());
    }
    ranges
}

/// The content words of `text[range]`, with byte ranges in `text`.
pub fn content_tokens(
    splitter: &mut WordSplitter,
    vocabulary: &Vocabulary,
    text: &str,
    range: Range<usize>,
) -> Vec<Token> {
    let Some(part) = text.get(range.clone()) else {
        return Vec::new();
    };
    splitter
        .words(part)
        .into_iter()
        .filter(|word| !is_stop_word(&word.folded))
        .map(|word| Token {
            id: vocabulary.get_or_near(&word.stem),
            from: range.start + word.byte_from,
            to: range.start + word.byte_to,
        })
        .collect()
}

/// The stem ids of a dictionary text's content words, interning new stems.
pub fn intern_words(vocabulary: &mut Vocabulary, words: &[Word]) -> Vec<u32> {
    words.iter().filter(|word| !is_stop_word(&word.folded)).map(|word| vocabulary.intern(&word.stem)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_but_not_decimals() {
        let text = "Glucose 7.5 today. No fever;\nHTN";
        let parts: Vec<&str> = sentences(text).into_iter().map(|range| &text[range]).collect();
        assert_eq!(parts, ["Glucose 7.5 today", " No fever", "HTN"]);
    }

    #[test]
    fn tolerates_one_edit_in_long_words() {
        let mut vocabulary = Vocabulary::default();
        let diabetes = vocabulary.intern("diabet");
        let pneumonia = vocabulary.intern("pneumonia");
        vocabulary.intern("hand");
        vocabulary.finish();
        assert_eq!(vocabulary.get_or_near("diabt"), None, "too short to correct");
        assert_eq!(vocabulary.get_or_near("pneumonia"), Some(pneumonia));
        assert_eq!(vocabulary.get_or_near("pnemonia"), Some(pneumonia));
        assert_eq!(vocabulary.get_or_near("pneumoniaa"), Some(pneumonia));
        assert_eq!(vocabulary.get_or_near("pneumonla"), Some(pneumonia));
        assert_eq!(vocabulary.get_or_near("diabets"), Some(diabetes));
        assert_eq!(vocabulary.get_or_near("hnd"), None);
    }
}
