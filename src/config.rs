//! Configuration: command-line flags with `CODIFY_*` environment fallbacks, parsed once.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Codify: search, look up and validate US medical billing codes over gRPC.
#[derive(Debug, Parser)]
#[command(name = "codify", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// A client command; without one, the server runs.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Server settings (used when no command is given, or with `serve`).
    #[command(flatten)]
    pub server: ServerConfig,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve(Box<ServerConfig>),
    /// Search codes: `codify search "heart attack"`.
    Search(crate::cli::SearchArgs),
    /// Show one code: `codify get E11.9`.
    Get(crate::cli::GetArgs),
    /// Validate codes for a date of service: `codify validate icd10cm:E11.9 hcpcs:J1100@2025-11-01`.
    Validate(crate::cli::ValidateArgs),
    /// Browse the hierarchy: `codify children icd10cm ch04`.
    Children(crate::cli::ChildrenArgs),
    /// List the loaded releases.
    Releases(crate::cli::ClientArgs),
    /// Evaluate search on a judged query set (runs in-process, no server needed).
    Eval(crate::cli::EvalArgs),
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable text.
    Text,
    /// One JSON object per line.
    Json,
}

/// Server settings.
#[derive(Debug, Clone, Args)]
pub struct ServerConfig {
    /// Address to listen on.
    #[arg(long, env = "CODIFY_LISTEN", default_value = "0.0.0.0:50051")]
    pub listen: SocketAddr,
    /// Release manifest (JSON) listing the release files to load.
    #[arg(long, env = "CODIFY_RELEASES", default_value = "data/releases.json")]
    pub releases: PathBuf,
    /// Directory to keep the index in; rebuilt when the releases change. In memory when unset.
    #[arg(long, env = "CODIFY_INDEX_DIR")]
    pub index_dir: Option<PathBuf>,
    /// How long to wait, after health turns NOT_SERVING on SIGTERM, before refusing new calls.
    #[arg(long, env = "CODIFY_SHUTDOWN_DELAY", default_value = "0s", value_parser = parse_duration)]
    pub shutdown_delay: Duration,
    /// How often to check the release manifest and its files for changes and reload them
    /// (`0s` turns the check off; `POST /reload` on the admin port always works).
    #[arg(long, env = "CODIFY_RELOAD_INTERVAL", default_value = "30s", value_parser = parse_duration)]
    pub reload_interval: Duration,
    /// Longest time to let in-flight calls finish on shutdown.
    #[arg(long, env = "CODIFY_DRAIN_TIMEOUT", default_value = "20s", value_parser = parse_duration)]
    pub drain_timeout: Duration,
    /// Admin HTTP address serving `GET /metrics` (Prometheus text) and `GET /healthz`; empty to
    /// disable. Only the binary listens on it: [`crate::serve`] takes its listeners as given.
    #[arg(long, env = "CODIFY_ADMIN_LISTEN", default_value = "0.0.0.0:9090", value_parser = parse_optional_address)]
    pub admin_listen: ::std::option::Option<SocketAddr>,
    /// Logs, traces and metrics.
    #[command(flatten)]
    pub telemetry: TelemetryConfig,
}

