//! Loader for the CMS Medicare Code Editor data (FORMATS.md §6): the MCE jar as CMS ships
//! it (a zip whose entry `mce.bin` holds the data) or a bare `mce.bin`, one protobuf
//! message decoded with hand-written `prost` messages into [`MceRules`].
//!
//! The ICD-9-CM history (root fields 5 and 6) is not declared, so it is skipped unread.
//! Every refusal is a [`LoadError`] naming the table and entry index; corrupt or truncated
//! input never panics.

use std::io::{Cursor, Read};
use std::path::Path;

use prost::Message;
use zip::result::ZipError;
use zip::ZipArchive;

use crate::claims::{AgeRange, CodeTable, CodeTableBuilder, DischargeStatus, MceRules};
use crate::codes::{Date, DateParseError};

use super::LoadError;

/// The jar entry that holds the data.
const DATA_ENTRY: &str = "mce.bin";
/// Dates in the MCE data are written this way (root field 7).
const DATE_FORMAT: &str = "yyyyMMdd";
/// Refuse files (and the unpacked `mce.bin`) bigger than this; 43.1 is 5.6 MB.
const MAX_BYTES: u64 = 128 * 1024 * 1024;
/// A zip file starts with these bytes.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The root message of `mce.bin`.
#[derive(Clone, PartialEq, Message)]
struct Root {
    #[prost(message, optional, tag = "1")]
    age_ranges: Option<AgeRangeRoot>,
    #[prost(message, optional, tag = "2")]
    discharge_statuses: Option<DischargeStatusRoot>,
    #[prost(message, optional, tag = "3")]
    icd10_diagnoses: Option<CodeMasterRoot>,
    #[prost(message, optional, tag = "4")]
    icd10_procedures: Option<CodeMasterRoot>,
    #[prost(string, tag = "7")]
    date_format: String,
    #[prost(int32, tag = "8")]
    version: i32,
    #[prost(string, tag = "9")]
    termination_date: String,
}

#[derive(Clone, PartialEq, Message)]
struct CodeMasterRoot {
    #[prost(message, repeated, tag = "1")]
    entries: Vec<CodeMasterEntry>,
}

#[derive(Clone, PartialEq, Message)]
struct CodeMasterEntry {
    #[prost(string, tag = "1")]
    code: String,
    #[prost(string, tag = "2")]
    start_date: String,
    #[prost(string, tag = "3")]
    end_date: String,
    #[prost(string, repeated, tag = "4")]
    flags: Vec<String>,
}

#[derive(Clone, PartialEq, Message)]
struct AgeRangeRoot {
    #[prost(message, repeated, tag = "1")]
    entries: Vec<AgeRangeEntry>,
}

#[derive(Clone, PartialEq, Message)]
struct AgeRangeEntry {
    #[prost(string, tag = "1")]
    group: String,
    #[prost(int32, tag = "2")]
    start_age: i32,
    #[prost(int32, tag = "3")]
    end_age: i32,
    #[prost(string, tag = "4")]
    start_date: String,
    #[prost(string, tag = "5")]
    end_date: String,
}

#[derive(Clone, PartialEq, Message)]
struct DischargeStatusRoot {
    #[prost(message, repeated, tag = "1")]
    entries: Vec<DischargeStatusEntry>,
}

#[derive(Clone, PartialEq, Message)]
struct DischargeStatusEntry {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    start_date: String,
    #[prost(string, tag = "3")]
    end_date: String,
}

/// Loads an MCE jar (`MCE-2.0-43.1.0.0.jar`) or a bare `mce.bin`; the kind is told by the
/// file's first bytes, not its name.
pub fn load(path: &Path) -> Result<MceRules, LoadError> {
    let size = std::fs::metadata(path).map_err(|e| LoadError::file(path, format!("cannot read file: {e}")))?.len();
    if size > MAX_BYTES {
        return Err(LoadError::file(path, format!("file is {size} bytes, more than the {MAX_BYTES} allowed")));
    }
    let bytes = std::fs::read(path).map_err(|e| LoadError::file(path, format!("cannot read file: {e}")))?;
    from_bytes(path, &bytes)
}

