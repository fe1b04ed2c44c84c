//! SearchCodes against the real releases: code look-up, free text, filters, dates, paging,
//! highlights, and query text that looks like query syntax.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codify::grpc::proto::{CodeKind, CptCategory, MatchType, SearchCodesRequest, TextSpan};
use common::{codes, expect_ok, match_type, search, search_all, summary, CPT, HCPCS, ICD, IN_FORCE, PCS};

fn dated(query: &str, as_of: &str) -> SearchCodesRequest {
    SearchCodesRequest { as_of: as_of.to_string(), ..search(query) }
}

fn sorted(mut codes: Vec<String>) -> Vec<String> {
    codes.sort();
    codes
}

fn sized(query: &str, page_size: i32) -> SearchCodesRequest {
    SearchCodesRequest { page_size, ..dated(query, IN_FORCE) }
}

#[tokio::test]
async fn undotted_code_is_an_exact_match_then_longer_codes_by_prefix() {
    let mut client = common::client().await;
    let response = expect_ok(client.search_codes(dated("E119", IN_FORCE)).await, "search E119");
    assert_eq!(sorted(codes(&response)), ["E11.9", "E1190", "E1195"]);
    assert_eq!(codes(&response)[0], "E11.9");
    let types: Vec<MatchType> = response.results.iter().map(match_type).collect();
    assert_eq!(types, [MatchType::ExactCode, MatchType::CodePrefix, MatchType::CodePrefix]);
    assert_eq!(response.total_size, 3);
    assert_eq!(response.next_page_token, "");
    assert_eq!(response.as_of, IN_FORCE);
    let first = summary(&response.results[0]);
    assert_eq!(first.system, ICD);
    assert_eq!(first.normalized_code, "E119");
    assert_eq!(first.title, "Type 2 diabetes mellitus without complications");
    assert_eq!(first.release_version, "FY2026");
    assert!(first.billable);
    assert_eq!(first.kind, CodeKind::Code as i32);
    let hcpcs: Vec<i32> = response.results[1..].iter().map(|r| summary(r).system).collect();
    assert_eq!(hcpcs, [HCPCS, HCPCS]);
}

#[tokio::test]
async fn dotted_and_lower_case_codes_find_the_same_exact_code() {
    let mut client = common::client().await;
    for query in ["E11.9", "e11.9", "e119", "  E11.9  "] {
        let response = expect_ok(client.search_codes(dated(query, IN_FORCE)).await, query);
        let first = &response.results[0];
        assert_eq!(summary(first).code, "E11.9", "first result for {query:?}");
        assert_eq!(summary(first).system, ICD, "{query:?}");
        assert_eq!(match_type(first), MatchType::ExactCode, "{query:?}");
    }
}

#[tokio::test]
async fn category_code_ranks_the_header_first_then_every_code_under_it() {
    let mut client = common::client().await;
    let results = search_all(&mut client, sized("E11", 100), 5).await;
    assert_eq!(results.len(), 130);
    assert_eq!(summary(&results[0]).code, "E11");
    assert_eq!(summary(&results[0]).kind, CodeKind::Header as i32);
    assert!(!summary(&results[0]).billable);
    assert_eq!(match_type(&results[0]), MatchType::ExactCode);
    assert!(results[1..].iter().all(|r| match_type(r) == MatchType::CodePrefix));
    // The 116 ICD-10-CM codes under E11, and the HCPCS codes that start with E11.
    let icd: Vec<String> =
        results[1..].iter().map(summary).filter(|c| c.system == ICD).map(|c| c.code.clone()).collect();
    assert_eq!(icd.len(), 116);
    assert!(icd.iter().all(|code| code.starts_with("E11.")), "{icd:?}");
    for code in ["E11.0", "E11.00", "E11.9", "E11.A", "E11.3553"] {
        assert!(icd.contains(&code.to_string()), "{code} under E11");
    }
    let hcpcs: Vec<String> =
        results[1..].iter().map(summary).filter(|c| c.system == HCPCS).map(|c| c.code.clone()).collect();
    let expected_hcpcs = [
        "E1100", "E1110", "E1130", "E1140", "E1150", "E1160", "E1161", "E1170", "E1171", "E1172", "E1180", "E1190",
        "E1195",
    ];
    assert_eq!(sorted(hcpcs), expected_hcpcs);
}

