//! NCCI add-on code (AOC) edits: an add-on code is paid only with an acceptable primary
//! code for the same beneficiary, practitioner and date of service. Each row pairs an
//! add-on code with one primary code (or `CCCCC`, contractor-defined primaries) and gives
//! the AOC type:
//!
//! - type 1: the listed primaries are the only acceptable ones;
//! - type 2: no primary is listed; each contractor (MAC) keeps its own list;
//! - type 3: some primaries are listed; a contractor may accept others.
//!
//! **Check.** Types 1 and 3: a finding when none of the listed primaries in force is on
//! the claim on the add-on's date (for type 3 the finding says a contractor may accept
//! another primary). Type 2: a finding only when the add-on has no other, non-add-on code
//! beside it on that date. The add-on and its primary must share the date of service;
//! CMS's rare exceptions (99291 with 99292 across midnight) are not modelled.
//!
//! **Dates** are read like PTP dates: a deletion date is the last day in force.

use std::fmt;

use crate::codes::Date;

use super::code::NcciCode;
use super::{date_range, pack_deletion, unpack_deletion, Line, NcciRowError, Texts};

/// The AOC edit type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AocType {
    /// Type 1: only the listed primary codes.
    One,
    /// Type 2: contractor-defined primary codes (`CCCCC` in the file).
    Two,
    /// Type 3: the listed primary codes, and others a contractor may accept.
    Three,
}

impl AocType {
    /// The type as the files write it: `1`, `2` or `3`.
    pub fn from_data(text: &str) -> Option<AocType> {
        match text {
            "1" => Some(AocType::One),
            "2" => Some(AocType::Two),
            "3" => Some(AocType::Three),
            _ => None,
        }
    }

    /// 1, 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            AocType::One => 1,
            AocType::Two => 2,
            AocType::Three => 3,
        }
    }
}

/// One AOC row as the loader reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddOnRecord<'a> {
    /// The add-on code.
    pub add_on: NcciCode,
    /// The primary code; `None` for `CCCCC` (contractor-defined primaries).
    pub primary: Option<NcciCode>,
    /// AOC type.
    pub aoc_type: AocType,
    /// Last day the add-on code itself is valid, when deleted.
    pub add_on_deletion: Option<Date>,
    /// Last day the primary code is valid, when deleted.
    pub primary_deletion: Option<Date>,
    /// First day the edit is in force.
    pub edit_effective: Date,
    /// Last day the edit is in force, when deleted.
    pub edit_deletion: Option<Date>,
    /// Special instruction notes (may be empty).
    pub notes: &'a str,
}

/// One stored AOC row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddOnEdit {
    add_on: NcciCode,
    primary: Option<NcciCode>,
    aoc_type: AocType,
    notes: u16,
    edit_effective: Date,
    edit_deletion: i32,
    add_on_deletion: i32,
    primary_deletion: i32,
    line: u32,
}

impl AddOnEdit {
    /// The add-on code.
    pub fn add_on(&self) -> NcciCode {
        self.add_on
    }

    /// The primary code; `None` for contractor-defined primaries (`CCCCC`).
    pub fn primary(&self) -> Option<NcciCode> {
        self.primary
    }

    /// AOC type.
    pub fn aoc_type(&self) -> AocType {
        self.aoc_type
    }

    /// First day the edit is in force.
    pub fn edit_effective(&self) -> Date {
        self.edit_effective
    }

    /// Last day the edit is in force, when deleted.
    pub fn edit_deletion(&self) -> Option<Date> {
        unpack_deletion(self.edit_deletion)
    }

    /// 1-based line of the row in its file.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// Whether the edit (and the add-on code) is in force on `date`.
    pub fn applies_on(&self, date: Date) -> bool {
        let days = date.days_since_epoch();
        self.edit_effective <= date && days <= self.edit_deletion && days <= self.add_on_deletion
    }

    /// The listed primary code, when it is still valid on `date`.
    fn primary_on(&self, date: Date) -> Option<NcciCode> {
        self.primary.filter(|_| date.days_since_epoch() <= self.primary_deletion)
    }
}

/// The AOC table, sorted by (add-on, primary, edit effective date).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddOnTable {
    file: String,
    rows: Vec<AddOnEdit>,
    notes: Texts,
}

