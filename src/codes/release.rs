//! A release: one code system's content as published for a period, with lookup maps.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::BuildHasher;

use std::sync::Arc;

use super::pcs_release::PcsRelease;
use super::{CodeEntry, CodeSystem, Date, HierarchyNode, ReleaseContent};

/// Identifies a release within a [`Catalog`](super::Catalog).
pub type ReleaseId = u32;

/// What a release says about itself before its content is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseInfo {
    /// The code system.
    pub system: CodeSystem,
    /// Version label ("FY2026", "2025-10").
    pub version: String,
    /// First day in force.
    pub effective_from: Date,
    /// Last day in force; `None` while it is the latest release of its system.
    pub effective_to: Option<Date>,
    /// Files the release was loaded from (as configured).
    pub sources: Vec<String>,
}

/// One child in the hierarchy: a grouping node or a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Child {
    /// Index into [`Release::nodes`].
    Node(u32),
    /// Index into [`Release::entries`].
    Entry(u32),
}

/// A loaded release with its lookup maps.
#[derive(Debug)]
pub struct Release {
    /// Position in the catalog.
    pub id: ReleaseId,
    /// Descriptive fields.
    pub info: ReleaseInfo,
    /// Codes in file order.
    pub entries: Vec<CodeEntry>,
    /// Grouping nodes, parents first.
    pub nodes: Vec<HierarchyNode>,
    /// Entry index by code (the first entry of a code), without copies of the codes.
    entry_by_code: CodeLookup,
    node_by_id: HashMap<String, u32>,
    /// Children by the entry index of their parent code.
    children_of_code: HashMap<u32, Vec<Child>>,
    children_of_node: HashMap<String, Vec<Child>>,
    top_level: Vec<Child>,
    billable_count: usize,
    pcs: Option<Arc<PcsRelease>>,
}

impl Release {
    /// Builds the lookup maps over loaded content.
    pub fn new(id: ReleaseId, info: ReleaseInfo, content: ReleaseContent) -> Release {
        let ReleaseContent { entries, nodes, pcs } = content;
        // Loaders collect without knowing the count: up to half of a release's capacity would
        // otherwise stay reserved for as long as the release is served.
        let entries = crate::memory::exact_vec(entries);
        let nodes = crate::memory::exact_vec(nodes);
        let entry_by_code = CodeLookup::build(&entries);
        let entry_index = |code: &str| entry_by_code.find(&entries, code);
        let node_by_id: HashMap<String, u32> =
            nodes.iter().enumerate().map(|(index, node)| (node.id.clone(), index as u32)).collect();
        let mut children_of_code: HashMap<u32, Vec<Child>> = HashMap::new();
        let mut children_of_node: HashMap<String, Vec<Child>> = HashMap::new();
        let mut top_level = Vec::new();
        for (index, node) in nodes.iter().enumerate() {
            let child = Child::Node(index as u32);
            match node.parent.as_ref().filter(|parent| node_by_id.contains_key(*parent)) {
                Some(parent) => children_of_node.entry(parent.clone()).or_default().push(child),
                None => top_level.push(child),
            }
        }
        for (index, entry) in entries.iter().enumerate() {
            let child = Child::Entry(index as u32);
            let parent_code = entry.parent_code.as_deref().and_then(entry_index);
            let node = entry.node.as_ref().filter(|node| node_by_id.contains_key(*node));
            match (parent_code, node) {
                (Some(parent), _) => children_of_code.entry(parent).or_default().push(child),
                (None, Some(node)) => children_of_node.entry(node.clone()).or_default().push(child),
                (None, None) => top_level.push(child),
            }
        }
        let billable_count = entries.iter().filter(|entry| entry.billable).count();
        Release {
            id,
            info,
            entries,
            nodes,
            entry_by_code,
            node_by_id,
            children_of_code,
            children_of_node,
            top_level,
            billable_count,
            pcs,
        }
    }

    /// For an ICD-10-PCS release: its tables, definitions and index.
    pub fn pcs(&self) -> Option<&PcsRelease> {
        self.pcs.as_deref()
    }

    /// [`Release::pcs`], shared (for what is built from the release and outlives a borrow).
    pub fn pcs_shared(&self) -> Option<Arc<PcsRelease>> {
        self.pcs.clone()
    }

    /// The entry for a normalised code.
    pub fn entry(&self, code: &str) -> Option<&CodeEntry> {
        self.entry_index(code).map(|index| &self.entries[index as usize])
    }

