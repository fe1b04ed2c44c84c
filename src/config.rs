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
    /// Check a claim: `codify check --type inpatient --dos 2025-11-01 --age 70 O80`.
    Check(crate::cli::CheckArgs),
    /// Look up the ICD-10-CM Alphabetic Index: `codify index fracture femur neck`.
    Index(crate::cli::IndexArgs),
    /// List the loaded releases.
    Releases(crate::cli::ClientArgs),
    /// Evaluate search on a judged query set (runs in-process, no server needed).
    Eval(crate::cli::EvalArgs),
    /// Suggest codes for a note: `codify suggest note.txt` (or `-` for standard input).
    Suggest(crate::cli::notes::SuggestArgs),
    /// Evaluate code suggestion on a CodiEsp split (in-process): `codify eval-suggest data/codiesp/dev`.
    EvalSuggest(crate::cli::notes::EvalSuggestArgs),
    /// Evaluate negation on a NegEx-layout file (in-process): `codify eval-negation FILE`.
    EvalNegation(crate::cli::notes::EvalNegationArgs),
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
    /// How long to wait on SIGTERM, after health turns NOT_SERVING, before refusing new calls
    /// (so probes and balancers see it first); SIGINT drains at once.
    #[arg(long, env = "CODIFY_SHUTDOWN_DELAY", default_value = "5s", value_parser = parse_duration)]
    pub shutdown_delay: Duration,
    /// How often to check the release manifest and its files for changes and reload them
    /// (`0s` turns the check off; `POST /reload` on the admin port always works).
    #[arg(long, env = "CODIFY_RELOAD_INTERVAL", default_value = "30s", value_parser = parse_duration)]
    pub reload_interval: Duration,
    /// How long release files must be left unmodified before a reload reads them (a file
    /// being written in place is not read half-written).
    #[arg(long, env = "CODIFY_RELOAD_SETTLE", default_value = "10s", value_parser = parse_duration)]
    pub reload_settle: Duration,
    /// Shortest time between the starts of two reloads.
    #[arg(long, env = "CODIFY_RELOAD_MIN_INTERVAL", default_value = "10s", value_parser = parse_duration)]
    pub reload_min_interval: Duration,
    /// Largest share of a release's codes, in percent, that a reload may lose against the
    /// release it replaces (more is refused as a likely truncated file, unless `POST
    /// /reload?allow_code_loss=true` says otherwise).
    #[arg(long, env = "CODIFY_RELOAD_MAX_CODE_LOSS", default_value_t = 5, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub reload_max_code_loss: u8,
    /// Bearer token `POST /reload` on the admin port must carry (`Authorization: Bearer
    /// ...`); without one, the request must carry the header `X-Codify-Admin: reload`.
    #[arg(long, env = "CODIFY_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Key that signs page tokens (any text; give every replica the same one so a page made
    /// by one is accepted by the others); a random key per process when unset.
    #[arg(long, env = "CODIFY_PAGE_TOKEN_KEY", hide_env_values = true)]
    pub page_token_key: Option<String>,
    /// Longest time to let in-flight calls finish on shutdown.
    #[arg(long, env = "CODIFY_DRAIN_TIMEOUT", default_value = "20s", value_parser = parse_duration)]
    pub drain_timeout: Duration,
    /// Admin HTTP address serving `GET /metrics` (Prometheus text) and `GET /healthz`; empty to
    /// disable. Only the binary listens on it: [`crate::serve`] takes its listeners as given.
    #[arg(long, env = "CODIFY_ADMIN_LISTEN", default_value = "0.0.0.0:9090", value_parser = parse_optional_address)]
    pub admin_listen: ::std::option::Option<SocketAddr>,
    /// HTTP address serving the FHIR R4 terminology API under `/fhir` and gRPC-Web for the
    /// code service (HTTP/1.1); empty to disable. Only the binary listens on it.
    #[arg(long, env = "CODIFY_HTTP_LISTEN", default_value = "0.0.0.0:8080", value_parser = parse_optional_address)]
    pub http_listen: ::std::option::Option<SocketAddr>,
    /// On the HTTP port, close a connection that has not sent a whole request head this long
    /// after starting one (or after connecting).
    #[arg(long, env = "CODIFY_HTTP_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = parse_nonzero_duration)]
    pub http_header_read_timeout: Duration,
    /// Most connections open at once on the HTTP port; further ones wait to be accepted.
    #[arg(long, env = "CODIFY_HTTP_MAX_CONNECTIONS", default_value_t = DEFAULT_HTTP_MAX_CONNECTIONS, value_parser = clap::value_parser!(u32).range(1..))]
    pub http_max_connections: u32,
    /// Origins a browser may call the HTTP port from (CORS), comma-separated
    /// (`https://app.example.org`), or `*` for any; none by default.
    #[arg(long = "cors-allow-origin", env = "CODIFY_CORS_ALLOW_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    pub cors_allow_origins: Vec<String>,
    /// Search pages kept in memory per loaded release set (least recently used go first);
    /// `0` turns the page cache off.
    #[arg(long, env = "CODIFY_SEARCH_CACHE_ENTRIES", default_value_t = DEFAULT_SEARCH_CACHE_ENTRIES)]
    pub search_cache_entries: usize,
    /// Index every release before serving. By default the releases that ended before today
    /// are indexed right after the service turns SERVING, and a search dated in one of them
    /// waits until they are (a few seconds after start-up).
    #[arg(long, env = "CODIFY_INDEX_ENDED_RELEASES_FIRST")]
    pub index_ended_releases_first: bool,
    /// Connection, message, deadline and load-shedding settings.
    #[command(flatten)]
    pub transport: TransportConfig,
    /// Logs, traces and metrics.
    #[command(flatten)]
    pub telemetry: TelemetryConfig,
}

