//! One query word's documents in one segment: the union of the terms it can match as (its
//! stem as a title word or as a word of other texts, its start as the start of either), each
//! document with the set of terms it holds, so that it scores the best of them.
//!
//! A word was a union of up to four remembered term lists walked side by side
//! ([`super::any_of::AnyOfQuery`]): four cursors moved for every document its phrasing
//! visited, which was the largest part of a search of common words ("poisoning accidental",
//! "broken wrist", and the relaxed pass that lets a long query miss a word). Each thread now
//! remembers each word's union, per segment, as one list with a byte per document, and a
//! clause walks that one list.

use std::cell::RefCell;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::remembered::Remembered;
use super::term_docs::{explain_by_seeking, read_term_docs, seek_in};

/// Most terms one word query can join (a byte of flags per document).
pub const MAX_WAYS: usize = 8;

/// Word unions a thread remembers before it starts over.
const MAX_REMEMBERED_WORDS: usize = 10_000;

/// Documents a thread remembers over its word unions (5 bytes each) before it starts over.
const MAX_REMEMBERED_DOCS: usize = 1 << 20;

/// The union of a word's terms in one segment: ascending documents, and for each the terms
/// (bit `i`: the word query's term `i`) it holds.
#[derive(Debug, Default)]
struct WordDocs {
    docs: Vec<DocId>,
    ways: Vec<u8>,
}

thread_local! {
    /// This thread's word unions, by segment, then the word query's terms.
    static REMEMBERED: RefCell<Remembered<SegmentId, Arc<WordDocs>>> =
        RefCell::new(Remembered::new(MAX_REMEMBERED_WORDS, MAX_REMEMBERED_DOCS));
}

/// Documents holding any of a word's terms, each scored by the best-scored term it holds.
#[derive(Debug, Clone)]
pub struct WordDocsQuery {
    ways: Vec<(Term, Score)>,
}

impl WordDocsQuery {
    /// Documents holding any of `ways` (at most [`MAX_WAYS`]; the rest are ignored), each
    /// scored by the highest score among the terms it holds.
    pub fn new(mut ways: Vec<(Term, Score)>) -> WordDocsQuery {
        ways.truncate(MAX_WAYS);
        WordDocsQuery { ways }
    }

    /// The cache key of the union: each term's field, length and bytes.
    fn key(&self) -> Box<[u8]> {
        let mut key = Vec::new();
        for (term, _) in &self.ways {
            let bytes = term.serialized_value_bytes();
            key.extend_from_slice(&term.field().field_id().to_le_bytes());
            key.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            key.extend_from_slice(bytes);
        }
        key.into()
    }
}

impl Query for WordDocsQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // Score of each set of terms a document can hold: the best of them.
        let scores = (0..1usize << self.ways.len())
            .map(|set| {
                self.ways
                    .iter()
                    .enumerate()
                    .filter(|(at, _)| set & (1 << at) != 0)
                    .map(|(_, (_, score))| *score)
                    .fold(Score::MIN, Score::max)
            })
            .collect();
        let terms = self.ways.iter().map(|(term, _)| term.clone()).collect();
        Ok(Box::new(WordDocsWeight { terms, key: self.key(), scores }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (term, _) in &self.ways {
            visitor(term, false);
        }
    }
}

struct WordDocsWeight {
    terms: Vec<Term>,
    key: Box<[u8]>,
    /// Score by set of terms held (index: the bits of the set).
    scores: Vec<Score>,
}

impl WordDocsWeight {
    /// The union in a segment, remembered per thread.
    fn union(&self, segment: &SegmentReader) -> tantivy::Result<Arc<WordDocs>> {
        let id = segment.segment_id();
        if let Some(known) = REMEMBERED.with_borrow(|remembered| remembered.get(&id, &self.key)) {
            return Ok(known);
        }
        let mut union = WordDocs::default();
        for (at, term) in self.terms.iter().enumerate() {
            if let Some(docs) = read_term_docs(segment, term)? {
                union = merge(&union, &docs, 1 << at);
            }
        }
        let union = Arc::new(union);
        REMEMBERED.with_borrow_mut(|remembered| remembered.insert(id, &self.key, union.clone(), union.docs.len()));
        Ok(union)
    }
}

