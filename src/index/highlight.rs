//! Highlights: which words of a result's texts the query matched, as code-point spans.

use super::analyzer::{ascii_word_spans, Word, WordSplitter};
use crate::codes::{CodeEntry, DescriptorKind};

/// Where the query matched in one text of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    /// Which text: `title`, `short_title`, `inclusion_term`, `medium`, `consumer`, `clinician`.
    pub field: &'static str,
    /// The text.
    pub text: String,
    /// Matched words as (start, end) code-point offsets, end exclusive.
    pub spans: Vec<(u32, u32)>,
}

/// Works out the highlights of one page's hits for one query. Titles of a page share most
/// of their words, so whether a word matches is worked out once per distinct word (its stem,
/// and in typo mode its edit distances, are the costly part) and remembered for the page.
pub struct Highlighter<'q> {
    words: &'q [Word],
    query_words: Vec<&'q Word>,
    /// First characters of the query words and their stems: without typo tolerance, a text
    /// word matches only if it starts with one (a prefix starts alike, and a stem keeps its
    /// word's first character), so the others are passed over without a look-up.
    firsts: Vec<char>,
    /// Verdicts so far: text word (folded) → whether a query word matches it; without
    /// typo tolerance, then with it.
    verdicts: [foldhash::HashMap<String, bool>; 2],
    /// Scratch: the text word being looked at, folded.
    folded: String,
}

impl<'q> Highlighter<'q> {
    /// A highlighter for the query's words and its synonym variants.
    pub fn new(words: &'q [Word], variants: &'q [Vec<Word>]) -> Highlighter<'q> {
        let query_words: Vec<&Word> = words.iter().chain(variants.iter().flatten()).collect();
        let mut firsts: Vec<char> = query_words
            .iter()
            .flat_map(|word| [word.folded.chars().next(), word.stem.chars().next()])
            .flatten()
            .collect();
        firsts.sort_unstable();
        firsts.dedup();
        Highlighter { words, query_words, firsts, verdicts: Default::default(), folded: String::new() }
    }

    /// Highlights for an entry: the title always (when anything matched there), and the
    /// first other text that matched a word the title did not.
    pub fn highlights(&mut self, splitter: &mut WordSplitter, entry: &CodeEntry, fuzzy: bool) -> Vec<Highlight> {
        let mut found = Vec::new();
        let title = self.highlight_text(splitter, "title", &entry.title, fuzzy);
        let title_complete = title.as_ref().is_some_and(|h| h.spans.len() >= self.words.len());
        found.extend(title);
        if title_complete {
            return found;
        }
        let others = entry
            .short_title
            .iter()
            .map(|text| ("short_title", text))
            .chain(entry.descriptors.iter().map(|d| (descriptor_field(d.kind), &d.text)));
        for (field, text) in others {
            if let Some(highlight) = self.highlight_text(splitter, field, text, fuzzy) {
                found.push(highlight);
                break;
            }
        }
        found
    }

    fn highlight_text(
        &mut self,
        splitter: &mut WordSplitter,
        field: &'static str,
        text: &str,
        fuzzy: bool,
    ) -> Option<Highlight> {
        let mut spans: Vec<(u32, u32)> = Vec::new();
        if text.is_ascii() {
            // Folded in place, without a word allocated each; offsets in bytes are code points.
            for (from, to) in ascii_word_spans(text) {
                if !self.could_match(char::from(text.as_bytes()[from].to_ascii_lowercase()), fuzzy) {
                    continue;
                }
                self.folded.clear();
                self.folded.push_str(&text[from..to]);
                self.folded.make_ascii_lowercase();
                if self.matches(splitter, fuzzy) {
                    spans.push((from as u32, to as u32));
                }
            }
        } else {
            for word in splitter.folded_words(text) {
                if !word.folded.chars().next().map_or(fuzzy, |first| self.could_match(first, fuzzy)) {
                    continue;
                }
                self.folded = word.folded;
                if self.matches(splitter, fuzzy) {
                    let start = text[..word.byte_from].chars().count() as u32;
                    spans.push((start, start + text[word.byte_from..word.byte_to].chars().count() as u32));
                }
            }
        }
        (!spans.is_empty()).then(|| Highlight { field, text: text.to_string(), spans })
    }

    /// Whether a text word starting with `first` could match a query word at all.
    fn could_match(&self, first: char, fuzzy: bool) -> bool {
        fuzzy || self.firsts.contains(&first)
    }

    /// Whether a query word matches the text word in `self.folded`, remembered per word.
    fn matches(&mut self, splitter: &mut WordSplitter, fuzzy: bool) -> bool {
        let folded = self.folded.as_str();
        if let Some(&verdict) = self.verdicts[usize::from(fuzzy)].get(folded) {
            return verdict;
        }
        let matched = self.query_words.iter().any(|query| prefix_matches(query, folded))
            || {
                // A stem keeps its word's first letter: only words that could share one
                // with a query word are stemmed.
                let first = folded.chars().next();
                self.query_words.iter().any(|query| query.stem.chars().next() == first) && {
                    let stem = splitter.stem(folded);
                    !stem.is_empty() && self.query_words.iter().any(|query| query.stem == stem)
                }
            }
            || (fuzzy && self.query_words.iter().any(|query| near_matches(query, folded)));
        self.verdicts[usize::from(fuzzy)].insert(folded.to_string(), matched);
        matched
    }
}

fn descriptor_field(kind: DescriptorKind) -> &'static str {
    match kind {
        DescriptorKind::Medium => "medium",
        DescriptorKind::Consumer => "consumer",
        DescriptorKind::Clinician => "clinician",
        DescriptorKind::InclusionTerm => "inclusion_term",
    }
}

