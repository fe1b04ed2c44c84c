//! Building an [`AlphaIndex`]: entries are pushed in document order (a main term, then its
//! terms depth first), parts loaded from several files are appended, and `build` precomputes
//! the folded terms, lookup words and main-term maps.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::text::{lookup_words, reference_key, reference_parts};
use super::{AlphaIndex, EntryId, IndexEntry, IndexKind};

/// Collects entries in document order and builds the [`AlphaIndex`].
#[derive(Debug, Default)]
pub struct AlphaIndexBuilder {
    entries: Vec<IndexEntry>,
    main_terms: Vec<EntryId>,
    columns: Vec<(IndexKind, Vec<Arc<str>>)>,
}

impl AlphaIndexBuilder {
    /// An empty builder.
    pub fn new() -> AlphaIndexBuilder {
        AlphaIndexBuilder::default()
    }

    /// Sets the column heads of a table kind (from the file's `<indexHeading>`, or
    /// [`IndexKind::default_columns`]). The first heads set for a kind are kept.
    pub fn set_columns<S: AsRef<str>>(&mut self, kind: IndexKind, heads: impl IntoIterator<Item = S>) {
        if self.columns.iter().any(|(of, _)| *of == kind) {
            return;
        }
        let heads = heads.into_iter().map(|head| Arc::from(head.as_ref())).collect();
        self.columns.push((kind, heads));
    }

    /// The column heads set for a kind.
    pub fn columns(&self, kind: IndexKind) -> &[Arc<str>] {
        self.columns.iter().find(|(of, _)| *of == kind).map_or(&[], |(_, heads)| heads.as_slice())
    }

    /// Number of entries pushed so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry was pushed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds a main term (level 0) and returns its id.
    pub fn push_main_term(&mut self, mut entry: IndexEntry) -> EntryId {
        let id = self.entries.len();
        entry.level = 0;
        entry.parent = None;
        entry.children.clear();
        self.entries.push(entry);
        self.main_terms.push(id);
        id
    }

    /// Adds a term one level below `parent`, of the parent's kind; `None` when `parent` is
    /// unknown or already at level 255.
    pub fn push_term(&mut self, parent: EntryId, mut entry: IndexEntry) -> Option<EntryId> {
        let id = self.entries.len();
        let parent_entry = self.entries.get_mut(parent)?;
        entry.level = parent_entry.level.checked_add(1)?;
        entry.kind = parent_entry.kind;
        entry.parent = Some(parent);
        entry.children.clear();
        parent_entry.children.push(id);
        self.entries.push(entry);
        Some(id)
    }

    /// The entry with this id, to complete it while its children are being read.
    pub fn entry_mut(&mut self, id: EntryId) -> Option<&mut IndexEntry> {
        self.entries.get_mut(id)
    }

    /// Appends every entry of an index built from another file; its ids move up by the number
    /// of entries already here.
    pub fn append(&mut self, index: AlphaIndex) {
        let offset = self.entries.len();
        for (kind, heads) in index.columns {
            if !self.columns.iter().any(|(of, _)| *of == kind) {
                self.columns.push((kind, heads));
            }
        }
        self.main_terms.extend(index.main_terms.iter().map(|id| id + offset));
        self.entries.extend(index.entries.into_iter().map(|mut entry| {
            entry.parent = entry.parent.map(|id| id + offset);
            entry.children.iter_mut().for_each(|id| *id += offset);
            entry
        }));
    }

    /// Precomputes the folded terms, lookup words and maps, and returns the index.
    pub fn build(mut self) -> AlphaIndex {
        // Appending the parts grew the entries by doubling: up to half of it would stay
        // reserved for as long as the index is served.
        self.entries = crate::memory::exact_vec(self.entries);
        self.main_terms = crate::memory::exact_vec(self.main_terms);
        let folded: Vec<String> = self.entries.iter().map(|entry| reference_key(&entry.term)).collect();
        let mut words: Vec<Vec<String>> = Vec::with_capacity(self.entries.len());
        let mut essential_words: Vec<usize> = Vec::with_capacity(self.entries.len());
        for entry in &self.entries {
            let mut entry_words = lookup_words(&entry.term);
            essential_words.push(entry_words.len());
            entry.nonessential.iter().for_each(|group| entry_words.extend(lookup_words(group)));
            words.push(entry_words);
        }
        let mut by_name: BTreeMap<String, Vec<EntryId>> = BTreeMap::new();
        let mut by_head: HashMap<String, Vec<EntryId>> = HashMap::new();
        let mut by_word: BTreeMap<String, Vec<EntryId>> = BTreeMap::new();
        for &id in &self.main_terms {
            by_name.entry(folded[id].clone()).or_default().push(id);
            if let Some(head) = reference_parts(&self.entries[id].term).into_iter().next() {
                by_head.entry(head).or_default().push(id);
            }
            for word in &words[id][..essential_words[id]] {
                let ids = by_word.entry(word.clone()).or_default();
                if ids.last() != Some(&id) {
                    ids.push(id);
                }
            }
        }
        let column_words = self.columns.iter().map(|(kind, heads)| (*kind, column_words(heads))).collect();
        AlphaIndex {
            entries: self.entries,
            main_terms: self.main_terms,
            columns: self.columns,
            folded,
            words,
            essential_words,
            by_name,
            by_head,
            by_word,
            column_words,
        }
    }
}

