//! ValidateCodes against the real releases: every verdict, normalised and display forms,
//! large batches in order, and refused requests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codify::grpc::proto::{
    ValidateCodesRequest, ValidateCodesResponse, ValidationItem, ValidationResult, ValidityReason,
};
use common::{assert_invalid_fields, expect_ok, item, CPT, HCPCS, ICD, IN_FORCE};

async fn validate(items: Vec<ValidationItem>) -> ValidateCodesResponse {
    let mut client = common::client().await;
    expect_ok(client.validate_codes(ValidateCodesRequest { items }).await, "validate")
}

async fn validate_one(system: i32, code: &str, date_of_service: &str) -> ValidationResult {
    let mut response = validate(vec![item(system, code, date_of_service)]).await;
    assert_eq!(response.results.len(), 1);
    response.results.remove(0)
}

fn reason(result: &ValidationResult) -> ValidityReason {
    ValidityReason::try_from(result.reason).expect("known reason")
}

#[tokio::test]
async fn billable_code_in_force_is_valid() {
    let result = validate_one(ICD, "E11.9", "2026-01-01").await;
    assert_eq!(
        result,
        ValidationResult {
            valid: true,
            reason: ValidityReason::Valid as i32,
            normalized_code: "E119".to_string(),
            display_code: "E11.9".to_string(),
            message: "E11.9 is valid".to_string(),
            release_version: "FY2026".to_string(),
            title: "Type 2 diabetes mellitus without complications".to_string(),
            ..Default::default()
        }
    );
}

#[tokio::test]
async fn empty_date_of_service_means_today() {
    let result = validate_one(ICD, "E11.9", "").await;
    assert!(result.valid);
    assert_eq!(result.release_version, "FY2026");
}

#[tokio::test]
async fn header_is_not_billable_and_lists_its_billable_children() {
    let result = validate_one(ICD, "E11", "2026-01-01").await;
    assert!(!result.valid);
    assert_eq!(reason(&result), ValidityReason::NotBillable);
    assert_eq!(result.replacements, ["E11.8", "E11.9", "E11.A"]);
    assert_eq!(result.display_code, "E11");
    assert_eq!(result.title, "Type 2 diabetes mellitus");
    assert_eq!(result.release_version, "FY2026");

    let deeper = validate_one(ICD, "E11.3", "2026-01-01").await;
    assert_eq!(reason(&deeper), ValidityReason::NotBillable);
    assert_eq!(deeper.replacements, ["E11.36", "E11.39"]);
}

#[tokio::test]
async fn icd_code_dropped_by_fy2026_is_valid_before_and_terminated_after() {
    let before = validate_one(ICD, "S30.1XXA", "2025-01-01").await;
    assert!(before.valid);
    assert_eq!(reason(&before), ValidityReason::Valid);
    assert_eq!(before.release_version, "FY2025");
    assert_eq!(before.title, "Contusion of abdominal wall, initial encounter");

    let last_day = validate_one(ICD, "S30.1XXA", "2025-09-30").await;
    assert!(last_day.valid);

    let after = validate_one(ICD, "S30.1XXA", "2025-11-01").await;
    assert!(!after.valid);
    assert_eq!(reason(&after), ValidityReason::Terminated);
    assert_eq!(after.termination_date, "2025-09-30");
    assert_eq!(after.release_version, "FY2026");
    assert_eq!(after.normalized_code, "S301XXA");
    assert_eq!(after.display_code, "S30.1XXA");
    assert_eq!(after.message, "S30.1XXA was terminated; last valid day 2025-09-30");
}

#[tokio::test]
async fn hcpcs_code_terminated_with_a_replacement() {
    let in_2020 = validate_one(HCPCS, "C9041", "2020-03-01").await;
    assert!(in_2020.valid);
    assert_eq!(in_2020.release_version, "2020");

    let later = validate_one(HCPCS, "C9041", "2025-11-01").await;
    assert!(!later.valid);
    assert_eq!(reason(&later), ValidityReason::Terminated);
    assert_eq!(later.termination_date, "2020-06-30");
    assert_eq!(later.replacements, ["J7169"]);
    assert_eq!(later.release_version, "2025-10");

    let replacement = validate_one(HCPCS, "J7169", "2025-11-01").await;
    assert!(replacement.valid);
}

