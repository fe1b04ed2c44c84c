//! Builds tantivy queries from what the user typed. User text is only ever split into
//! words and looked up as terms: there is no query syntax to inject.
//!
//! Scores are constants chosen so that the score of a document tells, after the search,
//! how it matched (see [`MatchScore::decode`]):
//! - each phrasing of the query (the words as typed, or a synonym variant) scores
//!   `VARIANT_BASE + content_words × CONTENT_UNIT − penalties`, and the best phrasing counts;
//! - per word, the penalty is 0 when its stem is a title word, 1 when it is only the prefix
//!   (or, in typo mode, a near spelling) of a title word, 100 when it is only in other text;
//! - `HEAD_BONUS` is added when a query word is the title's first word;
//! - `PHRASE_BONUS` is added when a phrasing is a whole text of the code (title, inclusion
//!   term, descriptor), nonessential parts aside;
//! - `INDEX_BONUS` is added when a phrasing's words, in any order, are the words of an
//!   Alphabetic Index path leading to the code (see `index_terms`).

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Score;
use tantivy::Term;

use super::analyzer::{content_length, phrase_key, Word};
use super::any_of::AnyOfQuery;
use super::at_least::AtLeastQuery;
use super::index_terms::key_of_stems;
use super::schema::{cpt_category_ordinal, Fields};
use super::term_docs::TermDocsQuery;
use super::word_docs::{WordDocsQuery, MAX_WAYS};
use crate::codes::{CptCategory, Date, ReleaseId};

const VARIANT_BASE: f32 = 1_000_000.0;
const CONTENT_UNIT: f32 = 10_000.0;
const HEAD_BONUS: f32 = 2_000_000.0;
const PHRASE_BONUS: f32 = 4_000_000.0;
// Scores stay below 2^24 (exact in f32): 8M + 4M + 2M + 1M + 24 × 10k.
const INDEX_BONUS: f32 = 8_000_000.0;
const WORD_IN_TITLE: f32 = 100.0;
const WORD_NEAR_TITLE: f32 = 99.0;
const WORD_ELSEWHERE: f32 = 0.0;
const ELSEWHERE_PENALTY: i64 = 100;

/// Words shorter than this match whole words only, never as a prefix (but a one-letter word
/// being typed: see [`Word::open_prefix`]).
pub const MIN_PREFIX_CHARS: usize = 2;
/// Shortest word prefix indexed: one letter, so that a one-letter word being typed ("chest p")
/// is one term to intersect with the others, not a union over every word it starts.
pub const MIN_INDEXED_PREFIX_CHARS: usize = 1;
/// Longest word prefix indexed.
pub const MAX_PREFIX_CHARS: usize = 15;
/// Words shorter than this get no typo tolerance.
pub const MIN_FUZZY_CHARS: usize = 4;
/// Words this long or longer tolerate two edits in the second typo pass.
pub const TWO_EDITS_CHARS: usize = 8;

/// How a document matched, decoded from its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchScore {
    /// A phrasing of the query is an Alphabetic Index path of the code.
    pub index: bool,
    /// A phrasing of the query is a whole text of the code.
    pub phrase: bool,
    /// A query word is the title's first word.
    pub head: bool,
    /// Content words of the best phrasing.
    pub content_words: i64,
    /// Words of the best phrasing found only by prefix or near spelling in the title.
    pub near_words: i64,
    /// Words of the best phrasing found only outside the title.
    pub elsewhere_words: i64,
}

impl MatchScore {
    /// Decodes a score built by this module.
    pub fn decode(score: f32) -> MatchScore {
        // Scores are positive whole numbers: rounding is adding a half and truncating.
        let mut total = (f64::from(score.max(0.0)) + 0.5) as i64;
        let index = total >= INDEX_BONUS as i64;
        if index {
            total -= INDEX_BONUS as i64;
        }
        let phrase = total >= PHRASE_BONUS as i64;
        if phrase {
            total -= PHRASE_BONUS as i64;
        }
        let head = total >= HEAD_BONUS as i64;
        if head {
            total -= HEAD_BONUS as i64;
        }
        let above_base = total - VARIANT_BASE as i64;
        let unit = CONTENT_UNIT as i64;
        let content_words = (above_base + unit - 1).div_euclid(unit).max(0);
        let penalty = (content_words * unit - above_base).max(0);
        MatchScore {
            index,
            phrase,
            head,
            content_words,
            near_words: penalty % ELSEWHERE_PENALTY,
            elsewhere_words: penalty / ELSEWHERE_PENALTY,
        }
    }
}

