//! Highlights: which words of a result's texts the query matched, as code-point spans.

use super::analyzer::{Word, WordSplitter};
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

/// Highlights for an entry: the title always (when anything matched there), and the first
/// other text that matched a word the title did not.
pub fn highlights(
    splitter: &mut WordSplitter,
    entry: &CodeEntry,
    words: &[Word],
    variants: &[Vec<Word>],
    fuzzy: bool,
) -> Vec<Highlight> {
    let query_words: Vec<&Word> = words.iter().chain(variants.iter().flatten()).collect();
    let mut found = Vec::new();
    let title = highlight_text(splitter, "title", &entry.title, &query_words, fuzzy);
    let title_complete = title.as_ref().is_some_and(|h| h.spans.len() >= words.len());
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
        if let Some(highlight) = highlight_text(splitter, field, text, &query_words, fuzzy) {
            found.push(highlight);
            break;
        }
    }
    found
}

fn descriptor_field(kind: DescriptorKind) -> &'static str {
    match kind {
        DescriptorKind::Medium => "medium",
        DescriptorKind::Consumer => "consumer",
        DescriptorKind::Clinician => "clinician",
        DescriptorKind::InclusionTerm => "inclusion_term",
    }
}

fn highlight_text(
    splitter: &mut WordSplitter,
    field: &'static str,
    text: &str,
    query_words: &[&Word],
    fuzzy: bool,
) -> Option<Highlight> {
    let mut spans: Vec<(u32, u32)> = Vec::new();
    for mut word in splitter.folded_words(text) {
        // Stems are worked out only for words that could share one with a query word (a
        // stem keeps its word's first letter).
        let first = word.folded.chars().next();
        if query_words.iter().any(|query| query.stem.chars().next() == first) {
            word.stem = splitter.stem(&word.folded);
        }
        if query_words.iter().any(|query| word_matches(query, &word, fuzzy)) {
            let start = text[..word.byte_from].chars().count() as u32;
            let end = start + text[word.byte_from..word.byte_to].chars().count() as u32;
            spans.push((start, end));
        }
    }
    (!spans.is_empty()).then(|| Highlight { field, text: text.to_string(), spans })
}

fn word_matches(query: &Word, word: &Word, fuzzy: bool) -> bool {
    if !word.stem.is_empty() && query.stem == word.stem {
        return true;
    }
    let query_chars = query.folded.chars().count();
    if query_chars >= 2 && word.folded.starts_with(&query.folded) {
        return true;
    }
    if fuzzy && query_chars >= 4 {
        let allowed = if query_chars >= 8 { 2 } else { 1 };
        let prefix_end = word.folded.char_indices().nth(query_chars).map_or(word.folded.len(), |(at, _)| at);
        return edit_distance_within(&query.folded, &word.folded[..prefix_end], allowed).is_some()
            || edit_distance_within(&query.folded, &word.folded, allowed).is_some();
    }
    false
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
        let found = highlights(&mut splitter, &entry, &words, &[], false);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].spans, [(0, 4), (5, 6), (7, 15), (16, 24)]);
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
