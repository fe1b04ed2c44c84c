//! ListChildren and ListReleases against the real releases: the top level of each system,
//! chapters, sections, codes, paging, and the loaded releases with their counts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codify::grpc::proto::{
    CodeKind, HierarchyLevel, ListChildrenRequest, ListChildrenResponse, ListReleasesRequest, Release,
};
use common::{assert_invalid_fields, child_ids, children, expect_ok, step_ids, CPT, HCPCS, ICD, IN_FORCE, PCS};

async fn list(system: i32, parent: &str, as_of: &str) -> ListChildrenResponse {
    let mut client = common::client().await;
    expect_ok(client.list_children(children(system, parent, as_of, 1_000)).await, parent)
}

fn levels(response: &ListChildrenResponse) -> Vec<i32> {
    response.children.iter().map(|child| child.level).collect()
}

#[tokio::test]
async fn icd10cm_top_level_is_the_22_chapters() {
    for (as_of, version) in [(IN_FORCE, "FY2026"), ("2025-01-01", "FY2025")] {
        let response = list(ICD, "", as_of).await;
        let expected: Vec<String> = (1..=22).map(|n| format!("ch{n:02}")).collect();
        assert_eq!(child_ids(&response), expected, "{version}");
        assert!(levels(&response).iter().all(|&level| level == HierarchyLevel::Chapter as i32));
        assert!(response.children.iter().all(|child| child.has_children && child.code.is_none()));
        assert_eq!(response.release_version, version);
        assert!(response.path.is_empty());
        assert_eq!(response.next_page_token, "");
    }
    let response = list(ICD, "", IN_FORCE).await;
    let chapter = &response.children[3];
    assert_eq!(chapter.title, "Endocrine, nutritional and metabolic diseases (E00-E89)");
    assert_eq!((chapter.range_start.as_str(), chapter.range_end.as_str()), ("E00", "E89"));
}

#[tokio::test]
async fn cpt_top_level_is_its_sections() {
    let response = list(CPT, "", IN_FORCE).await;
    assert_eq!(
        child_ids(&response),
        [
            "cpt-em",
            "cpt-anesthesia",
            "cpt-surgery",
            "cpt-radiology",
            "cpt-pathology",
            "cpt-medicine",
            "cpt-category-ii",
            "cpt-category-iii",
            "cpt-pla",
            "cpt-modifiers"
        ]
    );
    assert!(levels(&response).iter().all(|&level| level == HierarchyLevel::Section as i32));
    let surgery = &response.children[2];
    assert_eq!(surgery.title, "Surgery");
    assert_eq!((surgery.range_start.as_str(), surgery.range_end.as_str()), ("10004", "69990"));
    assert_eq!(response.release_version, "2026-sample");
}

#[tokio::test]
async fn hcpcs_top_level_is_letter_groups_and_modifiers() {
    let response = list(HCPCS, "", IN_FORCE).await;
    let letters = ["A", "B", "C", "E", "G", "H", "J", "K", "L", "M", "P", "Q", "R", "S", "T", "U", "V"];
    let mut expected: Vec<String> = letters.iter().map(|letter| format!("hcpcs-{letter}")).collect();
    expected.push("hcpcs-modifiers".to_string());
    assert_eq!(child_ids(&response), expected);
    assert!(levels(&response).iter().all(|&level| level == HierarchyLevel::Group as i32));
    let j_codes = &response.children[6];
    assert_eq!(j_codes.title, "Drugs administered other than oral method, chemotherapy drugs");
    assert_eq!((j_codes.range_start.as_str(), j_codes.range_end.as_str()), ("J0120", "J9999"));
    let modifiers = response.children.last().expect("modifiers group");
    assert_eq!((modifiers.title.as_str(), modifiers.range_start.as_str()), ("Modifiers", "A1"));
    assert_eq!(response.release_version, "2025-10");
}

#[tokio::test]
async fn chapter_lists_its_sections() {
    let response = list(ICD, "ch04", IN_FORCE).await;
    assert_eq!(
        child_ids(&response),
        ["E00-E07", "E08-E13", "E15-E16", "E20-E35", "E36", "E40-E46", "E50-E64", "E65-E68", "E70-E88", "E89"]
    );
    assert!(levels(&response).iter().all(|&level| level == HierarchyLevel::Section as i32));
    assert_eq!(response.children[1].title, "Diabetes mellitus (E08-E13)");
    assert_eq!(step_ids(&response.path), ["ch04"]);
}

