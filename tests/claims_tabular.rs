//! The tabular-note claim checks on the real FY2026 ICD-10-CM tabular list
//! (`data/icd10cm/icd10cm-tabular-2026.xml.gz`). Every expected figure and finding was
//! derived before the checks ran, from the XML itself: `gunzip -c ... | grep`, and a separate
//! Python reading (ElementTree) that listed each code's `<excludes1>`, `<codeFirst>` and
//! `<useAdditionalCode>` notes with its ancestors', counted the notes naming a code (a
//! capital letter, a digit and a digit or capital letter, standing alone) and those with a
//! parenthesised list naming one, and rebuilt the note groups.
//!
//! The 40 notes naming codes that are not resolved all name them outside parentheses:
//! - a code after the description: E72.20 "... syndrome E72.4", H47.6 "injury to visual
//!   cortex S04.04-", O65.5 "... pelvic organs O34.-", R29.891 "... torticollis Q68.0" and
//!   "torticollis NOS M43.6", R45.83 "... R68.11", Z18 "... Z87.821", Z40.0 "... Z15.-";
//! - "classified in/to", "classifiable to", "specified in categories": H91 (H90.-), K56
//!   (P76.-), M65.2 (M75-M77), P76.8 (K56.-), Q18 (Q67.0-Q67.4), Q67 and Q75 (Q87.-), S06.0
//!   ("S06.1- to S06.6-, and S06.81- to S06.89-"), S06.9 ("S06.0- to S06.8-code to ..."),
//!   Y93.79, Y93.A9, Y93.B9 ("categories Y93.0-Y93.6" ...);
//! - "code from category X": O00, O01, O02 (O08), O10.1-O10.4 (I11, I12, I13, I15), O11
//!   (O10), O24.0 (E10), O24.1, O24.3 (E11), O24.8, O24.9 ("E08, E09 and E13"), O99.31
//!   (F10), O99.32 ("F11-F16 and F18-F19"), O99.33 (F17), P36.8 (B96);
//! - a condition outside parentheses: Z85.6 "leukemia in remission C91.0-C95.9 with 5th
//!   character 1"; E87.2 "see categories E08-E10, E11, E13 with ketoacidosis";
//! - the scope of a lead-in, not its targets: G31 "code, if applicable, for codes
//!   G31.0-G31.83, G31.85-G31.9, to identify:".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use codify::claims::code_refs::{references_in, Scope};
use codify::claims::tabular::{check_claim, KindCounts, NoteCitation, TabularFinding, TabularRule, TabularRules};
use codify::codes::{Catalog, CodeSystem, NoteKind, Release};
use codify::loaders::manifest::Manifest;

use TabularRule::{CodeFirstAfter, CodeFirstMissing, Excludes1, UseAdditionalCodeMissing};

struct Loaded {
    catalog: Catalog,
    rules: TabularRules,
    build_time: Duration,
}

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| {
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/releases.json");
        let catalog = Manifest::read(&manifest).unwrap().load_catalog().unwrap();
        let started = Instant::now();
        let rules = TabularRules::new(fy2026(&catalog));
        let build_time = started.elapsed();
        Loaded { catalog, rules, build_time }
    })
}

fn fy2026(catalog: &Catalog) -> &Release {
    catalog.releases_of(CodeSystem::Icd10Cm).find(|release| release.info.version == "FY2026").unwrap()
}

fn check(codes: &[&str]) -> Vec<TabularFinding<'static>> {
    let loaded = loaded();
    check_claim(&loaded.rules, fy2026(&loaded.catalog), codes).unwrap()
}

