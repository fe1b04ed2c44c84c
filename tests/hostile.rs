//! A hostile but fair client, bounded in count and time, on loopback: readers that never
//! read, large requests, undecodable and oversized messages, error details that would grow
//! with the input, mis-dotted codes, silent connections. Each test reproduces a harm found
//! against an earlier build and checks it no longer happens.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod own_server;

use std::time::{Duration, Instant};

use codify::config::ServerConfig;
use codify::grpc::proto::{self, CodeSystem};
use own_server::{RunningServer, ScratchDir};
use tokio::io::AsyncReadExt;
use tonic::Code;

/// Resident memory of this process (server and client), in bytes.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).unwrap_or("VmRSS: 0 kB");
    line.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()).unwrap_or(0) * 1024
}

fn export_fy2026() -> proto::ExportCodesRequest {
    proto::ExportCodesRequest { system: CodeSystem::Icd10cm as i32, version: "FY2026".into() }
}

fn get_e119() -> proto::GetCodeRequest {
    common::get(CodeSystem::Icd10cm as i32, "E11.9", "2025-11-01")
}

/// Streams on one connection whose reader never reads: the server builds each message only
/// when asked, so they hold little memory; streams past their own limit are refused at once
/// without touching the unary calls' slots; a stalled stream gives its slot back and ends
/// with DEADLINE_EXCEEDED.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unread_streams_hold_little_and_leave_unary_calls_alone() {
    const STREAM_LIMIT: usize = 24;
    const OPENED: usize = 40;
    let mut config = ServerConfig { releases: common::manifest_path(), admin_listen: None, ..Default::default() };
    config.shutdown_delay = Duration::ZERO;
    config.transport.stream_limit = STREAM_LIMIT;
    config.transport.stream_stall_timeout = Duration::from_secs(6);
    // Every release indexed before SERVING: indexing the ended ones in the background would
    // grow memory while this test measures it.
    config.index_ended_releases_first = true;
    let server = RunningServer::start(config).await;
    let channel = common::channel(server.address).await.expect("connect");
    let mut client = proto::code_service_client::CodeServiceClient::new(channel.clone());
    // Warm up: one full export read to its end, so lazily built state is counted before.
    let mut warm = client.export_codes(export_fy2026()).await.expect("export").into_inner();
    while warm.message().await.expect("warm-up export").is_some() {}
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = resident_bytes();

    let opened_at = Instant::now();
    let mut held = Vec::new();
    let mut refused = 0;
    for _ in 0..OPENED {
        match client.export_codes(export_fy2026()).await {
            Ok(stream) => held.push(stream.into_inner()),
            Err(status) => {
                assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
                refused += 1;
            }
        }
    }
    assert!(opened_at.elapsed() < Duration::from_secs(5), "opening took {:?}", opened_at.elapsed());
    assert_eq!((held.len(), refused), (STREAM_LIMIT, OPENED - STREAM_LIMIT));
    // Unary calls keep their slots. (On another connection: this one's flow-control window
    // is full of data its own client does not read, which HTTP/2 lets no response pass.)
    let mut other =
        proto::code_service_client::CodeServiceClient::new(common::channel(server.address).await.expect("connect"));
    for _ in 0..50 {
        let code = other.get_code(get_e119()).await.expect("GetCode beside unread streams");
        assert_eq!(code.into_inner().code.and_then(|c| c.summary).map(|s| s.code), Some("E11.9".to_string()));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let grown = resident_bytes().saturating_sub(before);
    // Before the fix each unread ExportCodes stream held 5–7 MB (24 streams: ~150 MB).
    assert!(grown < 48 * 1024 * 1024, "{} unread streams grew memory by {} MB", held.len(), grown >> 20);

    // Past the stall timeout the slots are free again, and a stalled stream, once read,
    // ends with DEADLINE_EXCEEDED after what was already sent.
    tokio::time::sleep(Duration::from_secs(9)).await;
    let fresh = other.export_codes(export_fy2026()).await.expect("a stream after the stalled ones gave way");
    let first = fresh.into_inner().message().await.expect("first message");
    assert!(first.is_some_and(|message| message.release.is_some()));
    // The others are cancelled first: their unread data would otherwise keep taking the
    // connection's flow-control window as this client reads (its own doing, not the server's).
    let mut stalled = held.pop().expect("a held stream");
    drop(held);
    let read_to_end = async {
        loop {
            match stalled.message().await {
                Ok(Some(_)) => continue,
                Ok(None) => break None,
                Err(status) => break Some(status.code()),
            }
        }
    };
    let ended = tokio::time::timeout(Duration::from_secs(20), read_to_end).await.expect("the stalled stream ends");
    assert_eq!(ended, Some(Code::DeadlineExceeded));
    server.stop().await;
}

