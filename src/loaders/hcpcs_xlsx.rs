//! Loader for the CMS HCPCS Level II `.xlsx` workbook (FORMATS.md §1.3): one row per code or
//! modifier, header in row 1, columns found by header name. Reads the Office Open XML
//! package directly (zip + shared strings + first worksheet), taking every cell as text,
//! and hands the rows to [`hcpcs_record`](super::hcpcs_record) for the mapping to entries.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use zip::result::ZipError;
use zip::ZipArchive;

use crate::codes::{Date, ReleaseContent};

use super::hcpcs_record::{self, HcpcsRecord};
use super::LoadError;

/// Worksheet part used when the workbook does not say which part its first sheet is.
const DEFAULT_SHEET_PART: &str = "xl/worksheets/sheet1.xml";

/// Loads an HCPCS `.xlsx` workbook.
pub fn load(path: &Path) -> Result<ReleaseContent, LoadError> {
    let file = File::open(path).map_err(|e| LoadError::file(path, format!("cannot read file: {e}")))?;
    let mut archive =
        ZipArchive::new(file).map_err(|e| LoadError::file(path, format!("not an xlsx (zip) workbook: {e}")))?;
    let shared_strings = match read_part(path, &mut archive, "xl/sharedStrings.xml")? {
        Some(xml) => parse_shared_strings(path, &xml)?,
        None => Vec::new(),
    };
    let workbook = read_workbook(path, &mut archive)?;
    let sheet_xml = read_part(path, &mut archive, &workbook.sheet_part)?
        .ok_or_else(|| LoadError::file(path, format!("worksheet part {} is missing", workbook.sheet_part)))?;

    let mut columns: Option<Columns> = None;
    let mut records = Vec::new();
    for_each_row(path, &sheet_xml, &shared_strings, |row, cells| {
        match &columns {
            None => columns = Some(Columns::from_header(path, row, &cells)?),
            Some(columns) => records.extend(columns.record(path, row, &cells, workbook.date1904)?),
        }
        Ok(())
    })?;
    if records.is_empty() {
        return Err(LoadError::file(path, "the worksheet has no HCPCS rows"));
    }
    hcpcs_record::build_release(path, records)
}

/// One cell's value as text; `numeric` when Excel stored it as a number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Cell {
    text: String,
    numeric: bool,
}

/// Positions of the columns the loader reads, found by header name.
struct Columns {
    hcpc: usize,
    recid: usize,
    long_description: usize,
    short_description: usize,
    xrefs: [usize; 5],
    coverage: usize,
    betos: usize,
    added: usize,
    action_effective: usize,
    terminated: usize,
    action_code: usize,
}

impl Columns {
    fn from_header(path: &Path, row: usize, cells: &[Cell]) -> Result<Columns, LoadError> {
        let by_name: HashMap<String, usize> =
            cells.iter().enumerate().map(|(index, cell)| (header_key(&cell.text), index)).collect();
        let mut missing = Vec::new();
        let mut find = |name: &'static str| {
            by_name.get(&header_key(name)).copied().unwrap_or_else(|| {
                missing.push(name);
                0
            })
        };
        let columns = Columns {
            hcpc: find("HCPC"),
            recid: find("RECID"),
            long_description: find("LONG DESCRIPTION"),
            short_description: find("SHORT DESCRIPTION"),
            xrefs: [find("XREF1"), find("XREF2"), find("XREF3"), find("XREF4"), find("XREF5")],
            coverage: find("COV"),
            betos: find("BETOS"),
            added: find("ADD DT"),
            action_effective: find("ACT EFF DT"),
            terminated: find("TERM DT"),
            action_code: find("ACTION CD"),
        };
        if !missing.is_empty() {
            let reason = format!("header row lacks required column(s): {}", missing.join(", "));
            return Err(LoadError::at_line(path, row, reason));
        }
        Ok(columns)
    }

    /// The record of a data row; `None` for a blank row.
    fn record(
        &self,
        path: &Path,
        row: usize,
        cells: &[Cell],
        date1904: bool,
    ) -> Result<Option<HcpcsRecord>, LoadError> {
        if cells.iter().all(|cell| cell.text.trim().is_empty()) {
            return Ok(None);
        }
        let text = |column: usize| cells.get(column).map_or("", |cell| cell.text.as_str());
        let date = |column: usize| cells.get(column).map_or_else(String::new, |cell| date_text(cell, date1904));
        let recid = text(self.recid);
        let kind = hcpcs_record::kind_of_recid(recid).ok_or_else(|| {
            LoadError::at_line(path, row, format!("RECID {recid:?} is neither 3 (procedure) nor 7 (modifier)"))
        })?;
        let mut record = HcpcsRecord::new(row, kind);
        record.hcpc = text(self.hcpc).to_string();
        record.long_description = text(self.long_description).to_string();
        record.short_description = text(self.short_description).to_string();
        record.xrefs = self.xrefs.iter().map(|&column| text(column).to_string()).collect();
        record.coverage = text(self.coverage).to_string();
        record.betos = text(self.betos).to_string();
        record.added = date(self.added);
        record.action_effective = date(self.action_effective);
        record.terminated = date(self.terminated);
        record.action_code = text(self.action_code).to_string();
        Ok(Some(record))
    }
}