#[tokio::test]
async fn type_2_diabetes_finds_e11_9_in_the_top_three() {
    let mut client = common::client().await;
    let response = expect_ok(client.search_codes(dated("type 2 diabetes", IN_FORCE)).await, "search");
    let top: Vec<String> = codes(&response).into_iter().take(3).collect();
    assert!(top.contains(&"E11.9".to_string()), "top three: {top:?}");
}

#[tokio::test]
async fn abbreviated_words_in_any_order_find_e11_9_first() {
    let mut client = common::client().await;
    let response = expect_ok(client.search_codes(dated("diab mell typ 2", IN_FORCE)).await, "search");
    assert_eq!(codes(&response)[0], "E11.9");
    assert_eq!(match_type(&response.results[0]), MatchType::AllWordsInTitle);
    let highlight = &response.results[0].highlights[0];
    let spans: Vec<(u32, u32)> = highlight.spans.iter().map(|s| (s.start, s.end)).collect();
    assert_eq!(spans, [(0, 4), (5, 6), (7, 15), (16, 24)], "Type, 2, diabetes, mellitus");
}

#[tokio::test]
async fn lay_terms_find_the_clinical_code() {
    let mut client = common::client().await;
    let heart_attack = expect_ok(client.search_codes(dated("heart attack", IN_FORCE)).await, "heart attack");
    assert_eq!(codes(&heart_attack)[0], "I21.9");
    assert_eq!(summary(&heart_attack.results[0]).title, "Acute myocardial infarction, unspecified");
    let highlight = &heart_attack.results[0].highlights[0];
    assert_eq!(highlight.field, "title");
    assert_eq!(highlight.spans, [TextSpan { start: 6, end: 16 }, TextSpan { start: 17, end: 27 }]);

    let afib = expect_ok(client.search_codes(dated("afib", IN_FORCE)).await, "afib");
    let top: Vec<String> = codes(&afib).into_iter().take(3).collect();
    assert!(top.contains(&"I48.91".to_string()), "afib top three: {top:?}");
}

#[tokio::test]
async fn cpt_codes_of_every_category_are_found_exactly() {
    let mut client = common::client().await;
    let cases = [
        ("99213", "99213", CptCategory::I, CodeKind::Code),
        ("0001U", "0001U", CptCategory::Pla, CodeKind::Code),
        ("3074f", "3074F", CptCategory::Ii, CodeKind::Code),
        ("0042T", "0042T", CptCategory::Iii, CodeKind::Code),
        ("25", "25", CptCategory::Modifier, CodeKind::Modifier),
    ];
    for (query, code, category, kind) in cases {
        let request = SearchCodesRequest { systems: vec![CPT], ..dated(query, IN_FORCE) };
        let response = expect_ok(client.search_codes(request).await, query);
        assert_eq!(codes(&response), [code], "{query}");
        let found = summary(&response.results[0]);
        assert_eq!(match_type(&response.results[0]), MatchType::ExactCode, "{query}");
        assert_eq!(found.system, CPT);
        assert_eq!(found.cpt_category, category as i32, "{query}");
        assert_eq!(found.kind, kind as i32, "{query}");
        assert_eq!(found.release_version, "2026-sample");
    }
}

#[tokio::test]
async fn empty_as_of_means_today() {
    let mut client = common::client().await;
    let response = expect_ok(client.search_codes(search("99213")).await, "search 99213");
    assert_eq!(response.as_of, common::today());
    assert_eq!(codes(&response), ["99213"]);
    assert_eq!(match_type(&response.results[0]), MatchType::ExactCode);
}

