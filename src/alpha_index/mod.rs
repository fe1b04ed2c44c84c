//! The ICD-10-CM Alphabetic Index as a domain: the Index to Diseases and Injuries, the External
//! Cause index, the Table of Neoplasms and the Table of Drugs and Chemicals, held as one forest
//! of entries (main terms and their nested terms) in an arena.
//!
//! It answers the questions a coder asks of the printed index: the path from a main term down
//! to a term ([`AlphaIndex::path`]), where a "see" or "see also" reference leads
//! ([`AlphaIndex::resolve_see`]), and which entries a few words name ([`AlphaIndex::lookup`]).
//! It knows nothing of gRPC or of the search index; the loaders in `crate::loaders` fill it.

pub mod against;
mod build;
mod code;
mod lookup;
mod releases;
mod see;
mod text;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub use build::AlphaIndexBuilder;
pub use code::{CodeForm, IndexCode};
pub use lookup::Match;
pub use releases::{IndexInfo, IndexRelease, IndexReleases};
pub use text::{append_essential, collapse_whitespace, fold, split_modifiers, Modifiers};

/// The position of an entry in the arena; entries are numbered in document order.
pub type EntryId = usize;

/// Which part of the Alphabetic Index a tree belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndexKind {
    /// The Index to Diseases and Injuries.
    Main,
    /// The External Cause of Injuries Index.
    ExternalCause,
    /// The Table of Neoplasms.
    Neoplasm,
    /// The Table of Drugs and Chemicals.
    Drug,
}

impl IndexKind {
    /// Every kind, in the order references are searched after the referring entry's own kind.
    pub const ALL: [IndexKind; 4] = [IndexKind::Main, IndexKind::ExternalCause, IndexKind::Neoplasm, IndexKind::Drug];

    /// Whether entries of this kind carry a row of cells (one code per column) instead of a code.
    pub fn is_table(self) -> bool {
        matches!(self, IndexKind::Neoplasm | IndexKind::Drug)
    }

    /// The column heads NCHS uses, for a table file that carries no `<indexHeading>`.
    pub fn default_columns(self) -> &'static [&'static str] {
        match self {
            IndexKind::Main | IndexKind::ExternalCause => &[],
            IndexKind::Neoplasm => &[
                "Malignant Primary",
                "Malignant Secondary",
                "Ca in situ",
                "Benign",
                "Uncertain Behavior",
                "Unspecified Behavior",
            ],
            IndexKind::Drug => &[
                "Poisoning Accidental (unintentional)",
                "Poisoning Intentional self-harm",
                "Poisoning Assault",
                "Poisoning Undetermined",
                "Adverse effect",
                "Underdosing",
            ],
        }
    }
}

/// A main term (level 0) or a term nested under one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// The tree this entry belongs to.
    pub kind: IndexKind,
    /// The title without its nonessential modifiers, e.g. "Abasia"; may be empty when the
    /// source kept only modifiers.
    pub term: String,
    /// The nonessential modifiers, each parenthesised group as written: "(-astasia)".
    pub nonessential: Vec<String>,
    /// The code the entry leads to, if any.
    pub code: Option<IndexCode>,
    /// "see" reference: a main term and subterms separated by ", ".
    pub see: Option<String>,
    /// "see also" reference, in the same form.
    pub see_also: Option<String>,
    /// The manifestation text (`<manif>`) as written, when the source has one.
    pub manifestation: Option<String>,
    /// For table rows: (column head, code) for each column that has a code, in column order.
    pub cells: Vec<(Arc<str>, IndexCode)>,
    /// 0 for a main term, then 1..9.
    pub level: u8,
    /// The entry one level up; `None` for a main term.
    pub parent: Option<EntryId>,
    /// The entries one level down, in document order.
    pub children: Vec<EntryId>,
}

impl IndexEntry {
    /// An entry with just a kind and a term; the builder sets level, parent and children.
    pub fn new(kind: IndexKind, term: impl Into<String>) -> IndexEntry {
        IndexEntry {
            kind,
            term: term.into(),
            nonessential: Vec::new(),
            code: None,
            see: None,
            see_also: None,
            manifestation: None,
            cells: Vec::new(),
            level: 0,
            parent: None,
            children: Vec::new(),
        }
    }

    /// The code in the column named `column`, for a table row.
    pub fn cell(&self, column: &str) -> Option<&IndexCode> {
        self.cells.iter().find(|(name, _)| &**name == column).map(|(_, code)| code)
    }
}

/// The Alphabetic Index: entries in document order, with the maps lookups and reference
/// resolution need. Built by [`AlphaIndexBuilder`].
#[derive(Debug, Clone, Default)]
pub struct AlphaIndex {
    entries: Vec<IndexEntry>,
    main_terms: Vec<EntryId>,
    columns: Vec<(IndexKind, Vec<Arc<str>>)>,
    /// Per entry: its folded term as a reference key ([`text::reference_key`]).
    folded: Vec<String>,
    /// Per entry: the lookup words of its term, then of its nonessential modifiers.
    words: Vec<Vec<String>>,
    /// Per entry: how many of its lookup words are its term's (the rest are its modifiers').
    essential_words: Vec<usize>,
    /// Main-term reference key → main terms.
    by_name: BTreeMap<String, Vec<EntryId>>,
    /// Folded first comma-separated part of a main term ("diabetes" of "Diabetes, diabetic").
    by_head: HashMap<String, Vec<EntryId>>,
    /// Lookup word of a main term's title → main terms.
    by_word: BTreeMap<String, Vec<EntryId>>,
    /// Per table kind: a column head's lookup words, each with the bit set of columns using it.
    column_words: Vec<(IndexKind, Vec<(String, u32)>)>,
}

