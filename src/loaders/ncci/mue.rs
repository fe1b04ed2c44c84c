//! Loader for the NCCI MUE tables (`MCR_MUE_<Table>Services_Eff_MM-DD-YYYY.csv`;
//! FORMATS.md §3.2): CSV (Latin-1 or UTF-8), record 0 a quoted multi-line notice in the
//! first cell with the other cells empty, record 1 the header
//! `"HCPCS/\nCPT Code",<Table> Services MUE Values,MUE Adjudication Indicator,MUE Rationale`,
//! then one code per record: code, MUE value (units), adjudication indicator with its
//! label (`2 Date of Service Edit: Policy`), rationale.
//!
//! The header must name the table asked for, so a DME supplier file is never loaded as the
//! practitioner table. Blank records (`,,,`) are skipped; anything else malformed refuses
//! the file with the line its record starts on.

use std::path::Path;

use crate::claims::ncci::{MueAdjudication, MueRecord, MueTable, MueTableBuilder, MueTableKind};
use crate::loaders::csv_text::{self, short, CsvRecord};
use crate::loaders::{source, LoadError};

use super::{file_name, parse_code, row_error};

/// Loads the MUE table of `kind` from its CSV file.
pub fn load_mue(kind: MueTableKind, path: &Path) -> Result<MueTable, LoadError> {
    let text = source::read_text(path)?;
    let mut builder = MueTableBuilder::new(kind, &file_name(path));
    let mut records =
        csv_text::records(&text).filter(|record| record.as_ref().map_or(true, |record| !record.is_blank()));
    let mut next = || -> Result<Option<CsvRecord>, LoadError> {
        records.next().transpose().map_err(|e| LoadError::at_line(path, e.line, e.reason))
    };
    let notice = next()?.ok_or_else(|| LoadError::file(path, "empty file (expected the notice record)"))?;
    check_notice(&notice).map_err(|reason| LoadError::at_line(path, notice.line, reason))?;
    let header = next()?.ok_or_else(|| LoadError::file(path, "no header record after the notice"))?;
    check_header(kind, &header).map_err(|reason| LoadError::at_line(path, header.line, reason))?;
    let mut rows = 0usize;
    while let Some(record) = next()? {
        let row = parse_row(&record).map_err(|reason| LoadError::at_line(path, record.line, reason))?;
        let line = u32::try_from(record.line).map_err(|_| LoadError::at_line(path, record.line, "file too long"))?;
        builder.push(line, &row).map_err(|e| row_error(path, record.line, &e))?;
        rows += 1;
    }
    if rows == 0 {
        return Err(LoadError::file(path, "no MUE rows after the header"));
    }
    Ok(builder.finish())
}

/// Record 0: text in the first cell, every other cell empty.
fn check_notice(record: &CsvRecord) -> Result<(), String> {
    let [first, rest @ ..] = &record.fields[..] else { return Err("empty notice record".to_string()) };
    if first.trim().is_empty() || rest.iter().any(|field| !field.trim().is_empty()) {
        return Err("expected the notice record: text in the first cell, the other cells empty".to_string());
    }
    Ok(())
}

/// Record 1: the four column names, the second naming the table of `kind`.
fn check_header(kind: MueTableKind, record: &CsvRecord) -> Result<(), String> {
    let fields = record.trimmed_fields();
    let [code, values, indicator, rationale] = fields else {
        return Err(format!("expected the 4-column header, got {} cells", fields.len()));
    };
    let compact: String = code.split_whitespace().collect::<String>().to_ascii_lowercase();
    if compact != "hcpcs/cptcode" {
        return Err(format!("first header cell must be \"HCPCS/CPT Code\", got {:?}", short(code)));
    }
    let named = [MueTableKind::Practitioner, MueTableKind::OutpatientHospital, MueTableKind::DmeSupplier]
        .into_iter()
        .find(|table| words(values).eq_ignore_ascii_case(table.value_header()));
    match named {
        Some(table) if table == kind => {}
        Some(table) => return Err(format!("this is the {} MUE table, not the {} one", table.name(), kind.name())),
        None => return Err(format!("second header cell must be {:?}, got {:?}", kind.value_header(), short(values))),
    }
    if !words(indicator).eq_ignore_ascii_case("MUE Adjudication Indicator")
        || !words(rationale).eq_ignore_ascii_case("MUE Rationale")
    {
        return Err(format!(
            "header cells 3 and 4 must be \"MUE Adjudication Indicator\" and \"MUE Rationale\", got {:?} and {:?}",
            short(indicator),
            short(rationale)
        ));
    }
    Ok(())
}

