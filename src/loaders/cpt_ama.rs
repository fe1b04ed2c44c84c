//! The AMA CPT data files of an annual release (FORMATS.md §4): the LONGULT, MEDU and SHORTU
//! descriptor files, the consumer and clinician descriptor tables and the MODUL.txt modifier
//! listing. The files are looked up under `standard/` or directly in the release directory.
//! A release whose files are malformed or disagree with each other is refused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::source;
use super::LoadError;
use crate::codes::{CodeEntry, CptCategory, Descriptor, DescriptorKind, EntryKind, ReleaseContent};

const LONG_FILE: &str = "LONGULT.txt";
const MEDIUM_FILE: &str = "MEDU.txt";
const SHORT_FILE: &str = "SHORTU.txt";
const CONSUMER_DIR: &str = "Consumer Friendly Descriptors";
const CONSUMER_FILE: &str = "ConsumerDescriptor.txt";
const CLINICIAN_DIR: &str = "Clinician Descriptors";
const CLINICIAN_FILE: &str = "ClinicianDescriptor.txt";
const MODIFIER_FILE: &str = "MODUL.txt";
const CONSUMER_COLUMNS: [&str; 3] = ["Concept Id", "CPT Code", "Consumer Friendly Descriptor"];
const CLINICIAN_COLUMNS: [&str; 4] = ["Concept Id", "CPT Code", "Clinician Descriptor Id", "Clinician Descriptor"];

/// Loads the codes and modifiers of an AMA CPT release directory.
///
/// LONGULT.txt, MEDU.txt and SHORTU.txt are required and must carry the same codes; the
/// consumer, clinician and modifier files are optional. Entries come in LONGULT order,
/// followed by the modifiers of MODUL.txt. No hierarchy nodes are set here (see
/// `cpt_hierarchy`).
pub fn load(release_dir: &Path) -> Result<ReleaseContent, LoadError> {
    let long_rows = read_descriptors(release_dir, LONG_FILE, Layout::Tab)?.1;
    let (medium_path, medium_rows) = read_descriptors(release_dir, MEDIUM_FILE, Layout::Fixed(48))?;
    check_same_codes(&long_rows, &medium_path, &medium_rows)?;
    let (short_path, short_rows) = read_descriptors(release_dir, SHORT_FILE, Layout::Fixed(28))?;
    check_same_codes(&long_rows, &short_path, &short_rows)?;

    let index: HashMap<String, usize> =
        long_rows.iter().enumerate().map(|(position, row)| (row.code.clone(), position)).collect();
    let mut entries: Vec<CodeEntry> =
        long_rows.into_iter().map(|row| CodeEntry::new(row.code, EntryKind::Code, true, row.text)).collect();
    for row in medium_rows {
        if let Some(&position) = index.get(&row.code) {
            entries[position].descriptors.push(Descriptor { kind: DescriptorKind::Medium, text: row.text });
        }
    }
    for row in short_rows {
        if let Some(&position) = index.get(&row.code) {
            entries[position].short_title = Some(row.text);
        }
    }
    if let Some(path) = find(release_dir, &[CONSUMER_DIR, CONSUMER_FILE]) {
        add_consumer(&path, &source::read_text(&path)?, &index, &mut entries)?;
    }
    if let Some(path) = find(release_dir, &[CLINICIAN_DIR, CLINICIAN_FILE]) {
        add_clinician(&path, &source::read_text(&path)?, &index, &mut entries)?;
    }
    if let Some(path) = find(release_dir, &[MODIFIER_FILE]) {
        entries.extend(parse_modifiers(&path, &source::read_text(&path)?)?);
    }
    Ok(ReleaseContent { entries, nodes: Vec::new(), pcs: None })
}

/// Where a release file may sit: `standard/<parts>`, `<parts>`, and for files in a
/// subfolder also the bare file name in either place; each plain or gzipped.
fn candidates(release_dir: &Path, parts: &[&str]) -> Vec<PathBuf> {
    let relative: PathBuf = parts.iter().collect();
    let mut relatives = vec![relative];
    if let Some(name) = parts.last().filter(|_| parts.len() > 1) {
        relatives.push(PathBuf::from(name));
    }
    let mut paths = Vec::new();
    for base in [release_dir.join("standard"), release_dir.to_path_buf()] {
        for relative in &relatives {
            let plain = base.join(relative);
            let mut gzipped = plain.clone().into_os_string();
            gzipped.push(".gz");
            paths.push(plain);
            paths.push(PathBuf::from(gzipped));
        }
    }
    paths
}