/// Header names compared trimmed, upper-case, with `_` as a space (`ADD_DT` = `ADD DT`).
fn header_key(name: &str) -> String {
    name.trim().to_ascii_uppercase().replace('_', " ")
}

/// The text of a date cell: YYYYMMDD text as is; an Excel serial date number converted.
fn date_text(cell: &Cell, date1904: bool) -> String {
    let serial = match cell.text.parse::<f64>() {
        // Eight-digit numbers are hand-typed YYYYMMDD; Excel serials stay below 3 million.
        Ok(value) if cell.numeric && (1.0..10_000_000.0).contains(&value) => value,
        _ => return cell.text.clone(),
    };
    serial_date(serial, date1904).map_or_else(
        || cell.text.clone(),
        |date| {
            let (year, month, day) = date.ymd();
            format!("{year:04}{month:02}{day:02}")
        },
    )
}

/// The date of an Excel serial day number (1900 system with its phantom 1900-02-29, or 1904).
fn serial_date(serial: f64, date1904: bool) -> Option<Date> {
    let days = serial.floor() as i32;
    let base = match (date1904, days) {
        (true, _) => Date::from_ymd(1904, 1, 1)?,
        (false, 60) => return None,
        (false, 61..) => Date::from_ymd(1899, 12, 30)?,
        (false, _) => Date::from_ymd(1899, 12, 31)?,
    };
    Some(Date::from_days_since_epoch(base.days_since_epoch() + days))
}

/// Which worksheet part to read and which date system the workbook uses.
struct Workbook {
    sheet_part: String,
    date1904: bool,
}