/// The filters of a search, as index values.
#[derive(Debug, Clone)]
pub struct Filters {
    /// Releases searched (one per system: the release in force).
    pub releases: Vec<ReleaseId>,
    /// Only billable codes.
    pub billable_only: bool,
    /// CPT categories allowed (empty: all).
    pub cpt_categories: Vec<CptCategory>,
    /// Hierarchy node id or code the results must sit under.
    pub under: Option<String>,
    /// Date the codes must be in force on.
    pub as_of: Date,
}

fn constant(query: Box<dyn Query>, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, score))
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermDocsQuery::new(Term::from_field_text(field, text)))
}

fn scored_term_query(field: Field, text: &str, score: Score) -> Box<dyn Query> {
    Box::new(TermDocsQuery::scored(Term::from_field_text(field, text), score))
}

/// The indexed prefix that stands for `prefix`: longer prefixes are cut to
/// [`MAX_PREFIX_CHARS`] characters, as the index writer cuts them.
pub fn indexed_prefix(prefix: &str) -> &str {
    prefix.char_indices().nth(MAX_PREFIX_CHARS).map_or(prefix, |(at, _)| &prefix[..at])
}

/// Terms starting with `prefix`: a range over the term dictionary.
fn term_prefix_query(field: Field, prefix: &str) -> Box<dyn Query> {
    let mut upper = prefix.to_string();
    upper.push(char::MAX);
    Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_text(field, prefix)),
        Bound::Excluded(Term::from_field_text(field, &upper)),
    ))
}

fn near_query(field: Field, word: &str, distance: u8) -> Box<dyn Query> {
    Box::new(FuzzyTermQuery::new_prefix(Term::from_field_text(field, word), distance, true))
}

/// Documents any of `queries` matches, scored by the best of them.
fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(AnyOfQuery::best(queries))
}

/// The filters that are queries (billable, CPT category, hierarchy), as one query that
/// scores 0; `None` without any. Releases and dates are checked per matching document by
/// the collector.
pub fn filter_query(fields: &Fields, filters: &Filters) -> Option<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if filters.billable_only {
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(Term::from_field_u64(fields.billable, 1), IndexRecordOption::Basic)),
        ));
    }
    if !filters.cpt_categories.is_empty() {
        let allowed = std::iter::once(0)
            .chain(filters.cpt_categories.iter().map(|&category| cpt_category_ordinal(Some(category))))
            .map(|ordinal| Term::from_field_u64(fields.cpt_category, ordinal));
        clauses.push((Occur::Must, Box::new(TermSetQuery::new(allowed))));
    }
    if let Some(under) = &filters.under {
        clauses.push((Occur::Must, term_query(fields.ancestors, under)));
    }
    (!clauses.is_empty()).then(|| constant(Box::new(BooleanQuery::new(clauses)), 0.0))
}

/// Codes equal to `code` (normalised).
pub fn exact_code_query(fields: &Fields, code: &str) -> Box<dyn Query> {
    term_query(fields.code, code)
}

/// Codes starting with `code` (normalised), the code itself included.
pub fn code_prefix_query(fields: &Fields, code: &str) -> Box<dyn Query> {
    term_prefix_query(fields.code, code)
}

/// How words are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Stems and word prefixes only; every word required.
    Strict,
    /// Stems and word prefixes; phrasings of 3 or more words may miss one word in four
    /// (at least one), but not their most specific word (the one fewest documents hold).
    Relaxed,
    /// As [`Matching::Relaxed`], and the most specific word may be the one missed.
    RelaxedAnyWord,
    /// Also words within this many edits (for unknown words long enough); every word required.
    Near(u8),
}

impl Matching {
    /// Whether phrasings may miss a word.
    fn is_relaxed(self) -> bool {
        matches!(self, Matching::Relaxed | Matching::RelaxedAnyWord)
    }
}

/// Words a relaxed phrasing may miss.
fn relaxed_missing(words: usize) -> usize {
    if words < 3 {
        0
    } else {
        words.div_ceil(4).max(1)
    }
}

