//! The suggester on the CodiEsp dev split shipped in `data/codiesp/` (CC BY 4.0, BSC/Plan TL;
//! Miranda-Escalada et al. 2020), built on the real ICD-10-CM FY2026 release, the FY2025
//! Alphabetic Index and the shipped synonyms. The figures are deterministic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use codify::codes::{CodeSystem, Date, Release, ReleaseInfo};
use codify::index::Synonyms;
use codify::loaders::{icd10cm_index_csv, icd10cm_tabular};
use codify::suggest::codiesp::{evaluate_suggest, read_split};
use codify::suggest::{SuggestOptions, Suggester};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(path)
}

fn release() -> Release {
    let content = icd10cm_tabular::load(&data("icd10cm/icd10cm-tabular-2026.xml.gz")).unwrap();
    let info = ReleaseInfo {
        system: CodeSystem::Icd10Cm,
        version: "FY2026".to_string(),
        effective_from: Date::from_ymd(2025, 10, 1).unwrap(),
        effective_to: None,
        sources: Vec::new(),
    };
    Release::new(0, info, content)
}

#[test]
fn codiesp_dev_map() {
    let release = release();
    let index = icd10cm_index_csv::load(&data("icd10cm/index-fy2025/ICD10CM_2025_Index.csv.gz")).unwrap();
    let synonyms = Synonyms::load(&data("search/synonyms.tsv")).unwrap();
    let started = Instant::now();
    let suggester = Suggester::build(&release, Some(&index), Some(&synonyms));
    eprintln!("built in {:?}: {:?}", started.elapsed(), suggester.sizes());
    assert_eq!(read_split(&data("codiesp/dev")).unwrap().len(), 250);
    let dev = evaluate_suggest(&data("codiesp/dev"), &suggester).unwrap();
    eprintln!("dev\n{dev}");
    if std::env::var_os("CODIFY_SUGGEST_ABLATION").is_some() {
        let train = evaluate_suggest(&data("codiesp/train"), &suggester).unwrap();
        eprintln!("train\n{train}");
        let all = SuggestOptions::default();
        let switched = [
            ("titles only", SuggestOptions { inclusion_terms: false, index: false, synonyms: false, ..all }),
            ("titles + inclusion terms", SuggestOptions { index: false, synonyms: false, ..all }),
            ("without titles", SuggestOptions { titles: false, ..all }),
            ("without inclusion terms", SuggestOptions { inclusion_terms: false, ..all }),
            ("without index", SuggestOptions { index: false, ..all }),
            ("without synonyms", SuggestOptions { synonyms: false, ..all }),
        ];
        for (name, options) in switched {
            let ablated = Suggester::build_with(&release, Some(&index), Some(&synonyms), options);
            let report = evaluate_suggest(&data("codiesp/dev"), &ablated).unwrap();
            eprintln!("{name}: dev MAP {:.3}", report.map);
        }
    }
    // Measured: below the 0.35 target; see the suggest module's report for what is left.
    assert_eq!(format!("{:.3}", dev.map), "0.233");
    assert_eq!(dev.documents, 250);
    assert_eq!(dev.gold_codes, 2677);
}

#[test]
#[ignore]
fn codiesp_train_diagnostics() {
    let release = release();
    let index = icd10cm_index_csv::load(&data("icd10cm/index-fy2025/ICD10CM_2025_Index.csv.gz")).unwrap();
    let synonyms = Synonyms::load(&data("search/synonyms.tsv")).unwrap();
    let suggester = Suggester::build(&release, Some(&index), Some(&synonyms));
    let mut false_top: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut missed: std::collections::BTreeMap<String, usize> = Default::default();
    for document in read_split(&data("codiesp/train")).unwrap() {
        let mentions = suggester.mentions(&document.text);
        let ranked = suggester.rank(&mentions, |_| true, 200);
        for s in ranked.iter().take(10) {
            let slot = false_top.entry(format!("{} {:?}", s.code, mentions[s.mentions[0]].source)).or_default();
            if document.gold.contains(&s.code) {
                slot.0 += 1
            } else {
                slot.1 += 1
            }
        }
        for gold in &document.gold {
            if !ranked.iter().any(|s| &s.code == gold) {
                *missed.entry(gold.clone()).or_default() += 1;
            }
        }
    }
    let mut worst: Vec<_> = false_top.into_iter().collect();
    worst.sort_by_key(|(_, (hit, miss))| std::cmp::Reverse(*miss as i64 - *hit as i64));
    for (code, (hit, miss)) in worst.iter().take(60) {
        eprintln!("top10 {code}: hit {hit} miss {miss}");
    }
    let mut missed: Vec<_> = missed.into_iter().collect();
    missed.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    for (code, n) in missed.iter().take(40) {
        eprintln!("missed {code}: {n}");
    }
}
