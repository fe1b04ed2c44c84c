//! Where a "see" or "see also" reference leads. A reference names a main term and then
//! subterms, separated by ", " ("Pain, abdominal", "Fracture, traumatic, femur"); parts are
//! compared folded, without parenthesised modifiers and plural endings. Main terms and terms may themselves hold
//! commas ("Fracture, traumatic", "femur, femoral"), so each step tries the longest run of
//! parts first; a part also matches one of a term's comma-separated alternatives ("femur" →
//! "femur, femoral"). In a table a part naming a column ("malignant", "in situ") is passed
//! over, before such alternatives are tried; an instruction part ("by site", "by type") stops at
//! the term reached.
//!
//! The referring entry's own kind is searched first, then the others; only when no kind has
//! such a path is a part also allowed to match a term it is a prefix of ("neck" → "neck NEC",
//! "Copper" → "Copper NEC").
//! "see condition" is the instruction to look up the condition itself, not a reference; a
//! reference that names a part of the index ("Table of Neoplasms, small intestine", "Index to
//! Diseases and Injuries, Complication(s)") is followed in that part only.

use super::text::{lookup_words, reference_parts};
use super::{AlphaIndex, EntryId, IndexKind};

impl AlphaIndex {
    /// The entry that entry `id`'s "see" reference leads to; `None` when it has none or the
    /// reference names no entry of the index ("see condition", "see Table of Drugs and
    /// Chemicals").
    pub fn resolve_see(&self, id: EntryId) -> Option<EntryId> {
        let entry = self.get(id)?;
        self.resolve_reference(entry.kind, entry.see.as_deref()?)
    }

    /// The entry that entry `id`'s "see also" reference leads to, as [`AlphaIndex::resolve_see`].
    pub fn resolve_see_also(&self, id: EntryId) -> Option<EntryId> {
        let entry = self.get(id)?;
        self.resolve_reference(entry.kind, entry.see_also.as_deref()?)
    }

    /// The entry a reference text leads to, searching the trees of `kind` first.
    pub fn resolve_reference(&self, kind: IndexKind, reference: &str) -> Option<EntryId> {
        let mut parts = reference_parts(reference);
        if parts.is_empty() || parts == ["condition"] {
            return None;
        }
        let kinds: Vec<IndexKind> = match redirected(&parts) {
            Some((other_part, rest)) => {
                parts = rest;
                vec![other_part]
            }
            None => std::iter::once(kind).chain(IndexKind::ALL.into_iter().filter(|other| *other != kind)).collect(),
        };
        if parts.is_empty() {
            return None;
        }
        for prefixes in [false, true] {
            for &searched in &kinds {
                if let Some(found) = self.resolve_in_kind(searched, &parts, prefixes) {
                    return Some(found);
                }
            }
        }
        None
    }

    fn resolve_in_kind(&self, kind: IndexKind, parts: &[String], prefixes: bool) -> Option<EntryId> {
        for taken in (1..=parts.len()).rev() {
            let (exact, _) = self.main_terms_named(&parts[..taken].join(", "));
            for &main in exact.iter().filter(|id| self.entries[**id].kind == kind) {
                if let Some(found) = self.descend(main, &parts[taken..], prefixes) {
                    return Some(found);
                }
            }
        }
        let (exact, by_head) = self.main_terms_named(&parts[0]);
        let mut others: Vec<EntryId> = by_head.iter().copied().filter(|id| !exact.contains(id)).collect();
        if prefixes {
            let prefixed = self.main_terms_prefixed(&parts[0]);
            others.extend(prefixed.into_iter().filter(|id| !exact.contains(id) && !by_head.contains(id)));
        }
        for main in others.into_iter().filter(|id| self.entries[*id].kind == kind) {
            if let Some(found) = self.descend(main, &parts[1..], prefixes) {
                return Some(found);
            }
        }
        None
    }

    /// Follows `parts` down from entry `at`; `prefixes` also lets a part match a term it is a
    /// prefix of.
    fn descend(&self, at: EntryId, parts: &[String], prefixes: bool) -> Option<EntryId> {
        let Some(first) = parts.first() else {
            return Some(at);
        };
        let children = self.children(at);
        for taken in (1..=parts.len()).rev() {
            let name = parts[..taken].join(", ");
            for &child in children.iter().filter(|child| self.folded_term(**child) == name) {
                if let Some(found) = self.descend(child, &parts[taken..], prefixes) {
                    return Some(found);
                }
            }
        }
        let kind = self.entries[at].kind;
        if kind.is_table() && self.names_columns(kind, first) {
            if let Some(found) = self.descend(at, &parts[1..], prefixes) {
                return Some(found);
            }
        }
        let loose = |child: &&EntryId| names_loosely(first, self.folded_term(**child), prefixes);
        for &child in children.iter().filter(loose) {
            if let Some(found) = self.descend(child, &parts[1..], prefixes) {
                return Some(found);
            }
        }
        if first.starts_with("by ") {
            return Some(at);
        }
        None
    }

