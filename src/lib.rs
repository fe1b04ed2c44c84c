//! Codify: search, look up and validate US medical billing codes (ICD-10-CM, HCPCS
//! Level II, CPT) over gRPC, answering for the code-set release in force on a date.
#![forbid(unsafe_code)]

pub mod cli;
pub mod codes;
pub mod config;
pub mod engine;
pub mod eval;
pub mod grpc;
pub mod index;
pub mod loaders;
pub mod telemetry;

use std::process::ExitCode;

pub use grpc::server::{serve, ServeError};

/// Runs the server until SIGTERM or SIGINT: binds, serves, drains. Returns the exit code.
pub async fn run_server(config: config::ServerConfig) -> ExitCode {
    telemetry::init(&config);
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(address = %config.listen, error = %error, "cannot listen");
            eprintln!("codify: cannot listen on {}: {error}", config.listen);
            return ExitCode::FAILURE;
        }
    };
    match serve(config, listener, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "server stopped");
            eprintln!("codify: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
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
            _ = interrupt => tracing::info!(signal = "SIGINT", "shutdown requested"),
            () = terminate => tracing::info!(signal = "SIGTERM", "shutdown requested"),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
