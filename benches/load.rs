//! Load benchmark of the running server over real gRPC: requests/s and latency
//! percentiles at 1, 16 and 64 concurrent streams for SearchCodes (the judged query set as
//! a realistic mix), GetCode, ValidateCodes (100 codes per call), CheckClaim (a claim of 12
//! diagnoses and 20 service lines, every rule set) and the health Check on the same server as
//! the floor. Every call is checked to be OK. The FHIR rows run the same work over the HTTP
//! port (HTTP/1.1, one keep-alive connection per stream): `ValueSet/$expand` with the judged
//! queries as `filter` and `count=10` (SearchCodes' page), against both servers, and
//! `CodeSystem/$validate-code` of one code beside `ValidateCodes` of one code. SuggestCodes
//! codes the criterion bench's dense 400-word note (`benches/common/dense_note.rs`).
//!
//! SearchCodes runs twice: against the server as configured by default (the page cache on,
//! so the repeating mix is mostly answered from memory, as repeated typeahead traffic is)
//! and against a second server with the page cache off, where every call searches the index.
//!
//! Measured calls send encoded requests and read each response in full without decoding its
//! message, as h2load does: decoding a page of ten results cost this client more than the
//! health check costs the server, on the same two cores, and is no part of the server's work.
//! A call counts only with grpc-status OK and a non-empty message. The warm-up before each
//! cell decodes every response and checks it (ValidateCodes: 100 results).
//!
//! The floor is noisier than the RPCs on a shared machine (at 16 streams it has measured
//! 41,000–56,000 req/s minutes apart), so it runs before the first RPC and after each one:
//! each RPC is compared with the mean of the floor runs on either side of it, and the floor's
//! row gives the mean and range of all its runs (latencies over all of them).
//!
//! Run: `cargo bench --bench load` (CODIFY_LOAD_SECONDS per cell, default 3;
//! CODIFY_LOAD_ONLY=search|uncached|get|validate|check|suggest|fhir for the floor and one RPC (fhir:
//! the FHIR rows and the gRPC rows they compare with);
//! CODIFY_LOAD_TARGET=host:port to load a server started elsewhere;
//! CODIFY_LOAD_STREAMS=16 or 1,64 for only those stream counts).
//! The servers are `codify serve` processes, the binary as deployed (its allocator and its
//! telemetry pipeline, default settings); client and servers share the machine.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::marker::PhantomData;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use codify::grpc::proto;
use codify::grpc::proto::code_service_client::CodeServiceClient;
use http::uri::PathAndQuery;
use prost::bytes::Buf;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;
use tonic::Status;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

#[path = "common/chronic_claim.rs"]
mod chronic_claim;
#[path = "common/dense_note.rs"]
mod dense_note;
#[path = "common/http1.rs"]
mod http1;

use http1::Http1;

const CONCURRENCY: [usize; 3] = [1, 16, 64];
/// Concurrent streams multiplexed per HTTP/2 connection.
const STREAMS_PER_CONNECTION: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rpc {
    Health,
    Search,
    SearchUncached,
    Get,
    Validate,
    Check,
    ValidateOne,
    FhirExpand,
    FhirExpandUncached,
    FhirValidate,
    Suggest,
}

impl Rpc {
    fn name(self) -> &'static str {
        match self {
            Rpc::Health => "Health/Check (floor)",
            Rpc::Search => "SearchCodes (cache)",
            Rpc::SearchUncached => "SearchCodes (no cache)",
            Rpc::Get => "GetCode",
            Rpc::Validate => "ValidateCodes x100",
            Rpc::Check => "CheckClaim 12dx/20ln",
            Rpc::ValidateOne => "ValidateCodes x1",
            Rpc::FhirExpand => "FHIR $expand (cache)",
            Rpc::FhirExpandUncached => "FHIR $expand (no cache)",
            Rpc::FhirValidate => "FHIR $validate-code",
            Rpc::Suggest => "SuggestCodes 400 words",
        }
    }

    fn is_fhir(self) -> bool {
        matches!(self, Rpc::FhirExpand | Rpc::FhirExpandUncached | Rpc::FhirValidate)
    }

    /// Whether the RPC runs against the server with the page cache off.
    fn uncached(self) -> bool {
        matches!(self, Rpc::SearchUncached | Rpc::FhirExpandUncached)
    }
}

