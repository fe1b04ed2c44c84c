//! Looking entries up by a few words, the way a coder reads the index: "fracture femur neck",
//! "neoplasm breast malignant", "acetaminophen poisoning accidental".
//!
//! The first word picks the main terms with a title word it matches (whole word, or prefix for
//! words of three characters or more; case, accents and simple plurals aside). Every other word
//! must match a word somewhere on the path from the main term down (terms and their
//! nonessential modifiers, in any order), or, in a table, select columns ("malignant",
//! "accidental", "self-harm"). An entry is a match when all words are used and its own level
//! matched a word (or it is the main term itself). Matches rank by fewest path levels that
//! matched no word, then shortest path, then main terms that begin with the first word
//! ("Hypertension, hypertensive" before "Goldblatt's hypertension"), then fewest words below the
//! main term that match no query word ("lung" before "hilus of lung"), then document order.

use super::text::{lookup_words, word_matches};
use super::{AlphaIndex, EntryId, IndexCode, IndexKind};

/// Query words that are skipped: they carry no meaning in the index's terms.
const SKIPPED_WORDS: [&str; 5] = ["of", "the", "and", "or", "s"];

/// At most this many query words are used (the rest are ignored).
const MAX_WORDS: usize = 32;

/// An entry that the query words lead to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match<'a> {
    /// The matching entry.
    pub entry: EntryId,
    /// The terms from the main term down to the entry.
    pub path: Vec<&'a str>,
    /// The entry's code, or in a table the selected column's code; `None` when there is none
    /// (a "see" entry, a table row with no column selected or an empty cell).
    pub code: Option<&'a IndexCode>,
    /// The table column the query words selected.
    pub column: Option<&'a str>,
    /// Path levels below the main term that matched no query word.
    pub unmatched_levels: usize,
}

/// A match found by the walk, before columns are expanded.
struct Found {
    entry: EntryId,
    trail: Trail,
    /// Whether the first query word matches the main term's first word.
    main_starts: bool,
    /// Bits of the columns the unused words select (`u32::MAX` when no word selects columns).
    columns: u32,
}

/// What the walk knows at an entry about the path down to it.
#[derive(Debug, Clone, Copy, Default)]
struct Trail {
    /// Levels below the main term.
    depth: usize,
    /// Bits of the query words (after the first) matched so far.
    used: u32,
    /// Levels below the main term that matched no query word.
    unmatched_levels: usize,
    /// Words of the terms below the main term that no query word matched.
    extra_words: usize,
}

