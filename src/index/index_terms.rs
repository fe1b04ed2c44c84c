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

use super::analyzer::WordSplitter;
use super::writer::is_unspecified_child;
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
    /// Entries under the largest main term naming the code (0: none names it).
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
    let mut terms: HashMap<u32, CodeTerms> = HashMap::new();
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
                let path = path_terms(alpha, id);
                let code_terms = terms.entry(at).or_default();
                add_path(code_terms, splitter, &path, &[], false, first_part_ok(id));
                if entry.level == 0 && entry.kind == IndexKind::Main && entry.code.is_some() {
                    let size = subtree_size(alpha, id);
                    code_terms.generality = code_terms.generality.max(size);
                    code_terms.main_term_words.extend(splitter.folded_words(&entry.term).into_iter().map(|w| w.folded));
                }
            }
            IndexKind::Neoplasm | IndexKind::Drug => {
                let row = if entry.cells.is_empty() && entry.see.is_some() {
                    alpha.resolve_see(id).and_then(|target| alpha.get(target)).filter(|target| target.kind.is_table())
                } else {
                    Some(entry)
                };
                let Some(row) = row else { continue };
                let path = path_terms(alpha, id);
                let mut first_words_seen: Vec<String> = Vec::new();
                for column in alpha.columns(row.kind) {
                    let column_words = essential_words(column);
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
                    add_path(code_terms, splitter, &path, &column_words, neoplasm, true);
                    if first_of_its_word {
                        add_path(code_terms, splitter, &path, &column_words[..1], neoplasm, true);
                    }
                }
            }
        }
    }
    for code_terms in terms.values_mut() {
        code_terms.words.sort_unstable();
        code_terms.words.dedup();
        code_terms.keys.sort_unstable();
        code_terms.keys.dedup();
        code_terms.main_term_words.sort_unstable();
        code_terms.main_term_words.dedup();
    }
    terms
}

/// The terms from the main term down to `id`, each with its nonessential modifiers.
fn path_terms(alpha: &AlphaIndex, id: EntryId) -> Vec<(String, Vec<String>)> {
    alpha
        .path_ids(id)
        .into_iter()
        .filter_map(|at| alpha.get(at))
        .map(|entry| (entry.term.clone(), entry.nonessential.clone()))
        .collect()
}

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

/// Adds the words and keys of one path (and the extra words of a table column).
fn add_path(
    code_terms: &mut CodeTerms,
    splitter: &mut WordSplitter,
    path: &[(String, Vec<String>)],
    extra: &[String],
    also_without_main_term: bool,
    main_first_part_ok: bool,
) {
    let extra_text = extra.join(" ");
    let whole: String =
        path.iter().map(|(term, _)| term.as_str()).chain([extra_text.as_str()]).collect::<Vec<_>>().join(" ");
    let firsts: Vec<&str> = path
        .iter()
        .enumerate()
        .map(|(at, (term, _))| if at == 0 && !main_first_part_ok { term.as_str() } else { first_part(term) })
        .collect();
    let first_text = firsts.iter().copied().chain([extra_text.as_str()]).collect::<Vec<_>>().join(" ");
    code_terms.words.extend(splitter.folded_words(&whole).into_iter().map(|word| word.folded));
    push_key(code_terms, splitter, &whole);
    push_key(code_terms, splitter, &first_text);
    if also_without_main_term && firsts.len() > 1 {
        let text = firsts[1..].iter().copied().chain([extra_text.as_str()]).collect::<Vec<_>>().join(" ");
        push_key(code_terms, splitter, &text);
    }
    for (_, modifiers) in path {
        for modifier in modifiers.iter().take(MAX_MODIFIERS) {
            let bare = modifier.trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace());
            code_terms.words.extend(splitter.folded_words(bare).into_iter().map(|word| word.folded));
            push_key(code_terms, splitter, &format!("{first_text} {bare}"));
        }
    }
}

fn push_key(code_terms: &mut CodeTerms, splitter: &mut WordSplitter, text: &str) {
    if let Some(key) = order_free_key(splitter, text) {
        code_terms.keys.push(key);
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
