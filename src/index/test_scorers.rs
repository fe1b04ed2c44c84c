//! Test helpers for the scorers of this module: fixed document lists as scorers, and a
//! scorer drained into its (document, score) pairs.

use tantivy::query::Scorer;
use tantivy::{DocId, Score, TERMINATED};

use super::term_docs::DocListScorer;

/// A scorer matching `docs` (ascending), each scored `score`.
pub fn chain(docs: &[DocId], score: Score) -> Box<dyn Scorer> {
    Box::new(DocListScorer::new(docs.into(), score))
}

/// Every (document, score) of `scorer` from its current document on.
pub fn drain(scorer: &mut dyn Scorer) -> Vec<(DocId, Score)> {
    let mut found = Vec::new();
    while scorer.doc() != TERMINATED {
        found.push((scorer.doc(), scorer.score()));
        scorer.advance();
    }
    found
}
