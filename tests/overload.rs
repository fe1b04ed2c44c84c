//! Load shedding: with the concurrency limit reached, every further call is refused at once
//! with RESOURCE_EXHAUSTED (it does not wait for the admitted ones), refused floods do not grow
//! memory, health still answers, admitted calls succeed, and the server serves normally
//! afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod own_server;

use std::time::Duration;

use codify::grpc::proto::code_service_client::CodeServiceClient;
use codify::grpc::proto::{SearchCodesRequest, SearchCodesResponse};
use common::search;
use own_server::{small_config, RunningServer, ScratchDir};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tonic::transport::Channel;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;

/// Calls admitted at once.
const LIMIT: usize = 8;
/// Calls fired at once in a flood.
const FLOOD: usize = 200;
/// Channels (connections) a flood is spread over, to stay under HTTP/2 stream limits.
const FLOOD_CHANNELS: usize = 4;
/// Floods sent while saturated.
const SATURATED_FLOODS: usize = 5;
/// Most the resident memory of this process (client and server) may grow over those floods.
const MEMORY_GROWTH_LIMIT: u64 = 64 * 1024 * 1024;

/// Resident memory of this process, in bytes (Linux; `None` elsewhere).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// A search held open on the server: its request message is held back, so the call is
/// admitted (headers received) but cannot be answered until the message is sent.
struct HeldCall {
    message: mpsc::Sender<SearchCodesRequest>,
    call: JoinHandle<Result<tonic::Response<SearchCodesResponse>, tonic::Status>>,
}

async fn hold_call(channel: Channel) -> HeldCall {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.expect("channel ready");
    let (message, messages) = mpsc::channel::<SearchCodesRequest>(1);
    let body = tokio_stream::wrappers::ReceiverStream::new(messages);
    let call = tokio::spawn(async move {
        let path = tonic::codegen::http::uri::PathAndQuery::from_static("/codify.v1.CodeService/SearchCodes");
        let codec = tonic_prost::ProstCodec::<SearchCodesRequest, SearchCodesResponse>::default();
        grpc.client_streaming(tonic::Request::new(body), path, codec).await
    });
    HeldCall { message, call }
}

/// Fires `FLOOD` searches at once over `channels`; returns their status codes.
async fn flood(channels: &[Channel]) -> Vec<Code> {
    let calls: Vec<_> = (0..FLOOD)
        .map(|index| {
            let mut client = CodeServiceClient::new(channels[index % channels.len()].clone());
            tokio::spawn(async move {
                match client.search_codes(search("office visit")).await {
                    Ok(_) => Code::Ok,
                    Err(status) => status.code(),
                }
            })
        })
        .collect();
    let mut codes = Vec::with_capacity(FLOOD);
    for call in calls {
        codes.push(call.await.expect("call task"));
    }
    codes
}