fn parse_row(record: &CsvRecord) -> Result<MueRecord<'_>, String> {
    let fields = record.trimmed_fields();
    let [code, value, indicator, rationale] = fields else {
        return Err(format!(
            "expected 4 fields (code, MUE value, adjudication indicator, rationale), got {}",
            fields.len()
        ));
    };
    let digits = value.trim();
    let value = digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse::<u32>().ok())
        .flatten()
        .ok_or_else(|| format!("MUE value must be a whole number of units, got {:?}", short(value)))?;
    let adjudication = MueAdjudication::from_data(indicator).ok_or_else(|| {
        format!(
            "MUE adjudication indicator must be \"1 Line Edit\", \"2 Date of Service Edit: Policy\" or \
             \"3 Date of Service Edit: Clinical\", got {:?}",
            short(indicator)
        )
    })?;
    Ok(MueRecord { code: parse_code(code, "HCPCS/CPT code")?, value, adjudication, rationale: rationale.trim() })
}

/// The words of `text` joined by single spaces (header cells wrap and pad).
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::ncci::NcciCode;

    const HEAD: &str =
        "\"Test notice,\r\nover two lines\",,,\r\n\"HCPCS/\r\nCPT Code\",Practitioner Services MUE Values,\
                        MUE Adjudication Indicator,MUE Rationale\r\n";

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("codify-mue-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reads_rows_with_the_line_each_starts_on() {
        let body =
            "36415,2,3 Date of Service Edit: Clinical,Clinical: Data\r\n,,,\r\n97110,4,1 Line Edit,\"Nature, of\"\r\n";
        let table = load_mue(MueTableKind::Practitioner, &write("ok.csv", &format!("{HEAD}{body}"))).unwrap();
        assert_eq!(table.len(), 2);
        let venipuncture = table.get(NcciCode::from_data("36415").unwrap()).unwrap();
        assert_eq!((venipuncture.value(), venipuncture.line()), (2, 5));
        let exercise = table.get(NcciCode::from_data("97110").unwrap()).unwrap();
        assert_eq!((exercise.adjudication(), exercise.line()), (MueAdjudication::Line, 7));
        assert_eq!(table.rationale(exercise), "Nature, of");
    }

    #[test]
    fn refuses_the_wrong_table_and_malformed_rows() {
        let path = write("head.csv", &format!("{HEAD}36415,2,3 Date of Service Edit: Clinical,x\r\n"));
        let error = load_mue(MueTableKind::DmeSupplier, &path).unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.reason.contains("practitioner MUE table, not the DME supplier"), "{error}");
        let cases = [
            ("value.csv", "36415,two,1 Line Edit,x\r\n", "MUE value"),
            ("mai.csv", "36415,2,4 Line Edit,x\r\n", "adjudication indicator"),
            ("code.csv", "3641,2,1 Line Edit,x\r\n", "HCPCS/CPT code"),
            ("count.csv", "36415,2\r\n", "expected 4 fields"),
            ("quote.csv", "36415,2,1 Line Edit,\"open\r\n", "never closed"),
            ("twice.csv", "36415,2,1 Line Edit,x\r\n36415,1,1 Line Edit,x\r\n", "already has an MUE (line 5)"),
        ];
        for (name, body, reason) in cases {
            let error = load_mue(MueTableKind::Practitioner, &write(name, &format!("{HEAD}{body}"))).unwrap_err();
            assert!(error.reason.contains(reason), "{name}: {error}");
            let line = if name == "twice.csv" { 6 } else { 5 };
            assert_eq!(error.line, Some(line), "{name}: {error}");
        }
        let no_notice = write(
            "no-notice.csv",
            "\"HCPCS/\nCPT Code\",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\r\n",
        );
        assert!(load_mue(MueTableKind::Practitioner, &no_notice).unwrap_err().reason.contains("notice record"));
    }
}