/// Resolves the first sheet through `xl/workbook.xml` and its relationships.
fn read_workbook(path: &Path, archive: &mut ZipArchive<File>) -> Result<Workbook, LoadError> {
    let mut workbook = Workbook { sheet_part: DEFAULT_SHEET_PART.to_string(), date1904: false };
    let Some(workbook_xml) = read_part(path, archive, "xl/workbook.xml")? else {
        return Ok(workbook);
    };
    let mut sheet_relation = None;
    let mut reader = Reader::from_str(&workbook_xml);
    loop {
        match reader.read_event().map_err(|e| xml_error(path, "xl/workbook.xml", &reader, e))? {
            Event::Start(element) | Event::Empty(element) => match element.local_name().as_ref() {
                "workbookPr" => {
                    let flag = attribute(path, &element, |key| key == "date1904")?;
                    workbook.date1904 = matches!(flag.as_deref(), Some("1" | "true"));
                }
                "sheet" if sheet_relation.is_none() => {
                    sheet_relation = attribute(path, &element, |key| key.ends_with(":id"))?;
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let (Some(relation), Some(rels_xml)) = (sheet_relation, read_part(path, archive, "xl/_rels/workbook.xml.rels")?)
    else {
        return Ok(workbook);
    };
    let mut reader = Reader::from_str(&rels_xml);
    loop {
        match reader.read_event().map_err(|e| xml_error(path, "xl/_rels/workbook.xml.rels", &reader, e))? {
            Event::Start(element) | Event::Empty(element) if element.local_name().as_ref() == "Relationship" => {
                if attribute(path, &element, |key| key == "Id")?.as_deref() != Some(relation.as_str()) {
                    continue;
                }
                if let Some(target) = attribute(path, &element, |key| key == "Target")? {
                    workbook.sheet_part = match target.strip_prefix('/') {
                        Some(absolute) => absolute.to_string(),
                        None => format!("xl/{target}"),
                    };
                }
                break;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(workbook)
}

/// The shared-string table: each `<si>`'s `<t>` texts concatenated (rich-text runs
/// included, phonetic `<rPh>` readings left out).
fn parse_shared_strings(path: &Path, xml: &str) -> Result<Vec<String>, LoadError> {
    const PART: &str = "xl/sharedStrings.xml";
    let mut strings = Vec::new();
    let mut current = String::new();
    let mut in_text = false;
    let mut phonetic_depth = 0usize;
    let mut reader = Reader::from_str(xml);
    loop {
        let event = reader.read_event().map_err(|e| xml_error(path, PART, &reader, e))?;
        match &event {
            Event::Start(element) => match element.local_name().as_ref() {
                "si" => current.clear(),
                "t" => in_text = phonetic_depth == 0,
                "rPh" => phonetic_depth += 1,
                _ => {}
            },
            Event::Empty(element) if element.local_name().as_ref() == "si" => strings.push(String::new()),
            Event::End(element) => match element.local_name().as_ref() {
                "si" => strings.push(std::mem::take(&mut current)),
                "t" => in_text = false,
                "rPh" => phonetic_depth = phonetic_depth.saturating_sub(1),
                _ => {}
            },
            Event::Eof => break,
            _ if in_text => append_text(&mut current, &event).map_err(|reason| LoadError::file(path, reason))?,
            _ => {}
        }
    }
    Ok(strings)
}

/// Calls `on_row(row number, cells by column)` for each `<row>` of a worksheet.
fn for_each_row(
    path: &Path,
    xml: &str,
    shared_strings: &[String],
    mut on_row: impl FnMut(usize, Vec<Cell>) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    const PART: &str = "worksheet";
    let mut row = 0usize;
    let mut cells: Vec<Cell> = Vec::new();
    let mut column = 0usize;
    let mut cell_type = String::new();
    let mut value = String::new();
    let mut in_value = false;
    let mut phonetic_depth = 0usize;
    let mut reader = Reader::from_str(xml);
    loop {
        let event = reader.read_event().map_err(|e| xml_error(path, PART, &reader, e))?;
        match &event {
            Event::Start(element) | Event::Empty(element) => match element.local_name().as_ref() {
                "row" => {
                    let number = attribute(path, element, |key| key == "r")?;
                    row = number.and_then(|n| n.trim().parse().ok()).unwrap_or(row + 1);
                    cells.clear();
                    column = 0;
                }
                "c" => {
                    // Hot path (one per cell): raw attribute values, no allocation.
                    let mut reference = None;
                    cell_type.clear();
                    for found in element.attributes().with_checks(false) {
                        let found = found.map_err(|e| LoadError::at_line(path, row, format!("bad cell: {e}")))?;
                        match found.key.as_ref() {
                            "r" => reference = Some(found.value),
                            "t" => cell_type.push_str(&found.value),
                            _ => {}
                        }
                    }
                    column = match reference {
                        Some(reference) => column_index(&reference).ok_or_else(|| {
                            LoadError::at_line(path, row, format!("bad cell reference {reference:?}"))
                        })?,
                        None => column + 1,
                    };
                    value.clear();
                }
                "v" => in_value = matches!(event, Event::Start(_)),
                "t" => in_value = matches!(event, Event::Start(_)) && phonetic_depth == 0,
                "rPh" if matches!(event, Event::Start(_)) => phonetic_depth += 1,
                _ => {}
            },
            Event::End(element) => match element.local_name().as_ref() {
                "v" | "t" => in_value = false,
                "rPh" => phonetic_depth = phonetic_depth.saturating_sub(1),
                "c" => {
                    let cell = typed_cell(&cell_type, std::mem::take(&mut value), shared_strings)
                        .map_err(|reason| LoadError::at_line(path, row, reason))?;
                    if cells.len() < column {
                        cells.resize(column, Cell::default());
                    }
                    cells[column - 1] = cell;
                }
                "row" => on_row(row, std::mem::take(&mut cells))?,
                _ => {}
            },
            Event::Eof => break,
            _ if in_value => append_text(&mut value, &event).map_err(|reason| LoadError::at_line(path, row, reason))?,
            _ => {}
        }
    }
    Ok(())
}

/// A cell's text from its type (`t`) and raw value.
fn typed_cell(cell_type: &str, raw: String, shared_strings: &[String]) -> Result<Cell, String> {
    let text = match cell_type {
        "s" => {
            let index: usize = raw.trim().parse().map_err(|_| format!("bad shared-string index {raw:?}"))?;
            let shared = shared_strings.get(index);
            shared.cloned().ok_or_else(|| format!("shared-string index {index} out of range"))?
        }
        "inlineStr" | "str" | "b" | "e" => raw,
        "d" => raw.split('T').next().unwrap_or_default().to_string(),
        _ => return Ok(Cell { text: number_text(raw), numeric: true }),
    };
    Ok(Cell { text, numeric: false })
}

/// A numeric cell as text: integral values without a fraction or exponent (`2.0E7` → `20000000`).
fn number_text(raw: String) -> String {
    match raw.trim().parse::<f64>() {
        Ok(value) if value.fract() == 0.0 && value.abs() < 1e15 => format!("{}", value as i64),
        _ => raw.trim().to_string(),
    }
}

/// 1-based column of a cell reference (`AV8847` → 48).
fn column_index(reference: &str) -> Option<usize> {
    let letters = reference.bytes().take_while(u8::is_ascii_alphabetic);
    let index = letters.fold(0usize, |index, letter| {
        index.saturating_mul(26).saturating_add(usize::from(letter.to_ascii_uppercase() - b'A' + 1))
    });
    (1..=16_384).contains(&index).then_some(index)
}

/// Appends the text of a text, entity-reference or CDATA event.
fn append_text(target: &mut String, event: &Event<'_>) -> Result<(), String> {
    match event {
        Event::Text(text) => target.push_str(&text.xml10_content()),
        Event::CData(data) => target.push_str(&data.xml10_content()),
        Event::GeneralRef(reference) => {
            let name: &str = reference;
            match reference.resolve_char_ref() {
                Ok(Some(ch)) => target.push(ch),
                Ok(None) => {
                    let resolved = quick_xml::escape::resolve_predefined_entity(name);
                    target.push_str(resolved.ok_or_else(|| format!("unknown XML entity &{name};"))?);
                }
                Err(e) => return Err(format!("bad character reference &{name};: {e}")),
            }
        }
        _ => {}
    }
    Ok(())
}

/// The value of the first attribute whose name satisfies `wanted`.
fn attribute(
    path: &Path,
    element: &BytesStart<'_>,
    wanted: impl Fn(&str) -> bool,
) -> Result<Option<String>, LoadError> {
    for found in element.attributes() {
        let found = found.map_err(|e| LoadError::file(path, format!("bad XML attribute: {e}")))?;
        if wanted(found.key.as_ref()) {
            let value = found
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| LoadError::file(path, format!("bad XML attribute value: {e}")))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// A part of the package as text; `None` when the part does not exist.
fn read_part(path: &Path, archive: &mut ZipArchive<File>, name: &str) -> Result<Option<String>, LoadError> {
    let mut part = match archive.by_name(name) {
        Ok(part) => part,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(LoadError::file(path, format!("cannot open {name} in the workbook: {e}"))),
    };
    let capacity = usize::try_from(part.size()).unwrap_or(0).min(1 << 28);
    let mut xml = String::with_capacity(capacity);
    part.read_to_string(&mut xml)
        .map_err(|e| LoadError::file(path, format!("cannot read {name} in the workbook: {e}")))?;
    if let Some(without_bom) = xml.strip_prefix('\u{feff}') {
        xml = without_bom.to_string();
    }
    Ok(Some(xml))
}

fn xml_error(path: &Path, part: &str, reader: &Reader<&[u8]>, error: quick_xml::Error) -> LoadError {
    let position = reader.error_position();
    LoadError::file(path, format!("{part}: malformed XML at byte {position}: {error}"))
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;
    use std::sync::OnceLock;

    use super::*;
    use crate::codes::{CodeEntry, EntryKind};

    const REAL_OCT_2025: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/hcpcs/HCPC2025_OCT_ANWEB.xlsx");
    const REAL_2020_TXT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/hcpcs/HCPC2020_ANWEB_w_disclaimer.txt.gz");

    fn release_2025() -> &'static ReleaseContent {
        static RELEASE: OnceLock<ReleaseContent> = OnceLock::new();
        RELEASE.get_or_init(|| load(Path::new(REAL_OCT_2025)).unwrap())
    }

    fn entry<'a>(release: &'a ReleaseContent, code: &str) -> &'a CodeEntry {
        release.entries.iter().find(|e| e.code == code).unwrap()
    }

    fn date(text: &str) -> Option<Date> {
        Some(Date::parse(text).unwrap())
    }

    /// A temporary `.xlsx` built from (part name, content) pairs, removed when dropped.
    struct TempWorkbook(PathBuf);

    impl TempWorkbook {
        fn new(name: &str, parts: &[(&str, &str)]) -> TempWorkbook {
            let file_name = format!("codify-hcpcs-xlsx-{}-{name}.xlsx", std::process::id());
            let path = std::env::temp_dir().join(file_name);
            let mut writer = zip::ZipWriter::new(File::create(&path).unwrap());
            for (part, content) in parts {
                writer.start_file(*part, zip::write::SimpleFileOptions::default()).unwrap();
                writer.write_all(content.as_bytes()).unwrap();
            }
            writer.finish().unwrap();
            TempWorkbook(path)
        }
    }

    impl Drop for TempWorkbook {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    const HEADER: [&str; 15] = [
        "HCPC",
        "RECID",
        "LONG DESCRIPTION",
        "SHORT DESCRIPTION",
        "XREF1",
        "XREF2",
        "XREF3",
        "XREF4",
        "XREF5",
        "COV",
        "BETOS",
        "ADD DT",
        "ACT EFF DT",
        "TERM DT",
        "ACTION CD",
    ];

    /// A worksheet with inline-string cells; `None` leaves the cell out.
    fn sheet(rows: &[Vec<Option<&str>>]) -> String {
        let mut xml =
            String::from(r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
        for (index, row) in rows.iter().enumerate() {
            xml.push_str(&format!(r#"<row r="{}">"#, index + 1));
            for (column, cell) in row.iter().enumerate() {
                let Some(text) = cell else { continue };
                let letter = char::from(b'A' + column as u8);
                xml.push_str(&format!(r#"<c r="{letter}{}" t="inlineStr"><is><t>{text}</t></is></c>"#, index + 1));
            }
            xml.push_str("</row>");
        }
        xml.push_str("</sheetData></worksheet>");
        xml
    }

    #[test]
    fn real_oct_2025_counts() {
        let release = release_2025();
        let october = Date::parse("2025-10-01").unwrap();
        let count = |kind, active_only: bool| {
            let of_kind = release.entries.iter().filter(|e| e.kind == kind);
            of_kind.filter(|e| !active_only || e.in_force_on(october)).count()
        };
        assert_eq!(count(EntryKind::Code, false), 8_463);
        assert_eq!(count(EntryKind::Modifier, false), 383);
        assert_eq!(count(EntryKind::Code, true), 7_258);
        assert_eq!(count(EntryKind::Modifier, true), 363);
        assert_eq!(release.nodes.len(), 18);
        let corona = release.nodes.iter().find(|n| n.id == "hcpcs-U").unwrap();
        assert_eq!(corona.title, "Coronavirus diagnostic panel tests");
        assert_eq!(corona.range, Some(("U0001".to_string(), "U0005".to_string())));
        let modifiers = release.nodes.last().unwrap();
        assert_eq!((modifiers.id.as_str(), modifiers.title.as_str()), ("hcpcs-modifiers", "Modifiers"));
        assert_eq!(modifiers.range, Some(("A1".to_string(), "ZC".to_string())));
    }

    #[test]
    fn real_oct_2025_terminated_codes_with_cross_references() {
        let release = release_2025();
        let andexxa = entry(release, "C9041");
        assert_eq!(andexxa.added(), date("20190401"));
        assert_eq!(andexxa.action_effective(), date("20200701"));
        assert_eq!(andexxa.terminated(), date("20200630"));
        assert_eq!(andexxa.action_code(), Some('N'));
        assert_eq!(andexxa.replacements(), ["J7169"]);
        assert!(!andexxa.in_force_on(Date::parse("2025-10-01").unwrap()));
        assert_eq!(entry(release, "C9745").replacements(), ["69705", "69706"]);

        let mannitol = entry(release, "J2150");
        assert_eq!(mannitol.action_code(), Some('D'));
        assert_eq!(mannitol.action_effective(), date("20251001"));
        assert_eq!(mannitol.terminated(), date("20250930"));
    }

    #[test]
    fn real_oct_2025_added_code_and_modifier() {
        let release = release_2025();
        let matrix = entry(release, "A2036");
        assert_eq!(matrix.title, "Cohealyx collagen dermal matrix, per square centimeter");
        assert_eq!(matrix.short_title.as_deref(), Some("Cohealyx col dml mx pr sq cm"));
        assert_eq!(matrix.added(), date("20251001"));
        assert_eq!(matrix.action_code(), Some('A'));
        assert_eq!(matrix.betos(), Some("P5A"));
        assert_eq!(matrix.coverage(), Some("C"));
        assert_eq!(matrix.terminated(), None);

        let modifier = entry(release, "AA");
        assert_eq!(modifier.kind, EntryKind::Modifier);
        assert_eq!(modifier.title, "Anesthesia services performed personally by anesthesiologist");
        assert_eq!(modifier.node.as_deref(), Some("hcpcs-modifiers"));
        assert_eq!(modifier.action_effective(), date("20010101"));
    }

    #[test]
    fn real_oct_2025_hand_edited_numeric_date_cells() {
        // These six date cells are stored as numbers (YYYYMMDD), not as shared strings.
        let release = release_2025();
        assert_eq!(entry(release, "C9088").terminated(), date("20250930"));
        assert_eq!(entry(release, "C9301").added(), date("20250401"));
        assert_eq!(entry(release, "E0716").action_effective(), date("20241001"));
        assert_eq!(entry(release, "J9333").action_effective(), date("20251001"));
        let hand_edited = entry(release, "L6034");
        assert_eq!((hand_edited.added(), hand_edited.action_effective()), (date("20251001"), date("20251001")));
    }

    #[test]
    fn real_files_agree_on_an_unchanged_code() {
        let from_txt = super::super::hcpcs_fixed::load(Path::new(REAL_2020_TXT)).unwrap();
        // A5514: five physical lines in the 2020 .txt, one cell in the 2025 .xlsx.
        let old = entry(&from_txt, "A5514");
        assert_eq!(old, entry(release_2025(), "A5514"));
        assert!(old.title.ends_with("includes arch filler and other shaping material, custom fabricated, each"));
        // C9041 was in force in 2020 and is terminated (cross-referenced to J7169) by October 2025.
        let andexxa = entry(&from_txt, "C9041");
        assert_eq!((andexxa.terminated(), andexxa.action_code()), (None, Some('A')));
        assert_eq!(entry(release_2025(), "C9041").terminated(), date("20200630"));
    }

    #[test]
    fn reads_shared_rich_inline_and_numeric_cells() {
        let shared = r#"<sst><si><t>HCPC</t></si><si><r><t>LONG </t></r><r><rPr/><t>DESCRIPTION</t></r><rPh><t>x</t></rPh></si><si><t xml:space="preserve">   GA</t></si><si><t>Waiver &amp; notice &#x2019;on file&#8217;</t></si></sst>"#;
        let mut header: Vec<String> =
            HEADER.iter().map(|h| format!(r#"<c t="inlineStr"><is><t>{h}</t></is></c>"#)).collect();
        header[0] = r#"<c r="A1" t="s"><v>0</v></c>"#.to_string();
        header[2] = r#"<c r="C1" t="s"><v>1</v></c>"#.to_string();
        let worksheet = format!(
            r#"<worksheet><sheetData><row r="1">{}</row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="str"><v>7</v></c><c r="C2" t="s"><v>3</v></c><c r="L2"><v>45931</v></c><c r="M2"><v>20251001</v></c><c r="O2" t="inlineStr"><is><r><t>N</t></r></is></c></row><row r="3"/></sheetData></worksheet>"#,
            header.concat()
        );
        let workbook =
            r#"<workbook xmlns:r="rel"><sheets><sheet name="Codes" sheetId="1" r:id="rId7"/></sheets></workbook>"#;
        let rels = r#"<Relationships><Relationship Id="rId7" Target="worksheets/codes.xml"/></Relationships>"#;
        let file = TempWorkbook::new(
            "cells",
            &[
                ("xl/workbook.xml", workbook),
                ("xl/_rels/workbook.xml.rels", rels),
                ("xl/sharedStrings.xml", shared),
                ("xl/worksheets/codes.xml", &worksheet),
            ],
        );
        let release = load(&file.0).unwrap();
        assert_eq!(release.entries.len(), 1);
        let waiver = &release.entries[0];
        assert_eq!(waiver.code, "GA");
        assert_eq!(waiver.kind, EntryKind::Modifier);
        assert_eq!(waiver.title, "Waiver & notice \u{2019}on file\u{2019}");
        assert_eq!(waiver.added(), date("20251001"));
        assert_eq!(waiver.action_effective(), date("20251001"));
        assert_eq!(waiver.action_code(), Some('N'));
        assert_eq!(waiver.short_title, None);
    }

    #[test]
    fn converts_excel_serial_dates() {
        let serial = |value: &str, date1904| {
            let cell = Cell { text: value.to_string(), numeric: true };
            date_text(&cell, date1904)
        };
        assert_eq!(serial("45931", false), "20251001");
        assert_eq!(serial("45931.75", false), "20251001");
        assert_eq!(serial("1", false), "19000101");
        assert_eq!(serial("59", false), "19000228");
        assert_eq!(serial("61", false), "19000301");
        assert_eq!(serial("1", true), "19040102");
        assert_eq!(serial("20251001", false), "20251001");
        let text = Cell { text: "45931".to_string(), numeric: false };
        assert_eq!(date_text(&text, false), "45931");
        assert_eq!(number_text("2.0251001E7".to_string()), "20251001");
        assert_eq!(column_index("AV8847"), Some(48));
    }

    #[test]
    fn missing_header_is_refused_at_row_one() {
        let header: Vec<Option<&str>> = HEADER.iter().map(|h| (*h != "ACT EFF DT").then_some(*h)).collect();
        let worksheet = sheet(&[header]);
        let file = TempWorkbook::new("missing-header", &[(DEFAULT_SHEET_PART, &worksheet)]);
        let err = load(&file.0).unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(err.reason.contains("ACT EFF DT"), "{}", err.reason);
    }

    #[test]
    fn bad_date_is_refused_at_its_row() {
        let header: Vec<Option<&str>> = HEADER.iter().map(|h| Some(*h)).collect();
        let mut good = vec![Some("A0021"), Some("3"), Some("Ambulance")];
        good.resize(HEADER.len(), None);
        good[11] = Some("20200101");
        let mut bad = good.clone();
        bad[0] = Some("A0080");
        bad[13] = Some("20201301");
        let worksheet = sheet(&[header, good, bad]);
        let file = TempWorkbook::new("bad-date", &[(DEFAULT_SHEET_PART, &worksheet)]);
        let err = load(&file.0).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.reason.contains("TERM DT"), "{}", err.reason);
    }

    #[test]
    fn non_zip_file_is_refused() {
        let path = std::env::temp_dir().join(format!("codify-hcpcs-xlsx-{}-plain.xlsx", std::process::id()));
        std::fs::write(&path, b"HCPC\tRECID\n").unwrap();
        let err = load(&path).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert_eq!(err.line, None);
        assert!(err.reason.contains("zip"), "{}", err.reason);
    }
}