/// Decodes the content of an MCE jar or `mce.bin`; `path` only names the file in errors.
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<MceRules, LoadError> {
    if bytes.starts_with(ZIP_MAGIC) {
        let data = read_data_entry(path, bytes)?;
        return decode(path, &data);
    }
    decode(path, bytes)
}

/// Decodes `mce.bin` (the protobuf message itself).
pub fn decode(path: &Path, bytes: &[u8]) -> Result<MceRules, LoadError> {
    let root = Root::decode(bytes)
        .map_err(|e| LoadError::file(path, format!("not MCE data ({DATA_ENTRY} protobuf did not decode: {e})")))?;
    if root.date_format != DATE_FORMAT {
        return Err(LoadError::file(
            path,
            format!("date format (field 7) is {:?}, expected {DATE_FORMAT:?}", short(&root.date_format)),
        ));
    }
    let version_number = u32::try_from(root.version)
        .ok()
        .filter(|&number| number > 0)
        .ok_or_else(|| LoadError::file(path, format!("version (field 8) must be positive, got {}", root.version)))?;
    let termination = Date::parse(&root.termination_date)
        .map_err(|e| LoadError::file(path, format!("termination date (field 9): {e}")))?;
    let age_ranges = age_ranges(path, root.age_ranges)?;
    let discharge_statuses = discharge_statuses(path, root.discharge_statuses)?;
    let diagnoses = code_table(path, "ICD-10-CM diagnosis", 3, root.icd10_diagnoses)?;
    let procedures = code_table(path, "ICD-10-PCS procedure", 4, root.icd10_procedures)?;
    Ok(MceRules::new(version_number, termination, age_ranges, discharge_statuses, diagnoses, procedures))
}

/// The bytes of the jar's `mce.bin`.
fn read_data_entry(path: &Path, bytes: &[u8]) -> Result<Vec<u8>, LoadError> {
    let mut archive =
        ZipArchive::new(Cursor::new(bytes)).map_err(|e| LoadError::file(path, format!("not a jar (zip): {e}")))?;
    let member = match archive.by_name(DATA_ENTRY) {
        Ok(member) => member,
        Err(ZipError::FileNotFound) => {
            return Err(LoadError::file(path, format!("no {DATA_ENTRY} entry in the jar")));
        }
        Err(e) => return Err(LoadError::file(path, format!("unreadable {DATA_ENTRY} entry: {e}"))),
    };
    if member.size() > MAX_BYTES {
        return Err(LoadError::file(path, format!("{DATA_ENTRY} is {} bytes, more than allowed", member.size())));
    }
    let capacity = usize::try_from(member.size()).unwrap_or(0);
    let mut data = Vec::with_capacity(capacity);
    member
        .take(MAX_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|e| LoadError::file(path, format!("cannot unpack {DATA_ENTRY}: {e}")))?;
    if data.len() as u64 > MAX_BYTES {
        return Err(LoadError::file(path, format!("{DATA_ENTRY} unpacks to more than {MAX_BYTES} bytes")));
    }
    Ok(data)
}

fn code_table(path: &Path, table: &str, field: u32, root: Option<CodeMasterRoot>) -> Result<CodeTable, LoadError> {
    let entries = root.map(|root| root.entries).unwrap_or_default();
    if entries.is_empty() {
        return Err(LoadError::file(path, format!("no {table} entries (field {field})")));
    }
    let mut builder = CodeTableBuilder::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let at = || format!("{table} entry index {index} (code {:?})", short(&entry.code));
        let start =
            Date::parse(&entry.start_date).map_err(|e| LoadError::file(path, format!("{}: start date: {e}", at())))?;
        let end =
            optional_date(&entry.end_date).map_err(|e| LoadError::file(path, format!("{}: end date: {e}", at())))?;
        builder
            .push(&entry.code, start, end, &entry.flags)
            .map_err(|e| LoadError::file(path, format!("{}: {e}", at())))?;
    }
    builder.finish().map_err(|e| LoadError::file(path, format!("{table} table: {e}")))
}

