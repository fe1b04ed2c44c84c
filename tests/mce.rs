//! The MCE rule set loaded from the shipped CMS jar (`data/mce/MCE-2.0-43.1.0.0.jar`) and the
//! per-code edits run on real codes. Every expected figure was derived before the engine ran,
//! by decoding `mce.bin` with a separate hand-written protobuf varint reader in Python
//! (and cross-checked with FORMATS.md §6).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use codify::claims::{
    check_diagnosis, check_procedure, DiagnosisPosition, FindingKind, Flag, MceFinding, MceRules, Patient, Sex,
};
use codify::codes::Date;
use codify::loaders::mce;

use DiagnosisPosition::{Principal, Secondary};

fn jar() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/mce/MCE-2.0-43.1.0.0.jar")
}

fn rules() -> &'static MceRules {
    static RULES: OnceLock<MceRules> = OnceLock::new();
    RULES.get_or_init(|| mce::load(&jar()).expect("the shipped MCE jar loads"))
}

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn kinds(findings: &[MceFinding]) -> Vec<FindingKind> {
    findings.iter().map(|finding| finding.kind).collect()
}

fn age(years: u8) -> Patient {
    Patient { age: Some(years), sex: None }
}

#[test]
fn version_and_termination_date() {
    assert_eq!(rules().version_number(), 431);
    assert_eq!(rules().version(), "43.1");
    assert_eq!(rules().termination_date(), date("2026-09-30"));
}

#[test]
fn entry_and_code_counts() {
    let dx = rules().diagnoses();
    assert_eq!(dx.len(), 84_932);
    assert_eq!(rules().procedures().len(), 86_809);
    let distinct: HashSet<&str> = dx.iter().map(|entry| entry.code).collect();
    assert_eq!(distinct.len(), 75_719);
    let on = date("2025-10-01");
    let active: HashSet<&str> = dx.iter().filter(|entry| entry.applies_on(on)).map(|entry| entry.code).collect();
    assert_eq!(active.len(), 74_719);
    let active_px: HashSet<&str> =
        rules().procedures().iter().filter(|entry| entry.applies_on(on)).map(|entry| entry.code).collect();
    assert_eq!(active_px.len(), 79_115);
    assert_eq!((dx.flag_list_count(), rules().procedures().flag_list_count()), (50, 22));
}

fn flag_counts(table: &codify::claims::CodeTable, on: Date) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for entry in table.iter().filter(|entry| entry.applies_on(on)) {
        for flag in entry.flags {
            *counts.entry(flag.raw().to_string()).or_insert(0) += 1;
        }
    }
    counts
}

#[test]
fn diagnosis_flag_counts_on_2025_11_01() {
    let counts = flag_counts(rules().diagnoses(), date("2025-11-01"));
    let expected: BTreeMap<String, usize> = [
        ("ecodepdx", 7_461),
        ("unspecified", 3_465),
        ("unacceptable", 2_657),
        ("maternity", 2_543),
        ("adult", 856),
        ("manifestation", 422),
        ("pediatric", 125),
        ("diabtypeI", 85),
        ("newborn", 42),
        ("qadm", 30),
        ("delout", 19),
        ("ncov6", 11),
        ("wrngproc", 3),
        ("clintrial", 1),
        ("ncov_z302", 1),
        ("reqsdx", 1),
    ]
    .into_iter()
    .map(|(flag, count)| (flag.to_string(), count))
    .collect();
    assert_eq!(counts, expected, "no male/female flag is in force after FY2024");
}

#[test]
fn procedure_flag_counts_on_2025_11_01_and_retired_sex_flags() {
    let counts = flag_counts(rules().procedures(), date("2025-11-01"));
    let expected: BTreeMap<String, usize> = [
        ("noncovered", 95),
        ("ncov_z302", 87),
        ("lcov", 49),
        ("kidneyxp", 6),
        ("ncov6", 6),
        ("vagdel", 5),
        ("csect", 3),
        ("ncov45", 2),
        ("ncov12agele60", 2),
        ("los", 1),
    ]
    .into_iter()
    .map(|(flag, count)| (flag.to_string(), count))
    .collect();
    assert_eq!(counts, expected);
    let sex = |table: &codify::claims::CodeTable, on: &str| {
        flag_counts(table, date(on))
            .iter()
            .filter(|(flag, _)| *flag == "male" || *flag == "female")
            .map(|(_, n)| n)
            .sum::<usize>()
    };
    assert_eq!(sex(rules().diagnoses(), "2024-09-30"), 3_960);
    assert_eq!(sex(rules().procedures(), "2024-09-30"), 4_256);
    assert_eq!(sex(rules().diagnoses(), "2024-10-01"), 0);
    assert_eq!(sex(rules().procedures(), "2024-10-01"), 0);
}

