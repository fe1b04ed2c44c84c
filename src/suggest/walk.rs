//! The index-path walk, as a coder reads the printed index: a main term found in a sentence,
//! then its subterms found elsewhere in the same sentence (any order, within a window around
//! the main term) lead down to the deepest entry whose terms all appear. Terms of connectives
//! only ("with", "due to") are passed through; nonessential modifiers need not appear; a "see"
//! reference is followed (twice at most) with the words not yet used.

use crate::alpha_index::EntryId;

use super::terms::{CodeRef, IndexTerms};
use super::tokens::Token;

/// Most references followed in one walk.
const MAX_HOPS: u8 = 2;

/// Deepest nesting followed.
const MAX_DEPTH: usize = 12;

/// Where a walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// The entry whose code applies.
    pub entry: EntryId,
    /// The code.
    pub code: CodeRef,
    /// Window positions of the words used (bit per position).
    pub used: u64,
    /// Sum of the distances of the used words from the main term.
    pub distance: usize,
    /// Levels below the main term.
    pub depth: usize,
    /// Levels below the main term that matched words (terms of connectives only aside).
    pub levels: usize,
}

impl Reached {
    fn words(&self) -> u32 {
        self.used.count_ones()
    }

    /// Whether `self` is a better ending than `other`: more words, then nearer words, then
    /// shallower (fewer levels for the same words).
    pub fn beats(&self, other: &Reached) -> bool {
        (self.words(), std::cmp::Reverse(self.distance), std::cmp::Reverse(self.levels))
            > (other.words(), std::cmp::Reverse(other.distance), std::cmp::Reverse(other.levels))
    }
}

/// Where a walk stands: the words used so far and how it got there.
#[derive(Debug, Clone, Copy)]
struct Step {
    used: u64,
    distance: usize,
    depth: usize,
    levels: usize,
}

/// One walk over the words of a window of a sentence.
pub struct Walk<'a> {
    /// The prepared index.
    pub terms: &'a IndexTerms,
    /// The window's tokens (at most 64).
    pub window: &'a [Token],
    /// Window position of the main term's first word (distances are counted from it).
    pub anchor: usize,
}

impl Walk<'_> {
    /// The best ending below the main term `main`, whose own words are the bits of `used`.
    pub fn below_main(&self, main: EntryId, used: u64) -> Option<Reached> {
        let term = self.terms.terms.get(main)?;
        let mut used = used;
        let mut distance = 0;
        for qualifier in &term.qualifiers {
            if let Some((with, far)) = self.match_part(qualifier, used) {
                used = with;
                distance += far;
            }
        }
        self.walk(main, Step { used, distance, depth: 0, levels: 0 }, 0)
    }

    fn walk(&self, at: EntryId, step: Step, hops: u8) -> Option<Reached> {
        let term = self.terms.terms.get(at)?;
        let Step { used, distance, depth, levels } = step;
        let mut best = term.code.clone().map(|code| Reached { entry: at, code, used, distance, depth, levels });
        if depth >= MAX_DEPTH {
            return best;
        }
        for &child in &term.children {
            let Some(child_term) = self.terms.terms.get(child) else { continue };
            if child_term.skip {
                continue;
            }
            if child_term.transparent {
                consider(self.walk(child, Step { depth: depth + 1, ..step }, hops), &mut best);
                continue;
            }
            for part in &child_term.parts {
                if let Some((with, far)) = self.match_part(part, used) {
                    let next = Step { used: with, distance: distance + far, depth: depth + 1, levels: levels + 1 };
                    consider(self.walk(child, next, hops), &mut best);
                }
            }
        }
        if term.code.is_none() && hops < MAX_HOPS {
            if let Some(target) = term.see {
                consider(self.walk(target, step, hops + 1), &mut best);
            }
        }
        best
    }
}

/// Keeps `found` in `best` when it is better.
fn consider(found: Option<Reached>, best: &mut Option<Reached>) {
    if let Some(found) = found {
        if best.as_ref().is_none_or(|current| found.beats(current)) {
            *best = Some(found);
        }
    }
}

impl Walk<'_> {
    /// Marks the words of `part` among the unused window words (nearest to the anchor first):
    /// the new bits and the sum of distances, or `None` when a word is missing.
    fn match_part(&self, part: &[u32], used: u64) -> Option<(u64, usize)> {
        let mut bits = used;
        let mut distance = 0;
        for &id in part {
            let nearest = self
                .window
                .iter()
                .enumerate()
                .filter(|(at, token)| *at < 64 && bits & (1 << at) == 0 && token.id == Some(id))
                .min_by_key(|(at, _)| at.abs_diff(self.anchor))?;
            bits |= 1 << nearest.0;
            distance += nearest.0.abs_diff(self.anchor);
        }
        Some((bits, distance))
    }
}