/// Text matching: every word of one phrasing (as typed, or a synonym variant) must match
/// the title or another text.
pub fn text_query(fields: &Fields, phrasings: &[&[Word]], matching: Matching) -> Option<Box<dyn Query>> {
    // Relaxed phrasings keep only the words that carry meaning (3+ letters, no qualifiers):
    // a union over common short words would cost more than it finds.
    let relaxed_words: Vec<Vec<Word>>;
    let phrasings: Vec<&[Word]> = if matching.is_relaxed() {
        relaxed_words = phrasings
            .iter()
            .map(|words| words.iter().filter(|w| w.folded.chars().count() >= 3 && !w.is_qualifier()).cloned().collect())
            .filter(|words: &Vec<Word>| relaxed_missing(words.len()) > 0)
            .collect();
        relaxed_words.iter().map(Vec::as_slice).collect()
    } else {
        phrasings.iter().copied().filter(|words| !words.is_empty()).collect()
    };
    if phrasings.is_empty() {
        return None;
    }
    // Letting the most specific word be missed changes nothing when no phrasing kept one.
    if matching == Matching::RelaxedAnyWord && phrasings.iter().all(|words| specific_word(words).is_none()) {
        return None;
    }
    let alternatives = phrasings.iter().map(|words| phrasing_query(fields, words, matching)).collect();
    let heads = heads_query(fields, &phrasings, matching);
    // Relaxed matches all rank in the lowest tier, where of the bonuses only a head word
    // still counts (whole texts and Index paths decide tiers): it is the only one scored.
    let bonuses: Box<dyn Query> = if matching.is_relaxed() {
        heads
    } else {
        let whole_texts =
            phrasings.iter().map(|words| scored_term_query(fields.phrases, &phrase_key(words), PHRASE_BONUS)).collect();
        let mut index_keys: Vec<String> = phrasings
            .iter()
            .filter_map(|words| {
                key_of_stems(words.iter().filter(|w| !w.is_connective() && w.folded != "nos").map(|w| w.stem.as_str()))
            })
            .collect();
        index_keys.sort_unstable();
        index_keys.dedup();
        let index_paths = index_keys.iter().map(|key| scored_term_query(fields.index_keys, key, INDEX_BONUS)).collect();
        // The bonuses add up; one SHOULD clause, so that tantivy builds no union of its own.
        Box::new(AnyOfQuery::sum(vec![heads, any_of(whole_texts), any_of(index_paths)]))
    };
    Some(Box::new(BooleanQuery::new(vec![(Occur::Must, any_of(alternatives)), (Occur::Should, bonuses)])))
}

/// `HEAD_BONUS` for a document whose title starts with a word of a phrasing: the words' head
/// terms, each once, as remembered unions of up to [`MAX_WAYS`] terms, and with typo
/// tolerance the words' near head terms beside them.
fn heads_query(fields: &Fields, phrasings: &[&[Word]], matching: Matching) -> Box<dyn Query> {
    let words = || phrasings.iter().flat_map(|words| words.iter());
    let mut stems: Vec<&str> = words().map(|word| word.stem.as_str()).collect();
    stems.sort_unstable();
    stems.dedup();
    let terms: Vec<(Term, Score)> =
        stems.iter().map(|stem| (Term::from_field_text(fields.title_head, stem), HEAD_BONUS)).collect();
    let mut heads: Vec<Box<dyn Query>> =
        terms.chunks(MAX_WAYS).map(|ways| Box::new(WordDocsQuery::new(ways.to_vec())) as Box<dyn Query>).collect();
    if let Matching::Near(distance) = matching {
        for word in words().filter(|word| long_enough_for_typos(word)) {
            let term = Term::from_field_text(fields.title_head, &word.folded);
            heads.push(constant(Box::new(FuzzyTermQuery::new(term, distance, true)), HEAD_BONUS));
        }
    }
    match heads.len() {
        1 => heads.remove(0),
        _ => any_of(heads),
    }
}

/// Whether a word gets typo tolerance: long enough, and unknown to the index.
pub fn long_enough_for_typos(word: &Word) -> bool {
    word.unknown && word.folded.chars().count() >= MIN_FUZZY_CHARS
}

/// The word a relaxed phrasing may not miss: its most specific one, the one fewest documents
/// hold. "warfarin adverse effect" may miss "adverse" or "effect", not "warfarin" (which would
/// match every adverse effect of every drug). None when the phrasing keeps fewer than two
/// words, or holds no whole word any document holds (a word no document holds can be missed).
fn specific_word(words: &[Word]) -> Option<usize> {
    if words.len() - relaxed_missing(words.len()) < 2 {
        return None;
    }
    words
        .iter()
        .enumerate()
        .filter(|(_, word)| word.documents > 0 && !word.partial && !word.open_prefix)
        .min_by_key(|(_, word)| word.documents)
        .map(|(at, _)| at)
}

