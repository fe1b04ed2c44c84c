//! Refused requests: INVALID_ARGUMENT with a google.rpc.BadRequest naming each offending
//! field, decodable by any client.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codify::grpc::proto::{BatchGetCodesRequest, CodeRef, SearchCodesRequest};
use common::{assert_invalid_fields, expect_ok, get, search, HCPCS, ICD, IN_FORCE};

async fn refused_search(request: SearchCodesRequest) -> tonic::Status {
    let mut client = common::client().await;
    let query = request.query.clone();
    match client.search_codes(request).await {
        Ok(response) => panic!("search {query:?} was answered: {:?}", response.into_inner()),
        Err(status) => status,
    }
}

fn in_force(query: &str) -> SearchCodesRequest {
    SearchCodesRequest { as_of: IN_FORCE.to_string(), ..search(query) }
}

#[tokio::test]
async fn empty_or_blank_query() {
    for query in ["", "   ", "\t\n"] {
        let status = refused_search(in_force(query)).await;
        assert_invalid_fields(&status, &["query"]);
        assert_eq!(status.message(), "invalid query: must not be empty");
    }
}

#[tokio::test]
async fn query_longer_than_256_characters() {
    let status = refused_search(in_force(&"a".repeat(257))).await;
    assert_invalid_fields(&status, &["query"]);
    assert_eq!(status.message(), "invalid query: must be at most 256 characters (got 257)");

    // The limit counts characters, not bytes.
    let mut client = common::client().await;
    let response = expect_ok(client.search_codes(in_force(&"é".repeat(256))).await, "256 two-byte characters");
    assert_eq!(response.total_size, 0);
    expect_ok(client.search_codes(in_force(&"a".repeat(256))).await, "256 characters");
}

#[tokio::test]
async fn page_size_out_of_range() {
    for page_size in [101, -1, i32::MIN] {
        let status = refused_search(SearchCodesRequest { page_size, ..in_force("diabetes") }).await;
        assert_invalid_fields(&status, &["page_size"]);
    }
    let mut client = common::client().await;
    let largest = SearchCodesRequest { page_size: 100, ..in_force("diabetes") };
    assert_eq!(expect_ok(client.search_codes(largest).await, "page of 100").results.len(), 100);
}

#[tokio::test]
async fn page_tokens_only_fit_the_search_that_made_them() {
    let mut client = common::client().await;
    let first = expect_ok(client.search_codes(in_force("diabetes")).await, "first page");
    let token = first.next_page_token;
    assert!(!token.is_empty());

    for garbage in ["garbage", "c1", "c1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", &token[..token.len() - 1]] {
        let status =
            refused_search(SearchCodesRequest { page_token: garbage.to_string(), ..in_force("diabetes") }).await;
        assert_invalid_fields(&status, &["page_token"]);
    }
    let other_query = SearchCodesRequest { page_token: token.clone(), ..in_force("heart attack") };
    assert_invalid_fields(&refused_search(other_query).await, &["page_token"]);
    let other_size = SearchCodesRequest { page_token: token.clone(), page_size: 20, ..in_force("diabetes") };
    assert_invalid_fields(&refused_search(other_size).await, &["page_token"]);
    let other_date =
        SearchCodesRequest { page_token: token.clone(), as_of: "2025-01-01".to_string(), ..search("diabetes") };
    assert_invalid_fields(&refused_search(other_date).await, &["page_token"]);
    let other_filter = SearchCodesRequest { page_token: token, billable_only: true, ..in_force("diabetes") };
    assert_invalid_fields(&refused_search(other_filter).await, &["page_token"]);
}

#[tokio::test]
async fn unknown_or_unspecified_enum_values() {
    let unknown_system = SearchCodesRequest { systems: vec![ICD, 99], ..in_force("diabetes") };
    let status = refused_search(unknown_system).await;
    assert_invalid_fields(&status, &["systems[1]"]);
    assert_eq!(status.message(), "invalid systems[1]: unknown code system 99");
    let unspecified = SearchCodesRequest { systems: vec![0], ..in_force("diabetes") };
    assert_invalid_fields(&refused_search(unspecified).await, &["systems[0]"]);
    let categories = SearchCodesRequest { cpt_categories: vec![0, 9], ..in_force("diabetes") };
    assert_invalid_fields(&refused_search(categories).await, &["cpt_categories[0]", "cpt_categories[1]"]);
}

#[tokio::test]
async fn impossible_dates() {
    for as_of in ["2025-13-45", "2025-02-29", "yesterday", "2025/01/01"] {
        let status = refused_search(SearchCodesRequest { as_of: as_of.to_string(), ..search("diabetes") }).await;
        assert_invalid_fields(&status, &["as_of"]);
    }
}

#[tokio::test]
async fn unknown_hierarchy_node() {
    let unknown = SearchCodesRequest { hierarchy_node: "nope".to_string(), ..in_force("diabetes") };
    assert_invalid_fields(&refused_search(unknown).await, &["hierarchy_node"]);
    let outside_the_systems =
        SearchCodesRequest { hierarchy_node: "E08-E13".to_string(), systems: vec![HCPCS], ..in_force("diabetes") };
    assert_invalid_fields(&refused_search(outside_the_systems).await, &["hierarchy_node"]);
}

#[tokio::test]
async fn every_bad_field_is_named_at_once() {
    let request = SearchCodesRequest {
        query: String::new(),
        systems: vec![99],
        as_of: "x".to_string(),
        page_size: 101,
        ..Default::default()
    };
    let status = refused_search(request).await;
    assert_invalid_fields(&status, &["query", "systems[0]", "as_of", "page_size"]);
    assert_eq!(status.message(), "4 invalid fields");
}

#[tokio::test]
async fn get_code_fields() {
    let mut client = common::client().await;
    let cases = [
        (get(99, "E11.9", IN_FORCE), "system"),
        (get(ICD, "", IN_FORCE), "code"),
        (get(ICD, "E11-9", IN_FORCE), "code"),
        (get(ICD, &"E".repeat(65), IN_FORCE), "code"),
        (get(ICD, "E11.9", "2025-13-45"), "as_of"),
    ];
    for (request, field) in cases {
        let status = client.get_code(request.clone()).await.expect_err("refused");
        assert_invalid_fields(&status, &[field]);
    }
}

#[tokio::test]
async fn batch_get_date() {
    let mut client = common::client().await;
    let request = BatchGetCodesRequest {
        codes: vec![CodeRef { system: ICD, code: "E11.9".to_string() }],
        as_of: "2025-13-45".to_string(),
    };
    let status = client.batch_get_codes(request).await.expect_err("bad date");
    assert_invalid_fields(&status, &["as_of"]);
}
