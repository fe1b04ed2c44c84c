//! A query matching documents that match at least `minimum` of its clauses, scored by the
//! sum of the clauses that match.
//!
//! tantivy's own "minimum should match" scorer has no `seek`: inside an intersection it is
//! advanced document by document through the union of every clause, which made relaxed
//! searches with common words ("initial", "encounter") cost milliseconds. This scorer seeks:
//! it moves every clause to the `minimum`-th smallest of their current documents, the first
//! place where enough of them can meet, so rare clauses carry the common ones.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::term_docs::explain_by_seeking;

/// Documents matching at least `minimum` of `clauses`.
#[derive(Debug)]
pub struct AtLeastQuery {
    clauses: Vec<Box<dyn Query>>,
    minimum: usize,
    base: Score,
}

impl Clone for AtLeastQuery {
    fn clone(&self) -> AtLeastQuery {
        AtLeastQuery {
            clauses: self.clauses.iter().map(|clause| clause.box_clone()).collect(),
            minimum: self.minimum,
            base: self.base,
        }
    }
}

impl AtLeastQuery {
    /// Documents matching at least `minimum` (1 or more) of `clauses`.
    pub fn new(clauses: Vec<Box<dyn Query>>, minimum: usize) -> AtLeastQuery {
        AtLeastQuery { clauses, minimum: minimum.max(1), base: 0.0 }
    }

    /// The same, with `base` added to every score (one scorer fewer than an intersection
    /// with a constant).
    pub fn with_base(self, base: Score) -> AtLeastQuery {
        AtLeastQuery { base, ..self }
    }
}

impl Query for AtLeastQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let clauses = self.clauses.iter().map(|clause| clause.weight(enable_scoring)).collect::<Result<_, _>>()?;
        Ok(Box::new(AtLeastWeight { clauses, minimum: self.minimum, base: self.base }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct AtLeastWeight {
    clauses: Vec<Box<dyn Weight>>,
    minimum: usize,
    base: Score,
}

impl Weight for AtLeastWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let chains = self.clauses.iter().map(|clause| clause.scorer(reader, boost)).collect::<Result<Vec<_>, _>>()?;
        if chains.len() < self.minimum {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(AtLeastScorer::new(chains, self.minimum, self.base)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_by_seeking(self.scorer(reader, 1.0)?, doc, "at least the minimum of the clauses")
    }
}

/// Positioned, like every tantivy scorer, on its current document from creation on.
struct AtLeastScorer {
    chains: Vec<Box<dyn Scorer>>,
    minimum: usize,
    base: Score,
    doc: DocId,
    /// Scratch: the chains' current documents.
    docs: Vec<DocId>,
}

impl AtLeastScorer {
    fn new(chains: Vec<Box<dyn Scorer>>, minimum: usize, base: Score) -> AtLeastScorer {
        let docs = Vec::with_capacity(chains.len());
        let mut scorer = AtLeastScorer { chains, minimum, base, doc: 0, docs };
        scorer.doc = scorer.first_from(0);
        scorer
    }

    /// The first document at or after `target` that enough chains match; leaves the
    /// chains on or after it.
    fn first_from(&mut self, mut target: DocId) -> DocId {
        loop {
            if target == TERMINATED {
                return TERMINATED;
            }
            self.docs.clear();
            for chain in &mut self.chains {
                let doc = if chain.doc() < target { chain.seek(target) } else { chain.doc() };
                self.docs.push(doc);
            }
            self.docs.sort_unstable();
            // No document before the minimum-th smallest position can gather enough chains.
            let pivot = self.docs[self.minimum - 1];
            if pivot == TERMINATED || self.docs[0] == pivot {
                return pivot;
            }
            target = pivot;
        }
    }
}

impl DocSet for AtLeastScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.first_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target > self.doc {
            self.doc = self.first_from(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        let total: u64 = self.chains.iter().map(|chain| u64::from(chain.size_hint())).sum();
        (total / self.minimum as u64).min(u64::from(u32::MAX)) as u32
    }
}

impl Scorer for AtLeastScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.base + self.chains.iter_mut().filter(|chain| chain.doc() == doc).map(|chain| chain.score()).sum::<Score>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::test_scorers::{chain, drain};

    fn all(mut scorer: AtLeastScorer) -> Vec<(DocId, Score)> {
        drain(&mut scorer)
    }

    #[test]
    fn matches_documents_in_enough_chains_with_summed_scores() {
        let chains = vec![chain(&[1, 2, 5, 9], 1.0), chain(&[2, 3, 5, 9, 12], 10.0), chain(&[0, 5, 9, 12], 100.0)];
        assert_eq!(all(AtLeastScorer::new(chains, 2, 0.0)), [(2, 11.0), (5, 111.0), (9, 111.0), (12, 110.0)]);
        let chains = vec![chain(&[1, 2, 5, 9], 1.0), chain(&[2, 3, 5, 9, 12], 10.0), chain(&[0, 5, 9, 12], 100.0)];
        assert_eq!(all(AtLeastScorer::new(chains, 3, 1000.0)), [(5, 1111.0), (9, 1111.0)]);
        let chains = vec![chain(&[1, 2], 1.0), chain(&[3], 10.0)];
        assert_eq!(all(AtLeastScorer::new(chains, 1, 0.0)), [(1, 1.0), (2, 1.0), (3, 10.0)]);
    }

    #[test]
    fn seeks_forward_and_terminates() {
        let chains = vec![chain(&[1, 4, 8, 20], 1.0), chain(&[4, 8, 19, 20], 1.0)];
        let mut scorer = AtLeastScorer::new(chains, 2, 0.0);
        assert_eq!(scorer.doc(), 4);
        assert_eq!(scorer.seek(5), 8);
        assert_eq!(scorer.seek(8), 8);
        assert_eq!(scorer.seek(9), 20);
        assert_eq!(scorer.advance(), TERMINATED);
        assert_eq!(scorer.advance(), TERMINATED);
        assert_eq!(scorer.seek(TERMINATED), TERMINATED);
    }
}
