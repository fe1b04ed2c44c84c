//! Log lines: `tracing` events to stdout, text or one JSON object per line, filtered by
//! `RUST_LOG` / `CODIFY_LOG`. A line written inside a traced span carries `trace_id` and
//! `span_id`, so it can be found from the trace (and the trace from the line).
//!
//! The traced spans themselves (one or two per call) are not log context: their attributes go
//! to the trace, and the line names the trace. The log layer never sees them, so a call does
//! not pay for formatting its span's fields into text nobody reads, nor for the log filter's
//! span bookkeeping. Only a filter that selects by span (`target[span{field=value}]=level`)
//! needs to see them, and then it does.

use opentelemetry::trace::TraceContextExt;
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{span, Event, Level, Metadata, Subscriber};
use tracing_subscriber::filter::{EnvFilter, Targets};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::layer::{Context, Filter};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

use crate::config::{LogFormat, TelemetryConfig};

/// Crate whose spans become OpenTelemetry spans.
const TRACED_TARGET: &str = "codify";
/// Level of those spans.
const TRACED_LEVEL: Level = Level::INFO;

/// Modules whose spans detail a call's inside (`index.search`): worth recording only for an
/// exporter. Otherwise nobody reads them, and the call's own span carries the ids its log lines
/// need; with no layer interested, such a span is not even created.
const CALL_DETAIL_TARGETS: [&str; 1] = ["codify::index"];

/// What the OpenTelemetry layer sees: Codify's own spans (and the events inside them); the
/// spans inside a call only when traces are exported.
pub(super) fn traced(exporting_traces: bool) -> Targets {
    let targets = Targets::new().with_target(TRACED_TARGET, TRACED_LEVEL);
    if exporting_traces {
        return targets;
    }
    targets.with_targets(CALL_DETAIL_TARGETS.map(|target| (target, LevelFilter::OFF)))
}

/// The stdout layer, in the configured format, behind the configured filter.
pub(super) fn layer<S>(config: &TelemetryConfig) -> Box<dyn Layer<S> + Send + Sync>
where
    S: Subscriber + for<'lookup> LookupSpan<'lookup>,
{
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    layer_to(config, ansi, std::io::stdout)
}

/// The log layer writing to `writer`.
fn layer_to<S, W>(config: &TelemetryConfig, ansi: bool, writer: W) -> Box<dyn Layer<S> + Send + Sync>
where
    S: Subscriber + for<'lookup> LookupSpan<'lookup>,
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let filter = LogFilter::new(config);
    match config.log_format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_writer(writer)
            .with_target(false)
            .map_event_format(|format| WithTraceIds { inner: format.flatten_event(true), json: true })
            .with_filter(filter)
            .boxed(),
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_ansi(ansi)
            .with_target(false)
            .map_event_format(|format| WithTraceIds { inner: format, json: false })
            .with_filter(filter)
            .boxed(),
    }
}

/// The log filter, except for Codify's traced spans: the log layer sees them only when the
/// directives select by span; the trace ids of a line come from the OpenTelemetry context the
/// tracing layer activates while a traced span is entered, whatever the log layer sees.
struct LogFilter {
    env: EnvFilter,
    sees_traced_spans: bool,
}

impl LogFilter {
    /// From `RUST_LOG` when set and valid, else `--log`, else `info`.
    fn new(config: &TelemetryConfig) -> LogFilter {
        let candidates = [config.rust_log.as_deref(), Some(config.log.as_str())];
        for directives in candidates.into_iter().flatten() {
            if let Ok(env) = EnvFilter::try_new(directives) {
                return LogFilter { env, sees_traced_spans: selects_by_span(directives) };
            }
        }
        LogFilter { env: EnvFilter::new("info"), sees_traced_spans: false }
    }
}

/// Whether the directives select lines by the span they are written in (`[...]`).
fn selects_by_span(directives: &str) -> bool {
    directives.contains('[')
}

fn is_traced_span(metadata: &Metadata<'_>) -> bool {
    metadata.is_span() && *metadata.level() <= TRACED_LEVEL && metadata.target().starts_with(TRACED_TARGET)
}

impl<S: Subscriber + for<'lookup> LookupSpan<'lookup>> Filter<S> for LogFilter {
    fn enabled(&self, metadata: &Metadata<'_>, context: &Context<'_, S>) -> bool {
        if is_traced_span(metadata) {
            return self.sees_traced_spans;
        }
        Filter::<S>::enabled(&self.env, metadata, context)
    }

    fn callsite_enabled(&self, metadata: &'static Metadata<'static>) -> Interest {
        match (is_traced_span(metadata), self.sees_traced_spans) {
            (true, true) => Interest::always(),
            (true, false) => Interest::never(),
            (false, _) => Filter::<S>::callsite_enabled(&self.env, metadata),
        }
    }

    fn event_enabled(&self, event: &Event<'_>, context: &Context<'_, S>) -> bool {
        Filter::<S>::event_enabled(&self.env, event, context)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        let hint = Filter::<S>::max_level_hint(&self.env);
        match self.sees_traced_spans {
            true => hint.map(|hint| hint.max(LevelFilter::from_level(TRACED_LEVEL))),
            false => hint,
        }
    }

    fn on_new_span(&self, attributes: &span::Attributes<'_>, id: &span::Id, context: Context<'_, S>) {
        Filter::<S>::on_new_span(&self.env, attributes, id, context);
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, context: Context<'_, S>) {
        Filter::<S>::on_record(&self.env, id, values, context);
    }

