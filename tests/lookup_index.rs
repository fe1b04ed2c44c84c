//! LookupIndex and ListIndexChildren over gRPC on the real FY2025 Alphabetic Index (main
//! index CSV, external cause index, Neoplasm and Drug tables), codes checked against the
//! ICD-10-CM release in force. Expectations read off the index files (`gunzip -c
//! data/icd10cm/index-fy2025/ICD10CM_2025_Index.csv.gz | grep ...`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codify::grpc::proto::{self, IndexEntry, IndexPart, ListIndexChildrenRequest, LookupIndexRequest};
use common::{assert_invalid_fields, expect_ok};

const ON: &str = "2025-11-01";

async fn lookup(query: &str, page_size: i32) -> proto::LookupIndexResponse {
    let mut client = common::client().await;
    let request = LookupIndexRequest { query: query.into(), as_of: ON.into(), page_size, ..Default::default() };
    expect_ok(client.lookup_index(request).await, query)
}

async fn first(query: &str) -> IndexEntry {
    lookup(query, 10).await.entries.into_iter().next().unwrap_or_else(|| panic!("{query}: no entry"))
}

#[tokio::test]
async fn main_terms_lead_to_their_default_codes() {
    for (query, path, code) in [
        ("hypertension", "Hypertension, hypertensive", "I10"),
        ("diabetes", "Diabetes, diabetic", "E11.9"),
        ("asthma", "Asthma, asthmatic", "J45.909"),
        ("otitis", "Otitis", "H66.90"),
        ("appendicitis", "Appendicitis", "K37"),
        ("migraine", "Migraine", "G43.909"),
        ("gastroenteritis", "Gastroenteritis", "K52.9"),
    ] {
        let entry = first(query).await;
        assert_eq!((entry.path.as_slice(), entry.code.as_str()), ([path.to_string()].as_slice(), code), "{query}");
        assert!(entry.billable, "{query}: {code} is billable in FY2026");
        assert_eq!(entry.part, IndexPart::Main as i32);
    }
    let hypertension = first("hypertension").await;
    assert_eq!(hypertension.code_title, "Essential (primary) hypertension");
    assert_eq!(
        hypertension.nonessential,
        ["(accelerated)", "(benign)", "(essential)", "(idiopathic)", "(malignant)", "(systemic)"]
    );
    assert!(hypertension.has_children);
    let gastroenteritis = first("gastroenteritis").await;
    assert_eq!(gastroenteritis.see_also, "Enteritis");
    assert_eq!(gastroenteritis.see_also_target.map(|target| target.path), Some(vec!["Enteritis".to_string()]));
}

#[tokio::test]
async fn subterms_narrow_the_path() {
    let exacerbation = first("asthma exacerbation").await;
    assert_eq!(exacerbation.path, ["Asthma, asthmatic", "with", "exacerbation"]);
    assert_eq!(
        (exacerbation.code.as_str(), exacerbation.nonessential.as_slice()),
        ("J45.901", ["(acute)".to_string()].as_slice())
    );
    let aspiration = first("pneumonia aspiration").await;
    assert_eq!(
        (aspiration.path.as_slice(), aspiration.code.as_str()),
        (["Pneumonia".to_string(), "aspiration".to_string()].as_slice(), "J69.0")
    );
}

#[tokio::test]
async fn categories_to_complete_name_the_missing_characters() {
    let sprain = first("sprain ankle").await;
    assert_eq!(sprain.path, ["Sprain", "ankle"]);
    assert_eq!((sprain.code.as_str(), sprain.missing_characters.as_str()), ("S93.40-", "6th and 7th characters"));
    assert!(!sprain.billable);

    let neck = lookup("fracture femur neck", 10).await;
    let paths: Vec<Vec<String>> = neck.entries.iter().map(|entry| entry.path.clone()).collect();
    assert_eq!(
        paths[..2],
        [
            vec!["Fracture, traumatic".to_string(), "femur, femoral".into(), "neck".into()],
            vec!["Fracture, traumatic".to_string(), "femur, femoral".into(), "upper end".into(), "neck".into()],
        ]
    );
    // The first is a see reference, followed to the second.
    assert_eq!((neck.entries[0].code.as_str(), neck.entries[0].see.as_str()), ("", "Fracture, femur, upper end, neck"));
    let target = neck.entries[0].see_target.clone().expect("the see reference resolves");
    assert_eq!((target.path, target.code), (paths[1].clone(), "S72.00-".to_string()));
    assert_eq!(target.id, neck.entries[1].id);
    assert_eq!(
        (neck.entries[1].code.as_str(), neck.entries[1].missing_characters.as_str()),
        ("S72.00-", "6th and 7th characters")
    );
    assert_eq!((neck.index_version.as_str(), neck.release_version.as_str()), ("FY2025", "FY2026"));
}

#[tokio::test]
async fn see_references_are_followed() {
    for query in ["shingles", "zoster"] {
        let entry = first(query).await;
        assert_eq!((entry.code.as_str(), entry.see.as_str()), ("", "Herpes, zoster"), "{query}");
        let target = entry.see_target.expect("resolves");
        assert_eq!(target.path, ["Herpes, herpesvirus, herpetic", "zoster"]);
        assert_eq!(target.code, "B02.9");
    }
}

