//! Criterion benchmarks of CheckClaim's domain logic without the transport: one claim of 12
//! diagnoses and 20 service lines, and a batch of 1,000 such claims (varied by date, age and
//! sex), against the embedded releases and every loaded rule set (MCE, tabular notes, NCCI
//! sample, CMS-HCC).
//!
//! Run: `cargo bench --bench claims`.

use std::hint::black_box;
use std::path::PathBuf;

use codify::claims::claim::{check_claim, Claim, ClaimType, ServiceLine};
use codify::claims::{Patient, Sex};
use codify::codes::Date;
use codify::engine::Engine;
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "common/chronic_claim.rs"]
mod chronic_claim;

use chronic_claim::{DIAGNOSES, LINES};

/// The binary's allocator, so that figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/releases.json")
}

fn date(year: i32, month: u32, day: u32) -> Date {
    Date::from_ymd(year, month, day).unwrap_or_else(Date::today_utc)
}

/// The chronic-care claim of `chronic_claim` for a date, patient and claim type.
fn claim(date_of_service: Date, age: u8, sex: Sex, claim_type: ClaimType) -> Claim {
    Claim {
        claim_type,
        date_of_service,
        patient: Patient { age: Some(age), sex: Some(sex) },
        diagnoses: DIAGNOSES.iter().map(|code| code.to_string()).collect(),
        admitting_diagnosis: None,
        lines: LINES
            .iter()
            .map(|&(system, code, modifier, units)| ServiceLine {
                system,
                code: code.to_string(),
                modifiers: chronic_claim::modifiers(modifier),
                units,
                date_of_service,
            })
            .collect(),
        procedures: Vec::new(),
    }
}

fn benches(c: &mut Criterion) {
    let engine = match Engine::load(&manifest(), None) {
        Ok(engine) => engine,
        Err(error) => panic!("cannot load the embedded releases: {error}"),
    };
    let one = claim(date(2025, 11, 1), 67, Sex::Female, ClaimType::Professional);
    c.bench_function("check_claim_12dx_20lines", |b| {
        b.iter(|| black_box(check_claim(&engine.catalog, &engine.claim_rules, black_box(&one)).edits.len()))
    });
    let dates = [date(2025, 11, 1), date(2025, 3, 15), date(2026, 2, 1)];
    let types = [ClaimType::Professional, ClaimType::InstitutionalOutpatient, ClaimType::InstitutionalInpatient];
    let batch: Vec<Claim> = (0..1_000)
        .map(|n| {
            let sex = if n % 2 == 0 { Sex::Female } else { Sex::Male };
            claim(dates[n % 3], 18 + (n % 80) as u8, sex, types[(n / 3) % 3])
        })
        .collect();
    let mut group = c.benchmark_group("check_claims");
    group.sample_size(20);
    group.bench_function("1000_claims_12dx_20lines", |b| {
        b.iter(|| {
            let edits: usize =
                batch.iter().map(|claim| check_claim(&engine.catalog, &engine.claim_rules, claim).edits.len()).sum();
            black_box(edits)
        })
    });
    group.finish();
}

criterion_group!(claims_benches, benches);
criterion_main!(claims_benches);
