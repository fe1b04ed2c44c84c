//! Start-up indexes the releases in force first and the ended ones right after SERVING:
//! until then a search dated in an ended release waits (it is never answered from the
//! wrong release, nor empty), and once the index is complete every search answers exactly
//! as an index built whole before serving does.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;
mod own_server;

use codify::codes::{CodeSystem, Date};
use codify::engine::Engine;
use codify::index::{IndexError, SearchPage, SearchRequest};
use own_server::RunningServer;

/// A day the bundled FY2026 releases are in force and the FY2025 ones have ended.
fn today() -> Date {
    Date::from_ymd(2026, 12, 5).expect("date")
}

fn request(text: &str, as_of: Date, systems: &[CodeSystem]) -> SearchRequest {
    SearchRequest { systems: systems.to_vec(), ..SearchRequest::new(text, as_of) }
}

/// What a page says: each hit's release, entry and match type, and the total.
fn summary(page: &SearchPage) -> (usize, Vec<(u32, u32, String)>) {
    let hits = page.hits.iter().map(|hit| (hit.release, hit.entry, format!("{:?}", hit.match_type))).collect();
    (page.total, hits)
}

#[test]
fn ended_releases_are_indexed_after_the_current_ones_and_then_answer_as_a_whole_build() {
    let manifest = common::manifest_path();
    let deferred = Engine::load_current_first(&manifest, None, today()).expect("engine, current releases first");
    assert!(!deferred.index.is_complete());
    let fy2025 = Date::from_ymd(2025, 3, 1).expect("date");
    let fy2026 = Date::from_ymd(2026, 3, 1).expect("date");
    let cm = [CodeSystem::Icd10Cm];
    // In force today: answered at once. Ended: refused, never answered from another release.
    let current = deferred.index.search(&deferred.catalog, &request("type 2 diabetes", fy2026, &cm));
    assert!(current.is_ok_and(|page| !page.hits.is_empty()));
    let ended = deferred.index.search(&deferred.catalog, &request("type 2 diabetes", fy2025, &cm));
    assert!(matches!(ended, Err(IndexError::NotYetIndexed)), "{ended:?}");
    // Every system on an ended date needs the ended releases too.
    assert!(matches!(
        deferred.index.search(&deferred.catalog, &request("fracture", fy2025, &[])),
        Err(IndexError::NotYetIndexed)
    ));

    let whole = Engine::load(&manifest, None).expect("engine, whole index");
    let releases = whole.catalog.releases().iter().filter(|release| !release.entries.is_empty()).count();
    assert_eq!(whole.index.segment_count(), releases, "one segment per release");
    // With more than one core the large releases in force are indexed in parts side by
    // side: searched in parts, they answer exactly as one segment does.
    if std::thread::available_parallelism().map_or(1, usize::from) > 1 {
        assert!(deferred.index.segment_count() > 4, "{} segments", deferred.index.segment_count());
    }
    for query in QUERIES {
        for as_of in [fy2026, today()] {
            let asked = request(query, as_of, &[]);
            let from_deferred = deferred.index.search(&deferred.catalog, &asked).expect("search, first part");
            let from_whole = whole.index.search(&whole.catalog, &asked).expect("search, whole index");
            assert_eq!(summary(&from_deferred), summary(&from_whole), "{query:?} on {as_of}, before completion");
        }
    }

    deferred.complete_index().expect("complete the index");
    assert!(deferred.index.is_complete() && deferred.index.is_final());
    assert_eq!(deferred.index.doc_count(), whole.index.doc_count());
    // The parts are merged: one segment per release again.
    assert_eq!(deferred.index.segment_count(), releases);
    let dates = [fy2025, fy2026, Date::from_ymd(2024, 12, 1).expect("date"), today()];
    for query in QUERIES {
        for as_of in dates {
            let asked = request(query, as_of, &[]);
            let from_deferred = deferred.index.search(&deferred.catalog, &asked).expect("search, completed index");
            let from_whole = whole.index.search(&whole.catalog, &asked).expect("search, whole index");
            assert_eq!(summary(&from_deferred), summary(&from_whole), "{query:?} on {as_of}");
        }
    }
}

/// Queries over every system, by words, prefixes, typos, codes and partial codes.
const QUERIES: [&str; 10] = [
    "type 2 diabetes",
    "hypert",
    "broken hip",
    "appendectomy laparoscopic",
    "wheelchair",
    "E11.9",
    "0DTJ",
    "diabetis with neuropathy",
    "office visit established",
    "chest p",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_dated_in_an_ended_release_waits_for_it_over_grpc() {
    let config = codify::config::ServerConfig { admin_listen: None, ..common::real_config() };
    let server = RunningServer::start(config).await;
    let address = server.address;
    let channel = common::channel(address).await.expect("connect");
    let mut client = codify::grpc::proto::code_service_client::CodeServiceClient::new(channel);
    // Asked as soon as the service is SERVING: FY2025 (ended) is answered once it is indexed.
    let mut asked = common::search("type 2 diabetes without complications");
    asked.as_of = "2025-03-01".to_string();
    asked.systems = vec![common::ICD];
    let response = client.search_codes(asked).await.expect("search dated in FY2025").into_inner();
    assert_eq!(common::codes(&response).first().map(String::as_str), Some("E11.9"));
    assert!(response.results.iter().all(|result| common::summary(result).release_version == "FY2025"));
    server.stop().await;
}
