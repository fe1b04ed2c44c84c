//! NCCI medically unlikely edits (MUE): per code, the most units of service a provider
//! would report for one beneficiary, and whether the limit is per claim line (MAI 1) or
//! per date of service (MAI 2 policy, MAI 3 clinical). A table has no dates: each quarterly
//! file is a full snapshot, its effective date in the file name only.

use std::collections::HashMap;
use std::fmt;

use crate::codes::Date;

use super::code::NcciCode;
use super::{Line, NcciRowError, Texts};

/// Which MUE table: CMS publishes three.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum MueTableKind {
    /// Practitioner services (`MCR_MUE_PractitionerServices_*`).
    #[default]
    Practitioner,
    /// Outpatient hospital services (`MCR_MUE_OutpatientHospitalServices_*`).
    OutpatientHospital,
    /// DME supplier services (`MCR_MUE_DMESupplierServices_*`).
    DmeSupplier,
}

impl MueTableKind {
    /// `practitioner`, `outpatient hospital` or `DME supplier`.
    pub fn name(self) -> &'static str {
        match self {
            MueTableKind::Practitioner => "practitioner",
            MueTableKind::OutpatientHospital => "outpatient hospital",
            MueTableKind::DmeSupplier => "DME supplier",
        }
    }

    /// The second header cell of the table's CSV: `Practitioner Services MUE Values`.
    pub fn value_header(self) -> &'static str {
        match self {
            MueTableKind::Practitioner => "Practitioner Services MUE Values",
            MueTableKind::OutpatientHospital => "Outpatient Hospital Services MUE Values",
            MueTableKind::DmeSupplier => "DME Supplier Services MUE Values",
        }
    }
}

/// The MUE adjudication indicator (MAI): how units are counted against the MUE value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MueAdjudication {
    /// `1 Line Edit`: the units of each claim line are compared on their own.
    Line,
    /// `2 Date of Service Edit: Policy`: the units of every line with the code on one date
    /// of service are summed (an absolute limit set by policy).
    DateOfServicePolicy,
    /// `3 Date of Service Edit: Clinical`: summed per date of service (a clinical limit).
    DateOfServiceClinical,
}

impl MueAdjudication {
    /// The indicator as the files write it (number and label in one cell, blanks and case
    /// around the words ignored): `1 Line Edit`, `2 Date of Service Edit: Policy`,
    /// `3 Date of Service Edit: Clinical`.
    pub fn from_data(text: &str) -> Option<MueAdjudication> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let normalised = words.join(" ").to_ascii_lowercase();
        [MueAdjudication::Line, MueAdjudication::DateOfServicePolicy, MueAdjudication::DateOfServiceClinical]
            .into_iter()
            .find(|mai| mai.label().eq_ignore_ascii_case(&normalised))
    }

    /// The number CMS gives the indicator: 1, 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            MueAdjudication::Line => 1,
            MueAdjudication::DateOfServicePolicy => 2,
            MueAdjudication::DateOfServiceClinical => 3,
        }
    }

    /// The cell text: `2 Date of Service Edit: Policy`.
    pub fn label(self) -> &'static str {
        match self {
            MueAdjudication::Line => "1 Line Edit",
            MueAdjudication::DateOfServicePolicy => "2 Date of Service Edit: Policy",
            MueAdjudication::DateOfServiceClinical => "3 Date of Service Edit: Clinical",
        }
    }

    /// Whether units are summed over the lines of a date of service (MAI 2 and 3).
    pub fn per_date_of_service(self) -> bool {
        self != MueAdjudication::Line
    }
}

/// One MUE row as the loader reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MueRecord<'a> {
    /// HCPCS/CPT code.
    pub code: NcciCode,
    /// Most units allowed (per line or per date of service).
    pub value: u32,
    /// How units are counted.
    pub adjudication: MueAdjudication,
    /// MUE rationale text.
    pub rationale: &'a str,
}

/// One stored MUE row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MueEdit {
    code: NcciCode,
    adjudication: MueAdjudication,
    rationale: u16,
    value: u32,
    line: u32,
}

impl MueEdit {
    /// The code.
    pub fn code(&self) -> NcciCode {
        self.code
    }

    /// Most units allowed.
    pub fn value(&self) -> u32 {
        self.value
    }

    /// How units are counted.
    pub fn adjudication(&self) -> MueAdjudication {
        self.adjudication
    }

    /// 1-based line of the row in its file (the line the CSV record starts on).
    pub fn line(&self) -> u32 {
        self.line
    }
}

