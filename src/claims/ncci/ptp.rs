//! NCCI procedure-to-procedure (PTP) edits: a table of (column 1, column 2) code pairs with
//! their dates and modifier indicator, and the check that finds the pairs billed together.
//!
//! **Dates.** A row is in force on a date of service `d` when `effective ≤ d` and, if the
//! row has a deletion date, `d ≤ deletion`: the CMS deletion date is the *last* day the edit
//! is in force (FORMATS.md §3.1). Rows with modifier indicator 9 never fire; CMS writes
//! them for edits deleted retroactively, usually with deletion date = effective date.
//! A pair can have several rows over time; on a given day the strictest row in force wins.

use std::fmt;

use crate::codes::Date;

use super::code::NcciCode;
use super::modifiers::{associated_among, NCCI_ASSOCIATED_MODIFIERS};
use super::{date_range, pack_deletion, unpack_deletion, Line, NcciRowError, Texts};

/// Which PTP table: CMS publishes one for practitioners and one for outpatient hospitals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PtpTableKind {
    /// Physicians, other practitioners and ASCs (`ccipra-*` files).
    #[default]
    Practitioner,
    /// Outpatient hospital services under the OCE (`ccioph-*` files).
    OutpatientHospital,
}

impl PtpTableKind {
    /// `practitioner` or `outpatient hospital`.
    pub fn name(self) -> &'static str {
        match self {
            PtpTableKind::Practitioner => "practitioner",
            PtpTableKind::OutpatientHospital => "outpatient hospital",
        }
    }
}

/// Whether an NCCI-associated modifier may bypass the edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ModifierIndicator {
    /// `0`: no modifier bypasses the edit.
    NotAllowed,
    /// `1`: an NCCI-associated modifier on either line bypasses the edit.
    Allowed,
    /// `9`: not applicable; the edit was deleted (retroactively) and never fires.
    NotApplicable,
}

impl ModifierIndicator {
    /// The indicator as the files write it: `0`, `1` or `9`.
    pub fn from_data(text: &str) -> Option<ModifierIndicator> {
        match text {
            "0" => Some(ModifierIndicator::NotAllowed),
            "1" => Some(ModifierIndicator::Allowed),
            "9" => Some(ModifierIndicator::NotApplicable),
            _ => None,
        }
    }

    /// `0`, `1` or `9`.
    pub fn digit(self) -> char {
        match self {
            ModifierIndicator::NotAllowed => '0',
            ModifierIndicator::Allowed => '1',
            ModifierIndicator::NotApplicable => '9',
        }
    }
}

/// One PTP row as the loader reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PtpRecord<'a> {
    /// Column 1 (comprehensive) code.
    pub column1: NcciCode,
    /// Column 2 (component) code.
    pub column2: NcciCode,
    /// `*` in the third column: the edit existed before 1996.
    pub before_1996: bool,
    /// First day in force.
    pub effective: Date,
    /// Last day in force; `None` for `*` (no deletion).
    pub deletion: Option<Date>,
    /// Modifier indicator.
    pub modifier_indicator: ModifierIndicator,
    /// PTP edit rationale text.
    pub rationale: &'a str,
}

/// One stored PTP row (28 bytes); text fields are resolved through its [`PtpTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PtpEdit {
    column1: NcciCode,
    column2: NcciCode,
    modifier_indicator: ModifierIndicator,
    before_1996: bool,
    rationale: u16,
    file: u16,
    effective: Date,
    deletion: i32,
    line: u32,
}

impl PtpEdit {
    /// Column 1 (comprehensive) code.
    pub fn column1(&self) -> NcciCode {
        self.column1
    }

    /// Column 2 (component) code.
    pub fn column2(&self) -> NcciCode {
        self.column2
    }

    /// Whether the edit existed before 1996 (`*` in the file).
    pub fn before_1996(&self) -> bool {
        self.before_1996
    }

    /// First day in force.
    pub fn effective(&self) -> Date {
        self.effective
    }

    /// Last day in force; `None` while the edit is not deleted.
    pub fn deletion(&self) -> Option<Date> {
        unpack_deletion(self.deletion)
    }

    /// Modifier indicator.
    pub fn modifier_indicator(&self) -> ModifierIndicator {
        self.modifier_indicator
    }

