//! Executes a search: code matches first, then strict text matches, then typo-tolerant
//! matches to fill a short list. Each group is one query and one pass; a document belongs to
//! the first group that matches it, so paging over their concatenation is stable.

use std::cell::RefCell;

use tantivy::query::{BooleanQuery, Occur, Query};

use super::analyzer::{Word, WordSplitter};
use super::collect::{GroupFruit, RankCollector, RankKey, Ranking, Scope, SegmentColumns, Taken};
use super::highlight::{Highlight, Highlighter};
use super::query::{self, Filters, Matching};
use super::writer::split_entry_ref;
use super::{CodeIndex, IndexError};
use crate::codes::system::is_pcs_character;
use crate::codes::{normalize_code, Catalog, CodeSystem, CptCategory, Date, ReleaseId};

/// Words of a query beyond this many are ignored.
pub const MAX_QUERY_WORDS: usize = 24;
/// Typo tolerance runs when the strict groups find fewer results than this.
pub const FUZZY_FILL_BELOW: usize = 20;
/// Phrasings may miss a word when the strict groups find fewer results than this.
pub const RELAXED_BELOW: usize = 5;

/// A search, in domain terms.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    /// What the user typed.
    pub text: String,
    /// Systems to search; empty means all.
    pub systems: Vec<CodeSystem>,
    /// Only billable codes.
    pub billable_only: bool,
    /// CPT categories allowed; empty means all.
    pub cpt_categories: Vec<CptCategory>,
    /// Hierarchy node id or code the results must sit under.
    pub under: Option<String>,
    /// Date the codes must be in force on.
    pub as_of: Date,
    /// Results to skip.
    pub offset: usize,
    /// Results to return.
    pub limit: usize,
}

impl SearchRequest {
    /// The releases the search looks in: of each system asked for (every system when none
    /// is), the one in force on `as_of`.
    pub fn releases(&self, catalog: &Catalog) -> Vec<ReleaseId> {
        let every = CodeSystem::ALL;
        let systems: &[CodeSystem] = if self.systems.is_empty() { &every } else { &self.systems };
        systems
            .iter()
            .filter_map(|&system| catalog.release_in_force(system, self.as_of))
            .map(|release| release.id)
            .collect()
    }

    /// The first page of ten results for `text` in every system on `as_of`, without filters.
    pub fn new(text: impl Into<String>, as_of: Date) -> SearchRequest {
        SearchRequest {
            text: text.into(),
            systems: Vec::new(),
            billable_only: false,
            cpt_categories: Vec::new(),
            under: None,
            as_of,
            offset: 0,
            limit: 10,
        }
    }
}

thread_local! {
    /// Each thread's word splitter, kept between searches for its cache of stems.
    static SPLITTER: RefCell<WordSplitter> = RefCell::new(WordSplitter::default());
}

/// How a result matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchType {
    /// The query is the code.
    ExactCode,
    /// The query starts the code.
    CodePrefix,
    /// The query words are the title's words.
    FullTitle,
    /// Every query word is in the title.
    AllWordsInTitle,
    /// The words matched across title, other texts and synonyms.
    OtherText,
    /// Matched with typo tolerance only.
    Fuzzy,
}

/// One result.
#[derive(Debug, Clone)]
pub struct SearchHit {
    /// Release of the entry.
    pub release: ReleaseId,
    /// Index of the entry in the release.
    pub entry: u32,
    /// How it matched.
    pub match_type: MatchType,
    /// Matched words in the entry's texts.
    pub highlights: Vec<Highlight>,
}

/// One page of results.
#[derive(Debug, Clone, Default)]
pub struct SearchPage {
    /// The hits of the page, best first.
    pub hits: Vec<SearchHit>,
    /// Number of results over all pages.
    pub total: usize,
    /// Whether typo tolerance contributed results.
    pub used_fuzzy: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    ExactCode,
    CodePrefix,
    Text,
    Relaxed,
    Corrected,
    Fuzzy,
}

