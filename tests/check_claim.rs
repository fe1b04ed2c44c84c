//! CheckClaim and CheckClaims over gRPC on the real releases and the real CMS MCE v43.1 jar:
//! code validity on the date of service, duplicates, modifiers and the MCE's edits by claim
//! type, each traced to its rule set and row. MCE facts as tests/mce.rs reads them from the
//! jar (O80 maternity, Z00.110 newborn + unacceptable, W19.XXXA ecodepdx, D63.0
//! manifestation, E11.9 qadm).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codify::grpc::proto::{
    self, CheckClaimRequest, CheckClaimsRequest, ClaimEditType, ClaimType, CodeSystem, EditSeverity, ServiceLine, Sex,
};
use common::{assert_invalid_fields, expect_ok};

const DOS: &str = "2025-11-01";

fn claim(claim_type: ClaimType, age: i32, diagnoses: &[&str]) -> CheckClaimRequest {
    CheckClaimRequest {
        claim_type: claim_type as i32,
        date_of_service: DOS.into(),
        patient_age: Some(age),
        patient_sex: Sex::Female as i32,
        diagnoses: diagnoses.iter().map(|code| code.to_string()).collect(),
        ..Default::default()
    }
}

async fn check(request: CheckClaimRequest) -> proto::CheckClaimResponse {
    let mut client = common::client().await;
    expect_ok(client.check_claim(request).await, "CheckClaim")
}

/// (type, severity, codes, positions) of every edit.
async fn edits(request: CheckClaimRequest) -> Vec<(ClaimEditType, EditSeverity, Vec<String>, Vec<String>)> {
    check(request)
        .await
        .edits
        .into_iter()
        .map(|edit| {
            (
                ClaimEditType::try_from(edit.r#type).unwrap(),
                EditSeverity::try_from(edit.severity).unwrap(),
                edit.codes,
                edit.positions,
            )
        })
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| item.to_string()).collect()
}