#[tokio::test]
async fn hcpcs_code_before_its_add_date_is_not_yet_effective() {
    let early = validate_one(HCPCS, "A2036", "2024-01-01").await;
    assert!(!early.valid);
    assert_eq!(reason(&early), ValidityReason::NotYetEffective);
    assert_eq!(early.effective_date, "2025-10-01");
    assert_eq!(early.message, "A2036 is not in force until 2025-10-01");
    assert_eq!(early.title, "Cohealyx collagen dermal matrix, per square centimeter");

    let on_time = validate_one(HCPCS, "A2036", "2025-10-01").await;
    assert!(on_time.valid);
    assert_eq!(on_time.release_version, "2025-10");

    let fy2026_only = validate_one(ICD, "E11.A", "2025-01-01").await;
    assert_eq!(reason(&fy2026_only), ValidityReason::NotYetEffective);
    assert_eq!(fy2026_only.effective_date, "2025-10-01");
}

#[tokio::test]
async fn malformed_codes_have_no_normalised_form() {
    let cases = [
        (ICD, "123", "2026-01-01"),
        (ICD, "E1", "2026-01-01"),
        (ICD, "", "2026-01-01"),
        (ICD, "E11-9", "2026-01-01"),
        (HCPCS, "C904", "2026-01-01"),
        (CPT, "9921", IN_FORCE),
    ];
    let response = validate(cases.iter().map(|&(system, code, date)| item(system, code, date)).collect()).await;
    assert_eq!(response.valid_count, 0);
    for (result, (_, code, _)) in response.results.iter().zip(cases) {
        assert!(!result.valid, "{code:?}");
        assert_eq!(reason(result), ValidityReason::Malformed, "{code:?}");
        assert_eq!(result.normalized_code, "", "{code:?}");
        assert_eq!(result.display_code, "", "{code:?}");
    }
    assert_eq!(response.results[0].message, "not a well-formed code of icd10cm");
    assert_eq!(response.results[4].message, "not a well-formed code of hcpcs");
    assert_eq!(response.results[5].message, "not a well-formed code of cpt");
}

#[tokio::test]
async fn well_formed_codes_no_release_knows_are_unknown() {
    let icd = validate_one(ICD, "Z99.999", "2026-01-01").await;
    assert!(!icd.valid);
    assert_eq!(reason(&icd), ValidityReason::Unknown);
    assert_eq!(icd.normalized_code, "Z99999");
    assert_eq!(icd.display_code, "Z99.999");
    assert_eq!(icd.title, "");
    assert_eq!(icd.release_version, "FY2026");

    let modifier = validate_one(HCPCS, "ZZ", "2026-01-01").await;
    assert_eq!(reason(&modifier), ValidityReason::Unknown);
    let cpt = validate_one(CPT, "99201", IN_FORCE).await;
    assert_eq!(reason(&cpt), ValidityReason::Unknown);
}

#[tokio::test]
async fn dates_no_release_covers_have_no_release() {
    let icd = validate_one(ICD, "Z99.999", "2019-01-01").await;
    assert!(!icd.valid);
    assert_eq!(reason(&icd), ValidityReason::NoRelease);
    assert_eq!(icd.release_version, "");
    assert_eq!(icd.message, "no loaded icd10cm release covers the date of service");

    let cpt = validate_one(CPT, "99999", "2025-06-01").await;
    assert_eq!(reason(&cpt), ValidityReason::NoRelease);
    assert_eq!(cpt.release_version, "");
}

/// Reported: a code that a later release knows, validated on a date no loaded release
/// covers, is NOT_YET_EFFECTIVE ("E11.9 is not in force until 2024-10-01"; "99213 is not
/// in force until 2026-01-01") although both codes existed then; the loaded data cannot say,
/// which is what NO_RELEASE is for.
#[tokio::test]
async fn known_codes_on_dates_no_release_covers_have_no_release() {
    let icd = validate_one(ICD, "E11.9", "2019-01-01").await;
    assert_eq!(reason(&icd), ValidityReason::NoRelease);
    let cpt = validate_one(CPT, "99213", "2025-06-01").await;
    assert_eq!(reason(&cpt), ValidityReason::NoRelease);
}

/// Reported: the 2025-10 HCPCS file says C9041 ended on 2020-06-30, but on 2021-01-01 (still
/// covered by the January 2020 file) the code is VALID; and G2211, added 2021-01-01 per the
/// 2025-10 file, is NOT_YET_EFFECTIVE "until 2025-10-01" on 2024-06-01.
#[tokio::test]
async fn hcpcs_dates_from_the_later_file_apply_to_earlier_dates() {
    let terminated = validate_one(HCPCS, "C9041", "2021-01-01").await;
    assert_eq!(reason(&terminated), ValidityReason::Terminated);
    assert_eq!(terminated.termination_date, "2020-06-30");
    let added = validate_one(HCPCS, "G2211", "2024-06-01").await;
    assert_ne!(reason(&added), ValidityReason::NotYetEffective);
}