impl CodeIndex {
    /// Runs a search. Blocking: call it from a blocking thread. Its span is recorded only when
    /// traces are exported or the log filter selects by span (`telemetry::logs`).
    #[tracing::instrument(
        name = "index.search",
        skip_all,
        fields(query.text = crate::telemetry::query_text(&request.text), offset = request.offset, limit = request.limit)
    )]
    pub fn search(&self, catalog: &Catalog, request: &SearchRequest) -> Result<SearchPage, IndexError> {
        SPLITTER.with_borrow_mut(|splitter| self.search_with(splitter, catalog, request))
    }

    fn search_with(
        &self,
        splitter: &mut WordSplitter,
        catalog: &Catalog,
        request: &SearchRequest,
    ) -> Result<SearchPage, IndexError> {
        let releases = request.releases(catalog);
        if releases.is_empty() {
            return Ok(SearchPage::default());
        }
        let segments = self.segments();
        if !releases.iter().all(|&id| segments.has(id)) {
            return Err(IndexError::NotYetIndexed);
        }
        let fields = self.fields();
        let filters = Filters {
            releases,
            billable_only: request.billable_only,
            cpt_categories: request.cpt_categories.clone(),
            under: request.under.clone(),
            as_of: request.as_of,
        };
        let filter = query::filter_query(fields, &filters);
        let scope = Scope { releases: filters.releases.clone(), as_of_day: request.as_of.days_since_epoch() };
        let code = code_shaped(&request.text).or_else(|| code_token(&request.text));
        let searcher = segments.reader.searcher();
        // A code typed among words ("E11.9 diabetes") is matched as a code and left out of the
        // text, when it is one; otherwise ("b12 shot") it stays a word.
        let text_without_code = match &code {
            Some(code)
                if code.token_only
                    && searcher
                        .doc_freq(&tantivy::Term::from_field_text(fields.code, &code.normalized))
                        .unwrap_or(0)
                        > 0 =>
            {
                remove_token(&request.text, &code.typed)
            }
            _ => request.text.clone(),
        };
        let mut words = splitter.words(&text_without_code);
        words.truncate(MAX_QUERY_WORDS);
        // Words no indexed word starts like are misspellings: replace each by the most
        // frequent close word ("pnuemonia" → "pneumonia") before matching.
        let mut corrected = false;
        if code.is_none() {
            let mut corrected_text = Vec::with_capacity(words.len());
            let mut still_unknown = Vec::with_capacity(words.len());
            for word in &mut words {
                word.unknown = !segments.vocabulary.has_word_starting_with(&word.folded)
                    && !self.synonyms.starts_a_term(&word.stem);
                let correction = word.unknown.then(|| segments.vocabulary.correct(&word.folded)).flatten();
                corrected |= correction.is_some();
                still_unknown.push(word.unknown && correction.is_none());
                corrected_text.push(correction.unwrap_or_else(|| word.folded.clone()));
            }
            let respelled = splitter.words(&corrected_text.join(" "));
            if corrected && respelled.len() == words.len() {
                words = respelled;
                // Words with no correction stay candidates for typo tolerance.
                for (word, unknown) in words.iter_mut().zip(still_unknown) {
                    word.unknown = unknown;
                }
            } else {
                corrected = false;
            }
        }
        // A one-letter last word of a longer query is still being typed ("chest p"): it
        // matches the words it starts.
        let still_typing = !request.text.ends_with(char::is_whitespace);
        if let [_, .., last] = words.as_mut_slice() {
            let one_letter = last.folded.chars().count() == 1 && last.folded.chars().all(char::is_alphabetic);
            last.open_prefix = still_typing && one_letter && !last.is_connective() && code.is_none();
        }
        if let Some(last) = words.last_mut() {
            last.partial = still_typing
                && code.is_none()
                && !last.unknown
                && !segments.vocabulary.has_word(&last.folded)
                && segments.vocabulary.has_word_starting_with(&last.folded);
        }
        // Synonyms see the words as typed ("ringing in the ears"); matching then drops the
        // connectives, which titles use too freely to be worth a required word.
        let mut variants = self.synonyms.variants(&words);
        for phrasing in std::iter::once(&mut words).chain(variants.iter_mut()) {
            if phrasing.iter().any(|word| !word.is_connective()) {
                phrasing.retain(|word| !word.is_connective());
            }
        }
        distinct_phrasings(&words, &mut variants);
        for word in words.iter_mut().chain(variants.iter_mut().flatten()) {
            word.documents = segments.vocabulary.documents(&word.folded);
        }

        let mut groups: Vec<(Group, Box<dyn Query>)> = Vec::new();
        if let Some(code) = &code {
            groups.push((Group::ExactCode, query::exact_code_query(fields, &code.normalized)));
            if code.prefix_allowed {
                groups.push((Group::CodePrefix, query::code_prefix_query(fields, &code.normalized)));
            }
        }
        let mut phrasings: Vec<&[Word]> = vec![&words];
        phrasings.extend(variants.iter().map(Vec::as_slice));
        if let Some(text) = query::text_query(fields, &phrasings, Matching::Strict) {
            groups.push((Group::Text, text));
        }

        // Groups exclude each other: a document belongs to the first group that matches it.
        let mut page = SearchPage::default();
        let mut keys: Vec<(Group, RankKey)> = Vec::new();
        let mut skip = request.offset;
        let mut taken = Taken::default();
        let mut collect = |group: Group, query: Box<dyn Query>, page: &mut SearchPage| -> Result<(), IndexError> {
            let wanted = request.limit - keys.len();
            let query = restrict(query, filter.as_deref());
            let found = run_group(&segments.columns, &searcher, &scope, &taken, group, query.as_ref(), skip, wanted)?;
            page.total += found.count;
            keys.extend(found.keys.into_iter().skip(skip).map(|key| (group, key)));
            skip = skip.saturating_sub(found.count);
            taken = found.taken;
            Ok(())
        };
        for (group, query) in groups {
            collect(group, query, &mut page)?;
        }
        // Next to nothing found: let long phrasings miss a word, other than their most
        // specific one; when still nothing is found, any word.
        if page.total < RELAXED_BELOW {
            for matching in [Matching::Relaxed, Matching::RelaxedAnyWord] {
                let Some(relaxed) = query::text_query(fields, &phrasings, matching) else { break };
                collect(Group::Relaxed, relaxed, &mut page)?;
                if page.total > 0 {
                    break;
                }
            }
        }
        // Typo tolerance fills a short list, for words no indexed word starts like: one
        // edit first, then two for long words. Code-shaped queries are matched as codes only.
        let typo_words = words.iter().any(query::long_enough_for_typos);
        for distance in [1, 2] {
            let long_words = words
                .iter()
                .any(|w| query::long_enough_for_typos(w) && w.folded.chars().count() >= query::TWO_EDITS_CHARS);
            if !typo_words || page.total >= FUZZY_FILL_BELOW || (distance == 2 && !long_words) {
                break;
            }
            let Some(near) = query::text_query(fields, &[&words], Matching::Near(distance)) else {
                break;
            };
            let before = page.total;
            collect(Group::Fuzzy, near, &mut page)?;
            page.used_fuzzy |= page.total > before;
        }
        let mut highlighter = Highlighter::new(&words, &variants);
        page.hits = keys
            .into_iter()
            .take(request.limit)
            .map(|(group, key)| {
                let group = if corrected && group == Group::Text { Group::Corrected } else { group };
                hit(splitter, &mut highlighter, catalog, group, key)
            })
            .collect();
        Ok(page)
    }
}

