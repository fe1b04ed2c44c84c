//! Test harness: one real Codify server per test binary, loaded from the real embedded
//! CMS/AMA data, shared by every test through a fresh gRPC channel per test.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use codify::config::ServerConfig;
use codify::grpc::proto::code_service_client::CodeServiceClient;
use codify::grpc::proto::{self, CodeSystem};
use tonic::transport::Channel;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

/// Name the code service reports health under.
pub const SERVICE_NAME: &str = "codify.v1.CodeService";
/// How long the shared server may take to load and index the releases.
const STARTUP_LIMIT: Duration = Duration::from_secs(120);
/// Interval between health checks while waiting.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Address of the shared server, or why it could not start.
static SHARED_SERVER: OnceLock<Result<SocketAddr, String>> = OnceLock::new();

/// The real release manifest of the repository.
pub fn manifest_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/releases.json")
}

/// Server settings loading the real manifest.
pub fn real_config() -> ServerConfig {
    ServerConfig { releases: manifest_path(), shutdown_delay: Duration::ZERO, ..Default::default() }
}

/// Address of the shared server, starting it on first use (blocks until it is SERVING).
pub fn shared_server() -> SocketAddr {
    match SHARED_SERVER.get_or_init(start_shared_server) {
        Ok(address) => *address,
        Err(reason) => panic!("shared test server unavailable: {reason}"),
    }
}

/// Starts the shared server on its own thread and runtime; returns once health is SERVING.
fn start_shared_server() -> Result<SocketAddr, String> {
    let (ready_sender, ready_receiver) = std::sync::mpsc::channel::<Result<SocketAddr, String>>();
    std::thread::Builder::new()
        .name("codify-test-server".to_string())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(error) => {
                    let _ = ready_sender.send(Err(format!("cannot build the server runtime: {error}")));
                    return;
                }
            };
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                    Ok(listener) => listener,
                    Err(error) => {
                        let _ = ready_sender.send(Err(format!("cannot bind 127.0.0.1:0: {error}")));
                        return;
                    }
                };
                let address = listener.local_addr().expect("bound listener has an address");
                let mut server = tokio::spawn(codify::serve(real_config(), listener, std::future::pending::<()>()));
                let ready = tokio::select! {
                    outcome = &mut server => Err(format!("server stopped during start-up: {outcome:?}")),
                    serving = wait_until_serving(address, STARTUP_LIMIT) => serving.map(|()| address),
                };
                let failed = ready.is_err();
                let _ = ready_sender.send(ready);
                if failed {
                    return;
                }
                let outcome = server.await;
                eprintln!("shared test server stopped: {outcome:?}");
            });
        })
        .map_err(|error| format!("cannot spawn the server thread: {error}"))?;
    ready_receiver.recv().map_err(|_| "server thread ended without reporting".to_string())?
}

/// A channel to `address` (no retry).
pub async fn channel(address: SocketAddr) -> Result<Channel, tonic::transport::Error> {
    Channel::from_shared(format!("http://{address}")).expect("valid uri").connect().await
}

/// The health of the code service at `address`, or `None` when it cannot be asked.
pub async fn health(address: SocketAddr) -> Option<ServingStatus> {
    let channel = channel(address).await.ok()?;
    let response =
        HealthClient::new(channel).check(HealthCheckRequest { service: SERVICE_NAME.to_string() }).await.ok()?;
    ServingStatus::try_from(response.into_inner().status).ok()
}

