//! The search document of one code: its title and other texts, the words and prefixes
//! they are matched by, the Alphabetic Index's terms for it, and the columns it ranks by
//! among equal matches.

use super::analyzer::{content_length, phrase_key, phrase_keys, phrase_keys_of, Word, WordSplitter};
use super::index_terms::CodeTerms;
use super::query::{MAX_PREFIX_CHARS, MIN_INDEXED_PREFIX_CHARS, MIN_PREFIX_CHARS};
use super::schema::{cpt_category_ordinal, pack_in_force_span, Fields};
use super::writer::entry_ref;
use crate::codes::pcs::PcsCode;
use crate::codes::{Ancestor, CodeEntry, CodeSystem, CptCategory, DescriptorKind, EntryKind, NoteKind, Release};
use tantivy::TantivyDocument;

/// The index document of one entry.
pub(super) fn document(
    fields: &Fields,
    release: &Release,
    index_in_release: usize,
    entry: &CodeEntry,
    code_terms: Option<&CodeTerms>,
    splitter: &mut WordSplitter,
) -> TantivyDocument {
    let system = release.info.system;
    let mut doc = TantivyDocument::new();
    doc.add_u64(fields.entry_ref, entry_ref(release.id, index_in_release as u32));
    doc.add_u64(fields.system, system.ordinal());
    doc.add_u64(fields.release, u64::from(release.id));
    doc.add_text(fields.code, &entry.code);
    doc.add_text(fields.title, &entry.title);
    doc.add_text(fields.title_words, &entry.title);
    // Only the first title word needs its stem (the title head); everything else here
    // works on folded words.
    let mut title_words = splitter.folded_words(&entry.title);
    if let Some(head) = title_words.first_mut() {
        head.stem = splitter.stem(&head.folded);
    }
    let title_distinct = distinct(title_words.iter().map(|word| word.folded.as_str()));
    doc.add_text(fields.title_prefixes, word_prefixes(&title_distinct, MIN_INDEXED_PREFIX_CHARS));
    // The words of a main term naming the code ("Seizure" → R56.9 "Unspecified convulsions")
    // are prefixes of its condition as much as the title's words are.
    if let Some(main_words) = code_terms.map(|terms| &terms.main_term_words).filter(|words| !words.is_empty()) {
        let extra: Vec<&str> =
            main_words.iter().map(String::as_str).filter(|word| title_distinct.binary_search(word).is_err()).collect();
        // A one-letter prefix is title evidence only for the title's own words; these words'
        // one-letter prefixes are among the other texts' (the Index's words are other text).
        doc.add_text(fields.title_prefixes, word_prefixes(&extra, MIN_PREFIX_CHARS));
    }
    // ICD-10-CM "includes" notes on a code name what it covers ("high blood pressure"
    // under I10): they are searched like inclusion terms.
    let includes = entry.notes.iter().filter(|note| note.kind == NoteKind::Includes).map(|note| &note.text);
    let title_keys = phrase_keys_of(splitter, &entry.title, &title_words);
    let mut phrases: Vec<String> = title_keys.clone();
    // ICD-10-PCS codes answer to the procedure index's names of their table or partial code
    // ("Appendectomy" → 0DTJ) and to what the definitions say their values include.
    let pcs = release.pcs().and_then(|pcs| Some((pcs, pcs.tables.lookup(&entry.code)?)));
    let pcs_texts = pcs.as_ref().map(|(pcs, resolved)| pcs.search_texts(&entry.code, resolved)).unwrap_or_default();
    let other_texts = entry
        .short_title
        .iter()
        .chain(entry.descriptors.iter().map(|d| &d.text))
        .chain(includes)
        .map(String::as_str)
        .chain(pcs_texts);
    let mut other_words = Vec::new();
    for text in other_texts {
        let words = splitter.folded_words(text);
        // A PCS index phrase in the title's own words ("Resection, Appendix") adds nothing.
        if pcs.is_some() && words.iter().all(|word| title_distinct.binary_search(&word.folded.as_str()).is_ok()) {
            continue;
        }
        doc.add_text(fields.other_text, text);
        doc.add_text(fields.other_words, text);
        phrases.extend(phrase_keys_of(splitter, text, &words));
        other_words.extend(words);
    }
    // The Alphabetic Index's words for the code are searched like inclusion terms; a query
    // that is one of its paths names the code the Index gives.
    if let Some(code_terms) = code_terms {
        let index_words: Vec<&str> = code_terms
            .words
            .iter()
            .map(String::as_str)
            .filter(|word| title_distinct.binary_search(word).is_err())
            .collect();
        if !index_words.is_empty() {
            let text = index_words.join(" ");
            doc.add_text(fields.other_text, &text);
            doc.add_text(fields.other_words, &text);
            other_words.extend(splitter.folded_words(&text));
        }
        for key in &code_terms.keys {
            doc.add_text(fields.index_keys, key);
        }
    }
    doc.add_u64(fields.generality, code_terms.map_or(0, |terms| terms.generality));
    // The default child of a category (its title is the category's, nonessential parts
    // aside: E11.9 "... without complications" under E11) answers to the category's
    // "includes" names too ("diabetes NOS" → E11.9), and ranks as the category does.
    let parent = entry.parent_code.as_deref().and_then(|code| release.entry(code));
    let billable = entry.billable && entry.kind != EntryKind::Header;
    let mut rank = Rank {
        title_length: content_length(&title_words),
        code_length: entry.code.len() as u64,
        preference: if billable { PREFER_BILLABLE } else { PREFER_HEADER },
    };
    if let Some((_, resolved)) = &pcs {
        rank.preference = pcs_preference(resolved);
    }
    if let Some(parent) = parent {
        let parent_title = phrase_key(&splitter.folded_words(&parent.title));
        let titled_as_parent = title_keys.last() == Some(&parent_title);
        if titled_as_parent {
            let inherited = parent.notes.iter().filter(|note| note.kind == NoteKind::Includes);
            for note in inherited {
                phrases.extend(phrase_keys(splitter, &note.text));
            }
        }
        let parent_is_header = !parent.billable || parent.kind == EntryKind::Header;
        let encounter = seventh_character(system, &entry.code, &parent.code);
        if billable && parent_is_header {
            let parent_length = content_length(&splitter.folded_words(&parent.title));
            let unspecified = titled_as_parent || is_unspecified_child(&entry.title, &parent.title);
            match encounter {
                // Initial encounter first, later ones and sequela after it, all as long as
                // their category so that the encounter words decide nothing else.
                Some('A') => {
                    rank = Rank {
                        title_length: parent_length,
                        code_length: parent.code.len() as u64,
                        preference: PREFER_DEFAULT,
                    }
                }
                Some(_) => rank = Rank { title_length: parent_length, preference: PREFER_LATER_ENCOUNTER, ..rank },
                None if unspecified => {
                    rank = Rank {
                        title_length: rank.title_length.min(parent_length),
                        code_length: parent.code.len() as u64,
                        preference: PREFER_DEFAULT,
                    }
                }
                None => {}
            }
        }
    }
    // A code whose inclusion term is a category's title with "NOS" ("Parkinson's disease NOS"
    // under G20.A1, two levels below G20 "Parkinson's disease") is that category's default. It
    // ranks one word longer than its category: a title that is the query itself comes first.
    if billable && rank.preference != PREFER_DEFAULT {
        if let Some(category) = nos_category(release, entry, splitter) {
            let category_length = content_length(&splitter.folded_words(&category.title));
            rank = Rank {
                title_length: rank.title_length.min(category_length + 1),
                code_length: category.code.len() as u64,
                preference: PREFER_DEFAULT,
            };
        }
    }
    phrases.sort_unstable();
    phrases.dedup();
    for phrase in &phrases {
        doc.add_text(fields.phrases, phrase);
    }
    // A word of the title is left out: every prefix of it is in the title's prefixes, and a
    // word's query takes the best of title and elsewhere, so it would never decide a score.
    let other_distinct = distinct(
        other_words
            .iter()
            .map(|word: &Word| word.folded.as_str())
            .filter(|word| title_distinct.binary_search(word).is_err()),
    );
    doc.add_text(fields.other_prefixes, word_prefixes(&other_distinct, MIN_INDEXED_PREFIX_CHARS));
    doc.add_u64(fields.billable, u64::from(billable));
    let category = (system == CodeSystem::Cpt).then(|| CptCategory::of_code(&entry.code)).flatten();
    doc.add_u64(fields.cpt_category, cpt_category_ordinal(category));
    doc.add_text(fields.ancestors, &entry.code);
    for ancestor in release.ancestors(entry) {
        match ancestor {
            Ancestor::Code(code) => doc.add_text(fields.ancestors, &code.code),
            Ancestor::Node(node) => doc.add_text(fields.ancestors, &node.id),
        }
    }
    let span = pack_in_force_span(
        entry.added().map(|d| d.days_since_epoch()),
        entry.terminated().map(|d| d.days_since_epoch()),
    );
    doc.add_u64(fields.in_force_span, span);
    if let Some(head) = title_words.first() {
        doc.add_text(fields.title_head, &head.stem);
        if head.folded != head.stem {
            doc.add_text(fields.title_head, &head.folded);
        }
    }
    doc.add_u64(fields.title_length, rank.title_length);
    doc.add_u64(fields.code_order, code_order(system, &entry.code));
    doc.add_u64(fields.code_length, rank.code_length);
    doc.add_u64(fields.preference, rank.preference);
    doc
}