fn age_ranges(path: &Path, root: Option<AgeRangeRoot>) -> Result<Vec<AgeRange>, LoadError> {
    let entries = root.map(|root| root.entries).unwrap_or_default();
    if entries.is_empty() {
        return Err(LoadError::file(path, "no age groups (field 1)"));
    }
    let mut ranges = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let at = format!("age group entry index {index} ({:?})", short(&entry.group));
        if entry.group.is_empty() {
            return Err(LoadError::file(path, format!("{at}: empty group name")));
        }
        let age = |value: i32| {
            u8::try_from(value).map_err(|_| LoadError::file(path, format!("{at}: age {value} is not 0 to 255")))
        };
        let (start_age, end_age) = (age(entry.start_age)?, age(entry.end_age)?);
        if start_age > end_age {
            return Err(LoadError::file(path, format!("{at}: start age {start_age} above end age {end_age}")));
        }
        let start =
            Date::parse(&entry.start_date).map_err(|e| LoadError::file(path, format!("{at}: start date: {e}")))?;
        let end = optional_date(&entry.end_date).map_err(|e| LoadError::file(path, format!("{at}: end date: {e}")))?;
        ranges.push(AgeRange { group: entry.group, start_age, end_age, start, end });
    }
    Ok(ranges)
}

fn discharge_statuses(path: &Path, root: Option<DischargeStatusRoot>) -> Result<Vec<DischargeStatus>, LoadError> {
    let entries = root.map(|root| root.entries).unwrap_or_default();
    let mut statuses = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let at = format!("discharge status entry index {index} (code {})", entry.code);
        let code = u16::try_from(entry.code).map_err(|_| LoadError::file(path, format!("{at}: code out of range")))?;
        let start =
            Date::parse(&entry.start_date).map_err(|e| LoadError::file(path, format!("{at}: start date: {e}")))?;
        let end = optional_date(&entry.end_date).map_err(|e| LoadError::file(path, format!("{at}: end date: {e}")))?;
        statuses.push(DischargeStatus { code, start, end });
    }
    Ok(statuses)
}

/// An end date: empty means open.
fn optional_date(text: &str) -> Result<Option<Date>, DateParseError> {
    if text.is_empty() {
        return Ok(None);
    }
    Date::parse(text).map(Some)
}