    /// Whether every word of `part` selects a column of the table `kind`.
    fn names_columns(&self, kind: IndexKind, part: &str) -> bool {
        let words = lookup_words(part);
        !words.is_empty() && words.iter().all(|word| self.columns_selected_by(kind, word) != 0)
    }
}

/// A reference into another part of the index by its name ("Table of Neoplasms, small
/// intestine, malignant", "Index to Diseases and Injuries, Complication(s)"): that part and the
/// parts to follow in it.
fn redirected(parts: &[String]) -> Option<(IndexKind, Vec<String>)> {
    let (head, rest) = parts.split_first()?;
    match head.as_str() {
        "index to disease and injury" | "index to disease" => Some((IndexKind::Main, rest.to_vec())),
        "table of drug and chemical" => Some((IndexKind::Drug, rest.to_vec())),
        "table of neoplasm" => {
            let in_table = std::iter::once("neoplasm".to_string()).chain(rest.iter().cloned()).collect();
            Some((IndexKind::Neoplasm, in_table))
        }
        _ => None,
    }
}

/// Whether a reference part names a term other than by its whole text: it equals one of the
/// term's comma-separated alternatives ("abdominal" → "abdomen, abdominal"), or, with
/// `prefixes`, it begins the term at a word boundary ("neck" → "neck nec").
fn names_loosely(part: &str, term: &str, prefixes: bool) -> bool {
    let prefix = prefixes && term.strip_prefix(part).is_some_and(|rest| rest.starts_with([' ', ',']));
    prefix || term.split(", ").any(|alternative| alternative == part)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::tests::small;
    use super::super::{AlphaIndexBuilder, IndexEntry};
    use super::*;

    #[test]
    fn resolves_main_terms_subterms_and_alternatives() {
        let index = small();
        assert_eq!(index.resolve_see_also(3), Some(2), "Fracture, femur, neck");
        assert_eq!(index.resolve_see(3), None, "no see reference");
        assert_eq!(index.resolve_reference(IndexKind::Main, "Fracture,  TRAUMATIC"), Some(0));
        assert_eq!(index.resolve_reference(IndexKind::Main, "fracture, traumatic, femoral, neck"), Some(2));
        assert_eq!(index.resolve_reference(IndexKind::Main, "Fracture (abduction), femur, by site"), Some(1));
        assert_eq!(index.resolve_reference(IndexKind::Main, "Fracture, femur, head"), None);
        assert_eq!(index.resolve_reference(IndexKind::Main, "condition"), None);
        assert_eq!(index.resolve_reference(IndexKind::Main, " , "), None);
    }

    #[test]
    fn passes_over_table_columns_and_searches_other_kinds() {
        let index = small();
        assert_eq!(index.resolve_reference(IndexKind::Main, "Neoplasm, malignant, by site"), Some(4));
        assert_eq!(index.resolve_reference(IndexKind::Main, "Neoplasm, breast, malignant"), Some(5));
        assert_eq!(index.resolve_reference(IndexKind::Main, "Neoplasm, breast, femur"), None);
        assert_eq!(index.resolve_reference(IndexKind::Main, "Table of Neoplasms, breast, benign"), Some(5));
        assert_eq!(index.resolve_reference(IndexKind::Neoplasm, "Index to Diseases and Injuries, Pain"), Some(3));
        assert_eq!(index.resolve_reference(IndexKind::Main, "Table of Drugs and Chemicals"), None);
        assert_eq!(index.resolve_reference(IndexKind::Main, "Table of Drugs and Chemicals, Pain"), None);
    }

    #[test]
    fn prefers_an_exact_term_and_backtracks() {
        let mut builder = AlphaIndexBuilder::new();
        let first = builder.push_main_term(IndexEntry::new(IndexKind::Main, "Contraction"));
        builder.push_term(first, IndexEntry::new(IndexKind::Main, "joint NEC")).unwrap();
        let exact = builder.push_term(first, IndexEntry::new(IndexKind::Main, "joint")).unwrap();
        let hip = builder.push_term(first, IndexEntry::new(IndexKind::Main, "hip NEC")).unwrap();
        let second = builder.push_main_term(IndexEntry::new(IndexKind::Main, "Contraction, muscle"));
        let copper = builder.push_main_term(IndexEntry::new(IndexKind::Main, "Copper NEC"));
        let hand = builder.push_term(second, IndexEntry::new(IndexKind::Main, "hand")).unwrap();
        let index = builder.build();
        assert_eq!(index.resolve_reference(IndexKind::Main, "Contraction, joint"), Some(exact));
        assert_eq!(index.resolve_reference(IndexKind::Main, "Contraction (s), hip"), Some(hip));
        assert_eq!(index.resolve_reference(IndexKind::Main, "copper"), Some(copper));
        assert_eq!(index.resolve_reference(IndexKind::Main, "Contraction, hand"), Some(hand));
        assert_eq!(index.resolve_reference(IndexKind::Main, "Contraction, muscle, hand"), Some(hand));
        assert!(names_loosely("neck", "neck nec", true) && !names_loosely("neck", "neck nec", false));
        assert!(!names_loosely("neck", "necklace", true) && names_loosely("femur", "femur, femoral", false));
    }
}
