//! Loader for the CMS HCPCS Level II `.xlsx` workbook (FORMATS.md §1.3): one row per code or
//! modifier, header in row 1, columns found by header name. The workbook is read with
//! `calamine` (first worksheet, every cell taken as text: numbers without a needless
//! fraction, date cells as `YYYYMMDD`) and the rows are handed to
//! [`hcpcs_record`](super::hcpcs_record) for the mapping to entries.

use std::collections::HashMap;
use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::codes::{Date, ReleaseContent};

use super::hcpcs_record::{self, HcpcsRecord};
use super::LoadError;

/// Loads an HCPCS `.xlsx` workbook.
pub fn load(path: &Path) -> Result<ReleaseContent, LoadError> {
    let mut workbook: Xlsx<_> = open_workbook(path)
        .map_err(|e: calamine::XlsxError| LoadError::file(path, format!("not an xlsx (zip) workbook: {e}")))?;
    let date1904 = workbook.has_1904_epoch();
    let sheet = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| LoadError::file(path, "the workbook has no worksheet"))?
        .map_err(|e| LoadError::file(path, format!("cannot read the first worksheet: {e}")))?;
    // Row numbers as Excel shows them: the range starts at its first non-empty row.
    let first_row = sheet.start().map_or(1, |(row, _)| row as usize + 1);

    let mut columns: Option<Columns> = None;
    let mut records = Vec::new();
    for (offset, row_cells) in sheet.rows().enumerate() {
        let row = first_row + offset;
        let cells: Vec<Cell> = row_cells.iter().map(Cell::from_data).collect();
        match &columns {
            None => columns = Some(Columns::from_header(path, row, &cells)?),
            Some(columns) => records.extend(columns.record(path, row, &cells, date1904)?),
        }
    }
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

impl Cell {
    fn from_data(data: &Data) -> Cell {
        let text = |text: String| Cell { text, numeric: false };
        match data {
            Data::Empty => Cell::default(),
            Data::String(value) => text(value.clone()),
            Data::Float(value) => Cell { text: number_text(*value), numeric: true },
            Data::Int(value) => Cell { text: value.to_string(), numeric: true },
            Data::Bool(value) => text(if *value { "1" } else { "0" }.to_string()),
            // A date-formatted number: its calendar date (calamine applies the 1904 system).
            Data::DateTime(value) => {
                let (year, month, day, ..) = value.to_ymd_hms_milli();
                text(format!("{year:04}{month:02}{day:02}"))
            }
            Data::DateTimeIso(value) => text(value.split('T').next().unwrap_or_default().to_string()),
            Data::DurationIso(value) => text(value.clone()),
            Data::Error(error) => text(error.to_string()),
        }
    }
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

/// A numeric cell as text: integral values without a fraction (`2.0251001E7` → `20251001`).
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use std::fs::File;
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
            let package_rels = r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
            for (part, content) in [("_rels/.rels", package_rels)].iter().chain(parts) {
                writer.start_file(*part, zip::write::SimpleFileOptions::default()).unwrap();
                writer.write_all(content.as_bytes()).unwrap();
            }
            writer.finish().unwrap();
            TempWorkbook(path)
        }

        /// A workbook whose one sheet is `worksheet` (`xl/worksheets/sheet1.xml`).
        fn with_sheet(name: &str, worksheet: &str) -> TempWorkbook {
            let workbook =
                r#"<workbook xmlns:r="rel"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
            let rels = r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
            TempWorkbook::new(
                name,
                &[
                    ("xl/workbook.xml", workbook),
                    ("xl/_rels/workbook.xml.rels", rels),
                    ("xl/worksheets/sheet1.xml", worksheet),
                ],
            )
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

    /// Every entry of the real workbook equals what the hand-written zip + XML reader this
    /// loader replaced produced (its `{:?}` lines, gzipped, in tests/data): same rows, same
    /// fields, same order.
    #[test]
    fn real_oct_2025_matches_the_previous_reader_row_for_row() {
        use std::io::BufRead;
        let reference =
            File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hcpcs-2025-oct-entries.txt.gz")).unwrap();
        let lines: Vec<String> =
            std::io::BufReader::new(flate2::read::GzDecoder::new(reference)).lines().map(Result::unwrap).collect();
        let release = release_2025();
        assert_eq!(release.entries.len(), lines.len());
        for (entry, expected) in release.entries.iter().zip(&lines) {
            assert_eq!(&format!("{entry:?}"), expected);
        }
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
        let shared = r#"<sst><si><t>HCPC</t></si><si><r><t xml:space="preserve">LONG </t></r><r><rPr/><t>DESCRIPTION</t></r><rPh><t>x</t></rPh></si><si><t xml:space="preserve">   GA</t></si><si><t>Waiver &amp; notice &#x2019;on file&#8217;</t></si></sst>"#;
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
        let rels = r#"<Relationships><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/codes.xml"/></Relationships>"#;
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
        assert_eq!(number_text(2.0251001E7), "20251001");
        assert_eq!(number_text(12.5), "12.5");
    }

    #[test]
    fn missing_header_is_refused_at_row_one() {
        let header: Vec<Option<&str>> = HEADER.iter().map(|h| (*h != "ACT EFF DT").then_some(*h)).collect();
        let worksheet = sheet(&[header]);
        let file = TempWorkbook::with_sheet("missing-header", &worksheet);
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
        let file = TempWorkbook::with_sheet("bad-date", &worksheet);
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