/// Transport settings that matter behind L4 balancers: connection age (so clients
/// rebalance onto new pods), HTTP/2 keepalive, message sizes, deadlines and load shedding.
/// A zero duration or limit turns the setting off.
#[derive(Debug, Clone, Args)]
pub struct TransportConfig {
    /// Close connections (GOAWAY, then drain) after this age so long-lived clients rebalance.
    #[arg(long, env = "CODIFY_MAX_CONNECTION_AGE", default_value = "5m", value_parser = parse_duration)]
    pub max_connection_age: Duration,
    /// Random per-pod spread of the connection age, in percent (±), so pods do not cycle
    /// their connections in step.
    #[arg(long, env = "CODIFY_MAX_CONNECTION_AGE_JITTER", default_value_t = 10, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub max_connection_age_jitter: u8,
    /// Time calls in flight get to finish on a connection past its age before it is closed.
    #[arg(long, env = "CODIFY_MAX_CONNECTION_AGE_GRACE", default_value = "30s", value_parser = parse_duration)]
    pub max_connection_age_grace: Duration,
    /// Interval between HTTP/2 keepalive pings on idle connections.
    #[arg(long, env = "CODIFY_HTTP2_KEEPALIVE_INTERVAL", default_value = "60s", value_parser = parse_duration)]
    pub http2_keepalive_interval: Duration,
    /// Time to wait for a keepalive ping to be acknowledged before closing the connection.
    #[arg(long, env = "CODIFY_HTTP2_KEEPALIVE_TIMEOUT", default_value = "20s", value_parser = parse_duration)]
    pub http2_keepalive_timeout: Duration,
    /// Largest request message accepted, in bytes.
    #[arg(long, env = "CODIFY_MAX_REQUEST_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_request_bytes: usize,
    /// Largest response message sent, in bytes.
    #[arg(long, env = "CODIFY_MAX_RESPONSE_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// Longest a call may run; a shorter `grpc-timeout` from the caller wins.
    #[arg(long, env = "CODIFY_REQUEST_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// Most unary calls in flight at once (health checks excepted); calls beyond it get
    /// RESOURCE_EXHAUSTED at once.
    #[arg(long, env = "CODIFY_CONCURRENCY_LIMIT", default_value_t = 256)]
    pub concurrency_limit: usize,
    /// Most server streams (DiffReleases, ExportCodes) in flight at once, apart from the
    /// unary calls of `--concurrency-limit`; streams beyond it get RESOURCE_EXHAUSTED at once.
    #[arg(long, env = "CODIFY_STREAM_LIMIT", default_value_t = 32)]
    pub stream_limit: usize,
    /// A server stream that sends nothing for this long (its reader stopped reading) gives
    /// its slot back and ends with DEADLINE_EXCEEDED (`0s`: never).
    #[arg(long, env = "CODIFY_STREAM_STALL_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub stream_stall_timeout: Duration,
    /// Most HTTP/2 streams (calls) open at once on one connection (0: the HTTP/2 default).
    #[arg(long, env = "CODIFY_MAX_CONCURRENT_STREAMS", default_value_t = 128)]
    pub max_concurrent_streams: u32,
    /// Request bytes in flight, in bytes, each request charged three times its size (copy,
    /// decode buffer, decoded message); 0 sizes it from the memory limit of the container
    /// (an eighth of it; 256 MiB without one). Requests over it get RESOURCE_EXHAUSTED.
    #[arg(long, env = "CODIFY_REQUEST_BYTES_BUDGET", default_value_t = 0)]
    pub request_bytes_budget: usize,
    /// Close a connection that sends nothing for this long after it is accepted (`0s`: never).
    #[arg(long, env = "CODIFY_HANDSHAKE_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub handshake_timeout: Duration,
    /// TLS certificate chain (PEM) for the gRPC listener; plaintext when unset (a mesh
    /// usually does TLS).
    #[arg(long, env = "CODIFY_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// Private key (PEM) of the TLS certificate.
    #[arg(long, env = "CODIFY_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// CA bundle (PEM) that client certificates must chain to: mutual TLS when set.
    #[arg(long, env = "CODIFY_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,
    /// How often the TLS files are checked for changes and reloaded.
    #[arg(long, env = "CODIFY_TLS_RELOAD_INTERVAL", default_value = "60s", value_parser = parse_duration)]
    pub tls_reload_interval: Duration,
}

