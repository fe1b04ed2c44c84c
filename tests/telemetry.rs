//! Telemetry, end to end: a real Codify server with telemetry pointed at an OTLP/gRPC receiver
//! on loopback (the official OpenTelemetry protobuf services), real calls, then assertions on
//! the spans and metrics received and on the admin port's Prometheus text.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use codify::config::{OtlpProtocol, ResourceAttributes, TelemetryConfig};
use codify::grpc::proto::code_service_client::CodeServiceClient;
use codify::grpc::proto::ValidateCodesRequest;
use codify::telemetry::admin::AdminServer;
use codify::telemetry::Telemetry;
use common::{expect_ok, item, search, HCPCS, ICD};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{ExportMetricsServiceRequest, ExportMetricsServiceResponse};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{TraceService, TraceServiceServer};
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::common::v1::{any_value, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::{metric, Metric, ResourceMetrics};
use opentelemetry_proto::tonic::trace::v1::{span, ResourceSpans, Span};
use tonic::{Request, Response, Status};

/// The caller's trace, sent as `traceparent` with the search.
const TRACE_ID: &str = "5b8efff798038103d269b633813fc60c";
const PARENT_SPAN_ID: &str = "eee19b7ec3c1b174";
/// Text the server must never export or expose.
const QUERY: &str = "heart attack";
/// The admin-port test's query: not `QUERY`, which the traced search must be the first to
/// ask (the tests share one server, and a page answered from its cache has no index span).
const ADMIN_QUERY: &str = "broken hip";
const CODES: [&str; 4] = ["E11.9", "E119", "S30.1XXA", "J7169"];
/// A note sent to SuggestCodes: none of its words may be exported either.
const NOTE: &str = "Mr Quixotic Zanzibar reports acute gallstone pancreatitis. Denies fever.";
const NOTE_WORDS: [&str; 3] = ["quixotic zanzibar", "pancreatitis", "denies fever"];
const SERVICE_NAME: &str = "codify-telemetry-test";

/// What the receiver got.
#[derive(Debug, Clone, Default)]
struct Received {
    spans: Arc<Mutex<Vec<ResourceSpans>>>,
    metrics: Arc<Mutex<Vec<ResourceMetrics>>>,
}

#[tonic::async_trait]
impl TraceService for Received {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        self.spans.lock().unwrap().extend(request.into_inner().resource_spans);
        Ok(Response::new(ExportTraceServiceResponse { partial_success: None }))
    }
}

#[tonic::async_trait]
impl MetricsService for Received {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        self.metrics.lock().unwrap().extend(request.into_inner().resource_metrics);
        Ok(Response::new(ExportMetricsServiceResponse { partial_success: None }))
    }
}

/// Receiver, server and telemetry, shared by the tests of this binary (telemetry is global).
struct Stack {
    grpc: SocketAddr,
    admin: SocketAddr,
    received: Received,
    telemetry: Telemetry,
}

static STACK: OnceLock<Result<Stack, String>> = OnceLock::new();

fn stack() -> &'static Stack {
    match STACK.get_or_init(start_stack) {
        Ok(stack) => stack,
        Err(reason) => panic!("telemetry test stack unavailable: {reason}"),
    }
}

/// Starts the receiver, telemetry and server on a runtime of their own; returns once SERVING.
fn start_stack() -> Result<Stack, String> {
    let (ready_sender, ready_receiver) = std::sync::mpsc::channel::<Result<Stack, String>>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
        runtime.block_on(async move {
            let received = Received::default();
            let (receiver_listener, receiver_address) = common::bind_local().await;
            let receiver = tonic::transport::Server::builder()
                .add_service(TraceServiceServer::new(received.clone()))
                .add_service(MetricsServiceServer::new(received.clone()))
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(receiver_listener));
            tokio::spawn(receiver);

            let telemetry_config = TelemetryConfig {
                otlp_endpoint: Some(format!("http://{receiver_address}")),
                otlp_protocol: OtlpProtocol::Grpc,
                service_name: Some(SERVICE_NAME.to_string()),
                resource_attributes: ResourceAttributes(vec![(
                    "deployment.environment.name".to_string(),
                    "test".to_string(),
                )]),
                log: "warn".to_string(),
                ..Default::default()
            };
            let telemetry = match codify::telemetry::init(&telemetry_config) {
                Ok(telemetry) => telemetry,
                Err(error) => {
                    let _ = ready_sender.send(Err(format!("telemetry init failed: {error}")));
                    return;
                }
            };
            let (listener, grpc) = common::bind_local().await;
            let (admin_listener, admin) = common::bind_local().await;
            let admin_server = AdminServer::new(admin_listener, telemetry.prometheus());
            let config = common::real_config();
            let mut server = tokio::spawn(codify::serve_with_admin(
                config,
                listener,
                Some(admin_server),
                std::future::pending::<()>(),
            ));
            let ready = tokio::select! {
                outcome = &mut server => Err(format!("server stopped during start-up: {outcome:?}")),
                serving = common::wait_until_serving(grpc, Duration::from_secs(180)) => serving,
            };
            let failed = ready.is_err();
            let _ = ready_sender.send(ready.map(|()| Stack { grpc, admin, received, telemetry }));
            if !failed {
                let outcome = server.await;
                eprintln!("telemetry test server stopped: {outcome:?}");
            }
        });
    });
    ready_receiver.recv().map_err(|_| "stack thread ended without reporting".to_string())?
}

