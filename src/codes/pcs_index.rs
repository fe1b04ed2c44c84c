//! The ICD-10-PCS Alphabetic Index: procedure names (main terms and the terms nested under them)
//! that lead to a table or partial code, to an axis value label ("use") or to another main term
//! ("see"). Held as one flat arena in document order, so a term's subtree is a contiguous range.
//!
//! A `<term>` without a title in the CMS file (an alternative target of its parent, as in
//! "Abdominoplasty" → see Alteration / Repair / Supplement) is not an entry: its target is added
//! to the parent's targets. It knows nothing of XML, gRPC or the search index.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use crate::alpha_index::fold;
use crate::codes::system::is_pcs_character;

/// A table or partial PCS code of 3 to 7 characters (0-9 and A-Z without I and O).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialCode {
    bytes: [u8; 7],
    len: u8,
}

impl PartialCode {
    /// The code, if `text` is 3 to 7 PCS characters (upper case, no spaces).
    pub fn parse(text: &str) -> Option<PartialCode> {
        let raw = text.as_bytes();
        if !(3..=7).contains(&raw.len()) || !raw.iter().all(|&b| is_pcs_character(b)) {
            return None;
        }
        let mut bytes = [0; 7];
        bytes[..raw.len()].copy_from_slice(raw);
        Some(PartialCode { bytes, len: raw.len() as u8 })
    }

    /// The code's characters.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }

    /// Whether all seven characters are given.
    pub fn is_complete(&self) -> bool {
        self.len == 7
    }
}

impl fmt::Display for PartialCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for PartialCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// Where an index entry leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexTarget {
    /// `<use>`: code the term as this axis value label, e.g. "Abdominal esophagus" → "Esophagus,
    /// Lower"; `table` when the index names the table ("Pacemaker, Dual Chamber in 0JH", whose
    /// trailing " in" is dropped from the label).
    Use { label: Box<str>, table: Option<PartialCode> },
    /// `<see>`: look under another main term, e.g. "Resection, Uterus", with its code when given.
    See { text: Box<str>, code: Option<PartialCode> },
    /// `<tab>`, `<codes>` or `<code>`: a table, partial code or complete code.
    Code(PartialCode),
}

impl IndexTarget {
    /// The code or table this target names, if any.
    pub fn code(&self) -> Option<&PartialCode> {
        match self {
            IndexTarget::Use { table, .. } => table.as_ref(),
            IndexTarget::See { code, .. } => code.as_ref(),
            IndexTarget::Code(code) => Some(code),
        }
    }
}

/// A main term (level 0) or a term (level 1 and deeper).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcsIndexEntry {
    title: Box<str>,
    parent: Option<u32>,
    /// One past the last entry of this entry's subtree.
    end: u32,
    level: u8,
    targets: Box<[IndexTarget]>,
}

impl PcsIndexEntry {
    /// The entry's own title ("Uterus" under "Resection").
    pub fn title(&self) -> &str {
        &self.title
    }

    /// 0 for a main term, else the `level` of the CMS `<term>`.
    pub fn level(&self) -> u8 {
        self.level
    }

    /// The entry this one is nested under; `None` for a main term.
    pub fn parent(&self) -> Option<usize> {
        self.parent.map(|parent| parent as usize)
    }

    /// Where the entry leads, in file order (several when the CMS file lists alternatives).
    pub fn targets(&self) -> &[IndexTarget] {
        &self.targets
    }
}

/// What a "see" text names in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeeResolution {
    /// Every part of the text names an entry: "Resection, Uterus" → main term Resection, term Uterus.
    Term(usize),
    /// Only a leading part names an entry (the deepest one found): "Excision, Lower Bones" →
    /// main term Excision; "Introduction of Platelet Inhibitor" → main term Introduction.
    Partial(usize),
    /// No main term matches.
    Unresolved,
}

/// The PCS Alphabetic Index of one release.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PcsIndex {
    version: Box<str>,
    entries: Vec<PcsIndexEntry>,
    main_terms: Vec<u32>,
    /// Main terms ordered by folded title, for [`PcsIndex::main_term`].
    by_title: Vec<u32>,
}

impl PcsIndex {
    /// The file's `<version>` (the fiscal year, e.g. "2025").
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Every entry in document order; an entry's id is its position.
    pub fn entries(&self) -> &[PcsIndexEntry] {
        &self.entries
    }

    /// The entry with this id.
    pub fn entry(&self, id: usize) -> Option<&PcsIndexEntry> {
        self.entries.get(id)
    }