#[tokio::test]
async fn systems_filter_keeps_only_those_systems() {
    let mut client = common::client().await;
    let all = expect_ok(client.search_codes(sized("wheelchair", 100)).await, "all systems");
    let hcpcs_request = SearchCodesRequest { systems: vec![HCPCS], ..sized("wheelchair", 100) };
    let hcpcs = search_all(&mut client, hcpcs_request.clone(), 10).await;
    let hcpcs_total = expect_ok(client.search_codes(hcpcs_request).await, "hcpcs").total_size;
    let icd_request = SearchCodesRequest { systems: vec![ICD], ..sized("wheelchair", 100) };
    let icd = expect_ok(client.search_codes(icd_request).await, "icd");
    let pcs_request = SearchCodesRequest { systems: vec![PCS], ..sized("wheelchair", 100) };
    let pcs = expect_ok(client.search_codes(pcs_request).await, "icd10pcs");
    // ICD-10-PCS: the rehabilitation section's wheelchair assessments and treatments.
    assert!(pcs.results.iter().all(|hit| hit.code.as_ref().is_some_and(|code| code.system == PCS)));
    assert_eq!(all.total_size, 322 + 62 + pcs.total_size);
    assert_eq!(pcs.total_size, 14);
    assert_eq!(hcpcs_total, 322);
    assert_eq!(icd.total_size, 62);
    assert_eq!(hcpcs.len(), 322);
    assert!(hcpcs.iter().all(|r| summary(r).system == HCPCS));
    assert!(icd.results.iter().all(|r| summary(r).system == ICD));
    assert!(all.results.iter().any(|r| summary(r).code == "Z99.3"), "unfiltered, ICD-10-CM codes are found too");
    assert!(hcpcs.iter().any(|r| summary(r).code == "K0001"));
}

#[tokio::test]
async fn billable_only_leaves_out_headers() {
    let mut client = common::client().await;
    let everything = expect_ok(client.search_codes(sized("diabetes", 100)).await, "diabetes");
    assert!(everything.results.iter().any(|r| summary(r).kind == CodeKind::Header as i32));
    let request = SearchCodesRequest { billable_only: true, ..sized("diabetes", 100) };
    let billable = search_all(&mut client, request, 10).await;
    assert_eq!(everything.total_size, 708);
    assert_eq!(billable.len(), 542);
    assert!(billable.iter().all(|r| summary(r).billable && summary(r).kind != CodeKind::Header as i32));
    assert!(billable.iter().any(|r| summary(r).kind == CodeKind::Modifier as i32), "modifiers are reportable");

    let header_query = SearchCodesRequest { billable_only: true, ..sized("E11", 10) };
    let response = expect_ok(client.search_codes(header_query).await, "E11 billable only");
    assert!(!codes(&response).contains(&"E11".to_string()));
    assert!(codes(&response).iter().all(|code| code.starts_with("E11")));
    assert_eq!(response.total_size, 100);
}

#[tokio::test]
async fn cpt_categories_filter_cpt_results_only() {
    let mut client = common::client().await;
    let cpt_only = |categories: Vec<i32>| SearchCodesRequest {
        systems: vec![CPT],
        cpt_categories: categories,
        ..sized("covid test", 10)
    };
    let all_cpt = expect_ok(client.search_codes(cpt_only(vec![])).await, "covid test");
    assert_eq!(sorted(codes(&all_cpt)), ["0202U", "0240U", "87635"]);
    let pla = expect_ok(client.search_codes(cpt_only(vec![CptCategory::Pla as i32])).await, "pla");
    assert_eq!(sorted(codes(&pla)), ["0202U", "0240U"]);
    assert!(pla.results.iter().all(|r| summary(r).cpt_category == CptCategory::Pla as i32));
    let category_one = expect_ok(client.search_codes(cpt_only(vec![CptCategory::I as i32])).await, "cat I");
    assert_eq!(codes(&category_one), ["87635"]);
    let none = expect_ok(client.search_codes(cpt_only(vec![CptCategory::Iii as i32])).await, "cat III");
    assert_eq!(none.total_size, 0);
    assert!(none.results.is_empty());

    // Other systems are not filtered by CPT categories.
    let unfiltered = expect_ok(client.search_codes(sized("covid test", 100)).await, "all systems");
    let request = SearchCodesRequest { cpt_categories: vec![CptCategory::Pla as i32], ..sized("covid test", 100) };
    let filtered = expect_ok(client.search_codes(request).await, "pla, all systems");
    assert_eq!(filtered.total_size, unfiltered.total_size - 1);
    assert!(!codes(&filtered).contains(&"87635".to_string()));
    assert!(filtered.results.iter().any(|r| summary(r).system != CPT));
    let cpt_left: Vec<i32> =
        filtered.results.iter().map(summary).filter(|c| c.system == CPT).map(|c| c.cpt_category).collect();
    assert_eq!(cpt_left, [CptCategory::Pla as i32, CptCategory::Pla as i32]);
}

