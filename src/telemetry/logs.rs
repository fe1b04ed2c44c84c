//! Log lines: `tracing` events to stdout, text or one JSON object per line, filtered by
//! `RUST_LOG` / `CODIFY_LOG`. A line written inside a traced span carries `trace_id` and
//! `span_id`, so it can be found from the trace (and the trace from the line).

use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{span, Event, Level, Metadata, Subscriber};
use tracing_opentelemetry::OtelData;
use tracing_subscriber::filter::{EnvFilter, Targets};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::{Context, Filter};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

use crate::config::{LogFormat, TelemetryConfig};

/// Crate whose spans become OpenTelemetry spans.
const TRACED_TARGET: &str = "codify";
/// Level of those spans.
const TRACED_LEVEL: Level = Level::INFO;

/// What the OpenTelemetry layer sees: Codify's own spans (and the events inside them).
pub(super) fn traced() -> Targets {
    Targets::new().with_target(TRACED_TARGET, TRACED_LEVEL)
}

/// The stdout layer, in the configured format, behind the configured filter.
pub(super) fn layer<S>(config: &TelemetryConfig) -> Box<dyn Layer<S> + Send + Sync>
where
    S: Subscriber + for<'lookup> LookupSpan<'lookup>,
{
    let filter = LogFilter { env: env_filter(config) };
    match config.log_format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_target(false)
            .map_event_format(|format| WithTraceIds { inner: format.flatten_event(true), json: true })
            .with_filter(filter)
            .boxed(),
        LogFormat::Text => {
            let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
            tracing_subscriber::fmt::layer()
                .with_target(false)
                .map_event_format(|format| WithTraceIds { inner: format.with_ansi(ansi), json: false })
                .with_filter(filter)
                .boxed()
        }
    }
}

/// `RUST_LOG` when set and valid, else `--log`, else `info`.
fn env_filter(config: &TelemetryConfig) -> EnvFilter {
    config
        .rust_log
        .as_deref()
        .and_then(|value| EnvFilter::try_new(value).ok())
        .or_else(|| EnvFilter::try_new(&config.log).ok())
        .unwrap_or_else(|| EnvFilter::new("info"))
}

/// The log filter, except that traced spans always pass: a `warn` line inside a request
/// still finds the request's span, and so its trace id, whatever level spans are logged at.
struct LogFilter {
    env: EnvFilter,
}

fn is_traced_span(metadata: &Metadata<'_>) -> bool {
    metadata.is_span() && *metadata.level() <= TRACED_LEVEL && metadata.target().starts_with(TRACED_TARGET)
}

impl<S: Subscriber + for<'lookup> LookupSpan<'lookup>> Filter<S> for LogFilter {
    fn enabled(&self, metadata: &Metadata<'_>, context: &Context<'_, S>) -> bool {
        is_traced_span(metadata) || Filter::<S>::enabled(&self.env, metadata, context)
    }

    fn callsite_enabled(&self, metadata: &'static Metadata<'static>) -> Interest {
        if is_traced_span(metadata) {
            return Interest::always();
        }
        Filter::<S>::callsite_enabled(&self.env, metadata)
    }

    fn event_enabled(&self, event: &Event<'_>, context: &Context<'_, S>) -> bool {
        Filter::<S>::event_enabled(&self.env, event, context)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Filter::<S>::max_level_hint(&self.env).map(|hint| hint.max(LevelFilter::from_level(TRACED_LEVEL)))
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

/// Formats with `inner`, then adds the trace and span ids of the innermost traced span: as the
/// first keys of a JSON line, or at the end of a text line.
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
        let ids = context.parent_span().and_then(|span| {
            span.scope().find_map(|span| {
                let extensions = span.extensions();
                let data = extensions.get::<OtelData>()?;
                Some((data.trace_id()?, data.span_id()?))
            })
        });
        let Some((trace_id, span_id)) = ids.filter(|(trace_id, _)| *trace_id != opentelemetry::TraceId::INVALID) else {
            return self.inner.format_event(context, writer, event);
        };
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