/// Leaves out of `variants` a word a phrasing repeats ("anemia in chronic kidney disease"
/// gives "anemia chronic chronic kidney disease" by a synonym of "kidney disease") and a
/// phrasing that would match as the query or an earlier variant does ("self-harm" and
/// "self harm"): each would be searched again for nothing.
fn distinct_phrasings(words: &[Word], variants: &mut Vec<Vec<Word>>) {
    let alike = |a: &[Word], b: &[Word]| a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.matches_like(b));
    let mut distinct: Vec<Vec<Word>> = Vec::with_capacity(variants.len());
    for variant in variants.drain(..) {
        let mut kept: Vec<Word> = Vec::with_capacity(variant.len());
        for word in variant {
            if !kept.iter().any(|known| known.matches_like(&word)) {
                kept.push(word);
            }
        }
        if !kept.is_empty() && !alike(words, &kept) && !distinct.iter().any(|known| alike(known, &kept)) {
            distinct.push(kept);
        }
    }
    *variants = distinct;
}

/// Counts a group's matches in scope that no earlier group took, and keeps the best
/// `skip + wanted` of them.
#[allow(clippy::too_many_arguments)]
fn run_group(
    columns: &[SegmentColumns],
    searcher: &tantivy::Searcher,
    scope: &Scope,
    taken: &Taken,
    group: Group,
    query: &dyn Query,
    skip: usize,
    wanted: usize,
) -> Result<GroupFruit, IndexError> {
    let ranking = match group {
        Group::ExactCode | Group::CodePrefix => Ranking::Code,
        Group::Text | Group::Corrected => Ranking::Text,
        Group::Relaxed | Group::Fuzzy => Ranking::Loose,
    };
    let keep = if wanted == 0 { 0 } else { skip + wanted };
    let collector = RankCollector { columns, scope, ranking, keep, taken };
    Ok(searcher.search(query, &collector)?)
}