/// At most 40 characters of a value echoed in an error.
fn short(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::claims::Flag;

    fn entry(code: &str, start: &str, end: &str, flags: &[&str]) -> CodeMasterEntry {
        CodeMasterEntry {
            code: code.to_string(),
            start_date: start.to_string(),
            end_date: end.to_string(),
            flags: flags.iter().map(|f| f.to_string()).collect(),
        }
    }

    fn sample() -> Root {
        let adult = AgeRangeEntry {
            group: "Adult".to_string(),
            start_age: 15,
            end_age: 124,
            start_date: "19840301".to_string(),
            end_date: String::new(),
        };
        let home = DischargeStatusEntry { code: 1, start_date: "19801001".to_string(), end_date: String::new() };
        Root {
            age_ranges: Some(AgeRangeRoot { entries: vec![adult] }),
            discharge_statuses: Some(DischargeStatusRoot { entries: vec![home] }),
            icd10_diagnoses: Some(CodeMasterRoot {
                entries: vec![
                    entry("A000", "20151001", "", &[""]),
                    entry("N400", "20151001", "20240930", &["male", "adult"]),
                    entry("N400", "20241001", "", &["adult"]),
                ],
            }),
            icd10_procedures: Some(CodeMasterRoot { entries: vec![entry("02YA0Z0", "20151001", "", &["lcov"])] }),
            date_format: "yyyyMMdd".to_string(),
            version: 431,
            termination_date: "20260930".to_string(),
        }
    }

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn refused(root: &Root) -> String {
        decode(Path::new("mce.bin"), &root.encode_to_vec()).unwrap_err().reason
    }

    #[test]
    fn decodes_a_bare_message_and_a_jar() {
        let bytes = sample().encode_to_vec();
        let rules = from_bytes(Path::new("mce.bin"), &bytes).unwrap();
        assert_eq!(rules.version(), "43.1");
        assert_eq!(rules.termination_date(), date("2026-09-30"));
        assert_eq!(rules.diagnoses().len(), 3);
        assert_eq!(rules.dx_flags("A000", date("2025-01-01")), Some(&[][..]), "the empty flag is no flag");
        assert_eq!(rules.dx_flags("N400", date("2024-09-30")), Some(&[Flag::Male, Flag::Adult][..]));
        assert_eq!(rules.px_flags("02YA0Z0", date("2025-01-01")), Some(&[Flag::LimitedCoverage][..]));
        assert!(rules.discharge_status_valid(1, date("2025-01-01")));

        let mut jar = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        jar.start_file("META-INF/MANIFEST.MF", options).unwrap();
        jar.write_all(b"Manifest-Version: 1.0\r\n").unwrap();
        jar.start_file(DATA_ENTRY, options).unwrap();
        jar.write_all(&bytes).unwrap();
        let jar = jar.finish().unwrap().into_inner();
        assert_eq!(from_bytes(Path::new("MCE.jar"), &jar).unwrap(), rules);

        let cut = from_bytes(Path::new("MCE.jar"), &jar[..jar.len() / 2]).unwrap_err();
        assert!(cut.reason.contains("not a jar"), "{cut}");
    }

    #[test]
    fn refuses_a_jar_without_the_data_entry() {
        let mut jar = zip::ZipWriter::new(Cursor::new(Vec::new()));
        jar.start_file("bin-info.txt", zip::write::SimpleFileOptions::default()).unwrap();
        jar.write_all(b"Revision: 72").unwrap();
        let jar = jar.finish().unwrap().into_inner();
        let error = from_bytes(Path::new("MCE.jar"), &jar).unwrap_err();
        assert_eq!(error.to_string(), "MCE.jar: no mce.bin entry in the jar");
    }

    #[test]
    fn names_the_entry_index_of_a_bad_date_or_code() {
        let mut root = sample();
        if let Some(dx) = root.icd10_diagnoses.as_mut() {
            dx.entries[2].start_date = "20241301".to_string();
        }
        let reason = refused(&root);
        assert!(reason.starts_with("ICD-10-CM diagnosis entry index 2 (code \"N400\"): start date:"), "{reason}");

        let mut root = sample();
        if let Some(px) = root.icd10_procedures.as_mut() {
            px.entries[0].code = String::new();
        }
        let reason = refused(&root);
        assert!(reason.starts_with("ICD-10-PCS procedure entry index 0 (code \"\"): code must be"), "{reason}");

        let mut root = sample();
        if let Some(dx) = root.icd10_diagnoses.as_mut() {
            dx.entries[1].end_date = "2024-9-30".to_string();
        }
        assert!(refused(&root).starts_with("ICD-10-CM diagnosis entry index 1 (code \"N400\"): end date:"));

        let mut root = sample();
        if let Some(ages) = root.age_ranges.as_mut() {
            ages.entries[0].end_age = 300;
        }
        assert_eq!(refused(&root), "age group entry index 0 (\"Adult\"): age 300 is not 0 to 255");
    }

    #[test]
    fn refuses_missing_header_fields_and_tables() {
        let mut root = sample();
        root.version = 0;
        assert_eq!(refused(&root), "version (field 8) must be positive, got 0");
        let mut root = sample();
        root.termination_date = String::new();
        assert!(refused(&root).starts_with("termination date (field 9):"));
        let mut root = sample();
        root.date_format = "MMddyyyy".to_string();
        assert_eq!(refused(&root), "date format (field 7) is \"MMddyyyy\", expected \"yyyyMMdd\"");
        let mut root = sample();
        root.icd10_diagnoses = None;
        assert_eq!(refused(&root), "no ICD-10-CM diagnosis entries (field 3)");
        let mut root = sample();
        root.age_ranges = None;
        assert_eq!(refused(&root), "no age groups (field 1)");
    }

    #[test]
    fn truncated_or_corrupt_data_is_refused_without_panic() {
        let bytes = sample().encode_to_vec();
        for len in 0..bytes.len() {
            assert!(decode(Path::new("mce.bin"), &bytes[..len]).is_err(), "prefix of {len} bytes accepted");
        }
        for index in 0..bytes.len() {
            for value in [0x00, 0x7f, 0x80, 0xff] {
                let mut corrupt = bytes.clone();
                corrupt[index] = value;
                let _ = decode(Path::new("mce.bin"), &corrupt);
            }
        }
        assert!(from_bytes(Path::new("x"), b"PK\x03\x04garbage").is_err());
    }
}
