//! Loaders for the CMS NCCI edit files (FORMATS.md §3) into
//! [`crate::claims::ncci::NcciRules`]: the PTP tables (tab-separated text with
//! the 6-line preamble), the MUE tables (CSV with the quoted notice record and header) and
//! the add-on code table. Every refusal names the file, the 1-based line and the reason.
//!
//! [`load_dir`] finds the tables in a directory by CMS's file names: `ccipra*.txt`
//! (practitioner PTP, the `-f1` … `-f4` parts merged), `ccioph*.txt` (outpatient hospital
//! PTP), `*MUE*PractitionerServices*.csv`, `*MUE*OutpatientHospital*.csv`,
//! `*MUE*DMESupplier*.csv` and `AOC*.txt`; any of them may be gzipped (`.gz`).

mod aoc;
mod mue;
mod ptp;

use std::path::{Path, PathBuf};

use crate::claims::ncci::{MueTableKind, NcciCode, NcciRowError, NcciRules, PtpTableKind};
use crate::codes::Date;

use super::LoadError;

pub use aoc::load_add_ons;
pub use mue::load_mue;
pub use ptp::load_ptp;

/// Loads every NCCI table found in `dir` as rule set `version`. A table whose files are
/// absent stays empty (the practitioner PTP files need a CMS/AMA license); a directory with
/// no NCCI file at all, or two files for one MUE or AOC table, is refused.
pub fn load_dir(dir: &Path, version: &str) -> Result<NcciRules, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|e| LoadError::file(dir, format!("cannot read directory: {e}")))?;
    let mut files = Files::default();
    for entry in entries {
        let path = entry.map_err(|e| LoadError::file(dir, format!("cannot read directory: {e}")))?.path();
        if path.is_file() {
            files.classify(path)?;
        }
    }
    if files.is_empty() {
        return Err(LoadError::file(dir, "no NCCI file (ccipra*.txt, ccioph*.txt, *MUE*.csv, AOC*.txt) in directory"));
    }
    files.practitioner_ptp.sort();
    files.outpatient_ptp.sort();
    let mut rules = NcciRules::new(version);
    if !files.practitioner_ptp.is_empty() {
        rules = rules.with_ptp(load_ptp(PtpTableKind::Practitioner, &files.practitioner_ptp)?);
    }
    if !files.outpatient_ptp.is_empty() {
        rules = rules.with_ptp(load_ptp(PtpTableKind::OutpatientHospital, &files.outpatient_ptp)?);
    }
    for (kind, path) in files.mue {
        rules = rules.with_mue(load_mue(kind, &path)?);
    }
    if let Some(path) = files.add_ons {
        rules = rules.with_add_ons(load_add_ons(&path)?);
    }
    Ok(rules)
}

/// The NCCI files of a directory, by table.
#[derive(Debug, Default)]
struct Files {
    practitioner_ptp: Vec<PathBuf>,
    outpatient_ptp: Vec<PathBuf>,
    mue: Vec<(MueTableKind, PathBuf)>,
    add_ons: Option<PathBuf>,
}

impl Files {
    fn is_empty(&self) -> bool {
        self.practitioner_ptp.is_empty()
            && self.outpatient_ptp.is_empty()
            && self.mue.is_empty()
            && self.add_ons.is_none()
    }

    fn classify(&mut self, path: PathBuf) -> Result<(), LoadError> {
        let name = file_name(&path).to_ascii_lowercase();
        let stem = name.strip_suffix(".gz").unwrap_or(&name);
        if stem.ends_with(".txt") && stem.starts_with("ccipra") {
            self.practitioner_ptp.push(path);
        } else if stem.ends_with(".txt") && stem.starts_with("ccioph") {
            self.outpatient_ptp.push(path);
        } else if stem.ends_with(".csv") && stem.contains("mue") {
            let compact = stem.replace(['_', '-', ' '], "");
            let kind = if compact.contains("practitioner") {
                MueTableKind::Practitioner
            } else if compact.contains("outpatienthospital") {
                MueTableKind::OutpatientHospital
            } else if compact.contains("dmesupplier") {
                MueTableKind::DmeSupplier
            } else {
                return Err(LoadError::file(
                    &path,
                    "MUE file name names no table (Practitioner, OutpatientHospital, DMESupplier)",
                ));
            };
            if let Some((_, first)) = self.mue.iter().find(|(seen, _)| *seen == kind) {
                return Err(LoadError::file(
                    &path,
                    format!("a second {} MUE file (first: {})", kind.name(), first.display()),
                ));
            }
            self.mue.push((kind, path));
        } else if stem.ends_with(".txt") && stem.starts_with("aoc") {
            if let Some(first) = &self.add_ons {
                return Err(LoadError::file(&path, format!("a second add-on code file (first: {})", first.display())));
            }
            self.add_ons = Some(path);
        }
        Ok(())
    }
}