impl AlphaIndex {
    /// Number of entries (main terms and terms) of every kind.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, in document order (an entry's id is its position).
    pub fn entries(&self) -> &[IndexEntry] {
        &self.entries
    }

    /// The entry with this id.
    pub fn get(&self, id: EntryId) -> Option<&IndexEntry> {
        self.entries.get(id)
    }

    /// The main terms of every kind, in document order.
    pub fn main_terms(&self) -> &[EntryId] {
        &self.main_terms
    }

    /// The main terms of one kind, in document order.
    pub fn main_terms_of(&self, kind: IndexKind) -> impl Iterator<Item = EntryId> + '_ {
        self.main_terms.iter().copied().filter(move |id| self.entries[*id].kind == kind)
    }

    /// The entries one level below `id` (empty for an unknown id).
    pub fn children(&self, id: EntryId) -> &[EntryId] {
        self.entries.get(id).map_or(&[], |entry| entry.children.as_slice())
    }

    /// The ids from the main term down to `id` (empty for an unknown id).
    pub fn path_ids(&self, id: EntryId) -> Vec<EntryId> {
        let mut ids = Vec::new();
        let mut current = self.entries.get(id).map(|_| id);
        while let Some(at) = current {
            ids.push(at);
            current = self.entries[at].parent;
        }
        ids.reverse();
        ids
    }

    /// The terms from the main term down to `id`: `["Fracture, traumatic", "femur, femoral", "neck"]`.
    pub fn path(&self, id: EntryId) -> Vec<&str> {
        self.path_ids(id).into_iter().map(|at| self.entries[at].term.as_str()).collect()
    }

    /// The main terms (of any kind) whose term equals `name` folded (case, accents, spacing
    /// and parenthesised modifiers aside): "hypertension,  HYPERTENSIVE" finds "Hypertension,
    /// hypertensive".
    pub fn find_main_terms(&self, name: &str) -> &[EntryId] {
        self.by_name.get(&text::reference_key(name)).map_or(&[], Vec::as_slice)
    }

    /// The first main term of `kind` whose folded term equals `name` folded.
    pub fn find_main_term(&self, kind: IndexKind, name: &str) -> Option<EntryId> {
        self.find_main_terms(name).iter().copied().find(|id| self.entries[*id].kind == kind)
    }

    /// The column heads of a table kind, in column order (empty for the other kinds).
    pub fn columns(&self, kind: IndexKind) -> &[Arc<str>] {
        self.columns.iter().find(|(of, _)| *of == kind).map_or(&[], |(_, heads)| heads.as_slice())
    }

    /// The folded term of an entry.
    fn folded_term(&self, id: EntryId) -> &str {
        self.folded.get(id).map_or("", String::as_str)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;

    /// A small index: Fracture > femur > neck (S72.00-) and a Neoplasm table row.
    pub(crate) fn small() -> AlphaIndex {
        let mut builder = AlphaIndexBuilder::new();
        let mut fracture = IndexEntry::new(IndexKind::Main, "Fracture, traumatic");
        fracture.nonessential = vec!["(abduction)".to_string()];
        fracture.code = IndexCode::parse("T14.8");
        let fracture = builder.push_main_term(fracture);
        let femur = builder.push_term(fracture, IndexEntry::new(IndexKind::Main, "femur, femoral")).unwrap();
        let mut neck = IndexEntry::new(IndexKind::Main, "neck");
        neck.code = IndexCode::parse("S72.00-");
        builder.push_term(femur, neck).unwrap();
        let mut pain = IndexEntry::new(IndexKind::Main, "Pain");
        pain.see_also = Some("Fracture, femur, neck".to_string());
        builder.push_main_term(pain);
        builder.set_columns(IndexKind::Neoplasm, IndexKind::Neoplasm.default_columns());
        let mut neoplasm = IndexEntry::new(IndexKind::Neoplasm, "Neoplasm, neoplastic");
        let primary: Arc<str> = Arc::from("Malignant Primary");
        neoplasm.cells = vec![(primary, IndexCode::parse("C80.1").unwrap())];
        let neoplasm = builder.push_main_term(neoplasm);
        let mut breast = IndexEntry::new(IndexKind::Neoplasm, "breast");
        breast.nonessential = vec!["(connective tissue)".to_string()];
        let heads = IndexKind::Neoplasm.default_columns();
        breast.cells = vec![
            (Arc::from(heads[0]), IndexCode::parse("C50.9-").unwrap()),
            (Arc::from(heads[1]), IndexCode::parse("C79.81").unwrap()),
            (Arc::from(heads[3]), IndexCode::parse("D24.-").unwrap()),
        ];
        builder.push_term(neoplasm, breast).unwrap();
        builder.build()
    }

    #[test]
    fn paths_children_and_main_terms() {
        let index = small();
        assert_eq!(index.len(), 6);
        assert_eq!(index.path(2), ["Fracture, traumatic", "femur, femoral", "neck"]);
        assert_eq!(index.path_ids(2), [0, 1, 2]);
        assert_eq!(index.children(0), [1]);
        assert_eq!(index.main_terms(), [0, 3, 4]);
        assert_eq!(index.main_terms_of(IndexKind::Neoplasm).collect::<Vec<_>>(), [4]);
        assert_eq!(index.columns(IndexKind::Neoplasm).len(), 6);
        assert_eq!(index.get(5).and_then(|e| e.cell("Benign")).map(IndexCode::display), Some("D24.-"));
        assert_eq!(index.get(2).map(|e| e.level), Some(2));
        assert_eq!(index.find_main_terms("  FRACTURE,  Traumatic"), [0]);
        assert!(index.path(99).is_empty() && index.children(99).is_empty());
    }
}