fn find(release_dir: &Path, parts: &[&str]) -> Option<PathBuf> {
    candidates(release_dir, parts).into_iter().find(|path| path.is_file())
}

fn require(release_dir: &Path, name: &str) -> Result<PathBuf, LoadError> {
    find(release_dir, &[name]).ok_or_else(|| {
        LoadError::file(
            &release_dir.join("standard").join(name),
            format!("required CPT file not found (nor at {})", release_dir.join(name).display()),
        )
    })
}

/// Finds and parses a required descriptor file.
fn read_descriptors(release_dir: &Path, name: &str, layout: Layout) -> Result<(PathBuf, Vec<Row>), LoadError> {
    let path = require(release_dir, name)?;
    let rows = parse_descriptors(&path, &source::read_text(&path)?, layout)?;
    Ok((path, rows))
}

/// How a descriptor file lays out its data lines.
#[derive(Debug, Clone, Copy)]
enum Layout {
    /// `code<TAB>descriptor` (LONGULT).
    Tab,
    /// Code in columns 1-5, a space, then at most this many characters (MEDU, SHORTU).
    Fixed(usize),
}

impl Layout {
    fn separator(self) -> u8 {
        match self {
            Layout::Tab => b'\t',
            Layout::Fixed(_) => b' ',
        }
    }
}

/// One data line of a descriptor file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    code: String,
    text: String,
    line: usize,
}

/// Whether a normalised string is a five-character CPT code (Category I, II, III or PLA).
fn is_cpt_code(code: &str) -> bool {
    code.len() == 5 && CptCategory::of_code(code).is_some_and(|category| category != CptCategory::Modifier)
}

/// A line that starts like a data line: four digits, a digit or capital, then `separator`.
fn looks_like_data(line: &str, separator: u8) -> bool {
    let bytes = line.as_bytes();
    bytes.len() > 5
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && (bytes[4].is_ascii_digit() || bytes[4].is_ascii_uppercase())
        && bytes[5] == separator
}

/// Index of the first data line: after the last blank line that comes before the first
/// data-shaped line (the notice block ends with a blank line), or that line itself.
fn data_start(lines: &[&str], separator: u8) -> Option<usize> {
    let first = lines.iter().position(|line| looks_like_data(line, separator))?;
    Some(lines[..first].iter().rposition(|line| line.trim().is_empty()).map_or(first, |blank| blank + 1))
}

fn parse_descriptors(path: &Path, text: &str, layout: Layout) -> Result<Vec<Row>, LoadError> {
    let lines: Vec<&str> = source::lines(text).collect();
    let start = data_start(&lines, layout.separator()).ok_or_else(|| {
        LoadError::file(path, "no data lines found (expected a five-character CPT code at the start of a line)")
    })?;
    let mut rows = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (offset, line) in lines[start..].iter().enumerate() {
        let line_number = start + offset + 1;
        if line.trim().is_empty() {
            continue;
        }
        let row = parse_row(line, layout).map_err(|reason| LoadError::at_line(path, line_number, reason))?;
        if let Some(first) = first_seen.insert(row.0.clone(), line_number) {
            return Err(LoadError::at_line(
                path,
                line_number,
                format!("code {} appears twice (first on line {first})", row.0),
            ));
        }
        rows.push(Row { code: row.0, text: row.1, line: line_number });
    }
    Ok(rows)
}

fn parse_row(line: &str, layout: Layout) -> Result<(String, String), String> {
    let (code, text) = match layout {
        Layout::Tab => {
            let fields: Vec<&str> = line.split('\t').collect();
            let [code, text] = fields.as_slice() else {
                return Err(format!("expected 2 tab-separated fields (code, descriptor), found {}", fields.len()));
            };
            (code.trim(), text.trim())
        }
        Layout::Fixed(width) => {
            let (Some(code), Some(" ")) = (line.get(..5), line.get(5..6)) else {
                return Err("expected a five-character code in columns 1-5 followed by a space".to_string());
            };
            let text = line.get(6..).unwrap_or_default().trim();
            let length = text.chars().count();
            if length > width {
                return Err(format!("descriptor is {length} characters long, the field holds at most {width}"));
            }
            (code, text)
        }
    };
    if !is_cpt_code(code) {
        return Err(format!("`{code}` is not a CPT code"));
    }
    if text.is_empty() {
        return Err(format!("code {code} has an empty descriptor"));
    }
    Ok((code.to_string(), text.to_string()))
}