#[tokio::test]
async fn codes_are_normalised_and_displayed_per_system() {
    let cases = [
        (ICD, " e11.9 ", "E119", "E11.9"),
        (ICD, "s3011xa", "S3011XA", "S30.11XA"),
        (ICD, "E11A", "E11A", "E11.A"),
        (HCPCS, "j7169", "J7169", "J7169"),
        (HCPCS, "lt", "LT", "LT"),
        (CPT, "3074f", "3074F", "3074F"),
        (CPT, "99213", "99213", "99213"),
    ];
    let response = validate(cases.iter().map(|&(system, code, _, _)| item(system, code, "2026-06-01")).collect()).await;
    for (result, (_, code, normalized, display)) in response.results.iter().zip(cases) {
        assert_eq!(result.normalized_code, normalized, "{code:?}");
        assert_eq!(result.display_code, display, "{code:?}");
        assert!(result.valid, "{code:?}: {result:?}");
    }
    assert_eq!(response.valid_count, cases.len() as i32);
}

#[tokio::test]
async fn a_thousand_mixed_items_are_answered_in_order() {
    use ValidityReason::{Malformed, NoRelease, NotBillable, NotYetEffective, Terminated, Unknown, Valid};
    let cases = [
        (ICD, "E11.9", "2026-01-01", Valid),
        (ICD, "E11", "2026-01-01", NotBillable),
        (ICD, "S30.1XXA", "2025-01-01", Valid),
        (ICD, "S30.1XXA", "2025-11-01", Terminated),
        (HCPCS, "C9041", "2020-03-01", Valid),
        (HCPCS, "C9041", "2025-11-01", Terminated),
        (HCPCS, "A2036", "2024-01-01", NotYetEffective),
        (ICD, "E1", "2026-01-01", Malformed),
        (ICD, "Z99.999", "2026-01-01", Unknown),
        (ICD, "Z99.999", "2019-01-01", NoRelease),
        (CPT, "99213", IN_FORCE, Valid),
        (CPT, "9921", IN_FORCE, Malformed),
        (HCPCS, "LT", IN_FORCE, Valid),
    ];
    let chosen: Vec<_> = (0..1_000).map(|index| cases[index % cases.len()]).collect();
    let response = validate(chosen.iter().map(|&(system, code, date, _)| item(system, code, date)).collect()).await;
    assert_eq!(response.results.len(), 1_000);
    for (index, (result, (_, code, date, expected))) in response.results.iter().zip(&chosen).enumerate() {
        assert_eq!(reason(result), *expected, "item {index}: {code} on {date}");
        assert_eq!(result.valid, *expected == Valid, "item {index}");
    }
    let expected_valid = chosen.iter().filter(|case| case.3 == Valid).count();
    assert_eq!(expected_valid, 384);
    assert_eq!(response.valid_count, 384);
}

#[tokio::test]
async fn every_bad_item_is_named() {
    let mut client = common::client().await;
    let mut items: Vec<ValidationItem> = (0..7).map(|_| item(ICD, "E11.9", "2026-01-01")).collect();
    items[3].system = 0;
    items[5].date_of_service = "2025-13-45".to_string();
    let status = client.validate_codes(ValidateCodesRequest { items }).await.expect_err("refused");
    assert_invalid_fields(&status, &["items[3].system", "items[5].date_of_service"]);
    assert_eq!(status.message(), "2 invalid fields");

    let unknown_system = vec![item(99, "E11.9", "2026-01-01")];
    let status = client.validate_codes(ValidateCodesRequest { items: unknown_system }).await.expect_err("refused");
    assert_invalid_fields(&status, &["items[0].system"]);
}

#[tokio::test]
async fn item_count_limits() {
    let mut client = common::client().await;
    let status = client.validate_codes(ValidateCodesRequest { items: vec![] }).await.expect_err("no items");
    assert_invalid_fields(&status, &["items"]);
    let too_many: Vec<ValidationItem> = (0..5_001).map(|_| item(ICD, "E11.9", "2026-01-01")).collect();
    let status = client.validate_codes(ValidateCodesRequest { items: too_many }).await.expect_err("5,001 items");
    assert_invalid_fields(&status, &["items"]);
    let most: Vec<ValidationItem> = (0..5_000).map(|_| item(ICD, "E11.9", "2026-01-01")).collect();
    let response = expect_ok(client.validate_codes(ValidateCodesRequest { items: most }).await, "5,000 items");
    assert_eq!(response.valid_count, 5_000);
}