impl ServerConfig {
    /// The reload guards.
    pub fn reload_policy(&self) -> crate::reload::ReloadPolicy {
        crate::reload::ReloadPolicy {
            settle: self.reload_settle,
            min_interval: self.reload_min_interval,
            max_code_loss_percent: self.reload_max_code_loss,
        }
    }
}

impl TransportConfig {
    /// The TLS files, when TLS is on.
    pub fn tls_files(&self) -> Option<crate::tls::TlsFiles> {
        Some(crate::tls::TlsFiles {
            cert: self.tls_cert.clone()?,
            key: self.tls_key.clone()?,
            client_ca: self.tls_client_ca.clone(),
        })
    }
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            max_connection_age: Duration::from_secs(300),
            max_connection_age_jitter: 10,
            max_connection_age_grace: Duration::from_secs(30),
            http2_keepalive_interval: Duration::from_secs(60),
            http2_keepalive_timeout: Duration::from_secs(20),
            max_request_bytes: 4 * 1024 * 1024,
            max_response_bytes: 64 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            concurrency_limit: 256,
            stream_limit: 32,
            stream_stall_timeout: Duration::from_secs(30),
            max_concurrent_streams: 128,
            request_bytes_budget: 0,
            handshake_timeout: Duration::from_secs(10),
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
            tls_reload_interval: Duration::from_secs(60),
        }
    }
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
    /// Tag each `index.search` span with the query text (`query.text`); logs and metrics
    /// never carry it. Off by default: query text can carry patient information.
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
            shutdown_delay: DEFAULT_SHUTDOWN_DELAY,
            reload_interval: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(20),
            reload_settle: Duration::from_secs(10),
            reload_min_interval: Duration::from_secs(10),
            reload_max_code_loss: 5,
            admin_token: None,
            page_token_key: None,
            admin_listen: Some(SocketAddr::from(([0, 0, 0, 0], 9090))),
            http_listen: Some(SocketAddr::from(([0, 0, 0, 0], 8080))),
            http_header_read_timeout: Duration::from_secs(10),
            http_max_connections: DEFAULT_HTTP_MAX_CONNECTIONS,
            cors_allow_origins: Vec::new(),
            search_cache_entries: DEFAULT_SEARCH_CACHE_ENTRIES,
            index_ended_releases_first: false,
            transport: TransportConfig::default(),
            telemetry: TelemetryConfig::default(),
        }
    }
}

/// Delay between NOT_SERVING and the drain on SIGTERM unless configured otherwise.
pub const DEFAULT_SHUTDOWN_DELAY: Duration = Duration::from_secs(5);

/// Connections the HTTP port holds open at once unless configured otherwise.
pub const DEFAULT_HTTP_MAX_CONNECTIONS: u32 = 1024;