/// Refuses `other` unless it carries exactly the codes of LONGULT.
fn check_same_codes(long_rows: &[Row], other_path: &Path, other_rows: &[Row]) -> Result<(), LoadError> {
    let long_codes: HashMap<&str, usize> = long_rows.iter().map(|row| (row.code.as_str(), row.line)).collect();
    if let Some(extra) = other_rows.iter().find(|row| !long_codes.contains_key(row.code.as_str())) {
        return Err(LoadError::at_line(other_path, extra.line, format!("code {} is not in {LONG_FILE}", extra.code)));
    }
    if other_rows.len() == long_rows.len() {
        return Ok(());
    }
    let other_codes: HashMap<&str, usize> = other_rows.iter().map(|row| (row.code.as_str(), row.line)).collect();
    match long_rows.iter().find(|row| !other_codes.contains_key(row.code.as_str())) {
        Some(missing) => Err(LoadError::file(
            other_path,
            format!("code {} ({LONG_FILE} line {}) is missing from this file", missing.code, missing.line),
        )),
        None => Ok(()),
    }
}

/// The data rows of a tab-separated table with a header row, after any notice block:
/// (line number, trimmed fields).
fn parse_table(path: &Path, text: &str, columns: &[&str]) -> Result<Vec<(usize, Vec<String>)>, LoadError> {
    let mut rows = Vec::new();
    let mut header_seen = false;
    for (index, line) in source::lines(text).enumerate() {
        let line_number = index + 1;
        let fields: Vec<String> = line.split('\t').map(|field| field.trim().to_string()).collect();
        if !header_seen {
            if fields[0].eq_ignore_ascii_case(columns[0]) {
                let matches = fields.len() == columns.len()
                    && fields.iter().zip(columns).all(|(field, column)| field.eq_ignore_ascii_case(column));
                if !matches {
                    let expected = columns.join("<TAB>");
                    return Err(LoadError::at_line(path, line_number, format!("header row should be `{expected}`")));
                }
                header_seen = true;
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if fields.len() != columns.len() {
            let reason = format!("expected {} tab-separated fields, found {}", columns.len(), fields.len());
            return Err(LoadError::at_line(path, line_number, reason));
        }
        if fields[0].is_empty() || !fields[0].bytes().all(|b| b.is_ascii_digit()) {
            return Err(LoadError::at_line(path, line_number, format!("concept id `{}` is not a number", fields[0])));
        }
        if !is_cpt_code(&fields[1]) {
            return Err(LoadError::at_line(path, line_number, format!("`{}` is not a CPT code", fields[1])));
        }
        if fields[columns.len() - 1].is_empty() {
            return Err(LoadError::at_line(path, line_number, format!("code {} has an empty descriptor", fields[1])));
        }
        rows.push((line_number, fields));
    }
    if !header_seen {
        return Err(LoadError::file(path, format!("header row starting with `{}` not found", columns[0])));
    }
    Ok(rows)
}

fn entry_position(path: &Path, line: usize, code: &str, index: &HashMap<String, usize>) -> Result<usize, LoadError> {
    index.get(code).copied().ok_or_else(|| LoadError::at_line(path, line, format!("code {code} is not in {LONG_FILE}")))
}

fn add_consumer(
    path: &Path,
    text: &str,
    index: &HashMap<String, usize>,
    entries: &mut [CodeEntry],
) -> Result<(), LoadError> {
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (line, mut fields) in parse_table(path, text, &CONSUMER_COLUMNS)? {
        let descriptor = fields.pop().unwrap_or_default();
        let code = &fields[1];
        if let Some(first) = first_seen.insert(code.clone(), line) {
            return Err(LoadError::at_line(path, line, format!("code {code} appears twice (first on line {first})")));
        }
        let position = entry_position(path, line, code, index)?;
        entries[position].descriptors.push(Descriptor { kind: DescriptorKind::Consumer, text: descriptor });
    }
    Ok(())
}

fn add_clinician(
    path: &Path,
    text: &str,
    index: &HashMap<String, usize>,
    entries: &mut [CodeEntry],
) -> Result<(), LoadError> {
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (line, mut fields) in parse_table(path, text, &CLINICIAN_COLUMNS)? {
        let descriptor = fields.pop().unwrap_or_default();
        let descriptor_id = &fields[2];
        if descriptor_id.is_empty() || !descriptor_id.bytes().all(|b| b.is_ascii_digit()) {
            let reason = format!("clinician descriptor id `{descriptor_id}` is not a number");
            return Err(LoadError::at_line(path, line, reason));
        }
        if let Some(first) = first_seen.insert(descriptor_id.clone(), line) {
            let reason = format!("clinician descriptor id {descriptor_id} appears twice (first on line {first})");
            return Err(LoadError::at_line(path, line, reason));
        }
        let position = entry_position(path, line, &fields[1], index)?;
        entries[position].descriptors.push(Descriptor { kind: DescriptorKind::Clinician, text: descriptor });
    }
    Ok(())
}

/// The part of MODUL.txt being read, set by its heading lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ModifierPart {
    /// Before "Appendix A": notice text.
    Preamble,
    /// The regular two-digit modifiers.
    Regular,
    /// `P1:` to `P6:`.
    PhysicalStatus,
    /// "CPT Level I Modifiers": repeats regular modifiers for facility use; skipped.
    LevelI,
    /// Digit + letter (`1P`).
    CategoryII,
    /// HCPCS Level II modifiers: taken from the CMS HCPCS file instead; skipped.
    LevelII,
}

fn modifier_heading(line: &str) -> Option<ModifierPart> {
    let trimmed = line.trim();
    if let Some(rest) = trimmed.strip_prefix("Appendix A") {
        return (!rest.starts_with(|c: char| c.is_ascii_alphanumeric())).then_some(ModifierPart::Regular);
    }
    if trimmed.len() > 60 || !trimmed.ends_with("Modifiers") {
        return None;
    }
    let lower = trimmed.to_ascii_lowercase();
    Some(if lower.contains("category ii") {
        ModifierPart::CategoryII
    } else if lower.contains("level ii") || lower.contains("hcpcs") {
        ModifierPart::LevelII
    } else if lower.contains("level i") {
        ModifierPart::LevelI
    } else if lower.contains("physical status") {
        ModifierPart::PhysicalStatus
    } else {
        ModifierPart::Regular
    })
}

/// The modifier code and first text of a line that opens an entry in `part`.
fn modifier_start(line: &str, part: ModifierPart) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    if bytes.len() < 4 {
        return None;
    }
    let opens = match part {
        ModifierPart::Regular | ModifierPart::LevelI => bytes[0].is_ascii_digit() && bytes[1].is_ascii_digit(),
        ModifierPart::PhysicalStatus => bytes[0] == b'P' && bytes[1].is_ascii_digit(),
        ModifierPart::CategoryII => bytes[0].is_ascii_digit() && bytes[1].is_ascii_uppercase(),
        ModifierPart::Preamble | ModifierPart::LevelII => false,
    };
    let rest = line.get(2..)?;
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    if !opens || !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some((&line[..2], rest.trim()))
}

