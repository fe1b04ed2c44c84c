//! The CMS Medicare Code Editor (MCE) rule set as data: one release (version, last day it
//! applies), its dated age groups and discharge statuses, and per ICD-10-CM diagnosis and
//! ICD-10-PCS procedure code the dated entries with their edit flags. Built by
//! [`loaders::mce`](crate::loaders::mce); queried by the per-code [`edits`](super::edits).

use crate::codes::Date;

use super::code_table::{CodeTable, MceEntry};
use super::flag::Flag;

/// One dated row of the MCE age-group table (`Maternity 9-64 from 2019-10-01`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeRange {
    /// Group name as the MCE writes it: `Adult`, `Maternity`, `Newborn`, `Pediatric`.
    pub group: String,
    /// Youngest age in the group, in years.
    pub start_age: u8,
    /// Oldest age in the group, in years (inclusive).
    pub end_age: u8,
    /// First day the row applies.
    pub start: Date,
    /// Last day the row applies; `None` while open.
    pub end: Option<Date>,
}

impl AgeRange {
    /// Whether the row applies on `date`.
    pub fn applies_on(&self, date: Date) -> bool {
        self.start <= date && self.end.is_none_or(|end| date <= end)
    }

    /// Whether `age` (years) is inside the group's range, both ends included.
    pub fn contains_age(&self, age: u8) -> bool {
        (self.start_age..=self.end_age).contains(&age)
    }
}

impl std::fmt::Display for AgeRange {
    /// `Maternity 9-64 2019-10-01..`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}-{} {}..", self.group, self.start_age, self.end_age, self.start)?;
        match self.end {
            Some(end) => write!(f, "{end}"),
            None => Ok(()),
        }
    }
}

/// One dated row of the MCE table of valid patient discharge statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DischargeStatus {
    /// The status code (`1` = discharged home, ...).
    pub code: u16,
    /// First day the status is valid.
    pub start: Date,
    /// Last day the status is valid; `None` while open.
    pub end: Option<Date>,
}

/// One MCE release as a dated rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MceRules {
    version_number: u32,
    termination: Date,
    age_ranges: Vec<AgeRange>,
    discharge_statuses: Vec<DischargeStatus>,
    diagnoses: CodeTable,
    procedures: CodeTable,
}

impl MceRules {
    /// Assembles a rule set from its parts (the loader validates them).
    pub fn new(
        version_number: u32,
        termination: Date,
        age_ranges: Vec<AgeRange>,
        discharge_statuses: Vec<DischargeStatus>,
        diagnoses: CodeTable,
        procedures: CodeTable,
    ) -> MceRules {
        MceRules { version_number, termination, age_ranges, discharge_statuses, diagnoses, procedures }
    }

    /// The version as the MCE stores it: `431`.
    pub fn version_number(&self) -> u32 {
        self.version_number
    }

    /// The version as CMS names it: `431` → `43.1`.
    pub fn version(&self) -> String {
        format!("{}.{}", self.version_number / 10, self.version_number % 10)
    }

    /// The last day of service this release applies to (`2026-09-30` for 43.1).
    pub fn termination_date(&self) -> Date {
        self.termination
    }

    /// Every age-group row, in file order.
    pub fn age_ranges(&self) -> &[AgeRange] {
        &self.age_ranges
    }

    /// The row of age group `group` (any case) in force on `date`.
    pub fn age_range(&self, group: &str, date: Date) -> Option<&AgeRange> {
        self.age_ranges.iter().find(|range| range.group.eq_ignore_ascii_case(group) && range.applies_on(date))
    }

    /// Every discharge-status row, in file order.
    pub fn discharge_statuses(&self) -> &[DischargeStatus] {
        &self.discharge_statuses
    }

    /// Whether `status` is a valid patient discharge status on `date`.
    pub fn discharge_status_valid(&self, status: u16, date: Date) -> bool {
        self.discharge_statuses
            .iter()
            .any(|row| row.code == status && row.start <= date && row.end.is_none_or(|end| date <= end))
    }

    /// The ICD-10-CM diagnosis table.
    pub fn diagnoses(&self) -> &CodeTable {
        &self.diagnoses
    }

