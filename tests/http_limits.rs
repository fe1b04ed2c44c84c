//! The HTTP port's connection limits over real sockets: a connection that stalls in its
//! request head is closed after the header-read timeout, and connections past the cap wait
//! until one closes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use codify::http::HttpLimits;

/// Serves a one-route router with `limits` on a fresh port, on its own runtime.
fn serve(limits: HttpLimits) -> SocketAddr {
    let (ready_sender, ready_receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            ready_sender.send(listener.local_addr().unwrap()).unwrap();
            let router = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
            codify::http::serve(listener, router, limits, std::future::pending::<()>()).await.unwrap();
        });
    });
    ready_receiver.recv().unwrap()
}

const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";

#[test]
fn a_stalled_request_head_is_closed_after_the_timeout() {
    let address = serve(HttpLimits { header_read_timeout: Duration::from_millis(400), max_connections: 8 });
    let mut stalled = TcpStream::connect(address).unwrap();
    stalled.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let started = Instant::now();
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: test\r\n").unwrap();
    let mut reply = Vec::new();
    let read = stalled.read_to_end(&mut reply);
    let waited = started.elapsed();
    assert!(read.is_ok() || read.as_ref().is_err_and(|e| e.kind() == ErrorKind::ConnectionReset), "{read:?}");
    assert!(waited >= Duration::from_millis(350), "closed after {waited:?}, before the timeout");
    assert!(waited < Duration::from_secs(5), "not closed by the timeout: {waited:?}");
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.is_empty() || reply.starts_with("HTTP/1.1 408"), "{reply}");

    let mut prompt = TcpStream::connect(address).unwrap();
    prompt.write_all(REQUEST).unwrap();
    let mut answer = String::new();
    prompt.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn connections_past_the_cap_wait_for_a_free_slot() {
    let address = serve(HttpLimits { header_read_timeout: Duration::from_secs(30), max_connections: 1 });
    let holder = TcpStream::connect(address).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let mut waiting = TcpStream::connect(address).unwrap();
    waiting.write_all(REQUEST).unwrap();
    waiting.set_read_timeout(Some(Duration::from_millis(800))).unwrap();
    let mut buffer = [0u8; 64];
    let early = waiting.read(&mut buffer);
    assert!(
        early.as_ref().is_err_and(|e| matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "answered past the cap: {early:?}"
    );
    drop(holder);
    waiting.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut answer = String::new();
    waiting.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
