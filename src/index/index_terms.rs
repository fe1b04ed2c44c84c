//! What the ICD-10-CM Alphabetic Index adds to the search documents of a release: the words
//! of every Index path that leads to a code ("Fracture, traumatic > femur > neck" → S72.009A),
//! as a text of that code and as order-free keys a whole query can equal, and for the code a
//! main term names (Hypertension → I10) how general that condition is.
//!
//! Rules:
//! - Entries of the Index to Diseases and Injuries and of the External Cause Index with a code
//!   count, and entries whose "see" reference leads to an entry with a code (the referring
//!   path then leads to that code: "Fracture, hip" → "Fracture, femur, neck"). "see also" is
//!   ignored.
//! - Neoplasm and Drug table rows count once per cell: the row's path followed by the
//!   column's words ("Neoplasm > breast" + "Malignant Primary"; "Acetaminophen" + "Poisoning
//!   Accidental (unintentional)"); the first column of each first word also answers to that
//!   word alone ("neoplasm breast malignant", "acetaminophen poisoning"); Neoplasm rows also
//!   without their main term ("breast malignant").
//! - Keys: the stems of the path's words, connectives and "NOS" aside, sorted and each once;
//!   for the whole path, for the first comma-separated part of each term ("Fracture,
//!   traumatic" → "Fracture"), and for the first parts with one nonessential modifier each.
//! - A code to complete (`S72.00-`, `T39.1X1`) leads to its billable default in the release:
//!   from the code down, at each level the initial encounter (7th character A), else the
//!   child titled as its parent made unspecified, else the child ending in 9 whose title says
//!   "unspecified", else the first child.
//! - Generality: for a code a main term of the Index to Diseases names, the number of entries
//!   under that main term (the largest, when several name it). A word-prefix query ranks the
//!   most general condition first ("hypert" → Hypertension → I10, not Hypertrichosis).

use std::collections::HashMap;

use super::analyzer::{Word, WordSplitter};
use super::document::is_unspecified_child;
use crate::alpha_index::{split_modifiers, AlphaIndex, EntryId, IndexCode, IndexKind};
use crate::codes::{Child, EntryKind, Release};

/// Longest key kept (words); longer paths are not what anyone types.
const MAX_KEY_WORDS: usize = 8;
/// Nonessential modifiers of one term tried as optional words, at most.
const MAX_MODIFIERS: usize = 6;

/// What the Index adds to one code's document.
#[derive(Debug, Clone, Default)]
pub struct CodeTerms {
    /// Distinct folded words of every path leading to the code, space-separated.
    pub words: Vec<String>,
    /// Order-free keys of the paths (sorted distinct stems, space-separated).
    pub keys: Vec<String>,
    /// How general a condition the Index names the code for, packed by [`pack_generality`]:
    /// the entries under the largest main term naming it, and for word-prefix queries also
    /// the subterms whose path is the code's title.
    pub generality: u64,
    /// Folded words of the main terms naming the code: their prefixes count as the title's.
    pub main_term_words: Vec<String>,
}

