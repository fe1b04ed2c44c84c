//! The suggester on the CodiEsp dev split shipped in `data/codiesp/` (CC BY 4.0, BSC/Plan TL;
//! Miranda-Escalada et al. 2020), built on the real ICD-10-CM FY2026 release, the FY2025
//! Alphabetic Index and the shipped synonyms. The figures are deterministic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use codify::codes::{CodeSystem, Date, Release, ReleaseInfo};
use codify::index::Synonyms;
use codify::loaders::{icd10cm_index_csv, icd10cm_tabular};
use codify::suggest::codiesp::{evaluate_documents, evaluate_suggest, learn_prior, read_split};
use codify::suggest::{PriorWeights, SuggestOptions, Suggester};

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
            (
                "titles only",
                SuggestOptions { inclusion_terms: false, index: false, synonyms: false, prior: false, ..all },
            ),
            ("titles + inclusion terms", SuggestOptions { index: false, synonyms: false, prior: false, ..all }),
            ("without titles", SuggestOptions { titles: false, ..all }),
            ("without inclusion terms", SuggestOptions { inclusion_terms: false, ..all }),
            ("without index", SuggestOptions { index: false, ..all }),
            ("without synonyms", SuggestOptions { synonyms: false, ..all }),
            ("without prior", SuggestOptions { prior: false, ..all }),
            ("without main-term symptom codes", SuggestOptions { main_term_codes: false, ..all }),
            ("titles + inclusion terms + prior", SuggestOptions { index: false, synonyms: false, ..all }),
        ];
        for (name, options) in switched {
            let ablated = Suggester::build_with(&release, Some(&index), Some(&synonyms), options);
            let report = evaluate_suggest(&data("codiesp/dev"), &ablated).unwrap();
            eprintln!("{name}: dev MAP {:.3}", report.map);
        }
    }
    // Measured with the prior learned on train (data/suggest/codiesp-prior.tsv); 0.242 without
    // it. The 0.35 target is met; train (which the prior was learned on) gives 0.414.
    // 0.361 while a symptom main term's own code (R52 of "abdominal pain") was suggested beside
    // the deeper path's code: CodiEsp's annotators often code both, a coder does not.
    assert_eq!(format!("{:.3}", dev.map), "0.352");
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

/// Header of the shipped prior.
const PRIOR_HEADER: &str = "\
Prior of codify's code suggester: per ICD-10-CM code, the CodiEsp train documents in which the
suggester (ranking without a prior) found it, and of those, the documents coded with it.
Derived from CodiEsp train (CLEF eHealth 2020, BSC/Plan TL, Miranda-Escalada et al. 2020;
CC BY 4.0, https://creativecommons.org/licenses/by/4.0/); dev never used.
Written by: cargo test --release --test suggest_codiesp -- --ignored write_codiesp_prior
code<TAB>found<TAB>gold";

fn unweighted(options: SuggestOptions) -> Suggester {
    let release = release();
    let index = icd10cm_index_csv::load(&data("icd10cm/index-fy2025/ICD10CM_2025_Index.csv.gz")).unwrap();
    let synonyms = Synonyms::load(&data("search/synonyms.tsv")).unwrap();
    Suggester::build_with(&release, Some(&index), Some(&synonyms), SuggestOptions { prior: false, ..options })
}

/// Writes `data/suggest/codiesp-prior.tsv` from CodiEsp train.
#[test]
#[ignore]
fn write_codiesp_prior() {
    let suggester = unweighted(SuggestOptions::default());
    let train = read_split(&data("codiesp/train")).unwrap();
    let prior = learn_prior(&train, &suggester);
    std::fs::write(data("suggest/codiesp-prior.tsv"), prior.to_tsv(PRIOR_HEADER)).unwrap();
    eprintln!("{} codes", prior.len());
}

/// The prior's weights chosen by two-fold cross-validation on train (dev printed for the record).
#[test]
#[ignore]
fn codiesp_prior_sweep() {
    for main_term_codes in [false, true] {
        let mut suggester = unweighted(SuggestOptions { main_term_codes, ..SuggestOptions::default() });
        let train = read_split(&data("codiesp/train")).unwrap();
        let dev = read_split(&data("codiesp/dev")).unwrap();
        let (even, odd): (Vec<_>, Vec<_>) = train.iter().cloned().enumerate().partition(|(at, _)| at.is_multiple_of(2));
        let even: Vec<_> = even.into_iter().map(|(_, document)| document).collect();
        let odd: Vec<_> = odd.into_iter().map(|(_, document)| document).collect();
        let none = evaluate_documents(&dev, &suggester).map;
        let none_train = evaluate_documents(&train, &suggester).map;
        eprintln!("main_term_codes {main_term_codes}: no prior: train {none_train:.3} dev {none:.3}");
        let from_even = learn_prior(&even, &suggester);
        let from_odd = learn_prior(&odd, &suggester);
        let from_train = learn_prior(&train, &suggester);
        for smoothing in [0.5, 1.0, 2.0, 4.0, 8.0] {
            for exponent in [0.0, 0.25, 0.5, 1.0, 2.0] {
                let weights = PriorWeights { smoothing, exponent };
                let mut cv = 0.0;
                for (prior, held_out) in [(&from_even, &odd), (&from_odd, &even)] {
                    let mut prior = prior.clone();
                    prior.weights = weights;
                    suggester.set_prior(Some(prior));
                    cv += evaluate_documents(held_out, &suggester).map / 2.0;
                }
                let mut prior = from_train.clone();
                prior.weights = weights;
                suggester.set_prior(Some(prior));
                let dev = evaluate_documents(&dev, &suggester).map;
                eprintln!("k {smoothing} e {exponent}: train cv {cv:.3} dev {dev:.3}");
            }
        }
    }
}