/// The text word starts with the query word (two characters or more).
fn prefix_matches(query: &Word, folded: &str) -> bool {
    folded.starts_with(&query.folded) && query.folded.chars().nth(1).is_some()
}

/// Typo tolerance: the text word, or its start as long as the query word, is within one
/// edit of a query word of 4 characters or more (two edits from 8).
fn near_matches(query: &Word, folded: &str) -> bool {
    let query_chars = query.folded.chars().count();
    if query_chars < 4 {
        return false;
    }
    let allowed = if query_chars >= 8 { 2 } else { 1 };
    let prefix_end = folded.char_indices().nth(query_chars).map_or(folded.len(), |(at, _)| at);
    edit_distance_within(&query.folded, &folded[..prefix_end], allowed).is_some()
        || edit_distance_within(&query.folded, folded, allowed).is_some()
}

/// Damerau-Levenshtein distance (adjacent transpositions count one), on chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// Longest words [`edit_distance_within`] compares without allocating.
const BOUNDED_CHARS: usize = 48;

/// The Damerau-Levenshtein distance of `a` and `b` when it is at most `limit`; stops as soon
/// as a row of the table exceeds it.
pub fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let mut a_chars = ['\0'; BOUNDED_CHARS];
    let mut b_chars = ['\0'; BOUNDED_CHARS];
    let (mut n, mut m) = (0, 0);
    for (chars, count, text) in [(&mut a_chars, &mut n, a), (&mut b_chars, &mut m, b)] {
        for c in text.chars() {
            if *count == BOUNDED_CHARS {
                let distance = edit_distance(a, b);
                return (distance <= limit).then_some(distance);
            }
            chars[*count] = c;
            *count += 1;
        }
    }
    if n.abs_diff(m) > limit {
        return None;
    }
    let (a, b) = (&a_chars[..n], &b_chars[..m]);
    // An edit adds at most one character and takes away at most one: the sets of characters
    // of the two words differ by at most two per edit. (Characters share bits; sharing only
    // makes the sets differ less, so no word within the limit is turned away.)
    if (char_set(a) ^ char_set(b)).count_ones() as usize > 2 * limit {
        return None;
    }
    let mut two_up = [0usize; BOUNDED_CHARS + 1];
    let mut up = [0usize; BOUNDED_CHARS + 1];
    let mut row = [0usize; BOUNDED_CHARS + 1];
    for (j, cell) in up.iter_mut().enumerate().take(m + 1) {
        *cell = j;
    }
    for i in 1..=n {
        row[0] = i;
        let mut row_min = i;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (up[j] + 1).min(row[j - 1] + 1).min(up[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(two_up[j - 2] + 1);
            }
            row[j] = best;
            row_min = row_min.min(best);
        }
        // A cell is never below the row above's minimum (a transposition's cell is never
        // below its left neighbour), so no later row can come back under the limit.
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut two_up, &mut up);
        std::mem::swap(&mut up, &mut row);
    }
    (up[m] <= limit).then_some(up[m])
}

/// The characters of a word as a set of 64 bits (letters and digits each their own bit).
fn char_set(chars: &[char]) -> u64 {
    chars.iter().fold(0, |set, &c| {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + c as u32 - '0' as u32,
            _ => 36 + c as u32 % 28,
        };
        set | (1 << bit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::EntryKind;

    #[test]
    fn marks_prefix_and_stem_matches_in_code_points() {
        let entry = CodeEntry::new("E119", EntryKind::Code, true, "Type 2 diabetes mellitus without complications");
        let mut splitter = WordSplitter::default();
        let words = splitter.words("diab mell typ 2");
        let found = Highlighter::new(&words, &[]).highlights(&mut splitter, &entry, false);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].spans, [(0, 4), (5, 6), (7, 15), (16, 24)]);
    }

    #[test]
    fn marks_accented_text_in_code_points_and_skips_words_the_index_drops() {
        let mut splitter = WordSplitter::default();
        let entry = CodeEntry::new("H8101", EntryKind::Code, true, "Ménière's disease, right ear");
        let words = splitter.words("meniere ear");
        let found = Highlighter::new(&words, &[]).highlights(&mut splitter, &entry, false);
        assert_eq!(found[0].spans, [(0, 7), (25, 28)]);
        let long = "Pneumonoultramicroscopicsilicovolcanoconiosis of lung";
        let entry = CodeEntry::new("J999", EntryKind::Code, true, long);
        let words = splitter.words("pneumono lung");
        let found = Highlighter::new(&words, &[]).highlights(&mut splitter, &entry, false);
        assert_eq!(found[0].spans, [(49, 53)]);
    }

    #[test]
    fn counts_transpositions_as_one_edit() {
        assert_eq!(edit_distance("pnuemonia", "pneumonia"), 1);
        assert_eq!(edit_distance("diabetis", "diabetes"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn bounded_distance_agrees_with_the_full_table() {
        let words = [
            "pneumonia",
            "pnuemonia",
            "pneumonias",
            "asthma",
            "athsma",
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "cab",
            "abcd",
            "xbcy",
            "méniere",
            "meniere",
            "b12",
            "b21",
            "zz",
            "éé",
        ];
        for a in words {
            for b in words {
                let full = edit_distance(a, b);
                for limit in 0..4 {
                    assert_eq!(edit_distance_within(a, b, limit), (full <= limit).then_some(full), "{a} {b} {limit}");
                }
            }
        }
        let long = "a".repeat(60);
        assert_eq!(edit_distance_within(&long, &format!("{long}b"), 1), Some(1));
    }
}
