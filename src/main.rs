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

/// After an engine build: returns the memory it freed to the system now, instead of when
/// mimalloc next purges (it does so on later allocations only), and ends the start-up's
/// purge-at-once policy.
#[allow(unsafe_code)]
fn return_freed_memory() {
    // SAFETY: `mi_collect` takes no pointers; it only walks mimalloc's own heaps.
    unsafe { libmimalloc_sys::mi_collect(true) }
    // Built: from now on freed pages are purged as mimalloc does by default.
    set_purge_delay(PURGE_DELAY_DEFAULT_MS);
}

/// mimalloc's `mi_option_purge_delay` (its v2 `mi_option_t` enum, mimalloc.h; the crate
/// does not name it): how long freed pages stay committed before they are purged.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// mimalloc's default purge delay.
const PURGE_DELAY_DEFAULT_MS: std::ffi::c_long = 10;
/// Purge delay while the first engine is built: pages freed by the loading and indexing
/// threads are handed back at once instead of being left committed in the pages those
/// threads' allocations are scattered over (~30 MB less resident after start-up, ~2% more
/// CPU to SERVING; BENCHMARKS.md). Requests are not yet served then: they never pay the
/// extra system calls.
const PURGE_DELAY_AT_START_MS: std::ffi::c_long = 0;

/// Sets mimalloc's purge delay.
#[allow(unsafe_code)]
fn set_purge_delay(milliseconds: std::ffi::c_long) {
    // SAFETY: `mi_option_set` takes plain integers; the option exists in the linked mimalloc.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, milliseconds) }
}

fn main() -> ExitCode {
    disable_transparent_huge_pages();
    set_purge_delay(PURGE_DELAY_AT_START_MS);
    codify::memory::on_release_freed(return_freed_memory);
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
