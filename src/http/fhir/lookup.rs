//! `CodeSystem/$lookup`: a code's display, designations and properties (parent, child,
//! inactive, effective dates, and Codify's: billable, kind, CPT category, notes, HCCs, BETOS,
//! coverage, replacements) from the release asked for.

use serde_json::{json, Value};

use super::error::FhirError;
use super::params::Params;
use super::systems::{self, clip};
use crate::codes::{
    display_code, strict_code, Ancestor, Child, CodeEntry, CodeSystem, CptCategory, Date, DescriptorKind, EntryKind,
    NoteKind, Release,
};
use crate::engine::Engine;

/// System of the `use` codings of designations.
pub const DESIGNATION_USE: &str = "urn:codify:designation-use";

/// Properties `$lookup` returns (all when none is asked for).
pub const PROPERTIES: [&str; 13] = [
    "parent",
    "child",
    "inactive",
    "effective-from",
    "effective-to",
    "billable",
    "kind",
    "cpt-category",
    "note",
    "hcc",
    "betos",
    "coverage",
    "replaced-by",
];

/// The system, code and version of a request naming one code (`system`/`code`, or `coding`).
pub struct CodeParams {
    /// The system.
    pub system: CodeSystem,
    /// The code as sent.
    pub code: String,
    /// The version, when one was asked for.
    pub version: Option<String>,
    /// The display sent, when one was.
    pub display: Option<String>,
}

/// Reads `system_param` (`system`, or `url`) / `code` / `version` / `display`, or `coding`.
pub fn code_params(params: &Params, system_params: &[&str]) -> Result<CodeParams, FhirError> {
    let coding = params.coding("coding").or_else(|| params.coding("codeableConcept"));
    let system_text = system_params.iter().find_map(|name| params.text(name).map(|text| (*name, text)));
    let (system_param, system_url) = match (system_text, coding.as_ref().and_then(|c| c.system.as_deref())) {
        (Some((name, url)), _) => (name, url.to_string()),
        (None, Some(url)) => ("coding.system", url.to_string()),
        (None, None) => return Err(FhirError::required(system_params.first().copied().unwrap_or("system"))),
    };
    let (system, url_version) = systems::parse_system(system_param, &system_url)?;
    let code = match (params.text("code"), coding.as_ref().and_then(|c| c.code.as_deref())) {
        (Some(code), _) | (None, Some(code)) => code.to_string(),
        (None, None) => return Err(FhirError::required("code")),
    };
    let version = params
        .text("version")
        .or_else(|| params.text("systemVersion"))
        .or(url_version)
        .or_else(|| coding.as_ref().and_then(|c| c.version.as_deref()))
        .map(str::to_string);
    let display =
        params.text("display").or_else(|| coding.as_ref().and_then(|c| c.display.as_deref())).map(str::to_string);
    Ok(CodeParams { system, code, version, display })
}

/// The entry of `code` in `release`, or 404 naming `param` (and the releases that have it).
pub fn entry_of<'a>(
    engine: &'a Engine,
    release: &'a Release,
    code: &str,
    param: &str,
) -> Result<&'a CodeEntry, FhirError> {
    let system = release.info.system;
    let not_a_code =
        || FhirError::not_found(param, format!("{:?} is not a code of {}", clip(code), systems::title(system)));
    let normalized = strict_code(Some(system), code).map_err(|_| not_a_code())?;
    if let Some(entry) = release.entry(&normalized) {
        return Ok(entry);
    }
    let elsewhere: Vec<&str> = engine
        .catalog
        .releases_of(system)
        .filter(|other| other.entry(&normalized).is_some())
        .map(|other| other.info.version.as_str())
        .collect();
    let shown = display_code(system, &normalized);
    Err(match elsewhere.as_slice() {
        [] => not_a_code(),
        versions => FhirError::not_found(
            param,
            format!(
                "{shown} is not in {} {} (it is in version {})",
                systems::title(system),
                release.info.version,
                versions.join(", ")
            ),
        ),
    })
}

/// `$lookup`.
pub fn lookup(engine: &Engine, params: &Params) -> Result<Value, FhirError> {
    let request = code_params(params, &["system"])?;
    let date = params.date("date")?;
    let release = systems::release(&engine.catalog, request.system, request.version.as_deref(), "version", date)?;
    let entry = entry_of(engine, release, &request.code, "code")?;
    let as_of = systems::as_of(release, date);
    let wanted: Vec<&str> = params.texts("property");
    for name in &wanted {
        if *name != "*"
            && !PROPERTIES.contains(name)
            && !matches!(*name, "display" | "designation" | "version" | "name")
        {
            return Err(FhirError::invalid(
                "property",
                format!("unknown property {:?} (known: {})", clip(name), PROPERTIES.join(", ")),
            ));
        }
    }
    let all = wanted.is_empty() || wanted.contains(&"*");
    let want = |name: &str| all || wanted.contains(&name);
    let mut out = vec![
        json!({ "name": "name", "valueString": systems::title(request.system) }),
        json!({ "name": "version", "valueString": release.info.version }),
        json!({ "name": "display", "valueString": entry.title }),
    ];
    if want("designation") {
        out.extend(designations(entry));
    }
    for (code, value) in properties(engine, release, entry, as_of) {
        if want(code) {
            out.push(property(code, value));
        }
    }
    Ok(json!({ "resourceType": "Parameters", "parameter": out }))
}

