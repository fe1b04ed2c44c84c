//! The runner of the HL7 terminology test suite as ported to Codify's code systems
//! (`tests/data/fhir-tx/`): reads the manifest, sends each test's request to the FHIR port
//! (`POST` of its Parameters resource, as the suite's runner does; `GET` for metadata),
//! checks the HTTP status and compares the answer with the expected template ([`compare`]).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod compare;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// One test of the manifest.
#[derive(Debug, Clone)]
pub struct TxTest {
    /// Its suite.
    pub suite: String,
    /// Its name.
    pub name: String,
    /// `metadata`, `term-caps`, `expand`, `validate-code`, `cs-validate-code`, `lookup`, `subsumes`.
    pub operation: String,
    /// The request Parameters (none for metadata).
    pub request: Option<Value>,
    /// The expected response template.
    pub response: Value,
    /// The expected status: `200`, a code, or `4xx`.
    pub http_code: String,
}

/// The folder of the ported suite.
pub fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fhir-tx")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

/// Every test of the manifest, in order.
pub fn load() -> Vec<TxTest> {
    let dir = suite_dir();
    let manifest = read_json(&dir.join("test-cases.json"));
    let mut tests = Vec::new();
    for suite in manifest["suites"].as_array().expect("suites") {
        let suite_name = suite["name"].as_str().expect("suite name");
        for test in suite["tests"].as_array().expect("tests") {
            let file = |key: &str| test[key].as_str().map(|path| read_json(&dir.join(path)));
            tests.push(TxTest {
                suite: suite_name.to_string(),
                name: test["name"].as_str().expect("test name").to_string(),
                operation: test["operation"].as_str().expect("operation").to_string(),
                request: file("request"),
                response: file("response").expect("every test has a response"),
                http_code: test["http-code"].as_str().unwrap_or("200").to_string(),
            });
        }
    }
    tests
}

/// The method and path of an operation.
pub fn endpoint(operation: &str) -> (&'static str, &'static str) {
    match operation {
        "metadata" => ("GET", "/fhir/metadata"),
        "term-caps" => ("GET", "/fhir/metadata?mode=terminology"),
        "expand" => ("POST", "/fhir/ValueSet/$expand"),
        "validate-code" => ("POST", "/fhir/ValueSet/$validate-code"),
        "cs-validate-code" => ("POST", "/fhir/CodeSystem/$validate-code"),
        "lookup" => ("POST", "/fhir/CodeSystem/$lookup"),
        "subsumes" => ("POST", "/fhir/CodeSystem/$subsumes"),
        other => panic!("operation {other} is not run by this port"),
    }
}

/// Whether `status` is what the test expects.
pub fn status_matches(expected: &str, status: u16) -> bool {
    match expected {
        "4xx" => (400..500).contains(&status),
        exact => exact.parse::<u16>() == Ok(status),
    }
}

/// `None` when the reply passes the test, else why not.
pub fn judge(test: &TxTest, status: u16, body: &[u8]) -> Option<String> {
    if !status_matches(&test.http_code, status) {
        return Some(format!("HTTP {status}, expected {}: {}", test.http_code, String::from_utf8_lossy(body)));
    }
    let actual: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => return Some(format!("not JSON ({error})")),
    };
    let mode = match test.operation.as_str() {
        "metadata" | "term-caps" => compare::Mode::Pattern,
        _ => compare::Mode::Exact,
    };
    let actual = compare::normalize(&actual);
    compare::compare(&test.response, &actual, mode).map(|difference| format!("{difference}\nactual: {actual}"))
}