fn hit(
    splitter: &mut WordSplitter,
    highlighter: &mut Highlighter<'_>,
    catalog: &Catalog,
    group: Group,
    key: RankKey,
) -> SearchHit {
    let (release, entry) = split_entry_ref(key.8);
    let match_type = match group {
        Group::ExactCode => MatchType::ExactCode,
        Group::CodePrefix => MatchType::CodePrefix,
        Group::Fuzzy => MatchType::Fuzzy,
        Group::Relaxed => MatchType::OtherText,
        Group::Corrected => MatchType::Fuzzy,
        Group::Text => match key.0 {
            // An Index path with words outside the title.
            3 if key.1 == 1 && key.2 < 0 => MatchType::OtherText,
            3 => MatchType::FullTitle,
            1 | 2 => MatchType::AllWordsInTitle,
            _ => MatchType::OtherText,
        },
    };
    let highlights = catalog
        .release(release)
        .and_then(|release| release.entries.get(entry as usize))
        .map(|entry| highlighter.highlights(splitter, entry, group == Group::Fuzzy))
        .unwrap_or_default();
    SearchHit { release, entry, match_type, highlights }
}

/// `query` AND the filters, if any.
fn restrict(query: Box<dyn Query>, filter: Option<&dyn Query>) -> Box<dyn Query> {
    match filter {
        None => query,
        Some(filter) => Box::new(BooleanQuery::new(vec![(Occur::Must, query), (Occur::Must, filter.box_clone())])),
    }
}

/// A query that looks like a code (or the start of one).
#[derive(Debug, Clone, PartialEq, Eq)]
struct CodeShape {
    normalized: String,
    prefix_allowed: bool,
    /// The code as typed.
    typed: String,
    /// The code is one word of a longer query ("E11.9 diabetes").
    token_only: bool,
}

/// A word of a longer query that is clearly a code: a letter and a digit then more, or five
/// characters of CPT form. Matched exactly, never by prefix.
fn code_token(text: &str) -> Option<CodeShape> {
    text.split_whitespace().find_map(|token| {
        let trimmed = token.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        let shape = code_shaped(trimmed)?;
        let bytes = shape.normalized.as_bytes();
        let clearly_code = bytes.len() >= 3
            && ((bytes[0].is_ascii_uppercase() && bytes[1].is_ascii_digit() && bytes[2].is_ascii_digit())
                || bytes.len() == 5 && bytes[..4].iter().all(u8::is_ascii_digit));
        clearly_code.then(|| CodeShape { prefix_allowed: false, token_only: true, typed: token.to_string(), ..shape })
    })
}

