//! The Alphabetic Index prepared for notes: per entry, the stem ids of its term (each
//! comma-separated alternative apart: "femur, femoral"), its code checked against the release
//! (billable as written, or a category to complete), and where its "see" or "see also"
//! reference leads. Main terms are also put in a phrase trie by their first part ("Fracture"
//! of "Fracture, traumatic", and "diabetic" of "Diabetes, diabetic").

use crate::alpha_index::{AlphaIndex, EntryId, IndexKind};
use crate::index::analyzer::WordSplitter;

use super::codes::CodeTable;
use super::phrases::PhraseTrie;
use super::tokens::{intern_words, Vocabulary};

/// What an index code leads to in the release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRef {
    /// A billable code, by its position in the [`CodeTable`].
    Billable(u32),
    /// A category or header to complete: the undotted prefix of the billable codes under it.
    Prefix(String),
}

/// One entry of the index, prepared.
#[derive(Debug, Clone, Default)]
pub struct Term {
    /// The stem ids of each comma-separated alternative of the term (nonessential modifiers aside).
    pub parts: Vec<Vec<u32>>,
    /// For a main term: the parts that are not alternatives of the first ("traumatic" of
    /// "Fracture, traumatic"); they help choose among main terms of one name.
    pub qualifiers: Vec<Vec<u32>>,
    /// The entry's code in the release.
    pub code: Option<CodeRef>,
    /// Entries one level down.
    pub children: Vec<EntryId>,
    /// Where its "see" reference (or, for an entry without a code, its "see also") leads.
    pub see: Option<EntryId>,
    /// A term of connectives only ("with", "due to", "in"): passed through without a word.
    pub transparent: bool,
    /// A term never matched from a note ("without ...", other parts of the index).
    pub skip: bool,
}

/// The prepared entries (by entry id) and the main-term trie.
#[derive(Debug, Default)]
pub struct IndexTerms {
    /// Per entry id.
    pub terms: Vec<Term>,
    /// First part of each main term (and adjective alternatives) → main terms.
    pub main_terms: PhraseTrie<EntryId>,
}

impl IndexTerms {
    /// Prepares the Index to Diseases and Injuries of `index` against the release's codes.
    pub fn build(
        index: &AlphaIndex,
        codes: &CodeTable,
        splitter: &mut WordSplitter,
        vocabulary: &mut Vocabulary,
    ) -> IndexTerms {
        let mut prepared = IndexTerms { terms: Vec::with_capacity(index.len()), main_terms: PhraseTrie::default() };
        for (id, entry) in index.entries().iter().enumerate() {
            if entry.kind != IndexKind::Main {
                prepared.terms.push(Term { skip: true, ..Term::default() });
                continue;
            }
            let folded = crate::alpha_index::fold(&entry.term);
            let raw_parts: Vec<&str> = folded.split(',').map(str::trim).filter(|part| !part.is_empty()).collect();
            let mut parts = Vec::new();
            let mut qualifiers = Vec::new();
            let head = raw_parts.first().and_then(|part| part.split_whitespace().next()).unwrap_or("");
            for (at, part) in raw_parts.iter().enumerate() {
                let ids = intern_words(vocabulary, &splitter.words(part));
                if ids.is_empty() {
                    continue;
                }
                let alternative = at == 0 || same_root(head, part);
                if entry.level == 0 && !alternative {
                    qualifiers.push(ids);
                } else {
                    parts.push(ids);
                }
            }
            // "Old (previous)" → I25.2: the flattened index lost the "myocardial infarction" of
            // "Old myocardial infarction"; alone, "old" is the age of every patient.
            let lost_words = entry.level == 0 && folded == "old";
            let skip = lost_words
                || folded.starts_with("without")
                || folded.starts_with("not ")
                || folded.starts_with("except");
            // "History > personal (of)": a history is the patient's own unless the note says
            // "family"; coders read "personal" as the default.
            let default_term = entry.level > 0 && folded == "personal";
            let transparent = default_term || (parts.is_empty() && qualifiers.is_empty());
            let code = entry.code.as_ref().and_then(|code| code_ref(codes, code.code(), code.is_incomplete()));
            if entry.level == 0 && !skip {
                for part in &parts {
                    prepared.main_terms.insert(part, id);
                }
            }
            let reference = entry.see.as_ref().or(entry.see_also.as_ref().filter(|_| code.is_none()));
            let see = reference.and_then(|_| {
                if entry.see.is_some() {
                    index.resolve_see(id)
                } else {
                    index.resolve_see_also(id)
                }
            });
            prepared.terms.push(Term {
                parts,
                qualifiers,
                code,
                children: entry.children.clone(),
                see: see.filter(|target| *target != id),
                transparent,
                skip,
            });
        }
        prepared
    }
}

/// Whether a later part of a main term is another form of its first word ("diabetic" of
/// "Diabetes", "hypertensive" of "Hypertension"): the same first four letters.
fn same_root(head: &str, part: &str) -> bool {
    let prefix = |text: &str| text.get(..4).map(str::to_string);
    head.len() >= 4 && prefix(head) == prefix(part)
}

/// What an index code (undotted, maybe a prefix) is in the release.
pub fn code_ref(codes: &CodeTable, code: &str, incomplete: bool) -> Option<CodeRef> {
    if !incomplete {
        if let Some(at) = codes.find(code) {
            return Some(CodeRef::Billable(at));
        }
    }
    let under = codes.under(code);
    (!under.is_empty()).then(|| CodeRef::Prefix(code.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjective_forms_are_alternatives() {
        assert!(same_root("diabetes", "diabetic"));
        assert!(same_root("hypertension", "hypertensive"));
        assert!(!same_root("fracture", "traumatic"));
        assert!(!same_root("flu", "flutter"));
    }
}
