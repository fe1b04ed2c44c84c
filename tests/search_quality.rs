//! Search quality on the judged query set (data/search/eval-queries.tsv): the figures
//! `codify eval` prints must not fall below what the README reports.

use std::path::PathBuf;

use codify::codes::Date;
use codify::engine::Engine;
use codify::eval::{evaluate, read_queries};

#[test]
fn judged_queries_keep_their_recall_and_mrr() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let engine = Engine::load(&root.join("data/releases.json"), None).expect("embedded releases load");
    let queries = read_queries(&root.join("data/search/eval-queries.tsv")).expect("judged queries parse");
    assert!(queries.len() >= 200, "the judged set has {} queries", queries.len());
    let as_of = Date::from_ymd(2026, 6, 1).expect("valid date");
    let report = evaluate(&engine, &queries, as_of).expect("searches run");
    let summary = report.render();
    assert!(report.recall_at_10 >= 0.95, "recall@10 fell:\n{summary}");
    assert!(report.mrr_at_10 >= 0.82, "MRR@10 fell:\n{summary}");
    assert!(report.recall_at_1 >= 0.75, "recall@1 fell:\n{summary}");
}
