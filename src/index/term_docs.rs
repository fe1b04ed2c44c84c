//! A query for the documents holding one term, never scored by it: every text clause of a
//! search is given a constant score. tantivy's `TermQuery` builds a BM25 weight even with
//! scoring off (a 256-entry table per term), which was a tenth of the time of a search that
//! builds dozens of term clauses.
//!
//! Opening a term's postings (an FST walk in the term dictionary, then a block decoder of
//! about a kilobyte, set up and moved for every clause) was then a quarter of a search, and
//! half of the terms repeated: the same words in each synonym phrasing and in each group.
//! Each thread remembers the documents of the terms it has looked up, per segment (segments
//! never change), and a clause walks that list.

use std::cell::RefCell;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::postings::TermInfo;
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, InvertedIndexReader, Score, SegmentReader, TantivyError, Term, TERMINATED};

use super::remembered::Remembered;

/// Terms a thread remembers before it starts over.
const MAX_REMEMBERED_TERMS: usize = 20_000;

/// Documents a thread remembers (4 bytes each) before it starts over.
const MAX_REMEMBERED_DOCS: usize = 1 << 21;

/// The documents of one term in one segment (ascending); `None` when the segment lacks it.
pub(crate) type TermDocs = Option<Arc<[DocId]>>;

thread_local! {
    /// This thread's term lookups, by segment and field, then the term's text.
    static REMEMBERED: RefCell<Remembered<(SegmentId, Field), TermDocs>> =
        RefCell::new(Remembered::new(MAX_REMEMBERED_TERMS, MAX_REMEMBERED_DOCS));
}

/// The documents of `term` in a segment, if it has the term; remembered per thread (the
/// segment's inverted index is opened only for a term not yet remembered).
fn term_docs(segment: &SegmentReader, term: &Term) -> tantivy::Result<TermDocs> {
    let key = (segment.segment_id(), term.field());
    let text = term.serialized_value_bytes();
    if let Some(known) = REMEMBERED.with_borrow(|remembered| remembered.get(&key, text)) {
        return Ok(known);
    }
    let found = read_term_docs(segment, term)?;
    let docs = found.as_ref().map_or(0, |docs| docs.len());
    REMEMBERED.with_borrow_mut(|remembered| remembered.insert(key, text, found.clone(), docs));
    Ok(found)
}

/// The documents of `term` in a segment, read from its postings (not remembered).
pub(crate) fn read_term_docs(segment: &SegmentReader, term: &Term) -> tantivy::Result<TermDocs> {
    let index = segment.inverted_index(term.field())?;
    Ok(match index.get_term_info(term)? {
        Some(info) => Some(read_docs(&index, &info)?),
        None => None,
    })
}

/// Every document of a term's postings, block by block.
fn read_docs(index: &InvertedIndexReader, info: &TermInfo) -> std::io::Result<Arc<[DocId]>> {
    let mut blocks = index.read_block_postings_from_terminfo(info, IndexRecordOption::Basic)?;
    let doc_freq = info.doc_freq as usize;
    let mut docs = Vec::with_capacity(doc_freq);
    while docs.len() < doc_freq {
        let block = blocks.docs();
        if block.is_empty() {
            break;
        }
        docs.extend_from_slice(block);
        blocks.advance();
    }
    Ok(docs.into())
}

/// Documents with `term`, all scored the same: the query's score times the boost they are
/// given.
#[derive(Debug, Clone)]
pub struct TermDocsQuery {
    term: Term,
    score: Score,
}

impl TermDocsQuery {
    /// Documents with `term`, scored 1.
    pub fn new(term: Term) -> TermDocsQuery {
        TermDocsQuery { term, score: 1.0 }
    }

    /// Documents with `term`, scored `score` (no wrapper around the postings to pass it on).
    pub fn scored(term: Term, score: Score) -> TermDocsQuery {
        TermDocsQuery { term, score }
    }
}

impl Query for TermDocsQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(TermDocsWeight { term: self.term.clone(), score: self.score }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

struct TermDocsWeight {
    term: Term,
    score: Score,
}

impl Weight for TermDocsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match term_docs(reader, &self.term)? {
            Some(docs) => Box::new(DocListScorer::new(docs, boost * self.score)),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_by_seeking(self.scorer(reader, 1.0)?, doc, "has the term")
    }
}

/// The explanation of the scorers of this module: `what`, with the score `scorer` gives
/// `doc`, or an error when it does not match `doc`.
pub(crate) fn explain_by_seeking(
    mut scorer: Box<dyn Scorer>,
    doc: DocId,
    what: &'static str,
) -> tantivy::Result<Explanation> {
    if scorer.seek(doc) != doc {
        return Err(TantivyError::InvalidArgument(format!("document {doc} does not match")));
    }
    Ok(Explanation::new(what, scorer.score()))
}