/// Telemetry settings: logs, and OpenTelemetry export configured by the standard `OTEL_*`
/// environment variables (each also a flag). Export is off while no OTLP endpoint is set.
#[derive(Debug, Clone, Args)]
pub struct TelemetryConfig {
    /// Log format.
    #[arg(long, env = "CODIFY_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Log filter (tracing `EnvFilter` syntax); `RUST_LOG` wins when set.
    #[arg(long, env = "CODIFY_LOG", default_value = "info")]
    pub log: String,
    /// Log filter from the environment, preferred to `--log`.
    #[arg(long, env = "RUST_LOG", hide = true)]
    pub rust_log: Option<String>,
    /// Record query text on search spans and in logs. Off by default: query text can carry
    /// patient information.
    #[arg(long, env = "CODIFY_LOG_QUERY_TEXT")]
    pub log_query_text: bool,
    /// OTLP base endpoint for traces and metrics (`http://collector:4317` for gRPC,
    /// `http://collector:4318` for HTTP, where `/v1/traces` and `/v1/metrics` are appended).
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
    /// OTLP endpoint for traces only, used as is.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")]
    pub otlp_traces_endpoint: Option<String>,
    /// OTLP endpoint for metrics only, used as is.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")]
    pub otlp_metrics_endpoint: Option<String>,
    /// OTLP transport.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_PROTOCOL", value_enum, default_value = "http/protobuf")]
    pub otlp_protocol: OtlpProtocol,
    /// `service.name` of every span and metric; else `service.name` from the resource
    /// attributes; else `codify`.
    #[arg(long, env = "OTEL_SERVICE_NAME")]
    pub service_name: Option<String>,
    /// More resource attributes: `key=value,key=value` (values percent-encoded).
    #[arg(long, env = "OTEL_RESOURCE_ATTRIBUTES", value_parser = parse_resource_attributes, default_value = "")]
    pub resource_attributes: ResourceAttributes,
    /// Which traces to record.
    #[arg(long, env = "OTEL_TRACES_SAMPLER", value_enum, default_value = "parentbased_always_on")]
    pub traces_sampler: TracesSampler,
    /// Sampling ratio for the `traceidratio` samplers, 0 to 1.
    #[arg(long, env = "OTEL_TRACES_SAMPLER_ARG", default_value_t = 1.0)]
    pub traces_sampler_arg: f64,
    /// Interval between metric exports over OTLP, in milliseconds.
    #[arg(long, env = "OTEL_METRIC_EXPORT_INTERVAL", default_value_t = 60_000)]
    pub metric_export_interval_ms: u64,
}

/// OTLP transport (`OTEL_EXPORTER_OTLP_PROTOCOL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OtlpProtocol {
    /// OTLP/gRPC (port 4317 by convention).
    #[value(name = "grpc")]
    Grpc,
    /// OTLP/HTTP with protobuf bodies (port 4318 by convention).
    #[value(name = "http/protobuf")]
    HttpProtobuf,
}

/// Trace sampler (`OTEL_TRACES_SAMPLER`), as the OpenTelemetry specification names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TracesSampler {
    /// Record every trace.
    #[value(name = "always_on")]
    AlwaysOn,
    /// Record no trace.
    #[value(name = "always_off")]
    AlwaysOff,
    /// Record a ratio of traces (`OTEL_TRACES_SAMPLER_ARG`).
    #[value(name = "traceidratio")]
    TraceIdRatio,
    /// Follow the caller's decision; record every trace started here.
    #[value(name = "parentbased_always_on")]
    ParentBasedAlwaysOn,
    /// Follow the caller's decision; record no trace started here.
    #[value(name = "parentbased_always_off")]
    ParentBasedAlwaysOff,
    /// Follow the caller's decision; record a ratio of the traces started here.
    #[value(name = "parentbased_traceidratio")]
    ParentBasedTraceIdRatio,
}

/// Resource attributes from `OTEL_RESOURCE_ATTRIBUTES`, decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceAttributes(pub Vec<(String, String)>);

impl Default for TelemetryConfig {
    fn default() -> Self {
        TelemetryConfig {
            log_format: LogFormat::Text,
            log: "info".to_string(),
            rust_log: None,
            log_query_text: false,
            otlp_endpoint: None,
            otlp_traces_endpoint: None,
            otlp_metrics_endpoint: None,
            otlp_protocol: OtlpProtocol::HttpProtobuf,
            service_name: None,
            resource_attributes: ResourceAttributes::default(),
            traces_sampler: TracesSampler::ParentBasedAlwaysOn,
            traces_sampler_arg: 1.0,
            metric_export_interval_ms: 60_000,
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([0, 0, 0, 0], 50051)),
            releases: PathBuf::from("data/releases.json"),
            index_dir: None,
            shutdown_delay: Duration::ZERO,
            reload_interval: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(20),
            admin_listen: Some(SocketAddr::from(([0, 0, 0, 0], 9090))),
            telemetry: TelemetryConfig::default(),
        }
    }
}

