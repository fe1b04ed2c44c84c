//! Short notes in our own words, run on the real ICD-10-CM FY2026 release, the FY2025
//! Alphabetic Index and the synonyms shipped in `data/`, with the exact codes expected.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use super::*;
use crate::codes::{CodeSystem, Date, ReleaseInfo};
use crate::loaders::{icd10cm_index_csv, icd10cm_tabular};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(path)
}

fn release() -> &'static Release {
    static RELEASE: OnceLock<Release> = OnceLock::new();
    RELEASE.get_or_init(|| {
        let content = icd10cm_tabular::load(&data("icd10cm/icd10cm-tabular-2026.xml.gz")).unwrap();
        let info = ReleaseInfo {
            system: CodeSystem::Icd10Cm,
            version: "FY2026".to_string(),
            effective_from: Date::from_ymd(2025, 10, 1).unwrap(),
            effective_to: None,
            sources: Vec::new(),
        };
        Release::new(0, info, content)
    })
}

fn alpha_index() -> &'static AlphaIndex {
    static INDEX: OnceLock<AlphaIndex> = OnceLock::new();
    INDEX.get_or_init(|| icd10cm_index_csv::load(&data("icd10cm/index-fy2025/ICD10CM_2025_Index.csv.gz")).unwrap())
}

fn synonyms() -> &'static Synonyms {
    static SYNONYMS: OnceLock<Synonyms> = OnceLock::new();
    SYNONYMS.get_or_init(|| Synonyms::load(&data("search/synonyms.tsv")).unwrap())
}

fn suggester() -> &'static Suggester {
    static SUGGESTER: OnceLock<Suggester> = OnceLock::new();
    SUGGESTER.get_or_init(|| {
        let (release, index, synonyms) = (release(), alpha_index(), synonyms());
        let started = Instant::now();
        let built = Suggester::build(release, Some(index), Some(synonyms));
        eprintln!("suggester built in {:?}: {:?}", started.elapsed(), built.sizes());
        built
    })
}

/// The ranked codes of a note, sorted (the rank order is asserted where it matters).
fn codes(note: &str) -> Vec<String> {
    let suggester = suggester();
    let mentions = suggester.mentions(note);
    let mut ranked: Vec<String> = suggester.rank(&mentions, |_| true, 20).into_iter().map(|s| s.code).collect();
    ranked.sort();
    ranked
}

fn assert_codes(note: &str, expected: &[&str]) {
    assert_eq!(codes(note), expected, "{note:?}");
}

#[test]
fn diabetes_with_kidney_disease_and_its_stage() {
    assert_codes("Type 2 diabetes with diabetic chronic kidney disease stage 3a.", &["E11.22", "N18.31"]);
}

#[test]
fn hypertension_with_heart_failure() {
    assert_codes("Hypertension with heart failure.", &["I11.0", "I50.9"]);
    assert_codes("Hypertension.", &["I10"]);
}

#[test]
fn femoral_neck_fracture_is_completed() {
    let suggester = suggester();
    let note = "Closed fracture of the neck of the right femur.";
    let mentions = suggester.mentions(note);
    let ranked = suggester.rank(&mentions, |_| true, 5);
    assert_eq!(ranked[0].code, "S72.001A");
    assert_eq!(ranked[0].lacks, [Lack::Site, Lack::Encounter]);
    let mention = &mentions[ranked[0].mentions[0]];
    assert_eq!(mention.source, MentionSource::Index);
    let words: Vec<&str> = mention.evidence.iter().map(|range| &note[range.clone()]).collect();
    assert_eq!(words, ["fracture", "neck", "femur"]);
}

#[test]
fn simple_conditions_and_lay_terms() {
    assert_codes("Herpes zoster.", &["B02.9"]);
    // "stomach flu" reads as viral gastroenteritis (A08.4); the "gastroenteritis" of that
    // reading also finds K52.9 (noninfective) from the same words: a known extra.
    assert_codes("He has the stomach flu.", &["A08.4", "K52.9"]);
}

#[test]
fn abbreviations_and_history() {
    assert_codes("HTN, DM2.", &["E11.9", "I10"]);
    let history = suggester().mentions("History of MI.");
    let ranked = suggester().rank(&history, |_| true, 5);
    assert_eq!(ranked[0].code, "I25.2");
    assert_eq!(codes("History of MI."), ["I25.2"]);
}

#[test]
fn evidence_is_in_text_order_and_within_the_note() {
    let note = "Pt with COPD exacerbation and CHF";
    for mention in suggester().mentions(note) {
        assert!(mention.start < mention.end && mention.end <= note.len());
        assert!(mention.evidence.windows(2).all(|pair| pair[0].start <= pair[1].start));
    }
}

#[test]
fn four_hundred_words_take_a_few_milliseconds() {
    let suggester = suggester();
    let sentence = "The patient, a 67-year-old man with type 2 diabetes, hypertension and chronic kidney disease stage 3, \
                    presented with fever, cough and shortness of breath; chest x-ray showed right lower lobe pneumonia. ";
    let note = sentence.repeat(400 / sentence.split_whitespace().count() + 1);
    let started = Instant::now();
    let rounds = 20;
    for _ in 0..rounds {
        let mentions = suggester.mentions(&note);
        assert!(!suggester.rank(&mentions, |_| true, 10).is_empty());
    }
    let per_note = started.elapsed() / rounds;
    eprintln!("{} words: {per_note:?} per note", note.split_whitespace().count());
}

#[test]
fn a_symptom_main_term_mention_gives_way_to_the_deeper_path() {
    let suggester = suggester();
    let mentions = suggester.mentions("Abdominal pain.");
    let specific = mentions.iter().find(|m| m.code == "R10.9").unwrap();
    let own = mentions.iter().find(|m| m.code == "R52").unwrap();
    assert!(!specific.main_term && own.main_term);
    // Found, but inside the longer mention of another code: not suggested apart.
    assert_eq!(codes("Abdominal pain."), ["R10.9"]);
    // Not for a combination: diabetes and hypertension are coded once.
    assert_eq!(codes("Hypertension with heart failure."), ["I11.0", "I50.9"]);
}

#[test]
fn the_shipped_prior_weighs_down_words_rarely_coded() {
    let prior = suggester().prior().unwrap();
    for code in ["R52", "R50.9", "R60.9", "Q89.9", "Z00.00", "R69", "R59.9"] {
        eprintln!("{code}: {:?} p {:.3}", prior.counts(code), prior.probability(code));
    }
    assert!(prior.probability("R50.9") > 2.0 * prior.probability("Q89.9"));
    let unweighted = Suggester::build_with(
        release(),
        Some(alpha_index()),
        Some(synonyms()),
        SuggestOptions { prior: false, ..SuggestOptions::default() },
    );
    assert!(unweighted.prior().is_none());
}