/// (rule, position, other position, optional) of each finding.
fn summary(findings: &[TabularFinding<'_>]) -> Vec<(TabularRule, usize, Option<usize>, bool)> {
    findings.iter().map(|f| (f.rule, f.code.position, f.other.as_ref().map(|o| o.position), f.optional)).collect()
}

fn notes<'a>(finding: &'a TabularFinding<'_>) -> Vec<(&'a str, usize, &'a str)> {
    finding.notes.iter().map(|note: &NoteCitation<'_>| (note.source, note.applies_to, note.text)).collect()
}

const E11_CONTROL: [&str; 5] = [
    "code to identify control using:",
    "injectable non-insulin antidiabetic drugs (Z79.85)",
    "insulin (Z79.4)",
    "oral antidiabetic drugs (Z79.84)",
    "oral hypoglycemic drugs (Z79.84)",
];

#[test]
fn note_counts_on_fy2026() {
    let stats = loaded().rules.stats();
    assert_eq!(
        stats.excludes1,
        KindCounts { notes: 5253, naming_codes: 5137, resolved: 5117, bare_only: 20, unparsed: 0, without_code: 116 }
    );
    assert_eq!(
        stats.code_first,
        KindCounts { notes: 800, naming_codes: 593, resolved: 593, bare_only: 0, unparsed: 0, without_code: 207 }
    );
    assert_eq!(
        stats.use_additional_code,
        KindCounts { notes: 1440, naming_codes: 1132, resolved: 1112, bare_only: 20, unparsed: 0, without_code: 308 }
    );
    // 6,862 notes name a code; 6,822 are resolved; the 40 others are listed at the top.
    assert_eq!(stats.unresolved.len(), 40);
    assert!(stats.unresolved.iter().any(|note| note.source == "Z856" && note.kind == NoteKind::Excludes1));
    assert_eq!(stats.excludes1_rules, 5117);
    assert_eq!(stats.code_first_groups, 287);
    assert_eq!(stats.use_additional_code_groups, 669);
    assert_eq!(stats.groups_without_codes, 155 + 73);
    assert_eq!(stats.open_groups, 7);
    assert_eq!(loaded().rules.rule_count(), 5117 + 287 + 669);
}

#[test]
fn ranges_agree_with_the_tabular_order() {
    // Categories (codes without a parent) in file order.
    let release = fy2026(&loaded().catalog);
    let categories: Vec<&str> =
        release.entries.iter().filter(|e| e.parent_code.is_none()).map(|e| e.code.as_str()).collect();
    assert_eq!(categories.len(), 1918);
    let rank = |code: &str| categories.iter().position(|category| *category == code);
    let mut ranges = 0;
    for entry in &release.entries {
        for note in &entry.notes {
            if !matches!(note.kind, NoteKind::Excludes1 | NoteKind::CodeFirst | NoteKind::UseAdditionalCode) {
                continue;
            }
            for set in references_in(&note.text).sets {
                for reference in set.refs() {
                    let Scope::Range { low, high } = &reference.scope else { continue };
                    let (Some(first), Some(last)) = (rank(&low[..3]), rank(&high[..3])) else { continue };
                    ranges += 1;
                    for (at, category) in categories.iter().enumerate() {
                        let by_order = first < at && at < last;
                        let by_text = &low[..3] < *category && *category < &high[..3];
                        assert_eq!(by_order, by_text, "{category} in ({}) of {}", set.text(), entry.code);
                    }
                }
            }
        }
    }
    // 752 list items are ranges between two categories of the release (the Python count,
    // once `T50.B95-` is read as one code and not as T50 and B95).
    assert_eq!(ranges, 752);
}

#[test]
fn type_1_with_type_2_diabetes_excludes_both_ways() {
    let findings = check(&["E109", "E119"]);
    assert_eq!(summary(&findings), [(Excludes1, 0, Some(1), false), (UseAdditionalCodeMissing, 1, None, false)]);
    assert_eq!(
        notes(&findings[0]),
        [("E10", 0, "type 2 diabetes mellitus (E11.-)"), ("E11", 1, "type 1 diabetes mellitus (E10.-)")]
    );
    let control: Vec<&str> = findings[1].notes.iter().map(|note| note.text).collect();
    assert_eq!(control, E11_CONTROL);
    assert!(findings[1].notes.iter().all(|note| note.source == "E11" && note.kind == NoteKind::UseAdditionalCode));
}

#[test]
fn anemia_in_neoplastic_disease_comes_after_the_neoplasm() {
    let first = check(&["D630", "C50911"]);
    assert_eq!(summary(&first), [(CodeFirstAfter, 0, Some(1), false), (UseAdditionalCodeMissing, 1, None, false)]);
    assert_eq!(notes(&first[0]), [("D630", 0, "neoplasm (C00-D49)")]);
    assert_eq!(first[0].other.as_ref().unwrap().code, "C50911");
    assert_eq!(
        notes(&first[1]),
        [("C50", 1, "code to identify estrogen, and other hormones and factors receptor status (Z17.-)")]
    );
    assert_eq!(summary(&check(&["C50911", "D630"])), [(UseAdditionalCodeMissing, 0, None, false)]);
    assert_eq!(summary(&check(&["D630"])), [(CodeFirstMissing, 0, None, false)]);
    // With the receptor status after the neoplasm (Z17 "code first malignant neoplasm, such
    // as: ... (C50.-)"), nothing is left.
    assert!(check(&["C50911", "Z170", "D630"]).is_empty());
}

#[test]
fn diabetic_kidney_disease_wants_the_stage() {
    let alone = check(&["E1122"]);
    assert_eq!(
        summary(&alone),
        [(UseAdditionalCodeMissing, 0, None, false), (UseAdditionalCodeMissing, 0, None, false)]
    );
    assert_eq!(notes(&alone[0]), [("E1122", 0, "code to identify stage of chronic kidney disease (N18.1-N18.6)")]);
    assert_eq!(alone[1].notes.len(), 5);
    // With N18.30: the stage note is met; N18's "code, if applicable, to identify:" group
    // (cachexia E88.A, kidney transplant status Z94.0) is an optional warning; its "Code first
    // any associated: diabetic chronic kidney disease (... E11.22 ...)" is met by E11.22 first.
    let staged = check(&["E1122", "N1830"]);
    assert_eq!(
        summary(&staged),
        [(UseAdditionalCodeMissing, 0, None, false), (UseAdditionalCodeMissing, 1, None, true)]
    );
    assert_eq!(staged[0].notes[0].source, "E11");
    assert_eq!(
        staged[1].notes[0],
        NoteCitation {
            kind: NoteKind::UseAdditionalCode,
            source: "N18",
            applies_to: 1,
            text: "code, if applicable, to identify:"
        }
    );
    // The stage first: N18's Code First group sees E11.22 only after it.
    let reversed = check(&["N1830", "E1122"]);
    assert_eq!(
        summary(&reversed),
        [
            (CodeFirstAfter, 0, Some(1), true),
            (UseAdditionalCodeMissing, 0, None, true),
            (UseAdditionalCodeMissing, 1, None, false)
        ]
    );
}

#[test]
fn character_conditions_on_real_notes() {
    // G63 "Excludes1: polyneuropathy (in): diabetes mellitus (E08-E13 with .42)".
    let diabetic = check(&["E1142", "G63", "Z794"]);
    assert_eq!(summary(&diabetic), [(Excludes1, 0, Some(1), false), (CodeFirstMissing, 1, None, true)]);
    assert_eq!(notes(&diabetic[0]), [("G63", 1, "diabetes mellitus (E08-E13 with .42)")]);
    assert_eq!(summary(&check(&["E1140", "G63", "Z794"])), [(CodeFirstMissing, 1, None, true)]);
}

#[test]
fn a_clean_claim_has_no_findings() {
    assert!(check(&["E119", "I10", "E785", "Z794"]).is_empty());
    assert!(check(&["I10", "E785"]).is_empty());
}

/// Ordinary claims, coded as a coder would, with the findings read off the XML beforehand.
/// Non-optional findings on them are false positives:
/// - J45.909 (asthma, never smoker): J45 "Use additional code to identify:" lists tobacco
///   exposure and use codes (and eosinophilic asthma) with no "if applicable";
/// - E11.9 controlled by diet: E11 "code to identify control using:" insulin, oral or
///   injectable drugs, none of which applies.
///
/// Optional warnings (hedged notes): J06.9 (infectious agent "if known, such as"), I25.10
/// (I25.1 "if applicable": calcified or lipid-rich lesion), Z87.891 (Z87 "Code first any
/// follow-up examination after treatment (Z09)"), J18.9 ("if applicable, associated
/// influenza"), N18.x (Code First "any associated" without an etiology; "code, if
/// applicable, to identify" cachexia or transplant status), E66.9 (Code First obesity
/// complicating pregnancy "if applicable"), F10.20 (blood alcohol level "if applicable").
const ORDINARY_CLAIMS: [&[&str]; 28] = [
    &["I10", "E785"],
    &["E119", "I10", "E785", "Z7984"],
    &["J069"],
    &["M5450"],
    &["K219", "R1013"],
    &["J45909"],
    &["F32A"],
    &["E039"],
    &["N390", "B9620"],
    &["I2510", "I10", "E785", "Z955", "Z87891"],
    &["Z0000"],
    &["Z23"],
    &["O80", "Z370", "Z3A39"],
    &["S72001A", "W19XXXA", "Y92009"],
    &["J189", "R0902"],
    &["F411", "F17210"],
    &["I4891", "Z7901"],
    &["I110", "I509"],
    &["I129", "N1830"],
    &["E1122", "I129", "N184", "Z794"],
    &["G309", "F0280"],
    &["N184", "D631"],
    &["Z5111", "C3490", "Z87891"],
    &["R519", "R059"],
    &["M1711", "G4733"],
    &["E669", "Z6830"],
    &["F1020", "E559"],
    &["E119", "E785"],
];

#[test]
fn false_positives_on_ordinary_claims() {
    let mut false_positives = Vec::new();
    let mut optional = Vec::new();
    for claim in ORDINARY_CLAIMS {
        for finding in check(claim) {
            let shown = format!("{}", finding);
            if finding.optional {
                optional.push(shown);
            } else {
                false_positives.push(shown);
            }
        }
    }
    assert_eq!(
        false_positives.iter().map(|f| f.split(':').next().unwrap_or("")).collect::<Vec<_>>(),
        ["UseAdditionalCodeMissing J45909 (#1)", "UseAdditionalCodeMissing E119 (#1)"],
        "{false_positives:#?}"
    );
    let expected_optional = [
        "UseAdditionalCodeMissing J069 (#1)",
        "CodeFirstMissing Z87891 (#5)",
        "UseAdditionalCodeMissing I2510 (#1)",
        "CodeFirstMissing J189 (#1)",
        "UseAdditionalCodeMissing N1830 (#2)",
        "UseAdditionalCodeMissing N184 (#3)",
        "CodeFirstMissing N184 (#1)",
        "UseAdditionalCodeMissing N184 (#1)",
        "CodeFirstMissing Z87891 (#3)",
        "CodeFirstMissing E669 (#1)",
        "UseAdditionalCodeMissing F1020 (#1)",
    ];
    assert_eq!(optional.iter().map(|f| f.split(':').next().unwrap_or("")).collect::<Vec<_>>(), expected_optional);
}

#[test]
fn a_twelve_code_claim_checks_in_microseconds() {
    let loaded = loaded();
    let release = fy2026(&loaded.catalog);
    let claim = ["E1122", "I129", "N184", "Z794", "E785", "I2510", "Z955", "Z87891", "J45909", "F411", "G4733", "E669"];
    let rounds = 2_000;
    let started = Instant::now();
    let mut findings = 0;
    for _ in 0..rounds {
        findings += check_claim(&loaded.rules, release, &claim).unwrap().len();
    }
    let per_claim = started.elapsed() / rounds;
    eprintln!(
        "tabular rules: built in {:?}, {} rules, {:.1} MiB on the heap; 12-code claim checked in {:?} ({} findings)",
        loaded.build_time,
        loaded.rules.rule_count(),
        loaded.rules.heap_bytes() as f64 / (1024.0 * 1024.0),
        per_claim,
        findings / rounds as usize,
    );
    assert!(per_claim < Duration::from_micros(50), "{per_claim:?}");
    assert!(loaded.build_time < Duration::from_secs(5), "{:?}", loaded.build_time);
}

#[test]
fn the_fy2025_release_has_no_notes_to_check() {
    let release = loaded().catalog.releases_of(CodeSystem::Icd10Cm).find(|r| r.info.version == "FY2025").unwrap();
    let rules = TabularRules::new(release);
    assert_eq!(rules.rule_count(), 0);
    assert!(check_claim(&rules, release, &["E109", "E119"]).unwrap().is_empty());
    // Rules of one release refuse another.
    assert!(check_claim(&loaded().rules, release, &["E109"]).is_err());
}
