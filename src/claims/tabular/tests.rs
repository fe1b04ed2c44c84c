//! Unit tests of the tabular checks on a small hand-made release.

use super::*;
use crate::codes::{CodeEntry, CodeSystem, Date, EntryKind, Note, ReleaseContent, ReleaseInfo};

fn entry(code: &str, parent: Option<&str>, notes: &[(NoteKind, &str)]) -> CodeEntry {
    let mut entry = CodeEntry::new(code, EntryKind::Code, true, format!("title of {code}"));
    entry.parent_code = parent.map(str::to_string);
    entry.notes = notes.iter().map(|(kind, text)| Note { kind: *kind, text: text.to_string() }).collect();
    entry
}

fn release(version: &str) -> Release {
    use NoteKind::{CodeFirst, Excludes1, Excludes2, UseAdditionalCode};
    let entries = vec![
        entry("E10", None, &[(Excludes1, "type 2 diabetes mellitus (E11.-)"), (Excludes1, "secondary (E13.-)")]),
        entry("E109", Some("E10"), &[]),
        entry(
            "E11",
            None,
            &[
                (Excludes1, "type 1 diabetes mellitus (E10.-)"),
                (Excludes2, "something else (E13.-)"),
                (UseAdditionalCode, "code to identify control using:"),
                (UseAdditionalCode, "insulin (Z79.4)"),
                (UseAdditionalCode, "oral antidiabetic drugs (Z79.84)"),
            ],
        ),
        entry("E119", Some("E11"), &[]),
        entry("E1122", Some("E11"), &[(UseAdditionalCode, "code to identify stage (N18.1-N18.6)")]),
        entry("E13", None, &[]),
        entry("E139", Some("E13"), &[]),
        entry("D630", None, &[(CodeFirst, "neoplasm (C00-D49)")]),
        entry(
            "N18",
            None,
            &[
                (CodeFirst, "any associated:"),
                (CodeFirst, "diabetic chronic kidney disease (E11.22)"),
                (UseAdditionalCode, "code for radiation (W88.-)"),
                (UseAdditionalCode, "or radiation therapy (Y84.2)"),
                (UseAdditionalCode, "code to identify something without a code"),
            ],
        ),
        entry("N1830", Some("N18"), &[]),
        entry(
            "G01",
            None,
            &[
                (CodeFirst, "underlying disease, such as:"),
                (CodeFirst, "anthrax (A22.8)"),
                (CodeFirst, "other infections"),
            ],
        ),
        entry("S72", None, &[(Excludes1, "amputation (S78.-)"), (Excludes1, "classified to Q87.-")]),
        entry("S72001", Some("S72"), &[]),
        entry("S72001A", Some("S72001"), &[]),
        entry("C50911", None, &[]),
        entry("Z794", None, &[]),
    ];
    let info = ReleaseInfo {
        system: CodeSystem::Icd10Cm,
        version: version.to_string(),
        effective_from: Date::parse("2025-10-01").unwrap(),
        effective_to: None,
        sources: Vec::new(),
    };
    Release::new(0, info, ReleaseContent { entries, nodes: Vec::new(), pcs: None })
}

fn rules_and_release() -> (TabularRules, Release) {
    let release = release("T1");
    (TabularRules::new(&release), release)
}

