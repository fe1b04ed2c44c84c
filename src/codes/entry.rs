//! One code of one release, with everything the files say about it.

use super::date::Date;

/// What kind of entry a code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A code that has children and is not itself reportable (ICD-10-CM categories and
    /// subcategories that are headers).
    Header,
    /// A reportable code (billable when the release says so).
    Code,
    /// A modifier (HCPCS Level II or CPT).
    Modifier,
}

/// The kind of a descriptor text beyond the long title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DescriptorKind {
    /// CPT medium descriptor (MEDU).
    Medium,
    /// CPT consumer-friendly descriptor.
    Consumer,
    /// CPT clinician descriptor (there may be several).
    Clinician,
    /// ICD-10-CM inclusion term (synonyms and lay names listed under a code).
    InclusionTerm,
}

/// A descriptor text of a given kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    /// Which kind of descriptor.
    pub kind: DescriptorKind,
    /// The text.
    pub text: String,
}

/// Kinds of instructional notes in the ICD-10-CM tabular list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoteKind {
    /// `includes`.
    Includes,
    /// `excludes1`: never coded together.
    Excludes1,
    /// `excludes2`: not included here, may be coded together.
    Excludes2,
    /// `codeFirst`.
    CodeFirst,
    /// `useAdditionalCode`.
    UseAdditionalCode,
    /// `codeAlso`.
    CodeAlso,
    /// Free notes (`notes`, `sevenChrNote`).
    Note,
}

/// One instructional note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Which kind of note.
    pub kind: NoteKind,
    /// The note text.
    pub text: String,
}

/// What the CMS HCPCS files say of a code beyond its texts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HcpcsFields {
    /// Date the code was added (HCPCS `ADD DT`).
    pub added: Option<Date>,
    /// Effective date of the latest action (HCPCS `ACT EFF DT`).
    pub action_effective: Option<Date>,
    /// Last date the code may be used, inclusive (HCPCS `TERM DT`).
    pub terminated: Option<Date>,
    /// HCPCS action code (`A`, `C`, `D`, `N`, ...).
    pub action_code: Option<char>,
    /// Replacement / cross-reference codes (HCPCS `XREF1..5`).
    pub replacements: Vec<String>,
    /// HCPCS BETOS code.
    pub betos: Option<String>,
    /// HCPCS coverage code.
    pub coverage: Option<String>,
}

/// One code (or modifier) as a release describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeEntry {
    /// Normalised code: upper-case, undotted (`E119`, `J1234`, `99213`, `25`).
    pub code: String,
    /// Header, code or modifier.
    pub kind: EntryKind,
    /// Valid for claims (HIPAA transactions) in this release.
    pub billable: bool,
    /// Long descriptor.
    pub title: String,
    /// Short descriptor, when the file has one.
    pub short_title: Option<String>,
    /// Other descriptors: medium, consumer, clinician, inclusion terms.
    pub descriptors: Vec<Descriptor>,
    /// Instructional notes attached to this code in the file.
    pub notes: Vec<Note>,
    /// The code this one sits under (ICD-10-CM `E119` → `E11`), if any.
    pub parent_code: Option<String>,
    /// Id of the hierarchy node this code (or its top-level ancestor code) belongs to.
    pub node: Option<String>,
    /// What the HCPCS files add (dates, action, cross-references, BETOS, coverage); `None` for
    /// the other systems, whose files carry none of it (kept apart: most entries have none).
    pub hcpcs: Option<Box<HcpcsFields>>,
}

impl CodeEntry {
    /// A new entry with only code, kind, billable flag and title set.
    pub fn new(code: impl Into<String>, kind: EntryKind, billable: bool, title: impl Into<String>) -> CodeEntry {
        CodeEntry {
            code: code.into(),
            kind,
            billable,
            title: title.into(),
            short_title: None,
            descriptors: Vec::new(),
            notes: Vec::new(),
            parent_code: None,
            node: None,
            hcpcs: None,
        }
    }

    /// Whether the code's own dates allow it on `date` (HCPCS add/termination dates).
    pub fn in_force_on(&self, date: Date) -> bool {
        let started = self.added().is_none_or(|added| added <= date);
        let not_ended = self.terminated().is_none_or(|last_day| date <= last_day);
        started && not_ended
    }

    /// The HCPCS fields, created empty on first use (for loaders).
    pub fn hcpcs_mut(&mut self) -> &mut HcpcsFields {
        self.hcpcs.get_or_insert_with(Box::default)
    }

    /// Date the code was added (HCPCS `ADD DT`).
    pub fn added(&self) -> Option<Date> {
        self.hcpcs.as_ref().and_then(|fields| fields.added)
    }

    /// Effective date of the latest action (HCPCS `ACT EFF DT`).
    pub fn action_effective(&self) -> Option<Date> {
        self.hcpcs.as_ref().and_then(|fields| fields.action_effective)
    }

    /// Last date the code may be used, inclusive (HCPCS `TERM DT`).
    pub fn terminated(&self) -> Option<Date> {
        self.hcpcs.as_ref().and_then(|fields| fields.terminated)
    }

    /// HCPCS action code (`A`, `C`, `D`, `N`, ...).
    pub fn action_code(&self) -> Option<char> {
        self.hcpcs.as_ref().and_then(|fields| fields.action_code)
    }

    /// Replacement / cross-reference codes (HCPCS `XREF1..5`).
    pub fn replacements(&self) -> &[String] {
        self.hcpcs.as_ref().map_or(&[], |fields| fields.replacements.as_slice())
    }

    /// HCPCS BETOS code.
    pub fn betos(&self) -> Option<&str> {
        self.hcpcs.as_ref().and_then(|fields| fields.betos.as_deref())
    }

    /// HCPCS coverage code.
    pub fn coverage(&self) -> Option<&str> {
        self.hcpcs.as_ref().and_then(|fields| fields.coverage.as_deref())
    }
}