/// The Index terms of every code of `release` that the Index leads to, by entry index.
pub fn index_terms(release: &Release, alpha: &AlphaIndex, splitter: &mut WordSplitter) -> HashMap<u32, CodeTerms> {
    let mut resolved: HashMap<String, Option<u32>> = HashMap::new();
    // A main term's first part alone ("Fracture" of "Fracture, traumatic") stands for the
    // largest main term of the Index to Diseases with that first part, not for the others
    // ("Fracture, pathological").
    let mut general: HashMap<String, (u64, EntryId)> = HashMap::new();
    for id in alpha.main_terms_of(IndexKind::Main) {
        let Some(entry) = alpha.get(id) else { continue };
        let first = first_part(&entry.term).to_lowercase();
        let size = subtree_size(alpha, id);
        let best = general.entry(first).or_insert((size, id));
        if size > best.0 {
            *best = (size, id);
        }
    }
    let first_part_ok = |id: EntryId| -> bool {
        let main = alpha.path_ids(id).first().copied().unwrap_or(id);
        alpha.get(main).is_none_or(|entry| {
            entry.kind != IndexKind::Main
                || general.get(&first_part(&entry.term).to_lowercase()).is_none_or(|(_, best)| *best == main)
        })
    };
    let mut table = WordTable::default();
    let words = EntryWords::of_every_entry(alpha, splitter, &mut table);
    let mut terms: HashMap<u32, PathTerms> = HashMap::new();
    // A code's title split into words once, for every subterm that names it.
    let mut titles: HashMap<u32, Option<Vec<Word>>> = HashMap::new();
    let mut resolve = |code: &IndexCode| -> Option<u32> {
        *resolved.entry(code.code().to_string()).or_insert_with(|| billable_default(release, code.code()))
    };
    for (id, entry) in alpha.entries().iter().enumerate() {
        match entry.kind {
            IndexKind::Main | IndexKind::ExternalCause => {
                let code = match &entry.code {
                    Some(code) => Some(code),
                    None if entry.see.is_some() => alpha
                        .resolve_see(id)
                        .and_then(|target| alpha.get(target))
                        .filter(|target| !target.kind.is_table())
                        .and_then(|target| target.code.as_ref()),
                    None => None,
                };
                let Some(at) = code.and_then(&mut resolve) else { continue };
                let path = alpha.path_ids(id);
                let code_terms = terms.entry(at).or_default();
                add_path(code_terms, &words, &path, &[], false, first_part_ok(id));
                if entry.kind == IndexKind::Main && entry.code.is_some() {
                    let size = subtree_size(alpha, id);
                    if entry.level == 0 {
                        code_terms.main_generality = code_terms.main_generality.max(size);
                        code_terms
                            .main_term_words
                            .extend(splitter.folded_words(&entry.term).into_iter().map(|w| w.folded));
                    } else if size > 1 && {
                        let title = titles.entry(at).or_insert_with(|| {
                            release.entries.get(at as usize).map(|code| splitter.words(&code.title))
                        });
                        title.as_deref().is_some_and(|title| path_in_title(&words, &path, &table, title))
                    } {
                        code_terms.subterm_generality = code_terms.subterm_generality.max(size);
                    }
                }
            }
            IndexKind::Neoplasm | IndexKind::Drug => {
                let row = if entry.cells.is_empty() && entry.see.is_some() {
                    alpha.resolve_see(id).and_then(|target| alpha.get(target)).filter(|target| target.kind.is_table())
                } else {
                    Some(entry)
                };
                let Some(row) = row else { continue };
                let path = alpha.path_ids(id);
                let mut first_words_seen: Vec<String> = Vec::new();
                for column in alpha.columns(row.kind) {
                    let column_words = essential_words(column);
                    let column_stemmed = stemmed_words(splitter, &mut table, &column_words.join(" "));
                    let first_of_its_word = column_words
                        .first()
                        .is_some_and(|first| !first_words_seen.contains(first) && column_words.len() > 1);
                    if let Some(first) = column_words.first() {
                        first_words_seen.push(first.clone());
                    }
                    let Some(code) = row.cell(column) else { continue };
                    let Some(at) = resolve(code) else { continue };
                    let code_terms = terms.entry(at).or_default();
                    let neoplasm = row.kind == IndexKind::Neoplasm;
                    add_path(code_terms, &words, &path, &column_stemmed, neoplasm, true);
                    if first_of_its_word {
                        let first_word = stemmed_words(splitter, &mut table, &column_words[..1].join(" "));
                        add_path(code_terms, &words, &path, &first_word, neoplasm, true);
                    }
                }
            }
        }
    }
    terms.into_iter().map(|(at, path_terms)| (at, path_terms.finish(&table))).collect()
}

/// Whether every word of a path's terms (their first parts) is a word of a code's title (its
/// `title_words`), by stem or as the start of a title word ("pleura" of "pleural"): the code
/// is then what the path names as a condition, its default ("Failure, heart" for "Heart
/// failure, unspecified").
fn path_in_title(words: &[EntryWords], path: &[EntryId], table: &WordTable, title_words: &[Word]) -> bool {
    path.iter().filter_map(|&id| words.get(id)).flat_map(|entry| entry.first.iter()).filter(|word| word.keyed).all(
        |word| {
            let (folded, stem) = (table.text(word.folded), table.text(word.stem));
            title_words.iter().any(|t| {
                t.stem == stem
                    || t.folded.starts_with(folded)
                    || (t.stem.len() >= MIN_SHARED_STEM
                        && 4 * t.stem.len() >= 3 * folded.len()
                        && folded.starts_with(&t.stem))
            })
        },
    )
}

/// Generality in one number: the main terms' in the high half (what whole-word queries rank
/// by), and in the low half what word-prefix queries rank by, where a subterm that is the
/// code's title also names a condition ("Failure, heart" for I50.9) but needs a subtree twice
/// as large as a main term's to outrank it. See [`generality_for`].
pub fn pack_generality(main: u64, subterm: u64) -> u64 {
    let main = main.min(u64::from(u32::MAX >> 3));
    let for_prefixes = if main > 0 { 4 * main + 1 } else { 0 }.max(2 * subterm.min(u64::from(u32::MAX >> 2)));
    (main << 32) | for_prefixes
}

/// The generality a match ranks by: whole-word matches of the top tier by main terms only,
/// other matches (word prefixes, partial words) by subterms too.
pub fn generality_for(packed: u64, top_tier: bool) -> u64 {
    if top_tier {
        packed >> 32
    } else {
        packed & u64::from(u32::MAX)
    }
}