/// The file name of `path`, for rows to name their source.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into_owned())
}

/// A 5-character HCPCS/CPT code field (blanks around it ignored).
fn parse_code(field: &str, what: &str) -> Result<NcciCode, String> {
    NcciCode::from_data(field.trim())
        .ok_or_else(|| format!("{what} must be a 5-character HCPCS/CPT code, got {:?}", super::csv_text::short(field)))
}

/// A `YYYYMMDD` date without allocating (the PTP tables have millions of them).
fn parse_yyyymmdd(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 8 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number =
        |range: std::ops::Range<usize>| bytes[range].iter().fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'));
    let year = i32::try_from(number(0..4)).ok()?;
    Date::from_ymd(year, number(4..6), number(6..8))
}

/// A date field: `YYYYMMDD`, or `YYYYDDD` (year and day of the year, as CMS's add-on code
/// files write their `*_JULIAN` columns).
fn parse_date(field: &str, what: &str) -> Result<Date, String> {
    let text = field.trim();
    let parsed = match text.len() {
        8 => parse_yyyymmdd(text),
        7 if text.bytes().all(|b| b.is_ascii_digit()) => julian(text),
        _ => None,
    };
    parsed.ok_or_else(|| format!("{what} must be a date YYYYMMDD or YYYYDDD, got {:?}", super::csv_text::short(field)))
}

fn julian(text: &str) -> Option<Date> {
    let year: i32 = text.get(0..4)?.parse().ok()?;
    let day: i32 = text.get(4..7)?.parse().ok()?;
    let first = Date::from_ymd(year, 1, 1)?;
    let last = Date::from_ymd(year, 12, 31)?;
    let date = Date::from_days_since_epoch(first.days_since_epoch() + day - 1);
    (day >= 1 && date <= last).then_some(date)
}

/// A deletion date field: `*` or blank for none, else a date.
fn parse_deletion(field: &str, what: &str) -> Result<Option<Date>, String> {
    match field.trim() {
        "" | "*" => Ok(None),
        _ => parse_date(field, what).map(Some),
    }
}

/// A [`NcciRowError`] at a line of a file.
fn row_error(path: &Path, line: usize, error: &NcciRowError) -> LoadError {
    LoadError::at_line(path, line, error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_cms_forms() {
        assert_eq!(parse_date("20231231", "d").unwrap().to_string(), "2023-12-31");
        assert_eq!(parse_date("2024366", "d").unwrap().to_string(), "2024-12-31");
        assert_eq!(parse_date("2024001", "d").unwrap().to_string(), "2024-01-01");
        assert!(parse_date("2023366", "d").is_err(), "2023 has 365 days");
        assert!(parse_date("2024000", "d").is_err());
        assert!(parse_date("20230230", "d").is_err());
        assert!(parse_date("2023-12-31", "d").is_err());
        assert_eq!(parse_deletion(" * ", "d"), Ok(None));
        assert_eq!(parse_deletion("", "d"), Ok(None));
        let error = parse_code("4538", "column 1").unwrap_err();
        assert!(error.contains("column 1"), "{error}");
    }

    #[test]
    fn files_are_classified_by_cms_names() {
        let mut files = Files::default();
        for name in [
            "ccipra-v322r0-f1.TXT",
            "ccipra-v322r0-f2.txt.gz",
            "ccioph-v322r0-f1.txt",
            "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv",
            "MCR_MUE_DMESupplierServices_Eff_07-01-2026.csv",
            "AOC_V2026Q3-MCR.txt",
            "README.md",
        ] {
            files.classify(PathBuf::from(name)).unwrap();
        }
        assert_eq!((files.practitioner_ptp.len(), files.outpatient_ptp.len(), files.mue.len()), (2, 1, 2));
        assert!(files.add_ons.is_some());
        let twice = files.classify(PathBuf::from("MCR_MUE_PractitionerServices_Eff_10-01-2026.csv"));
        assert!(twice.unwrap_err().reason.contains("second practitioner MUE file"));
        assert!(files.classify(PathBuf::from("mue_other.csv")).is_err());
    }
}
