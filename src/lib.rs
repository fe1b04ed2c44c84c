//! Codify: search, look up and validate US medical billing codes (ICD-10-CM, HCPCS
//! Level II, CPT) over gRPC (and FHIR R4 and gRPC-Web over HTTP), answering for the code-set release in force on a date.
#![forbid(unsafe_code)]

pub mod alpha_index;
pub mod claims;
pub mod cli;
pub mod codes;
pub mod config;
pub mod engine;
pub mod eval;
pub mod fuzz_targets;
pub mod grpc;
pub mod http;
pub mod index;
pub mod loaders;
pub mod memory;
pub mod notes;
pub mod reload;
pub mod suggest;
pub mod telemetry;
pub mod text;
pub mod tls;

use std::process::ExitCode;

pub use grpc::server::{serve, serve_with_admin, serve_with_listeners, Listeners, ServeError, ShutdownKind};

/// Runs the server until SIGTERM or SIGINT: sets up telemetry, binds, serves, drains, then
/// flushes telemetry. Returns the exit code.
pub async fn run_server(config: config::ServerConfig) -> ExitCode {
    let telemetry = match telemetry::init(&config.telemetry) {
        Ok(telemetry) => telemetry,
        Err(error) => {
            eprintln!("codify: {error}");
            return ExitCode::FAILURE;
        }
    };
    let exit_code = bind_and_serve(config, &telemetry).await;
    telemetry.shutdown().await;
    exit_code
}

async fn bind_and_serve(config: config::ServerConfig, telemetry: &telemetry::Telemetry) -> ExitCode {
    let listener = match bind(config.listen).await {
        Ok(listener) => listener,
        Err(code) => return code,
    };
    let admin = match config.admin_listen {
        Some(address) => match bind(address).await {
            Ok(listener) => Some(
                telemetry::admin::AdminServer::new(listener, telemetry.prometheus())
                    .with_token(config.admin_token.clone()),
            ),
            Err(code) => return code,
        },
        None => None,
    };
    let http = match config.http_listen {
        Some(address) => match bind(address).await {
            Ok(listener) => Some(listener),
            Err(code) => return code,
        },
        None => None,
    };
    match serve_with_listeners(config, listener, Listeners { admin, http }, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "server stopped");
            eprintln!("codify: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn bind(address: std::net::SocketAddr) -> Result<tokio::net::TcpListener, ExitCode> {
    tokio::net::TcpListener::bind(address).await.map_err(|error| {
        tracing::error!(address = %address, error = %error, "cannot listen");
        eprintln!("codify: cannot listen on {address}: {error}");
        ExitCode::FAILURE
    })
}

/// Resolves on SIGTERM (a graceful shutdown: health turns NOT_SERVING, then the configured
/// delay, then the drain) or SIGINT (at a terminal: drain at once).
pub async fn shutdown_signal() -> ShutdownKind {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut stream) => {
                    stream.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = interrupt => {
                tracing::info!(signal = "SIGINT", "shutdown requested");
                ShutdownKind::Immediate
            }
            () = terminate => {
                tracing::info!(signal = "SIGTERM", "shutdown requested");
                ShutdownKind::Graceful
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
        ShutdownKind::Immediate
    }
}
