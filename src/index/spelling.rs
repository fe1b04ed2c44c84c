//! Spelling correction for words no indexed word starts like: the most frequent indexed
//! word (titles and other texts) within one edit — two for words of six letters or more —
//! that starts with the same letter. "pnuemonia" → "pneumonia", "athsma" → "asthma".

use std::collections::HashMap;

use tantivy::schema::Field;
use tantivy::Searcher;

use super::highlight::edit_distance;
use super::schema::Fields;

/// Words shorter than this are not corrected.
const MIN_CHARS: usize = 4;
/// Words this long may be two edits away.
const TWO_EDITS_CHARS: usize = 6;

/// The best correction of `word` among the terms of `fields`, if any.
pub fn correct(searcher: &Searcher, fields: &Fields, word: &str) -> Option<String> {
    // Title words first: other texts hold abbreviations ("athscl") that make poor corrections.
    correct_in(searcher, fields.title_words, word).or_else(|| correct_in(searcher, fields.other_words, word))
}

fn correct_in(searcher: &Searcher, field: Field, word: &str) -> Option<String> {
    let length = word.chars().count();
    if length < MIN_CHARS {
        return None;
    }
    let first = word.chars().next()?;
    let mut lower = [0u8; 4];
    let lower = first.encode_utf8(&mut lower).as_bytes().to_vec();
    let upper = char::from_u32(first as u32 + 1).map(|c| c.to_string().into_bytes())?;
    let mut frequency: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else { continue };
        let Ok(mut stream) = inverted.terms().range().ge(&lower).lt(&upper).into_stream() else { continue };
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else { continue };
            if term.chars().count().abs_diff(length) > 2 {
                continue;
            }
            *frequency.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let best_within = |edits: usize| {
        frequency
            .iter()
            .filter(|(term, _)| term.as_str() != word && edit_distance(word, term) <= edits)
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(term, _)| term.clone())
    };
    best_within(1).or_else(|| if length >= TWO_EDITS_CHARS { best_within(2) } else { None })
}
