//! OTLP export: the resource every span and metric carries, the sampler, and the tracer and
//! meter providers with their exporters (gRPC or HTTP/protobuf). Spans go through a batch
//! processor and metrics through a periodic reader, each on its own thread with a bounded
//! queue: a request never waits for an export.

use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{MetricExporter, Protocol, SpanExporter, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::resource::TelemetryResourceDetector;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use opentelemetry_sdk::Resource;
use tokio::runtime::Handle;

use super::prometheus::PrometheusReader;
use super::TelemetryError;
use crate::config::{OtlpProtocol, TelemetryConfig, TracesSampler};

/// Timeout of one HTTP export request (the gRPC exporter has its own).
const HTTP_EXPORT_TIMEOUT: Duration = Duration::from_secs(10);

/// `service.name` from `OTEL_SERVICE_NAME`, over `OTEL_RESOURCE_ATTRIBUTES`, over
/// `service.version` and the SDK's own attributes.
pub(super) fn resource(config: &TelemetryConfig) -> Resource {
    let attributes = config.resource_attributes.0.iter().map(|(key, value)| KeyValue::new(key.clone(), value.clone()));
    Resource::builder_empty()
        .with_detector(Box::new(TelemetryResourceDetector))
        .with_attribute(KeyValue::new("service.version", env!("CARGO_PKG_VERSION")))
        .with_attributes(attributes)
        .with_service_name(service_name(config))
        .build()
}

/// `OTEL_SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, else `codify`.
pub(super) fn service_name(config: &TelemetryConfig) -> String {
    let from_attributes = config.resource_attributes.0.iter().find(|(key, _)| key == "service.name");
    match (&config.service_name, from_attributes) {
        (Some(name), _) => name.clone(),
        (None, Some((_, name))) => name.clone(),
        (None, None) => "codify".to_string(),
    }
}

/// Where spans go, if anywhere.
pub(super) fn traces_endpoint(config: &TelemetryConfig) -> Option<String> {
    signal_endpoint(config, config.otlp_traces_endpoint.as_deref(), "v1/traces")
}

/// Where metrics go, if anywhere.
pub(super) fn metrics_endpoint(config: &TelemetryConfig) -> Option<String> {
    signal_endpoint(config, config.otlp_metrics_endpoint.as_deref(), "v1/metrics")
}

/// A signal's own endpoint as is; else the base endpoint, with the signal's path for HTTP.
fn signal_endpoint(config: &TelemetryConfig, own: Option<&str>, http_path: &str) -> Option<String> {
    if let Some(endpoint) = own.map(str::trim).filter(|e| !e.is_empty()) {
        return Some(endpoint.to_string());
    }
    let base = config.otlp_endpoint.as_deref().map(str::trim).filter(|e| !e.is_empty())?;
    Some(match config.otlp_protocol {
        OtlpProtocol::Grpc => base.to_string(),
        OtlpProtocol::HttpProtobuf => format!("{}/{http_path}", base.trim_end_matches('/')),
    })
}

/// The tracer provider: always there (spans get ids, logs get trace ids), exporting only when
/// an endpoint is set. With nowhere to send them, spans are not recorded: they keep their ids
/// (the caller's trace id when it sent one), and a call does not build span data nobody reads.
pub(super) fn tracer_provider(
    config: &TelemetryConfig,
    resource: Resource,
    runtime: &Handle,
) -> Result<SdkTracerProvider, TelemetryError> {
    let configured = sampler(config)?; // checked even when unused: a bad setting is refused
    let endpoint = traces_endpoint(config);
    let sampler = if endpoint.is_some() { configured } else { Sampler::AlwaysOff };
    let mut builder = SdkTracerProvider::builder().with_resource(resource).with_sampler(sampler);
    if let Some(endpoint) = endpoint {
        let exporter = match config.otlp_protocol {
            OtlpProtocol::Grpc => SpanExporter::builder().with_tonic().with_endpoint(endpoint).build()?,
            OtlpProtocol::HttpProtobuf => SpanExporter::builder()
                .with_http()
                .with_protocol(Protocol::HttpBinary)
                .with_http_client(RuntimeHttpClient::new(runtime))
                .with_endpoint(endpoint)
                .build()?,
        };
        builder = builder.with_batch_exporter(exporter);
    }
    Ok(builder.build())
}

/// The meter provider: read by the Prometheus endpoint, and exported periodically over OTLP
/// when an endpoint is set.
pub(super) fn meter_provider(
    config: &TelemetryConfig,
    resource: Resource,
    prometheus: PrometheusReader,
    runtime: &Handle,
) -> Result<SdkMeterProvider, TelemetryError> {
    let mut builder = SdkMeterProvider::builder().with_resource(resource).with_reader(prometheus);
    if let Some(endpoint) = metrics_endpoint(config) {
        let exporter = match config.otlp_protocol {
            OtlpProtocol::Grpc => MetricExporter::builder().with_tonic().with_endpoint(endpoint).build()?,
            OtlpProtocol::HttpProtobuf => MetricExporter::builder()
                .with_http()
                .with_protocol(Protocol::HttpBinary)
                .with_http_client(RuntimeHttpClient::new(runtime))
                .with_endpoint(endpoint)
                .build()?,
        };
        let interval = Duration::from_millis(config.metric_export_interval_ms.max(1));
        builder = builder.with_reader(PeriodicReader::builder(exporter).with_interval(interval).build());
    }
    Ok(builder.build())
}

/// The sampler named by `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`.
fn sampler(config: &TelemetryConfig) -> Result<Sampler, TelemetryError> {
    let ratio = config.traces_sampler_arg;
    if !(0.0..=1.0).contains(&ratio) {
        return Err(TelemetryError::SamplerRatio(ratio));
    }
    let parent_based = |root: Sampler| Sampler::ParentBased(Box::new(root));
    Ok(match config.traces_sampler {
        TracesSampler::AlwaysOn => Sampler::AlwaysOn,
        TracesSampler::AlwaysOff => Sampler::AlwaysOff,
        TracesSampler::TraceIdRatio => Sampler::TraceIdRatioBased(ratio),
        TracesSampler::ParentBasedAlwaysOn => parent_based(Sampler::AlwaysOn),
        TracesSampler::ParentBasedAlwaysOff => parent_based(Sampler::AlwaysOff),
        TracesSampler::ParentBasedTraceIdRatio => parent_based(Sampler::TraceIdRatioBased(ratio)),
    })
}

/// HTTP export on hyper (already linked for gRPC), run on the server's Tokio runtime: the
/// batch processor's own thread has no runtime of its own.
#[derive(Debug, Clone)]
struct RuntimeHttpClient {
    runtime: Handle,
    client: opentelemetry_http::hyper::HyperClient,
}

impl RuntimeHttpClient {
    fn new(runtime: &Handle) -> RuntimeHttpClient {
        let client = opentelemetry_http::hyper::HyperClient::with_default_connector(HTTP_EXPORT_TIMEOUT, None);
        RuntimeHttpClient { runtime: runtime.clone(), client }
    }
}

#[tonic::async_trait]
impl HttpClient for RuntimeHttpClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let client = self.client.clone();
        match self.runtime.spawn(async move { client.send_bytes(request).await }).await {
            Ok(result) => result,
            Err(error) => Err(Box::new(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_the_otlp_rules() {
        let grpc = TelemetryConfig {
            otlp_endpoint: Some("http://collector:4317".to_string()),
            otlp_protocol: OtlpProtocol::Grpc,
            ..Default::default()
        };
        assert_eq!(traces_endpoint(&grpc).as_deref(), Some("http://collector:4317"));
        let http = TelemetryConfig {
            otlp_endpoint: Some("http://collector:4318/".to_string()),
            otlp_metrics_endpoint: Some("http://metrics:4318/custom".to_string()),
            ..Default::default()
        };
        assert_eq!(traces_endpoint(&http).as_deref(), Some("http://collector:4318/v1/traces"));
        assert_eq!(metrics_endpoint(&http).as_deref(), Some("http://metrics:4318/custom"));
        let off = TelemetryConfig { otlp_endpoint: Some(" ".to_string()), ..Default::default() };
        assert_eq!(service_name(&off), "codify");
        assert_eq!(traces_endpoint(&off), None);
        assert_eq!(metrics_endpoint(&TelemetryConfig::default()), None);
    }

    #[test]
    fn refuses_a_ratio_out_of_range() {
        let config = TelemetryConfig {
            traces_sampler: TracesSampler::TraceIdRatio,
            traces_sampler_arg: 1.5,
            ..Default::default()
        };
        assert!(matches!(sampler(&config), Err(TelemetryError::SamplerRatio(_))));
    }
}