/// What a document ranks by among equal matches (see [`super::collect::RankKey`]).
struct Rank {
    /// Title words that count (qualifiers aside); a category's default child counts as long as
    /// the category's title.
    title_length: u64,
    /// Code length for code-prefix matches; a default child counts as long as its category.
    code_length: u64,
    /// Preference among equal matches.
    preference: u64,
}

/// The billable default of its category: its "unspecified" child, or the initial encounter.
const PREFER_DEFAULT: u64 = 3;
/// Any other billable code.
const PREFER_BILLABLE: u64 = 2;
/// A subsequent encounter or sequela (7th character other than A).
const PREFER_LATER_ENCOUNTER: u64 = 1;
/// A header (category) code.
const PREFER_HEADER: u64 = 0;

/// Preference of an ICD-10-PCS code among equal matches: a resection (all of a body part,
/// what "-ectomy" names without "partial") before an excision (a part of it), which the index
/// offers side by side; a diagnostic qualifier after the therapeutic code.
fn pcs_preference(resolved: &PcsCode<'_>) -> u64 {
    if resolved.values[3].label.eq_ignore_ascii_case("Diagnostic") {
        return PREFER_LATER_ENCOUNTER;
    }
    match (resolved.table.section.code, resolved.table.operation.label.as_ref()) {
        ('0', "Resection") => PREFER_DEFAULT,
        _ => PREFER_BILLABLE,
    }
}

