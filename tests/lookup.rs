//! GetCode and BatchGetCodes against the real releases: full entries, dates and statuses,
//! hierarchy paths, input forms, ambiguity and unknown codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codify::grpc::proto::{
    BatchGetCodesRequest, Code, CodeKind, CodeRef, CodeStatus, CptCategory, DescriptorType, HierarchyLevel, NoteType,
};
use common::{assert_invalid_fields, expect_ok, get, step_ids, CPT, HCPCS, ICD, IN_FORCE};

async fn get_code(system: i32, code: &str, as_of: &str) -> Code {
    let mut client = common::client().await;
    let response = expect_ok(client.get_code(get(system, code, as_of)).await, code);
    response.code.expect("a code in the response")
}

fn status(code: &Code) -> CodeStatus {
    CodeStatus::try_from(code.status).expect("known status")
}

#[tokio::test]
async fn e11_9_full_entry() {
    let code = get_code(0, "E11.9", IN_FORCE).await;
    let summary = code.summary.clone().expect("summary");
    assert_eq!(summary.system, ICD);
    assert_eq!(summary.code, "E11.9");
    assert_eq!(summary.normalized_code, "E119");
    assert_eq!(summary.title, "Type 2 diabetes mellitus without complications");
    assert!(summary.billable);
    assert_eq!(summary.kind, CodeKind::Code as i32);
    assert_eq!(summary.cpt_category, CptCategory::Unspecified as i32);
    assert_eq!(summary.release_version, "FY2026");
    assert_eq!(status(&code), CodeStatus::Active);
    assert_eq!(code.as_of, IN_FORCE);

    let release = code.release.clone().expect("release");
    assert_eq!(release.system, ICD);
    assert_eq!(release.version, "FY2026");
    assert_eq!(release.effective_from, "2025-10-01");
    assert_eq!(release.effective_to, "");
    assert_eq!(release.code_count, 98_186);
    assert_eq!(release.billable_count, 74_719);

    assert_eq!(step_ids(&code.path), ["ch04", "E08-E13", "E11"]);
    let levels: Vec<i32> = code.path.iter().map(|step| step.level).collect();
    assert_eq!(levels, [HierarchyLevel::Chapter as i32, HierarchyLevel::Section as i32, HierarchyLevel::Code as i32]);
    let titles: Vec<&str> = code.path.iter().map(|step| step.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Endocrine, nutritional and metabolic diseases (E00-E89)",
            "Diabetes mellitus (E08-E13)",
            "Type 2 diabetes mellitus"
        ]
    );
    assert_eq!(code.parent_code, "E11");
    assert!(code.child_codes.is_empty());
    assert!(code.descriptors.is_empty());
    assert_eq!(code.termination_date, "");
    assert!(code.replacements.is_empty());

    let notes: Vec<(NoteType, &str, &str)> = code
        .notes
        .iter()
        .map(|note| (NoteType::try_from(note.r#type).expect("note type"), note.text.as_str(), note.source.as_str()))
        .collect();
    use NoteType::{Excludes1, Includes, UseAdditionalCode};
    assert_eq!(
        notes,
        [
            (Excludes1, "type 2 diabetes mellitus, without complications in remission (E11.A)", "E11.9"),
            (Includes, "diabetes (mellitus) due to insulin secretory defect", "E11"),
            (Includes, "diabetes NOS", "E11"),
            (Includes, "insulin resistant diabetes (mellitus)", "E11"),
            (UseAdditionalCode, "code to identify control using:", "E11"),
            (UseAdditionalCode, "injectable non-insulin antidiabetic drugs (Z79.85)", "E11"),
            (UseAdditionalCode, "insulin (Z79.4)", "E11"),
            (UseAdditionalCode, "oral antidiabetic drugs (Z79.84)", "E11"),
            (UseAdditionalCode, "oral hypoglycemic drugs (Z79.84)", "E11"),
            (Excludes1, "diabetes mellitus due to underlying condition (E08.-)", "E11"),
            (Excludes1, "drug or chemical induced diabetes mellitus (E09.-)", "E11"),
            (Excludes1, "gestational diabetes (O24.4-)", "E11"),
            (Excludes1, "neonatal diabetes mellitus (P70.2)", "E11"),
            (Excludes1, "postpancreatectomy diabetes mellitus (E13.-)", "E11"),
            (Excludes1, "postprocedural diabetes mellitus (E13.-)", "E11"),
            (Excludes1, "secondary diabetes mellitus NEC (E13.-)", "E11"),
            (Excludes1, "type 1 diabetes mellitus (E10.-)", "E11"),
        ]
    );
}

#[tokio::test]
async fn dotted_undotted_and_lower_case_input_give_the_same_entry() {
    let reference = get_code(ICD, "E11.9", IN_FORCE).await;
    for input in ["E119", "e11.9", "e119", " E11.9 "] {
        assert_eq!(get_code(ICD, input, IN_FORCE).await, reference, "input {input:?}");
        assert_eq!(get_code(0, input, IN_FORCE).await, reference, "input {input:?} without system");
    }
}

#[tokio::test]
async fn category_e11_is_a_header_with_its_child_codes() {
    let code = get_code(ICD, "E11", IN_FORCE).await;
    let summary = code.summary.clone().expect("summary");
    assert_eq!(summary.kind, CodeKind::Header as i32);
    assert!(!summary.billable);
    assert_eq!(summary.title, "Type 2 diabetes mellitus");
    assert_eq!(
        code.child_codes,
        ["E11.0", "E11.1", "E11.2", "E11.3", "E11.4", "E11.5", "E11.6", "E11.8", "E11.9", "E11.A"]
    );
    assert_eq!(step_ids(&code.path), ["ch04", "E08-E13"]);
    assert_eq!(code.parent_code, "");
    assert_eq!(code.notes.len(), 16);
    assert!(code.notes.iter().all(|note| note.source == "E11"));
}

#[tokio::test]
async fn as_of_in_fy2025_answers_from_the_fy2025_release() {
    let code = get_code(ICD, "E11.9", "2025-01-01").await;
    let summary = code.summary.clone().expect("summary");
    assert_eq!(summary.release_version, "FY2025");
    assert_eq!(summary.short_title, "Type 2 diabetes mellitus without complications");
    assert_eq!(status(&code), CodeStatus::Active);
    assert_eq!(code.as_of, "2025-01-01");
    let release = code.release.expect("release");
    assert_eq!(
        (release.version.as_str(), release.effective_from.as_str(), release.effective_to.as_str()),
        ("FY2025", "2024-10-01", "2025-09-30")
    );
    assert_eq!(step_ids(&code.path), ["ch04", "E08-E13", "E11"], "sections borrowed from the tabular release");
}

#[tokio::test]
async fn code_dropped_by_fy2026_is_terminated_after_fy2025() {
    let today = common::today();
    let code = get_code(0, "S30.1XXA", "").await;
    assert_eq!(code.as_of, today);
    assert_eq!(status(&code), CodeStatus::Terminated);
    assert_eq!(code.termination_date, "2025-09-30");
    let summary = code.summary.clone().expect("summary");
    assert_eq!(summary.code, "S30.1XXA");
    assert_eq!(summary.title, "Contusion of abdominal wall, initial encounter");
    assert_eq!(summary.release_version, "FY2025");
    assert_eq!(step_ids(&code.path), ["ch19", "S30-S39", "S30", "S30.1"]);

    let before = get_code(ICD, "S30.1XXA", "2025-09-30").await;
    assert_eq!(status(&before), CodeStatus::Active);
    assert_eq!(before.termination_date, "");
}

#[tokio::test]
async fn hcpcs_code_terminated_with_a_replacement() {
    let code = get_code(HCPCS, "C9041", "2025-11-01").await;
    assert_eq!(status(&code), CodeStatus::Terminated);
    assert_eq!(code.termination_date, "2020-06-30");
    assert_eq!(code.replacements, ["J7169"]);
    assert_eq!(code.action_code, "N");
    assert_eq!(code.added_date, "2019-04-01");
    assert_eq!(code.action_effective_date, "2020-07-01");
    assert_eq!(code.betos, "O1E");
    assert_eq!(code.coverage, "D");
    assert_eq!(step_ids(&code.path), ["hcpcs-C"]);
    let summary = code.summary.clone().expect("summary");
    assert_eq!(summary.title, "Injection, coagulation factor xa (recombinant), inactivated (andexxa), 10 mg");
    assert_eq!(summary.short_title, "Inj, coagulation factor xa");
    assert_eq!(summary.release_version, "2025-10");

    let in_2020 = get_code(HCPCS, "C9041", "2020-03-01").await;
    assert_eq!(status(&in_2020), CodeStatus::Active);
    assert_eq!(in_2020.summary.expect("summary").release_version, "2020");
    assert_eq!(in_2020.action_code, "A");
    assert!(in_2020.replacements.is_empty());
}

#[tokio::test]
async fn hcpcs_code_added_later_is_not_yet_effective() {
    let code = get_code(HCPCS, "A2036", "2024-01-01").await;
    assert_eq!(status(&code), CodeStatus::NotYetEffective);
    assert_eq!(code.added_date, "2025-10-01");
    assert_eq!(code.action_code, "A");
    assert_eq!(code.summary.clone().expect("summary").title, "Cohealyx collagen dermal matrix, per square centimeter");
    assert_eq!(code.release.expect("release").version, "2025-10");

    let later = get_code(HCPCS, "A2036", "2025-10-01").await;
    assert_eq!(status(&later), CodeStatus::Active);
}

#[tokio::test]
async fn cpt_code_with_descriptors_and_its_node_path() {
    let code = get_code(CPT, "27447", IN_FORCE).await;
    let summary = code.summary.clone().expect("summary");
    assert_eq!(summary.cpt_category, CptCategory::I as i32);
    assert_eq!(summary.short_title, "KNEE REPLACEMENT TOTAL");
    assert_eq!(summary.release_version, "2026-sample");
    assert_eq!(
        step_ids(&code.path),
        [
            "cpt-surgery",
            "cpt-surgery-musculoskeletal",
            "cpt-surgery-musculoskeletal-femur-knee",
            "cpt-surgery-musculoskeletal-femur-knee-repair"
        ]
    );
    let levels: Vec<i32> = code.path.iter().map(|step| step.level).collect();
    assert_eq!(
        levels,
        [
            HierarchyLevel::Section as i32,
            HierarchyLevel::Subsection as i32,
            HierarchyLevel::Heading as i32,
            HierarchyLevel::Subheading as i32
        ]
    );
    let descriptors: Vec<(i32, &str)> = code.descriptors.iter().map(|d| (d.r#type, d.text.as_str())).collect();
    assert_eq!(
        descriptors,
        [
            (DescriptorType::Medium as i32, "KNEE REPLACEMENT, BOTH COMPARTMENTS (TOTAL)"),
            (DescriptorType::Consumer as i32, "Knee replacement surgery (whole joint)"),
            (
                DescriptorType::Clinician as i32,
                "Total knee arthroplasty for end-stage osteoarthritis, medial and lateral compartments replaced"
            ),
            (DescriptorType::Clinician as i32, "Tricompartmental knee replacement with patellar resurfacing"),
        ]
    );
}

#[tokio::test]
async fn cpt_paths_follow_the_hierarchy_file() {
    let cases = [
        ("99213", &["cpt-em", "cpt-em-office", "cpt-em-office-established"][..]),
        ("3074F", &["cpt-category-ii", "cpt-category-ii-diagnostic"][..]),
        ("25", &["cpt-modifiers"][..]),
    ];
    for (input, path) in cases {
        let code = get_code(CPT, input, IN_FORCE).await;
        assert_eq!(step_ids(&code.path), path, "path of {input}");
    }
    let modifier = get_code(CPT, "25", IN_FORCE).await.summary.expect("summary");
    assert_eq!(modifier.kind, CodeKind::Modifier as i32);
    assert_eq!(modifier.cpt_category, CptCategory::Modifier as i32);
}

#[tokio::test]
async fn code_in_two_systems_needs_the_system() {
    let mut client = common::client().await;
    for (code, systems) in [("E1100", "icd10cm and hcpcs"), ("P1", "hcpcs and cpt")] {
        let status = client.get_code(get(0, code, IN_FORCE)).await.expect_err("ambiguous code refused");
        assert_invalid_fields(&status, &["system"]);
        assert!(status.message().contains(systems), "{code}: {}", status.message());
    }
    let icd = get_code(ICD, "E1100", IN_FORCE).await.summary.expect("summary");
    assert_eq!((icd.code.as_str(), icd.system), ("E11.00", ICD));
    let hcpcs = get_code(HCPCS, "E1100", IN_FORCE).await.summary.expect("summary");
    assert_eq!((hcpcs.code.as_str(), hcpcs.system), ("E1100", HCPCS));
    assert!(hcpcs.title.starts_with("Semi-reclining wheelchair"));
}

#[tokio::test]
async fn unknown_codes_are_not_found() {
    let mut client = common::client().await;
    for (system, code) in [(0, "Z99999"), (ICD, "Z99.999"), (HCPCS, "Z0000"), (CPT, "99201")] {
        let status = client.get_code(get(system, code, IN_FORCE)).await.expect_err("unknown code");
        assert_eq!(status.code(), tonic::Code::NotFound, "{code}: {status:?}");
    }
    // A dot where HCPCS writes none is not a code at all.
    let status = client.get_code(get(HCPCS, "E11.9", IN_FORCE)).await.expect_err("malformed");
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
}

#[tokio::test]
async fn batch_answers_in_request_order() {
    let mut client = common::client().await;
    let refs = [(ICD, "E11.9"), (0, "Z99999"), (HCPCS, "C9041"), (0, "e11"), (CPT, "99213"), (HCPCS, "E119")];
    let request = BatchGetCodesRequest {
        codes: refs.iter().map(|&(system, code)| CodeRef { system, code: code.to_string() }).collect(),
        as_of: IN_FORCE.to_string(),
    };
    let response = expect_ok(client.batch_get_codes(request).await, "batch");
    assert_eq!(response.results.len(), refs.len());
    let found: Vec<bool> = response.results.iter().map(|r| r.found).collect();
    assert_eq!(found, [true, false, true, true, true, false]);
    for (result, &(system, code)) in response.results.iter().zip(&refs) {
        assert_eq!(result.requested, Some(CodeRef { system, code: code.to_string() }));
        if result.found {
            let single = get_code(system, code, IN_FORCE).await;
            assert_eq!(result.code.as_ref(), Some(&single), "{code} as GetCode answers it");
        } else {
            assert_eq!(result.code, None, "{code}");
        }
    }
    let statuses: Vec<i32> = response.results.iter().filter_map(|r| r.code.as_ref()).map(|c| c.status).collect();
    assert_eq!(
        statuses,
        [
            CodeStatus::Active as i32,
            CodeStatus::Terminated as i32,
            CodeStatus::Active as i32,
            CodeStatus::Active as i32
        ]
    );
}

#[tokio::test]
async fn batch_size_limits() {
    let mut client = common::client().await;
    let batch = |count: usize| BatchGetCodesRequest {
        codes: (0..count).map(|_| CodeRef { system: ICD, code: "E11.9".to_string() }).collect(),
        as_of: IN_FORCE.to_string(),
    };
    let empty = client.batch_get_codes(batch(0)).await.expect_err("0 codes");
    assert_invalid_fields(&empty, &["codes"]);
    let too_many = client.batch_get_codes(batch(1_001)).await.expect_err("1,001 codes");
    assert_invalid_fields(&too_many, &["codes"]);
    let most = expect_ok(client.batch_get_codes(batch(1_000)).await, "1,000 codes");
    assert_eq!(most.results.len(), 1_000);
    assert!(most.results.iter().all(|r| r.found));
}

#[tokio::test]
async fn batch_names_the_malformed_item() {
    let mut client = common::client().await;
    let request = BatchGetCodesRequest {
        codes: vec![
            CodeRef { system: ICD, code: "E11.9".to_string() },
            CodeRef { system: ICD, code: String::new() },
            CodeRef { system: ICD, code: "E11-9".to_string() },
            CodeRef { system: 99, code: "E11.9".to_string() },
        ],
        as_of: IN_FORCE.to_string(),
    };
    let status = client.batch_get_codes(request).await.expect_err("bad items");
    assert_invalid_fields(&status, &["codes[1].code", "codes[2].code", "codes[3].system"]);
}

/// Reported: an ambiguous code in a batch fails the whole call with a violation on
/// `system`, a field BatchGetCodesRequest does not have, instead of `codes[1].system`.
#[tokio::test]
async fn batch_names_the_ambiguous_item() {
    let mut client = common::client().await;
    let request = BatchGetCodesRequest {
        codes: vec![
            CodeRef { system: ICD, code: "E11.9".to_string() },
            CodeRef { system: 0, code: "E1100".to_string() },
        ],
        as_of: IN_FORCE.to_string(),
    };
    let status = client.batch_get_codes(request).await.expect_err("ambiguous item");
    assert_invalid_fields(&status, &["codes[1].system"]);
}
