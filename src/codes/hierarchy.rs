//! Grouping nodes above the codes: ICD-10-CM chapters and sections, CPT sections,
//! subsections, headings and subheadings, HCPCS letter groups, ICD-10-PCS sections, body
//! systems and tables.

/// The level of a grouping node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// ICD-10-CM chapter.
    Chapter,
    /// ICD-10-CM block (`E08-E13`) or CPT section (Surgery).
    Section,
    /// CPT subsection (Surgery → Cardiovascular System).
    Subsection,
    /// CPT heading.
    Heading,
    /// CPT subheading.
    Subheading,
    /// HCPCS letter group (`J`: drugs administered other than oral method, ...).
    Group,
    /// ICD-10-PCS body system (`0D` Gastrointestinal System).
    BodySystem,
    /// ICD-10-PCS table (`0DT` Resection): section, body system and operation.
    Table,
}

/// A grouping node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HierarchyNode {
    /// Stable id, unique within a release (`ch09`, `I10-I1A`, `cpt-surgery-cardiovascular`, `hcpcs-J`).
    pub id: String,
    /// Level.
    pub kind: NodeKind,
    /// Display name.
    pub title: String,
    /// Parent node id, `None` at the top.
    pub parent: Option<String>,
    /// First and last code of the range covered, when the node is a range.
    pub range: Option<(String, String)>,
}