/// Requests are charged against a byte budget as they arrive: with room for two 1 MiB
/// requests, a third held open at the same time is refused at once, and a request over the
/// size limit is RESOURCE_EXHAUSTED (not OUT_OF_RANGE).
#[tokio::test]
async fn large_requests_are_held_to_a_byte_budget() {
    const MAX_REQUEST: usize = 1024 * 1024;
    let scratch = ScratchDir::new("hostile-budget");
    let mut config = own_server::small_config(&scratch);
    config.transport.max_request_bytes = MAX_REQUEST;
    config.transport.request_bytes_budget = 2 * 3 * (MAX_REQUEST + 5);
    let server = RunningServer::start(config).await;

    // A ValidateCodes request of ~0.9 MiB: 30,000 items of a 20-character code.
    let big = proto::ValidateCodesRequest {
        items: (0..30_000).map(|_| common::item(CodeSystem::Cpt as i32, "99213-AAAAAAAAAAAAAA", "")).collect(),
    };
    assert!(prost::Message::encoded_len(&big) < MAX_REQUEST);
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(hold_open(server.address, big.clone()).await);
    }
    // Let the server read both messages (their bodies stay open).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let third = hold_open(server.address, big.clone()).await;
    let refused = tokio::time::timeout(Duration::from_secs(5), third.call).await.expect("refused at once");
    assert_eq!(refused.expect("task").expect_err("over budget").code(), Code::ResourceExhausted);
    // The held ones, once their bodies end, are answered (too many items: INVALID_ARGUMENT).
    for call in held {
        drop(call.body_end);
        let answered = call.call.await.expect("task");
        assert_eq!(answered.expect_err("5,000 items at most").code(), Code::InvalidArgument);
    }

    let oversized = proto::ValidateCodesRequest {
        items: (0..60_000).map(|_| common::item(CodeSystem::Cpt as i32, "99213-AAAAAAAAAAAAAA", "")).collect(),
    };
    let mut client =
        proto::code_service_client::CodeServiceClient::new(common::channel(server.address).await.expect("connect"));
    let status = client.validate_codes(oversized).await.expect_err("over the size limit");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    server.stop().await;
}

/// A ValidateCodes call whose message is sent but whose body is held open until
/// `body_end` is dropped.
struct HeldOpen {
    body_end: tokio::sync::oneshot::Sender<()>,
    call: tokio::task::JoinHandle<Result<tonic::Response<proto::ValidateCodesResponse>, tonic::Status>>,
}

async fn hold_open(address: std::net::SocketAddr, request: proto::ValidateCodesRequest) -> HeldOpen {
    let channel = common::channel(address).await.expect("connect");
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.expect("ready");
    let (body_end, ended) = tokio::sync::oneshot::channel::<()>();
    let body = async_message_then_wait(request, ended);
    let call = tokio::spawn(async move {
        let path = tonic::codegen::http::uri::PathAndQuery::from_static("/codify.v1.CodeService/ValidateCodes");
        let codec = tonic_prost::ProstCodec::<proto::ValidateCodesRequest, proto::ValidateCodesResponse>::default();
        grpc.client_streaming(tonic::Request::new(body), path, codec).await
    });
    HeldOpen { body_end, call }
}

/// A stream of one message that ends only when `ended` fires.
fn async_message_then_wait(
    message: proto::ValidateCodesRequest,
    ended: tokio::sync::oneshot::Receiver<()>,
) -> impl tokio_stream::Stream<Item = proto::ValidateCodesRequest> + Send + 'static {
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        let _ = sender.send(message).await;
        let _ = ended.await;
        drop(sender);
    });
    tokio_stream::wrappers::ReceiverStream::new(receiver)
}

/// A message with field 1 (SearchCodes' `query`, a string) holding bytes that are not UTF-8.
#[derive(Clone, PartialEq, prost::Message)]
struct NotUtf8 {
    #[prost(bytes = "vec", tag = "1")]
    query: Vec<u8>,
}

#[tokio::test]
async fn an_undecodable_message_is_invalid_argument_without_decoder_text() {
    let address = tokio::task::spawn_blocking(common::shared_server).await.expect("shared server");
    let channel = common::channel(address).await.expect("connect");
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.expect("ready");
    let path = tonic::codegen::http::uri::PathAndQuery::from_static("/codify.v1.CodeService/SearchCodes");
    let codec = tonic_prost::ProstCodec::<NotUtf8, proto::SearchCodesResponse>::default();
    let request = tonic::Request::new(NotUtf8 { query: vec![0xff, 0xfe, 0x80] });
    let status = grpc.unary(request, path, codec).await.expect_err("not UTF-8");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.message(), codify::grpc::codec::UNDECODABLE);
}