#[tokio::test]
async fn table_rows_answer_with_the_column_the_words_pick() {
    let breast = first("neoplasm breast malignant").await;
    assert_eq!(breast.part, IndexPart::Neoplasm as i32);
    assert_eq!(breast.path[0], "Neoplasm, neoplastic");
    assert_eq!(breast.path[1], "breast");
    assert_eq!((breast.column.as_str(), breast.code.as_str()), ("Malignant Primary", "C50.9-"));
    assert_eq!(breast.missing_characters, "5th and 6th characters");
    let columns: Vec<&str> = breast.cells.iter().map(|cell| cell.column.as_str()).collect();
    assert_eq!(columns[..2], ["Malignant Primary", "Malignant Secondary"]);

    let tylenol = first("acetaminophen poisoning accidental").await;
    assert_eq!(tylenol.part, IndexPart::Drug as i32);
    assert_eq!(tylenol.path, ["Acetaminophen"]);
    assert_eq!((tylenol.column.as_str(), tylenol.code.as_str()), ("Poisoning Accidental (unintentional)", "T39.1X1"));
    assert_eq!(tylenol.missing_characters, "7th character");
    assert_eq!(tylenol.cells.len(), 6);
}

#[tokio::test]
async fn the_external_cause_index_is_looked_up_too() {
    let ladder = first("fall ladder").await;
    assert_eq!(ladder.part, IndexPart::ExternalCause as i32);
    assert_eq!(ladder.path[0], "Fall, falling");
    assert_eq!(ladder.path.last().map(String::as_str), Some("ladder"));
    assert_eq!(ladder.code, "W11");
}

#[tokio::test]
async fn entries_are_browsed_and_paged() {
    let mut client = common::client().await;
    let asthma = first("asthma").await;
    let request =
        ListIndexChildrenRequest { parent: asthma.id.clone(), as_of: ON.into(), page_size: 2, ..Default::default() };
    let page = expect_ok(client.list_index_children(request.clone()).await, "children");
    let terms: Vec<String> = page.entries.iter().map(|entry| entry.path.last().cloned().unwrap_or_default()).collect();
    assert_eq!(terms, ["with", "allergic extrinsic"]);
    assert!(page.total_size > 2 && !page.next_page_token.is_empty());
    let next = ListIndexChildrenRequest { page_token: page.next_page_token, ..request };
    let second = expect_ok(client.list_index_children(next).await, "second page");
    assert_eq!(second.entries[0].path, ["Asthma, asthmatic", "atopic"]);

    let tables = ListIndexChildrenRequest { part: IndexPart::Neoplasm as i32, as_of: ON.into(), ..Default::default() };
    let neoplasm = expect_ok(client.list_index_children(tables).await, "neoplasm main terms");
    assert_eq!(neoplasm.total_size, 1);
    assert_eq!(neoplasm.entries[0].path, ["Neoplasm, neoplastic"]);

    let fractures = lookup("fracture", 5).await;
    assert_eq!(fractures.entries.len(), 5);
    let request = LookupIndexRequest {
        query: "fracture".into(),
        as_of: ON.into(),
        page_size: 5,
        page_token: fractures.next_page_token.clone(),
    };
    let more = expect_ok(client.lookup_index(request).await, "second page");
    assert!(more.entries.iter().all(|entry| fractures.entries.iter().all(|seen| seen.id != entry.id)));
}

#[tokio::test]
async fn bad_requests_are_refused_with_their_fields() {
    let mut client = common::client().await;
    let empty = LookupIndexRequest { query: "  ".into(), ..Default::default() };
    assert_invalid_fields(&client.lookup_index(empty).await.expect_err("empty"), &["query"]);
    let big = LookupIndexRequest { query: "asthma".into(), page_size: 101, as_of: "soon".into(), ..Default::default() };
    assert_invalid_fields(&client.lookup_index(big).await.expect_err("page size"), &["as_of", "page_size"]);
    let forged = LookupIndexRequest { query: "asthma".into(), page_token: "c2garbage".into(), ..Default::default() };
    assert_invalid_fields(&client.lookup_index(forged).await.expect_err("token"), &["page_token"]);
    let parent = ListIndexChildrenRequest { parent: "nonsense".into(), as_of: ON.into(), ..Default::default() };
    assert_invalid_fields(&client.list_index_children(parent).await.expect_err("parent"), &["parent"]);
    let other = ListIndexChildrenRequest { parent: "FY1999:5".into(), as_of: ON.into(), ..Default::default() };
    assert_invalid_fields(&client.list_index_children(other).await.expect_err("version"), &["parent"]);
    let early = LookupIndexRequest { query: "asthma".into(), as_of: "2020-01-01".into(), ..Default::default() };
    assert_eq!(client.lookup_index(early).await.expect_err("no index").code(), tonic::Code::NotFound);
    let nothing = lookup("xyzzyplugh", 10).await;
    assert_eq!((nothing.total_size, nothing.entries.len()), (0, 0));
}

#[tokio::test]
async fn list_releases_shows_the_index() {
    let mut client = common::client().await;
    let releases = expect_ok(client.list_releases(proto::ListReleasesRequest::default()).await, "releases");
    let sets: Vec<(String, String, String, i32)> = releases
        .data_sets
        .iter()
        .map(|set| (set.name.clone(), set.version.clone(), set.effective_from.clone(), set.entry_count))
        .collect();
    // 81,024 main-index rows + 8,064 external cause + 1,939 neoplasm + 7,428 drug entries; the
    // MCE's 84,932 diagnosis + 86,809 procedure entries.
    assert_eq!(
        sets,
        [
            ("icd10cm-alphabetic-index".to_string(), "FY2025".to_string(), "2024-10-01".to_string(), 98_455),
            ("cms-mce".to_string(), "43.1".to_string(), "2015-10-01".to_string(), 171_741),
        ]
    );
    assert_eq!(releases.data_sets[0].source_files.len(), 4);
}