/// Each lookup word of the column heads, with the bit set of the columns whose head has it.
fn column_words(heads: &[Arc<str>]) -> Vec<(String, u32)> {
    let mut words: Vec<(String, u32)> = Vec::new();
    for (column, head) in heads.iter().enumerate().take(32) {
        for word in lookup_words(head) {
            match words.iter_mut().find(|(known, _)| *known == word) {
                Some((_, columns)) => *columns |= 1 << column,
                None => words.push((word, 1 << column)),
            }
        }
    }
    words
}

impl AlphaIndex {
    /// Combines indexes loaded from several files (say the main index CSV, the external cause
    /// index and the two tables) into one; ids are renumbered in the order given.
    pub fn combine(parts: impl IntoIterator<Item = AlphaIndex>) -> AlphaIndex {
        let mut builder = AlphaIndexBuilder::new();
        parts.into_iter().for_each(|part| builder.append(part));
        builder.build()
    }

    /// The lookup words of an entry (its term's, then its modifiers').
    pub(super) fn entry_words(&self, id: EntryId) -> &[String] {
        self.words.get(id).map_or(&[], Vec::as_slice)
    }

    /// The lookup words of an entry's term, without its modifiers'.
    pub(super) fn essential_words(&self, id: EntryId) -> &[String] {
        let words = self.entry_words(id);
        &words[..self.essential_words.get(id).copied().unwrap_or(0).min(words.len())]
    }

    /// Main terms with a title word that the query word matches, in document order.
    pub(super) fn main_terms_matching(&self, query: &str) -> Vec<EntryId> {
        let mut ids: Vec<EntryId> = if query.len() >= 3 {
            self.by_word
                .range(query.to_string()..)
                .take_while(|(word, _)| word.starts_with(query))
                .flat_map(|(_, ids)| ids.iter().copied())
                .collect()
        } else {
            self.by_word.get(query).cloned().unwrap_or_default()
        };
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The main terms whose whole folded term is `name`, or (second) whose first
    /// comma-separated part is `name`; each list in document order.
    pub(super) fn main_terms_named(&self, name: &str) -> (&[EntryId], &[EntryId]) {
        let exact = self.by_name.get(name).map_or(&[][..], Vec::as_slice);
        let head = self.by_head.get(name).map_or(&[][..], Vec::as_slice);
        (exact, head)
    }

    /// The main terms whose folded term starts with `name` and then a space or a comma
    /// ("copper" → "Copper NEC"), in document order.
    pub(super) fn main_terms_prefixed(&self, name: &str) -> Vec<EntryId> {
        let mut ids: Vec<EntryId> = self
            .by_name
            .range(name.to_string()..)
            .take_while(|(key, _)| key.starts_with(name))
            .filter(|(key, _)| key[name.len()..].starts_with([' ', ',']))
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The bit set of the columns of `kind` that the query word selects (0 when none).
    pub(super) fn columns_selected_by(&self, kind: IndexKind, query: &str) -> u32 {
        let Some((_, words)) = self.column_words.iter().find(|(of, _)| *of == kind) else {
            return 0;
        };
        words.iter().filter(|(word, _)| super::text::word_matches(query, word)).fold(0, |all, (_, bits)| all | bits)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::tests::small;
    use super::*;

    #[test]
    fn combining_renumbers_ids() {
        let first = small();
        let combined = AlphaIndex::combine([small(), first]);
        assert_eq!(combined.len(), 12);
        assert_eq!(combined.main_terms(), [0, 3, 4, 6, 9, 10]);
        assert_eq!(combined.path_ids(8), [6, 7, 8]);
        assert_eq!(combined.children(6), [7]);
        assert_eq!(combined.find_main_terms("pain"), [3, 9]);
        assert_eq!(combined.columns(IndexKind::Neoplasm).len(), 6);
    }

    #[test]
    fn column_words_select_columns() {
        let index = small();
        assert_eq!(index.columns_selected_by(IndexKind::Neoplasm, "malignant"), 0b11);
        assert_eq!(index.columns_selected_by(IndexKind::Neoplasm, "primary"), 0b1);
        assert_eq!(index.columns_selected_by(IndexKind::Neoplasm, "benign"), 0b1000);
        assert_eq!(index.columns_selected_by(IndexKind::Neoplasm, "behavior"), 0b110000);
        assert_eq!(index.columns_selected_by(IndexKind::Neoplasm, "femur"), 0);
        assert_eq!(index.columns_selected_by(IndexKind::Drug, "benign"), 0);
        assert_eq!(index.main_terms_matching("fract"), [0]);
        assert_eq!(index.main_terms_matching("fr"), Vec::<EntryId>::new());
    }
}