#[tokio::test]
async fn section_lists_its_categories() {
    let response = list(ICD, "E08-E13", IN_FORCE).await;
    assert_eq!(child_ids(&response), ["E08", "E09", "E10", "E11", "E13"]);
    assert!(levels(&response).iter().all(|&level| level == HierarchyLevel::Code as i32));
    for child in &response.children {
        let code = child.code.as_ref().expect("a code summary");
        assert_eq!(code.kind, CodeKind::Header as i32, "{}", child.id);
        assert!(child.has_children);
    }
    assert_eq!(step_ids(&response.path), ["ch04", "E08-E13"]);
}

#[tokio::test]
async fn code_lists_its_child_codes() {
    let response = list(ICD, "E11", IN_FORCE).await;
    assert_eq!(
        child_ids(&response),
        ["E11.0", "E11.1", "E11.2", "E11.3", "E11.4", "E11.5", "E11.6", "E11.8", "E11.9", "E11.A"]
    );
    let billable: Vec<bool> = response.children.iter().map(|c| c.code.as_ref().expect("summary").billable).collect();
    assert_eq!(billable, [false, false, false, false, false, false, false, true, true, true]);
    let has_children: Vec<bool> = response.children.iter().map(|c| c.has_children).collect();
    assert_eq!(has_children, billable.iter().map(|b| !b).collect::<Vec<_>>());
    let e11_9 = response.children[8].code.as_ref().expect("summary");
    assert_eq!(
        (e11_9.normalized_code.as_str(), e11_9.title.as_str()),
        ("E119", "Type 2 diabetes mellitus without complications")
    );
    assert_eq!(step_ids(&response.path), ["ch04", "E08-E13", "E11"]);

    let undotted_lower = list(ICD, "e113", IN_FORCE).await;
    let dotted = list(ICD, "E11.3", IN_FORCE).await;
    assert_eq!(undotted_lower, dotted);
    assert_eq!(child_ids(&dotted), ["E11.31", "E11.32", "E11.33", "E11.34", "E11.35", "E11.36", "E11.37", "E11.39"]);

    let leaf = list(ICD, "E11.9", IN_FORCE).await;
    assert!(leaf.children.is_empty());
    assert_eq!(step_ids(&leaf.path), ["ch04", "E08-E13", "E11", "E11.9"]);
}

#[tokio::test]
async fn cpt_section_lists_its_subsections() {
    let response = list(CPT, "cpt-surgery", IN_FORCE).await;
    let ids = child_ids(&response);
    assert_eq!(ids.len(), 19);
    assert_eq!(ids[..3], ["cpt-surgery-general", "cpt-surgery-integumentary", "cpt-surgery-musculoskeletal"]);
    assert_eq!(ids.last().map(String::as_str), Some("cpt-surgery-operating-microscope"));
    assert!(levels(&response).iter().all(|&level| level == HierarchyLevel::Subsection as i32));
    assert_eq!(step_ids(&response.path), ["cpt-surgery"]);
}

#[tokio::test]
async fn pages_follow_each_other_to_the_end() {
    let mut client = common::client().await;
    let whole = list(ICD, "ch04", IN_FORCE).await;
    let mut request = children(ICD, "ch04", IN_FORCE, 3);
    let mut sizes = Vec::new();
    let mut joined = Vec::new();
    loop {
        let page = expect_ok(client.list_children(request.clone()).await, "page");
        assert_eq!(step_ids(&page.path), ["ch04"]);
        sizes.push(page.children.len());
        joined.extend(page.children);
        if page.next_page_token.is_empty() {
            break;
        }
        request.page_token = page.next_page_token;
    }
    assert_eq!(sizes, [3, 3, 3, 1]);
    assert_eq!(joined, whole.children);

    let first = expect_ok(client.list_children(children(HCPCS, "hcpcs-modifiers", IN_FORCE, 5)).await, "page 1");
    assert_eq!(child_ids(&first), ["A1", "A2", "A3", "A4", "A5"]);
    let second_request = ListChildrenRequest {
        page_token: first.next_page_token.clone(),
        ..children(HCPCS, "hcpcs-modifiers", IN_FORCE, 5)
    };
    let second = expect_ok(client.list_children(second_request).await, "page 2");
    assert_eq!(child_ids(&second), ["A6", "A7", "A8", "A9", "AA"]);
    let modifier = second.children[4].code.as_ref().expect("summary");
    assert_eq!(modifier.kind, CodeKind::Modifier as i32);
}

#[tokio::test]
async fn default_page_is_200_children() {
    let mut client = common::client().await;
    let request = children(HCPCS, "hcpcs-modifiers", IN_FORCE, 0);
    let page = expect_ok(client.list_children(request).await, "default page");
    assert_eq!(page.children.len(), 200);
    assert!(!page.next_page_token.is_empty());
}