/// The 7th character of an ICD-10-CM code whose parent is its base, filled out to six
/// characters with placeholders ("S72.92XA" under "S72.92").
fn seventh_character(system: CodeSystem, code: &str, parent: &str) -> Option<char> {
    let placeholders = |between: &str| between.bytes().all(|byte| byte == b'X');
    let under_parent = code.len() == 7
        && (3..=6).contains(&parent.len())
        && code.get(..parent.len()) == Some(parent)
        && code.get(parent.len()..6).is_some_and(placeholders);
    (system == CodeSystem::Icd10Cm && under_parent).then(|| code.chars().last()).flatten()
}

/// The header above `entry` whose title, followed by "NOS", is one of the entry's inclusion
/// terms: the tabular's way of naming the code a condition without more detail goes to.
fn nos_category<'r>(release: &'r Release, entry: &CodeEntry, splitter: &mut WordSplitter) -> Option<&'r CodeEntry> {
    let named: Vec<String> = entry
        .descriptors
        .iter()
        .filter(|descriptor| descriptor.kind == DescriptorKind::InclusionTerm)
        .filter_map(|descriptor| descriptor.text.trim().strip_suffix(" NOS"))
        .map(|text| phrase_key(&splitter.folded_words(text)))
        .collect();
    if named.is_empty() {
        return None;
    }
    let mut above = entry.parent_code.as_deref().and_then(|code| release.entry(code));
    while let Some(ancestor) = above {
        let is_header = !ancestor.billable || ancestor.kind == EntryKind::Header;
        if is_header && named.contains(&phrase_key(&splitter.folded_words(&ancestor.title))) {
            return Some(ancestor);
        }
        above = ancestor.parent_code.as_deref().and_then(|code| release.entry(code));
    }
    None
}