/// The position of the first document at or after `target` in `docs` (ascending), from
/// position `at` on: gallops from `at`, then searches the last stride.
pub(crate) fn seek_in(docs: &[DocId], at: usize, target: DocId) -> usize {
    let rest = &docs[at.min(docs.len())..];
    let mut end = 1;
    while end < rest.len() && rest[end] < target {
        end *= 2;
    }
    let stride = &rest[end / 2..end.min(rest.len())];
    at + end / 2 + stride.partition_point(|&doc| doc < target)
}

/// A scorer walking an ascending list of documents, each scored the same.
pub(crate) struct DocListScorer {
    docs: Arc<[DocId]>,
    at: usize,
    score: Score,
}

impl DocListScorer {
    /// Walks `docs` (ascending, no repeats) from the first, scoring each `score`.
    pub(crate) fn new(docs: Arc<[DocId]>, score: Score) -> DocListScorer {
        DocListScorer { docs, at: 0, score }
    }
}

impl DocSet for DocListScorer {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.at = seek_in(&self.docs, self.at, target);
        self.doc()
    }

    fn fill_buffer(&mut self, buffer: &mut [DocId; tantivy::COLLECT_BLOCK_BUFFER_LEN]) -> usize {
        let rest = &self.docs[self.at..];
        let filled = rest.len().min(buffer.len());
        buffer[..filled].copy_from_slice(&rest[..filled]);
        self.at += filled;
        filled
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        self.docs.len() as u32
    }
}

impl Scorer for DocListScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::test_scorers::drain;

    fn list(docs: &[DocId]) -> DocListScorer {
        DocListScorer::new(docs.into(), 2.0)
    }

    #[test]
    fn walks_every_document_with_its_score() {
        assert_eq!(drain(&mut list(&[1, 5, 9])), vec![(1, 2.0), (5, 2.0), (9, 2.0)]);
        assert_eq!(list(&[]).doc(), TERMINATED);
        let mut done = list(&[4]);
        assert_eq!(done.advance(), TERMINATED);
        assert_eq!(done.advance(), TERMINATED);
    }

    #[test]
    fn seek_lands_on_the_first_document_at_or_after_the_target() {
        let docs: Vec<DocId> = (0..1000).map(|i| i * 3).collect();
        for target in [0, 1, 3, 4, 299, 300, 301, 2996, 2997] {
            let mut scorer = list(&docs);
            let expected = docs.iter().copied().find(|&doc| doc >= target).unwrap_or(TERMINATED);
            assert_eq!(scorer.seek(target), expected, "seek({target})");
            assert_eq!(scorer.doc(), expected);
        }
        let mut scorer = list(&docs);
        assert_eq!(scorer.seek(10), 12);
        assert_eq!(scorer.seek(12), 12, "seeking the current document stays");
        assert_eq!(scorer.seek(1500), 1500);
        assert_eq!(scorer.advance(), 1503);
        assert_eq!(scorer.seek(5000), TERMINATED);
        assert_eq!(scorer.seek(TERMINATED), TERMINATED);
    }

    /// The remembered documents of a term spanning several postings blocks (128 documents
    /// each, then a variable-length tail), against the documents that hold it.
    #[test]
    fn a_term_clause_finds_every_document_of_the_term_across_blocks() -> tantivy::Result<()> {
        use tantivy::schema::{Schema, STRING};
        use tantivy::{doc, Index};
        let mut schema = Schema::builder();
        let word = schema.add_text_field("word", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for n in 0..1000u32 {
            let text = if n % 3 == 0 { "third" } else { "other" };
            writer.add_document(doc!(word => text))?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let segment = searcher.segment_reader(0);
        let term_scorer = |text: &str, score| {
            let query = TermDocsQuery::scored(Term::from_field_text(word, text), score);
            query.weight(EnableScoring::disabled_from_searcher(&searcher))?.scorer(segment, 1.0)
        };
        let thirds: Vec<(DocId, Score)> = (0..1000).filter(|n| n % 3 == 0).map(|n| (n, 0.5)).collect();
        assert_eq!(drain(term_scorer("third", 0.5)?.as_mut()), thirds);
        assert_eq!(drain(term_scorer("third", 0.5)?.as_mut()), thirds, "remembered, the same documents");
        let mut others = term_scorer("other", 1.0)?;
        assert_eq!(others.seek(600), 601);
        assert_eq!(others.size_hint(), 666);
        assert_eq!(term_scorer("absent", 1.0)?.doc(), TERMINATED);
        Ok(())
    }

    #[test]
    fn fill_buffer_hands_out_the_rest_in_order() {
        let docs: Vec<DocId> = (0..70).map(|i| i * 2).collect();
        let mut scorer = list(&docs);
        scorer.seek(100);
        let mut buffer = [0; tantivy::COLLECT_BLOCK_BUFFER_LEN];
        assert_eq!(scorer.fill_buffer(&mut buffer), 20);
        assert_eq!(buffer[..20], docs[50..]);
        assert_eq!(scorer.doc(), TERMINATED);
        assert_eq!(scorer.fill_buffer(&mut buffer), 0);
    }
}
