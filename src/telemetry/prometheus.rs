//! The metrics as Prometheus text (exposition format 0.0.4), collected on demand from the
//! meter provider: names follow the OpenTelemetry → Prometheus rules (`.` → `_`, the unit as a
//! suffix, `_total` on counters), resource attributes go on `target_info`.

use std::fmt::Write as _;
use std::sync::{Arc, Weak};
use std::time::Duration;

use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, Metric, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{InstrumentKind, ManualReader, Pipeline, Temporality};

/// `Content-Type` of the text.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A metric reader collected when scraped. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PrometheusReader {
    reader: Arc<ManualReader>,
}

impl PrometheusReader {
    /// A reader with cumulative temporality, as Prometheus expects.
    pub fn new() -> PrometheusReader {
        PrometheusReader { reader: Arc::new(ManualReader::builder().with_temporality(Temporality::Cumulative).build()) }
    }

    /// Collects every metric and renders it.
    pub fn render(&self) -> Result<String, String> {
        let mut metrics = ResourceMetrics::default();
        self.reader.collect(&mut metrics).map_err(|e| e.to_string())?;
        let mut text = String::with_capacity(8 * 1024);
        write_target_info(&mut text, metrics.resource().iter());
        for scope in metrics.scope_metrics() {
            for metric in scope.metrics() {
                write_metric(&mut text, metric);
            }
        }
        Ok(text)
    }
}

impl Default for PrometheusReader {
    fn default() -> Self {
        PrometheusReader::new()
    }
}

impl MetricReader for PrometheusReader {
    fn register_pipeline(&self, pipeline: Weak<Pipeline>) {
        self.reader.register_pipeline(pipeline);
    }

    fn collect(&self, metrics: &mut ResourceMetrics) -> OTelSdkResult {
        self.reader.collect(metrics)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.reader.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.reader.shutdown_with_timeout(timeout)
    }

    fn temporality(&self, _kind: InstrumentKind) -> Temporality {
        Temporality::Cumulative
    }
}

fn write_target_info<'a>(text: &mut String, attributes: impl Iterator<Item = (&'a opentelemetry::Key, &'a Value)>) {
    let labels: Vec<KeyValue> = attributes.map(|(key, value)| KeyValue::new(key.clone(), value.clone())).collect();
    text.push_str("# HELP target_info Target metadata\n# TYPE target_info gauge\n");
    let _ = writeln!(text, "target_info{} 1", labels_text(labels.iter(), None));
}

fn write_metric(text: &mut String, metric: &Metric) {
    match metric.data() {
        AggregatedMetrics::F64(data) => write_data(text, metric, data, |v| format_float(*v)),
        AggregatedMetrics::U64(data) => write_data(text, metric, data, u64::to_string),
        AggregatedMetrics::I64(data) => write_data(text, metric, data, i64::to_string),
    }
}

fn write_data<T: Copy>(text: &mut String, metric: &Metric, data: &MetricData<T>, show: impl Fn(&T) -> String) {
    let base = metric_name(metric.name(), metric.unit());
    match data {
        MetricData::Gauge(gauge) => {
            write_header(text, &base, metric.description(), "gauge");
            for point in gauge.data_points() {
                let _ = writeln!(text, "{base}{} {}", labels_text(point.attributes(), None), show(&point.value()));
            }
        }
        MetricData::Sum(sum) => {
            let (name, kind) = if sum.is_monotonic() { (format!("{base}_total"), "counter") } else { (base, "gauge") };
            write_header(text, &name, metric.description(), kind);
            for point in sum.data_points() {
                let _ = writeln!(text, "{name}{} {}", labels_text(point.attributes(), None), show(&point.value()));
            }
        }
        MetricData::Histogram(histogram) => {
            write_header(text, &base, metric.description(), "histogram");
            for point in histogram.data_points() {
                let mut cumulative = 0;
                let bounds = point.bounds().map(format_float).chain(std::iter::once("+Inf".to_string()));
                for (bound, count) in bounds.zip(point.bucket_counts()) {
                    cumulative += count;
                    let labels = labels_text(point.attributes(), Some(&bound));
                    let _ = writeln!(text, "{base}_bucket{labels} {cumulative}");
                }
                let labels = labels_text(point.attributes(), None);
                let _ = writeln!(text, "{base}_sum{labels} {}", show(&point.sum()));
                let _ = writeln!(text, "{base}_count{labels} {}", point.count());
            }
        }
        // Not used by Codify; Prometheus text has no exponential histograms.
        MetricData::ExponentialHistogram(_) => {}
    }
}

