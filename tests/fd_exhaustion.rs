//! The `codify` binary at its open-file limit: connections that never speak used to be held
//! for minutes, and at the limit the accept loop spun at 121% CPU while health timed out.
//! Here the binary runs with `ulimit -n 64` and 80 silent connections: it must back off
//! (little CPU), close the silent ones after its handshake timeout, and answer health again.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(target_os = "linux")]

mod common;
mod own_server;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use own_server::ScratchDir;
use tonic_health::pb::health_check_response::ServingStatus;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// User + system CPU time of a process, in clock ticks (1/100 s).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |index: usize| fields.get(index).and_then(|value| value.parse::<u64>().ok()).unwrap_or(0);
    field(11) + field(12)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_open_file_limit_the_server_backs_off_and_recovers() {
    let scratch = ScratchDir::new("fd-exhaustion");
    let manifest = own_server::small_manifest(&scratch);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let address: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" serve --listen \"$1\" --admin-listen '' --releases \"$2\" --handshake-timeout 2s")
        .arg(env!("CARGO_BIN_EXE_codify"))
        .arg(address.to_string())
        .arg(&manifest)
        .env("CODIFY_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start codify");
    let server = Server(child);
    common::wait_until_serving(address, Duration::from_secs(60)).await.expect("serving");

    // More silent connections than the server has descriptors for.
    let mut silent = Vec::new();
    for _ in 0..80 {
        silent.push(tokio::net::TcpStream::connect(address).await.expect("connect"));
    }
    let before = cpu_ticks(server.0.id());
    tokio::time::sleep(Duration::from_secs(1)).await;
    let spent = cpu_ticks(server.0.id()) - before;
    // Spinning on EMFILE used over a core (100+ ticks per second); backing off, a few.
    assert!(spent < 30, "{spent} ticks of CPU in 1 s at the open-file limit");

    // The silent connections are closed after the handshake timeout and health answers again,
    // while this client still holds its ends open.
    let started = Instant::now();
    let mut health = None;
    while started.elapsed() < Duration::from_secs(15) {
        health = tokio::time::timeout(Duration::from_secs(2), common::health(address)).await.ok().flatten();
        if health == Some(ServingStatus::Serving) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(health, Some(ServingStatus::Serving), "health after {:?}", started.elapsed());
    drop(silent);
}
