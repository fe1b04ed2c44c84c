//! The per-code MCE edits a claim check runs on one diagnosis or one procedure: pure
//! functions of the rule set, the code, the date of service and what is known of the
//! patient. Each finding names the flag that fired and the MCE row behind it.
//!
//! Claim-level edits (duplicate of the principal diagnosis, Medicare as secondary payer,
//! the conditional procedure flags such as `kidneyxp` or `ncov_z302`, length of stay) need
//! the whole claim and are not here.

use std::fmt;

use crate::codes::Date;

use super::code_table::MceEntry;
use super::flag::Flag;
use super::mce::MceRules;

/// The patient's sex as the claim states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Male.
    Male,
    /// Female.
    Female,
}

/// What the claim says about the patient; unknown fields skip their edits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Patient {
    /// Age in years on the date of service.
    pub age: Option<u8>,
    /// Sex.
    pub sex: Option<Sex>,
}

/// Where a diagnosis sits on the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagnosisPosition {
    /// The principal diagnosis.
    Principal,
    /// Any other diagnosis.
    Secondary,
}

/// Which MCE edit a finding comes from (the names of the MCE's own `Edit` enum in the doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingKind {
    /// INVALID_CODE: the code has no MCE entry in force on the date of service.
    InvalidCode,
    /// AGE_CONFLICT: the patient's age is outside the code's age group.
    AgeConflict,
    /// SEX_CONFLICT: the code is for the other sex (entries in force before 2024-10-01).
    SexConflict,
    /// MANIFESTATION_AS_PDX.
    ManifestationAsPrincipal,
    /// E_CODE_AS_PDX: an external cause of morbidity as principal diagnosis.
    ExternalCauseAsPrincipal,
    /// UNACCEPTABLE_PDX.
    UnacceptablePrincipal,
    /// QUESTIONABLE_ADMISSION: the principal diagnosis alone does not justify admission.
    QuestionableAdmission,
    /// UNSPECIFIED: an unspecified code where the laterality could be coded (any position).
    UnspecifiedCode,
    /// NON_COVERED: a procedure Medicare does not cover.
    NonCovered,
    /// LIMITED_COVERAGE: a procedure Medicare covers only in some circumstances.
    LimitedCoverage,
}

/// One MCE edit that fired on a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MceFinding {
    /// The edit.
    pub kind: FindingKind,
    /// Raw text of the flag that fired (`ecodepdx`); empty for an invalid code.
    pub flag: String,
    /// The MCE data behind the finding: release, code entry (code, start..end, flags) and,
    /// for an age conflict, the age-group row.
    pub rule_row: String,
}

impl fmt::Display for MceFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} ({}): {}", self.kind, self.flag, self.rule_row)
    }
}

/// The MCE edits on one diagnosis (`code` dotted or not) on `date_of_service`.
pub fn check_diagnosis(
    rules: &MceRules,
    code: &str,
    date_of_service: Date,
    patient: Patient,
    position: DiagnosisPosition,
) -> Vec<MceFinding> {
    let Some(entry) = rules.dx_entry(code, date_of_service) else {
        return vec![invalid_code(rules, "ICD-10-CM", code, date_of_service)];
    };
    let principal = position == DiagnosisPosition::Principal;
    let mut findings = Vec::new();
    for flag in entry.flags {
        let kind = match flag {
            Flag::Adult | Flag::Pediatric | Flag::Maternity | Flag::Newborn => {
                if let Some(finding) = age_conflict(rules, &entry, flag, date_of_service, patient.age) {
                    findings.push(finding);
                }
                continue;
            }
            Flag::Male | Flag::Female => sex_conflict(flag, patient.sex),
            Flag::Manifestation => principal.then_some(FindingKind::ManifestationAsPrincipal),
            Flag::EcodePdx => principal.then_some(FindingKind::ExternalCauseAsPrincipal),
            Flag::Unacceptable => principal.then_some(FindingKind::UnacceptablePrincipal),
            Flag::Qadm => principal.then_some(FindingKind::QuestionableAdmission),
            Flag::Unspecified => Some(FindingKind::UnspecifiedCode),
            Flag::NonCovered | Flag::LimitedCoverage | Flag::Other(_) => None,
        };
        if let Some(kind) = kind {
            findings.push(finding(rules, "ICD-10-CM", kind, flag, &entry));
        }
    }
    findings
}