struct Workload {
    queries: Vec<(String, i32)>,
    codes: Vec<(i32, String)>,
    batches: Vec<Vec<proto::ValidationItem>>,
    claims: Vec<proto::CheckClaimRequest>,
    /// `$expand` targets: the judged queries as filters of their system's value set.
    expands: Vec<String>,
    /// `$validate-code` targets: the judged codes.
    validations: Vec<String>,
    /// SuggestCodes' note.
    note: String,
}

/// The criterion bench's claim (`benches/common/chronic_claim.rs`) for patients of 30 to 89
/// years.
fn claims() -> Vec<proto::CheckClaimRequest> {
    (30..90)
        .map(|age| proto::CheckClaimRequest {
            claim_type: proto::ClaimType::Professional as i32,
            date_of_service: "2025-11-01".into(),
            patient_age: Some(age),
            patient_sex: if age % 2 == 0 { proto::Sex::Female as i32 } else { proto::Sex::Male as i32 },
            diagnoses: chronic_claim::DIAGNOSES.iter().map(|code| code.to_string()).collect(),
            lines: chronic_claim::LINES
                .iter()
                .map(|&(system, code, modifier, units)| proto::ServiceLine {
                    system: codify::grpc::convert::system(system),
                    code: code.to_string(),
                    modifiers: chronic_claim::modifiers(modifier),
                    units: units as i32,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
        .collect()
}

fn workload() -> Workload {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let judged = codify::eval::read_queries(&root.join("data/search/eval-queries.tsv")).unwrap_or_default();
    let system = |system: codify::codes::CodeSystem| codify::grpc::convert::system(system);
    let queries: Vec<(String, i32)> = judged.iter().map(|q| (q.query.clone(), system(q.system))).collect();
    let codes: Vec<(i32, String)> = judged.iter().map(|q| (system(q.system), q.expected.clone())).collect();
    let batches = (0..16)
        .map(|offset| {
            (0..100)
                .map(|i| {
                    let (system, code) = &codes[(offset * 7 + i) % codes.len()];
                    proto::ValidationItem { system: *system, code: code.clone(), date_of_service: "2026-06-01".into() }
                })
                .collect()
        })
        .collect();
    let canonical = |system: codify::codes::CodeSystem| codify::http::fhir::systems::canonical(system);
    let expands = judged
        .iter()
        .map(|q| {
            let value_set = http1::encode(&format!("{}?fhir_vs", canonical(q.system)));
            format!("/fhir/ValueSet/$expand?url={value_set}&filter={}&count=10", http1::encode(&q.query))
        })
        .collect();
    let validations = judged
        .iter()
        .map(|q| {
            let (url, code) = (http1::encode(canonical(q.system)), http1::encode(&q.expected));
            format!("/fhir/CodeSystem/$validate-code?url={url}&code={code}&date=2026-06-01")
        })
        .collect();
    Workload { queries, codes, batches, claims: claims(), expands, validations, note: dense_note::note() }
}

/// A `codify serve` process (the binary as deployed: its allocator, its telemetry pipeline)
/// on the embedded data; killed when dropped.
struct Server {
    child: std::process::Child,
    address: SocketAddr,
    http: SocketAddr,
}

impl Server {
    /// Starts the binary with `search_cache_entries` page-cache entries (0: off).
    fn start(search_cache_entries: usize) -> Server {
        let address = free_address();
        let http = free_address();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_codify"))
            .arg("serve")
            .args(["--listen", &address.to_string()])
            .args(["--http-listen", &http.to_string()])
            .args(["--admin-listen", &free_address().to_string()])
            .args(["--search-cache-entries", &search_cache_entries.to_string()])
            // Steady state: every release indexed before SERVING, so that no background
            // indexing of the ended releases shares the cores with the first cells.
            .arg("--index-ended-releases-first")
            .arg("--releases")
            .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/releases.json"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start codify serve");
        Server { child, address, http }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The stream counts to measure: CODIFY_LOAD_STREAMS (comma-separated) or [`CONCURRENCY`].
fn concurrency_levels() -> Vec<usize> {
    std::env::var("CODIFY_LOAD_STREAMS").ok().map_or(CONCURRENCY.to_vec(), |list| {
        list.split(',').map(|n| n.trim().parse().expect("CODIFY_LOAD_STREAMS is a list of numbers")).collect()
    })
}

/// A loopback address no one listens on now (the port the system hands out, released).
fn free_address() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()).expect("a free port")
}

async fn wait_serving(address: SocketAddr) -> Channel {
    let started = Instant::now();
    loop {
        if let Ok(channel) = Channel::from_shared(format!("http://{address}")).expect("uri").connect().await {
            if let Ok(response) = HealthClient::new(channel.clone()).check(health_request()).await {
                if response.into_inner().status == 1 {
                    return channel;
                }
            }
        }
        assert!(started.elapsed() < Duration::from_secs(120), "server did not become SERVING");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Encodes requests with prost; takes each response's message as bytes, undecoded.
struct Undecoded<Request>(PhantomData<Request>);

impl<Request: prost::Message + Send + 'static> Codec for Undecoded<Request> {
    type Encode = Request;
    type Decode = usize;
    type Encoder = RequestEncoder<Request>;
    type Decoder = MessageLength;

    fn encoder(&mut self) -> RequestEncoder<Request> {
        RequestEncoder(PhantomData)
    }

    fn decoder(&mut self) -> MessageLength {
        MessageLength
    }
}

struct RequestEncoder<Request>(PhantomData<Request>);

impl<Request: prost::Message> Encoder for RequestEncoder<Request> {
    type Item = Request;
    type Error = Status;

    fn encode(&mut self, item: Request, buffer: &mut EncodeBuf<'_>) -> Result<(), Status> {
        item.encode(buffer).map_err(|error| Status::internal(error.to_string()))
    }
}

/// The length of a response message, read through without decoding it.
struct MessageLength;

impl Decoder for MessageLength {
    type Item = usize;
    type Error = Status;

    fn decode(&mut self, buffer: &mut DecodeBuf<'_>) -> Result<Option<usize>, Status> {
        let length = buffer.remaining();
        buffer.advance(length);
        Ok(Some(length))
    }
}

/// One call whose response is read but not decoded: true on grpc-status OK with a
/// non-empty message.
async fn call_undecoded<Request: prost::Message + Send + 'static>(
    channel: Channel,
    path: &'static str,
    request: Request,
) -> bool {
    let mut client = tonic::client::Grpc::new(channel);
    if client.ready().await.is_err() {
        return false;
    }
    let codec = Undecoded::<Request>(PhantomData);
    let reply = client.unary(tonic::Request::new(request), PathAndQuery::from_static(path), codec).await;
    reply.is_ok_and(|reply| *reply.get_ref() > 0)
}

/// The health check of the code service: the floor's request, and the readiness probe.
fn health_request() -> HealthCheckRequest {
    HealthCheckRequest { service: "codify.v1.CodeService".into() }
}

impl Workload {
    fn search(&self, i: usize) -> proto::SearchCodesRequest {
        let (query, system) = &self.queries[i % self.queries.len()];
        proto::SearchCodesRequest { query: query.clone(), systems: vec![*system], ..Default::default() }
    }

    fn get(&self, i: usize) -> proto::GetCodeRequest {
        let (system, code) = &self.codes[i % self.codes.len()];
        proto::GetCodeRequest { system: *system, code: code.clone(), as_of: "2026-06-01".into() }
    }

    fn validate(&self, i: usize) -> proto::ValidateCodesRequest {
        proto::ValidateCodesRequest { items: self.batches[i % self.batches.len()].clone() }
    }

    fn check(&self, i: usize) -> proto::CheckClaimRequest {
        self.claims[i % self.claims.len()].clone()
    }

    fn validate_one(&self, i: usize) -> proto::ValidateCodesRequest {
        let (system, code) = &self.codes[i % self.codes.len()];
        let item = proto::ValidationItem { system: *system, code: code.clone(), date_of_service: "2026-06-01".into() };
        proto::ValidateCodesRequest { items: vec![item] }
    }

    fn suggest(&self) -> proto::SuggestCodesRequest {
        proto::SuggestCodesRequest {
            text: self.note.clone(),
            date_of_service: "2025-11-01".into(),
            max_suggestions: 20,
            include_uncodable: true,
            ..Default::default()
        }
    }

    /// The HTTP target of a FHIR call.
    fn fhir_target(&self, rpc: Rpc, i: usize) -> &str {
        match rpc {
            Rpc::FhirValidate => &self.validations[i % self.validations.len()],
            _ => &self.expands[i % self.expands.len()],
        }
    }
}

/// Where a cell's calls go: the gRPC port, and the HTTP port of the same server.
#[derive(Clone, Copy)]
struct Target {
    grpc: SocketAddr,
    http: SocketAddr,
}

/// A FHIR call on the stream's connection (opened on first use, again after a failure):
/// the HTTP status and the body.
async fn call_fhir(connection: &mut Option<Http1>, http: SocketAddr, target: &str) -> Option<http1::Reply> {
    if connection.is_none() {
        *connection = Some(Http1::connect(http).await.ok()?);
    }
    let reply = connection.as_mut()?.get(target).await;
    if reply.is_err() {
        *connection = None;
    }
    reply.ok()
}

/// Whether a FHIR answer is what the call asks for: an expansion, or a validation result.
fn fhir_answer_checked(rpc: Rpc, reply: &http1::Reply) -> bool {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&reply.body) else { return false };
    match rpc {
        Rpc::FhirValidate => {
            json["resourceType"] == "Parameters"
                && json["parameter"].as_array().is_some_and(|p| p.iter().any(|p| p["name"] == "result"))
        }
        _ => json["resourceType"] == "ValueSet" && json["expansion"]["total"].is_u64(),
    }
}

/// A measured call: the request of call `i`, its response read undecoded.
async fn call_measured(rpc: Rpc, channel: Channel, workload: &Workload, i: usize) -> bool {
    match rpc {
        Rpc::Health => call_undecoded(channel, "/grpc.health.v1.Health/Check", health_request()).await,
        Rpc::Search | Rpc::SearchUncached => {
            call_undecoded(channel, "/codify.v1.CodeService/SearchCodes", workload.search(i)).await
        }
        Rpc::Get => call_undecoded(channel, "/codify.v1.CodeService/GetCode", workload.get(i)).await,
        Rpc::Validate => call_undecoded(channel, "/codify.v1.CodeService/ValidateCodes", workload.validate(i)).await,
        Rpc::Check => call_undecoded(channel, "/codify.v1.CodeService/CheckClaim", workload.check(i)).await,
        Rpc::ValidateOne => {
            call_undecoded(channel, "/codify.v1.CodeService/ValidateCodes", workload.validate_one(i)).await
        }
        Rpc::Suggest => call_undecoded(channel, "/codify.v1.CodeService/SuggestCodes", workload.suggest()).await,
        // Served over the HTTP port by the caller.
        Rpc::FhirExpand | Rpc::FhirExpandUncached | Rpc::FhirValidate => false,
    }
}

/// A warm-up call: the response decoded and checked.
async fn call_checked(rpc: Rpc, channel: Channel, workload: &Workload, i: usize) -> bool {
    match rpc {
        Rpc::Health => HealthClient::new(channel).check(health_request()).await.is_ok(),
        Rpc::Search | Rpc::SearchUncached => {
            CodeServiceClient::new(channel).search_codes(workload.search(i)).await.is_ok()
        }
        Rpc::Get => CodeServiceClient::new(channel).get_code(workload.get(i)).await.is_ok(),
        Rpc::Validate => {
            let response = CodeServiceClient::new(channel).validate_codes(workload.validate(i)).await;
            response.is_ok_and(|r| r.into_inner().results.len() == 100)
        }
        Rpc::Check => {
            let response = CodeServiceClient::new(channel).check_claim(workload.check(i)).await;
            response.is_ok_and(|r| !r.into_inner().rule_sets.is_empty())
        }
        Rpc::ValidateOne => {
            let response = CodeServiceClient::new(channel).validate_codes(workload.validate_one(i)).await;
            response.is_ok_and(|r| r.into_inner().results.len() == 1)
        }
        Rpc::Suggest => {
            let response = CodeServiceClient::new(channel).suggest_codes(workload.suggest()).await;
            response.is_ok_and(|r| r.into_inner().suggestions.len() >= 10)
        }
        Rpc::FhirExpand | Rpc::FhirExpandUncached | Rpc::FhirValidate => false,
    }
}

struct Cell {
    requests: u64,
    errors: u64,
    seconds: f64,
    latencies_us: Vec<u64>,
}

async fn run_cell(
    rpc: Rpc,
    concurrency: usize,
    target: Target,
    workload: Arc<Workload>,
    seconds: f64,
    warm_up: bool,
) -> Cell {
    let connections = concurrency.div_ceil(STREAMS_PER_CONNECTION);
    let mut channels = Vec::with_capacity(connections);
    for _ in 0..connections {
        channels.push(wait_serving(target.grpc).await);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::with_capacity(concurrency);
    let started = Instant::now();
    for worker in 0..concurrency {
        let channel = channels[worker % connections].clone();
        let (stop, counter, errors, workload) = (stop.clone(), counter.clone(), errors.clone(), workload.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut connection: Option<Http1> = None;
            while !stop.load(Ordering::Relaxed) {
                let i = counter.fetch_add(1, Ordering::Relaxed) as usize;
                let sent = Instant::now();
                let ok = if rpc.is_fhir() {
                    let reply = call_fhir(&mut connection, target.http, workload.fhir_target(rpc, i + worker)).await;
                    reply.is_some_and(|reply| {
                        reply.status == 200 && !reply.body.is_empty() && (!warm_up || fhir_answer_checked(rpc, &reply))
                    })
                } else if warm_up {
                    call_checked(rpc, channel.clone(), &workload, i + worker).await
                } else {
                    call_measured(rpc, channel.clone(), &workload, i + worker).await
                };
                latencies.push(sent.elapsed().as_micros() as u64);
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            latencies
        }));
    }
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies_us = Vec::new();
    for task in tasks {
        latencies_us.extend(task.await.unwrap_or_default());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies_us.sort_unstable();
    Cell { requests: latencies_us.len() as u64, errors: errors.load(Ordering::Relaxed), seconds: elapsed, latencies_us }
}

fn percentile(sorted: &[u64], share: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 * share).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index] as f64 / 1000.0
}

impl Cell {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// A warm-up (every answer decoded and checked), then the measured run; fails on any error.
async fn measure(rpc: Rpc, concurrency: usize, target: Target, workload: &Arc<Workload>, seconds: f64) -> Cell {
    let warm = run_cell(rpc, concurrency, target, workload.clone(), 0.5, true).await;
    assert_eq!(warm.errors, 0, "{} had failed or wrong answers in the warm-up", rpc.name());
    let cell = run_cell(rpc, concurrency, target, workload.clone(), seconds, false).await;
    assert_eq!(cell.errors, 0, "{} had failed calls", rpc.name());
    cell
}

fn print_row(rpc: Rpc, concurrency: usize, rate: f64, cell: &Cell, versus_floor: &str) {
    println!(
        "{:<22} {:>5} {:>10.0} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>7} {:>9}",
        rpc.name(),
        concurrency,
        rate,
        percentile(&cell.latencies_us, 0.50),
        percentile(&cell.latencies_us, 0.90),
        percentile(&cell.latencies_us, 0.99),
        percentile(&cell.latencies_us, 0.999),
        cell.errors,
        versus_floor
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let seconds: f64 = std::env::var("CODIFY_LOAD_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3.0);
    // The RPCs compared with the floor (which always runs). CODIFY_LOAD_ONLY=search|
    // uncached|get|validate|check: that one.
    let rpcs: Vec<Rpc> = match std::env::var("CODIFY_LOAD_ONLY").ok().as_deref() {
        Some("search") => vec![Rpc::Search],
        Some("uncached") => vec![Rpc::SearchUncached],
        Some("get") => vec![Rpc::Get],
        Some("validate") => vec![Rpc::Validate],
        Some("check") => vec![Rpc::Check],
        Some("suggest") => vec![Rpc::Suggest],
        Some("fhir") => vec![
            Rpc::Search,
            Rpc::FhirExpand,
            Rpc::SearchUncached,
            Rpc::FhirExpandUncached,
            Rpc::ValidateOne,
            Rpc::FhirValidate,
        ],
        _ => vec![
            Rpc::Search,
            Rpc::SearchUncached,
            Rpc::Get,
            Rpc::Validate,
            Rpc::Check,
            Rpc::ValidateOne,
            Rpc::FhirExpand,
            Rpc::FhirExpandUncached,
            Rpc::FhirValidate,
            Rpc::Suggest,
        ],
    };
    // CODIFY_LOAD_TARGET=host:port: load a server started elsewhere (for its memory under
    // load, say) instead of starting two; SearchCodes then runs once, with
    // whatever page cache that server has, and the FHIR rows do not run.
    let external: Option<SocketAddr> =
        std::env::var("CODIFY_LOAD_TARGET").ok().map(|target| target.parse().expect("CODIFY_LOAD_TARGET is host:port"));
    let rpcs: Vec<Rpc> =
        rpcs.into_iter().filter(|&rpc| external.is_none() || !(rpc.uncached() || rpc.is_fhir())).collect();
    let launched = Instant::now();
    let server = external.is_none().then(|| Server::start(codify::config::DEFAULT_SEARCH_CACHE_ENTRIES));
    let address = external.or(server.as_ref().map(|server| server.address)).expect("a server");
    let cached = Target { grpc: address, http: server.as_ref().map_or(address, |server| server.http) };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("client runtime");
    let workload = Arc::new(workload());
    runtime.block_on(async {
        wait_serving(address).await;
        if external.is_some() {
            println!("server at {address}");
        } else {
            println!(
                "codify serve SERVING {:.2} s after it was started (embedded data, every release indexed first)",
                launched.elapsed().as_secs_f64()
            );
        }
        // The second server (page cache off) starts once the first is up, so the two do not
        // build their indexes at the same time.
        let uncached_server = external.is_none().then(|| Server::start(0));
        let uncached =
            uncached_server.as_ref().map_or(cached, |server| Target { grpc: server.address, http: server.http });
        wait_serving(uncached.grpc).await;
        println!(
            "{:<22} {:>5} {:>10} {:>8} {:>8} {:>8} {:>8} {:>7} {:>9}",
            "rpc", "conc", "req/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "errors", "vs floor"
        );
        for concurrency in concurrency_levels() {
            // The floor is measured before the first RPC and again after each one; an RPC is
            // compared with the mean of the floor runs just before and just after it, so a
            // drift of the machine's speed during the run does not land on one side only.
            let mut floor = measure(Rpc::Health, concurrency, cached, &workload, seconds).await;
            let mut floor_rates = vec![floor.rate()];
            let mut rows = Vec::new();
            for rpc in rpcs.iter().copied() {
                let target = if rpc.uncached() { uncached } else { cached };
                let cell = measure(rpc, concurrency, target, &workload, seconds).await;
                let after = measure(Rpc::Health, concurrency, cached, &workload, seconds).await;
                let before = floor_rates.last().copied().unwrap_or_default();
                floor_rates.push(after.rate());
                let beside = (before + after.rate()) / 2.0;
                floor.latencies_us.extend(after.latencies_us);
                rows.push((rpc, cell, beside));
            }
            floor.latencies_us.sort_unstable();
            let floor_mean = floor_rates.iter().sum::<f64>() / floor_rates.len() as f64;
            let (low, high) = floor_rates.iter().fold((f64::MAX, 0.0f64), |(l, h), &r| (l.min(r), h.max(r)));
            print_row(Rpc::Health, concurrency, floor_mean, &floor, "100%");
            println!(
                "{:<22} {:>5} {:>10}  ({} floor runs, {:.0}–{:.0} req/s)",
                "",
                "",
                "",
                floor_rates.len(),
                low,
                high
            );
            for (rpc, cell, beside) in rows {
                print_row(rpc, concurrency, cell.rate(), &cell, &format!("{:.0}%", 100.0 * cell.rate() / beside));
            }
        }
    });
}