#[tokio::test]
async fn hierarchy_node_restricts_to_a_section() {
    let mut client = common::client().await;
    let request = SearchCodesRequest { hierarchy_node: "E08-E13".to_string(), ..sized("diabetes", 100) };
    let results = search_all(&mut client, request, 10).await;
    assert_eq!(results.len(), 582);
    for result in &results {
        let code = summary(result);
        assert_eq!(code.system, ICD);
        assert!(["E08", "E09", "E10", "E11", "E13"].contains(&&code.code[..3]), "{} outside E08-E13", code.code);
    }
    assert!(results.iter().any(|r| summary(r).code == "E11.9"));
}

#[tokio::test]
async fn hierarchy_node_may_be_a_code_a_cpt_node_or_a_hcpcs_group() {
    let mut client = common::client().await;
    let under = |node: &str, query: &str| SearchCodesRequest { hierarchy_node: node.to_string(), ..sized(query, 100) };
    let under_e11 = search_all(&mut client, under("E11", "diabetes"), 5).await;
    assert_eq!(under_e11.len(), 117);
    assert!(under_e11.iter().all(|r| summary(r).code.starts_with("E11")));

    let surgery = expect_ok(client.search_codes(under("cpt-surgery", "knee")).await, "knee in surgery");
    let surgery_codes = codes(&surgery);
    assert!(surgery_codes.contains(&"27447".to_string()) && surgery_codes.contains(&"29881".to_string()));
    assert!(!surgery_codes.contains(&"01402".to_string()), "anesthesia is not surgery");
    for code in &surgery_codes {
        let number: u32 = code.parse().unwrap_or_else(|_| panic!("{code} is not a Category I code"));
        assert!((10004..=69990).contains(&number), "{code} outside the surgery section");
    }

    let group = search_all(&mut client, under("hcpcs-E", "wheelchair"), 5).await;
    assert_eq!(group.len(), 238);
    assert!(group.iter().all(|r| summary(r).system == HCPCS && summary(r).code.starts_with('E')));
}

#[tokio::test]
async fn as_of_selects_the_release_in_force() {
    let mut client = common::client().await;
    for (query, code) in [("E11.A", "E11.A"), ("A2036", "A2036"), ("diabetes remission", "E11.A")] {
        let before = expect_ok(client.search_codes(dated(query, "2025-01-01")).await, query);
        assert_eq!(before.total_size, 0, "{query} on 2025-01-01: {:?}", codes(&before));
        assert!(before.results.is_empty());
        assert_eq!(before.as_of, "2025-01-01");
        let after = expect_ok(client.search_codes(dated(query, "2026-01-01")).await, query);
        assert_eq!(codes(&after), [code], "{query} on 2026-01-01");
        assert_eq!(after.as_of, "2026-01-01");
    }
    let fy2025 = expect_ok(client.search_codes(dated("E11.9", "2025-01-01")).await, "E11.9 in FY2025");
    assert_eq!(codes(&fy2025)[0], "E11.9");
    assert_eq!(summary(&fy2025.results[0]).release_version, "FY2025");
    let fy2026 = expect_ok(client.search_codes(dated("E11.9", "2026-01-01")).await, "E11.9 in FY2026");
    assert_eq!(summary(&fy2026.results[0]).release_version, "FY2026");
}

#[tokio::test]
async fn pages_are_disjoint_stable_and_add_up_to_a_bigger_page() {
    let mut client = common::client().await;
    let first = expect_ok(client.search_codes(sized("diabetes", 10)).await, "page 1");
    assert_eq!(first.results.len(), 10);
    assert_eq!(first.total_size, 708);
    assert!(!first.next_page_token.is_empty());
    let second_request = SearchCodesRequest { page_token: first.next_page_token.clone(), ..sized("diabetes", 10) };
    let second = expect_ok(client.search_codes(second_request.clone()).await, "page 2");
    assert_eq!(second.results.len(), 10);
    assert_eq!(second.total_size, 708);
    let first_codes = codes(&first);
    let second_codes = codes(&second);
    assert!(first_codes.iter().all(|code| !second_codes.contains(code)), "{first_codes:?} / {second_codes:?}");

    let first_again = expect_ok(client.search_codes(sized("diabetes", 10)).await, "page 1 again");
    assert_eq!(first_again, first);
    let second_again = expect_ok(client.search_codes(second_request).await, "page 2 again");
    assert_eq!(second_again, second);

    let double = expect_ok(client.search_codes(sized("diabetes", 20)).await, "page of 20");
    assert_eq!(double.total_size, 708);
    let joined: Vec<_> = first.results.iter().chain(&second.results).cloned().collect();
    assert_eq!(double.results, joined);
}