fn designations(entry: &CodeEntry) -> Vec<Value> {
    let designation = |use_code: &str, text: &str| {
        json!({ "name": "designation", "part": [
            { "name": "use", "valueCoding": { "system": DESIGNATION_USE, "code": use_code } },
            { "name": "value", "valueString": text },
        ]})
    };
    let mut found: Vec<Value> = entry.short_title.iter().map(|short| designation("short", short)).collect();
    found.extend(entry.descriptors.iter().map(|descriptor| {
        let use_code = match descriptor.kind {
            DescriptorKind::Medium => "medium",
            DescriptorKind::Consumer => "consumer",
            DescriptorKind::Clinician => "clinician",
            DescriptorKind::InclusionTerm => "inclusion-term",
        };
        designation(use_code, &descriptor.text)
    }));
    found
}

/// A `property` parameter: its code and one typed value.
pub fn property(code: &str, (value_key, value): (&str, Value)) -> Value {
    let mut value_part = serde_json::Map::new();
    value_part.insert("name".to_string(), Value::from("value"));
    value_part.insert(value_key.to_string(), value);
    json!({ "name": "property", "part": [{ "name": "code", "valueCode": code }, value_part] })
}

/// The properties of an entry, in [`PROPERTIES`] order (repeated ones repeated).
fn properties(
    engine: &Engine,
    release: &Release,
    entry: &CodeEntry,
    as_of: Date,
) -> Vec<(&'static str, (&'static str, Value))> {
    let system = release.info.system;
    let display = |code: &str| Value::from(display_code(system, code));
    let date = |day: Date| Value::from(day.to_string());
    let mut found = Vec::new();
    if let Some(parent) = parent_code(release, entry) {
        found.push(("parent", ("valueCode", display(parent))));
    }
    for child in release.children(Some(&entry.code)).unwrap_or(&[]) {
        if let Child::Entry(index) = child {
            if let Some(child) = release.entries.get(*index as usize) {
                found.push(("child", ("valueCode", display(&child.code))));
            }
        }
    }
    found.push(("inactive", ("valueBoolean", Value::from(!entry.in_force_on(as_of)))));
    let from = entry.added().map_or(release.info.effective_from, |added| added.max(release.info.effective_from));
    found.push(("effective-from", ("valueDateTime", date(from))));
    if let Some(to) = entry.terminated().or(release.info.effective_to) {
        found.push(("effective-to", ("valueDateTime", date(to))));
    }
    found.push(("billable", ("valueBoolean", Value::from(entry.billable && entry.kind != EntryKind::Header))));
    let kind = match entry.kind {
        EntryKind::Header => "header",
        EntryKind::Code => "code",
        EntryKind::Modifier => "modifier",
    };
    found.push(("kind", ("valueCode", Value::from(kind))));
    if system == CodeSystem::Cpt {
        if let Some(category) = CptCategory::of_code(&entry.code) {
            found.push(("cpt-category", ("valueCode", Value::from(category.id()))));
        }
    }
    for note in entry.notes.iter().chain(inherited_notes(release, entry)) {
        found.push(("note", ("valueString", Value::from(format!("{}: {}", note_label(note.kind), note.text)))));
    }
    if let Some(rules) = engine.claim_rules.hcc.as_ref().filter(|_| system == CodeSystem::Icd10Cm) {
        for (model, hccs) in rules.hccs_by_model(&entry.code) {
            for hcc in hccs {
                found.push(("hcc", ("valueString", Value::from(format!("{} {hcc}", model.name())))));
            }
        }
    }
    if let Some(betos) = entry.betos() {
        found.push(("betos", ("valueCode", Value::from(betos))));
    }
    if let Some(coverage) = entry.coverage() {
        found.push(("coverage", ("valueCode", Value::from(coverage))));
    }
    for replacement in entry.replacements() {
        found.push(("replaced-by", ("valueCode", display(replacement))));
    }
    found
}

/// Notes of the codes above an entry (an ICD-10-CM category's excludes apply to its codes).
fn inherited_notes<'a>(release: &'a Release, entry: &CodeEntry) -> impl Iterator<Item = &'a crate::codes::Note> {
    release
        .ancestors(entry)
        .into_iter()
        .filter_map(|ancestor| match ancestor {
            Ancestor::Code(parent) => Some(parent.notes.iter()),
            Ancestor::Node(_) => None,
        })
        .flatten()
}

fn note_label(kind: NoteKind) -> &'static str {
    match kind {
        NoteKind::Includes => "Includes",
        NoteKind::Excludes1 => "Excludes1",
        NoteKind::Excludes2 => "Excludes2",
        NoteKind::CodeFirst => "Code first",
        NoteKind::UseAdditionalCode => "Use additional code",
        NoteKind::CodeAlso => "Code also",
        NoteKind::Note => "Note",
    }
}

/// The parent code of an entry in its release, when it has one.
fn parent_code<'r>(release: &'r Release, entry: &CodeEntry) -> Option<&'r str> {
    let parent = entry.parent_code.as_deref()?;
    release.entry(parent).map(|parent| parent.code.as_str())
}