/// Parses the typeset MODUL.txt listing. Heading lines ("Appendix A", "... Modifiers") set the
/// part being read; an entry starts with its code and runs until a blank line. Other text is
/// skipped, as are the Level I (repeats) and HCPCS Level II parts. The title is the whole
/// entry text; the short title is the name before its first colon.
fn parse_modifiers(path: &Path, text: &str) -> Result<Vec<CodeEntry>, LoadError> {
    let mut part = ModifierPart::Preamble;
    let mut open: Option<(String, Vec<String>)> = None;
    let mut entries = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (index, line) in source::lines(text).chain(std::iter::once("")).enumerate() {
        if line.trim().is_empty() {
            if let Some((code, parts)) = open.take() {
                entries.push(modifier_entry(code, &parts.join(" ")));
            }
            continue;
        }
        if let Some((_, parts)) = open.as_mut() {
            parts.push(line.trim().to_string());
            continue;
        }
        if let Some(next) = modifier_heading(line) {
            part = next;
            continue;
        }
        let kept = matches!(part, ModifierPart::Regular | ModifierPart::PhysicalStatus | ModifierPart::CategoryII);
        let Some((code, first_text)) = modifier_start(line, part).filter(|_| kept) else {
            continue;
        };
        if let Some(first) = first_seen.insert(code.to_string(), index + 1) {
            let reason = format!("modifier {code} appears twice (first on line {first})");
            return Err(LoadError::at_line(path, index + 1, reason));
        }
        open = Some((code.to_string(), vec![first_text.to_string()]));
    }
    Ok(entries)
}