#[tokio::test]
async fn error_details_stay_small_whatever_the_request_holds() {
    let mut client = common::client().await;
    // 5,000 items with an unknown system and a bad date: 10,000 violations.
    let items = (0..5_000)
        .map(|_| proto::ValidationItem { system: 99, code: "E11.9".into(), date_of_service: "x".repeat(40) })
        .collect();
    let status = client.validate_codes(proto::ValidateCodesRequest { items }).await.expect_err("invalid");
    assert_eq!(status.code(), Code::InvalidArgument);
    let details = tonic_types::StatusExt::get_error_details(&status);
    let listed = details.bad_request().map_or(0, |bad| bad.field_violations.len());
    assert_eq!(status.message(), format!("10000 invalid fields (the first {listed} listed)"));
    assert!((40..=100).contains(&listed), "{listed} violations listed");
    // The trailer carries the details in base64: 4/3 of their size.
    assert!(status.details().len() * 4 / 3 < 5 * 1024, "details of {} bytes", status.details().len());

    // A 1 MiB version is not echoed whole.
    let request = proto::ExportCodesRequest { system: CodeSystem::Icd10cm as i32, version: "v".repeat(1 << 20) };
    let status = client.export_codes(request).await.expect_err("no such version");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().len() < 300, "message of {} bytes", status.message().len());
    assert!(status.details().len() < 1024, "details of {} bytes", status.details().len());
}

#[tokio::test]
async fn mis_dotted_codes_are_malformed_everywhere() {
    let mut client = common::client().await;
    let bad = ["E1.19", ".E119", "E119.", "E11..9", "E11 9"];
    let items = bad.iter().map(|code| common::item(CodeSystem::Icd10cm as i32, code, "2025-11-01")).collect();
    let results = common::expect_ok(client.validate_codes(proto::ValidateCodesRequest { items }).await, "validate");
    let reasons: Vec<i32> = results.results.iter().map(|r| r.reason).collect();
    assert_eq!(reasons, vec![proto::ValidityReason::Malformed as i32; bad.len()]);
    for code in bad {
        let status = client.get_code(common::get(CodeSystem::Icd10cm as i32, code, "2025-11-01")).await;
        assert_eq!(status.expect_err(code).code(), Code::InvalidArgument, "{code}");
    }
    // Surrounding whitespace is trimmed; the dot where ICD-10-CM writes it is fine.
    let items = vec![
        common::item(CodeSystem::Icd10cm as i32, " e11.9\t", "2025-11-01"),
        common::item(CodeSystem::Icd10cm as i32, "E119", "2025-11-01"),
    ];
    let results = common::expect_ok(client.validate_codes(proto::ValidateCodesRequest { items }).await, "validate");
    assert!(results.results.iter().all(|r| r.valid), "{results:?}");
}

#[tokio::test]
async fn a_date_before_every_release_is_no_release_in_get_and_validate() {
    let mut client = common::client().await;
    let code =
        common::expect_ok(client.get_code(common::get(CodeSystem::Icd10cm as i32, "E11.9", "2016-01-01")).await, "get");
    assert_eq!(code.code.map(|c| c.status), Some(proto::CodeStatus::NoRelease as i32));
    let items = vec![common::item(CodeSystem::Icd10cm as i32, "E11.9", "2016-01-01")];
    let results = common::expect_ok(client.validate_codes(proto::ValidateCodesRequest { items }).await, "validate");
    assert_eq!(results.results[0].reason, proto::ValidityReason::NoRelease as i32);
}

/// A connection that never sends a byte is closed after the handshake timeout; one that
/// speaks is served.
#[tokio::test]
async fn silent_connections_are_closed() {
    let scratch = ScratchDir::new("hostile-silent");
    let mut config = own_server::small_config(&scratch);
    config.transport.handshake_timeout = Duration::from_millis(300);
    let server = RunningServer::start(config).await;
    let mut silent = tokio::net::TcpStream::connect(server.address).await.expect("connect");
    let started = Instant::now();
    let mut buffer = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), silent.read(&mut buffer)).await.expect("closed in time");
    // Closed by the server: end of stream (or a reset).
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    assert!(started.elapsed() >= Duration::from_millis(250), "closed after {:?}", started.elapsed());
    assert_eq!(
        common::health(server.address).await,
        Some(tonic_health::pb::health_check_response::ServingStatus::Serving)
    );
    server.stop().await;
}