    /// 1-based line of the row in its file.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// Whether the row is in force on `date`: effective ≤ date ≤ deletion (when deleted).
    pub fn applies_on(&self, date: Date) -> bool {
        self.effective <= date && date.days_since_epoch() <= self.deletion
    }
}

/// One PTP table, sorted by (column 1, column 2, effective date).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PtpTable {
    kind: PtpTableKind,
    rows: Vec<PtpEdit>,
    rationales: Texts,
    files: Texts,
}

impl PtpTable {
    /// Which table this is.
    pub fn kind(&self) -> PtpTableKind {
        self.kind
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no rows (not loaded).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every row, in (column 1, column 2, effective) order.
    pub fn iter(&self) -> impl Iterator<Item = &PtpEdit> + '_ {
        self.rows.iter()
    }

    /// Every row of the pair, oldest first.
    pub fn history(&self, column1: NcciCode, column2: NcciCode) -> &[PtpEdit] {
        let first = self.rows.partition_point(|row| (row.column1, row.column2) < (column1, column2));
        let count =
            self.rows[first..].iter().take_while(|row| (row.column1, row.column2) == (column1, column2)).count();
        &self.rows[first..first + count]
    }

    /// The row of the pair in force on `date`; when several are, the strictest (indicator
    /// 0, then 1, then 9).
    pub fn edit_on(&self, column1: NcciCode, column2: NcciCode, date: Date) -> Option<&PtpEdit> {
        self.history(column1, column2)
            .iter()
            .filter(|row| row.applies_on(date))
            .min_by_key(|row| row.modifier_indicator)
    }

    /// The PTP edit rationale of a row.
    pub fn rationale(&self, edit: &PtpEdit) -> &str {
        self.rationales.get(edit.rationale)
    }

    /// The name of the file a row was read from.
    pub fn file_name(&self, edit: &PtpEdit) -> &str {
        self.files.get(edit.file)
    }

    /// The row as a finding quotes it: table, file, line and every field.
    pub fn describe(&self, version: &str, edit: &PtpEdit) -> String {
        let before = if edit.before_1996 { ", in existence before 1996" } else { "" };
        format!(
            "NCCI {version} {} PTP, {} line {}: column 1 {}, column 2 {}, in force {}{before}, modifier indicator {}, \
             rationale {:?}",
            self.kind.name(),
            self.file_name(edit),
            edit.line,
            edit.column1,
            edit.column2,
            date_range(edit.effective, edit.deletion()),
            edit.modifier_indicator.digit(),
            self.rationale(edit),
        )
    }

    /// Approximate heap bytes held by the table.
    pub fn heap_bytes(&self) -> usize {
        self.rows.capacity() * size_of::<PtpEdit>() + self.rationales.heap_bytes() + self.files.heap_bytes()
    }
}

/// Builds a [`PtpTable`] from the rows of one or more files (CMS splits a quarter into
/// `-f1` … `-f4` by code range).
#[derive(Debug, Default)]
pub struct PtpTableBuilder {
    table: PtpTable,
}

impl PtpTableBuilder {
    /// An empty builder for the table of `kind`.
    pub fn new(kind: PtpTableKind) -> PtpTableBuilder {
        PtpTableBuilder { table: PtpTable { kind, ..PtpTable::default() } }
    }

    /// Registers a source file; rows pushed with the returned id name it.
    pub fn add_file(&mut self, name: &str) -> Result<u16, NcciRowError> {
        self.table.files.intern(name)
    }

    /// Adds one row read at `line` of file `file`.
    pub fn push(&mut self, file: u16, line: u32, record: &PtpRecord<'_>) -> Result<(), NcciRowError> {
        if let Some(deletion) = record.deletion.filter(|&deletion| deletion < record.effective) {
            return Err(NcciRowError::DeletionBeforeEffective { effective: record.effective, deletion });
        }
        let rationale = self.table.rationales.intern(record.rationale)?;
        self.table.rows.push(PtpEdit {
            column1: record.column1,
            column2: record.column2,
            modifier_indicator: record.modifier_indicator,
            before_1996: record.before_1996,
            rationale,
            file,
            effective: record.effective,
            deletion: pack_deletion(record.deletion),
            line,
        });
        Ok(())
    }

