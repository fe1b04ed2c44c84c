//! The `codify` binary: the server, or a small client for trying it from a shell.

use std::process::ExitCode;

use clap::Parser;
use codify::config::{Cli, Command};

/// mimalloc: allocates faster on the search and indexing paths than glibc, and returns
/// the memory of the parallel index build to the system when asked (glibc kept 60–150 MB
/// of it in the indexing threads' arenas, varying from run to run).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Returns memory freed by the engine build (the indexing threads' scratch indexes) to the
/// system now, instead of when mimalloc next purges (it does so on later allocations only).
#[allow(unsafe_code)]
fn return_freed_memory() {
    // SAFETY: `mi_collect` takes no pointers; it only walks mimalloc's own heaps.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

#[tokio::main]
async fn main() -> ExitCode {
    codify::engine::after_every_build(return_freed_memory);
    let cli = Cli::parse();
    match cli.command {
        None => codify::run_server(cli.server).await,
        Some(Command::Serve(config)) => codify::run_server(*config).await,
        Some(command) => codify::cli::run(command).await,
    }
}
