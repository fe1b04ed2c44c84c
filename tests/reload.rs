//! Hot reload under load: a release added to the manifest is loaded and swapped in while
//! calls keep flowing (zero failures, answers switch only after the swap); a refused
//! release file leaves the running releases in place.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use codify::config::ServerConfig;
use codify::grpc::proto::{self, CodeSystem};

fn data(relative: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data").join(relative).display().to_string()
}

fn manifest(releases: &[(&str, &str, &str, &str)]) -> String {
    let entries: Vec<String> = releases
        .iter()
        .map(|(version, from, format, path)| {
            format!(
                r#"{{"system": "hcpcs", "version": "{version}", "effective_from": "{from}", "format": "{format}", "path": "{path}"}}"#
            )
        })
        .collect();
    format!(r#"{{"releases": [{}]}}"#, entries.join(", "))
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write test file");
}

async fn release_versions(
    client: &mut proto::code_service_client::CodeServiceClient<tonic::transport::Channel>,
) -> Vec<String> {
    let response = client.list_releases(proto::ListReleasesRequest::default()).await.expect("ListReleases");
    response.into_inner().releases.into_iter().map(|r| r.version).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_release_swaps_in_under_load_and_a_bad_one_is_refused() {
    let dir = std::env::temp_dir().join(format!("codify-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let manifest_path = dir.join("releases.json");
    let hcpcs_2020 = data("hcpcs/HCPC2020_ANWEB_w_disclaimer.txt.gz");
    let hcpcs_2025 = data("hcpcs/HCPC2025_OCT_ANWEB.xlsx");
    write(&manifest_path, &manifest(&[("2020", "2020-01-01", "hcpcs-fixed", &hcpcs_2020)]));

    let (listener, address) = common::bind_local().await;
    let config = ServerConfig {
        releases: manifest_path.clone(),
        reload_interval: Duration::from_millis(100),
        reload_settle: Duration::ZERO,
        reload_min_interval: Duration::ZERO,
        admin_listen: None,
        shutdown_delay: std::time::Duration::ZERO,
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(codify::serve(config, listener, async {
        let _ = stopped.await;
    }));
    common::wait_until_serving(address, Duration::from_secs(60)).await.expect("serving");

    // Load: GetCode of a 2020 code and ListReleases, from several tasks, until told to stop.
    let running = Arc::new(AtomicBool::new(true));
    let failures = Arc::new(AtomicUsize::new(0));
    let calls = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (running, failures, calls) = (running.clone(), failures.clone(), calls.clone());
        let channel = common::channel(address).await.expect("connect");
        tasks.push(tokio::spawn(async move {
            let mut client = proto::code_service_client::CodeServiceClient::new(channel);
            let mut seen_counts = Vec::new();
            while running.load(Ordering::Relaxed) {
                let request = proto::GetCodeRequest {
                    system: CodeSystem::Hcpcs as i32,
                    code: "A4466".into(),
                    as_of: "2021-01-01".into(),
                };
                if client.get_code(request).await.is_err() {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
                match client.list_releases(proto::ListReleasesRequest::default()).await {
                    Ok(response) => seen_counts.push(response.into_inner().releases.len()),
                    Err(_) => {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
                calls.fetch_add(2, Ordering::Relaxed);
            }
            seen_counts
        }));
    }

    let mut client = proto::code_service_client::CodeServiceClient::new(common::channel(address).await.unwrap());
    assert_eq!(release_versions(&mut client).await, ["2020"]);

    // A second release appears in the manifest: it is loaded and swapped in.
    write(
        &manifest_path,
        &manifest(&[
            ("2020", "2020-01-01", "hcpcs-fixed", &hcpcs_2020),
            ("2025-10", "2025-10-01", "hcpcs-xlsx", &hcpcs_2025),
        ]),
    );
    let started = Instant::now();
    while release_versions(&mut client).await.len() < 2 {
        assert!(started.elapsed() < Duration::from_secs(60), "new release not swapped in");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(release_versions(&mut client).await, ["2020", "2025-10"]);

    // A malformed release file: refused, the running releases stay.
    let bad = dir.join("HCPC2026_JAN_ANWEB.txt");
    // A continuation line with no first line before it: the loader refuses the file.
    write(&bad, "A0021002004continuation of nothing\n");
    write(
        &manifest_path,
        &manifest(&[
            ("2020", "2020-01-01", "hcpcs-fixed", &hcpcs_2020),
            ("2025-10", "2025-10-01", "hcpcs-xlsx", &hcpcs_2025),
            ("2026-01", "2026-01-01", "hcpcs-fixed", &bad.display().to_string()),
        ]),
    );
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(release_versions(&mut client).await, ["2020", "2025-10"]);

    running.store(false, Ordering::Relaxed);
    let mut all_counts = Vec::new();
    for task in tasks {
        all_counts.push(task.await.expect("load task"));
    }
    assert_eq!(failures.load(Ordering::Relaxed), 0, "failed calls during reloads");
    assert!(calls.load(Ordering::Relaxed) > 20, "the load ran");
    for counts in &all_counts {
        // Each client sees one release, then two, never back: answers switch once, at the swap.
        assert!(counts.windows(2).all(|pair| pair[0] <= pair[1]), "{counts:?}");
        assert!(counts.iter().all(|&count| count == 1 || count == 2), "{counts:?}");
    }
    let _ = stop.send(());
    server.await.expect("server task").expect("server stopped cleanly");
    let _ = std::fs::remove_dir_all(&dir);
}