/// One MUE table, sorted by code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MueTable {
    kind: MueTableKind,
    file: String,
    rows: Vec<MueEdit>,
    rationales: Texts,
}

impl MueTable {
    /// Which table this is.
    pub fn kind(&self) -> MueTableKind {
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

    /// Every row, by code.
    pub fn iter(&self) -> impl Iterator<Item = &MueEdit> + '_ {
        self.rows.iter()
    }

    /// The MUE of `code`.
    pub fn get(&self, code: NcciCode) -> Option<&MueEdit> {
        self.rows.binary_search_by_key(&code, |row| row.code).ok().and_then(|index| self.rows.get(index))
    }

    /// The MUE rationale of a row.
    pub fn rationale(&self, edit: &MueEdit) -> &str {
        self.rationales.get(edit.rationale)
    }

    /// The name of the file the table was read from.
    pub fn file_name(&self) -> &str {
        &self.file
    }

    /// The row as a finding quotes it.
    pub fn describe(&self, version: &str, edit: &MueEdit) -> String {
        format!(
            "NCCI {version} {} MUE, {} line {}: {}, MUE value {}, adjudication {:?}, rationale {:?}",
            self.kind.name(),
            self.file,
            edit.line,
            edit.code,
            edit.value,
            edit.adjudication.label(),
            self.rationale(edit)
        )
    }

    /// Approximate heap bytes held by the table.
    pub fn heap_bytes(&self) -> usize {
        self.rows.capacity() * size_of::<MueEdit>() + self.rationales.heap_bytes() + self.file.capacity()
    }
}

/// Builds a [`MueTable`] row by row, refusing a code listed twice.
#[derive(Debug, Default)]
pub struct MueTableBuilder {
    table: MueTable,
    seen: HashMap<NcciCode, u32>,
}

impl MueTableBuilder {
    /// An empty builder for the table of `kind` read from the file named `file`.
    pub fn new(kind: MueTableKind, file: &str) -> MueTableBuilder {
        MueTableBuilder {
            table: MueTable { kind, file: file.to_string(), ..MueTable::default() },
            seen: HashMap::new(),
        }
    }

    /// Adds the row read at `line`.
    pub fn push(&mut self, line: u32, record: &MueRecord<'_>) -> Result<(), NcciRowError> {
        if let Some(&first_line) = self.seen.get(&record.code) {
            return Err(NcciRowError::DuplicateMue { code: record.code, first_line });
        }
        let rationale = self.table.rationales.intern(record.rationale)?;
        self.seen.insert(record.code, line);
        self.table.rows.push(MueEdit {
            code: record.code,
            adjudication: record.adjudication,
            rationale,
            value: record.value,
            line,
        });
        Ok(())
    }

    /// The table, sorted by code.
    pub fn finish(mut self) -> MueTable {
        self.table.rows.sort_unstable_by_key(|row| row.code);
        self.table.rows.shrink_to_fit();
        self.table.rationales.shrink();
        self.table
    }
}

/// Units of a code over its MUE value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MueFinding {
    /// The table the MUE comes from.
    pub table: MueTableKind,
    /// The code.
    pub code: NcciCode,
    /// The date of service.
    pub date_of_service: Date,
    /// How units were counted.
    pub adjudication: MueAdjudication,
    /// The MUE value.
    pub mue_value: u32,
    /// Units counted: the line's (MAI 1) or the sum over the date's lines (MAI 2, 3).
    pub units: u64,
    /// Positions of the lines counted.
    pub lines: Vec<usize>,
    /// The rule set version, table, file, line and fields of the row.
    pub rule_row: String,
}

impl fmt::Display for MueFinding {
    /// `MUE (practitioner, 3 Date of Service Edit: Clinical): 36415 on 2026-01-15, 3 units
    /// on lines 1, 2 over the MUE value 2: <row>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.lines.iter().map(usize::to_string).collect();
        write!(
            f,
            "MUE ({}, {}): {} on {}, {} units on line{} {} over the MUE value {}: {}",
            self.table.name(),
            self.adjudication.label(),
            self.code,
            self.date_of_service,
            self.units,
            if self.lines.len() == 1 { "" } else { "s" },
            lines.join(", "),
            self.mue_value,
            self.rule_row
        )
    }
}