fn count(codes: &[Code], code: Code) -> usize {
    codes.iter().filter(|c| **c == code).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excess_calls_are_shed_at_once_and_the_server_recovers() {
    let scratch = ScratchDir::new("overload");
    let mut config = small_config(&scratch);
    config.transport.concurrency_limit = LIMIT;
    let server = RunningServer::start(config).await;
    let address = server.address;

    let outcome = tokio::time::timeout(Duration::from_secs(60), async {
        // Fill every slot with calls that stay open until told to finish.
        let held_channel = common::channel(address).await.expect("connect");
        let mut held = Vec::new();
        for _ in 0..LIMIT {
            held.push(hold_call(held_channel.clone()).await);
        }
        let mut probe = CodeServiceClient::new(common::channel(address).await.expect("connect"));
        let mut saturated = false;
        for _ in 0..500 {
            // A held call that arrived while a probe had a slot was refused: hold another.
            for slot in held.iter_mut() {
                if slot.call.is_finished() {
                    *slot = hold_call(held_channel.clone()).await;
                }
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            match probe.search_codes(search("office visit")).await {
                Err(status) if status.code() == Code::ResourceExhausted => {
                    saturated = true;
                    break;
                }
                _ => {}
            }
        }
        assert!(saturated, "the held calls fill the {LIMIT} slots");

        // Every call of every flood is refused, none waits for a held call to finish, and the
        // refused calls leave no memory behind.
        let mut channels = Vec::new();
        for _ in 0..FLOOD_CHANNELS {
            channels.push(common::channel(address).await.expect("connect"));
        }
        let codes = flood(&channels).await;
        assert_eq!(count(&codes, Code::ResourceExhausted), FLOOD, "codes while saturated: {codes:?}");
        let before = resident_bytes();
        for _ in 1..SATURATED_FLOODS {
            let codes = flood(&channels).await;
            assert_eq!(count(&codes, Code::ResourceExhausted), FLOOD, "codes while saturated: {codes:?}");
        }
        if let (Some(before), Some(after)) = (before, resident_bytes()) {
            let growth = after.saturating_sub(before);
            assert!(
                growth < MEMORY_GROWTH_LIMIT,
                "resident memory grew by {growth} bytes over {} refused calls",
                FLOOD * (SATURATED_FLOODS - 1)
            );
        }
        assert_eq!(common::health(address).await, Some(ServingStatus::Serving), "probes answer while saturated");
        assert!(held.iter().all(|held| !held.call.is_finished()), "held calls are still open");

        // The admitted calls finish normally.
        for held in held {
            held.message.send(search("office visit")).await.expect("held call still open");
            drop(held.message);
            let response = held.call.await.expect("call task").expect("admitted call succeeds").into_inner();
            assert!(!response.results.is_empty(), "admitted search has results");
        }

        // A flood with free slots: every call either answered or shed, some answered.
        let codes = flood(&channels).await;
        let answered = count(&codes, Code::Ok);
        let shed = count(&codes, Code::ResourceExhausted);
        assert_eq!(answered + shed, FLOOD, "only OK or RESOURCE_EXHAUSTED: {codes:?}");
        assert!(answered >= 1, "some calls of the flood are admitted");

        // Recovered: calls one at a time all succeed.
        let mut client = CodeServiceClient::new(channels[0].clone());
        for _ in 0..20 {
            let response = client.search_codes(search("office visit")).await.expect("served after the flood");
            assert!(!response.into_inner().results.is_empty());
        }
    })
    .await;
    outcome.expect("overload test finishes within 60 s");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_past_its_deadline_ends_and_frees_its_slot() {
    let scratch = ScratchDir::new("deadline");
    let mut config = small_config(&scratch);
    config.transport.concurrency_limit = 1;
    let server = RunningServer::start(config).await;
    let channel = common::channel(server.address).await.expect("connect");

    // A call whose message never comes, with a 300 ms `grpc-timeout`: the server ends it.
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.expect("channel ready");
    let (message, messages) = mpsc::channel::<SearchCodesRequest>(1);
    let mut request = tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(messages));
    request.set_timeout(Duration::from_millis(300));
    let path = tonic::codegen::http::uri::PathAndQuery::from_static("/codify.v1.CodeService/SearchCodes");
    let codec = tonic_prost::ProstCodec::<SearchCodesRequest, SearchCodesResponse>::default();
    let outcome = tokio::time::timeout(Duration::from_secs(20), grpc.client_streaming(request, path, codec))
        .await
        .expect("the server ends the call at its deadline");
    let status = outcome.expect_err("a call past its deadline fails");
    assert!(matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled), "status: {status:?}");
    drop(message);

    // Its slot is free again (the server drops the call just after answering: poll briefly).
    let mut client = CodeServiceClient::new(channel);
    let mut last = None;
    for _ in 0..100 {
        match client.search_codes(search("office visit")).await {
            Ok(response) => {
                last = Some(Code::Ok);
                assert!(!response.into_inner().results.is_empty());
                break;
            }
            Err(status) => last = Some(status.code()),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(last, Some(Code::Ok), "the only slot is free again");
    server.stop().await;
}
