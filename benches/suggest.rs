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

/// About 100 words; four of them make the 400-word note.
const PARAGRAPH: &str = "Chief complaint: shortness of breath and swelling of both legs.\n\
History of present illness: 72 year old man with type 2 diabetes mellitus with diabetic chronic \
kidney disease stage 3a, essential hypertension and chronic systolic heart failure presents with \
three days of worsening dyspnea on exertion. He denies chest pain, fever, chills or cough. No \
nausea or vomiting.\nPast medical history: myocardial infarction in 2015, osteoarthritis of the \
right knee, gastroesophageal reflux disease.\nFamily history: mother had breast cancer; father \
had a stroke.\nAssessment: acute on chronic systolic heart failure; hyperkalemia; possible \
pneumonia, will rule out with chest x-ray.\n";

fn benches(c: &mut Criterion) {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/releases.json");
    let engine = match Engine::load(&manifest, None) {
        Ok(engine) => engine,
        Err(error) => panic!("cannot load the embedded releases: {error}"),
    };
    let date = Date::from_ymd(2025, 11, 1).unwrap_or_else(Date::today_utc);
    let Some(suggester) = engine.suggester(date) else { panic!("no ICD-10-CM release in force") };
    let note = PARAGRAPH.repeat(4);
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
