//! A query for the documents holding one term, never scored by it: every text clause of a
//! search is given a constant score. tantivy's `TermQuery` builds a BM25 weight even with
//! scoring off (a 256-entry table per term), which was a tenth of the time of a search that
//! builds dozens of term clauses.
//!
//! Finding a term in a segment's dictionary (an FST walk) was then a seventh of a search,
//! and half of the lookups repeated: the same words in each synonym phrasing and in each
//! group. Each thread remembers the lookups it made, per segment (segments never change).

use std::cell::RefCell;

use tantivy::index::SegmentId;
use tantivy::postings::TermInfo;
use tantivy::query::{ConstScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, InvertedIndexReader, Score, SegmentReader, TantivyError, Term};

/// Term lookups a thread remembers before it starts over.
const MAX_REMEMBERED_LOOKUPS: usize = 20_000;

/// Term lookups by segment and term: where the term's postings are, if the segment has it.
type Lookups = foldhash::HashMap<(SegmentId, Term), Option<TermInfo>>;

thread_local! {
    /// This thread's term lookups.
    static LOOKUPS: RefCell<Lookups> = RefCell::new(Lookups::default());
}

/// Where `term`'s postings are in a segment, if it has the term; remembered per thread.
fn term_info(segment: SegmentId, index: &InvertedIndexReader, term: &Term) -> std::io::Result<Option<TermInfo>> {
    let key = (segment, term.clone());
    if let Some(known) = LOOKUPS.with_borrow(|lookups| lookups.get(&key).cloned()) {
        return Ok(known);
    }
    let found = index.get_term_info(term)?;
    LOOKUPS.with_borrow_mut(|lookups| {
        if lookups.len() >= MAX_REMEMBERED_LOOKUPS {
            lookups.clear();
        }
        lookups.insert(key, found.clone());
    });
    Ok(found)
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
        let index = reader.inverted_index(self.term.field())?;
        Ok(match term_info(reader.segment_id(), &index, &self.term)? {
            Some(info) => {
                let postings = index.read_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
                Box::new(ConstScorer::new(postings, boost * self.score))
            }
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("document {doc} does not have the term")));
        }
        Ok(Explanation::new("has the term", self.score))
    }
}