fn phrasing_query(fields: &Fields, words: &[Word], matching: Matching) -> Box<dyn Query> {
    let content = content_length(words) as f32;
    let base = VARIANT_BASE + content * CONTENT_UNIT - WORD_IN_TITLE * words.len() as f32;
    if matching.is_relaxed() {
        let required = words.len() - relaxed_missing(words.len());
        let Some(specific) = specific_word(words).filter(|_| matching == Matching::Relaxed) else {
            let word_queries = words.iter().map(|word| word_query(fields, word, matching, 0.0)).collect();
            return Box::new(AtLeastQuery::new(word_queries, required).with_base(base));
        };
        let others = words
            .iter()
            .enumerate()
            .filter(|(at, _)| *at != specific)
            .map(|(_, word)| word_query(fields, word, matching, 0.0))
            .collect();
        return Box::new(BooleanQuery::new(vec![
            (Occur::Must, word_query(fields, &words[specific], matching, 0.0)),
            (Occur::Must, Box::new(AtLeastQuery::new(others, required - 1).with_base(base))),
        ]));
    }
    // Every word is required, so the phrasing's base rides on the first word's scores.
    let mut word_queries: Vec<Box<dyn Query>> = words
        .iter()
        .enumerate()
        .map(|(at, word)| word_query(fields, word, matching, if at == 0 { base } else { 0.0 }))
        .collect();
    match word_queries.len() {
        1 => word_queries.remove(0),
        _ => Box::new(BooleanQuery::new(word_queries.into_iter().map(|query| (Occur::Must, query)).collect())),
    }
}

/// One word: `offset` plus 100 when its stem is a title word, 99 when near one, 0 when only
/// elsewhere. One union of every way it can match, scored by the best: the terms as one
/// remembered list ([`WordDocsQuery`]), typo tolerance's fuzzy terms beside it.
fn word_query(fields: &Fields, word: &Word, matching: Matching, offset: Score) -> Box<dyn Query> {
    let allow_prefix = word.folded.chars().count() >= MIN_PREFIX_CHARS;
    let mut ways = Vec::new();
    if !word.partial {
        ways.push((Term::from_field_text(fields.title, &word.stem), offset + WORD_IN_TITLE));
        ways.push((Term::from_field_text(fields.other_text, &word.stem), offset + WORD_ELSEWHERE));
    }
    // A one-letter word being typed matches the words it starts, through its indexed prefix.
    if allow_prefix || word.open_prefix {
        let prefix = indexed_prefix(&word.folded);
        ways.push((Term::from_field_text(fields.title_prefixes, prefix), offset + WORD_NEAR_TITLE));
        ways.push((Term::from_field_text(fields.other_prefixes, prefix), offset + WORD_ELSEWHERE));
    }
    let terms: Box<dyn Query> = Box::new(WordDocsQuery::new(ways));
    match matching {
        Matching::Near(distance) if long_enough_for_typos(word) => any_of(vec![
            terms,
            constant(near_query(fields.title_words, &word.folded, distance), offset + WORD_NEAR_TITLE),
            constant(near_query(fields.other_words, &word.folded, distance), offset + WORD_ELSEWHERE),
        ]),
        _ => terms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(phrase: bool, head: bool, content: i64, near: i64, elsewhere: i64) -> f32 {
        let words = content;
        let base = VARIANT_BASE as i64 + content * CONTENT_UNIT as i64 - 100 * words;
        let word_scores = 100 * (words - near - elsewhere) + 99 * near;
        let bonus = if head { HEAD_BONUS as i64 } else { 0 } + if phrase { PHRASE_BONUS as i64 } else { 0 };
        (base + word_scores + bonus) as f32
    }

    #[test]
    fn decodes_what_it_encodes() {
        let cases = [(true, true, 3, 0, 0), (false, false, 4, 2, 1), (true, false, 1, 0, 1), (false, true, 24, 5, 19)];
        for (phrase, head, content, near, elsewhere) in cases {
            let decoded = MatchScore::decode(score(phrase, head, content, near, elsewhere));
            assert_eq!(
                decoded,
                MatchScore {
                    index: false,
                    phrase,
                    head,
                    content_words: content,
                    near_words: near,
                    elsewhere_words: elsewhere
                }
            );
        }
        let only_qualifiers = VARIANT_BASE - 100.0 + 100.0;
        assert_eq!(MatchScore::decode(only_qualifiers).content_words, 0);
    }
}
