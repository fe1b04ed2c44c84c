//! A query for the documents holding one term, never scored by it: every text clause of a
//! search is given a constant score. tantivy's `TermQuery` builds a BM25 weight even with
//! scoring off (a 256-entry table per term), which was a tenth of the time of a search that
//! builds dozens of term clauses.

use tantivy::query::{ConstScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

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
        let postings = reader.inverted_index(self.term.field())?.read_postings(&self.term, IndexRecordOption::Basic)?;
        Ok(match postings {
            Some(postings) => Box::new(ConstScorer::new(postings, boost * self.score)),
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