    /// The index of the entry for a normalised code.
    pub fn entry_index(&self, code: &str) -> Option<u32> {
        self.entry_by_code.find(&self.entries, code)
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&HierarchyNode> {
        self.node_by_id.get(id).map(|&index| &self.nodes[index as usize])
    }

    /// Whether the release is in force on `date`.
    pub fn in_force_on(&self, date: Date) -> bool {
        self.info.effective_from <= date && self.info.effective_to.is_none_or(|last| date <= last)
    }

    /// Children of a node id or code; `None` for the top level. `None` result: no such parent.
    pub fn children(&self, parent: Option<&str>) -> Option<&[Child]> {
        let Some(parent) = parent else {
            return Some(&self.top_level);
        };
        if let Some(children) = self.children_of_node.get(parent) {
            return Some(children);
        }
        if let Some(children) = self.entry_index(parent).and_then(|index| self.children_of_code.get(&index)) {
            return Some(children);
        }
        if self.node_by_id.contains_key(parent) || self.entry_index(parent).is_some() {
            return Some(&[]);
        }
        None
    }

    /// Whether a node id or code has children.
    pub fn has_children(&self, parent: &str) -> bool {
        self.children_of_node.get(parent).is_some_and(|c| !c.is_empty())
            || self
                .entry_index(parent)
                .and_then(|index| self.children_of_code.get(&index))
                .is_some_and(|c| !c.is_empty())
    }

    /// Ancestors of an entry, nearest first: parent codes, then nodes up to the top.
    pub fn ancestors(&self, entry: &CodeEntry) -> Vec<Ancestor<'_>> {
        let mut found = Vec::new();
        let mut current = entry;
        let mut node_id = entry.node.as_deref();
        // Parent codes (bounded: a malformed file must not loop forever).
        for _ in 0..16 {
            let Some(parent) = current.parent_code.as_deref().and_then(|code| self.entry(code)) else {
                break;
            };
            found.push(Ancestor::Code(parent));
            if parent.node.is_some() {
                node_id = parent.node.as_deref();
            }
            current = parent;
        }
        for _ in 0..16 {
            let Some(node) = node_id.and_then(|id| self.node(id)) else {
                break;
            };
            found.push(Ancestor::Node(node));
            node_id = node.parent.as_deref();
        }
        found
    }

    /// The node id or normalised code that `key` names in this release: a node id as given,
    /// else the code normalised (`E11.9` → `E119`) when the release has it; otherwise `key`.
    pub fn resolve_key(&self, key: &str) -> String {
        if self.node(key).is_some() {
            return key.to_string();
        }
        super::normalize_code(key).filter(|code| self.entry(code).is_some()).unwrap_or_else(|| key.to_string())
    }

    /// The hierarchy from the top down to and including the node or code `key` (empty when
    /// the release has neither).
    pub fn path_to(&self, key: &str) -> Vec<Ancestor<'_>> {
        let mut path = match self.entry(key) {
            Some(entry) => {
                let mut path = self.ancestors(entry);
                path.insert(0, Ancestor::Code(entry));
                path
            }
            None => {
                let mut path = Vec::new();
                let mut current = self.node(key);
                // Bounded: a malformed file must not loop forever.
                while let Some(node) = current.filter(|_| path.len() <= 16) {
                    path.push(Ancestor::Node(node));
                    current = node.parent.as_deref().and_then(|parent| self.node(parent));
                }
                path
            }
        };
        path.reverse();
        path
    }

    /// Number of billable entries.
    pub fn billable_count(&self) -> usize {
        self.billable_count
    }
}

/// Entry indexes by code hash, checked against the entry's code: a map from code to entry
/// that does not hold a second copy of every code. Codes whose hash is taken by another code
/// (not seen in practice with 64-bit hashes, handled all the same) are searched in a list.
#[derive(Debug)]
struct CodeLookup {
    hasher: RandomState,
    by_hash: HashMap<u64, u32>,
    collided: Vec<u32>,
}

impl CodeLookup {
    fn build(entries: &[CodeEntry]) -> CodeLookup {
        let hasher = RandomState::new();
        let mut by_hash = HashMap::with_capacity(entries.len());
        let mut collided = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            match by_hash.entry(hasher.hash_one(entry.code.as_str())) {
                Entry::Vacant(slot) => {
                    slot.insert(index as u32);
                }
                // The first entry of a code wins; another code with the same hash is listed.
                Entry::Occupied(slot) if entries[*slot.get() as usize].code != entry.code => {
                    collided.push(index as u32)
                }
                Entry::Occupied(_) => {}
            }
        }
        CodeLookup { hasher, by_hash, collided }
    }

    fn find(&self, entries: &[CodeEntry], code: &str) -> Option<u32> {
        let matches = |index: &u32| entries.get(*index as usize).is_some_and(|entry| entry.code == code);
        match self.by_hash.get(&self.hasher.hash_one(code)) {
            Some(index) if matches(index) => Some(*index),
            _ => self.collided.iter().copied().find(matches),
        }
    }
}

/// An ancestor of a code.
#[derive(Debug, Clone, Copy)]
pub enum Ancestor<'a> {
    /// A code above it.
    Code(&'a CodeEntry),
    /// A grouping node above it.
    Node(&'a HierarchyNode),
}