/// The union of `union` and `docs`, the documents of `docs` flagged with `way`.
fn merge(union: &WordDocs, docs: &[DocId], way: u8) -> WordDocs {
    let mut merged = WordDocs {
        docs: Vec::with_capacity(union.docs.len() + docs.len()),
        ways: Vec::with_capacity(union.docs.len() + docs.len()),
    };
    let (mut i, mut j) = (0, 0);
    while i < union.docs.len() || j < docs.len() {
        let left = union.docs.get(i).copied().unwrap_or(TERMINATED);
        let right = docs.get(j).copied().unwrap_or(TERMINATED);
        let (doc, ways) = match left.cmp(&right) {
            std::cmp::Ordering::Less => {
                i += 1;
                (left, union.ways[i - 1])
            }
            std::cmp::Ordering::Greater => {
                j += 1;
                (right, way)
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
                (left, union.ways[i - 1] | way)
            }
        };
        merged.docs.push(doc);
        merged.ways.push(ways);
    }
    merged
}

impl Weight for WordDocsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let union = self.union(reader)?;
        if union.docs.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let scores = self.scores.iter().map(|score| score * boost).collect();
        Ok(Box::new(WordDocsScorer { union, at: 0, scores }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_by_seeking(self.scorer(reader, 1.0)?, doc, "has the word")
    }
}

/// Walks a word's union.
struct WordDocsScorer {
    union: Arc<WordDocs>,
    at: usize,
    scores: Vec<Score>,
}

impl DocSet for WordDocsScorer {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.union.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.at = seek_in(&self.union.docs, self.at, target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.union.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        self.union.docs.len() as u32
    }
}

impl Scorer for WordDocsScorer {
    fn score(&mut self) -> Score {
        let ways = self.union.ways.get(self.at).copied().unwrap_or(0);
        self.scores.get(usize::from(ways)).copied().unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::test_scorers::drain;

    #[test]
    fn merging_flags_each_document_with_the_lists_that_hold_it() {
        let union = merge(&WordDocs::default(), &[1, 4, 9], 1);
        let union = merge(&union, &[0, 4, 10], 2);
        let union = merge(&union, &[], 4);
        assert_eq!(union.docs, [0, 1, 4, 9, 10]);
        assert_eq!(union.ways, [2, 1, 3, 1, 2]);
    }

    /// Against an index: each document scores the best of the terms it holds, and seeking
    /// lands on the first document at or after the target.
    #[test]
    fn a_word_scores_each_document_by_its_best_term() -> tantivy::Result<()> {
        use tantivy::schema::{Schema, STRING};
        use tantivy::{doc, Index};
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", STRING);
        let other = schema.add_text_field("other", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for n in 0..300u32 {
            let mut document = tantivy::TantivyDocument::default();
            if n % 3 == 0 {
                document.add_text(title, "fracture");
            }
            if n % 5 == 0 {
                document.add_text(other, "fracture");
            }
            writer.add_document(document)?;
        }
        writer.add_document(doc!(title => "other"))?;
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let segment = searcher.segment_reader(0);
        let query = WordDocsQuery::new(vec![
            (Term::from_field_text(title, "fracture"), 100.0),
            (Term::from_field_text(other, "fracture"), 1.0),
        ]);
        let scorer = || query.weight(EnableScoring::disabled_from_searcher(&searcher))?.scorer(segment, 2.0);
        let expected: Vec<(DocId, Score)> =
            (0..300).filter(|n| n % 3 == 0 || n % 5 == 0).map(|n| (n, if n % 3 == 0 { 200.0 } else { 2.0 })).collect();
        assert_eq!(drain(scorer()?.as_mut()), expected);
        assert_eq!(drain(scorer()?.as_mut()), expected, "remembered, the same documents");
        let mut seeking = scorer()?;
        assert_eq!(seeking.seek(7), 9);
        assert_eq!(seeking.score(), 200.0);
        assert_eq!(seeking.seek(296), 297);
        assert_eq!(seeking.advance(), TERMINATED);
        let absent = WordDocsQuery::new(vec![(Term::from_field_text(title, "absent"), 1.0)]);
        let none = absent.weight(EnableScoring::disabled_from_searcher(&searcher))?.scorer(segment, 1.0)?;
        assert_eq!(none.doc(), TERMINATED);
        Ok(())
    }
}