#[tokio::test]
async fn age_conflicts_follow_the_mce_age_groups() {
    let old = check(claim(ClaimType::InstitutionalInpatient, 70, &["O80"])).await;
    assert_eq!(old.edits.len(), 2, "{old:?}");
    // O80's tabular note asks for the outcome of delivery.
    let outcome = &old.edits[0];
    assert_eq!(outcome.r#type, ClaimEditType::UseAdditionalCode as i32);
    assert_eq!(outcome.severity, EditSeverity::Warning as i32);
    let source = outcome.source.clone().expect("source");
    assert_eq!((source.rule_set.as_str(), source.version.as_str()), ("icd10cm-tabular-notes", "FY2026"));
    assert_eq!(source.text, "O80 UseAdditionalCode: \"code to indicate outcome of delivery (Z37.0)\"");
    let edit = &old.edits[1];
    assert_eq!(edit.r#type, ClaimEditType::AgeConflict as i32);
    assert_eq!(edit.severity, EditSeverity::Error as i32);
    assert_eq!((edit.codes.clone(), edit.positions.clone()), (strings(&["O80"]), strings(&["diagnoses[0]"])));
    let source = edit.source.clone().expect("source");
    assert_eq!((source.rule_set.as_str(), source.version.as_str()), ("cms-mce", "43.1"));
    assert_eq!(
        source.text,
        "MCE 43.1 ICD-10-CM O80 2024-10-01.. [maternity]; age group Maternity 9-64 2019-10-01..; patient age 70"
    );
    assert!(edits(claim(ClaimType::InstitutionalInpatient, 30, &["O80", "Z37.0"])).await.is_empty());
    // Newborn code: an age conflict in any setting; "unacceptable principal" only inpatient.
    let adult = edits(claim(ClaimType::Professional, 40, &["Z00.110"])).await;
    assert_eq!(
        adult,
        [(ClaimEditType::AgeConflict, EditSeverity::Error, strings(&["Z00.110"]), strings(&["diagnoses[0]"]))]
    );
    assert!(edits(claim(ClaimType::Professional, 0, &["Z00.110"])).await.is_empty());
    let inpatient = edits(claim(ClaimType::InstitutionalInpatient, 0, &["Z00.110"])).await;
    assert_eq!(inpatient.iter().map(|e| e.0).collect::<Vec<_>>(), [ClaimEditType::UnacceptablePrincipal]);
}

#[tokio::test]
async fn principal_position_edits() {
    let external = edits(claim(ClaimType::Professional, 50, &["W19.XXXA", "R69"])).await;
    assert_eq!(
        external,
        [(
            ClaimEditType::ExternalCauseAsPrincipal,
            EditSeverity::Error,
            strings(&["W19.XXXA"]),
            strings(&["diagnoses[0]"])
        )]
    );
    assert!(edits(claim(ClaimType::Professional, 50, &["R69", "W19.XXXA"])).await.is_empty());

    // D63.0 "Code first neoplasm (C00-D49)" listed before its neoplasm: the tabular's code-first
    // edit and the MCE's manifestation edit; C50.911 asks for its receptor status (Z17.-).
    let manifestation = edits(claim(ClaimType::Professional, 60, &["D63.0", "C50.911"])).await;
    assert_eq!(
        manifestation,
        [
            (
                ClaimEditType::CodeFirst,
                EditSeverity::Error,
                strings(&["D63.0", "C50.911"]),
                strings(&["diagnoses[0]", "diagnoses[1]"])
            ),
            (
                ClaimEditType::UseAdditionalCode,
                EditSeverity::Warning,
                strings(&["C50.911"]),
                strings(&["diagnoses[1]"])
            ),
            (
                ClaimEditType::ManifestationAsPrincipal,
                EditSeverity::Error,
                strings(&["D63.0"]),
                strings(&["diagnoses[0]"])
            ),
        ]
    );
    assert!(edits(claim(ClaimType::Professional, 60, &["C50.911", "D63.0", "Z17.0"])).await.is_empty());

    // Questionable admission is an inpatient edit (a warning); outpatient it is nothing.
    let inpatient = edits(claim(ClaimType::InstitutionalInpatient, 60, &["E11.9", "Z79.4"])).await;
    assert_eq!(
        inpatient,
        [(
            ClaimEditType::QuestionableAdmission,
            EditSeverity::Warning,
            strings(&["E11.9"]),
            strings(&["diagnoses[0]"])
        )]
    );
    assert!(edits(claim(ClaimType::InstitutionalOutpatient, 60, &["E11.9", "Z79.4"])).await.is_empty());
}

#[tokio::test]
async fn invalid_and_duplicate_codes_are_edits_not_errors() {
    let response = check(claim(ClaimType::Professional, 50, &["E11", "E1.19", "S30.1XXA", "I10", "I10"])).await;
    let found: Vec<(i32, Vec<String>, Vec<String>)> =
        response.edits.iter().map(|e| (e.r#type, e.codes.clone(), e.positions.clone())).collect();
    assert_eq!(
        found,
        [
            (ClaimEditType::InvalidCode as i32, strings(&["E11"]), strings(&["diagnoses[0]"])),
            (ClaimEditType::InvalidCode as i32, strings(&["E1.19"]), strings(&["diagnoses[1]"])),
            (ClaimEditType::InvalidCode as i32, strings(&["S30.1XXA"]), strings(&["diagnoses[2]"])),
            (ClaimEditType::DuplicateCode as i32, strings(&["I10"]), strings(&["diagnoses[3]", "diagnoses[4]"])),
        ]
    );
    assert!(response.edits[0].message.contains("is a header"), "{}", response.edits[0].message);
    assert!(response.edits[2].message.contains("was terminated; last valid day 2025-09-30"));
    // The same claim on a FY2025 date: S30.1XXA was still in force.
    let earlier =
        CheckClaimRequest { date_of_service: "2025-01-15".into(), ..claim(ClaimType::Professional, 50, &["S30.1XXA"]) };
    assert!(edits(earlier).await.is_empty());
}

#[tokio::test]
async fn lines_and_modifiers_are_checked() {
    let mut request = claim(ClaimType::Professional, 50, &["I10"]);
    request.date_of_service = "2026-03-02".into();
    request.lines = vec![
        ServiceLine {
            system: CodeSystem::Cpt as i32,
            code: "99213".into(),
            modifiers: strings(&["LT"]),
            units: 1,
            ..Default::default()
        },
        ServiceLine {
            system: CodeSystem::Cpt as i32,
            code: "99213".into(),
            modifiers: strings(&["ZZ"]),
            units: 1,
            ..Default::default()
        },
        ServiceLine { system: CodeSystem::Hcpcs as i32, code: "C9041".into(), units: 1, ..Default::default() },
    ];
    let found = edits(request).await;
    let kinds: Vec<(ClaimEditType, Vec<String>)> = found.iter().map(|e| (e.0, e.3.clone())).collect();
    // 99213 twice on one date: the (sample) MUE of 1 per date of service is exceeded.
    assert_eq!(
        kinds,
        [
            (ClaimEditType::InvalidCode, strings(&["lines[2]"])),
            (ClaimEditType::InvalidModifier, strings(&["lines[1]"])),
            (ClaimEditType::MueExceeded, strings(&["lines[0]", "lines[1]"])),
        ]
    );
}

fn cpt(code: &str, modifiers: &[&str], units: i32) -> ServiceLine {
    ServiceLine {
        system: CodeSystem::Cpt as i32,
        code: code.into(),
        modifiers: strings(modifiers),
        units,
        ..Default::default()
    }
}

/// (type, severity, codes, modifier_bypasses, "59" among bypass_modifiers) of the NCCI edits.
fn ncci_edits(response: &proto::CheckClaimResponse) -> Vec<(i32, i32, Vec<String>, bool, bool)> {
    response
        .edits
        .iter()
        .filter(|e| e.source.as_ref().is_some_and(|s| s.rule_set == "cms-ncci"))
        .map(|e| {
            (e.r#type, e.severity, e.codes.clone(), e.modifier_bypasses, e.bypass_modifiers.contains(&"59".to_string()))
        })
        .collect()
}

/// NCCI on the project's sample edits (data/ncci-sample: not CMS's edits): 45385/45380 is
/// modifier indicator 1, 45380/45378 indicator 0, 97110 a line MUE of 4, G2211 an add-on
/// of the office visits.
#[tokio::test]
async fn ncci_pairs_units_and_add_ons() {
    let mut request = claim(ClaimType::Professional, 50, &["K63.5"]);
    request.date_of_service = "2026-03-02".into();
    let with = |lines: Vec<ServiceLine>| CheckClaimRequest { lines, ..request.clone() };
    let bundled = check(with(vec![cpt("45385", &[], 1), cpt("45380", &[], 1)])).await;
    assert_eq!(
        ncci_edits(&bundled),
        [(ClaimEditType::PtpConflict as i32, EditSeverity::Error as i32, strings(&["45385", "45380"]), false, true)]
    );
    let source = bundled.edits.iter().find_map(|e| e.source.clone().filter(|s| s.rule_set == "cms-ncci")).unwrap();
    assert!(source.text.contains("ccipra-sample-f1.txt"), "{}", source.text);
    let bypassed = check(with(vec![cpt("45385", &[], 1), cpt("45380", &["59"], 1)])).await;
    assert_eq!(
        ncci_edits(&bypassed),
        [(ClaimEditType::PtpConflict as i32, EditSeverity::Warning as i32, strings(&["45385", "45380"]), true, true)]
    );
    let never = check(with(vec![cpt("45380", &[], 1), cpt("45378", &["XS"], 1)])).await;
    assert_eq!(
        ncci_edits(&never),
        [(ClaimEditType::PtpConflict as i32, EditSeverity::Error as i32, strings(&["45380", "45378"]), false, false)]
    );
    let units = check(with(vec![cpt("97110", &[], 5)])).await;
    assert_eq!(ncci_edits(&units).iter().map(|e| e.0).collect::<Vec<_>>(), [ClaimEditType::MueExceeded as i32]);
    assert!(ncci_edits(&check(with(vec![cpt("97110", &[], 4)])).await).is_empty());
    let g2211 = ServiceLine { system: CodeSystem::Hcpcs as i32, code: "G2211".into(), units: 1, ..Default::default() };
    let alone = check(with(vec![g2211.clone()])).await;
    assert_eq!(ncci_edits(&alone).iter().map(|e| e.0).collect::<Vec<_>>(), [ClaimEditType::AddOnWithoutPrimary as i32]);
    assert!(ncci_edits(&check(with(vec![cpt("99213", &[], 1), g2211])).await).is_empty());
    // Inpatient claims are not NCCI's.
    let inpatient = CheckClaimRequest {
        claim_type: ClaimType::InstitutionalInpatient as i32,
        lines: vec![cpt("45385", &[], 1), cpt("45380", &[], 1)],
        ..request.clone()
    };
    let inpatient = check(inpatient).await;
    assert!(ncci_edits(&inpatient).is_empty());
    assert!(inpatient.rule_sets_unavailable.iter().any(|r| r.name == "cms-ncci"));
}

#[tokio::test]
async fn rule_sets_applied_and_unavailable_are_reported() {
    let response = check(claim(ClaimType::Professional, 50, &["I10"])).await;
    let applied: Vec<&str> = response.rule_sets.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(applied, ["codify-validity", "icd10cm-tabular-notes", "cms-ncci", "cms-hcc", "cms-mce"]);
    let versions: Vec<&str> = response.rule_sets[2..].iter().map(|r| r.version.as_str()).collect();
    assert_eq!(versions, ["sample-2026", "PY2026", "43.1"]);
    assert!(response.rule_sets_unavailable.is_empty());
    let late =
        CheckClaimRequest { date_of_service: "2026-10-15".into(), ..claim(ClaimType::Professional, 50, &["I10"]) };
    let response = check(late).await;
    let unavailable: Vec<(&str, &str)> =
        response.rule_sets_unavailable.iter().map(|r| (r.name.as_str(), r.reason.as_str())).collect();
    assert_eq!(unavailable, [("cms-mce", "the loaded MCE 43.1 ends 2026-09-30")]);
    // The FY2025 release comes from the order file, which carries no notes.
    let fy2025 =
        CheckClaimRequest { date_of_service: "2025-01-15".into(), ..claim(ClaimType::Professional, 50, &["I10"]) };
    let response = check(fy2025).await;
    let unavailable: Vec<&str> = response.rule_sets_unavailable.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(unavailable, ["icd10cm-tabular-notes"]);
}

/// Ordinary claims: no errors; the warnings are the tabular's unhedged "use additional code"
/// notes — J45 (tobacco exposure/use), N39.0 (infectious agent, B95-B97), H66.9 (tobacco
/// exposure) — guidance a coder reviews, counted here so that a new one is noticed.
#[tokio::test]
async fn ordinary_claims_have_no_errors() {
    let ordinary: [&[&str]; 12] = [
        &["I10", "E78.5"],
        &["J45.909"],
        &["M54.50"],
        &["K21.9"],
        &["N39.0"],
        &["F32.A"],
        &["Z00.00"],
        &["R51.9"],
        &["J06.9"],
        &["E11.9", "I10", "Z79.4"],
        &["S93.401A", "W01.0XXA"],
        &["H66.90", "R50.9"],
    ];
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for diagnoses in ordinary {
        for claim_type in [ClaimType::Professional, ClaimType::InstitutionalOutpatient] {
            for (kind, severity, codes, _) in edits(claim(claim_type, 45, diagnoses)).await {
                match severity {
                    EditSeverity::Warning => warnings.push((kind, codes.join(" "))),
                    _ => errors.push((diagnoses, kind, codes)),
                }
            }
        }
    }
    assert_eq!(errors, [], "errors on ordinary claims");
    warnings.dedup();
    let expected: Vec<(ClaimEditType, String)> = ["J45.909", "N39.0", "H66.90"]
        .iter()
        .map(|code| (ClaimEditType::UseAdditionalCode, code.to_string()))
        .collect();
    assert_eq!(warnings, expected);
}

#[tokio::test]
async fn malformed_requests_name_their_fields() {
    let mut client = common::client().await;
    let empty = CheckClaimRequest {
        claim_type: ClaimType::Professional as i32,
        date_of_service: DOS.into(),
        ..Default::default()
    };
    assert_invalid_fields(&client.check_claim(empty).await.expect_err("empty"), &["diagnoses"]);
    let mut bad = claim(ClaimType::Professional, 125, &["I10"]);
    bad.claim_type = 9;
    bad.date_of_service = "soon".into();
    bad.lines = vec![ServiceLine {
        system: CodeSystem::Cpt as i32,
        code: "99213".into(),
        modifiers: strings(&["25", "59", "LT", "RT", "XS"]),
        units: -1,
        ..Default::default()
    }];
    assert_invalid_fields(
        &client.check_claim(bad).await.expect_err("bad"),
        &["claim_type", "date_of_service", "patient_age", "lines[0].modifiers", "lines[0].units"],
    );
    let too_many = CheckClaimsRequest { claims: vec![claim(ClaimType::Professional, 50, &["I10"]); 1001] };
    assert_invalid_fields(&client.check_claims(too_many).await.expect_err("too many"), &["claims"]);
}

#[tokio::test]
async fn batches_are_answered_in_order() {
    let mut client = common::client().await;
    let claims = vec![
        claim(ClaimType::InstitutionalInpatient, 70, &["O80"]),
        claim(ClaimType::Professional, 50, &["I10"]),
        claim(ClaimType::Professional, 50, &["W19.XXXA"]),
    ];
    let response = expect_ok(client.check_claims(CheckClaimsRequest { claims }).await, "CheckClaims");
    let first_types: Vec<Vec<i32>> =
        response.results.iter().map(|result| result.edits.iter().map(|e| e.r#type).collect()).collect();
    assert_eq!(
        first_types,
        [
            vec![ClaimEditType::UseAdditionalCode as i32, ClaimEditType::AgeConflict as i32],
            vec![],
            vec![ClaimEditType::ExternalCauseAsPrincipal as i32],
        ]
    );
}

/// CMS-HCC payment year 2026 (data/hcc): E11.9 and Z79.4 map to V28 HCC 38; with E11.22 (HCC 37,
/// diabetes with chronic complications) the V28 hierarchy keeps 37 and drops 38.
#[tokio::test]
async fn hccs_after_the_hierarchies() {
    let v28 = |response: &proto::CheckClaimResponse| -> Vec<(i32, Vec<String>)> {
        response.hccs.iter().filter(|h| h.model.contains("V28")).map(|h| (h.hcc, h.diagnoses.clone())).collect()
    };
    let single = check(claim(ClaimType::Professional, 70, &["E11.9", "Z79.4"])).await;
    // Z79.4 (long-term insulin) maps to the diabetes HCC too.
    assert_eq!(v28(&single), [(38, strings(&["E11.9", "Z79.4"]))]);
    assert!(single.hccs.iter().all(|h| h.payment_year == "2026"));
    assert_eq!(single.hccs.first().map(|h| h.model.contains("V28")), Some(true), "V28 first");
    let both = check(claim(ClaimType::Professional, 70, &["E11.22", "N18.30", "E11.9", "Z79.4"])).await;
    let kept: Vec<i32> = v28(&both).into_iter().map(|(hcc, _)| hcc).collect();
    assert!(kept.contains(&37) && !kept.contains(&38), "{kept:?}");
    assert!(check(claim(ClaimType::Professional, 45, &["J06.9"])).await.hccs.is_empty());
}

/// GetCode shows a diagnosis's HCCs in every model that maps it, V28 first, before any
/// hierarchy (data/hcc rows for E1122); a code no model maps has none, nor has a HCPCS code.
#[tokio::test]
async fn get_code_shows_hccs_per_model() {
    let client = common::client().await;
    let hccs = |system: CodeSystem, code: &str| {
        let request = proto::GetCodeRequest { system: system as i32, code: code.into(), as_of: DOS.into() };
        let mut client = client.clone();
        async move {
            let code = expect_ok(client.get_code(request).await, "GetCode").code.unwrap();
            code.hccs.into_iter().map(|h| (h.model, h.hcc, h.payment_year)).collect::<Vec<_>>()
        }
    };
    let row = |model: &str, hcc: i32| (model.to_string(), hcc, "2026".to_string());
    assert_eq!(
        hccs(CodeSystem::Icd10cm, "E11.22").await,
        [
            row("CMS-HCC Model V28", 37),
            row("CMS-HCC Model V24", 18),
            row("CMS-HCC Model V22", 18),
            row("CMS-HCC ESRD Model V24", 18),
            row("CMS-HCC ESRD Model V21", 18),
            row("CMS-HCC ESRD Model V21", 139),
            row("RxHCC Model V08", 30),
        ]
    );
    assert_eq!(hccs(CodeSystem::Icd10cm, "J06.9").await, []);
    assert_eq!(hccs(CodeSystem::Hcpcs, "A0428").await, []);
}

/// E11.22 asks for the stage of its chronic kidney disease (N18.1-N18.6), and its category E11
/// for the control in use (insulin Z79.4, oral drugs Z79.84-Z79.85): each warning goes once its
/// code is on the claim.
#[tokio::test]
async fn diabetic_kidney_disease_wants_its_stage() {
    let warnings = |response: proto::CheckClaimResponse| -> Vec<(i32, Vec<String>, bool)> {
        response
            .edits
            .into_iter()
            .map(|edit| {
                let source = edit.source.unwrap_or_default();
                (edit.r#type, edit.codes, source.text.contains("N18.1-N18.6"))
            })
            .collect()
    };
    let use_additional = ClaimEditType::UseAdditionalCode as i32;
    let alone = warnings(check(claim(ClaimType::Professional, 60, &["E11.22"])).await);
    assert_eq!(alone, [(use_additional, strings(&["E11.22"]), true), (use_additional, strings(&["E11.22"]), false)]);
    let staged = warnings(check(claim(ClaimType::Professional, 60, &["E11.22", "N18.30"])).await);
    assert_eq!(staged, [(use_additional, strings(&["E11.22"]), false)]);
    let complete = check(claim(ClaimType::Professional, 60, &["E11.22", "N18.30", "Z79.4"])).await;
    assert_eq!(warnings(complete), []);
}
