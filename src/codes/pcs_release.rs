//! One ICD-10-PCS release as the service holds it: the code tables (validation position by
//! position, the seven axes of a code, browsing axis by axis, titles), the definitions of the
//! axis values and the procedure index; and, built from them, the release's code list, its
//! hierarchy (section → body system → table) and the index words each code answers to in
//! search.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::pcs::{AxisRef, PcsCode, PcsTables};
use super::pcs_definitions::PcsDefinitions;
use super::pcs_index::PcsIndex;
use super::{CodeEntry, EntryKind, HierarchyNode, NodeKind, ReleaseContent};

/// Index phrases kept per code for search (the most specific first).
const MAX_INDEX_PHRASES: usize = 6;

/// Included names kept per axis value for search.
const MAX_INCLUDES_PER_VALUE: usize = 4;

/// The positions whose values' included names are searched: the body part (anatomical
/// names: "Vermiform appendix" → Appendix). An operation's includes are example procedures of
/// the whole operation, and a device's are brand names, which would answer lay queries with
/// every code of a device.
const SEARCHED_INCLUDES: [u8; 1] = [4];

/// What an ICD-10-PCS release holds beyond its code list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcsRelease {
    /// The code tables.
    pub tables: PcsTables,
    /// The definitions of axis values, when loaded.
    pub definitions: Option<PcsDefinitions>,
    /// The procedure index, when loaded (shared by the releases that load the same file).
    pub index: Option<Arc<ProcedureIndex>>,
    /// Included names by (section, position, folded value label): "Vermiform appendix" for
    /// ('0', 4, "appendix").
    includes_by_value: HashMap<(char, u8, Box<str>), Vec<Box<str>>>,
}

/// The procedure index with the phrases that lead to each table or partial code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureIndex {
    /// The index.
    pub index: PcsIndex,
    /// Index phrases by the partial code (3 to 7 characters) they lead to.
    phrases_by_code: HashMap<Box<str>, Vec<Box<str>>>,
}

impl ProcedureIndex {
    /// Lists the phrases of `index` by the codes they lead to.
    pub fn new(index: PcsIndex) -> ProcedureIndex {
        let mut phrases_by_code: HashMap<Box<str>, Vec<Box<str>>> = HashMap::new();
        for (phrase, code) in index.code_targets() {
            let phrase = phrase.trim().trim_end_matches(',').trim();
            if phrase.is_empty() {
                continue;
            }
            let listed = phrases_by_code.entry(code.into()).or_default();
            if !listed.iter().any(|known| known.eq_ignore_ascii_case(phrase)) {
                listed.push(phrase.into());
            }
        }
        ProcedureIndex { index, phrases_by_code }
    }
}

/// One axis of a code spelled out, with the definition that applies to its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpelledAxis<'a> {
    /// The axis value, its position and the axis name.
    pub axis: AxisRef<'a>,
    /// CMS's definition of the value in this section (operation, approach, ...), when given.
    pub definition: Option<&'a str>,
    /// CMS's explanation of the value, when given.
    pub explanation: Option<&'a str>,
}

impl PcsRelease {
    /// Holds `tables`, `definitions` and `index` together.
    pub fn new(
        tables: PcsTables,
        definitions: Option<PcsDefinitions>,
        index: Option<Arc<ProcedureIndex>>,
    ) -> PcsRelease {
        let mut includes_by_value: HashMap<(char, u8, Box<str>), Vec<Box<str>>> = HashMap::new();
        for (section, position, included, title) in definitions.iter().flat_map(PcsDefinitions::includes) {
            if !SEARCHED_INCLUDES.contains(&position) {
                continue;
            }
            let listed = includes_by_value.entry((section, position, title.to_lowercase().into())).or_default();
            if listed.len() < MAX_INCLUDES_PER_VALUE && !listed.iter().any(|known| &**known == included) {
                listed.push(included.into());
            }
        }
        PcsRelease { tables, definitions, index, includes_by_value }
    }

    /// The release's codes (sorted, every one reportable, titled as CMS titles them) under
    /// its tables, and the nodes above them: sections, body systems, tables.
    pub fn content(&self) -> ReleaseContent {
        let mut nodes = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for table in self.tables.tables() {
            let [section, body_system, operation] = table.head();
            let section_id = section.code.to_string();
            let body_id = format!("{}{}", section.code, body_system.code);
            let levels = [
                (section_id.clone(), NodeKind::Section, section.label.to_string(), None),
                (body_id.clone(), NodeKind::BodySystem, body_system.label.to_string(), Some(section_id)),
                (table.prefix(), NodeKind::Table, operation.label.to_string(), Some(body_id)),
            ];
            for (id, kind, title, parent) in levels {
                if seen.insert(id.clone()) {
                    nodes.push(HierarchyNode { id, kind, title, parent, range: None });
                }
            }
        }
        let mut entries: Vec<CodeEntry> = Vec::with_capacity(self.tables.code_count());
        entries.extend(self.tables.entries().map(|code| {
            let mut title = code.title();
            title.shrink_to_fit();
            let mut entry = CodeEntry::new(code.code(), EntryKind::Code, true, title);
            entry.node = Some(code.table.prefix());
            entry
        }));
        entries.sort_unstable_by(|a, b| a.code.cmp(&b.code));
        ReleaseContent { entries, nodes, pcs: None }
    }

    /// The index phrases that lead to `code` or to a table or partial code it completes, the
    /// most specific first ("Appendectomy" for 0DTJ4ZZ through 0DTJ), at most six.
    pub fn index_phrases(&self, code: &str) -> Vec<&str> {
        let mut phrases: Vec<&str> = Vec::new();
        for length in (3..=code.len().min(7)).rev() {
            let listed = self.index.as_ref().and_then(|index| index.phrases_by_code.get(code.get(..length)?));
            let Some(listed) = listed else {
                continue;
            };
            for phrase in listed {
                if phrases.len() < MAX_INDEX_PHRASES && !phrases.contains(&&**phrase) {
                    phrases.push(phrase);
                }
            }
        }
        phrases
    }

    /// What `code` (resolved in the tables as `resolved`) answers to in search beyond its
    /// title: its index phrases, then the names the definitions include under its body part.
    pub fn search_texts(&self, code: &str, resolved: &PcsCode<'_>) -> Vec<&str> {
        let mut texts = self.index_phrases(code);
        let section = resolved.table.section.code;
        for (value, position) in resolved.values.iter().zip(4u8..) {
            if !SEARCHED_INCLUDES.contains(&position) {
                continue;
            }
            let key = (section, position, value.label.to_lowercase().into_boxed_str());
            if let Some(listed) = self.includes_by_value.get(&key) {
                texts.extend(listed.iter().map(|included| &**included));
            }
        }
        texts
    }

    /// The seven axes of a valid code, each with the definition that applies to its value.
    pub fn spell_out(&self, code: &str) -> Option<Vec<SpelledAxis<'_>>> {
        let resolved = self.tables.lookup(code)?;
        let section = resolved.table.section.code;
        let body_system = &*resolved.table.body_system.label;
        let axes = resolved.axes().axes;
        Some(
            axes.into_iter()
                .map(|axis| {
                    let term = self.definitions.as_ref().and_then(|definitions| {
                        definitions.definition_in(section, axis.position, &axis.value.label, body_system)
                    });
                    let mut definition = term.and_then(|term| term.definition.as_deref());
                    if axis.position == 3 && definition.is_none() {
                        definition = resolved.table.operation_definition.as_deref();
                    }
                    SpelledAxis { axis, definition, explanation: term.and_then(|term| term.explanation.as_deref()) }
                })
                .collect(),
        )
    }
}