#[test]
fn age_groups_are_dated() {
    let groups: Vec<String> = rules().age_ranges().iter().map(ToString::to_string).collect();
    assert_eq!(
        groups,
        [
            "Adult 15-124 1984-03-01..",
            "Maternity 12-55 1984-03-01..2019-09-30",
            "Maternity 9-64 2019-10-01..",
            "Newborn 0-0 1984-03-01..",
            "Pediatric 0-17 1984-03-01..",
        ]
    );
    let maternity = |on: &str| rules().age_range("Maternity", date(on)).map(|range| (range.start_age, range.end_age));
    assert_eq!(maternity("2019-09-30"), Some((12, 55)));
    assert_eq!(maternity("2019-10-01"), Some((9, 64)));
    assert_eq!(rules().age_range("Adult", date("1984-02-29")), None);
}

#[test]
fn discharge_statuses() {
    assert_eq!(rules().discharge_statuses().len(), 45);
    assert!(rules().discharge_status_valid(1, date("2025-11-01")));
    assert!(rules().discharge_status_valid(95, date("2025-11-01")));
    assert!(!rules().discharge_status_valid(8, date("2025-11-01")), "8 ended 2005-09-30");
    assert!(rules().discharge_status_valid(8, date("2005-09-30")));
    assert!(!rules().discharge_status_valid(9, date("2025-11-01")));
}

#[test]
fn n400_is_male_and_adult_until_fy2024_then_adult_only() {
    let before = rules().dx_entry("N400", date("2024-09-30")).unwrap();
    assert_eq!(before.to_string(), "N400 2015-10-01..2024-09-30 [male, adult]");
    assert_eq!(before.flags, &[Flag::Male, Flag::Adult]);
    assert_eq!(rules().dx_flags("N40.0", date("2024-10-01")), Some(&[Flag::Adult][..]));

    let woman = Patient { age: Some(50), sex: Some(Sex::Female) };
    let old = check_diagnosis(rules(), "N400", date("2024-09-30"), woman, Secondary);
    assert_eq!(kinds(&old), [FindingKind::SexConflict]);
    assert_eq!(old[0].flag, "male");
    assert_eq!(old[0].rule_row, "MCE 43.1 ICD-10-CM N400 2015-10-01..2024-09-30 [male, adult]");
    assert!(check_diagnosis(rules(), "N400", date("2024-10-01"), woman, Secondary).is_empty());
    let boy = Patient { age: Some(10), sex: Some(Sex::Male) };
    assert_eq!(
        kinds(&check_diagnosis(rules(), "N400", date("2025-11-01"), boy, Secondary)),
        [FindingKind::AgeConflict]
    );
}

#[test]
fn o80_delivery_age_conflict_follows_the_dated_maternity_range() {
    let day = date("2025-11-01");
    let old_mother = check_diagnosis(rules(), "O80", day, age(70), Principal);
    assert_eq!(kinds(&old_mother), [FindingKind::AgeConflict]);
    assert_eq!(old_mother[0].flag, "maternity");
    assert_eq!(
        old_mother[0].rule_row,
        "MCE 43.1 ICD-10-CM O80 2024-10-01.. [maternity]; age group Maternity 9-64 2019-10-01..; patient age 70"
    );
    assert!(check_diagnosis(rules(), "O80", day, age(30), Principal).is_empty());
    // Age 10 was outside Maternity (12-55) until 2019-09-30 and inside (9-64) from 2019-10-01.
    assert_eq!(
        kinds(&check_diagnosis(rules(), "O80", date("2019-09-30"), age(10), Principal)),
        [FindingKind::AgeConflict]
    );
    assert!(check_diagnosis(rules(), "O80", date("2019-10-01"), age(10), Principal).is_empty());
}

#[test]
fn z00110_newborn_exam() {
    let day = date("2025-11-01");
    assert_eq!(rules().dx_flags("Z00.110", day), Some(&[Flag::Newborn, Flag::Unacceptable][..]));
    assert_eq!(kinds(&check_diagnosis(rules(), "Z00.110", day, age(40), Secondary)), [FindingKind::AgeConflict]);
    assert!(check_diagnosis(rules(), "Z00.110", day, age(0), Secondary).is_empty());
    assert_eq!(
        kinds(&check_diagnosis(rules(), "Z00.110", day, age(0), Principal)),
        [FindingKind::UnacceptablePrincipal]
    );
}

#[test]
fn principal_only_edits() {
    let day = date("2025-11-01");
    let unknown = Patient::default();
    let fall = check_diagnosis(rules(), "W19.XXXA", day, unknown, Principal);
    assert_eq!(kinds(&fall), [FindingKind::ExternalCauseAsPrincipal]);
    assert_eq!(
        (fall[0].flag.as_str(), fall[0].rule_row.as_str()),
        ("ecodepdx", "MCE 43.1 ICD-10-CM W19XXXA 2015-10-01.. [ecodepdx]")
    );
    assert!(check_diagnosis(rules(), "W19.XXXA", day, unknown, Secondary).is_empty());

    assert_eq!(rules().dx_flags("D63.0", day), Some(&[Flag::Manifestation][..]));
    assert_eq!(
        kinds(&check_diagnosis(rules(), "D63.0", day, unknown, Principal)),
        [FindingKind::ManifestationAsPrincipal]
    );
    assert!(check_diagnosis(rules(), "D63.0", day, unknown, Secondary).is_empty());

    // E11.9 is a questionable admission in the MCE, not an "unspecified" code.
    assert_eq!(rules().dx_flags("E11.9", day), Some(&[Flag::Qadm][..]));
    assert_eq!(
        kinds(&check_diagnosis(rules(), "E11.9", day, unknown, Principal)),
        [FindingKind::QuestionableAdmission]
    );
    assert!(check_diagnosis(rules(), "E11.9", day, unknown, Secondary).is_empty());
}

