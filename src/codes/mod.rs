//! The domain: code systems, releases, codes and the hierarchy above them.
//! Knows nothing of gRPC or of the index.

pub mod catalog;
pub mod date;
pub mod diff;
pub mod entry;
pub mod hierarchy;
pub mod pcs;
pub mod pcs_definitions;
pub mod pcs_index;
pub mod pcs_release;
pub mod release;
pub mod system;

pub use catalog::{Catalog, Found, Status, Validation, Verdict};
pub use date::{Date, DateParseError};
pub use entry::{CodeEntry, Descriptor, DescriptorKind, EntryKind, HcpcsFields, Note, NoteKind};
pub use hierarchy::{HierarchyNode, NodeKind};
pub use system::{
    display_code, is_well_formed, normalize_code, strict_code, CodeFormError, CodeSystem, CptCategory, UnknownSystem,
};

/// What a loader produces from one release's files: codes and grouping nodes, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseContent {
    /// Codes and modifiers, in the order of the file.
    pub entries: Vec<CodeEntry>,
    /// Grouping nodes, parents before children.
    pub nodes: Vec<HierarchyNode>,
    /// For ICD-10-PCS: the tables, definitions and index the codes were built from.
    pub pcs: Option<std::sync::Arc<pcs_release::PcsRelease>>,
}
pub use release::{Ancestor, Child, Release, ReleaseId, ReleaseInfo};