    /// Number of rows pushed so far.
    pub fn len(&self) -> usize {
        self.table.rows.len()
    }

    /// Whether no row was pushed.
    pub fn is_empty(&self) -> bool {
        self.table.rows.is_empty()
    }

    /// The table, sorted for lookups.
    pub fn finish(mut self) -> PtpTable {
        self.table.rows.sort_unstable_by_key(|row| (row.column1, row.column2, row.effective, row.file, row.line));
        self.table.rows.shrink_to_fit();
        self.table.rationales.shrink();
        self.table.files.shrink();
        self.table
    }
}

/// A PTP edit that fired: the two claim lines, the row, and what the modifiers do to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtpFinding {
    /// The table the edit comes from.
    pub table: PtpTableKind,
    /// Position of the claim line with the column 1 code.
    pub column1_line: usize,
    /// The column 1 code.
    pub column1_code: NcciCode,
    /// Position of the claim line with the column 2 code (the one denied).
    pub column2_line: usize,
    /// The column 2 code.
    pub column2_code: NcciCode,
    /// The date of service both lines share.
    pub date_of_service: Date,
    /// The row's modifier indicator (0 or 1; rows with 9 never fire).
    pub modifier_indicator: ModifierIndicator,
    /// NCCI-associated modifiers on either line, column 1 line first, upper-cased.
    pub associated_modifiers: Vec<String>,
    /// Whether a modifier on the claim bypasses the edit: indicator 1 and at least one
    /// NCCI-associated modifier on either line.
    pub bypassed: bool,
    /// The modifiers that would bypass the edit: every NCCI-associated modifier for
    /// indicator 1, none for indicator 0.
    pub bypass_modifiers: &'static [&'static str],
    /// The rule set version, table, file, line and fields of the row.
    pub rule_row: String,
}

impl fmt::Display for PtpFinding {
    /// `PTP (practitioner): line 1 45385 / line 2 45380 on 2026-01-15, modifier indicator 1,
    /// bypassed by 59: <row>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PTP ({}): line {} {} / line {} {} on {}, modifier indicator {}, ",
            self.table.name(),
            self.column1_line,
            self.column1_code,
            self.column2_line,
            self.column2_code,
            self.date_of_service,
            self.modifier_indicator.digit()
        )?;
        match (self.bypassed, self.modifier_indicator) {
            (true, _) => write!(f, "bypassed by {}", self.associated_modifiers.join(", "))?,
            (false, ModifierIndicator::Allowed) => f.write_str("not bypassed (an NCCI-associated modifier would)")?,
            (false, _) => f.write_str("no modifier bypasses it")?,
        }
        write!(f, ": {}", self.rule_row)
    }
}