#[test]
fn unspecified_laterality_edit_starts_2022_04_01() {
    let unknown = Patient::default();
    assert_eq!(rules().dx_flags("G81.90", date("2025-11-01")), Some(&[Flag::Unspecified][..]));
    let findings = check_diagnosis(rules(), "G81.90", date("2025-11-01"), unknown, Secondary);
    assert_eq!(kinds(&findings), [FindingKind::UnspecifiedCode]);
    assert_eq!(findings[0].flag, "unspecified");
    // G81.90 is valid since 2015-10-01; its entry with the flag starts 2022-04-01 (edit 20).
    assert_eq!(rules().dx_flags("G8190", date("2022-03-31")), Some(&[][..]));
    assert!(check_diagnosis(rules(), "G8190", date("2022-03-31"), unknown, Secondary).is_empty());
    assert_eq!(
        rules().diagnoses().history("G81.90").map(|entry| entry.to_string()).collect::<Vec<_>>(),
        ["G8190 2015-10-01..2022-03-31 []", "G8190 2022-04-01.. [unspecified]"]
    );
}

#[test]
fn invalid_and_non_billable_codes() {
    let day = date("2025-11-01");
    assert_eq!(rules().dx_flags("E11", day), None, "a category is not a valid code");
    assert_eq!(rules().dx_flags("R69", day), Some(&[][..]), "a valid code with no edit flag");
    assert!(check_diagnosis(rules(), "R69", day, Patient::default(), Principal).is_empty());
    let invalid = check_diagnosis(rules(), "E11", day, Patient::default(), Principal);
    assert_eq!(kinds(&invalid), [FindingKind::InvalidCode]);
    assert_eq!(invalid[0].rule_row, "MCE 43.1 ICD-10-CM: no entry for \"E11\" in force on 2025-11-01");
}

#[test]
fn procedure_coverage_edits() {
    let day = date("2025-11-01");
    let unknown = Patient::default();
    let noncovered = check_procedure(rules(), "00F3XZZ", day, unknown);
    assert_eq!(kinds(&noncovered), [FindingKind::NonCovered]);
    assert_eq!(noncovered[0].rule_row, "MCE 43.1 ICD-10-PCS 00F3XZZ 2015-10-01.. [noncovered]");
    let heart = check_procedure(rules(), "02YA0Z0", day, unknown);
    assert_eq!(kinds(&heart), [FindingKind::LimitedCoverage]);
    assert_eq!(heart[0].flag, "lcov");
    assert_eq!(
        rules().px_flags("0TY00Z0", day),
        Some(&[Flag::Other("kidneyxp".to_string()), Flag::LimitedCoverage][..])
    );
    assert_eq!(kinds(&check_procedure(rules(), "0TY00Z0", day, unknown)), [FindingKind::LimitedCoverage]);
    // 0U570ZZ was non-covered (and female-only) until 2016-09-30; later only `ncov_z302`.
    let man = Patient { age: Some(40), sex: Some(Sex::Male) };
    assert_eq!(
        kinds(&check_procedure(rules(), "0U570ZZ", date("2016-09-30"), man)),
        [FindingKind::NonCovered, FindingKind::SexConflict]
    );
    assert_eq!(kinds(&check_procedure(rules(), "0U570ZZ", date("2016-10-01"), man)), [FindingKind::SexConflict]);
    assert!(check_procedure(rules(), "0U570ZZ", date("2024-10-01"), man).is_empty());
    assert_eq!(kinds(&check_procedure(rules(), "0U570", day, unknown)), [FindingKind::InvalidCode]);
}

#[test]
fn the_bare_data_entry_loads_like_the_jar_and_corruption_is_refused() {
    let bytes = std::fs::read(jar()).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut data = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("mce.bin").unwrap(), &mut data).unwrap();
    assert_eq!(data.len(), 5_632_938);
    let bare = mce::from_bytes(std::path::Path::new("mce.bin"), &data).unwrap();
    assert!(&bare == rules(), "bare mce.bin and jar give the same rule set");

    for len in [0, 1, 100, 4_096, data.len() / 3, data.len() / 2, data.len() - 40, data.len() - 1] {
        let error = mce::decode(std::path::Path::new("mce.bin"), &data[..len]).unwrap_err();
        assert_eq!(error.file, PathBuf::from("mce.bin"));
    }
    for len in [10, bytes.len() / 2, bytes.len() - 22] {
        assert!(mce::from_bytes(std::path::Path::new("x.jar"), &bytes[..len]).is_err(), "jar cut at {len}");
    }
    let missing = mce::load(std::path::Path::new("/nonexistent/MCE.jar")).unwrap_err();
    assert!(missing.reason.starts_with("cannot read file"), "{missing}");
}
