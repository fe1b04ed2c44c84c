//! What keeps a truncated or half-written release file out of a hot reload: the code-loss
//! guard (half the real FY2025 order file, gzipped whole, once answered "not in force" for
//! U09.9), sha256 pins, the settle period, and coalescing — each on the real CMS file,
//! through the reloader the server runs, with the previous releases still served after
//! every refusal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod own_server;

use std::io::{Read, Write};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use codify::codes::{CodeSystem, Date};
use codify::engine::Engine;
use codify::grpc::service::SharedEngine;
use codify::reload::{ReloadOptions, ReloadPolicy, Reloader};
use own_server::ScratchDir;

const ORDER_FILE: &str = "icd10cm/icd10cm_order_2025.txt.gz";

fn order_text() -> Vec<u8> {
    let path = common::manifest_path().parent().unwrap().join(ORDER_FILE);
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut text).unwrap();
    text
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn manifest(scratch: &ScratchDir, sha256: Option<&str>) {
    let mut release = serde_json::json!({
        "system": "icd10cm", "version": "FY2025", "effective_from": "2024-10-01",
        "format": "icd10cm-order", "path": "order.txt.gz",
    });
    if let Some(digest) = sha256 {
        release["sha256"] = serde_json::json!(digest);
    }
    scratch.write("releases.json", serde_json::json!({ "releases": [release] }).to_string());
}

fn codes_loaded(slot: &SharedEngine) -> usize {
    let engine = slot.read().unwrap().clone().unwrap();
    engine.catalog.releases().iter().map(|release| release.entries.len()).sum()
}

fn u099_in_force(slot: &SharedEngine) -> bool {
    let engine = slot.read().unwrap().clone().unwrap();
    let on = Date::parse("2025-01-15").unwrap();
    engine.catalog.validate(CodeSystem::Icd10Cm, "U09.9", on).verdict == codify::codes::Verdict::Valid
}

fn age(path: &std::path::Path, by: Duration) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(std::time::SystemTime::now() - by).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_unpinned_and_unsettled_files_are_refused() {
    let scratch = ScratchDir::new("reload-guards");
    let whole = order_text();
    let order = scratch.write("order.txt.gz", gzip(&whole));
    manifest(&scratch, None);
    let manifest_path = scratch.0.join("releases.json");
    age(&order, Duration::from_secs(60));
    age(&manifest_path, Duration::from_secs(60));
    let engine = Engine::load(&manifest_path, None).unwrap();
    let slot: SharedEngine = Arc::new(RwLock::new(Some(Arc::new(engine))));
    assert_eq!(codes_loaded(&slot), 97_584);
    assert!(u099_in_force(&slot));
    let policy =
        ReloadPolicy { settle: Duration::from_secs(2), min_interval: Duration::ZERO, max_code_loss_percent: 5 };
    let reloader = Reloader::new(manifest_path.clone(), None, 0, slot.clone(), policy);

    // Nothing changed: nothing is done.
    let unchanged = reloader.reload("test", ReloadOptions::default()).await;
    assert_eq!(unchanged.as_deref(), Ok("unchanged: no release file changed since the last load"));

    // Half the file, gzipped whole: a valid gzip of a truncated order file.
    let cut = whole[..whole.len() / 2].rsplitn(2, |&b| b == b'\n').nth(1).unwrap().to_vec();
    let lines_kept = cut.split(|&b| b == b'\n').count();
    std::fs::write(&order, gzip(&cut)).unwrap();
    // Just written: not read until it has settled.
    let early = reloader.reload("test", ReloadOptions::default()).await.unwrap_err();
    assert!(
        early.starts_with("a release file changed ") && early.ends_with("files are read once left alone for 2000 ms"),
        "{early}"
    );
    age(&order, Duration::from_secs(60));
    let refused = reloader.reload("test", ReloadOptions::default()).await.unwrap_err();
    let lost = 97_584 - lines_kept;
    assert_eq!(
        refused,
        format!(
            "icd10cm FY2025 would lose {lost} of its 97584 codes (more than 5%): \
             refused as a likely truncated file; reload with allow_code_loss to accept it"
        )
    );
    assert_eq!(codes_loaded(&slot), 97_584, "the running release stays");
    assert!(u099_in_force(&slot));

    // Pinned to the whole file's digest: the truncated file is refused by its digest.
    let whole_gz = gzip(&whole);
    let pin = {
        let digest_path = scratch.write("whole.gz", &whole_gz);
        codify::loaders::digest::sha256_file(&digest_path).unwrap()
    };
    manifest(&scratch, Some(&pin));
    age(&manifest_path, Duration::from_secs(60));
    let refused = reloader.reload("test", ReloadOptions { allow_code_loss: true, ..Default::default() }).await;
    let reason = refused.unwrap_err();
    assert!(reason.contains(&format!("the manifest pins {pin}: the file is not the one published")), "{reason}");
    assert_eq!(codes_loaded(&slot), 97_584);

    // The published file, renamed into place: accepted.
    let incoming = scratch.write(".incoming.gz", &whole_gz);
    age(&incoming, Duration::from_secs(60));
    std::fs::rename(&incoming, &order).unwrap();
    let reloaded = reloader.reload("test", ReloadOptions::default()).await;
    assert_eq!(reloaded.as_deref(), Ok("reloaded: icd10cm FY2025 (97584 codes)"));
    assert!(u099_in_force(&slot));

    // The operator may accept a smaller release on purpose.
    manifest(&scratch, None);
    std::fs::write(&order, gzip(&cut)).unwrap();
    age(&order, Duration::from_secs(60));
    age(&manifest_path, Duration::from_secs(60));
    let accepted = reloader.reload("test", ReloadOptions { allow_code_loss: true, ..Default::default() }).await;
    assert_eq!(accepted, Ok(format!("reloaded: icd10cm FY2025 ({lines_kept} codes)")));
}

#[tokio::test]
async fn reloads_start_no_sooner_than_the_minimum_interval() {
    let scratch = ScratchDir::new("reload-interval");
    let manifest_path = own_server::small_manifest(&scratch);
    age(&manifest_path, Duration::from_secs(60));
    let engine = Engine::load(&manifest_path, None).unwrap();
    let slot: SharedEngine = Arc::new(RwLock::new(Some(Arc::new(engine))));
    let policy =
        ReloadPolicy { settle: Duration::ZERO, min_interval: Duration::from_secs(60), max_code_loss_percent: 5 };
    let reloader = Reloader::new(manifest_path, None, 0, slot, policy);
    let forced = ReloadOptions { force: true, ..Default::default() };
    assert_eq!(reloader.reload("test", forced).await.as_deref(), Ok("reloaded: cpt 2026-sample (163 codes)"));
    let again = reloader.reload("test", forced).await.unwrap_err();
    assert!(again.starts_with("a reload started ") && again.contains("retry in"), "{again}");
}
