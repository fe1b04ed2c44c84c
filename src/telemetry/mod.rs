//! Telemetry: `tracing` logs to stdout (text or JSON, each line inside a request carrying its
//! trace id), OpenTelemetry traces and metrics exported over OTLP when an endpoint is set, and
//! the same metrics as Prometheus text for the admin port. [`init`] installs it all once and
//! returns the [`Telemetry`] handle that flushes on shutdown.
//!
//! Privacy: query text and codes can carry patient information. They are never span
//! attributes, metric labels or log fields, unless the operator sets `--log-query-text`, which
//! adds `query.text` to the search span (see [`query_text`]).

pub mod admin;
mod export;
mod logs;
pub mod metrics;
pub mod prometheus;
pub mod rpc;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

use crate::config::TelemetryConfig;
use prometheus::PrometheusReader;

/// Name of the tracer and meter (the instrumentation scope).
const SCOPE: &str = "codify";
/// Longest wait for buffered spans and metrics on shutdown.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether the operator allowed query text on search spans.
static LOG_QUERY_TEXT: AtomicBool = AtomicBool::new(false);

/// The query text to record, only when `--log-query-text` is on: `None` records nothing.
pub fn query_text(text: &str) -> Option<&str> {
    LOG_QUERY_TEXT.load(Ordering::Relaxed).then_some(text)
}

/// Why telemetry could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The OTLP exporters need a Tokio runtime to run on.
    #[error("telemetry must be set up inside a Tokio runtime")]
    NoRuntime,
    /// An OTLP exporter refused its settings.
    #[error("OTLP exporter: {0}")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
    /// The sampler ratio is not a probability.
    #[error("OTEL_TRACES_SAMPLER_ARG must be between 0 and 1, got {0}")]
    SamplerRatio(f64),
}

/// The installed telemetry. Keep it for the life of the process; [`Telemetry::shutdown`]
/// exports what is still buffered.
pub struct Telemetry {
    tracer_provider: SdkTracerProvider,
    meter_provider: SdkMeterProvider,
    prometheus: PrometheusReader,
    exporting: bool,
}

impl std::fmt::Debug for Telemetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telemetry").field("exporting", &self.exporting).finish_non_exhaustive()
    }
}

/// Installs logging, tracing and metrics for the process. Call it once, inside the Tokio
/// runtime, before serving. When a global `tracing` subscriber already exists (a second call,
/// or a test harness), logs and spans keep going to that one.
pub fn init(config: &TelemetryConfig) -> Result<Telemetry, TelemetryError> {
    let runtime = tokio::runtime::Handle::try_current().map_err(|_| TelemetryError::NoRuntime)?;
    let resource = export::resource(config);
    let tracer_provider = export::tracer_provider(config, resource.clone(), &runtime)?;
    let prometheus = PrometheusReader::new();
    let meter_provider = export::meter_provider(config, resource, prometheus.clone(), &runtime)?;
    let traces_endpoint = export::traces_endpoint(config);
    let exporting = traces_endpoint.is_some() || export::metrics_endpoint(config).is_some();

    LOG_QUERY_TEXT.store(config.log_query_text, Ordering::Relaxed);
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    opentelemetry::global::set_tracer_provider(tracer_provider.clone());
    opentelemetry::global::set_meter_provider(meter_provider.clone());
    metrics::install(&meter_provider.meter(SCOPE));

    let spans = tracing_opentelemetry::layer()
        .with_tracer(tracer_provider.tracer(SCOPE))
        .with_tracked_inactivity(false)
        .with_threads(false)
        .with_location(false)
        .with_filter(logs::traced(traces_endpoint.is_some()));
    let installed = tracing_subscriber::registry().with(spans).with(logs::layer(config)).try_init();
    if installed.is_err() {
        tracing::warn!("a tracing subscriber is already installed; logs and spans go to it");
    }
    tracing::info!(
        traces_endpoint = traces_endpoint.as_deref().unwrap_or("off"),
        metrics_endpoint = export::metrics_endpoint(config).as_deref().unwrap_or("off"),
        protocol = ?config.otlp_protocol,
        service_name = %export::service_name(config),
        log_query_text = config.log_query_text,
        "telemetry ready"
    );
    Ok(Telemetry { tracer_provider, meter_provider, prometheus, exporting })
}

impl Telemetry {
    /// The reader behind `GET /metrics`.
    pub fn prometheus(&self) -> PrometheusReader {
        self.prometheus.clone()
    }

    /// Exports every finished span and the current metrics now, without shutting down.
    pub async fn flush(&self) {
        let tracer_provider = self.tracer_provider.clone();
        let meter_provider = self.meter_provider.clone();
        let flushed = tokio::task::spawn_blocking(move || {
            let traces = tracer_provider.force_flush();
            let metrics = meter_provider.force_flush();
            (traces, metrics)
        })
        .await;
        if let Ok((traces, metrics)) = flushed {
            let _ = report("flush", traces, metrics);
        }
    }

    /// Exports what is still buffered and stops the exporters (bounded by a few seconds).
    pub async fn shutdown(self) {
        let Telemetry { tracer_provider, meter_provider, exporting, .. } = self;
        let stopped = tokio::task::spawn_blocking(move || {
            let traces = tracer_provider.shutdown_with_timeout(FLUSH_TIMEOUT);
            let metrics = meter_provider.shutdown_with_timeout(FLUSH_TIMEOUT);
            (traces, metrics)
        })
        .await;
        let flushed = stopped.map(|(traces, metrics)| report("shutdown", traces, metrics));
        if exporting && flushed.unwrap_or(false) {
            tracing::info!("telemetry flushed");
        }
    }
}

/// Logs what failed; true when both succeeded.
fn report(
    what: &str,
    traces: opentelemetry_sdk::error::OTelSdkResult,
    metrics: opentelemetry_sdk::error::OTelSdkResult,
) -> bool {
    if let Err(error) = &traces {
        tracing::warn!(error = %error, step = what, "trace export failed");
    }
    if let Err(error) = &metrics {
        tracing::warn!(error = %error, step = what, "metric export failed");
    }
    traces.is_ok() && metrics.is_ok()
}
