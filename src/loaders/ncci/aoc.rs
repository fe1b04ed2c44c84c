//! Loader for the NCCI add-on code edit file (`AOC_V2026Q1-MCR.txt`).
//!
//! FORMATS.md §3 does not describe this file, so the layout is CMS's published AOC table as
//! known from its column names (the quarterly workbook, as public importers read it):
//! `Add-On Code`, `Primary Code` (`CCCCC` = contractor-defined primaries), `AOC_DEL_DT`
//! (add-on code deletion date), `Primary Code Del Dt`, `AOC Edit Type` (1, 2, 3),
//! `AOC Edit Eff Dt`, `AOC Edit Del Dt`, `Special Instruction Notes`; recent releases
//! suffix the date columns with `_JULIAN` and write dates as `YYYYDDD`. Read here as
//! tab-separated text:
//!
//! - any notice lines, then the header row (the first line with an `Add-On Code` cell,
//!   within the first 10 lines); columns are found by name (case, blanks, punctuation and a
//!   `_JULIAN` suffix ignored), so their order does not matter; an unknown column is refused;
//! - one row per (add-on, primary) pair; dates `YYYYMMDD` or `YYYYDDD`; an empty or `*`
//!   deletion date means none.
//!
//! A malformed row refuses the file with its line.

use std::path::Path;

use crate::claims::ncci::{AddOnRecord, AddOnTable, AddOnTableBuilder, AocType};
use crate::loaders::csv_text::short;
use crate::loaders::{source, LoadError};

use super::{file_name, parse_code, parse_date, parse_deletion, row_error};

/// Most lines before the header row.
const MAX_PREAMBLE_LINES: usize = 10;
/// The primary code of a type 2 add-on: contractor-defined primaries.
const CONTRACTOR_DEFINED: &str = "CCCCC";

/// The columns of the AOC file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    AddOn,
    Primary,
    AddOnDeletion,
    PrimaryDeletion,
    EditType,
    EditEffective,
    EditDeletion,
    Notes,
}

/// Each column with the header names it is known by.
const COLUMNS: [(Column, &[&str]); 8] = [
    (Column::AddOn, &["Add-On Code", "AOC"]),
    (Column::Primary, &["Primary Code"]),
    (Column::AddOnDeletion, &["AOC_DEL_DT", "Add-On Code Deletion Date", "AOC Deletion Date"]),
    (Column::PrimaryDeletion, &["Primary Code Del Dt", "Primary Code Deletion Date"]),
    (Column::EditType, &["AOC Edit Type"]),
    (Column::EditEffective, &["AOC Edit Eff Dt", "AOC Edit Effective Date"]),
    (Column::EditDeletion, &["AOC Edit Del Dt", "AOC Edit Deletion Date"]),
    (Column::Notes, &["Special Instruction Notes"]),
];
/// Columns a file must have.
const REQUIRED: [Column; 5] =
    [Column::AddOn, Column::Primary, Column::EditType, Column::EditEffective, Column::EditDeletion];