/// Shortest title stem a path word may start with to count as that word ("myocardi" of
/// "myocardium" and "myocardial"); the stem must also be three quarters of the word ("arteri"
/// of "artery" is not "arteriosclerosis").
const MIN_SHARED_STEM: usize = 5;

/// A term's first comma-separated part: "Fracture" of "Fracture, traumatic".
fn first_part(term: &str) -> &str {
    term.split(',').next().unwrap_or(term).trim()
}

/// A column head's words without its parenthesised part, lower case.
fn essential_words(column: &str) -> Vec<String> {
    split_modifiers(column)
        .essential
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The folded words and stems of the Index, each stored once and known by a number while
/// the paths are gathered: a code reached by many paths repeats the same few words.
#[derive(Default)]
struct WordTable {
    ids: HashMap<String, u32>,
    texts: Vec<String>,
}

impl WordTable {
    fn id(&mut self, text: String) -> u32 {
        if let Some(&id) = self.ids.get(&text) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(text.clone());
        self.ids.insert(text, id);
        id
    }

    fn text(&self, id: u32) -> &str {
        self.texts.get(id as usize).map_or("", String::as_str)
    }
}

/// A word of an Index term, folded and stemmed (as [`WordTable`] numbers).
#[derive(Clone, Copy)]
struct Stemmed {
    folded: u32,
    stem: u32,
    /// Counts in keys: not a connective, not "NOS".
    keyed: bool,
}

/// The words of one Index entry, split and stemmed once for every path through it.
struct EntryWords {
    /// Of the whole term.
    whole: Vec<Stemmed>,
    /// Of its first comma-separated part ("Fracture" of "Fracture, traumatic").
    first: Vec<Stemmed>,
    /// Of each of its first [`MAX_MODIFIERS`] nonessential modifiers, parentheses aside.
    modifiers: Vec<Vec<Stemmed>>,
}

impl EntryWords {
    /// The words of every entry of `alpha`, by entry id.
    fn of_every_entry(alpha: &AlphaIndex, splitter: &mut WordSplitter, table: &mut WordTable) -> Vec<EntryWords> {
        alpha
            .entries()
            .iter()
            .map(|entry| EntryWords {
                whole: stemmed_words(splitter, table, &entry.term),
                first: stemmed_words(splitter, table, first_part(&entry.term)),
                modifiers: entry
                    .nonessential
                    .iter()
                    .take(MAX_MODIFIERS)
                    .map(|modifier| {
                        let bare = modifier.trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace());
                        stemmed_words(splitter, table, bare)
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The words of a text, folded and stemmed.
fn stemmed_words(splitter: &mut WordSplitter, table: &mut WordTable, text: &str) -> Vec<Stemmed> {
    splitter
        .words(text)
        .into_iter()
        .map(|word| {
            let keyed = !word.is_connective() && word.folded != "nos";
            Stemmed { folded: table.id(word.folded), stem: table.id(word.stem), keyed }
        })
        .collect()
}

/// What the paths leading to one code add, in [`WordTable`] numbers until [`PathTerms::finish`].
#[derive(Default)]
struct PathTerms {
    words: Vec<u32>,
    /// Each key's distinct stems, ascending by number.
    keys: Vec<Vec<u32>>,
    /// Entries under the largest main term naming the code.
    main_generality: u64,
    /// Entries under the largest subterm naming the code whose path is the code's title.
    subterm_generality: u64,
    main_term_words: Vec<String>,
}

impl PathTerms {
    fn push_key<'a>(&mut self, words: impl Iterator<Item = &'a Stemmed>) {
        let mut stems: Vec<u32> = words.filter(|word| word.keyed).map(|word| word.stem).collect();
        stems.sort_unstable();
        stems.dedup();
        if !stems.is_empty() && stems.len() <= MAX_KEY_WORDS {
            self.keys.push(stems);
        }
    }

    /// The code's terms in words: each distinct word and key once, sorted.
    fn finish(mut self, table: &WordTable) -> CodeTerms {
        self.words.sort_unstable();
        self.words.dedup();
        let mut words: Vec<String> = self.words.iter().map(|&id| table.text(id).to_string()).collect();
        words.sort_unstable();
        self.keys.sort_unstable();
        self.keys.dedup();
        let mut keys: Vec<String> =
            self.keys.iter().filter_map(|stems| key_of_stems(stems.iter().map(|&id| table.text(id)))).collect();
        keys.sort_unstable();
        keys.dedup();
        self.main_term_words.sort_unstable();
        self.main_term_words.dedup();
        CodeTerms {
            words,
            keys,
            generality: pack_generality(self.main_generality, self.subterm_generality),
            main_term_words: self.main_term_words,
        }
    }
}

/// Adds the words and keys of one path (entry ids from the main term down, and the extra
/// words of a table column).
fn add_path(
    code_terms: &mut PathTerms,
    words: &[EntryWords],
    path: &[EntryId],
    extra: &[Stemmed],
    also_without_main_term: bool,
    main_first_part_ok: bool,
) {
    let entries: Vec<&EntryWords> = path.iter().filter_map(|&id| words.get(id)).collect();
    let whole = entries.iter().flat_map(|entry| entry.whole.iter()).chain(extra);
    code_terms.words.extend(whole.clone().map(|word| word.folded));
    code_terms.push_key(whole);
    let firsts: Vec<&[Stemmed]> = entries
        .iter()
        .enumerate()
        .map(|(at, entry)| if at == 0 && !main_first_part_ok { &entry.whole[..] } else { &entry.first[..] })
        .collect();
    let first_words = firsts.iter().flat_map(|words| words.iter()).chain(extra);
    code_terms.push_key(first_words.clone());
    if also_without_main_term && firsts.len() > 1 {
        code_terms.push_key(firsts[1..].iter().flat_map(|words| words.iter()).chain(extra));
    }
    for entry in &entries {
        for modifier in &entry.modifiers {
            code_terms.words.extend(modifier.iter().map(|word| word.folded));
            code_terms.push_key(first_words.clone().chain(modifier));
        }
    }
}

/// The order-free key of a text: its stems, connectives and "NOS" aside, sorted, each once;
/// `None` when empty or longer than [`MAX_KEY_WORDS`].
pub fn order_free_key(splitter: &mut WordSplitter, text: &str) -> Option<String> {
    let words = splitter.words(text);
    key_of_stems(
        words.iter().filter(|word| !word.is_connective() && word.folded != "nos").map(|word| word.stem.as_str()),
    )
}

/// Sorted distinct stems joined by spaces; `None` when empty or too long.
pub fn key_of_stems<'a>(stems: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut stems: Vec<&str> = stems.collect();
    stems.sort_unstable();
    stems.dedup();
    (!stems.is_empty() && stems.len() <= MAX_KEY_WORDS).then(|| stems.join(" "))
}

/// Entries in the subtree of `id`, itself included.
fn subtree_size(alpha: &AlphaIndex, id: EntryId) -> u64 {
    let mut size = 0;
    let mut stack = vec![id];
    while let Some(at) = stack.pop() {
        size += 1;
        stack.extend_from_slice(alpha.children(at));
    }
    size
}

/// The billable code an Index code leads to in `release` (see the module rules).
fn billable_default(release: &Release, code: &str) -> Option<u32> {
    let mut at = release.entry_index(code)?;
    for _ in 0..5 {
        let entry = release.entries.get(at as usize)?;
        if entry.billable && entry.kind != EntryKind::Header {
            return Some(at);
        }
        at = default_child(release, at)?;
    }
    None
}

/// The default child of a code to complete.
fn default_child(release: &Release, at: u32) -> Option<u32> {
    let parent = release.entries.get(at as usize)?;
    let children: Vec<u32> = release
        .children(Some(&parent.code))?
        .iter()
        .filter_map(|child| match child {
            Child::Entry(index) => Some(*index),
            Child::Node(_) => None,
        })
        .collect();
    let entry = |index: &u32| release.entries.get(*index as usize);
    let initial = children.iter().find(|index| {
        entry(index).is_some_and(|child| {
            child.code.len() == 7 && child.code.ends_with('A') && child.code.starts_with(parent.code.as_str())
        })
    });
    let unspecified = || {
        children.iter().find(|index| {
            entry(index).is_some_and(|child| {
                child.title.eq_ignore_ascii_case(&parent.title) || is_unspecified_child(&child.title, &parent.title)
            })
        })
    };
    let nine = || {
        children.iter().find(|index| {
            entry(index).is_some_and(|child| {
                child.code.ends_with('9') && child.title.to_ascii_lowercase().contains("unspecified")
            })
        })
    };
    initial.or_else(unspecified).or_else(nine).or(children.first()).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_word_matches_rank_by_main_terms_and_prefixes_by_subterms_too() {
        // A main term of 40 entries, a subterm of 100 whose path is the title.
        let packed = pack_generality(40, 100);
        assert_eq!(generality_for(packed, true), 40);
        assert_eq!(generality_for(packed, false), 200);
        // A subterm needs twice a main term's entries to outrank it for prefixes.
        assert!(generality_for(pack_generality(40, 0), false) > generality_for(pack_generality(0, 80), false));
        assert!(generality_for(pack_generality(40, 0), false) < generality_for(pack_generality(0, 81), false));
        // No main term: nothing for whole words.
        assert_eq!(generality_for(pack_generality(0, 100), true), 0);
    }
}
