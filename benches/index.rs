//! Criterion benchmarks of the domain without the transport: index search per query
//! class, claim validation of 1,000 codes, and release loading + index build.
//!
//! Run: `cargo bench --bench index`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use codify::codes::{CodeSystem, Date};
use codify::engine::Engine;
use codify::index::SearchRequest;
use criterion::{criterion_group, criterion_main, Criterion};

/// The binary's allocator, so that figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/releases.json")
}

fn as_of() -> Date {
    Date::from_ymd(2026, 6, 1).unwrap_or_else(Date::today_utc)
}

fn search(text: &str) -> SearchRequest {
    SearchRequest::new(text, as_of())
}

/// 1,000 claim lines: real codes of each system at several dates, plus headers, terminated,
/// unknown and malformed codes.
fn claim_lines(engine: &Engine) -> Vec<(CodeSystem, String, Date)> {
    let dates = [as_of(), Date::from_ymd(2025, 1, 15).unwrap_or_else(Date::today_utc)];
    let mut lines = Vec::with_capacity(1_000);
    let mut index = 0usize;
    for release in engine.catalog.releases() {
        for entry in release.entries.iter().step_by(97).take(180) {
            lines.push((release.info.system, entry.code.clone(), dates[index % 2]));
            index += 1;
        }
    }
    let odd = ["E11", "S301XXA", "C9041", "ZZZ99", "E11.99999", "J9999", "99999", "Q99.9"];
    while lines.len() < 1_000 {
        let code = odd[lines.len() % odd.len()];
        lines.push((CodeSystem::Icd10Cm, code.to_string(), dates[lines.len() % 2]));
    }
    lines.truncate(1_000);
    lines
}

fn benches(c: &mut Criterion) {
    let engine = match Engine::load(&manifest(), None) {
        Ok(engine) => engine,
        Err(error) => panic!("cannot load the embedded releases: {error}"),
    };
    let classes = [
        ("code_exact", "E11.9"),
        ("code_prefix", "E11"),
        ("one_word", "pneumonia"),
        ("three_word_prefix", "diab mell typ"),
        ("typo", "pnuemonia"),
        ("lay_term", "heart attack"),
        ("abbreviation", "chf"),
        ("long_title", "Type 2 diabetes mellitus without complications"),
    ];
    let mut group = c.benchmark_group("search");
    for (name, text) in classes {
        let request = search(text);
        group.bench_function(name, |b| {
            b.iter(|| black_box(engine.index.search(&engine.catalog, black_box(&request)).map(|page| page.total)))
        });
    }
    group.finish();

    let lines = claim_lines(&engine);
    c.bench_function("validate_1000_codes", |b| {
        b.iter(|| {
            let valid = lines
                .iter()
                .filter(|(system, code, date)| {
                    engine.catalog.validate(*system, code, *date).verdict == codify::codes::Verdict::Valid
                })
                .count();
            black_box(valid)
        })
    });

    let mut startup = c.benchmark_group("startup");
    startup.sample_size(10).measurement_time(Duration::from_secs(60));
    startup.bench_function("load_releases_and_build_index", |b| {
        b.iter(|| black_box(Engine::load(&manifest(), None).map(|engine| engine.index.doc_count())))
    });
    startup.finish();
}

criterion_group!(index_benches, benches);
criterion_main!(index_benches);