fn write_header(text: &mut String, name: &str, description: &str, kind: &str) {
    if !description.is_empty() {
        let help = description.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(text, "# HELP {name} {help}");
    }
    let _ = writeln!(text, "# TYPE {name} {kind}");
}

/// `rpc.server.duration` in `ms` → `rpc_server_duration_milliseconds`.
fn metric_name(name: &str, unit: &str) -> String {
    let mut sanitized = sanitize(name);
    let suffix = match unit {
        "" | "1" => String::new(),
        unit if unit.starts_with('{') => String::new(),
        "ms" => "milliseconds".to_string(),
        "s" => "seconds".to_string(),
        "By" => "bytes".to_string(),
        other => sanitize(other),
    };
    if !suffix.is_empty() && !sanitized.ends_with(&suffix) {
        sanitized.push('_');
        sanitized.push_str(&suffix);
    }
    sanitized
}

/// Letters, digits and `_`, not starting with a digit.
fn sanitize(name: &str) -> String {
    let mut sanitized: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if sanitized.starts_with(|c: char| c.is_ascii_digit()) {
        sanitized.insert(0, '_');
    }
    sanitized
}

fn labels_text<'a>(attributes: impl Iterator<Item = &'a KeyValue>, le: Option<&str>) -> String {
    let mut pairs: Vec<String> = attributes
        .map(|attribute| format!("{}=\"{}\"", sanitize(attribute.key.as_str()), escape(&attribute.value.to_string())))
        .collect();
    pairs.sort_unstable();
    if let Some(bound) = le {
        pairs.push(format!("le=\"{bound}\""));
    }
    if pairs.is_empty() {
        return String::new();
    }
    format!("{{{}}}", pairs.join(","))
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn format_float(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf".to_string() } else { "-Inf".to_string() };
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::metrics::MeterProvider as _;
    use opentelemetry_sdk::metrics::SdkMeterProvider;

    #[test]
    fn renders_counters_histograms_and_gauges() {
        let reader = PrometheusReader::new();
        let provider = SdkMeterProvider::builder().with_reader(reader.clone()).build();
        let meter = provider.meter("test");
        let counter = meter.u64_counter("codify.search.empty").with_unit("{search}").build();
        counter.add(2, &[KeyValue::new("code_system", "all")]);
        let histogram =
            meter.f64_histogram("rpc.server.duration").with_unit("ms").with_boundaries(vec![1.0, 5.0]).build();
        histogram.record(0.5, &[KeyValue::new("rpc.method", "SearchCodes")]);
        histogram.record(3.0, &[KeyValue::new("rpc.method", "SearchCodes")]);
        let gauge = meter.u64_gauge("codify.index.size").with_unit("By").build();
        gauge.record(42, &[KeyValue::new("note", "a \"quoted\"\nvalue")]);

        let text = reader.render().unwrap_or_default();
        assert!(text.contains("# TYPE codify_search_empty_total counter"), "{text}");
        assert!(text.contains("codify_search_empty_total{code_system=\"all\"} 2"), "{text}");
        assert!(text.contains("# TYPE rpc_server_duration_milliseconds histogram"), "{text}");
        assert!(
            text.contains("rpc_server_duration_milliseconds_bucket{rpc_method=\"SearchCodes\",le=\"1\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("rpc_server_duration_milliseconds_bucket{rpc_method=\"SearchCodes\",le=\"5\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("rpc_server_duration_milliseconds_bucket{rpc_method=\"SearchCodes\",le=\"+Inf\"} 2"),
            "{text}"
        );
        assert!(text.contains("rpc_server_duration_milliseconds_sum{rpc_method=\"SearchCodes\"} 3.5"), "{text}");
        assert!(text.contains("rpc_server_duration_milliseconds_count{rpc_method=\"SearchCodes\"} 2"), "{text}");
        assert!(text.contains("codify_index_size_bytes{note=\"a \\\"quoted\\\"\\nvalue\"} 42"), "{text}");
        assert!(text.contains("target_info{"), "{text}");
    }

    #[test]
    fn names_follow_the_prometheus_rules() {
        assert_eq!(metric_name("codify.index.last_load", "s"), "codify_index_last_load_seconds");
        assert_eq!(metric_name("codify.search.results", "{result}"), "codify_search_results");
        assert_eq!(metric_name("x.seconds", "s"), "x_seconds");
        assert_eq!(sanitize("9lives-x"), "_9lives_x");
        assert_eq!(format_float(f64::INFINITY), "+Inf");
        assert_eq!(format_float(2.5), "2.5");
    }
}
