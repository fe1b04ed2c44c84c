//! The `codify` binary: the server, or a small client for trying it from a shell.

use std::process::ExitCode;

use clap::Parser;
use codify::config::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => codify::run_server(cli.server).await,
        Some(Command::Serve(config)) => codify::run_server(*config).await,
        Some(command) => codify::cli::run(command).await,
    }
}