/// `text` without the first occurrence of the whitespace-separated `token`.
fn remove_token(text: &str, token: &str) -> String {
    let mut removed = false;
    text.split_whitespace()
        .filter(|word| {
            let drop = !removed && *word == token;
            removed |= drop;
            !drop
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Recognises code-shaped input: `E11.9`, `e119`, `992`, `0001U`, `25`, `RT`.
fn code_shaped(text: &str) -> Option<CodeShape> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.chars().any(char::is_whitespace) {
        return None;
    }
    let normalized = normalize_code(trimmed)?;
    let bytes = normalized.as_bytes();
    let has_digit = bytes.iter().any(u8::is_ascii_digit);
    let letter_then_digit = bytes[0].is_ascii_uppercase() && bytes.len() >= 2 && bytes[1].is_ascii_digit();
    let digits_then_letter = bytes.len() == 5 && bytes[..4].iter().all(u8::is_ascii_digit);
    let all_digits = bytes.iter().all(u8::is_ascii_digit);
    if has_digit && (letter_then_digit || digits_then_letter || (all_digits && bytes.len() >= 2)) {
        return Some(CodeShape { normalized, prefix_allowed: true, typed: trimmed.to_string(), token_only: false });
    }
    // ICD-10-PCS: a table or partial code (0DT, 0DTJ4) or a whole code (BW03ZZZ): PCS
    // characters only, with a digit and a letter, led by a digit unless all seven are there.
    let pcs_like = (3..=7).contains(&bytes.len())
        && bytes.iter().all(|&b| is_pcs_character(b))
        && has_digit
        && bytes.iter().any(u8::is_ascii_uppercase)
        && (bytes[0].is_ascii_digit() || bytes.len() == 7);
    if pcs_like {
        return Some(CodeShape { normalized, prefix_allowed: true, typed: trimmed.to_string(), token_only: false });
    }
    // Two letters: a modifier such as RT; exact match only.
    if bytes.len() == 2 && bytes.iter().all(u8::is_ascii_uppercase) {
        return Some(CodeShape { normalized, prefix_allowed: false, typed: trimmed.to_string(), token_only: false });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrasings_are_searched_once_and_without_repeated_words() {
        let mut splitter = WordSplitter::default();
        let words = splitter.words("self harm");
        let mut variants = vec![
            splitter.words("self harm"),
            splitter.words("anemia chronic chronic kidney"),
            splitter.words("anemia chronic kidney"),
            splitter.words("intentional self harm"),
        ];
        distinct_phrasings(&words, &mut variants);
        let stems: Vec<Vec<&str>> =
            variants.iter().map(|variant| variant.iter().map(|word| word.stem.as_str()).collect()).collect();
        assert_eq!(stems, [vec!["anemia", "chronic", "kidney"], vec!["intent", "self", "harm"]]);
        // A word typed partially is matched otherwise: not the same phrasing.
        let mut partial = splitter.words("self harm");
        partial[1].partial = true;
        let mut variants = vec![partial];
        distinct_phrasings(&words, &mut variants);
        assert_eq!(variants.len(), 1);
    }

    #[test]
    fn recognises_code_shapes() {
        let shape = |text: &str| code_shaped(text).map(|s| (s.normalized, s.prefix_allowed));
        assert_eq!(shape("E11.9"), Some(("E119".into(), true)));
        assert_eq!(shape("e119"), Some(("E119".into(), true)));
        assert_eq!(shape("992"), Some(("992".into(), true)));
        assert_eq!(shape("0001U"), Some(("0001U".into(), true)));
        assert_eq!(shape("rt"), Some(("RT".into(), false)));
        assert_eq!(shape("type 2"), None);
        assert_eq!(shape("diabetes"), None);
        assert_eq!(shape("1"), None);
        let token = code_token("E11.9 diabetes").map(|s| (s.normalized, s.typed));
        assert_eq!(token, Some(("E119".to_string(), "E11.9".to_string())));
        assert_eq!(code_token("stage 3 pressure ulcer").map(|s| s.normalized), None);
        assert_eq!(code_token("office visit 99213").map(|s| s.normalized).as_deref(), Some("99213"));
        assert_eq!(remove_token("E11.9 diabetes", "E11.9"), "diabetes");
    }
}
