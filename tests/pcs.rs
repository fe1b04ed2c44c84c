//! ICD-10-PCS through every RPC, on the real CMS tables (FY2025, FY2026), definitions and the
//! FY2025 index: releases, GetCode with the seven axes, ValidateCodes naming the wrong position,
//! search by procedure names and by partial code, ListChildren from section to codes axis by
//! axis, DiffReleases against a set difference of the two tables files, ExportCodes, and
//! CheckClaim's procedure validity and MCE procedure edits.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use codify::grpc::proto::{self, ChangeType, ClaimEditType, CodeSystem, HierarchyLevel, ValidityReason};
use common::{client, expect_ok};
use tokio_stream::StreamExt;

const PCS: i32 = CodeSystem::Icd10pcs as i32;
/// A date of service in FY2026.
const DOS: &str = "2025-11-01";

async fn get(code: &str, as_of: &str) -> proto::Code {
    let request = proto::GetCodeRequest { system: PCS, code: code.into(), as_of: as_of.into() };
    expect_ok(client().await.get_code(request).await, "GetCode").code.unwrap()
}

async fn validate(code: &str) -> proto::ValidationResult {
    let item = proto::ValidationItem { system: PCS, code: code.into(), date_of_service: DOS.into() };
    let request = proto::ValidateCodesRequest { items: vec![item] };
    expect_ok(client().await.validate_codes(request).await, "ValidateCodes").results.remove(0)
}

async fn search(query: &str) -> Vec<String> {
    let request = proto::SearchCodesRequest {
        query: query.into(),
        systems: vec![PCS],
        as_of: DOS.into(),
        page_size: 10,
        ..Default::default()
    };
    let page = expect_ok(client().await.search_codes(request).await, "SearchCodes");
    page.results.into_iter().filter_map(|hit| hit.code.map(|code| code.code)).collect()
}

async fn children(parent: &str) -> proto::ListChildrenResponse {
    let request = proto::ListChildrenRequest {
        system: PCS,
        parent: parent.into(),
        as_of: DOS.into(),
        page_size: 1000,
        ..Default::default()
    };
    expect_ok(client().await.list_children(request).await, "ListChildren")
}

#[tokio::test]
async fn both_releases_are_listed_with_their_exact_counts() {
    let response =
        expect_ok(client().await.list_releases(proto::ListReleasesRequest { system: PCS }).await, "ListReleases");
    let counts: Vec<(String, i32, i32)> =
        response.releases.iter().map(|r| (r.version.clone(), r.code_count, r.billable_count)).collect();
    assert_eq!(counts, [("FY2025".to_string(), 78_948, 78_948), ("FY2026".to_string(), 79_115, 79_115)]);
}

#[tokio::test]
async fn get_code_spells_out_the_seven_axes() {
    let code = get("0dtj4zz", DOS).await;
    let summary = code.summary.as_ref().unwrap();
    assert_eq!(summary.code, "0DTJ4ZZ");
    assert_eq!(summary.title, "Resection of Appendix, Percutaneous Endoscopic Approach");
    assert!(summary.billable);
    let axes: Vec<(i32, &str, &str, &str)> =
        code.pcs_axes.iter().map(|a| (a.position, a.name.as_str(), a.value.as_str(), a.label.as_str())).collect();
    assert_eq!(
        axes,
        [
            (1, "Section", "0", "Medical and Surgical"),
            (2, "Body System", "D", "Gastrointestinal System"),
            (3, "Operation", "T", "Resection"),
            (4, "Body Part", "J", "Appendix"),
            (5, "Approach", "4", "Percutaneous Endoscopic"),
            (6, "Device", "Z", "No Device"),
            (7, "Qualifier", "Z", "No Qualifier"),
        ]
    );
    assert_eq!(code.pcs_axes[2].definition, "Cutting out or off, without replacement, all of a body part");
    assert!(code.pcs_axes[4].definition.starts_with("Entry, by puncture or minor incision, of instrumentation"));
    let path: Vec<(&str, &str)> = code.path.iter().map(|s| (s.id.as_str(), s.title.as_str())).collect();
    assert_eq!(path, [("0", "Medical and Surgical"), ("0D", "Gastrointestinal System"), ("0DT", "Resection")]);
    assert_eq!(code.release.as_ref().unwrap().version, "FY2026");
}