/// The MUE findings among `lines`; `lookup` gives the table and row a code is held to.
pub(super) fn check<'r>(
    lookup: &impl Fn(NcciCode) -> Option<(&'r MueTable, &'r MueEdit)>,
    version: &str,
    lines: &[Line<'_>],
) -> Vec<MueFinding> {
    let mut findings = Vec::new();
    let mut groups: Vec<(NcciCode, Date, u64, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<(NcciCode, Date), usize> = HashMap::new();
    for line in lines {
        let Some(code) = line.code else { continue };
        let Some((table, edit)) = lookup(code) else { continue };
        let date = line.source.date_of_service;
        if !edit.adjudication.per_date_of_service() {
            if line.source.units > edit.value {
                findings.push(finding(
                    table,
                    edit,
                    version,
                    date,
                    u64::from(line.source.units),
                    vec![line.source.position],
                ));
            }
            continue;
        }
        let index = *group_of.entry((code, date)).or_insert_with(|| {
            groups.push((code, date, 0, Vec::new()));
            groups.len() - 1
        });
        if let Some(group) = groups.get_mut(index) {
            group.2 += u64::from(line.source.units);
            group.3.push(line.source.position);
        }
    }
    for (code, date, units, positions) in groups {
        let Some((table, edit)) = lookup(code) else { continue };
        if units > u64::from(edit.value) {
            findings.push(finding(table, edit, version, date, units, positions));
        }
    }
    findings.sort_by_key(|found| found.lines.first().copied());
    findings
}

fn finding(table: &MueTable, edit: &MueEdit, version: &str, date: Date, units: u64, lines: Vec<usize>) -> MueFinding {
    MueFinding {
        table: table.kind,
        code: edit.code,
        date_of_service: date,
        adjudication: edit.adjudication,
        mue_value: edit.value,
        units,
        lines,
        rule_row: table.describe(version, edit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::ncci::ClaimLine;

    fn code(text: &str) -> NcciCode {
        NcciCode::from_data(text).unwrap()
    }

    fn table() -> MueTable {
        let mut builder = MueTableBuilder::new(MueTableKind::Practitioner, "mue-test.csv");
        let line_edit = MueAdjudication::from_data("1 Line Edit").unwrap();
        let dos_edit = MueAdjudication::from_data(" 3  date of service edit: CLINICAL ").unwrap();
        builder
            .push(3, &MueRecord { code: code("97110"), value: 4, adjudication: line_edit, rationale: "Data" })
            .unwrap();
        builder
            .push(4, &MueRecord { code: code("36415"), value: 2, adjudication: dos_edit, rationale: "Data" })
            .unwrap();
        let again = MueRecord { code: code("97110"), value: 1, adjudication: line_edit, rationale: "x" };
        assert_eq!(builder.push(9, &again), Err(NcciRowError::DuplicateMue { code: code("97110"), first_line: 3 }));
        builder.finish()
    }

    #[test]
    fn adjudication_labels_parse_strictly() {
        assert_eq!(
            MueAdjudication::from_data("2 Date of Service Edit: Policy"),
            Some(MueAdjudication::DateOfServicePolicy)
        );
        assert_eq!(MueAdjudication::DateOfServiceClinical.number(), 3);
        assert!(MueAdjudication::from_data("2").is_none());
        assert!(MueAdjudication::from_data("1 Line").is_none());
    }

    #[test]
    fn line_edits_count_each_line_and_date_edits_sum_the_date() {
        let table = table();
        let lookup = |code: NcciCode| table.get(code).map(|edit| (&table, edit));
        let none: Vec<String> = Vec::new();
        let day = Date::parse("2026-01-15").unwrap();
        let other_day = Date::parse("2026-01-16").unwrap();
        let line = |position, code, units, date_of_service| ClaimLine {
            position,
            code,
            modifiers: &none,
            units,
            date_of_service,
        };
        let claim = [
            line(1, "97110", 3, day),
            line(2, "97110", 4, day),
            line(3, "36415", 1, day),
            line(4, "36415", 2, day),
            line(5, "36415", 2, other_day),
            line(6, "97110", 5, other_day),
        ];
        let found = check(&lookup, "test", &Line::of_claim(&claim));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!((found[0].code.as_str(), found[0].units, found[0].lines.clone()), ("36415", 3, vec![3, 4]));
        assert_eq!((found[1].code.as_str(), found[1].units, found[1].lines.clone()), ("97110", 5, vec![6]));
        assert_eq!(
            found[0].rule_row,
            "NCCI test practitioner MUE, mue-test.csv line 4: 36415, MUE value 2, adjudication \
             \"3 Date of Service Edit: Clinical\", rationale \"Data\""
        );
    }
}
