//! Server lifecycle with servers of their own (not the shared one): a broken release file
//! stops start-up with the file, line and reason; health is NOT_SERVING while loading and
//! as soon as shutdown starts; calls in flight finish while the server drains.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod own_server;

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use codify::config::ServerConfig;
use codify::grpc::proto::code_service_client::CodeServiceClient;
use codify::grpc::proto::{ListReleasesRequest, ListReleasesResponse, ValidateCodesRequest};
use common::{expect_ok, item, CPT, IN_FORCE, SERVICE_NAME};
use own_server::{small_manifest, ScratchDir};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

fn data_dir() -> PathBuf {
    common::manifest_path().parent().expect("data directory").to_path_buf()
}

fn config(manifest: &Path, shutdown_delay: Duration) -> ServerConfig {
    ServerConfig {
        releases: manifest.to_path_buf(),
        shutdown_delay,
        drain_timeout: Duration::from_secs(10),
        ..Default::default()
    }
}

async fn health_of(client: &mut HealthClient<tonic::transport::Channel>, service: &str) -> Option<ServingStatus> {
    let request = HealthCheckRequest { service: service.to_string() };
    let response = client.check(request).await.ok()?;
    ServingStatus::try_from(response.into_inner().status).ok()
}

async fn code_client(address: SocketAddr) -> CodeServiceClient<tonic::transport::Channel> {
    CodeServiceClient::new(common::channel(address).await.expect("connect"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_release_file_stops_start_up_with_file_line_and_reason() {
    let scratch = ScratchDir::new("lifecycle-broken");
    let mut order_text = String::new();
    let gz = std::fs::File::open(data_dir().join("icd10cm/icd10cm_order_2025.txt.gz")).expect("order file");
    flate2::read::GzDecoder::new(gz).take(4_000).read_to_string(&mut order_text).expect("gunzip");
    let mut lines: Vec<String> = order_text.lines().take(5).map(str::to_string).collect();
    assert_eq!(&lines[2][..15], "00003 A001    1", "line 3 as the CMS file has it");
    lines[2].replace_range(14..15, "7");
    let order = scratch.write("order.txt", lines.join("\r\n") + "\r\n");
    let manifest = serde_json::json!({
        "releases": [{
            "system": "icd10cm",
            "version": "FY2025",
            "effective_from": "2024-10-01",
            "format": "icd10cm-order",
            "path": "order.txt",
        }]
    });
    let manifest_path = scratch.write("releases.json", manifest.to_string());

    let (listener, _address) = common::bind_local().await;
    let outcome = tokio::time::timeout(
        Duration::from_secs(60),
        codify::serve(config(&manifest_path, Duration::ZERO), listener, std::future::pending::<()>()),
    )
    .await
    .expect("serve gives up on a broken release");
    let error = outcome.expect_err("a broken release file is refused");
    assert_eq!(
        error.to_string(),
        format!(
            "release load failed: {}:3: bad flag \"7\" for A001 (column 15: 0 header, 1 billable)",
            order.display()
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_not_serving_while_loading_and_calls_are_unavailable() {
    let (listener, address) = common::bind_local().await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(codify::serve(common::real_config(), listener, async {
        let _ = stopped.await;
    }));
    let mut health = HealthClient::new(common::channel(address).await.expect("connect"));
    // Loading and indexing the real releases takes seconds; the first answers come before.
    assert_eq!(health_of(&mut health, SERVICE_NAME).await, Some(ServingStatus::NotServing));
    assert_eq!(health_of(&mut health, "").await, Some(ServingStatus::NotServing));
    let mut client = code_client(address).await;
    let status = client.list_releases(ListReleasesRequest::default()).await.expect_err("still loading");
    assert_eq!(status.code(), tonic::Code::Unavailable);

    common::wait_until_serving(address, Duration::from_secs(120)).await.expect("serving after load");
    assert_eq!(health_of(&mut health, "").await, Some(ServingStatus::Serving));
    let releases = expect_ok(client.list_releases(ListReleasesRequest::default()).await, "releases");
    assert_eq!(releases.releases.len(), 7);

    stop.send(()).expect("server still running");
    server.await.expect("server task").expect("serve returns Ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_turns_health_not_serving_then_serve_returns_ok() {
    let scratch = ScratchDir::new("lifecycle-shutdown");
    let manifest = small_manifest(&scratch);
    let (listener, address) = common::bind_local().await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(codify::serve(config(&manifest, Duration::from_secs(1)), listener, async {
        let _ = stopped.await;
    }));
    common::wait_until_serving(address, Duration::from_secs(60)).await.expect("serving");
    let mut health = HealthClient::new(common::channel(address).await.expect("connect"));
    assert_eq!(health_of(&mut health, "").await, Some(ServingStatus::Serving));
    let mut client = code_client(address).await;
    let releases = expect_ok(client.list_releases(ListReleasesRequest::default()).await, "releases");
    let versions: Vec<&str> = releases.releases.iter().map(|r| r.version.as_str()).collect();
    assert_eq!(versions, ["2026-sample"]);

    stop.send(()).expect("server still running");
    let mut seen = Vec::new();
    while seen.len() < 200 {
        let now = health_of(&mut health, SERVICE_NAME).await;
        seen.push(now);
        if now != Some(ServingStatus::Serving) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(seen.last(), Some(&Some(ServingStatus::NotServing)), "health after shutdown started: {seen:?}");
    assert_eq!(health_of(&mut health, "").await, Some(ServingStatus::NotServing));
    // Until the shutdown delay is over, calls are still answered.
    let answer = client.validate_codes(ValidateCodesRequest { items: vec![item(CPT, "99213", IN_FORCE)] }).await;
    assert_eq!(expect_ok(answer, "validate while draining").valid_count, 1);

    let outcome = tokio::time::timeout(Duration::from_secs(60), server).await.expect("serve returns");
    outcome.expect("server task").expect("serve returns Ok");
    assert!(common::channel(address).await.is_err(), "no new connections once stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_in_flight_completes_while_draining() {
    let scratch = ScratchDir::new("lifecycle-drain");
    let manifest = small_manifest(&scratch);
    let (listener, address) = common::bind_local().await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(codify::serve(config(&manifest, Duration::ZERO), listener, async {
        let _ = stopped.await;
    }));
    common::wait_until_serving(address, Duration::from_secs(60)).await.expect("serving");

    // A unary call whose request message is held back: the call is open on the server
    // (headers sent) but cannot be answered until the message arrives.
    let channel = common::channel(address).await.expect("connect");
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.expect("channel ready");
    let (message_sender, message_receiver) = tokio::sync::mpsc::channel::<ListReleasesRequest>(1);
    let body = tokio_stream::wrappers::ReceiverStream::new(message_receiver);
    let call = tokio::spawn(async move {
        let path = tonic::codegen::http::uri::PathAndQuery::from_static("/codify.v1.CodeService/ListReleases");
        let codec = tonic_prost::ProstCodec::<ListReleasesRequest, ListReleasesResponse>::default();
        grpc.client_streaming(tonic::Request::new(body), path, codec).await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    stop.send(()).expect("server still running");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!server.is_finished(), "the server waits for the open call");
    message_sender.send(ListReleasesRequest::default()).await.expect("call still open");
    drop(message_sender);

    let response = call.await.expect("call task").expect("the call in flight is answered").into_inner();
    let versions: Vec<&str> = response.releases.iter().map(|r| r.version.as_str()).collect();
    assert_eq!(versions, ["2026-sample"]);
    let outcome = tokio::time::timeout(Duration::from_secs(60), server).await.expect("serve returns");
    outcome.expect("server task").expect("serve returns Ok");
}