impl AlphaIndex {
    /// The entries the query words lead to, best first; see the module documentation.
    /// Each query string may hold several words ("self-harm", "femur neck").
    pub fn lookup(&self, words: &[&str]) -> Vec<Match<'_>> {
        let query: Vec<String> = words
            .iter()
            .flat_map(|word| lookup_words(word))
            .filter(|word| !SKIPPED_WORDS.contains(&word.as_str()))
            .take(MAX_WORDS)
            .collect();
        let Some((first, rest)) = query.split_first() else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for main in self.main_terms_matching(first) {
            let start = found.len();
            self.walk(main, rest, Trail::default(), &mut found);
            let main_starts = self.entry_words(main).first().is_some_and(|word| word_matches(first, word));
            found[start..].iter_mut().for_each(|hit| hit.main_starts = main_starts);
        }
        found.sort_by_key(|hit| {
            let trail = hit.trail;
            (trail.unmatched_levels, trail.depth, !hit.main_starts, trail.extra_words, hit.entry)
        });
        found.into_iter().flat_map(|hit| self.expand(hit)).collect()
    }

    /// Visits entry `at` and its descendants; `above` describes the path down to `at` (its depth,
    /// and the words and levels of the entries above it).
    fn walk(&self, at: EntryId, rest: &[String], above: Trail, found: &mut Vec<Found>) {
        let own = self.words_matched(at, rest);
        let mut trail = Trail { used: above.used | own, ..above };
        if above.depth > 0 {
            trail.unmatched_levels += usize::from(own == 0);
            trail.extra_words += self.extra_words(at, rest);
        }
        let is_main = trail.depth == 0;
        if is_main || own != 0 {
            let all = if rest.is_empty() { 0 } else { u32::MAX >> (32 - rest.len()) };
            if let Some(columns) = self.columns_for_unused(at, rest, all & !trail.used) {
                found.push(Found { entry: at, trail, main_starts: false, columns });
            }
        }
        if rest.is_empty() {
            return;
        }
        let below = Trail { depth: trail.depth + 1, ..trail };
        for &child in self.children(at) {
            self.walk(child, rest, below, found);
        }
    }

    /// The bits of the `rest` words that match a word of entry `at`.
    fn words_matched(&self, at: EntryId, rest: &[String]) -> u32 {
        let words = self.entry_words(at);
        let mut bits = 0;
        for (index, query) in rest.iter().enumerate() {
            if words.iter().any(|word| word_matches(query, word)) {
                bits |= 1 << index;
            }
        }
        bits
    }

    /// How many words of entry `at`'s term no `rest` word matches.
    fn extra_words(&self, at: EntryId, rest: &[String]) -> usize {
        let essential = self.essential_words(at);
        essential.iter().filter(|word| !rest.iter().any(|query| word_matches(query, word))).count()
    }

    /// The columns the unused words select at a table entry: `Some(u32::MAX)` when no word is
    /// unused, `None` when an unused word selects no column or the words select no common one.
    fn columns_for_unused(&self, at: EntryId, rest: &[String], unused: u32) -> Option<u32> {
        if unused == 0 {
            return Some(u32::MAX);
        }
        let kind: IndexKind = self.entries[at].kind;
        if !kind.is_table() {
            return None;
        }
        let mut columns = u32::MAX;
        for (index, word) in rest.iter().enumerate() {
            if unused & (1 << index) != 0 {
                columns &= self.columns_selected_by(kind, word);
            }
        }
        (columns != 0).then_some(columns)
    }

    /// One match per selected column (in column order), or one match with the entry's code.
    fn expand(&self, hit: Found) -> Vec<Match<'_>> {
        let entry = &self.entries[hit.entry];
        let path = self.path(hit.entry);
        let plain = Match {
            entry: hit.entry,
            path: path.clone(),
            code: entry.code.as_ref(),
            column: None,
            unmatched_levels: hit.trail.unmatched_levels,
        };
        if hit.columns == u32::MAX {
            return vec![plain];
        }
        let heads = self.columns(entry.kind);
        heads
            .iter()
            .enumerate()
            .filter(|(index, _)| *index < 32 && hit.columns & (1 << index) != 0)
            .map(|(_, head)| Match {
                entry: hit.entry,
                path: path.clone(),
                code: entry.cell(head),
                column: Some(&**head),
                unmatched_levels: hit.trail.unmatched_levels,
            })
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::tests::small;
    use super::*;

    fn codes<'a>(matches: &[Match<'a>]) -> Vec<(EntryId, Option<&'a str>, Option<&'a str>)> {
        matches.iter().map(|m| (m.entry, m.code.map(IndexCode::display), m.column)).collect()
    }

    #[test]
    fn matches_a_main_term_then_words_down_the_path() {
        let index = small();
        let found = index.lookup(&["fractures", "Neck", "FEMUR"]);
        assert_eq!(codes(&found), [(2, Some("S72.00-"), None)]);
        assert_eq!(found[0].path, ["Fracture, traumatic", "femur, femoral", "neck"]);
        assert_eq!(found[0].unmatched_levels, 0);
        assert_eq!(codes(&index.lookup(&["fract"])), [(0, Some("T14.8"), None)]);
        assert_eq!(codes(&index.lookup(&["fracture of the neck"])), [(2, Some("S72.00-"), None)]);
        // A nonessential modifier of the main term counts; an unknown word does not.
        assert_eq!(codes(&index.lookup(&["fracture", "abduction"])), [(0, Some("T14.8"), None)]);
        assert!(index.lookup(&["fracture", "skull"]).is_empty());
        assert!(index.lookup(&["fr"]).is_empty());
        assert!(index.lookup(&[]).is_empty() && index.lookup(&[" ", "of"]).is_empty());
    }

    #[test]
    fn table_words_select_columns() {
        let index = small();
        let found = index.lookup(&["neoplasm", "breast", "malignant"]);
        let expected =
            [(5, Some("C50.9-"), Some("Malignant Primary")), (5, Some("C79.81"), Some("Malignant Secondary"))];
        assert_eq!(codes(&found), expected);
        let primary = index.lookup(&["neoplasm breast malignant primary"]);
        assert_eq!(codes(&primary), [(5, Some("C50.9-"), Some("Malignant Primary"))]);
        let in_situ = index.lookup(&["neoplasm", "breast", "in situ"]);
        assert_eq!(codes(&in_situ), [(5, None, Some("Ca in situ"))]);
        assert_eq!(codes(&index.lookup(&["neoplasm", "breast"])), [(5, None, None)]);
        assert_eq!(
            codes(&index.lookup(&["neoplasm", "malignant"])),
            [(4, Some("C80.1"), Some("Malignant Primary")), (4, None, Some("Malignant Secondary"))]
        );
        // Words that select no common column, or a column word outside a table, match nothing.
        assert!(index.lookup(&["neoplasm", "breast", "primary", "benign"]).is_empty());
        assert!(index.lookup(&["fracture", "malignant"]).is_empty());
    }
}