/// The PTP findings among `lines`: every ordered pair of lines on the same date of service
/// whose codes are a (column 1, column 2) pair in force that day with indicator 0 or 1.
pub(super) fn check(table: &PtpTable, version: &str, lines: &[Line<'_>]) -> Vec<PtpFinding> {
    let mut findings = Vec::new();
    if table.is_empty() {
        return findings;
    }
    for first in lines {
        let Some(column1) = first.code else { continue };
        for second in lines {
            let Some(column2) = second.code else { continue };
            let date = first.source.date_of_service;
            if column1 == column2 || second.source.date_of_service != date {
                continue;
            }
            let Some(edit) = table.edit_on(column1, column2, date) else { continue };
            if edit.modifier_indicator == ModifierIndicator::NotApplicable {
                continue;
            }
            let associated = associated_among(first.source.modifiers.iter().chain(second.source.modifiers));
            let allowed = edit.modifier_indicator == ModifierIndicator::Allowed;
            findings.push(PtpFinding {
                table: table.kind,
                column1_line: first.source.position,
                column1_code: column1,
                column2_line: second.source.position,
                column2_code: column2,
                date_of_service: date,
                modifier_indicator: edit.modifier_indicator,
                bypassed: allowed && !associated.is_empty(),
                associated_modifiers: associated,
                bypass_modifiers: if allowed { NCCI_ASSOCIATED_MODIFIERS } else { &[] },
                rule_row: table.describe(version, edit),
            });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::ncci::ClaimLine;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn code(text: &str) -> NcciCode {
        NcciCode::from_data(text).unwrap()
    }

    fn record<'a>(pair: (&str, &str), dates: (&str, Option<&str>), indicator: &str, why: &'a str) -> PtpRecord<'a> {
        PtpRecord {
            column1: code(pair.0),
            column2: code(pair.1),
            before_1996: false,
            effective: date(dates.0),
            deletion: dates.1.map(date),
            modifier_indicator: ModifierIndicator::from_data(indicator).unwrap(),
            rationale: why,
        }
    }

    fn table() -> PtpTable {
        let mut builder = PtpTableBuilder::new(PtpTableKind::Practitioner);
        let file = builder.add_file("ccipra-test.txt").unwrap();
        builder.push(file, 7, &record(("45385", "45380"), ("20100101", None), "1", "Standards")).unwrap();
        builder.push(file, 8, &record(("45380", "45378"), ("20090101", Some("20090101")), "9", "Coding")).unwrap();
        builder.push(file, 9, &record(("45380", "45378"), ("20100101", None), "0", "Coding")).unwrap();
        builder.push(file, 10, &record(("96372", "36415"), ("20120101", Some("20231231")), "1", "Misuse")).unwrap();
        builder.finish()
    }

    #[test]
    fn rows_apply_through_their_deletion_date() {
        let table = table();
        let edit = table.edit_on(code("96372"), code("36415"), date("2023-12-31")).unwrap();
        assert_eq!(edit.line(), 10);
        assert!(table.edit_on(code("96372"), code("36415"), date("2024-01-01")).is_none());
        assert!(table.edit_on(code("96372"), code("36415"), date("2011-12-31")).is_none());
        let retro = table.edit_on(code("45380"), code("45378"), date("2009-01-01")).unwrap();
        assert_eq!(retro.modifier_indicator(), ModifierIndicator::NotApplicable);
        let current = table.edit_on(code("45380"), code("45378"), date("2026-01-15")).unwrap();
        assert_eq!((current.modifier_indicator(), current.line()), (ModifierIndicator::NotAllowed, 9));
        assert_eq!(table.history(code("45380"), code("45378")).len(), 2);
        assert!(table.edit_on(code("45380"), code("45385"), date("2026-01-15")).is_none(), "pairs are ordered");
        assert_eq!(
            table.describe("test", current),
            "NCCI test practitioner PTP, ccipra-test.txt line 9: column 1 45380, column 2 45378, in force \
             2010-01-01.., modifier indicator 0, rationale \"Coding\""
        );
    }

    #[test]
    fn rows_stay_small() {
        assert_eq!(size_of::<PtpEdit>(), 28, "2.6 million rows a quarter");
    }

    #[test]
    fn deletion_before_effective_is_refused() {
        let mut builder = PtpTableBuilder::new(PtpTableKind::Practitioner);
        let bad = record(("45385", "45380"), ("20100101", Some("20091231")), "1", "x");
        assert!(matches!(builder.push(0, 1, &bad), Err(NcciRowError::DeletionBeforeEffective { .. })));
    }

    #[test]
    fn indicator_one_is_bypassed_by_a_modifier_on_either_line_and_zero_never() {
        let table = table();
        let none: Vec<String> = Vec::new();
        let xs = vec!["xs".to_string()];
        let dos = date("2026-01-15");
        let claim = [
            ClaimLine { position: 1, code: "45385", modifiers: &none, units: 1, date_of_service: dos },
            ClaimLine { position: 2, code: "45380", modifiers: &xs, units: 1, date_of_service: dos },
            ClaimLine { position: 3, code: "45378", modifiers: &xs, units: 1, date_of_service: dos },
        ];
        let found = check(&table, "test", &Line::of_claim(&claim));
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].column1_line, found[0].column2_line), (1, 2));
        assert!(found[0].bypassed);
        assert_eq!(found[0].associated_modifiers, vec!["XS".to_string()]);
        assert_eq!(found[0].bypass_modifiers.len(), 44);
        assert_eq!((found[1].column1_line, found[1].column2_line), (2, 3));
        assert!(!found[1].bypassed);
        assert!(found[1].bypass_modifiers.is_empty());
        assert!(found[1].to_string().contains("no modifier bypasses it"), "{}", found[1]);
    }
}
