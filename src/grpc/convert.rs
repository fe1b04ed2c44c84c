//! Domain values to protobuf messages.

use super::proto;
use crate::claims::hcc::HccRules;
use crate::codes::pcs_release::PcsRelease;
use crate::codes::{
    display_code, Ancestor, Catalog, Child, CodeEntry, CodeSystem, CptCategory, Date, DescriptorKind, EntryKind, Found,
    NodeKind, NoteKind, Release, Status, Validation, Verdict,
};
use crate::index::{MatchType, SearchHit};

/// Proto enum value of a system.
pub fn system(system: CodeSystem) -> i32 {
    match system {
        CodeSystem::Icd10Cm => proto::CodeSystem::Icd10cm as i32,
        CodeSystem::Hcpcs => proto::CodeSystem::Hcpcs as i32,
        CodeSystem::Cpt => proto::CodeSystem::Cpt as i32,
        CodeSystem::Icd10Pcs => proto::CodeSystem::Icd10pcs as i32,
    }
}

fn cpt_category(system: CodeSystem, code: &str) -> i32 {
    if system != CodeSystem::Cpt {
        return proto::CptCategory::Unspecified as i32;
    }
    (match CptCategory::of_code(code) {
        Some(CptCategory::CategoryI) => proto::CptCategory::I,
        Some(CptCategory::CategoryII) => proto::CptCategory::Ii,
        Some(CptCategory::CategoryIII) => proto::CptCategory::Iii,
        Some(CptCategory::Pla) => proto::CptCategory::Pla,
        Some(CptCategory::Modifier) => proto::CptCategory::Modifier,
        None => proto::CptCategory::Unspecified,
    }) as i32
}

fn kind(kind: EntryKind) -> i32 {
    (match kind {
        EntryKind::Header => proto::CodeKind::Header,
        EntryKind::Code => proto::CodeKind::Code,
        EntryKind::Modifier => proto::CodeKind::Modifier,
    }) as i32
}

/// Proto level of a node kind.
pub fn node_level(kind: NodeKind) -> i32 {
    (match kind {
        NodeKind::Chapter => proto::HierarchyLevel::Chapter,
        NodeKind::Section => proto::HierarchyLevel::Section,
        NodeKind::Subsection => proto::HierarchyLevel::Subsection,
        NodeKind::Heading => proto::HierarchyLevel::Heading,
        NodeKind::Subheading => proto::HierarchyLevel::Subheading,
        NodeKind::Group => proto::HierarchyLevel::Group,
        NodeKind::BodySystem => proto::HierarchyLevel::BodySystem,
        NodeKind::Table => proto::HierarchyLevel::Table,
    }) as i32
}