    /// The ids of the main terms, in document order.
    pub fn main_terms(&self) -> impl Iterator<Item = usize> + '_ {
        self.main_terms.iter().map(|&id| id as usize)
    }

    /// The ids of the terms directly under `id`, in document order.
    pub fn children(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.entries.get(id).map_or(id, |entry| entry.end as usize);
        let mut next = id + 1;
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let child = next;
            next = self.entries.get(child).map_or(end, |entry| entry.end as usize);
            Some(child)
        })
    }

    /// The titles from the main term down to `id`.
    pub fn path(&self, id: usize) -> Vec<&str> {
        let mut path = Vec::new();
        let mut at = Some(id);
        while let Some(entry) = at.and_then(|id| self.entries.get(id)) {
            path.push(entry.title());
            at = entry.parent();
        }
        path.reverse();
        path
    }

    /// The path as one phrase, titles joined by ", " ("Resection, Uterus"); borrowed for a main term.
    pub fn phrase(&self, id: usize) -> Cow<'_, str> {
        match self.entries.get(id) {
            Some(entry) if entry.parent.is_none() => Cow::Borrowed(entry.title()),
            Some(_) => Cow::Owned(self.path(id).join(", ")),
            None => Cow::Borrowed(""),
        }
    }

    /// The main term with this title (case-insensitive).
    pub fn main_term(&self, title: &str) -> Option<usize> {
        let wanted = fold(title);
        let found = self.by_title.binary_search_by(|&id| self.folded_cmp(id, &wanted));
        found.ok().and_then(|at| self.by_title.get(at)).map(|&id| id as usize)
    }

    fn folded_cmp(&self, id: u32, folded: &str) -> Ordering {
        self.entries.get(id as usize).map_or(Ordering::Less, |entry| fold(entry.title()).as_str().cmp(folded))
    }

    /// Every (index phrase, code) pair: direct codes and tables, the codes of "see" targets and
    /// the tables of "use" targets, e.g. ("Appendectomy", "0DBJ"), ("Abdominoplasty", "0W0F").
    pub fn code_targets(&self) -> impl Iterator<Item = (Cow<'_, str>, &str)> + '_ {
        self.entries.iter().enumerate().flat_map(move |(id, entry)| {
            entry.targets.iter().filter_map(move |target| Some((self.phrase(id), target.code()?.as_str())))
        })
    }

    /// Every "use" synonym as (index phrase, axis value label), e.g. ("Abdominal esophagus",
    /// "Esophagus, Lower").
    pub fn uses(&self) -> impl Iterator<Item = (Cow<'_, str>, &str)> + '_ {
        self.entries.iter().enumerate().flat_map(move |(id, entry)| {
            entry.targets.iter().filter_map(move |target| match target {
                IndexTarget::Use { label, .. } => Some((self.phrase(id), &**label)),
                _ => None,
            })
        })
    }

    /// Where a "see" text leads: its comma-separated parts matched (case-insensitive) against a
    /// main term and then terms below it; failing that, the longest leading words of its first
    /// part that name a main term.
    pub fn resolve_see(&self, text: &str) -> SeeResolution {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let mut deepest = None;
        let mut consumed = 0;
        while consumed < parts.len() {
            let Some((id, used)) = self.match_parts(deepest, &parts[consumed..]) else { break };
            deepest = Some(id);
            consumed += used;
        }
        match deepest {
            Some(id) if consumed == parts.len() => SeeResolution::Term(id),
            Some(id) => SeeResolution::Partial(id),
            None => self.leading_words(parts.first().copied().unwrap_or_default()),
        }
    }

    /// The entry under `parent` (a main term when `None`) titled by the most leading parts.
    fn match_parts(&self, parent: Option<usize>, parts: &[&str]) -> Option<(usize, usize)> {
        (1..=parts.len()).rev().find_map(|used| {
            let title = parts[..used].join(", ");
            let id = match parent {
                None => self.main_term(&title),
                Some(parent) => {
                    let wanted = fold(&title);
                    self.children(parent)
                        .find(|&child| self.entries.get(child).is_some_and(|e| fold(&e.title) == wanted))
                }
            };
            id.map(|id| (id, used))
        })
    }

    fn leading_words(&self, text: &str) -> SeeResolution {
        let mut words: Vec<&str> = text.split_whitespace().collect();
        while words.len() > 1 {
            words.pop();
            if let Some(id) = self.main_term(&words.join(" ")) {
                return SeeResolution::Partial(id);
            }
        }
        SeeResolution::Unresolved
    }

    /// Entries whose path words begin with the query's words (each query word a prefix of the
    /// path word at its place, case-insensitive), best first: exact paths, then shallower, then
    /// document order. A matched entry's subterms are not listed again.
    pub fn lookup(&self, words: &str) -> Vec<(usize, &PcsIndexEntry)> {
        let query = split_words(words);
        if query.is_empty() {
            return Vec::new();
        }
        let mut found = Vec::new();
        for id in self.main_terms() {
            self.match_entry(id, &query, 0, true, &mut found);
        }
        found.sort_by_key(|&(id, exact)| (!exact, self.entries.get(id).map_or(0, |e| e.level), id));
        found.into_iter().filter_map(|(id, _)| Some((id, self.entries.get(id)?))).collect()
    }

    fn match_entry(&self, id: usize, query: &[String], from: usize, exact: bool, found: &mut Vec<(usize, bool)>) {
        let Some(entry) = self.entries.get(id) else { return };
        let title_words = split_words(entry.title());
        let mut at = from;
        let mut exact = exact;
        for word in &title_words {
            let Some(wanted) = query.get(at) else {
                found.push((id, false));
                return;
            };
            if !word.starts_with(wanted.as_str()) {
                return;
            }
            exact &= word == wanted;
            at += 1;
        }
        if at == query.len() {
            found.push((id, exact));
            return;
        }
        for child in self.children(id) {
            self.match_entry(child, query, at, exact, found);
        }
    }
}

/// Folded words of `text`, split on anything that is not a letter or digit.
fn split_words(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(str::to_string).collect()
}

/// Builds a [`PcsIndex`] entry by entry, in document order.
#[derive(Debug, Default)]
pub struct PcsIndexBuilder {
    version: String,
    entries: Vec<PcsIndexEntry>,
    main_terms: Vec<u32>,
}

impl PcsIndexBuilder {
    /// An empty index of this version.
    pub fn new(version: &str) -> PcsIndexBuilder {
        PcsIndexBuilder { version: version.to_string(), ..PcsIndexBuilder::default() }
    }

    /// Sets the version (the file's `<version>`).
    pub fn set_version(&mut self, version: &str) {
        self.version = version.to_string();
    }

    /// Whether no entry was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds a main term; returns its id.
    pub fn push_main_term(&mut self, title: &str) -> usize {
        let id = self.entries.len();
        self.main_terms.push(id as u32);
        self.entries.push(PcsIndexEntry { title: title.into(), parent: None, end: 0, level: 0, targets: Box::new([]) });
        id
    }

    /// Adds a term one level under `parent`, which must be the last entry added or one of its
    /// ancestors; `None` otherwise or past level 255.
    pub fn push_term(&mut self, parent: usize, title: &str) -> Option<usize> {
        let mut open = self.entries.len().checked_sub(1);
        while let Some(at) = open.filter(|&at| at != parent) {
            open = self.entries.get(at).and_then(PcsIndexEntry::parent);
        }
        let level = self.entries.get(open?)?.level.checked_add(1)?;
        let id = self.entries.len();
        let parent = Some(u32::try_from(parent).ok()?);
        self.entries.push(PcsIndexEntry { title: title.into(), parent, end: 0, level, targets: Box::new([]) });
        Some(id)
    }

    /// Adds a target to entry `id`; false when there is no such entry.
    pub fn push_target(&mut self, id: usize, target: IndexTarget) -> bool {
        let Some(entry) = self.entries.get_mut(id) else { return false };
        let mut targets = std::mem::take(&mut entry.targets).into_vec();
        targets.push(target);
        entry.targets = targets.into_boxed_slice();
        true
    }

    /// The finished index.
    pub fn build(self) -> PcsIndex {
        let mut entries = self.entries;
        let total = entries.len() as u32;
        let mut open: Vec<usize> = Vec::new();
        for id in 0..entries.len() {
            let level = entries[id].level;
            while let Some(&last) = open.last().filter(|&&last| entries[last].level >= level) {
                entries[last].end = id as u32;
                open.pop();
            }
            open.push(id);
        }
        for id in open {
            entries[id].end = total;
        }
        let mut by_title = self.main_terms.clone();
        by_title.sort_by_cached_key(|&id| fold(&entries[id as usize].title));
        PcsIndex { version: self.version.into(), entries, main_terms: self.main_terms, by_title }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> PartialCode {
        PartialCode::parse(text).unwrap()
    }

    fn sample() -> PcsIndex {
        let mut builder = PcsIndexBuilder::new("2025");
        let appendectomy = builder.push_main_term("Appendectomy");
        let see = |text: &str, c: &str| IndexTarget::See { text: text.into(), code: Some(code(c)) };
        builder.push_target(appendectomy, see("Excision, Appendix", "0DBJ"));
        builder.push_target(appendectomy, see("Resection, Appendix", "0DTJ"));
        let esophagus = builder.push_main_term("Abdominal esophagus");
        builder.push_target(esophagus, IndexTarget::Use { label: "Esophagus, Lower".into(), table: None });
        let resection = builder.push_main_term("Resection");
        let appendix = builder.push_term(resection, "Appendix").unwrap();
        builder.push_target(appendix, IndexTarget::Code(code("0DTJ")));
        let uterus = builder.push_term(resection, "Uterus").unwrap();
        let supracervical = builder.push_term(uterus, "Supracervical").unwrap();
        builder.push_target(supracervical, IndexTarget::Code(code("0UT9")));
        assert_eq!(builder.push_term(appendix, "Stale"), None, "not on the open path");
        builder.push_main_term("Resection of Tissue");
        builder.build()
    }

    #[test]
    fn partial_codes_are_three_to_seven_pcs_characters() {
        assert_eq!(code("0DTJ4ZZ").as_str(), "0DTJ4ZZ");
        assert!(code("0DTJ4ZZ").is_complete() && !code("0QB").is_complete());
        for bad in ["0D", "0DTJ4ZZZ", "0dtj", "0DIJ", "0DOJ", "0D J", ""] {
            assert_eq!(PartialCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn walks_children_paths_and_main_terms() {
        let index = sample();
        assert_eq!(index.main_terms().collect::<Vec<_>>(), [0, 1, 2, 6]);
        assert_eq!(index.children(2).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(index.children(4).collect::<Vec<_>>(), [5]);
        assert_eq!(index.children(5).count(), 0);
        assert_eq!(index.path(5), ["Resection", "Uterus", "Supracervical"]);
        assert_eq!(index.phrase(5), "Resection, Uterus, Supracervical");
        assert_eq!(index.entries()[5].level(), 2);
        assert_eq!(index.main_term("resection"), Some(2));
        assert_eq!(index.main_term("Resect"), None);
    }

    #[test]
    fn lists_code_targets_and_uses() {
        let index = sample();
        let pairs: Vec<(String, &str)> = index.code_targets().map(|(phrase, c)| (phrase.into_owned(), c)).collect();
        let expected = [
            ("Appendectomy", "0DBJ"),
            ("Appendectomy", "0DTJ"),
            ("Resection, Appendix", "0DTJ"),
            ("Resection, Uterus, Supracervical", "0UT9"),
        ];
        assert_eq!(pairs, expected.map(|(p, c)| (p.to_string(), c)));
        let uses: Vec<(Cow<'_, str>, &str)> = index.uses().collect();
        assert_eq!(uses, [(Cow::Borrowed("Abdominal esophagus"), "Esophagus, Lower")]);
    }

    #[test]
    fn resolves_see_texts() {
        let index = sample();
        assert_eq!(index.resolve_see("Resection, Appendix"), SeeResolution::Term(3));
        assert_eq!(index.resolve_see("resection, uterus, supracervical"), SeeResolution::Term(5));
        assert_eq!(index.resolve_see("Resection, Lower Bones"), SeeResolution::Partial(2));
        assert_eq!(index.resolve_see("Resection of Tissue"), SeeResolution::Term(6));
        assert_eq!(index.resolve_see("Resection with qualifier X"), SeeResolution::Partial(2));
        assert_eq!(index.resolve_see("Imaging"), SeeResolution::Unresolved);
    }

    #[test]
    fn looks_up_by_leading_words() {
        let index = sample();
        let ids = |query: &str| index.lookup(query).into_iter().map(|(id, _)| id).collect::<Vec<_>>();
        assert_eq!(ids("resection"), [2, 6]);
        assert_eq!(ids("resect"), [2, 6]);
        assert_eq!(ids("resection uterus"), [4]);
        assert_eq!(ids("Resection, ut sup"), [5]);
        assert_eq!(ids("append"), [0]);
        assert!(ids("uterus").is_empty() && ids("  ").is_empty());
    }
}
