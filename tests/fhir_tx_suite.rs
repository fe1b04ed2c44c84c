//! The HL7 FHIR terminology ecosystem test suite (CC0), its generic suites ported to Codify's
//! real code systems (`tests/data/fhir-tx/`), run against the real server over real HTTP/1.1
//! with the suite's matching rules; every ported case must pass.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod fhir_tx;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Ported cases, all of which pass.
const PORTED_CASES: usize = 99;

/// Tests per suite (the manifest's order).
const PER_SUITE: [(&str, usize); 9] = [
    ("case", 5),
    ("display", 6),
    ("errors", 12),
    ("metadata", 2),
    ("parameters", 13),
    ("search", 9),
    ("simple-cases", 15),
    ("validation", 27),
    ("version", 10),
];

/// Starts a server with an HTTP port on the real releases; returns the HTTP address.
fn start_server() -> SocketAddr {
    let (ready_sender, ready_receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let (grpc, grpc_address) = common::bind_local().await;
            let (http, http_address) = common::bind_local().await;
            let listeners = codify::Listeners { admin: None, http: Some(http) };
            let server = tokio::spawn(codify::serve_with_listeners(
                common::real_config(),
                grpc,
                listeners,
                std::future::pending::<()>(),
            ));
            common::wait_until_serving(grpc_address, Duration::from_secs(120)).await.unwrap();
            ready_sender.send(http_address).unwrap();
            let _ = server.await;
        });
    });
    ready_receiver.recv().unwrap()
}

/// One request on a fresh connection: the status and the body.
fn exchange(http: SocketAddr, method: &str, target: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(http).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {http}\r\nConnection: close\r\nAccept: application/fhir+json\r\n\
         Content-Type: application/fhir+json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
    let mut body = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").expect("chunk size line");
        let size_text = String::from_utf8_lossy(&data[..line_end]).to_string();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

#[test]
fn ported_hl7_terminology_suite_passes() {
    let tests = fhir_tx::load();
    assert_eq!(tests.len(), PORTED_CASES, "cases in tests/data/fhir-tx/test-cases.json");
    let http = start_server();
    let mut passed: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for test in &tests {
        let (method, path) = fhir_tx::endpoint(&test.operation);
        let body = test.request.as_ref().map(|request| serde_json::to_vec(request).unwrap()).unwrap_or_default();
        let (status, reply) = exchange(http, method, path, &body);
        match fhir_tx::judge(test, status, &reply) {
            None => *passed.entry(test.suite.clone()).or_default() += 1,
            Some(reason) => failures.push(format!("{}/{}: {reason}", test.suite, test.name)),
        }
    }
    for (suite, count) in &passed {
        eprintln!("suite {suite}: {count} passed");
    }
    assert!(failures.is_empty(), "{} of {} failed:\n{}", failures.len(), tests.len(), failures.join("\n\n"));
    let per_suite: Vec<(&str, usize)> = passed.iter().map(|(suite, count)| (suite.as_str(), *count)).collect();
    assert_eq!(per_suite, PER_SUITE);
    assert_eq!(passed.values().sum::<usize>(), PORTED_CASES);
}

#[test]
fn a_wrong_expectation_fails() {
    // The runner must be able to fail: the first validation case with result flipped.
    let mut test = fhir_tx::load().into_iter().find(|test| test.name == "simple-code-good-icd").expect("case");
    let http = start_server();
    let body = serde_json::to_vec(test.request.as_ref().unwrap()).unwrap();
    let (status, reply) = exchange(http, "POST", "/fhir/ValueSet/$validate-code", &body);
    assert_eq!(fhir_tx::judge(&test, status, &reply), None);
    for parameter in test.response["parameter"].as_array_mut().unwrap() {
        if parameter["name"] == "result" {
            parameter["valueBoolean"] = serde_json::Value::Bool(false);
        }
    }
    let verdict = fhir_tx::judge(&test, status, &reply).expect("a flipped result fails");
    assert!(verdict.starts_with(".parameter[2].valueBoolean: expected false, found true"), "{verdict}");
}
