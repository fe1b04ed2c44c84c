//! The negation evaluation on the shipped half of the NegEx test kit (data/negex): the exact
//! confusion counts of the current rules, and the F1 floor they must keep.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use codify::text::negation_eval::Confusion;
use codify::text::{evaluate_negation, NegationEvalError};

const KIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/negex/negex-annotations-dev.tsv");

#[test]
fn negex_dev_half_scores_as_recorded() {
    let report = evaluate_negation(Path::new(KIT)).unwrap();
    assert_eq!(
        report.overall,
        Confusion { true_positives: 226, false_positives: 1, false_negatives: 3, true_negatives: 958 }
    );
    assert_eq!(report.overall.phrases(), 1188);
    assert_eq!(report.partial_phrases, 5);
    assert!(report.f1() >= 0.93, "F1 {}", report.f1());
    assert_eq!(report.to_string().lines().last(), Some("F1 0.991 precision 0.996 recall 0.987 (1188 phrases)"));
    // The development and check halves, by row-number parity.
    assert_eq!(report.odd_rows.phrases() + report.even_rows.phrases(), 1188);
    assert_eq!(report.odd_rows.to_string(), "F1 0.987 precision 0.991 recall 0.983 (590 phrases)");
    assert_eq!(report.even_rows.to_string(), "F1 0.995 precision 1.000 recall 0.991 (598 phrases)");
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let error = evaluate_negation(Path::new("data/negex/no-such-file.tsv")).unwrap_err();
    assert!(matches!(error, NegationEvalError::Read { .. }));
    assert!(error.to_string().contains("no-such-file.tsv"), "{error}");
}
