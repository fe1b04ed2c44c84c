//! A query matching the documents any of its clauses matches, scored by the best score
//! among the clauses on the document ([`AnyOfQuery::best`]) or by their sum
//! ([`AnyOfQuery::sum`]).
//!
//! tantivy's unions (`DisjunctionMaxQuery`, the SHOULD clauses of a `BooleanQuery`) buffer a
//! window of 4,096 documents with a score accumulator for each: 16–48 KB to set up per
//! union, per segment, per query. A search builds one or two unions per query word, and under
//! load setting them up and clearing them cost more than the matching. The clauses here are
//! few (two to six), so this union keeps each clause on its own current document and takes
//! the smallest: nothing to set up, and a `seek` moves only the clauses behind the target.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::term_docs::explain_by_seeking;

/// How the scores of the clauses on a document combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Combine {
    Best,
    Sum,
}

/// Documents matching any of `clauses`.
#[derive(Debug)]
pub struct AnyOfQuery {
    clauses: Vec<Box<dyn Query>>,
    combine: Combine,
}

impl Clone for AnyOfQuery {
    fn clone(&self) -> AnyOfQuery {
        AnyOfQuery { clauses: self.clauses.iter().map(|clause| clause.box_clone()).collect(), combine: self.combine }
    }
}

impl AnyOfQuery {
    /// Documents matching any of `clauses`, scored by the highest score of those that do.
    pub fn best(clauses: Vec<Box<dyn Query>>) -> AnyOfQuery {
        AnyOfQuery { clauses, combine: Combine::Best }
    }

    /// Documents matching any of `clauses`, scored by the sum of the scores of those that do.
    pub fn sum(clauses: Vec<Box<dyn Query>>) -> AnyOfQuery {
        AnyOfQuery { clauses, combine: Combine::Sum }
    }
}

impl Query for AnyOfQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let clauses = self.clauses.iter().map(|clause| clause.weight(enable_scoring)).collect::<Result<_, _>>()?;
        Ok(Box::new(AnyOfWeight { clauses, combine: self.combine }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct AnyOfWeight {
    clauses: Vec<Box<dyn Weight>>,
    combine: Combine,
}

impl Weight for AnyOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut chains = Vec::with_capacity(self.clauses.len());
        for clause in &self.clauses {
            let chain = clause.scorer(reader, boost)?;
            // Clauses with no document in the segment (a word it lacks) take no part.
            if chain.doc() != TERMINATED {
                chains.push(chain);
            }
        }
        Ok(match chains.len() {
            0 => Box::new(EmptyScorer),
            // One clause: its own documents and scores, whichever way scores combine.
            1 => chains.pop().unwrap_or_else(|| Box::new(EmptyScorer)),
            _ => Box::new(AnyOfScorer::new(chains, self.combine)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_by_seeking(self.scorer(reader, 1.0)?, doc, "any of the clauses")
    }
}

/// Positioned, like every tantivy scorer, on its current document from creation on: the
/// smallest current document of its chains.
struct AnyOfScorer {
    chains: Vec<Box<dyn Scorer>>,
    combine: Combine,
    doc: DocId,
}

impl AnyOfScorer {
    fn new(chains: Vec<Box<dyn Scorer>>, combine: Combine) -> AnyOfScorer {
        let doc = chains.iter().map(|chain| chain.doc()).min().unwrap_or(TERMINATED);
        AnyOfScorer { chains, combine, doc }
    }
}

impl DocSet for AnyOfScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let current = self.doc;
        let mut next = TERMINATED;
        for chain in &mut self.chains {
            let doc = if chain.doc() == current { chain.advance() } else { chain.doc() };
            next = next.min(doc);
        }
        self.doc = next;
        next
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc {
            return self.doc;
        }
        let mut next = TERMINATED;
        for chain in &mut self.chains {
            let doc = if chain.doc() < target { chain.seek(target) } else { chain.doc() };
            next = next.min(doc);
        }
        self.doc = next;
        next
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        let total: u64 = self.chains.iter().map(|chain| u64::from(chain.size_hint())).sum();
        total.min(u64::from(u32::MAX)) as u32
    }

    fn cost(&self) -> u64 {
        self.chains.iter().map(|chain| chain.cost()).sum()
    }
}

impl Scorer for AnyOfScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let on_doc = self.chains.iter_mut().filter(|chain| chain.doc() == doc).map(|chain| chain.score());
        match self.combine {
            Combine::Best => on_doc.fold(Score::MIN, Score::max),
            Combine::Sum => on_doc.sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::test_scorers::{chain, drain};

    fn chains(lists: &[(&[DocId], Score)]) -> Vec<Box<dyn Scorer>> {
        lists.iter().map(|(docs, score)| chain(docs, *score)).collect()
    }

    fn all(mut scorer: AnyOfScorer) -> Vec<(DocId, Score)> {
        drain(&mut scorer)
    }

    const LISTS: [(&[DocId], Score); 3] = [(&[1, 2, 5, 9], 1.0), (&[2, 3, 5], 10.0), (&[0, 5, 12], 100.0)];

    #[test]
    fn visits_the_union_once_per_document_with_best_or_summed_scores() {
        let best = all(AnyOfScorer::new(chains(&LISTS), Combine::Best));
        assert_eq!(best, [(0, 100.0), (1, 1.0), (2, 10.0), (3, 10.0), (5, 100.0), (9, 1.0), (12, 100.0)]);
        let sum = all(AnyOfScorer::new(chains(&LISTS), Combine::Sum));
        assert_eq!(sum, [(0, 100.0), (1, 1.0), (2, 11.0), (3, 10.0), (5, 111.0), (9, 1.0), (12, 100.0)]);
    }

    #[test]
    fn seeks_forward_and_terminates() {
        let mut scorer = AnyOfScorer::new(chains(&LISTS), Combine::Best);
        assert_eq!(scorer.doc(), 0);
        assert_eq!(scorer.seek(4), 5);
        assert_eq!(scorer.score(), 100.0);
        assert_eq!(scorer.seek(5), 5);
        assert_eq!(scorer.seek(6), 9);
        assert_eq!(scorer.advance(), 12);
        assert_eq!(scorer.advance(), TERMINATED);
        assert_eq!(scorer.advance(), TERMINATED);
        assert_eq!(scorer.seek(TERMINATED), TERMINATED);
        let empty = AnyOfScorer::new(Vec::new(), Combine::Sum);
        assert_eq!(empty.doc(), TERMINATED);
    }
}