/// Search pages cached per engine unless configured otherwise.
pub const DEFAULT_SEARCH_CACHE_ENTRIES: usize = 4096;

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

/// A duration that is not zero (a timeout that must apply).
pub fn parse_nonzero_duration(text: &str) -> Result<Duration, String> {
    match parse_duration(text)? {
        duration if duration.is_zero() => Err(format!("{text:?} must be more than zero")),
        duration => Ok(duration),
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

/// A CORS origin: `*`, or `scheme://host[:port]` without a path.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let trimmed = text.trim().trim_end_matches('/');
    if trimmed == "*" {
        return Ok(trimmed.to_string());
    }
    let Some((scheme, host)) = trimmed.split_once("://") else {
        return Err(format!("invalid origin {text:?} (use https://host[:port] or *)"));
    };
    let host_ok =
        !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !matches!(scheme, "http" | "https") || !host_ok {
        return Err(format!("invalid origin {text:?} (use https://host[:port] or *)"));
    }
    Ok(trimmed.to_ascii_lowercase())
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
    fn transport_defaults_match_flags() {
        let parsed = Cli::try_parse_from(["codify"]).map(|cli| cli.server.transport).map_err(|e| e.to_string());
        let defaults = TransportConfig::default();
        let parsed = parsed.as_ref().map_err(String::as_str);
        assert_eq!(parsed.map(|t| t.max_connection_age), Ok(defaults.max_connection_age));
        assert_eq!(parsed.map(|t| t.max_connection_age_jitter), Ok(defaults.max_connection_age_jitter));
        assert_eq!(parsed.map(|t| t.max_connection_age_grace), Ok(defaults.max_connection_age_grace));
        assert_eq!(parsed.map(|t| t.http2_keepalive_interval), Ok(defaults.http2_keepalive_interval));
        assert_eq!(parsed.map(|t| t.http2_keepalive_timeout), Ok(defaults.http2_keepalive_timeout));
        assert_eq!(parsed.map(|t| t.max_request_bytes), Ok(defaults.max_request_bytes));
        assert_eq!(parsed.map(|t| t.max_response_bytes), Ok(defaults.max_response_bytes));
        assert_eq!(parsed.map(|t| t.request_timeout), Ok(defaults.request_timeout));
        assert_eq!(parsed.map(|t| t.concurrency_limit), Ok(defaults.concurrency_limit));
        assert_eq!(parsed.map(|t| t.stream_limit), Ok(defaults.stream_limit));
        assert_eq!(parsed.map(|t| t.stream_stall_timeout), Ok(defaults.stream_stall_timeout));
        assert_eq!(parsed.map(|t| t.max_concurrent_streams), Ok(defaults.max_concurrent_streams));
        assert_eq!(parsed.map(|t| t.request_bytes_budget), Ok(defaults.request_bytes_budget));
        assert_eq!(parsed.map(|t| t.handshake_timeout), Ok(defaults.handshake_timeout));
        assert!(Cli::try_parse_from(["codify", "--max-connection-age-jitter", "101"]).is_err());
        assert!(Cli::try_parse_from(["codify", "--tls-cert", "cert.pem"]).is_err(), "a certificate needs its key");
    }

    #[test]
    fn http_limits_default_and_parse() {
        let defaults = ServerConfig::default();
        let parsed = Cli::try_parse_from(["codify"]).map(|cli| cli.server).map_err(|e| e.to_string());
        let parsed = parsed.as_ref().map_err(String::as_str);
        assert_eq!(parsed.map(|s| s.http_header_read_timeout), Ok(defaults.http_header_read_timeout));
        assert_eq!(parsed.map(|s| s.http_max_connections), Ok(defaults.http_max_connections));
        let set = Cli::try_parse_from(["codify", "--http-header-read-timeout", "250ms", "--http-max-connections", "3"])
            .map(|cli| (cli.server.http_header_read_timeout, cli.server.http_max_connections))
            .map_err(|e| e.to_string());
        assert_eq!(set, Ok((Duration::from_millis(250), 3)));
        assert!(Cli::try_parse_from(["codify", "--http-header-read-timeout", "0s"]).is_err());
        assert!(Cli::try_parse_from(["codify", "--http-max-connections", "0"]).is_err());
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
