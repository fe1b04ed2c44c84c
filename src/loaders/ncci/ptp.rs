//! Loader for the NCCI PTP tables (`ccipra-vNNNrN-fK.TXT`, `ccioph-…`; FORMATS.md §3.1):
//! tab-separated text (Latin-1/cp1252 or UTF-8, CRLF or LF), a preamble (the CPT notice
//! line, the title line "Column1/Column2 Edits" and a column header wrapped over 4 lines),
//! then one edit per line in 7 fields: column 1 code, column 2 code, `*` when the edit
//! existed before 1996 (else empty), effective date `YYYYMMDD`, deletion date `YYYYMMDD`
//! or `*`, modifier indicator `0`/`1`/`9`, PTP edit rationale.
//!
//! The preamble is the lines before the first line whose first field is a single word of
//! letters and digits (a code, well formed or not; the notice, title and header lines start
//! with text holding blanks or punctuation, or with an empty field); it may be at most 10
//! lines. From there on every non-blank line must be a valid row: a malformed one refuses
//! the file with its line.

use std::path::{Path, PathBuf};

use crate::claims::ncci::{ModifierIndicator, PtpRecord, PtpTable, PtpTableBuilder, PtpTableKind};
use crate::loaders::{source, LoadError};

use super::{file_name, parse_code, parse_yyyymmdd, row_error};

/// Most preamble lines before the first edit (CMS has 6).
const MAX_PREAMBLE_LINES: usize = 10;
/// Fields of a row.
const FIELDS: usize = 7;

/// Loads the PTP table of `kind` from its files (the `-f1` … `-f4` parts of one quarter).
pub fn load_ptp(kind: PtpTableKind, paths: &[PathBuf]) -> Result<PtpTable, LoadError> {
    let mut builder = PtpTableBuilder::new(kind);
    for path in paths {
        read_file(&mut builder, path)?;
    }
    Ok(builder.finish())
}

fn read_file(builder: &mut PtpTableBuilder, path: &Path) -> Result<(), LoadError> {
    let text = source::read_text(path)?;
    let file = builder.add_file(&file_name(path)).map_err(|e| LoadError::file(path, e.to_string()))?;
    let mut in_data = false;
    let mut rows = 0usize;
    for (index, line) in source::lines(&text).enumerate() {
        let number = index + 1;
        if !in_data {
            if !looks_like_a_row(line) {
                if number >= MAX_PREAMBLE_LINES {
                    return Err(LoadError::at_line(
                        path,
                        number,
                        format!(
                            "no PTP edit in the first {MAX_PREAMBLE_LINES} lines (expected the preamble, then rows)"
                        ),
                    ));
                }
                continue;
            }
            in_data = true;
        }
        if line.trim().is_empty() {
            continue;
        }
        let record = parse_row(line).map_err(|reason| LoadError::at_line(path, number, reason))?;
        let line_number = u32::try_from(number).map_err(|_| LoadError::at_line(path, number, "file too long"))?;
        builder.push(file, line_number, &record).map_err(|e| row_error(path, number, &e))?;
        rows += 1;
    }
    if rows == 0 {
        return Err(LoadError::file(path, "no PTP edit rows"));
    }
    Ok(())
}

/// Whether the line's first tab field is one word of letters and digits: a row, well
/// formed or not.
fn looks_like_a_row(line: &str) -> bool {
    let first = line.split('\t').next().unwrap_or_default().trim();
    !first.is_empty() && first.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn parse_row(line: &str) -> Result<PtpRecord<'_>, String> {
    let mut fields: Vec<&str> = line.split('\t').collect();
    while fields.len() > FIELDS && fields.last().is_some_and(|field| field.trim().is_empty()) {
        fields.pop();
    }
    let [column1, column2, before, effective, deletion, indicator, rationale] = fields[..] else {
        return Err(format!("expected {FIELDS} tab-separated fields, got {}", fields.len()));
    };
    let before_1996 = match before.trim() {
        "" => false,
        "*" => true,
        other => return Err(format!("third field must be `*` or empty, got {:?}", short(other))),
    };
    let effective = parse_yyyymmdd(effective.trim())
        .ok_or_else(|| format!("effective date must be YYYYMMDD, got {:?}", short(effective)))?;
    let deletion = match deletion.trim() {
        "*" => None,
        text => Some(
            parse_yyyymmdd(text)
                .ok_or_else(|| format!("deletion date must be YYYYMMDD or `*`, got {:?}", short(deletion)))?,
        ),
    };
    let modifier_indicator = ModifierIndicator::from_data(indicator.trim())
        .ok_or_else(|| format!("modifier indicator must be 0, 1 or 9, got {:?}", short(indicator)))?;
    Ok(PtpRecord {
        column1: parse_code(column1, "column 1")?,
        column2: parse_code(column2, "column 2")?,
        before_1996,
        effective,
        deletion,
        modifier_indicator,
        rationale: rationale.trim(),
    })
}