impl AddOnTable {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no rows (not loaded).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every row.
    pub fn iter(&self) -> impl Iterator<Item = &AddOnEdit> + '_ {
        self.rows.iter()
    }

    /// Every row of add-on code `add_on`.
    pub fn rows_of(&self, add_on: NcciCode) -> &[AddOnEdit] {
        let first = self.rows.partition_point(|row| row.add_on < add_on);
        let count = self.rows[first..].iter().take_while(|row| row.add_on == add_on).count();
        &self.rows[first..first + count]
    }

    /// Whether `code` is an add-on code with an edit in force on `date`.
    pub fn is_add_on(&self, code: NcciCode, date: Date) -> bool {
        self.rows_of(code).iter().any(|row| row.applies_on(date))
    }

    /// The listed primary codes of `add_on` in force on `date`.
    pub fn primaries_on(&self, add_on: NcciCode, date: Date) -> Vec<NcciCode> {
        let mut primaries: Vec<NcciCode> = self
            .rows_of(add_on)
            .iter()
            .filter(|row| row.applies_on(date))
            .filter_map(|row| row.primary_on(date))
            .collect();
        primaries.dedup();
        primaries
    }

    /// The special instruction notes of a row.
    pub fn notes(&self, edit: &AddOnEdit) -> &str {
        self.notes.get(edit.notes)
    }

    /// The name of the file the table was read from.
    pub fn file_name(&self) -> &str {
        &self.file
    }

    /// The rows of an add-on in force on a date, as a finding quotes them.
    fn describe(&self, version: &str, rows: &[&AddOnEdit]) -> String {
        let mut text = format!("NCCI {version} AOC, {}:", self.file);
        for row in rows {
            let primary = row.primary.map_or_else(|| "CCCCC (contractor-defined)".to_string(), |code| code.to_string());
            text.push_str(&format!(
                " line {}: add-on {} primary {primary} type {}, edit in force {};",
                row.line,
                row.add_on,
                row.aoc_type.number(),
                date_range(row.edit_effective, row.edit_deletion())
            ));
        }
        text.pop();
        text
    }

    /// Approximate heap bytes held by the table.
    pub fn heap_bytes(&self) -> usize {
        self.rows.capacity() * size_of::<AddOnEdit>() + self.notes.heap_bytes() + self.file.capacity()
    }
}

/// Builds an [`AddOnTable`] row by row.
#[derive(Debug, Default)]
pub struct AddOnTableBuilder {
    table: AddOnTable,
}

impl AddOnTableBuilder {
    /// An empty builder for the table read from the file named `file`.
    pub fn new(file: &str) -> AddOnTableBuilder {
        AddOnTableBuilder { table: AddOnTable { file: file.to_string(), ..AddOnTable::default() } }
    }

    /// Adds the row read at `line`: type 1 needs a listed primary, type 2 needs `CCCCC`.
    pub fn push(&mut self, line: u32, record: &AddOnRecord<'_>) -> Result<(), NcciRowError> {
        match (record.aoc_type, record.primary) {
            (AocType::One, None) => {
                return Err(NcciRowError::AddOnShape("a type 1 add-on code needs a listed primary code".into()));
            }
            (AocType::Two, Some(primary)) => {
                return Err(NcciRowError::AddOnShape(format!(
                    "a type 2 add-on code has contractor-defined primaries (CCCCC), got {primary}"
                )));
            }
            _ => {}
        }
        if let Some(deletion) = record.edit_deletion.filter(|&deletion| deletion < record.edit_effective) {
            return Err(NcciRowError::DeletionBeforeEffective { effective: record.edit_effective, deletion });
        }
        let notes = self.table.notes.intern(record.notes)?;
        self.table.rows.push(AddOnEdit {
            add_on: record.add_on,
            primary: record.primary,
            aoc_type: record.aoc_type,
            notes,
            edit_effective: record.edit_effective,
            edit_deletion: pack_deletion(record.edit_deletion),
            add_on_deletion: pack_deletion(record.add_on_deletion),
            primary_deletion: pack_deletion(record.primary_deletion),
            line,
        });
        Ok(())
    }

    /// The table, sorted for lookups.
    pub fn finish(mut self) -> AddOnTable {
        self.table.rows.sort_unstable_by_key(|row| (row.add_on, row.primary, row.edit_effective, row.line));
        self.table.rows.shrink_to_fit();
        self.table.notes.shrink();
        self.table
    }
}

/// An add-on code billed without an acceptable primary code on its date of service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddOnFinding {
    /// Position of the add-on line.
    pub add_on_line: usize,
    /// The add-on code.
    pub add_on_code: NcciCode,
    /// The date of service.
    pub date_of_service: Date,
    /// The AOC type of the rows in force (the lowest number when rows differ).
    pub aoc_type: AocType,
    /// The listed primary codes in force that day (empty for type 2).
    pub listed_primaries: Vec<NcciCode>,
    /// Whether a contractor may accept a primary code not listed (types 2 and 3).
    pub contractor_may_accept_others: bool,
    /// The rule set version, file, and the rows in force with their lines.
    pub rule_row: String,
}

impl fmt::Display for AddOnFinding {
    /// `AOC (type 1): line 3 G2211 on 2026-01-15 without a listed primary (99202, 99203):
    /// <rows>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "AOC (type {}): line {} {} on {} ",
            self.aoc_type.number(),
            self.add_on_line,
            self.add_on_code,
            self.date_of_service
        )?;
        if self.listed_primaries.is_empty() {
            f.write_str("without any other service that day (primaries are contractor-defined)")?;
        } else {
            let listed: Vec<&str> = self.listed_primaries.iter().map(NcciCode::as_str).collect();
            write!(f, "without a listed primary ({})", listed.join(", "))?;
            if self.contractor_may_accept_others {
                f.write_str("; the contractor may accept another primary")?;
            }
        }
        write!(f, ": {}", self.rule_row)
    }
}

