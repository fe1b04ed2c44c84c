//! Criterion benchmarks of SuggestCodes' domain logic without the transport: a 400-word note
//! (the project's own words: a discharge-style note with sections, negations, history and
//! family history) through the assertion stages and the suggester of the FY2026 release, and
//! the assertion stages alone. Throughput in notes/s per core is 1 / the time per note.
//!
//! Run: `cargo bench --bench suggest`.

use std::hint::black_box;
use std::path::PathBuf;

use codify::codes::Date;
use codify::engine::Engine;
use criterion::{criterion_group, criterion_main, Criterion};

/// The binary's allocator, so that figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/dense_note.rs"]
mod dense_note;

fn benches(c: &mut Criterion) {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/releases.json");
    let engine = match Engine::load(&manifest, None) {
        Ok(engine) => engine,
        Err(error) => panic!("cannot load the embedded releases: {error}"),
    };
    let date = Date::from_ymd(2025, 11, 1).unwrap_or_else(Date::today_utc);
    let Some(suggester) = engine.suggester(date) else { panic!("no ICD-10-CM release in force") };
    let note = dense_note::note();
    let words = note.split_whitespace().count();
    assert!((380..=440).contains(&words), "the note has {words} words");

    c.bench_function("suggest/400-word note (assertion + mentions + ranking)", |b| {
        b.iter(|| codify::notes::code_note(suggester, black_box(&note), 20, true))
    });
    c.bench_function("suggest/400-word note, assertion stages only", |b| {
        b.iter(|| codify::text::analyze(black_box(&note)))
    });
}

criterion_group!(suggest, benches);
criterion_main!(suggest);