/// Polls health every 50 ms until the code service is SERVING, or fails after `limit`.
pub async fn wait_until_serving(address: SocketAddr, limit: Duration) -> Result<(), String> {
    let started = Instant::now();
    let mut last = None;
    while started.elapsed() < limit {
        last = health(address).await;
        if last == Some(ServingStatus::Serving) {
            return Ok(());
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
    Err(format!("{SERVICE_NAME} at {address} not SERVING after {limit:?} (last health: {last:?})"))
}

/// A client of the shared server on a fresh channel (each test has its own runtime).
pub async fn client() -> CodeServiceClient<Channel> {
    let address = tokio::task::spawn_blocking(shared_server).await.expect("server start-up panicked");
    let channel = channel(address).await.expect("connect to the shared server");
    CodeServiceClient::new(channel).max_decoding_message_size(64 * 1024 * 1024)
}

/// A listener on a fresh local port, for tests that run servers of their own.
pub async fn bind_local() -> (tokio::net::TcpListener, SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let address = listener.local_addr().expect("bound listener has an address");
    (listener, address)
}

// ---- request builders -------------------------------------------------------------------

pub const ICD: i32 = CodeSystem::Icd10cm as i32;
pub const HCPCS: i32 = CodeSystem::Hcpcs as i32;
pub const CPT: i32 = CodeSystem::Cpt as i32;
pub const PCS: i32 = CodeSystem::Icd10pcs as i32;

/// A search for `query` with every other field at its default.
pub fn search(query: &str) -> proto::SearchCodesRequest {
    proto::SearchCodesRequest { query: query.to_string(), ..Default::default() }
}

/// A GetCode request.
pub fn get(system: i32, code: &str, as_of: &str) -> proto::GetCodeRequest {
    proto::GetCodeRequest { system, code: code.to_string(), as_of: as_of.to_string() }
}

/// A validation item.
pub fn item(system: i32, code: &str, date_of_service: &str) -> proto::ValidationItem {
    proto::ValidationItem { system, code: code.to_string(), date_of_service: date_of_service.to_string() }
}

/// A ListChildren request for one page.
pub fn children(system: i32, parent: &str, as_of: &str, page_size: i32) -> proto::ListChildrenRequest {
    proto::ListChildrenRequest {
        system,
        parent: parent.to_string(),
        as_of: as_of.to_string(),
        page_size,
        page_token: String::new(),
    }
}

// ---- response helpers -------------------------------------------------------------------

/// Display codes of search results, in order.
pub fn codes(response: &proto::SearchCodesResponse) -> Vec<String> {
    response.results.iter().map(|result| summary(result).code.clone()).collect()
}

/// The summary of a search result.
pub fn summary(result: &proto::SearchResult) -> &proto::CodeSummary {
    result.code.as_ref().expect("search result has a code")
}

/// The match type of a search result.
pub fn match_type(result: &proto::SearchResult) -> proto::MatchType {
    proto::MatchType::try_from(result.match_type).expect("known match type")
}

/// Ids of hierarchy children, in order.
pub fn child_ids(response: &proto::ListChildrenResponse) -> Vec<String> {
    response.children.iter().map(|child| child.id.clone()).collect()
}

/// Ids of hierarchy steps, in order.
pub fn step_ids(steps: &[proto::HierarchyStep]) -> Vec<String> {
    steps.iter().map(|step| step.id.clone()).collect()
}

/// Asserts `status` is INVALID_ARGUMENT with exactly these BadRequest fields (in order).
pub fn assert_invalid_fields(status: &tonic::Status, fields: &[&str]) {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "status: {status:?}");
    let bad_request = status.get_details_bad_request().unwrap_or_else(|| panic!("no BadRequest detail in {status:?}"));
    let found: Vec<&str> = bad_request.field_violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(found, fields, "field violations of {status:?}");
    for violation in &bad_request.field_violations {
        assert!(!violation.description.is_empty(), "violation without description: {violation:?}");
    }
}

/// The message of a successful call, or a panic naming the call and the status.
pub fn expect_ok<T>(result: Result<tonic::Response<T>, tonic::Status>, what: &str) -> T {
    match result {
        Ok(response) => response.into_inner(),
        Err(status) => panic!("{what} failed: {status:?}"),
    }
}

/// A date on which every loaded system has a release in force (ICD-10-CM FY2026, HCPCS
/// 2025-10, CPT 2026-sample), so results do not depend on the day the suite runs.
pub const IN_FORCE: &str = "2026-06-01";

/// Today's date (UTC), as the server fills in empty dates.
pub fn today() -> String {
    codify::codes::Date::today_utc().to_string()
}

/// Every result of a search, following next_page_token to the end (at most `max_pages`).
pub async fn search_all(
    client: &mut CodeServiceClient<Channel>,
    mut request: proto::SearchCodesRequest,
    max_pages: usize,
) -> Vec<proto::SearchResult> {
    let mut results = Vec::new();
    for _ in 0..max_pages {
        let page = expect_ok(client.search_codes(request.clone()).await, "search page");
        results.extend(page.results);
        if page.next_page_token.is_empty() {
            return results;
        }
        request.page_token = page.next_page_token;
    }
    panic!("search {:?} has more than {max_pages} pages", request.query);
}

// ---- SuggestCodes helpers ---------------------------------------------------------------

/// SuggestCodes on the shared server, which must answer OK.
pub async fn suggest(request: proto::SuggestCodesRequest) -> proto::SuggestCodesResponse {
    let mut client = client().await;
    expect_ok(client.suggest_codes(request).await, "SuggestCodes")
}

/// Display codes of the suggestions, in order.
pub fn suggested_codes(response: &proto::SuggestCodesResponse) -> Vec<String> {
    response.suggestions.iter().filter_map(|s| s.code.as_ref().map(|c| c.code.clone())).collect()
}

/// The tab-separated lines of a judged-set file under `tests/data/` (no comments, no blanks).
pub fn judged_lines(file: &str) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// A comma-separated code list of a judged-set field.
pub fn code_list(field: &str) -> Vec<String> {
    field.split(',').map(str::trim).filter(|code| !code.is_empty()).map(str::to_string).collect()
}