#[tokio::test]
async fn walking_every_page_yields_total_size_distinct_results() {
    let mut client = common::client().await;
    let mut request = sized("heart attack", 10);
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    loop {
        let page = expect_ok(client.search_codes(request.clone()).await, "page");
        assert_eq!(page.total_size, 70);
        sizes.push(page.results.len());
        seen.extend(codes(&page));
        if page.next_page_token.is_empty() {
            break;
        }
        request.page_token = page.next_page_token;
    }
    assert_eq!(sizes, [10, 10, 10, 10, 10, 10, 10]);
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 70, "duplicates in {seen:?}");
}

#[tokio::test]
async fn highlights_mark_the_matched_words_in_code_points() {
    let mut client = common::client().await;
    let response = expect_ok(client.search_codes(dated("type 2 diabetes", IN_FORCE)).await, "search");
    let e11_9 = response.results.iter().find(|r| summary(r).code == "E11.9").expect("E11.9 in the first page");
    assert_eq!(e11_9.highlights.len(), 1);
    let highlight = &e11_9.highlights[0];
    assert_eq!(highlight.field, "title");
    assert_eq!(highlight.text, "Type 2 diabetes mellitus without complications");
    assert_eq!(
        highlight.spans,
        [TextSpan { start: 0, end: 4 }, TextSpan { start: 5, end: 6 }, TextSpan { start: 7, end: 15 }]
    );

    // Spans count code points: "Ménière" is 7 of them (9 bytes).
    let accented = expect_ok(client.search_codes(dated("meniere", IN_FORCE)).await, "meniere");
    let h81_0 = accented.results.iter().find(|r| summary(r).code == "H81.0").expect("H81.0 in the first page");
    let highlight = &h81_0.highlights[0];
    assert_eq!(highlight.text, "Ménière's disease");
    assert_eq!(highlight.spans, [TextSpan { start: 0, end: 7 }]);
}

#[tokio::test]
async fn case_and_accents_are_folded() {
    let mut client = common::client().await;
    let upper = expect_ok(client.search_codes(dated("ÉPILEPSY", IN_FORCE)).await, "ÉPILEPSY");
    let plain = expect_ok(client.search_codes(dated("epilepsy", IN_FORCE)).await, "epilepsy");
    let g40_9 = upper.results.iter().find(|r| summary(r).code == "G40.9").expect("G40.9 in the first page");
    assert_eq!(summary(g40_9).title, "Epilepsy, unspecified");
    assert_eq!(match_type(g40_9), MatchType::FullTitle);
    assert_eq!(upper.results, plain.results);
}

#[tokio::test]
async fn query_syntax_characters_are_plain_text() {
    let mut client = common::client().await;
    let queries = [
        "\"",
        ":",
        "(",
        ")",
        "-",
        "*",
        "~",
        "AND",
        "OR NOT",
        "\\",
        "^",
        "+",
        "[1 TO 5]",
        "{}",
        "/",
        "!",
        "a\\b",
        "diabetes:type",
        "title:diabetes",
        "diabetes~2",
        "diab*",
        "\"type 2",
        "E11.9)",
        "((((",
        "&&",
        "||",
    ];
    for query in queries {
        if let Err(status) = client.search_codes(dated(query, IN_FORCE)).await {
            panic!("query {query:?} failed: {status:?}");
        }
    }
    let plain = expect_ok(client.search_codes(dated("diabetes", IN_FORCE)).await, "diabetes");
    for query in ["(diabetes", "-diabetes", "\"diabetes\"", "diabetes)", "+diabetes"] {
        let response = expect_ok(client.search_codes(dated(query, IN_FORCE)).await, query);
        assert_eq!(codes(&response), codes(&plain), "{query:?} is searched as the word diabetes");
        assert_eq!(response.total_size, plain.total_size, "{query:?}");
    }
}

/// AND is a word like any other (a connective, not an operator).
#[tokio::test]
async fn and_between_words_does_not_change_the_first_result() {
    let mut client = common::client().await;
    let with_and = expect_ok(client.search_codes(dated("diabetes AND \"type 2\"", IN_FORCE)).await, "with AND");
    let without = expect_ok(client.search_codes(dated("diabetes type 2", IN_FORCE)).await, "without AND");
    assert_eq!(codes(&without)[0], "E11.9");
    assert_eq!(codes(&with_and)[0], codes(&without)[0]);
    let code_and = expect_ok(client.search_codes(dated("E11.9 AND", IN_FORCE)).await, "code then AND");
    assert_eq!(codes(&code_and).first().map(String::as_str), Some("E11.9"));
}