#[tokio::test]
async fn validation_names_the_wrong_position() {
    let valid = validate("0DTJ4ZZ").await;
    assert!(valid.valid);
    assert_eq!((valid.reason, valid.invalid_position), (ValidityReason::Valid as i32, 0));

    // Qualifier X (diagnostic) exists for excision, not for resection of the appendix.
    let qualifier = validate("0DTJ4ZX").await;
    assert!(!qualifier.valid);
    assert_eq!((qualifier.reason, qualifier.invalid_position), (ValidityReason::Unknown as i32, 7));
    assert!(qualifier.message.contains("qualifier X is not allowed in table 0DT"), "{}", qualifier.message);

    // No resection of the appendix by an external approach (X).
    let approach = validate("0DTJXZZ").await;
    assert_eq!(approach.invalid_position, 5, "{}", approach.message);

    // O is not a PCS character; six characters are too few.
    let letter_o = validate("0DTJ4ZO").await;
    assert_eq!((letter_o.reason, letter_o.invalid_position), (ValidityReason::Malformed as i32, 7));
    let short = validate("0DTJ4Z").await;
    assert_eq!((short.reason, short.invalid_position), (ValidityReason::Malformed as i32, 7));
}

#[tokio::test]
async fn procedure_names_and_partial_codes_find_their_codes() {
    // The Index sends "appendectomy" to excision and resection of the appendix; without
    // "partial" a coder reports the resection, laparoscopic is the percutaneous endoscopic approach.
    assert_eq!(search("appendectomy laparoscopic").await.first().map(String::as_str), Some("0DTJ4ZZ"));
    let knee = search("total knee replacement right").await;
    assert!(knee.first().is_some_and(|code| code.starts_with("0SRC0")), "{knee:?}");
    // A partial code lists the codes of that table and body part in code order.
    assert_eq!(search("0DTJ").await, ["0DTJ0ZZ", "0DTJ4ZG", "0DTJ4ZZ", "0DTJ7ZZ", "0DTJ8ZZ"]);
    assert_eq!(search("0DTJ4").await, ["0DTJ4ZG", "0DTJ4ZZ"]);
}

#[tokio::test]
async fn browsing_goes_from_section_to_codes_axis_by_axis() {
    let top = children("").await;
    assert!(top.children.iter().any(|c| c.id == "0" && c.title == "Medical and Surgical"));
    assert!(top.children.iter().all(|c| c.level == HierarchyLevel::Section as i32));
    let system = children("0D").await;
    let resection = system.children.iter().find(|c| c.id == "0DT").expect("table 0DT");
    assert_eq!((resection.level, resection.title.as_str()), (HierarchyLevel::Table as i32, "Resection"));

    let table = children("0DT").await;
    let appendix = table.children.iter().find(|c| c.id == "0DTJ").expect("body part J");
    assert_eq!((appendix.level, appendix.title.as_str()), (HierarchyLevel::AxisValue as i32, "Appendix"));
    let body_part = children("0DTJ").await;
    let approaches: Vec<(&str, &str)> = body_part.children.iter().map(|c| (c.id.as_str(), c.title.as_str())).collect();
    assert_eq!(
        approaches,
        [
            ("0DTJ0", "Open"),
            ("0DTJ4", "Percutaneous Endoscopic"),
            ("0DTJ7", "Via Natural or Artificial Opening"),
            ("0DTJ8", "Via Natural or Artificial Opening Endoscopic"),
        ]
    );
    let devices = children("0DTJ4Z").await;
    let codes: Vec<(&str, i32)> = devices.children.iter().map(|c| (c.id.as_str(), c.level)).collect();
    assert_eq!(codes, [("0DTJ4ZG", HierarchyLevel::Code as i32), ("0DTJ4ZZ", HierarchyLevel::Code as i32)]);
    let path: Vec<&str> = devices.path.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(path, ["0", "0D", "0DT", "0DTJ", "0DTJ4", "0DTJ4Z"]);

    let request = proto::ListChildrenRequest { system: PCS, parent: "0DTJQ".into(), ..Default::default() };
    let status = client().await.list_children(request).await.expect_err("no code starts with 0DTJQ");
    assert_eq!(status.code(), tonic::Code::NotFound);
}

fn table_codes(file: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/icd10pcs").join(file);
    codify::loaders::icd10pcs_tables::load(&path).expect("tables load").codes().collect()
}