fn modifier_entry(code: String, text: &str) -> CodeEntry {
    let short_title = text.split_once(':').map(|(name, _)| name.trim().to_string()).filter(|name| !name.is_empty());
    let mut entry = CodeEntry::new(code, EntryKind::Modifier, true, text.trim());
    entry.short_title = short_title;
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cpt-sample")
    }

    fn find_entry<'a>(content: &'a ReleaseContent, code: &str) -> &'a CodeEntry {
        content.entries.iter().find(|entry| entry.code == code).expect("code in sample")
    }

    fn texts(entry: &CodeEntry, kind: DescriptorKind) -> Vec<&str> {
        entry.descriptors.iter().filter(|d| d.kind == kind).map(|d| d.text.as_str()).collect()
    }

    /// A release directory under the temp dir, removed on drop.
    struct TempRelease(PathBuf);

    impl TempRelease {
        fn new(tag: &str) -> TempRelease {
            let dir = std::env::temp_dir().join(format!("codify-cpt-ama-{tag}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempRelease(dir)
        }

        fn write(&self, name: &str, lines: &[&str]) -> PathBuf {
            let path = self.0.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, lines.join("\r\n") + "\r\n").unwrap();
            path
        }
    }

    impl Drop for TempRelease {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const NOTICE: &str = "Test notice, not AMA text.";

    #[test]
    fn sample_release_counts_per_category() {
        let content = load(&sample_dir()).unwrap();
        let count = |category| {
            content.entries.iter().filter(|entry| CptCategory::of_code(&entry.code) == Some(category)).count()
        };
        assert_eq!(count(CptCategory::CategoryI), 134);
        assert_eq!(count(CptCategory::CategoryII), 5);
        assert_eq!(count(CptCategory::CategoryIII), 4);
        assert_eq!(count(CptCategory::Pla), 4);
        assert_eq!(count(CptCategory::Modifier), 16);
        assert_eq!(content.entries.len(), 163);
        assert!(content.nodes.is_empty());
        let codes = content.entries.iter().filter(|entry| entry.kind == EntryKind::Code);
        assert!(codes.clone().all(|entry| entry.billable && entry.short_title.is_some()));
        assert!(codes.clone().all(|entry| texts(entry, DescriptorKind::Medium).len() == 1));
        assert_eq!(codes.filter(|entry| !texts(entry, DescriptorKind::Consumer).is_empty()).count(), 143);
    }

    #[test]
    fn sample_fields_of_99213_and_27447() {
        let content = load(&sample_dir()).unwrap();
        let visit = find_entry(&content, "99213");
        assert_eq!(visit.kind, EntryKind::Code);
        assert!(visit.title.starts_with("Established patient visit in an office or other outpatient setting"));
        assert!(visit.title.ends_with("at least 20 minutes of total practitioner time that day"));
        assert_eq!(visit.short_title.as_deref(), Some("EST PT OFFICE VISIT LOW"));
        assert_eq!(texts(visit, DescriptorKind::Medium), ["EST PATIENT OUTPATIENT VISIT, LOW COMPLEXITY"]);
        assert_eq!(texts(visit, DescriptorKind::Consumer), ["Follow-up office visit, low complexity"]);
        assert_eq!(texts(visit, DescriptorKind::Clinician).len(), 2);

        let knee = find_entry(&content, "27447");
        assert_eq!(
            knee.title,
            "Total knee replacement: the joint surfaces of the thigh bone and shin bone on both the inner and \
             outer sides are replaced with prosthetic parts, kneecap resurfaced or not"
        );
        assert_eq!(knee.short_title.as_deref(), Some("KNEE REPLACEMENT TOTAL"));
        let kinds: Vec<DescriptorKind> = knee.descriptors.iter().map(|d| d.kind).collect();
        use DescriptorKind::{Clinician, Consumer, Medium};
        assert_eq!(kinds, [Medium, Consumer, Clinician, Clinician]);
        assert_eq!(texts(knee, Medium), ["KNEE REPLACEMENT, BOTH COMPARTMENTS (TOTAL)"]);
        assert_eq!(texts(knee, Consumer), ["Knee replacement surgery (whole joint)"]);
        assert_eq!(
            texts(knee, Clinician),
            [
                "Total knee arthroplasty for end-stage osteoarthritis, medial and lateral compartments replaced",
                "Tricompartmental knee replacement with patellar resurfacing",
            ]
        );
    }

    #[test]
    fn sample_bom_and_non_ascii_text_survive() {
        let consumer = sample_dir().join("standard").join(CONSUMER_DIR).join(CONSUMER_FILE);
        assert!(std::fs::read(&consumer).unwrap().starts_with(b"\xEF\xBB\xBF"));
        let content = load(&sample_dir()).unwrap();
        let first = &content.entries[0];
        assert_eq!(
            texts(first, DescriptorKind::Consumer),
            ["First office visit with a new doctor for a simple problem"]
        );
        assert!(find_entry(&content, "98940").title.contains("1\u{2013}2 regions"));
        assert!(texts(find_entry(&content, "11042"), DescriptorKind::Consumer)[0].contains("d\u{e9}bridement"));
    }

    #[test]
    fn sample_modifiers_by_part() {
        let content = load(&sample_dir()).unwrap();
        let modifiers: Vec<&str> =
            content.entries.iter().filter(|e| e.kind == EntryKind::Modifier).map(|e| e.code.as_str()).collect();
        let expected = ["25", "26", "50", "51", "59", "76", "P1", "P2", "P3", "P4", "P5", "P6", "1P", "2P", "3P", "8P"];
        assert_eq!(modifiers, expected);
        let separate = find_entry(&content, "25");
        assert_eq!(separate.short_title.as_deref(), Some("Separate E/M service on the same day as a procedure"));
        assert!(separate.title.ends_with("by the same practitioner on the same day."));
        assert!(separate.title.contains("needed a significant evaluation and management service beyond"));
        assert_eq!(find_entry(&content, "P1").title, "Patient in normal health");
        assert_eq!(find_entry(&content, "8P").short_title, None);
    }

    #[test]
    fn accepts_flat_layout_without_optional_files() {
        let release = TempRelease::new("flat");
        release.write(LONG_FILE, &[NOTICE, "", "99213\tA visit", "0042T\tA scan"]);
        release.write(MEDIUM_FILE, &["99213 A VISIT", "0042T A SCAN"]);
        release.write(SHORT_FILE, &[NOTICE, "", "99213 VISIT   ", "0042T SCAN", ""]);
        let content = load(&release.0).unwrap();
        let codes: Vec<&str> = content.entries.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["99213", "0042T"]);
        assert_eq!(content.entries[0].short_title.as_deref(), Some("VISIT"));
    }

    #[test]
    fn refuses_missing_longult_naming_the_path() {
        let release = TempRelease::new("missing");
        let err = load(&release.0).unwrap_err();
        assert_eq!(err.file, release.0.join("standard").join(LONG_FILE));
        assert!(err.reason.contains("required CPT file not found"), "{err}");
    }

    #[test]
    fn refuses_duplicate_code_with_line() {
        let release = TempRelease::new("duplicate");
        let long = release.write("standard/LONGULT.txt", &[NOTICE, "", "99213\tA visit", "99214\tB", "99213\tC"]);
        let err = load(&release.0).unwrap_err();
        assert_eq!((err.file.as_path(), err.line), (long.as_path(), Some(5)));
        assert!(err.reason.contains("code 99213 appears twice (first on line 3)"), "{err}");
    }

    #[test]
    fn refuses_code_set_mismatch_between_longult_and_shortu() {
        let release = TempRelease::new("mismatch");
        release.write("standard/LONGULT.txt", &[NOTICE, "", "99213\tA visit", "99214\tAnother visit"]);
        release.write("standard/MEDU.txt", &[NOTICE, "", "99213 A VISIT", "99214 ANOTHER VISIT"]);
        let short = release.write("standard/SHORTU.txt", &[NOTICE, "", "99213 A VISIT"]);
        let err = load(&release.0).unwrap_err();
        assert_eq!((err.file.as_path(), err.line), (short.as_path(), None));
        assert!(err.reason.contains("code 99214 (LONGULT.txt line 4) is missing"), "{err}");

        release.write("standard/SHORTU.txt", &[NOTICE, "", "99213 A VISIT", "99214 B", "99215 C"]);
        let err = load(&release.0).unwrap_err();
        assert_eq!(err.line, Some(5));
        assert!(err.reason.contains("code 99215 is not in LONGULT.txt"), "{err}");
    }

    #[test]
    fn refuses_malformed_descriptor_lines() {
        let path = Path::new("LONGULT.txt");
        let refuse = |text: &str, layout| parse_descriptors(path, text, layout).unwrap_err();
        let err = refuse("Notice\r\n\r\n9921\tshort code\r\n99213\tok\r\n", Layout::Tab);
        assert_eq!(err.line, Some(3));
        let err = refuse("Notice\r\n\r\n99213\tok\r\n99214\tone\ttwo\r\n", Layout::Tab);
        assert_eq!(
            (err.line, err.reason.as_str()),
            (Some(4), "expected 2 tab-separated fields (code, descriptor), found 3")
        );
        assert!(refuse("99213\tok\r\n9921X\tbad\r\n", Layout::Tab).reason.contains("`9921X` is not a CPT code"));
        assert!(refuse("99213 \r\n", Layout::Fixed(28)).reason.contains("empty descriptor"));
        let long_text = format!("99213 {}\r\n", "X".repeat(29));
        assert!(refuse(&long_text, Layout::Fixed(28)).reason.contains("at most 28"));
        assert!(refuse("Notice only\r\n", Layout::Tab).reason.contains("no data lines"));
    }

    #[test]
    fn refuses_bad_consumer_and_clinician_rows() {
        let path = Path::new("ConsumerDescriptor.txt");
        let index = HashMap::from([("99213".to_string(), 0)]);
        let mut entries = vec![CodeEntry::new("99213", EntryKind::Code, true, "A visit")];
        let header = "Concept Id\tCPT Code\tConsumer Friendly Descriptor";
        let twice = format!("{NOTICE}\n\n{header}\n1\t99213\tA\n1\t99213\tB\n");
        let err = add_consumer(path, &twice, &index, &mut entries).unwrap_err();
        assert_eq!(err.line, Some(5));
        let unknown = format!("{header}\n1\t99214\tA\n");
        assert!(add_consumer(path, &unknown, &index, &mut entries).unwrap_err().reason.contains("not in LONGULT"));
        let no_header = "1\t99213\tA\n";
        assert!(add_consumer(path, no_header, &index, &mut entries).unwrap_err().reason.contains("header row"));
        let clinician =
            "Concept Id\tCPT Code\tClinician Descriptor Id\tClinician Descriptor\n1\t99213\t7\tA\n1\t99213\t7\tB\n";
        let err = add_clinician(path, clinician, &index, &mut entries).unwrap_err();
        assert!(err.reason.contains("descriptor id 7 appears twice"), "{err}");
    }

    #[test]
    fn modifier_entries_run_to_blank_lines() {
        let text = "Notice\n\nAppendix A\nModifiers\nIntro text\n22 Harder work: longer text\n90 days later.\n\n\
                    Category II Modifiers\n1P Medical reason\n\nLevel II (HCPCS/National) Modifiers\n\nAA Skipped\n";
        let entries = parse_modifiers(Path::new("MODUL.txt"), text).unwrap();
        let got: Vec<(&str, &str)> = entries.iter().map(|e| (e.code.as_str(), e.title.as_str())).collect();
        assert_eq!(got, [("22", "Harder work: longer text 90 days later."), ("1P", "Medical reason")]);
        let twice = "Appendix A\n\n22 One\n\n22 Two\n";
        assert_eq!(parse_modifiers(Path::new("MODUL.txt"), twice).unwrap_err().line, Some(5));
    }
}