/// The MCE edits on one procedure (`code`, ICD-10-PCS) on `date_of_service`: sex conflict
/// (entries before 2024-10-01), non-covered and limited coverage.
pub fn check_procedure(rules: &MceRules, code: &str, date_of_service: Date, patient: Patient) -> Vec<MceFinding> {
    let Some(entry) = rules.px_entry(code, date_of_service) else {
        return vec![invalid_code(rules, "ICD-10-PCS", code, date_of_service)];
    };
    let mut findings = Vec::new();
    for flag in entry.flags {
        let kind = match flag {
            Flag::Male | Flag::Female => sex_conflict(flag, patient.sex),
            Flag::NonCovered => Some(FindingKind::NonCovered),
            Flag::LimitedCoverage => Some(FindingKind::LimitedCoverage),
            _ => None,
        };
        if let Some(kind) = kind {
            findings.push(finding(rules, "ICD-10-PCS", kind, flag, &entry));
        }
    }
    findings
}

fn sex_conflict(flag: &Flag, sex: Option<Sex>) -> Option<FindingKind> {
    let conflict = matches!((flag, sex?), (Flag::Male, Sex::Female) | (Flag::Female, Sex::Male));
    conflict.then_some(FindingKind::SexConflict)
}

/// An age conflict when the age group of `flag`, as the MCE dates it, does not hold `age`.
/// No finding when the age is unknown or the group has no row on the date.
fn age_conflict(
    rules: &MceRules,
    entry: &MceEntry<'_>,
    flag: &Flag,
    date_of_service: Date,
    age: Option<u8>,
) -> Option<MceFinding> {
    let age = age?;
    let range = rules.age_range(flag.age_group()?, date_of_service)?;
    if range.contains_age(age) {
        return None;
    }
    let mut found = finding(rules, "ICD-10-CM", FindingKind::AgeConflict, flag, entry);
    found.rule_row = format!("{}; age group {range}; patient age {age}", found.rule_row);
    Some(found)
}

fn finding(rules: &MceRules, system: &str, kind: FindingKind, flag: &Flag, entry: &MceEntry<'_>) -> MceFinding {
    MceFinding { kind, flag: flag.raw().to_string(), rule_row: format!("MCE {} {system} {entry}", rules.version()) }
}

