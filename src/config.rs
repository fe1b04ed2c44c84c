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
    Serve(ServerConfig),
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
    /// Longest time to let in-flight calls finish on shutdown.
    #[arg(long, env = "CODIFY_DRAIN_TIMEOUT", default_value = "20s", value_parser = parse_duration)]
    pub drain_timeout: Duration,
    /// Log format.
    #[arg(long, env = "CODIFY_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Log filter (tracing `EnvFilter` syntax); `RUST_LOG` is used when unset.
    #[arg(long, env = "CODIFY_LOG", default_value = "info")]
    pub log: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([0, 0, 0, 0], 50051)),
            releases: PathBuf::from("data/releases.json"),
            index_dir: None,
            shutdown_delay: Duration::ZERO,
            drain_timeout: Duration::from_secs(20),
            log_format: LogFormat::Text,
            log: "info".to_string(),
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
}