fn summary(findings: &[TabularFinding<'_>]) -> Vec<(TabularRule, usize, Option<usize>)> {
    findings.iter().map(|f| (f.rule, f.code.position, f.other.as_ref().map(|o| o.position))).collect()
}

#[test]
fn notes_are_grouped_and_counted() {
    let (rules, _) = rules_and_release();
    let stats = rules.stats();
    assert_eq!(
        stats.excludes1,
        KindCounts { notes: 5, naming_codes: 5, resolved: 4, bare_only: 1, unparsed: 0, without_code: 0 }
    );
    assert_eq!(
        stats.code_first,
        KindCounts { notes: 6, naming_codes: 3, resolved: 3, bare_only: 0, unparsed: 0, without_code: 3 }
    );
    assert_eq!(
        stats.use_additional_code,
        KindCounts { notes: 7, naming_codes: 5, resolved: 5, bare_only: 0, unparsed: 0, without_code: 2 }
    );
    assert_eq!(stats.excludes1_rules, 4);
    assert_eq!(stats.code_first_groups, 3);
    // E11 control (lead-in + 2), E1122, N18 radiation (W88 "or" Y84.2); the N18 note
    // without a code is a group of its own and is skipped.
    assert_eq!(stats.use_additional_code_groups, 3);
    assert_eq!(stats.groups_without_codes, 1);
    assert_eq!(stats.open_groups, 1, "G01: 'other infections' cites no code");
    assert_eq!(stats.unresolved.len(), 1);
    assert_eq!(stats.unresolved[0].source, "S72");
    assert_eq!(rules.rule_count(), 10);
    assert!(rules.heap_bytes() > 0);
}

#[test]
fn excludes1_pairs_once_with_both_directions() {
    let (rules, release) = rules_and_release();
    let findings = check_excludes1(&rules, &release, &["E109", "E119"]).unwrap();
    assert_eq!(summary(&findings), [(TabularRule::Excludes1, 0, Some(1))]);
    let notes: Vec<(&str, usize, &str)> = findings[0].notes.iter().map(|n| (n.source, n.applies_to, n.text)).collect();
    assert_eq!(notes, [("E10", 0, "type 2 diabetes mellitus (E11.-)"), ("E11", 1, "type 1 diabetes mellitus (E10.-)")]);
    assert_eq!(
        findings[0].to_string(),
        "Excludes1 E109 (#1), E119 (#2): E10 \"type 2 diabetes mellitus (E11.-)\"; E11 \"type 1 diabetes mellitus (E10.-)\""
    );
    // One direction only; Excludes2 is never an edit.
    let one_way = check_excludes1(&rules, &release, &["E139", "E109"]).unwrap();
    assert_eq!(summary(&one_way), [(TabularRule::Excludes1, 0, Some(1))]);
    assert_eq!(one_way[0].notes.len(), 1);
    assert!(check_excludes1(&rules, &release, &["E119", "E139"]).unwrap().is_empty());
    // Inherited through two levels; the same code twice is no pair.
    let fracture = check_excludes1(&rules, &release, &["S72001A", "S78011A"]).unwrap();
    assert_eq!(summary(&fracture), [(TabularRule::Excludes1, 0, Some(1))]);
    assert!(check_excludes1(&rules, &release, &["E109", "E109"]).unwrap().is_empty());
}

#[test]
fn code_first_order_and_absence() {
    let (rules, release) = rules_and_release();
    let first = check_code_first(&rules, &release, &["D630", "C50911"]).unwrap();
    assert_eq!(summary(&first), [(TabularRule::CodeFirstAfter, 0, Some(1))]);
    assert_eq!(first[0].notes[0].text, "neoplasm (C00-D49)");
    assert!(!first[0].optional);
    assert!(check_code_first(&rules, &release, &["C50911", "D630"]).unwrap().is_empty());
    // Before and after: one before is enough.
    assert!(check_code_first(&rules, &release, &["C50911", "D630", "C509"]).unwrap().is_empty());
    let alone = check_code_first(&rules, &release, &["D630"]).unwrap();
    assert_eq!(summary(&alone), [(TabularRule::CodeFirstMissing, 0, None)]);
    // "any associated:" hedges; its lead-in is cited with the alternative.
    let ckd = check_code_first(&rules, &release, &["N1830"]).unwrap();
    assert_eq!(summary(&ckd), [(TabularRule::CodeFirstMissing, 0, None)]);
    assert!(ckd[0].optional);
    assert_eq!(ckd[0].notes.len(), 2);
    // An open group (an alternative without a code) is checked for order only.
    assert!(check_code_first(&rules, &release, &["G01"]).unwrap().is_empty());
    assert_eq!(
        summary(&check_code_first(&rules, &release, &["G01", "A228"]).unwrap()),
        [(TabularRule::CodeFirstAfter, 0, Some(1))]
    );
}

#[test]
fn use_additional_code_groups() {
    let (rules, release) = rules_and_release();
    let missing = check_use_additional_code(&rules, &release, &["E1122"]).unwrap();
    assert_eq!(
        summary(&missing),
        [(TabularRule::UseAdditionalCodeMissing, 0, None), (TabularRule::UseAdditionalCodeMissing, 0, None)]
    );
    assert_eq!(missing[0].notes[0].text, "code to identify stage (N18.1-N18.6)");
    assert_eq!(missing[1].notes.len(), 3, "lead-in and both alternatives");
    // One alternative of a group is enough; the stage is found after the code. N18.30 brings
    // its own group (radiation, W88.- or Y84.2).
    let met = check_use_additional_code(&rules, &release, &["E1122", "N1830", "Z794"]).unwrap();
    assert_eq!(summary(&met), [(TabularRule::UseAdditionalCodeMissing, 1, None)]);
    assert_eq!(met[0].notes[0].source, "N18");
    // "or radiation therapy" joined the note before it.
    assert!(check_use_additional_code(&rules, &release, &["N1830", "Y842"]).unwrap().is_empty());
    // A code the release does not know is no source of notes.
    assert!(check_claim(&rules, &release, &["E11.22", "X999"]).unwrap().is_empty());
}

#[test]
fn the_release_must_match() {
    let (rules, _) = rules_and_release();
    let other = release("T2");
    let error = check_claim(&rules, &other, &["E109"]).unwrap_err();
    assert_eq!(error, TabularError::OtherRelease { built_from: "T1".to_string(), given: "T2".to_string() });
}