/// Parses `250ms`, `5s`, `2m` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let (number, unit) = match trimmed.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => trimmed.split_at(at),
        None => (trimmed, "s"),
    };
    let value: u64 = number.parse().map_err(|_| format!("invalid duration {text:?} (use 500ms, 5s, 2m)"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(value)),
        "s" => Ok(Duration::from_secs(value)),
        "m" => Ok(Duration::from_secs(value * 60)),
        _ => Err(format!("invalid duration unit in {text:?} (use ms, s or m)")),
    }
}

/// An address, or nothing for an empty value (a listener turned off).
pub fn parse_optional_address(text: &str) -> Result<Option<SocketAddr>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    trimmed.parse().map(Some).map_err(|e| format!("invalid address {text:?}: {e} (use host:port, or empty to disable)"))
}

/// Parses `OTEL_RESOURCE_ATTRIBUTES`: `key=value` pairs separated by commas, values
/// percent-encoded. A malformed list is refused rather than half applied.
pub fn parse_resource_attributes(text: &str) -> Result<ResourceAttributes, String> {
    let mut attributes = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|pair| !pair.is_empty()) {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!("resource attribute {pair:?} is not key=value"));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("resource attribute {pair:?} has an empty key"));
        }
        attributes.push((key.to_string(), percent_decode(value.trim())?));
    }
    Ok(ResourceAttributes(attributes))
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let byte = text
                .get(at + 1..at + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .ok_or_else(|| format!("bad percent-encoding in {text:?}"))?;
            decoded.push(byte);
            at += 3;
        } else {
            decoded.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| format!("{text:?} does not decode to UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert!(parse_duration("5h").is_err());
        assert!(parse_duration("x").is_err());
    }

    #[test]
    fn parses_optional_addresses() {
        assert_eq!(parse_optional_address(""), Ok(None));
        assert_eq!(parse_optional_address("127.0.0.1:9090"), Ok(Some(SocketAddr::from(([127, 0, 0, 1], 9090)))));
        assert!(parse_optional_address("nowhere").is_err());
    }

    #[test]
    fn parses_resource_attributes() {
        let parsed =
            parse_resource_attributes("k8s.pod.name=codify-0, deployment.environment.name=a%20b,").map(|a| a.0);
        let expected = vec![
            ("k8s.pod.name".to_string(), "codify-0".to_string()),
            ("deployment.environment.name".to_string(), "a b".to_string()),
        ];
        assert_eq!(parsed, Ok(expected));
        assert_eq!(parse_resource_attributes(""), Ok(ResourceAttributes::default()));
        assert!(parse_resource_attributes("novalue").is_err());
        assert!(parse_resource_attributes("=x").is_err());
        assert!(parse_resource_attributes("k=%zz").is_err());
    }

    #[test]
    fn parses_telemetry_flags() {
        let cli = Cli::try_parse_from([
            "codify",
            "--admin-listen",
            "",
            "--otlp-protocol",
            "grpc",
            "--traces-sampler",
            "parentbased_traceidratio",
            "--traces-sampler-arg",
            "0.25",
            "--log-query-text",
        ]);
        let server = cli.map(|cli| cli.server).map_err(|e| e.to_string());
        let server = server.as_ref().map_err(String::as_str);
        assert_eq!(server.map(|s| s.admin_listen), Ok(None));
        assert_eq!(server.map(|s| s.telemetry.otlp_protocol), Ok(OtlpProtocol::Grpc));
        assert_eq!(server.map(|s| s.telemetry.traces_sampler), Ok(TracesSampler::ParentBasedTraceIdRatio));
        assert_eq!(server.map(|s| s.telemetry.log_query_text), Ok(true));
        assert!(Cli::try_parse_from(["codify", "--otlp-protocol", "http/json"]).is_err());
    }
}
