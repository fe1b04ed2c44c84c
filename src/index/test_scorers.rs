//! Test helpers for the scorers of this module: fixed document lists as scorers, and a
//! scorer drained into its (document, score) pairs.

use tantivy::query::Scorer;
use tantivy::{DocId, DocSet, Score, TERMINATED};

/// A scorer over a fixed list of documents, all with the same score.
struct ListScorer {
    docs: Vec<DocId>,
    at: usize,
    score: Score,
}

impl DocSet for ListScorer {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        self.docs.len() as u32
    }
}

impl Scorer for ListScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

/// A scorer matching `docs` (ascending), each scored `score`.
pub fn chain(docs: &[DocId], score: Score) -> Box<dyn Scorer> {
    Box::new(ListScorer { docs: docs.to_vec(), at: 0, score })
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