/// A long phrasing may miss a word when next to nothing matches all of them, but not its
/// most specific word: the neighbours of "warfarin adverse effect" are warfarin's other rows
/// in the Table of Drugs (the rodenticide), not the adverse effect of every other drug
/// (over a thousand codes hold "adverse effect"), and those of "acetaminophen poisoning
/// accidental" are the same drug's other intents.
#[tokio::test]
async fn a_relaxed_phrasing_keeps_its_most_specific_word() {
    let mut client = common::client().await;
    let warfarin = expect_ok(client.search_codes(dated("warfarin adverse effect", IN_FORCE)).await, "warfarin");
    assert_eq!(codes(&warfarin)[0], "T45.515A");
    assert_eq!(sorted(codes(&warfarin)[1..].to_vec()), ["T60.4X1A", "T60.4X2A", "T60.4X3A", "T60.4X4A"]);
    assert_eq!(warfarin.total_size, 5);
    let acetaminophen =
        expect_ok(client.search_codes(dated("acetaminophen poisoning accidental", IN_FORCE)).await, "acetaminophen");
    assert_eq!(codes(&acetaminophen)[0], "T39.1X1A");
    assert_eq!(sorted(codes(&acetaminophen)[1..].to_vec()), ["T39.1X2A", "T39.1X3A", "T39.1X4A"]);
    assert_eq!(acetaminophen.total_size, 4);
    let relaxed: Vec<MatchType> = acetaminophen.results[1..].iter().map(match_type).collect();
    assert_eq!(relaxed, [MatchType::OtherText; 3]);
}

/// When nothing matches every word, not even with the most specific word kept, any word
/// may be the one missed: "average" is in no colonoscopy screening code.
#[tokio::test]
async fn with_nothing_found_a_relaxed_phrasing_may_miss_any_word() {
    let mut client = common::client().await;
    let response =
        expect_ok(client.search_codes(dated("screening colonoscopy average risk", IN_FORCE)).await, "screening");
    assert_eq!(sorted(codes(&response)), ["45378", "G0105", "G0121"]);
    assert_eq!(response.total_size, 3);
}

#[tokio::test]
async fn a_word_prefix_query_ranks_the_condition_an_index_subterm_names_first() {
    let mut client = common::client().await;
    // "Failure, heart" → I50.9 and "Infection, urinary (tract)" → N39.0 are subterms whose path
    // is the code's own title: for words being typed they name the condition's default, above
    // a main term with a handful of entries ("Biventricular failure" → I50.82).
    let diagnoses = |query: &str| SearchCodesRequest { systems: vec![ICD], ..dated(query, IN_FORCE) };
    for (query, first) in [("heart fail", "I50.9"), ("urin tract inf", "N39.0"), ("chest p", "R07.9")] {
        let response = expect_ok(client.search_codes(diagnoses(query)).await, query);
        assert_eq!(codes(&response).first().map(String::as_str), Some(first), "{query}: {:?}", codes(&response));
    }
    // Whole words that are an Index path keep ranking by main terms: "Fever, hay" → J30.1
    // before the allergic rhinitis default J30.9 that the subterm "Rhinitis, allergic" names.
    let hay_fever = expect_ok(client.search_codes(diagnoses("hay fever")).await, "hay fever");
    assert_eq!(codes(&hay_fever)[..2], ["J30.1", "J30.9"]);
}

#[tokio::test]
async fn flu_shot_is_the_immunization_encounter_in_icd_10_cm_and_the_administration_in_hcpcs() {
    let mut client = common::client().await;
    let in_system = |query: &str, system: i32| SearchCodesRequest { systems: vec![system], ..dated(query, IN_FORCE) };
    let diagnosis = expect_ok(client.search_codes(in_system("flu shot", ICD)).await, "flu shot, ICD-10-CM");
    assert_eq!(codes(&diagnosis)[0], "Z23");
    let supply = expect_ok(client.search_codes(in_system("flu shot", HCPCS)).await, "flu shot, HCPCS");
    assert_eq!(codes(&supply)[0], "G0008");
}