fn date_text(date: Option<Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// A code in brief.
pub fn summary(release: &Release, entry: &CodeEntry) -> proto::CodeSummary {
    let code_system = release.info.system;
    proto::CodeSummary {
        system: system(code_system),
        code: display_code(code_system, &entry.code),
        normalized_code: entry.code.clone(),
        title: entry.title.clone(),
        short_title: entry.short_title.clone().unwrap_or_default(),
        billable: entry.billable && entry.kind != EntryKind::Header,
        kind: kind(entry.kind),
        cpt_category: cpt_category(code_system, &entry.code),
        release_version: release.info.version.clone(),
    }
}

/// A release.
pub fn release(release: &Release) -> proto::Release {
    proto::Release {
        system: system(release.info.system),
        version: release.info.version.clone(),
        effective_from: release.info.effective_from.to_string(),
        effective_to: date_text(release.info.effective_to),
        code_count: release.entries.len() as i32,
        billable_count: release.billable_count() as i32,
        source_files: release.info.sources.clone(),
        node_count: release.nodes.len() as i32,
    }
}

/// Path from the top of the hierarchy to an entry's parent.
pub fn path(release: &Release, entry: &CodeEntry) -> Vec<proto::HierarchyStep> {
    let mut ancestors = release.ancestors(entry);
    ancestors.reverse();
    steps(release.info.system, &ancestors)
}

/// Hierarchy steps, in the order given.
pub fn steps(system: CodeSystem, ancestors: &[Ancestor<'_>]) -> Vec<proto::HierarchyStep> {
    ancestors
        .iter()
        .map(|ancestor| match ancestor {
            Ancestor::Code(code) => proto::HierarchyStep {
                id: display_code(system, &code.code),
                level: proto::HierarchyLevel::Code as i32,
                title: code.title.clone(),
            },
            Ancestor::Node(node) => {
                proto::HierarchyStep { id: node.id.clone(), level: node_level(node.kind), title: node.title.clone() }
            }
        })
        .collect()
}

fn note_type(kind: NoteKind) -> i32 {
    (match kind {
        NoteKind::Includes => proto::NoteType::Includes,
        NoteKind::Excludes1 => proto::NoteType::Excludes1,
        NoteKind::Excludes2 => proto::NoteType::Excludes2,
        NoteKind::CodeFirst => proto::NoteType::CodeFirst,
        NoteKind::UseAdditionalCode => proto::NoteType::UseAdditionalCode,
        NoteKind::CodeAlso => proto::NoteType::CodeAlso,
        NoteKind::Note => proto::NoteType::Note,
    }) as i32
}

fn descriptor_type(kind: DescriptorKind) -> i32 {
    (match kind {
        DescriptorKind::Medium => proto::DescriptorType::Medium,
        DescriptorKind::Consumer => proto::DescriptorType::Consumer,
        DescriptorKind::Clinician => proto::DescriptorType::Clinician,
        DescriptorKind::InclusionTerm => proto::DescriptorType::InclusionTerm,
    }) as i32
}

/// The full entry of a found code.
pub fn code(catalog: &Catalog, found: &Found<'_>, as_of: Date) -> proto::Code {
    let Found { release: source, entry, status } = *found;
    let code_system = source.info.system;
    let display = |code: &str| display_code(code_system, code);
    let mut notes: Vec<proto::Note> = entry
        .notes
        .iter()
        .map(|note| proto::Note { r#type: note_type(note.kind), text: note.text.clone(), source: display(&entry.code) })
        .collect();
    for ancestor in source.ancestors(entry) {
        if let Ancestor::Code(parent) = ancestor {
            notes.extend(parent.notes.iter().map(|note| proto::Note {
                r#type: note_type(note.kind),
                text: note.text.clone(),
                source: display(&parent.code),
            }));
        }
    }
    let no_release = catalog.release_in_force(code_system, as_of).is_none();
    let (status_value, termination) = match status {
        _ if no_release => (proto::CodeStatus::NoRelease, entry.terminated()),
        Status::Active => (proto::CodeStatus::Active, entry.terminated()),
        Status::Terminated { last_day } => (proto::CodeStatus::Terminated, Some(last_day)),
        Status::NotYetEffective { .. } => (proto::CodeStatus::NotYetEffective, entry.terminated()),
    };
    let replacements = match status {
        Status::Terminated { .. } => {
            let validation = catalog.validate(code_system, &entry.code, as_of);
            match validation.verdict {
                Verdict::Terminated { replacements, .. } => replacements,
                _ => entry.replacements().to_vec(),
            }
        }
        _ => entry.replacements().to_vec(),
    };
    let child_codes = source
        .children(Some(&entry.code))
        .unwrap_or(&[])
        .iter()
        .filter_map(|child| match child {
            Child::Entry(index) => source.entries.get(*index as usize).map(|child| display(&child.code)),
            Child::Node(_) => None,
        })
        .collect();
    proto::Code {
        summary: Some(summary(source, entry)),
        status: status_value as i32,
        as_of: as_of.to_string(),
        release: Some(release(source)),
        descriptors: entry
            .descriptors
            .iter()
            .map(|d| proto::Descriptor { r#type: descriptor_type(d.kind), text: d.text.clone() })
            .collect(),
        notes,
        path: path(source, entry),
        parent_code: entry.parent_code.as_deref().map(display).unwrap_or_default(),
        added_date: date_text(entry.added()),
        action_effective_date: date_text(entry.action_effective()),
        termination_date: date_text(termination),
        action_code: entry.action_code().map(String::from).unwrap_or_default(),
        replacements: replacements.iter().map(|code| display(code)).collect(),
        betos: entry.betos().unwrap_or_default().to_string(),
        coverage: entry.coverage().unwrap_or_default().to_string(),
        child_codes,
        history: history(catalog, source, &entry.code),
        hccs: Vec::new(),
        pcs_axes: source.pcs().map(|pcs| pcs_axes(pcs, &entry.code)).unwrap_or_default(),
    }
}

/// The seven characters of an ICD-10-PCS code spelled out.
fn pcs_axes(pcs: &PcsRelease, code: &str) -> Vec<proto::PcsAxis> {
    pcs.spell_out(code)
        .unwrap_or_default()
        .into_iter()
        .map(|spelled| proto::PcsAxis {
            position: i32::from(spelled.axis.position),
            name: spelled.axis.name.to_string(),
            value: spelled.axis.value.code.to_string(),
            label: spelled.axis.value.label.to_string(),
            definition: spelled.definition.unwrap_or_default().to_string(),
            explanation: spelled.explanation.unwrap_or_default().to_string(),
        })
        .collect()
}

/// History of a code across the releases of its system.
fn history(catalog: &Catalog, source: &Release, code: &str) -> Vec<proto::HistoryEvent> {
    let releases: Vec<&Release> = catalog.releases_of(source.info.system).collect();
    crate::codes::diff::history(&releases, code)
        .into_iter()
        .map(|event| proto::HistoryEvent {
            r#type: super::releases::change_type(event.kind),
            release_version: event.release.info.version.clone(),
            effective_from: event.release.info.effective_from.to_string(),
            old_title: event.before.map(|e| e.title.clone()).unwrap_or_default(),
            new_title: event.after.map(|e| e.title.clone()).unwrap_or_default(),
        })
        .collect()
}

/// The verdict on one code.
pub fn validation(system_id: CodeSystem, validation: &Validation<'_>) -> proto::ValidationResult {
    let display = |code: &str| display_code(system_id, code);
    let normalized = validation.normalized.clone().unwrap_or_default();
    let display_code_text = validation.normalized.as_deref().map(display).unwrap_or_default();
    let mut result = proto::ValidationResult {
        valid: validation.verdict == Verdict::Valid,
        normalized_code: normalized,
        display_code: display_code_text.clone(),
        release_version: validation.release_in_force.map(|r| r.info.version.clone()).unwrap_or_default(),
        title: validation.entry.map(|e| e.title.clone()).unwrap_or_default(),
        ..Default::default()
    };
    let (reason, message) = match &validation.verdict {
        Verdict::Valid => (proto::ValidityReason::Valid, format!("{display_code_text} is valid")),
        Verdict::Malformed => (proto::ValidityReason::Malformed, format!("not a well-formed code of {system_id}")),
        Verdict::Unknown => (
            proto::ValidityReason::Unknown,
            format!("{display_code_text} is not a code of {system_id} in any loaded release"),
        ),
        Verdict::NoRelease => {
            (proto::ValidityReason::NoRelease, format!("no loaded {system_id} release covers the date of service"))
        }
        Verdict::NotBillable { children } => {
            result.replacements = children.iter().map(|c| display(c)).collect();
            (
                proto::ValidityReason::NotBillable,
                format!("{display_code_text} is a header code: report a more specific code"),
            )
        }
        Verdict::Terminated { last_day, replacements } => {
            result.termination_date = last_day.to_string();
            result.replacements = replacements.iter().map(|c| display(c)).collect();
            (
                proto::ValidityReason::Terminated,
                format!("{display_code_text} was terminated; last valid day {last_day}"),
            )
        }
        Verdict::NotYetEffective { first_day } => {
            result.effective_date = first_day.to_string();
            (proto::ValidityReason::NotYetEffective, format!("{display_code_text} is not in force until {first_day}"))
        }
    };
    result.reason = reason as i32;
    result.message = message;
    if let Some(invalid) = &validation.pcs_invalid {
        result.invalid_position = i32::from(invalid.position);
        result.message = format!("not a code of {system_id}: position {}: {}", invalid.position, invalid.reason);
    }
    result
}

/// One search hit.
pub fn search_result(catalog: &Catalog, hit: &SearchHit) -> Option<proto::SearchResult> {
    let release = catalog.release(hit.release)?;
    let entry = release.entries.get(hit.entry as usize)?;
    let match_type = match hit.match_type {
        MatchType::ExactCode => proto::MatchType::ExactCode,
        MatchType::CodePrefix => proto::MatchType::CodePrefix,
        MatchType::FullTitle => proto::MatchType::FullTitle,
        MatchType::AllWordsInTitle => proto::MatchType::AllWordsInTitle,
        MatchType::OtherText => proto::MatchType::OtherText,
        MatchType::Fuzzy => proto::MatchType::Fuzzy,
    };
    Some(proto::SearchResult {
        code: Some(summary(release, entry)),
        match_type: match_type as i32,
        highlights: hit
            .highlights
            .iter()
            .map(|h| proto::Highlight {
                field: h.field.to_string(),
                text: h.text.clone(),
                spans: h.spans.iter().map(|&(start, end)| proto::TextSpan { start, end }).collect(),
            })
            .collect(),
    })
}

/// One child in the hierarchy.
pub fn child(release: &Release, child: Child) -> Option<proto::HierarchyChild> {
    match child {
        Child::Node(index) => {
            let node = release.nodes.get(index as usize)?;
            let (range_start, range_end) = node.range.clone().unwrap_or_default();
            Some(proto::HierarchyChild {
                id: node.id.clone(),
                level: node_level(node.kind),
                title: node.title.clone(),
                range_start,
                range_end,
                has_children: release.has_children(&node.id),
                code: None,
            })
        }
        Child::Entry(index) => {
            let entry = release.entries.get(index as usize)?;
            Some(proto::HierarchyChild {
                id: display_code(release.info.system, &entry.code),
                level: proto::HierarchyLevel::Code as i32,
                title: entry.title.clone(),
                range_start: String::new(),
                range_end: String::new(),
                has_children: release.has_children(&entry.code),
                code: Some(summary(release, entry)),
            })
        }
    }
}

/// The data sets of an engine (Alphabetic Index releases, then rule sets), of one system
/// or of all.
pub fn data_sets(engine: &crate::engine::Engine, only: Option<CodeSystem>) -> Vec<proto::DataSet> {
    let wanted = |system: CodeSystem| only.is_none_or(|only| only == system);
    let indexes = engine.alpha_indexes.releases().iter().filter(|release| wanted(release.info.system));
    let mce = engine.claim_rules.mce.as_ref().filter(|_| wanted(CodeSystem::Icd10Cm));
    indexes.map(index_data_set).chain(mce.map(mce_data_set)).collect()
}

/// The data set row of an Alphabetic Index release.
pub fn index_data_set(release: &crate::alpha_index::IndexRelease) -> proto::DataSet {
    proto::DataSet {
        name: format!("{}-alphabetic-index", release.info.system.id()),
        system: system(release.info.system),
        version: release.info.version.clone(),
        effective_from: release.info.effective_from.to_string(),
        effective_to: release.info.effective_to.map(|d| d.to_string()).unwrap_or_default(),
        entry_count: release.index.len().min(i32::MAX as usize) as i32,
        source_files: release.info.sources.clone(),
    }
}

/// The data set row of the loaded CMS MCE.
pub fn mce_data_set(mce: &crate::claims::MceRules) -> proto::DataSet {
    proto::DataSet {
        name: crate::claims::claim::MCE_RULES.to_string(),
        system: system(CodeSystem::Icd10Cm),
        version: mce.version(),
        effective_from: "2015-10-01".to_string(),
        effective_to: mce.termination_date().to_string(),
        entry_count: (mce.diagnoses().len() + mce.procedures().len()).min(i32::MAX as usize) as i32,
        source_files: Vec::new(),
    }
}

/// The CMS-HCC categories of a diagnosis, per model (V28 first), before hierarchies; empty for
/// other systems or when no mappings are loaded.
pub fn code_hccs(rules: Option<&HccRules>, found: &Found<'_>) -> Vec<proto::CodeHcc> {
    let Some(rules) = rules.filter(|_| found.release.info.system == CodeSystem::Icd10Cm) else {
        return Vec::new();
    };
    rules
        .hccs_by_model(&found.entry.code)
        .into_iter()
        .flat_map(|(_, hccs)| hccs)
        .map(|hcc| proto::CodeHcc {
            model: hcc.model.name().to_string(),
            hcc: i32::from(hcc.number),
            label: hcc.label.to_string(),
            payment_year: rules.year().to_string(),
        })
        .collect()
}