/// Loads the add-on code table from its file.
pub fn load_add_ons(path: &Path) -> Result<AddOnTable, LoadError> {
    let text = source::read_text(path)?;
    let mut builder = AddOnTableBuilder::new(&file_name(path));
    let mut header: Option<Vec<Column>> = None;
    let mut rows = 0usize;
    for (index, line) in source::lines(&text).enumerate() {
        let number = index + 1;
        let Some(columns) = &header else {
            if line.split('\t').any(|cell| normalise(cell) == normalise("Add-On Code")) {
                header = Some(parse_header(line).map_err(|reason| LoadError::at_line(path, number, reason))?);
            } else if number >= MAX_PREAMBLE_LINES {
                return Err(LoadError::at_line(
                    path,
                    number,
                    format!("no `Add-On Code` header in the first {MAX_PREAMBLE_LINES} lines"),
                ));
            }
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        let record = parse_row(columns, line).map_err(|reason| LoadError::at_line(path, number, reason))?;
        let line_number = u32::try_from(number).map_err(|_| LoadError::at_line(path, number, "file too long"))?;
        builder.push(line_number, &record).map_err(|e| row_error(path, number, &e))?;
        rows += 1;
    }
    if header.is_none() {
        return Err(LoadError::file(path, "no `Add-On Code` header row"));
    }
    if rows == 0 {
        return Err(LoadError::file(path, "no add-on code rows after the header"));
    }
    Ok(builder.finish())
}

/// Lower case, letters and digits only, a `julian` suffix dropped: `AOC_EDIT_EFF_DT_JULIAN`
/// and `AOC Edit Eff Dt` are the same column.
fn normalise(name: &str) -> String {
    let compact: String = name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    compact.strip_suffix("julian").map(str::to_string).unwrap_or(compact)
}

fn parse_header(line: &str) -> Result<Vec<Column>, String> {
    let mut columns = Vec::new();
    for cell in line.split('\t') {
        let name = normalise(cell);
        if name.is_empty() && cell.trim().is_empty() {
            continue;
        }
        let column = COLUMNS
            .iter()
            .find(|(_, names)| names.iter().any(|known| normalise(known) == name))
            .map(|(column, _)| *column)
            .ok_or_else(|| format!("unknown add-on code column {:?}", short(cell)))?;
        if columns.contains(&column) {
            return Err(format!("column {:?} appears twice", short(cell)));
        }
        columns.push(column);
    }
    if let Some(missing) = REQUIRED.iter().find(|column| !columns.contains(column)) {
        let names = COLUMNS.iter().find(|(column, _)| column == missing).map_or("", |(_, names)| names[0]);
        return Err(format!("header has no {names:?} column"));
    }
    Ok(columns)
}

fn parse_row<'a>(columns: &[Column], line: &'a str) -> Result<AddOnRecord<'a>, String> {
    let mut fields: Vec<&str> = line.split('\t').collect();
    while fields.len() > columns.len() && fields.last().is_some_and(|field| field.trim().is_empty()) {
        fields.pop();
    }
    if fields.len() > columns.len() {
        return Err(format!("expected {} tab-separated fields, got {}", columns.len(), fields.len()));
    }
    let field = |wanted: Column| -> &'a str {
        columns.iter().position(|&column| column == wanted).and_then(|at| fields.get(at)).map_or("", |text| text.trim())
    };
    let add_on = parse_code(field(Column::AddOn), "add-on code")?;
    let primary = match field(Column::Primary) {
        CONTRACTOR_DEFINED => None,
        text => Some(parse_code(text, "primary code")?),
    };
    let type_text = field(Column::EditType);
    let aoc_type = AocType::from_data(type_text)
        .ok_or_else(|| format!("AOC edit type must be 1, 2 or 3, got {:?}", short(type_text)))?;
    Ok(AddOnRecord {
        add_on,
        primary,
        aoc_type,
        add_on_deletion: parse_deletion(field(Column::AddOnDeletion), "add-on code deletion date")?,
        primary_deletion: parse_deletion(field(Column::PrimaryDeletion), "primary code deletion date")?,
        edit_effective: parse_date(field(Column::EditEffective), "AOC edit effective date")?,
        edit_deletion: parse_deletion(field(Column::EditDeletion), "AOC edit deletion date")?,
        notes: field(Column::Notes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::ncci::NcciCode;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("codify-aoc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    const HEADER: &str = "Notice line\nAdd-On Code\tPrimary Code\tAOC_DEL_DT_JULIAN\tPrimary Code Del Dt_JULIAN\t\
                          AOC Edit Type\tAOC Edit Eff Dt_JULIAN\tAOC Edit Del Dt_JULIAN\tSpecial Instruction Notes\n";

    #[test]
    fn reads_columns_by_name_and_both_date_forms() {
        let body = "G2211\t99213\t\t\t1\t2024001\t\t\n69990\tCCCCC\t\t\t2\t20100101\t*\tcontractor list\n";
        let table = load_add_ons(&write("ok.txt", &format!("{HEADER}{body}"))).unwrap();
        assert_eq!(table.len(), 2);
        let g2211 = table.rows_of(NcciCode::from_data("G2211").unwrap())[0];
        assert_eq!((g2211.edit_effective().to_string(), g2211.line()), ("2024-01-01".to_string(), 3));
        let microscope = table.rows_of(NcciCode::from_data("69990").unwrap())[0];
        assert_eq!((microscope.primary(), microscope.aoc_type()), (None, AocType::Two));
        assert_eq!(table.notes(&microscope), "contractor list");
        let reordered =
            "Primary Code\tAdd-On Code\tAOC Edit Type\tAOC Edit Eff Dt\tAOC Edit Del Dt\n99213\tG2211\t1\t20240101\t\n";
        assert_eq!(load_add_ons(&write("order.txt", reordered)).unwrap().len(), 1);
    }

    #[test]
    fn malformed_lines_are_refused_with_their_line() {
        let cases = [
            ("type.txt", "G2211\t99213\t\t\t4\t2024001\t\t\n", "edit type"),
            ("date.txt", "G2211\t99213\t\t\t1\t2024-01-01\t\t\n", "effective date"),
            ("shape.txt", "G2211\tCCCCC\t\t\t1\t2024001\t\t\n", "type 1 add-on code needs"),
            ("code.txt", "G22\t99213\t\t\t1\t2024001\t\t\n", "add-on code must be"),
            ("extra.txt", "G2211\t99213\t\t\t1\t2024001\t\tnote\textra\n", "expected 8"),
        ];
        for (name, body, reason) in cases {
            let error = load_add_ons(&write(name, &format!("{HEADER}{body}"))).unwrap_err();
            assert!(error.reason.contains(reason), "{name}: {error}");
            assert_eq!(error.line, Some(3), "{name}: {error}");
        }
        let unknown = load_add_ons(&write("unknown.txt", "Add-On Code\tPrimary Code\tColour\n")).unwrap_err();
        assert!(unknown.reason.contains("unknown add-on code column"), "{unknown}");
        let missing = load_add_ons(&write("missing.txt", "Add-On Code\tPrimary Code\n")).unwrap_err();
        assert!(missing.reason.contains("AOC Edit Type"), "{missing}");
    }
}
