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
use codify::codes::{CodeSystem, Date};
use codify::engine::Engine;
use criterion::{criterion_group, criterion_main, Criterion};

/// The binary's allocator, so that figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/releases.json")
}

fn date(year: i32, month: u32, day: u32) -> Date {
    Date::from_ymd(year, month, day).unwrap_or_else(Date::today_utc)
}

/// A chronic-care outpatient claim: 12 diagnoses (diabetes with CKD, hypertension, heart
/// disease, asthma, ...) and 20 lines (visits, labs, imaging, injections, NCCI sample pairs).
fn claim(date_of_service: Date, age: u8, sex: Sex, claim_type: ClaimType) -> Claim {
    let diagnoses = [
        "E11.22", "I12.9", "N18.4", "Z79.4", "E78.5", "I25.10", "Z95.5", "Z87.891", "J45.909", "F41.1", "G47.33",
        "E66.9",
    ];
    let lines = [
        (CodeSystem::Cpt, "99214", &[][..], 1),
        (CodeSystem::Cpt, "36415", &[], 1),
        (CodeSystem::Cpt, "80053", &[], 1),
        (CodeSystem::Cpt, "83036", &[], 1),
        (CodeSystem::Cpt, "80061", &[], 1),
        (CodeSystem::Cpt, "82565", &[], 1),
        (CodeSystem::Cpt, "85025", &[], 1),
        (CodeSystem::Cpt, "81003", &[], 1),
        (CodeSystem::Cpt, "93000", &[], 1),
        (CodeSystem::Cpt, "93306", &["26"], 1),
        (CodeSystem::Cpt, "71046", &[], 1),
        (CodeSystem::Cpt, "94010", &[], 1),
        (CodeSystem::Cpt, "96372", &[], 2),
        (CodeSystem::Cpt, "20610", &["RT"], 1),
        (CodeSystem::Cpt, "90686", &[], 1),
        (CodeSystem::Cpt, "90471", &[], 1),
        (CodeSystem::Hcpcs, "G0008", &[], 1),
        (CodeSystem::Hcpcs, "J1100", &[], 4),
        (CodeSystem::Cpt, "3044F", &[], 1),
        (CodeSystem::Cpt, "1036F", &[], 1),
    ];
    Claim {
        claim_type,
        date_of_service,
        patient: Patient { age: Some(age), sex: Some(sex) },
        diagnoses: diagnoses.iter().map(|code| code.to_string()).collect(),
        admitting_diagnosis: None,
        lines: lines
            .iter()
            .map(|(system, code, modifiers, units)| ServiceLine {
                system: *system,
                code: code.to_string(),
                modifiers: modifiers.iter().map(|m| m.to_string()).collect(),
                units: *units,
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