#[tokio::test]
async fn diff_fy2025_to_fy2026_is_the_set_difference_of_the_tables() {
    let old = table_codes("icd10pcs_tables_2025.xml.gz");
    let new = table_codes("icd10pcs_tables_2026.xml.gz");
    let added = new.difference(&old).count() as i32;
    let deleted = old.difference(&new).count() as i32;
    let request =
        proto::DiffReleasesRequest { system: PCS, from_version: "FY2025".into(), to_version: "FY2026".into() };
    let mut stream = expect_ok(client().await.diff_releases(request).await, "DiffReleases");
    let mut changes = Vec::new();
    let mut last = None;
    while let Some(message) = stream.next().await {
        let message = message.expect("stream message");
        changes.extend(message.changes.iter().map(|c| (c.r#type, c.code.clone())));
        last = Some(message);
    }
    let last = last.expect("at least one message");
    assert_eq!((last.added_count, last.terminated_count), (added, deleted));
    let first_added = new.difference(&old).next().unwrap().clone();
    assert!(changes.contains(&(ChangeType::Added as i32, first_added)));
}

#[tokio::test]
async fn export_streams_every_code_of_the_release() {
    let request = proto::ExportCodesRequest { system: PCS, version: "FY2026".into() };
    let mut stream = expect_ok(client().await.export_codes(request).await, "ExportCodes");
    let mut count = 0;
    while let Some(message) = stream.next().await {
        count += message.expect("stream message").codes.len();
    }
    assert_eq!(count, 79_115);
}

#[tokio::test]
async fn inpatient_claims_check_their_procedures() {
    let claim = |procedures: &[&str]| proto::CheckClaimRequest {
        claim_type: proto::ClaimType::InstitutionalInpatient as i32,
        date_of_service: DOS.into(),
        patient_age: Some(45),
        patient_sex: proto::Sex::Male as i32,
        diagnoses: vec!["K35.80".into()],
        procedures: procedures.iter().map(|code| code.to_string()).collect(),
        ..Default::default()
    };
    let check = |request: proto::CheckClaimRequest| async move {
        let response = expect_ok(client().await.check_claim(request).await, "CheckClaim");
        response.edits.into_iter().map(|e| (e.r#type, e.codes, e.positions, e.message)).collect::<Vec<_>>()
    };
    assert_eq!(check(claim(&["0DTJ4ZZ"])).await, []);
    let invalid = check(claim(&["0DTJ4ZX"])).await;
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    let (kind, codes, positions, message) = &invalid[0];
    assert_eq!(
        (*kind, codes.as_slice(), positions.as_slice()),
        (ClaimEditType::InvalidCode as i32, &["0DTJ4ZX".to_string()][..], &["procedures[0]".to_string()][..])
    );
    assert!(message.contains("position 7"), "{message}");
    // MCE v43.1: 00F3XZZ (fragmentation in the brain, external) is a non-covered procedure.
    let noncovered = check(claim(&["00F3XZZ"])).await;
    let kinds: Vec<i32> = noncovered.iter().map(|edit| edit.0).collect();
    assert_eq!(kinds, [ClaimEditType::NoncoveredProcedure as i32]);
}

/// The two releases of the shipped manifest name the same index file: they hold one copy of it.
#[test]
fn releases_naming_the_same_index_share_it() {
    let dir = std::env::temp_dir().join(format!("codify-pcs-share-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/icd10pcs");
    let release = |version: &str, from: &str, year: &str| {
        serde_json::json!({
            "system": "icd10pcs", "version": version, "effective_from": from, "format": "icd10pcs-tables",
            "path": data.join(format!("icd10pcs_tables_{year}.xml.gz")),
            "index": data.join("icd10pcs_index_2025.xml.gz"),
        })
    };
    let manifest = serde_json::json!({
        "releases": [release("FY2025", "2024-10-01", "2025"), release("FY2026", "2025-10-01", "2026")]
    });
    let path = dir.join("releases.json");
    std::fs::write(&path, manifest.to_string()).unwrap();
    let catalog = codify::loaders::manifest::Manifest::read(&path).unwrap().load_catalog().unwrap();
    let indexes: Vec<_> =
        catalog.releases().iter().map(|release| release.pcs().unwrap().index.clone().unwrap()).collect();
    assert_eq!(indexes.len(), 2);
    assert!(std::sync::Arc::ptr_eq(&indexes[0], &indexes[1]));
    // Definitions were not named: GetCode then shows the tables' own operation definition only.
    assert!(catalog.releases().iter().all(|release| release.pcs().unwrap().definitions.is_none()));
    let _ = std::fs::remove_dir_all(&dir);
}
