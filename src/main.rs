//! The `codify` binary: the server, or a small client for trying it from a shell.

use std::process::ExitCode;

use clap::Parser;
use codify::config::{Cli, Command};

/// mimalloc: allocates faster on the search and indexing paths than glibc, and returns
/// the memory of the parallel index build to the system when asked (glibc kept 60–150 MB
/// of it in the indexing threads' arenas, varying from run to run).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keeps resident memory close to what the service holds: no transparent huge pages.
/// mimalloc asks for them on its arenas, and a 2 MiB page stays resident for as long as
/// one object in it lives: with every release loaded that was ~40 MB more resident after
/// start-up (BENCHMARKS.md). Set before the first large allocation; Linux only.
#[allow(unsafe_code)]
fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and affects this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Returns memory freed by the engine build (the indexing threads' scratch indexes) to the
/// system now, instead of when mimalloc next purges (it does so on later allocations only).
#[allow(unsafe_code)]
fn return_freed_memory() {
    // SAFETY: `mi_collect` takes no pointers; it only walks mimalloc's own heaps.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

fn main() -> ExitCode {
    disable_transparent_huge_pages();
    codify::engine::after_every_build(return_freed_memory);
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("codify: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        match cli.command {
            None => codify::run_server(cli.server).await,
            Some(Command::Serve(config)) => codify::run_server(*config).await,
            Some(command) => codify::cli::run(command).await,
        }
    })
}