    /// The ICD-10-PCS procedure table.
    pub fn procedures(&self) -> &CodeTable {
        &self.procedures
    }

    /// The entry of diagnosis `code` (undotted or dotted) in force on `date`.
    pub fn dx_entry(&self, code: &str, date: Date) -> Option<MceEntry<'_>> {
        self.diagnoses.entry_on(code, date)
    }

    /// The entry of procedure `code` in force on `date`.
    pub fn px_entry(&self, code: &str, date: Date) -> Option<MceEntry<'_>> {
        self.procedures.entry_on(code, date)
    }

    /// The flags of diagnosis `code` on `date`: `None` when the code is not in the MCE that
    /// day, an empty slice when it is valid with no edit flag.
    pub fn dx_flags(&self, code: &str, date: Date) -> Option<&[Flag]> {
        self.dx_entry(code, date).map(|entry| entry.flags)
    }

    /// The flags of procedure `code` on `date` (as [`dx_flags`](Self::dx_flags)).
    pub fn px_flags(&self, code: &str, date: Date) -> Option<&[Flag]> {
        self.px_entry(code, date).map(|entry| entry.flags)
    }

    /// Approximate heap bytes held by the rule set.
    pub fn heap_bytes(&self) -> usize {
        let ages: usize =
            self.age_ranges.iter().map(|range| size_of::<AgeRange>() + range.group.capacity()).sum::<usize>();
        ages + self.discharge_statuses.capacity() * size_of::<DischargeStatus>()
            + self.diagnoses.heap_bytes()
            + self.procedures.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::code_table::CodeTableBuilder;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn maternity(start_age: u8, end_age: u8, start: &str, end: Option<&str>) -> AgeRange {
        AgeRange { group: "Maternity".to_string(), start_age, end_age, start: date(start), end: end.map(date) }
    }

    fn rules() -> MceRules {
        let mut dx = CodeTableBuilder::default();
        dx.push("O80", date("20151001"), None, &["maternity".to_string()]).unwrap();
        let mut px = CodeTableBuilder::default();
        px.push("0TY00Z0", date("20151001"), None, &["kidneyxp".to_string(), "lcov".to_string()]).unwrap();
        MceRules::new(
            431,
            date("20260930"),
            vec![maternity(12, 55, "19840301", Some("20190930")), maternity(9, 64, "20191001", None)],
            vec![DischargeStatus { code: 1, start: date("19801001"), end: None }],
            dx.finish().unwrap(),
            px.finish().unwrap(),
        )
    }

    #[test]
    fn version_and_dated_age_groups() {
        let rules = rules();
        assert_eq!(rules.version(), "43.1");
        assert_eq!(rules.termination_date().to_string(), "2026-09-30");
        let old = rules.age_range("maternity", date("2019-09-30")).unwrap();
        assert_eq!((old.start_age, old.end_age), (12, 55));
        assert_eq!(old.to_string(), "Maternity 12-55 1984-03-01..2019-09-30");
        let new = rules.age_range("Maternity", date("2019-10-01")).unwrap();
        assert_eq!((new.start_age, new.end_age), (9, 64));
        assert!(new.contains_age(9) && new.contains_age(64) && !new.contains_age(65) && !new.contains_age(8));
        assert!(rules.age_range("Adult", date("2019-10-01")).is_none());
        assert!(rules.age_range("Maternity", date("1984-02-29")).is_none());
    }

    #[test]
    fn flags_by_system_and_discharge_statuses() {
        let rules = rules();
        assert_eq!(rules.dx_flags("O80", date("2025-11-01")), Some(&[Flag::Maternity][..]));
        assert_eq!(rules.px_flags("O80", date("2025-11-01")), None, "a diagnosis is not a procedure");
        let px = rules.px_flags("0TY00Z0", date("2025-11-01")).unwrap();
        assert_eq!(px, &[Flag::Other("kidneyxp".to_string()), Flag::LimitedCoverage]);
        assert!(rules.discharge_status_valid(1, date("2025-11-01")));
        assert!(!rules.discharge_status_valid(2, date("2025-11-01")));
        assert!(!rules.discharge_status_valid(1, date("1980-09-30")));
        assert!(rules.heap_bytes() > 0);
    }
}