async fn client(stack: &Stack) -> CodeServiceClient<tonic::transport::Channel> {
    CodeServiceClient::new(common::channel(stack.grpc).await.expect("connect"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a any_value::Value> {
    attributes.iter().find(|kv| kv.key == key)?.value.as_ref()?.value.as_ref()
}

fn string_attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a str> {
    match attribute(attributes, key)? {
        any_value::Value::StringValue(value) => Some(value),
        _ => None,
    }
}

fn int_attribute(attributes: &[KeyValue], key: &str) -> Option<i64> {
    match attribute(attributes, key)? {
        any_value::Value::IntValue(value) => Some(*value),
        _ => None,
    }
}

fn all_spans(received: &Received) -> Vec<Span> {
    let spans = received.spans.lock().unwrap();
    spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| s.spans.iter().cloned()).collect()
}

fn all_metrics(received: &Received) -> Vec<Metric> {
    let metrics = received.metrics.lock().unwrap();
    metrics.iter().flat_map(|r| &r.scope_metrics).flat_map(|s| s.metrics.iter().cloned()).collect()
}

/// Attribute sets of every data point of a metric, from every export.
fn data_point_attributes(metrics: &[Metric], name: &str) -> Vec<Vec<KeyValue>> {
    metrics
        .iter()
        .filter(|metric| metric.name == name)
        .flat_map(|metric| match &metric.data {
            Some(metric::Data::Histogram(h)) => h.data_points.iter().map(|p| p.attributes.clone()).collect(),
            Some(metric::Data::Sum(s)) => s.data_points.iter().map(|p| p.attributes.clone()).collect(),
            Some(metric::Data::Gauge(g)) => g.data_points.iter().map(|p| p.attributes.clone()).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Every string the receiver got, span names and attribute values included, lower-cased.
fn every_exported_string(received: &Received) -> Vec<String> {
    fn push(strings: &mut Vec<String>, attributes: &[KeyValue]) {
        for kv in attributes {
            strings.push(kv.key.to_lowercase());
            if let Some(any_value::Value::StringValue(value)) = kv.value.as_ref().and_then(|v| v.value.as_ref()) {
                strings.push(value.to_lowercase());
            }
        }
    }
    let mut strings = Vec::new();
    for resource_spans in received.spans.lock().unwrap().iter() {
        for span in resource_spans.scope_spans.iter().flat_map(|s| &s.spans) {
            strings.push(span.name.to_lowercase());
            push(&mut strings, &span.attributes);
            for event in &span.events {
                strings.push(event.name.to_lowercase());
                push(&mut strings, &event.attributes);
            }
            if let Some(status) = &span.status {
                strings.push(status.message.to_lowercase());
            }
        }
    }
    for metric in all_metrics(received) {
        strings.push(metric.name.to_lowercase());
        for attributes in data_point_attributes(std::slice::from_ref(&metric), &metric.name) {
            push(&mut strings, &attributes);
        }
    }
    strings
}

/// Flushes until `ready` holds for what was received, or fails after 30 s.
async fn flush_until(stack: &Stack, what: &str, ready: impl Fn(&Received) -> bool) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        stack.telemetry.flush().await;
        if ready(&stack.received) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the OTLP receiver never got {what}");
}

#[tokio::test]
async fn otlp_receives_rpc_spans_continuing_the_callers_trace_and_metrics() {
    let stack = tokio::task::spawn_blocking(stack).await.expect("stack start-up panicked");
    let mut client = client(stack).await;

    let mut request = Request::new(search(QUERY));
    let traceparent = format!("00-{TRACE_ID}-{PARENT_SPAN_ID}-01");
    request.metadata_mut().insert("traceparent", traceparent.parse().unwrap());
    let found = expect_ok(client.search_codes(request).await, "search");
    assert!(!found.results.is_empty(), "the search found nothing");
    let items =
        vec![item(ICD, "E11.9", "2025-11-01"), item(ICD, "S30.1XXA", "2025-11-01"), item(HCPCS, "J7169", "2025-11-01")];
    expect_ok(client.validate_codes(ValidateCodesRequest { items }).await, "validate");
    let note = codify::grpc::proto::SuggestCodesRequest {
        text: NOTE.into(),
        date_of_service: "2025-11-01".into(),
        include_uncodable: true,
        ..Default::default()
    };
    let suggested = expect_ok(client.suggest_codes(note).await, "suggest");
    assert!(!suggested.suggestions.is_empty(), "the note suggested nothing");
    let refused = client.search_codes(search("")).await.expect_err("an empty query is refused");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);

    let search_name = "codify.v1.CodeService/SearchCodes";
    let validate_name = "codify.v1.CodeService/ValidateCodes";
    flush_until(stack, "the search, validate and refused spans", |received| {
        let spans = all_spans(received);
        let traced = spans.iter().any(|s| s.name == search_name && hex(&s.trace_id) == TRACE_ID);
        let refused = spans.iter().any(|s| int_attribute(&s.attributes, "rpc.grpc.status_code") == Some(3));
        traced
            && refused
            && spans.iter().any(|s| s.name == validate_name)
            && spans.iter().any(|s| s.name == "codify.v1.CodeService/SuggestCodes")
            && spans.iter().any(|s| s.name == "index.search")
    })
    .await;
    flush_until(stack, "rpc.server.duration for SearchCodes", |received| {
        data_point_attributes(&all_metrics(received), "rpc.server.duration")
            .iter()
            .any(|attributes| string_attribute(attributes, "rpc.method") == Some("SearchCodes"))
    })
    .await;

    let spans = all_spans(&stack.received);
    // The server span continues the caller's trace and follows the RPC conventions.
    let server = spans
        .iter()
        .find(|s| s.name == search_name && hex(&s.trace_id) == TRACE_ID)
        .expect("search span in the caller's trace");
    assert_eq!(hex(&server.parent_span_id), PARENT_SPAN_ID, "parent of the server span");
    assert_eq!(server.kind, span::SpanKind::Server as i32);
    assert_eq!(string_attribute(&server.attributes, "rpc.system"), Some("grpc"));
    assert_eq!(string_attribute(&server.attributes, "rpc.service"), Some("codify.v1.CodeService"));
    assert_eq!(string_attribute(&server.attributes, "rpc.method"), Some("SearchCodes"));
    assert_eq!(int_attribute(&server.attributes, "rpc.grpc.status_code"), Some(0));
    assert!(server.end_time_unix_nano >= server.start_time_unix_nano);

    // The index search is its child, without the query text.
    let child = spans
        .iter()
        .find(|s| s.name == "index.search" && s.trace_id == server.trace_id)
        .expect("index.search span in the caller's trace");
    assert_eq!(child.parent_span_id, server.span_id, "index.search is a child of the server span");
    assert_eq!(string_attribute(&child.attributes, "query.text"), None);

    let validate = spans.iter().find(|s| s.name == validate_name).expect("validate span");
    assert_eq!(string_attribute(&validate.attributes, "rpc.method"), Some("ValidateCodes"));
    assert_eq!(int_attribute(&validate.attributes, "rpc.grpc.status_code"), Some(0));
    let refused = spans
        .iter()
        .find(|s| s.name == search_name && int_attribute(&s.attributes, "rpc.grpc.status_code") == Some(3))
        .expect("span of the refused search");
    assert_ne!(hex(&refused.trace_id), TRACE_ID, "a call without traceparent starts its own trace");

    // Start-up: loading the releases is a child of the engine load.
    let load = spans.iter().find(|s| s.name == "engine.load").expect("engine.load span");
    let releases = spans.iter().find(|s| s.name == "releases.load").expect("releases.load span");
    assert_eq!(releases.parent_span_id, load.span_id, "releases.load is a child of engine.load");

    // Health checks (the test polled them) are not traced.
    assert!(!spans.iter().any(|s| s.name.starts_with("grpc.health")), "health checks were traced");

    // The resource names the service as configured.
    let resource_spans = stack.received.spans.lock().unwrap().first().cloned().expect("resource spans");
    let resource = resource_spans.resource.expect("resource");
    assert_eq!(string_attribute(&resource.attributes, "service.name"), Some(SERVICE_NAME));
    assert_eq!(string_attribute(&resource.attributes, "deployment.environment.name"), Some("test"));

    // Metrics: duration per method and status, validation outcomes by reason, index gauges.
    let metrics = all_metrics(&stack.received);
    let durations = data_point_attributes(&metrics, "rpc.server.duration");
    let by_method_and_code = |method: &str, code: i64| {
        durations.iter().any(|attributes| {
            string_attribute(attributes, "rpc.method") == Some(method)
                && int_attribute(attributes, "rpc.grpc.status_code") == Some(code)
                && string_attribute(attributes, "rpc.system") == Some("grpc")
        })
    };
    assert!(by_method_and_code("SearchCodes", 0), "no duration for SearchCodes OK: {durations:?}");
    assert!(by_method_and_code("SearchCodes", 3), "no duration for SearchCodes INVALID_ARGUMENT");
    assert!(by_method_and_code("ValidateCodes", 0), "no duration for ValidateCodes OK");
    let outcomes = data_point_attributes(&metrics, "codify.validate.outcomes");
    for reason in ["VALID", "TERMINATED"] {
        assert!(
            outcomes.iter().any(|attributes| string_attribute(attributes, "reason") == Some(reason)),
            "no validate outcome {reason}: {outcomes:?}"
        );
    }
    let documents = data_point_attributes(&metrics, "codify.index.documents");
    assert!(
        documents.iter().any(|attributes| string_attribute(attributes, "code_system") == Some("icd10cm")),
        "no ICD-10-CM document gauge: {documents:?}"
    );
    assert!(!data_point_attributes(&metrics, "codify.search.results").is_empty(), "no search results histogram");

    // Privacy: neither the query, the codes nor the note appear anywhere.
    let strings = every_exported_string(&stack.received);
    for secret in std::iter::once(QUERY).chain(CODES).chain(NOTE_WORDS) {
        let secret = secret.to_lowercase();
        let leaked: Vec<&String> = strings.iter().filter(|s| s.contains(&secret)).collect();
        assert!(leaked.is_empty(), "{secret:?} was exported: {leaked:?}");
    }
}

/// One HTTP/1.1 GET, the raw response text.
async fn http_get(address: SocketAddr, path: &str) -> String {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    let exchange = move || -> std::io::Result<String> {
        let mut stream = std::net::TcpStream::connect(address)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.write_all(request.as_bytes())?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        Ok(response)
    };
    tokio::task::spawn_blocking(exchange).await.expect("request task").expect("admin answered")
}

#[tokio::test]
async fn admin_port_serves_prometheus_metrics_and_health() {
    let stack = tokio::task::spawn_blocking(stack).await.expect("stack start-up panicked");
    let mut client = client(stack).await;
    expect_ok(client.search_codes(search(ADMIN_QUERY)).await, "search");

    let metrics = http_get(stack.admin, "/metrics").await;
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(metrics.contains("content-type: text/plain; version=0.0.4"), "{metrics}");
    for expected in [
        "# TYPE rpc_server_duration_milliseconds histogram",
        "rpc_server_duration_milliseconds_bucket{",
        "rpc_method=\"SearchCodes\"",
        "rpc_grpc_status_code=\"0\"",
        "codify_search_results_count{",
        "# TYPE codify_index_documents gauge",
        "codify_index_documents{code_system=\"icd10cm\",release=\"FY2026\"}",
        "codify_index_size_bytes ",
        "codify_index_last_load_seconds ",
        "codify_index_load_duration_seconds ",
        "target_info{",
    ] {
        assert!(metrics.contains(expected), "missing {expected:?} in:\n{metrics}");
    }
    assert!(!metrics.to_lowercase().contains(ADMIN_QUERY), "the query text is exposed");

    let health = http_get(stack.admin, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200") && health.ends_with("ok\n"), "{health}");
    let missing = http_get(stack.admin, "/nothing").await;
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
}
