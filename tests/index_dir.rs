//! The on-disk index: built on the first start, reopened (not rebuilt) on the next start
//! with the same releases, and answering the same.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::Duration;

use codify::config::ServerConfig;

async fn first_codes_for(index_dir: &std::path::Path, query: &str) -> Vec<String> {
    let (listener, address) = common::bind_local().await;
    let config = ServerConfig {
        releases: common::manifest_path(),
        index_dir: Some(index_dir.to_path_buf()),
        admin_listen: None,
        shutdown_delay: std::time::Duration::ZERO,
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(codify::serve(config, listener, async {
        let _ = stopped.await;
    }));
    common::wait_until_serving(address, Duration::from_secs(120)).await.expect("serving");
    let channel = common::channel(address).await.expect("connect");
    let mut client = codify::grpc::proto::code_service_client::CodeServiceClient::new(channel);
    let response = client.search_codes(common::search(query)).await.expect("search").into_inner();
    let _ = stop.send(());
    server.await.expect("server task").expect("clean stop");
    common::codes(&response)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_directory_is_built_once_then_reopened() {
    let dir = std::env::temp_dir().join(format!("codify-index-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let built = first_codes_for(&dir, "type 2 diabetes").await;
    let fingerprint = dir.join("codify-catalog-fingerprint");
    let recorded = std::fs::read_to_string(&fingerprint).expect("fingerprint written");
    let modified = std::fs::metadata(&fingerprint).unwrap().modified().unwrap();
    let reopened = first_codes_for(&dir, "type 2 diabetes").await;
    assert_eq!(built, reopened);
    assert_eq!(built.first().map(String::as_str), Some("E11.9"));
    // Reopened, not rebuilt: the fingerprint file was left as it was.
    assert_eq!(std::fs::read_to_string(&fingerprint).unwrap(), recorded);
    assert_eq!(std::fs::metadata(&fingerprint).unwrap().modified().unwrap(), modified);
    let _ = std::fs::remove_dir_all(&dir);
}
