//! Rolling restart: a bounded client load runs against instance A while a second instance B
//! starts and A is told to stop (as by SIGTERM). A's readiness turns NOT_SERVING first, its
//! calls in flight complete, and a client that retries once on UNAVAILABLE (or a broken
//! connection) onto B sees no failed call.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod own_server;

use std::error::Error as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use codify::grpc::proto::code_service_client::CodeServiceClient;
use codify::grpc::proto::GetCodeRequest;
use common::{get, CPT, IN_FORCE};
use own_server::{small_config, RunningServer, ScratchDir};
use tonic::transport::Channel;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;

/// Concurrent client streams.
const CLIENTS: usize = 8;
/// How long the load runs.
const LOAD_TIME: Duration = Duration::from_secs(2);
/// When A is told to stop, after the load starts.
const STOP_AFTER: Duration = Duration::from_millis(500);
/// A's delay between NOT_SERVING and refusing new calls.
const SHUTDOWN_DELAY: Duration = Duration::from_millis(500);

/// What one client stream saw.
#[derive(Debug, Default)]
struct Tally {
    answered: usize,
    retried: usize,
    failed: Vec<String>,
}

/// Whether a failed call is one a client with standard gRPC retry would retry elsewhere:
/// UNAVAILABLE from the server, or a connection-level failure on the client (a transport
/// error as source, e.g. a call queued on a connection that closed before sending it).
fn retriable(status: &tonic::Status) -> bool {
    status.code() == Code::Unavailable || status.source().is_some_and(|source| source.is::<tonic::transport::Error>())
}

async fn one_client(primary: Channel, standby: SocketAddr, request: GetCodeRequest) -> Tally {
    let mut tally = Tally::default();
    let mut client = CodeServiceClient::new(primary);
    let mut on_standby = false;
    let started = Instant::now();
    while started.elapsed() < LOAD_TIME {
        let status = match client.get_code(request.clone()).await {
            Ok(_) => {
                tally.answered += 1;
                tokio::time::sleep(Duration::from_millis(1)).await;
                continue;
            }
            Err(status) => status,
        };
        if on_standby || !retriable(&status) {
            tally.failed.push(format!("{status:?}"));
            continue;
        }
        // Retry once, on the other instance, and stay there.
        tally.retried += 1;
        on_standby = true;
        client = CodeServiceClient::new(common::channel(standby).await.expect("connect to B"));
        match client.get_code(request.clone()).await {
            Ok(_) => tally.answered += 1,
            Err(status) => tally.failed.push(format!("retry: {status:?}")),
        }
    }
    tally
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_restart_loses_no_call() {
    let scratch = ScratchDir::new("restart");
    let mut config_a = small_config(&scratch);
    config_a.shutdown_delay = SHUTDOWN_DELAY;
    let mut server_a = RunningServer::start(config_a).await;
    let address_a = server_a.address;

    let outcome = tokio::time::timeout(Duration::from_secs(60), async {
        let request = get(CPT, "99213", IN_FORCE);
        let primary = common::channel(address_a).await.expect("connect to A");
        let mut health_a =
            tonic_health::pb::health_client::HealthClient::new(common::channel(address_a).await.expect("connect"));

        // B starts while A serves; the load starts on A.
        let server_b = RunningServer::start(small_config(&scratch)).await;
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| tokio::spawn(one_client(primary.clone(), server_b.address, request.clone())))
            .collect();
        tokio::time::sleep(STOP_AFTER).await;

        // A is told to stop: readiness turns NOT_SERVING while calls are still answered.
        server_a.signal_stop();
        let mut readiness = Vec::new();
        while readiness.len() < 500 {
            let check = tonic_health::pb::HealthCheckRequest { service: common::SERVICE_NAME.to_string() };
            let status = match health_a.check(check).await {
                Ok(response) => ServingStatus::try_from(response.into_inner().status).ok(),
                Err(_) => None,
            };
            readiness.push(status);
            if status != Some(ServingStatus::Serving) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(readiness.last(), Some(&Some(ServingStatus::NotServing)), "A's readiness: {readiness:?}");
        let mut direct = CodeServiceClient::new(primary.clone());
        direct.get_code(request.clone()).await.expect("A still answers during its shutdown delay");

        let mut total = Tally::default();
        for client in clients {
            let tally = client.await.expect("client task");
            total.answered += tally.answered;
            total.retried += tally.retried;
            total.failed.extend(tally.failed);
        }
        assert!(total.failed.is_empty(), "failed calls: {:?}", total.failed);
        assert!(total.answered > CLIENTS, "the load ran: {total:?}");
        assert_eq!(total.retried, CLIENTS, "each client moved to B once A closed: {total:?}");
        eprintln!("rolling restart: {} calls answered, {} retried onto B", total.answered, total.retried);

        // A has drained and stopped; B carries on.
        let stopped = tokio::time::timeout(Duration::from_secs(30), &mut server_a.task).await;
        stopped.expect("A stops").expect("A's task").expect("A's serve returns Ok");
        assert!(common::channel(address_a).await.is_err(), "A refuses new connections once stopped");
        let mut on_b = CodeServiceClient::new(common::channel(server_b.address).await.expect("connect to B"));
        on_b.get_code(request.clone()).await.expect("B answers");
        server_b.stop().await;
    })
    .await;
    outcome.expect("rolling restart test finishes within 60 s");
}