    fn on_enter(&self, id: &span::Id, context: Context<'_, S>) {
        Filter::<S>::on_enter(&self.env, id, context);
    }

    fn on_exit(&self, id: &span::Id, context: Context<'_, S>) {
        Filter::<S>::on_exit(&self.env, id, context);
    }

    fn on_close(&self, id: span::Id, context: Context<'_, S>) {
        Filter::<S>::on_close(&self.env, id, context);
    }
}

/// Formats with `inner`, then adds the trace and span ids of the innermost entered traced span
/// (the current OpenTelemetry context): as the first keys of a JSON line, or at the end of a
/// text line.
struct WithTraceIds<F> {
    inner: F,
    json: bool,
}

impl<S, N, F> FormatEvent<S, N> for WithTraceIds<F>
where
    S: Subscriber + for<'lookup> LookupSpan<'lookup>,
    N: for<'writer> FormatFields<'writer> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let current = opentelemetry::Context::current();
        let span = current.span();
        let ids = span.span_context();
        if !ids.is_valid() {
            return self.inner.format_event(context, writer, event);
        }
        let (trace_id, span_id) = (ids.trace_id(), ids.span_id());
        let mut line = String::with_capacity(256);
        self.inner.format_event(context, Writer::new(&mut line), event)?;
        if self.json {
            if let Some(rest) = line.strip_prefix('{') {
                return write!(writer, "{{\"trace_id\":\"{trace_id}\",\"span_id\":\"{span_id}\",{rest}");
            }
            return writer.write_str(&line);
        }
        let body = line.strip_suffix('\n').unwrap_or(&line);
        writeln!(writer, "{body} trace_id={trace_id} span_id={span_id}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::{Arc, Mutex};

    use opentelemetry::trace::{SpanContext, TracerProvider as _};
    use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;

    /// Log output kept in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'writer> MakeWriter<'writer> for Captured {
        type Writer = Captured;
        fn make_writer(&'writer self) -> Captured {
            self.clone()
        }
    }

    /// Logs a line inside a traced span with an OpenTelemetry attribute and one after it, as
    /// `config` says; returns the lines and the span's ids.
    fn lines_inside_and_after_a_span(config: &TelemetryConfig) -> (Vec<String>, SpanContext) {
        // As when nothing exports: spans are not recorded, and still have ids.
        let provider = SdkTracerProvider::builder().with_sampler(Sampler::AlwaysOff).build();
        let spans = tracing_opentelemetry::layer().with_tracer(provider.tracer("test")).with_filter(traced(false));
        let captured = Captured::default();
        let subscriber = tracing_subscriber::registry().with(spans).with(layer_to(config, false, captured.clone()));
        let ids = tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("grpc.server", rpc.method = "SearchCodes", offset = 20);
            let ids = span.in_scope(|| {
                tracing::warn!(code = 7, "inside");
                opentelemetry::Context::current().span().span_context().clone()
            });
            tracing::warn!("after");
            ids
        });
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        (text.lines().map(str::to_string).collect(), ids)
    }

    #[test]
    fn a_line_in_a_traced_span_names_the_trace_not_the_span_attributes() {
        let (lines, ids) = lines_inside_and_after_a_span(&TelemetryConfig::default());
        assert!(ids.is_valid());
        assert_eq!(lines.len(), 2, "{lines:?}");
        let ending = format!(" WARN inside code=7 trace_id={} span_id={}", ids.trace_id(), ids.span_id());
        assert!(lines[0].ends_with(&ending), "{}", lines[0]);
        assert!(lines[1].ends_with(" WARN after"), "{}", lines[1]);

        let json = TelemetryConfig { log_format: LogFormat::Json, ..Default::default() };
        let (lines, ids) = lines_inside_and_after_a_span(&json);
        let first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
        assert_eq!(first["trace_id"], ids.trace_id().to_string());
        assert_eq!(first["span_id"], ids.span_id().to_string());
        assert_eq!(first["message"], "inside");
        assert_eq!(first.get("span"), None, "{first}");
        let second: serde_json::Value = serde_json::from_str(&lines[1]).unwrap();
        assert_eq!(second.get("trace_id"), None, "{second}");
    }

    #[test]
    fn spans_inside_a_call_are_made_only_for_an_exporter_or_a_filter_by_span() {
        let search = "codify::index::search";
        let call = "codify::telemetry::rpc";
        assert!(!traced(false).would_enable(search, &Level::INFO));
        assert!(traced(false).would_enable(call, &Level::INFO));
        assert!(traced(true).would_enable(search, &Level::INFO));
        let sees = |directives: &str| {
            let config = TelemetryConfig { rust_log: Some(directives.to_string()), ..Default::default() };
            LogFilter::new(&config).sees_traced_spans
        };
        assert!(!sees("info"));
        assert!(sees("warn,codify[index.search]=debug"));
        assert!(!sees("info,codify=debug"));
    }

    #[test]
    fn a_filter_that_selects_by_span_sees_the_traced_spans() {
        let config =
            TelemetryConfig { rust_log: Some("warn,codify[grpc.server]=debug".to_string()), ..Default::default() };
        let (lines, ids) = lines_inside_and_after_a_span(&config);
        assert_eq!(lines.len(), 2, "{lines:?}");
        let context = "grpc.server{rpc.method=\"SearchCodes\" offset=20}: inside code=7";
        assert!(lines[0].contains(context), "{}", lines[0]);
        assert!(lines[0].ends_with(&format!("trace_id={} span_id={}", ids.trace_id(), ids.span_id())), "{}", lines[0]);
        assert!(!selects_by_span("info,codify=debug"));
    }
}