/// Whether a child's title is its category's made unspecified: "Heart failure, unspecified"
/// under "Heart failure", "Chronic kidney disease, unspecified" under "Chronic kidney disease
/// (CKD)" — every title word of the child but "unspecified" is in the category's title — or
/// its category's title followed by "without ...".
pub(super) fn is_unspecified_child(title: &str, parent_title: &str) -> bool {
    let lower = title.to_ascii_lowercase();
    let parent_lower = parent_title.to_ascii_lowercase();
    // "Gastro-esophageal reflux disease without esophagitis" under "Gastro-esophageal reflux
    // disease": the condition without its complication is its default.
    if lower.strip_prefix(parent_lower.as_str()).is_some_and(|rest| rest.starts_with(" without ")) {
        return true;
    }
    if !lower.contains("unspecified") {
        return false;
    }
    let parent_words: Vec<String> = parent_title
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty() && *word != "unspecified")
        .all(|word| parent_words.iter().any(|parent_word| parent_word == word))
}

/// The words, sorted, each once.
fn distinct<'a>(words: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut distinct: Vec<&str> = words.collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct
}

/// Every prefix of `shortest` to [`MAX_PREFIX_CHARS`] characters of every word, space-separated
/// (indexed with the prefix-list analyzer, each becomes a term).
fn word_prefixes(folded_words: &[&str], shortest: usize) -> String {
    let mut prefixes = String::new();
    for word in folded_words.iter().filter(|word| word.chars().count() >= shortest) {
        let ends = word.char_indices().map(|(at, _)| at).skip(shortest).chain([word.len()]);
        for end in ends.take(MAX_PREFIX_CHARS + 1 - shortest) {
            prefixes.push_str(&word[..end]);
            prefixes.push(' ');
        }
    }
    prefixes
}

/// A code's place in code order, the same in every release: the system ordinal in the top
/// byte, then the code's first seven bytes (every ICD-10-CM, HCPCS and CPT code fits), so
/// that comparing the numbers compares (system, code). Longer codes tie on their first seven
/// characters, and ties are broken by entry.
pub fn code_order(system: CodeSystem, code: &str) -> u64 {
    let mut packed = [0u8; 8];
    packed[0] = system.ordinal() as u8;
    for (slot, byte) in packed[1..].iter_mut().zip(code.bytes()) {
        *slot = byte;
    }
    u64::from_be_bytes(packed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_codes_by_system_then_code() {
        let order = |system, code| code_order(system, code);
        assert!(order(CodeSystem::Icd10Cm, "E11") < order(CodeSystem::Icd10Cm, "E119"));
        assert!(order(CodeSystem::Icd10Cm, "E119") < order(CodeSystem::Icd10Cm, "E12"));
        assert!(order(CodeSystem::Icd10Cm, "S72001A") < order(CodeSystem::Icd10Cm, "S72002A"));
        assert_eq!(order(CodeSystem::Hcpcs, "J1100") >> 56, CodeSystem::Hcpcs.ordinal());
        assert!(
            order(CodeSystem::Icd10Cm, "Z99") < i64::MAX as u64 && order(CodeSystem::Cpt, "99499") < i64::MAX as u64
        );
    }

    #[test]
    fn lists_word_prefixes_from_one_character() {
        assert_eq!(
            word_prefixes(&["type", "2", "diabetes"], MIN_INDEXED_PREFIX_CHARS),
            "t ty typ type 2 d di dia diab diabe diabet diabete diabetes "
        );
        assert_eq!(word_prefixes(&["type", "2"], 2), "ty typ type ");
        let long = word_prefixes(&["pneumonoultramicroscopic"], 2);
        assert_eq!(long.split(' ').rfind(|p| !p.is_empty()), Some("pneumonoultrami"));
    }
}