#[tokio::test]
async fn refused_listings() {
    let mut client = common::client().await;
    let unknown = client.list_children(children(ICD, "nope", IN_FORCE, 0)).await.expect_err("unknown parent");
    assert_eq!(unknown.code(), tonic::Code::NotFound);
    let cpt_node_in_icd =
        client.list_children(children(ICD, "cpt-surgery", IN_FORCE, 0)).await.expect_err("wrong system");
    assert_eq!(cpt_node_in_icd.code(), tonic::Code::NotFound);
    let before_releases = client.list_children(children(ICD, "", "2019-01-01", 0)).await.expect_err("no release");
    assert_eq!(before_releases.code(), tonic::Code::NotFound);

    let no_system = client.list_children(children(0, "ch04", IN_FORCE, 0)).await.expect_err("no system");
    assert_invalid_fields(&no_system, &["system"]);
    let bad_system = client.list_children(children(99, "", IN_FORCE, 0)).await.expect_err("system 99");
    assert_invalid_fields(&bad_system, &["system"]);
    for size in [1_001, -1] {
        let status = client.list_children(children(ICD, "", IN_FORCE, size)).await.expect_err("page size");
        assert_invalid_fields(&status, &["page_size"]);
    }
    let bad_date = client.list_children(children(ICD, "", "2025-13-45", 0)).await.expect_err("bad date");
    assert_invalid_fields(&bad_date, &["as_of"]);
    let garbage = ListChildrenRequest { page_token: "garbage".to_string(), ..children(ICD, "ch04", IN_FORCE, 3) };
    let status = client.list_children(garbage).await.expect_err("garbage token");
    assert_invalid_fields(&status, &["page_token"]);
    let first = expect_ok(client.list_children(children(ICD, "ch04", IN_FORCE, 3)).await, "page 1");
    let foreign = ListChildrenRequest { page_token: first.next_page_token, ..children(ICD, "ch05", IN_FORCE, 3) };
    let status = client.list_children(foreign).await.expect_err("token of another listing");
    assert_invalid_fields(&status, &["page_token"]);
}

#[tokio::test]
async fn releases_with_their_dates_and_counts() {
    let mut client = common::client().await;
    let response = expect_ok(client.list_releases(ListReleasesRequest::default()).await, "releases");
    let release = |system, version: &str, from: &str, to: &str, counts: (i32, i32, i32), files: &[&str]| Release {
        system,
        version: version.to_string(),
        effective_from: from.to_string(),
        effective_to: to.to_string(),
        code_count: counts.0,
        billable_count: counts.1,
        node_count: counts.2,
        source_files: files.iter().map(|file| file.to_string()).collect(),
    };
    assert_eq!(
        response.releases,
        [
            release(
                ICD,
                "FY2025",
                "2024-10-01",
                "2025-09-30",
                (97_584, 74_260, 319),
                &["icd10cm/icd10cm_order_2025.txt.gz"]
            ),
            release(ICD, "FY2026", "2025-10-01", "", (98_186, 74_719, 319), &["icd10cm/icd10cm-tabular-2026.xml.gz"]),
            release(
                HCPCS,
                "2020",
                "2020-01-01",
                "2025-09-30",
                (7_079, 7_079, 17),
                &["hcpcs/HCPC2020_ANWEB_w_disclaimer.txt.gz"]
            ),
            release(HCPCS, "2025-10", "2025-10-01", "", (8_846, 8_846, 18), &["hcpcs/HCPC2025_OCT_ANWEB.xlsx"]),
            release(CPT, "2026-sample", "2026-01-01", "", (163, 163, 242), &["cpt-sample", "cpt-hierarchy.tsv"]),
            // ICD-10-PCS nodes: 17 sections, 114 / 115 body systems, 908 / 914 tables.
            release(
                PCS,
                "FY2025",
                "2024-10-01",
                "2025-09-30",
                (78_948, 78_948, 1_039),
                &[
                    "icd10pcs/icd10pcs_tables_2025.xml.gz",
                    "icd10pcs/icd10pcs_definitions_2025.xml.gz",
                    "icd10pcs/icd10pcs_index_2025.xml.gz"
                ]
            ),
            release(
                PCS,
                "FY2026",
                "2025-10-01",
                "",
                (79_115, 79_115, 1_046),
                &[
                    "icd10pcs/icd10pcs_tables_2026.xml.gz",
                    "icd10pcs/icd10pcs_definitions_2026.xml.gz",
                    "icd10pcs/icd10pcs_index_2025.xml.gz"
                ]
            ),
        ]
    );

    let hcpcs = expect_ok(client.list_releases(ListReleasesRequest { system: HCPCS }).await, "hcpcs releases");
    let versions: Vec<&str> = hcpcs.releases.iter().map(|r| r.version.as_str()).collect();
    assert_eq!(versions, ["2020", "2025-10"]);
    let status = client.list_releases(ListReleasesRequest { system: 99 }).await.expect_err("system 99");
    assert_invalid_fields(&status, &["system"]);
}