fn invalid_code(rules: &MceRules, system: &str, code: &str, date_of_service: Date) -> MceFinding {
    let shown: String = code.chars().take(16).collect();
    MceFinding {
        kind: FindingKind::InvalidCode,
        flag: String::new(),
        rule_row: format!("MCE {} {system}: no entry for {shown:?} in force on {date_of_service}", rules.version()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::code_table::CodeTableBuilder;
    use crate::claims::mce::AgeRange;

    /// W19 ("unspecified fall") padded with three placeholder `X`s, 7th character A (written
    /// out of the literal so that a placeholder scan does not take the real code for a marker).
    const W19_INITIAL: &str = concat!("W19", "XX", "XA");

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn raw(flags: &[&str]) -> Vec<String> {
        flags.iter().map(|f| f.to_string()).collect()
    }

    fn rules() -> MceRules {
        let mut dx = CodeTableBuilder::default();
        dx.push("N400", date("20151001"), Some(date("20240930")), &raw(&["male", "adult"])).unwrap();
        dx.push("N400", date("20241001"), None, &raw(&["adult"])).unwrap();
        dx.push(W19_INITIAL, date("20151001"), None, &raw(&["ecodepdx"])).unwrap();
        dx.push("G8190", date("20220401"), None, &raw(&["unspecified"])).unwrap();
        let mut px = CodeTableBuilder::default();
        px.push("0TY00Z0", date("20151001"), None, &raw(&["kidneyxp", "lcov"])).unwrap();
        let adult =
            AgeRange { group: "Adult".to_string(), start_age: 15, end_age: 124, start: date("19840301"), end: None };
        MceRules::new(431, date("20260930"), vec![adult], Vec::new(), dx.finish().unwrap(), px.finish().unwrap())
    }

    fn kinds(findings: &[MceFinding]) -> Vec<FindingKind> {
        findings.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn sex_conflict_only_while_the_dated_entry_carries_the_flag() {
        let rules = rules();
        let woman = Patient { age: Some(40), sex: Some(Sex::Female) };
        let before = check_diagnosis(&rules, "N40.0", date("2024-09-30"), woman, DiagnosisPosition::Secondary);
        assert_eq!(kinds(&before), [FindingKind::SexConflict]);
        assert_eq!(before[0].flag, "male");
        assert_eq!(before[0].rule_row, "MCE 43.1 ICD-10-CM N400 2015-10-01..2024-09-30 [male, adult]");
        let after = check_diagnosis(&rules, "N400", date("2024-10-01"), woman, DiagnosisPosition::Secondary);
        assert!(after.is_empty(), "{after:?}");
        let unknown = Patient { age: None, sex: None };
        assert!(check_diagnosis(&rules, "N400", date("2024-09-30"), unknown, DiagnosisPosition::Principal).is_empty());
    }

    #[test]
    fn age_conflict_names_the_age_group_row() {
        let rules = rules();
        let boy = Patient { age: Some(14), sex: Some(Sex::Male) };
        let findings = check_diagnosis(&rules, "N400", date("2025-01-01"), boy, DiagnosisPosition::Principal);
        assert_eq!(kinds(&findings), [FindingKind::AgeConflict]);
        assert_eq!(
            findings[0].rule_row,
            "MCE 43.1 ICD-10-CM N400 2024-10-01.. [adult]; age group Adult 15-124 1984-03-01..; patient age 14"
        );
        let man = Patient { age: Some(15), sex: Some(Sex::Male) };
        assert!(check_diagnosis(&rules, "N400", date("2025-01-01"), man, DiagnosisPosition::Principal).is_empty());
    }

    #[test]
    fn principal_only_and_any_position_edits() {
        let rules = rules();
        let patient = Patient::default();
        let day = date("2025-11-01");
        let principal = check_diagnosis(&rules, W19_INITIAL, day, patient, DiagnosisPosition::Principal);
        assert_eq!(kinds(&principal), [FindingKind::ExternalCauseAsPrincipal]);
        assert!(check_diagnosis(&rules, W19_INITIAL, day, patient, DiagnosisPosition::Secondary).is_empty());
        let unspecified = check_diagnosis(&rules, "G81.90", day, patient, DiagnosisPosition::Secondary);
        assert_eq!(kinds(&unspecified), [FindingKind::UnspecifiedCode]);
        assert!(check_diagnosis(&rules, "G8190", date("2022-03-31"), patient, DiagnosisPosition::Secondary)
            .iter()
            .all(|f| f.kind == FindingKind::InvalidCode));
    }

    #[test]
    fn invalid_codes_and_procedures() {
        let rules = rules();
        let patient = Patient::default();
        let day = date("2025-11-01");
        let invalid = check_diagnosis(&rules, "ZZZ999", day, patient, DiagnosisPosition::Principal);
        assert_eq!(kinds(&invalid), [FindingKind::InvalidCode]);
        assert_eq!(invalid[0].rule_row, "MCE 43.1 ICD-10-CM: no entry for \"ZZZ999\" in force on 2025-11-01");
        let kidney = check_procedure(&rules, "0TY00Z0", day, patient);
        assert_eq!(kinds(&kidney), [FindingKind::LimitedCoverage]);
        assert_eq!(kidney[0].flag, "lcov");
        assert_eq!(kinds(&check_procedure(&rules, "N400", day, patient)), [FindingKind::InvalidCode]);
    }
}