/// The add-on findings among `lines`.
pub(super) fn check(table: &AddOnTable, version: &str, lines: &[Line<'_>]) -> Vec<AddOnFinding> {
    let mut findings = Vec::new();
    if table.is_empty() {
        return findings;
    }
    for line in lines {
        let Some(add_on) = line.code else { continue };
        let date = line.source.date_of_service;
        let rows: Vec<&AddOnEdit> = table.rows_of(add_on).iter().filter(|row| row.applies_on(date)).collect();
        let Some(aoc_type) = rows.iter().map(|row| row.aoc_type).min() else { continue };
        let listed = table.primaries_on(add_on, date);
        let on_date = || lines.iter().filter(|other| other.source.date_of_service == date && other.code.is_some());
        let satisfied = if listed.is_empty() && aoc_type == AocType::Two {
            on_date().any(|other| other.code.is_some_and(|code| code != add_on && !table.is_add_on(code, date)))
        } else {
            on_date().any(|other| other.code.is_some_and(|code| listed.contains(&code)))
        };
        if satisfied {
            continue;
        }
        findings.push(AddOnFinding {
            add_on_line: line.source.position,
            add_on_code: add_on,
            date_of_service: date,
            aoc_type,
            contractor_may_accept_others: rows.iter().any(|row| row.aoc_type != AocType::One),
            listed_primaries: listed,
            rule_row: table.describe(version, &rows),
        });
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::ncci::ClaimLine;

    fn code(text: &str) -> NcciCode {
        NcciCode::from_data(text).unwrap()
    }

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn record(add_on: &str, primary: Option<&str>, aoc_type: AocType, deletion: Option<&str>) -> AddOnRecord<'static> {
        AddOnRecord {
            add_on: code(add_on),
            primary: primary.map(code),
            aoc_type,
            add_on_deletion: None,
            primary_deletion: None,
            edit_effective: date("2024-01-01"),
            edit_deletion: deletion.map(date),
            notes: "",
        }
    }

    fn table() -> AddOnTable {
        let mut builder = AddOnTableBuilder::new("aoc-test.txt");
        builder.push(2, &record("G2211", Some("99213"), AocType::One, None)).unwrap();
        builder.push(3, &record("G2211", Some("99211"), AocType::One, Some("2024-12-31"))).unwrap();
        builder.push(4, &record("69990", None, AocType::Two, None)).unwrap();
        builder.push(5, &record("90472", Some("90471"), AocType::Three, None)).unwrap();
        assert!(builder.push(6, &record("69990", Some("64721"), AocType::Two, None)).is_err());
        assert!(builder.push(7, &record("G2211", None, AocType::One, None)).is_err());
        builder.finish()
    }

    fn run(table: &AddOnTable, codes: &[&str], on: &str) -> Vec<AddOnFinding> {
        let none: Vec<String> = Vec::new();
        let claim: Vec<ClaimLine<'_>> = codes
            .iter()
            .enumerate()
            .map(|(index, code)| ClaimLine {
                position: index + 1,
                code,
                modifiers: &none,
                units: 1,
                date_of_service: date(on),
            })
            .collect();
        check(table, "test", &Line::of_claim(&claim))
    }

    #[test]
    fn type_one_needs_a_listed_primary_in_force() {
        let table = table();
        assert!(run(&table, &["99213", "G2211"], "2026-01-15").is_empty());
        assert!(run(&table, &["99211", "G2211"], "2024-12-31").is_empty());
        let after = run(&table, &["99211", "G2211"], "2025-01-01");
        assert_eq!(after.len(), 1);
        assert_eq!(after[0].listed_primaries, vec![code("99213")]);
        assert!(!after[0].contractor_may_accept_others);
        assert!(run(&table, &["G2211"], "2023-12-31").is_empty(), "not an add-on before its edit");
    }

    #[test]
    fn type_two_needs_any_other_service_and_type_three_says_others_may_do() {
        let table = table();
        let alone = run(&table, &["69990"], "2026-01-15");
        assert_eq!((alone.len(), alone[0].aoc_type), (1, AocType::Two));
        assert!(alone[0].to_string().contains("contractor-defined"), "{}", alone[0]);
        assert!(run(&table, &["64721", "69990"], "2026-01-15").is_empty());
        assert_eq!(run(&table, &["G2211", "69990"], "2026-01-15").len(), 2, "an add-on is no primary");
        let type3 = run(&table, &["96372", "90472"], "2026-01-15");
        assert!(type3[0].contractor_may_accept_others);
        assert!(type3[0].rule_row.contains("line 5: add-on 90472 primary 90471 type 3"), "{}", type3[0].rule_row);
    }
}