fn short(text: &str) -> String {
    crate::loaders::csv_text::short(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREAMBLE: &str = "Test notice line\r\nColumn1/Column2 Edits\r\n\
                            Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\r\n\
                            \t\tprior to 1996\tDate\tDate\t0=not allowed\t\r\n\
                            \t\t\t\t*=no data\t1=allowed\t\r\n\t\t\t\t\t9=not applicable\t\r\n";

    fn write(name: &str, body: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("codify-ptp-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, format!("{PREAMBLE}{body}")).unwrap();
        path
    }

    #[test]
    fn reads_rows_after_the_preamble() {
        let path = write(
            "ok.txt",
            "45385\t45380\t\t20100101\t*\t1\tStandards of medical/surgical practice\r\n\
             11042\t12001\t*\t19960101\t20231231\t0\tMutually exclusive procedures\t\t\r\n",
        );
        let table = load_ptp(PtpTableKind::Practitioner, &[path]).unwrap();
        assert_eq!(table.len(), 2);
        let rows: Vec<_> = table.iter().collect();
        assert_eq!((rows[0].column1().as_str(), rows[0].line(), rows[0].before_1996()), ("11042", 8, true));
        assert_eq!(rows[0].deletion().unwrap().to_string(), "2023-12-31");
        assert_eq!(table.rationale(rows[1]), "Standards of medical/surgical practice");
        assert_eq!(table.file_name(rows[1]), "ok.txt");
    }

    #[test]
    fn malformed_rows_are_refused_with_their_line() {
        let cases = [
            ("fields.txt", "45385\t45380\t\t20100101\t*\t1\r\n", "expected 7"),
            ("indicator.txt", "45385\t45380\t\t20100101\t*\t2\tx\r\n", "modifier indicator"),
            ("date.txt", "45385\t45380\t\t2010-01-01\t*\t1\tx\r\n", "effective date"),
            ("code.txt", "4538X5\t45380\t\t20100101\t*\t1\tx\r\n", "column 1 must be"),
            ("order.txt", "45385\t45380\t\t20100101\t20091231\t1\tx\r\n", "before effective"),
            ("star.txt", "45385\t45380\t+\t20100101\t*\t1\tx\r\n", "third field"),
        ];
        for (name, body, reason) in cases {
            let error = load_ptp(PtpTableKind::Practitioner, &[write(name, body)]).unwrap_err();
            assert!(error.reason.contains(reason), "{name}: {error}");
            assert_eq!(error.line, Some(7), "{name}: {error}");
        }
        let second_row =
            write("second.txt", "45385\t45380\t\t20100101\t*\t1\tx\r\n45385\t45380\t\t201001\t*\t1\tx\r\n");
        assert_eq!(load_ptp(PtpTableKind::Practitioner, &[second_row]).unwrap_err().line, Some(8));
        let empty = write("empty.txt", "");
        assert!(load_ptp(PtpTableKind::Practitioner, &[empty]).unwrap_err().reason.contains("no PTP edit rows"));
        let long = write("long.txt", &"more notice text\r\n".repeat(5));
        let error = load_ptp(PtpTableKind::Practitioner, &[long]).unwrap_err();
        assert_eq!(error.line, Some(10), "{error}");
    }
}
