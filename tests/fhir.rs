//! The HTTP port over real HTTP/1.1: the FHIR R4 terminology API on the real releases
//! (metadata, CodeSystem read/search, $lookup, $validate-code, $expand, $subsumes, errors,
//! XML refused), gRPC-Web, CORS, the coder's page, and reflection v1alpha on the gRPC port.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use codify::grpc::proto::{self, code_service_client::CodeServiceClient};
use prost::Message;
use serde_json::{json, Value};

const ICD: &str = "http://hl7.org/fhir/sid/icd-10-cm";
const HCPCS: &str = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
const ALLOWED_ORIGIN: &str = "https://allowed.example";

/// The gRPC and HTTP addresses of this binary's server.
static SERVER: OnceLock<(SocketAddr, SocketAddr)> = OnceLock::new();

fn server() -> (SocketAddr, SocketAddr) {
    *SERVER.get_or_init(|| {
        let (ready_sender, ready_receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let (grpc, grpc_address) = common::bind_local().await;
                let (http, http_address) = common::bind_local().await;
                let config = codify::config::ServerConfig {
                    cors_allow_origins: vec![ALLOWED_ORIGIN.to_string()],
                    ..common::real_config()
                };
                let listeners = codify::Listeners { admin: None, http: Some(http) };
                let server =
                    tokio::spawn(codify::serve_with_listeners(config, grpc, listeners, std::future::pending::<()>()));
                common::wait_until_serving(grpc_address, Duration::from_secs(120)).await.unwrap();
                ready_sender.send((grpc_address, http_address)).unwrap();
                let _ = server.await;
            });
        });
        ready_receiver.recv().unwrap()
    })
}

/// A response: status, headers (lower-case names), body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on a fresh connection.
fn request(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let (_, http) = server();
    let mut stream = TcpStream::connect(http).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {http}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(name, value)| name == "transfer-encoding" && value.contains("chunked")) {
        body = dechunk(&body);
    }
    Reply { status, headers, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").expect("chunk size line");
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

fn get(target: &str) -> Reply {
    request("GET", target, &[], b"")
}

fn get_json(target: &str) -> Value {
    let reply = get(target);
    assert_eq!(reply.status, 200, "GET {target}: {}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/fhir+json; charset=utf-8"));
    reply.json()
}

fn post_parameters(path: &str, parameters: Value) -> Reply {
    let body = json!({ "resourceType": "Parameters", "parameter": parameters }).to_string();
    request("POST", path, &[("Content-Type", "application/fhir+json")], body.as_bytes())
}

/// Percent-encodes a query value.
fn q(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Values of the parameters named `name` (their value[x] member).
fn values<'a>(parameters: &'a Value, name: &str) -> Vec<&'a Value> {
    parameters["parameter"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == name)
        .map(|p| p.as_object().unwrap().iter().find(|(k, _)| k.starts_with("value")).map(|(_, v)| v).unwrap())
        .collect()
}

/// Values of the `property` parameters with code `code`.
fn property<'a>(parameters: &'a Value, code: &str) -> Vec<&'a Value> {
    parameters["parameter"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == "property" && p["part"][0]["valueCode"] == code)
        .map(|p| p["part"][1].as_object().unwrap().iter().find(|(k, _)| k.starts_with("value")).unwrap().1)
        .collect()
}

fn issue(reply: &Reply, status: u16) -> Value {
    assert_eq!(reply.status, status, "{}", reply.text());
    let outcome = reply.json();
    assert_eq!(outcome["resourceType"], "OperationOutcome", "{outcome}");
    outcome["issue"][0].clone()
}

async fn grpc() -> CodeServiceClient<tonic::transport::Channel> {
    let (grpc, _) = tokio::task::spawn_blocking(server).await.unwrap();
    CodeServiceClient::new(common::channel(grpc).await.unwrap())
}

#[test]
fn metadata_is_a_capability_statement() {
    let statement = get_json("/fhir/metadata");
    assert_eq!(statement["resourceType"], "CapabilityStatement");
    assert_eq!(statement["fhirVersion"], "4.0.1");
    assert_eq!(statement["format"], json!(["application/fhir+json"]));
    let resources: Vec<&str> =
        statement["rest"][0]["resource"].as_array().unwrap().iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert_eq!(resources, ["CodeSystem", "ValueSet"]);
}

#[test]
fn terminology_mode_lists_the_loaded_versions() {
    let capabilities = get_json("/fhir/metadata?mode=terminology");
    assert_eq!(capabilities["resourceType"], "TerminologyCapabilities");
    let systems = capabilities["codeSystem"].as_array().unwrap();
    let versions = |uri: &str| -> Vec<(String, bool)> {
        let system = systems.iter().find(|s| s["uri"] == uri).unwrap_or_else(|| panic!("{uri} missing"));
        system["version"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["code"].as_str().unwrap().to_string(), v["isDefault"].as_bool().unwrap()))
            .collect()
    };
    let icd = versions(ICD);
    assert_eq!(icd.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>(), ["FY2025", "FY2026"]);
    assert_eq!(icd.iter().filter(|(_, default)| *default).count(), 1, "one release in force today");
    assert_eq!(versions(HCPCS).iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>(), ["2020", "2025-10"]);
    assert_eq!(systems.len(), 4);
}

#[test]
fn code_systems_are_read_and_searched() {
    let bundle = get_json(&format!("/fhir/CodeSystem?url={}", q(ICD)));
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["total"], 2);
    let ids: Vec<&str> =
        bundle["entry"].as_array().unwrap().iter().map(|e| e["resource"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["icd10cm-FY2025", "icd10cm-FY2026"]);
    let all = get_json("/fhir/CodeSystem");
    assert_eq!(all["total"], 7);
    let read = get_json("/fhir/CodeSystem/icd10cm-FY2025");
    assert_eq!(read["url"], ICD);
    assert_eq!(read["version"], "FY2025");
    assert_eq!(read["content"], "not-present");
    let missing = issue(&get("/fhir/CodeSystem/nope"), 404);
    assert_eq!(missing["code"], "not-found");
}

#[test]
fn lookup_gives_display_and_properties() {
    let found = get_json(&format!("/fhir/CodeSystem/$lookup?system={}&code=E11.9", q(ICD)));
    assert_eq!(values(&found, "name"), [&json!("ICD-10-CM")]);
    assert_eq!(values(&found, "version"), [&json!("FY2026")]);
    assert_eq!(values(&found, "display"), [&json!("Type 2 diabetes mellitus without complications")]);
    assert_eq!(property(&found, "parent"), [&json!("E11")]);
    assert!(property(&found, "child").is_empty());
    assert_eq!(property(&found, "inactive"), [&json!(false)]);
    assert_eq!(property(&found, "billable"), [&json!(true)]);
    assert_eq!(property(&found, "effective-from"), [&json!("2025-10-01")]);
    let hccs = property(&found, "hcc");
    assert!(hccs.iter().any(|h| h.as_str().unwrap().contains("V28 HCC 38")), "{hccs:?}");
    assert!(property(&found, "note").iter().any(|n| n.as_str().unwrap().starts_with("Excludes1: ")));

    let header = get_json(&format!("/fhir/CodeSystem/$lookup?system={}&code=E11&property=child,billable", q(ICD)));
    let children: Vec<&str> = property(&header, "child").iter().map(|c| c.as_str().unwrap()).collect();
    assert!(children.contains(&"E11.9") && children.contains(&"E11.A"), "{children:?}");
    assert_eq!(property(&header, "billable"), [&json!(false)]);
    assert!(property(&header, "parent").is_empty(), "only the asked properties");

    let posted = post_parameters(
        "/fhir/CodeSystem/$lookup",
        json!([{ "name": "coding", "valueCoding": { "system": ICD, "code": "E11.9" } }, { "name": "version", "valueString": "FY2025" }]),
    );
    assert_eq!(posted.status, 200, "{}", posted.text());
    assert_eq!(values(&posted.json(), "version"), [&json!("FY2025")]);

    let not_in_2025 =
        issue(&get(&format!("/fhir/CodeSystem/$lookup?system={}&code=E11.A&version=FY2025", q(ICD))), 404);
    assert_eq!(not_in_2025["expression"], json!(["code"]));
    assert!(not_in_2025["diagnostics"].as_str().unwrap().contains("FY2026"), "{not_in_2025}");
}

#[test]
fn validate_code_answers_result_and_message() {
    let valid = get_json(&format!("/fhir/CodeSystem/$validate-code?url={}&code=E11.9", q(ICD)));
    assert_eq!(values(&valid, "result"), [&json!(true)]);
    assert_eq!(values(&valid, "display"), [&json!("Type 2 diabetes mellitus without complications")]);
    let by_system = get_json(&format!("/fhir/CodeSystem/$validate-code?system={}&code=E11.9", q(ICD)));
    assert_eq!(values(&by_system, "result"), [&json!(true)]);

    let vs = q(&format!("{ICD}?fhir_vs"));
    let unknown = get(&format!("/fhir/ValueSet/$validate-code?url={vs}&code=Z99.999"));
    assert_eq!(unknown.status, 200);
    let unknown = unknown.json();
    assert_eq!(values(&unknown, "result"), [&json!(false)]);
    assert_eq!(values(&unknown, "message"), [&json!("Z99.999 is not a code of ICD-10-CM FY2026")]);

    let wrong_display = get_json(&format!("/fhir/ValueSet/$validate-code?url={vs}&code=E11.9&display=Asthma"));
    assert_eq!(values(&wrong_display, "result"), [&json!(false)]);
    let right_display = get_json(&format!(
        "/fhir/ValueSet/$validate-code?url={vs}&code=E11.9&display={}",
        q("type 2 diabetes mellitus without complications")
    ));
    assert_eq!(values(&right_display, "result"), [&json!(true)]);

    let other_system = get_json(&format!("/fhir/ValueSet/$validate-code?url={vs}&system={}&code=J1100", q(HCPCS)));
    assert_eq!(values(&other_system, "result"), [&json!(false)]);

    let posted = post_parameters(
        "/fhir/ValueSet/$validate-code",
        json!([
            { "name": "url", "valueUri": format!("{HCPCS}?fhir_vs") },
            { "name": "coding", "valueCoding": { "system": HCPCS, "code": "J1100" } },
        ]),
    );
    assert_eq!(posted.status, 200, "{}", posted.text());
    assert_eq!(values(&posted.json(), "result"), [&json!(true)]);
}

#[tokio::test]
async fn expand_pages_in_search_codes_order() {
    let mut client = grpc().await;
    let search = proto::SearchCodesRequest {
        query: "diab".to_string(),
        systems: vec![proto::CodeSystem::Icd10cm as i32],
        page_size: 30,
        ..Default::default()
    };
    let searched = client.search_codes(search).await.unwrap().into_inner();
    let expected: Vec<String> =
        searched.results.iter().map(|r| r.code.as_ref().unwrap().code.clone()).collect::<Vec<_>>();
    assert_eq!(expected.len(), 30);
    let vs = q(&format!("{ICD}?fhir_vs"));
    let mut paged = Vec::new();
    for offset in [0, 10, 20] {
        let vs = vs.clone();
        let expansion = tokio::task::spawn_blocking(move || {
            get_json(&format!("/fhir/ValueSet/$expand?url={vs}&filter=diab&count=10&offset={offset}"))
        })
        .await
        .unwrap();
        assert_eq!(expansion["resourceType"], "ValueSet");
        assert_eq!(expansion["expansion"]["total"], searched.total_size);
        assert_eq!(expansion["expansion"]["offset"], offset);
        let names: Vec<&str> = expansion["expansion"]["parameter"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["filter", "count", "offset", "used-codesystem"]);
        let used = expansion["expansion"]["parameter"][3]["valueUri"].as_str().unwrap().to_string();
        assert_eq!(used, format!("{ICD}|FY2026"));
        let contains = expansion["expansion"]["contains"].as_array().unwrap();
        paged.extend(contains.iter().map(|c| c["code"].as_str().unwrap().to_string()));
    }
    assert_eq!(paged, expected);

    let vs = q(&format!("{ICD}?fhir_vs"));
    let total_only = tokio::task::spawn_blocking(move || {
        get_json(&format!("/fhir/ValueSet/$expand?url={vs}&filter=diab&count=0&displayLanguage=de"))
    })
    .await
    .unwrap();
    assert_eq!(total_only["expansion"]["total"], searched.total_size);
    assert!(total_only["expansion"].get("contains").is_none());
}

#[test]
fn expand_without_filter_lists_codes_in_order() {
    let vs = q(&format!("{ICD}?fhir_vs"));
    let first = get_json(&format!("/fhir/ValueSet/$expand?url={vs}&count=3"));
    let codes: Vec<&str> =
        first["expansion"]["contains"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["A00", "A00.0", "A00.1"]);
    assert!(first["expansion"]["total"].as_u64().unwrap() > 70_000);
}

#[tokio::test]
async fn date_picks_the_release_in_force() {
    // E11.A (type 2 diabetes in remission) is new in FY2026.
    let check = |date: &'static str, code: String| {
        let target = format!("/fhir/CodeSystem/$validate-code?url={}&code={code}&date={date}", q(ICD));
        tokio::task::spawn_blocking(move || get_json(&target))
    };
    let before = check("2025-01-01", "E11.A".to_string()).await.unwrap();
    assert_eq!(values(&before, "result"), [&json!(false)]);
    assert_eq!(values(&before, "version"), [&json!("FY2025")]);
    let after = check("2025-11-01", "E11.A".to_string()).await.unwrap();
    assert_eq!(values(&after, "result"), [&json!(true)]);
    assert_eq!(values(&after, "version"), [&json!("FY2026")]);

    // A code FY2026 deleted, found through DiffReleases.
    let mut client = grpc().await;
    let mut stream = client
        .diff_releases(proto::DiffReleasesRequest {
            system: proto::CodeSystem::Icd10cm as i32,
            from_version: "FY2025".to_string(),
            to_version: "FY2026".to_string(),
        })
        .await
        .unwrap()
        .into_inner();
    let mut deleted = None;
    while let Some(message) = stream.message().await.unwrap() {
        deleted = deleted.or_else(|| {
            message.changes.iter().find(|c| c.r#type == proto::ChangeType::Terminated as i32).map(|c| c.code.clone())
        });
    }
    let deleted = deleted.expect("FY2026 deletes some code");
    let old = check("2025-06-01", deleted.clone()).await.unwrap();
    assert_eq!(values(&old, "result"), [&json!(true)], "{deleted} in FY2025");
    let new = check("2025-10-01", deleted.clone()).await.unwrap();
    assert_eq!(values(&new, "result"), [&json!(false)], "{deleted} in FY2026");

    let vs = q(&format!("{ICD}?fhir_vs"));
    let expansion = tokio::task::spawn_blocking(move || {
        get_json(&format!("/fhir/ValueSet/$expand?url={vs}&count=1&date=2025-01-01"))
    })
    .await
    .unwrap();
    assert_eq!(expansion["version"], "FY2025");
}

#[test]
fn subsumes_follows_the_hierarchy() {
    let outcome = |a: &str, b: &str| {
        let answer = get_json(&format!("/fhir/CodeSystem/$subsumes?system={}&codeA={a}&codeB={b}", q(ICD)));
        values(&answer, "outcome")[0].as_str().unwrap().to_string()
    };
    assert_eq!(outcome("E11", "E11.9"), "subsumes");
    assert_eq!(outcome("E11.9", "E11"), "subsumed-by");
    assert_eq!(outcome("E11.9", "e11.9"), "equivalent");
    assert_eq!(outcome("E11.9", "I10"), "not-subsumed");
    assert_eq!(outcome("E10", "E11.9"), "not-subsumed");
}

#[test]
fn errors_are_operation_outcomes_naming_the_parameter() {
    let cases = [
        (format!("/fhir/CodeSystem/$lookup?system={}", q(ICD)), 400, "required", "code"),
        ("/fhir/CodeSystem/$lookup?code=E11.9".to_string(), 400, "required", "system"),
        ("/fhir/CodeSystem/$lookup?system=http://example.org/x&code=E11.9".to_string(), 404, "not-found", "system"),
        (format!("/fhir/CodeSystem/$lookup?system={}&code=E11.9&version=FY1999", q(ICD)), 404, "not-found", "version"),
        (format!("/fhir/CodeSystem/$lookup?system={}&code=E11.9&date=2025-13-45", q(ICD)), 400, "invalid", "date"),
        (format!("/fhir/CodeSystem/$lookup?system={}&code=E11.9&date=1999-01-01", q(ICD)), 404, "not-found", "date"),
        (format!("/fhir/CodeSystem/$lookup?system={}&code=E11.9&property=colour", q(ICD)), 400, "invalid", "property"),
        (format!("/fhir/ValueSet/$expand?url={}&count=-1", q(&format!("{ICD}?fhir_vs"))), 400, "invalid", "count"),
        (format!("/fhir/ValueSet/$expand?url={}&count=5000", q(&format!("{ICD}?fhir_vs"))), 400, "invalid", "count"),
        (
            format!("/fhir/ValueSet/$expand?url={}&activeOnly=maybe", q(&format!("{ICD}?fhir_vs"))),
            400,
            "invalid",
            "activeOnly",
        ),
        (
            format!("/fhir/ValueSet/$expand?url={}&filter=a&offset=20000", q(&format!("{ICD}?fhir_vs"))),
            400,
            "invalid",
            "offset",
        ),
        ("/fhir/ValueSet/$expand".to_string(), 400, "required", "url"),
        (format!("/fhir/ValueSet/$expand?url={}", q(ICD)), 404, "not-found", "url"),
        ("/fhir/ValueSet/$validate-code?code=E11.9".to_string(), 400, "required", "url"),
        (format!("/fhir/CodeSystem/$subsumes?system={}&codeA=E11", q(ICD)), 400, "required", "codeB"),
        (format!("/fhir/CodeSystem/$subsumes?system={}&codeA=E11&codeB=Q99.99X", q(ICD)), 404, "not-found", "codeB"),
        ("/fhir/CodeSystem/$lookup?system=%ZZ".to_string(), 400, "invalid", "system"),
    ];
    for (target, status, code, param) in cases {
        let found = issue(&get(&target), status);
        assert_eq!(found["code"], code, "{target}: {found}");
        assert_eq!(found["expression"], json!([param]), "{target}: {found}");
        assert!(found["diagnostics"].as_str().unwrap().starts_with(param), "{target}: {found}");
    }
    let not_json = request("POST", "/fhir/CodeSystem/$lookup", &[("Content-Type", "application/fhir+json")], b"{nope");
    assert_eq!(issue(&not_json, 400)["expression"], json!(["body"]));
    let not_parameters = post_parameters("/fhir/CodeSystem/$lookup", json!(null));
    assert_eq!(issue(&not_parameters, 400)["code"], "required");
    let xml_body = request("POST", "/fhir/CodeSystem/$lookup", &[("Content-Type", "application/fhir+xml")], b"<x/>");
    assert_eq!(issue(&xml_body, 415)["code"], "not-supported");
    assert_eq!(issue(&get("/fhir/Patient/1"), 400)["code"], "not-supported");
}

#[test]
fn xml_is_not_acceptable() {
    let by_accept = request("GET", "/fhir/metadata", &[("Accept", "application/fhir+xml")], b"");
    assert_eq!(issue(&by_accept, 406)["code"], "not-supported");
    assert_eq!(issue(&get("/fhir/metadata?_format=xml"), 406)["code"], "not-supported");
    assert_eq!(get("/fhir/metadata?_format=json").status, 200);
    let browser = request("GET", "/fhir/metadata", &[("Accept", "text/html,application/xml;q=0.9,*/*;q=0.8")], b"");
    assert_eq!(browser.status, 200);
}

#[test]
fn grpc_web_call_carries_the_status_in_the_body() {
    let message = proto::GetCodeRequest {
        system: proto::CodeSystem::Icd10cm as i32,
        code: "E11.9".to_string(),
        as_of: String::new(),
    }
    .encode_to_vec();
    let mut framed = vec![0u8];
    framed.extend_from_slice(&(message.len() as u32).to_be_bytes());
    framed.extend_from_slice(&message);
    let reply = request(
        "POST",
        "/codify.v1.CodeService/GetCode",
        &[("Content-Type", "application/grpc-web+proto"), ("X-Grpc-Web", "1"), ("Origin", ALLOWED_ORIGIN)],
        &framed,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/grpc-web+proto"));
    assert_eq!(reply.header("access-control-allow-origin"), Some(ALLOWED_ORIGIN));
    let exposed = reply.header("access-control-expose-headers").unwrap_or("").to_string();
    for name in ["grpc-status", "grpc-message", "grpc-status-details-bin"] {
        assert!(exposed.contains(name), "{exposed}");
    }
    let body = &reply.body;
    assert_eq!(body[0], 0, "a data frame first");
    let length = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
    let response = proto::GetCodeResponse::decode(&body[5..5 + length]).unwrap();
    assert_eq!(response.code.unwrap().summary.unwrap().title, "Type 2 diabetes mellitus without complications");
    let trailer = &body[5 + length..];
    assert_eq!(trailer[0], 0x80, "then the trailer frame");
    let trailers = String::from_utf8_lossy(&trailer[5..]).to_ascii_lowercase();
    assert!(trailers.contains("grpc-status:0"), "{trailers}");

    let bad = proto::GetCodeRequest { system: 0, code: String::new(), as_of: String::new() }.encode_to_vec();
    let mut framed = vec![0u8];
    framed.extend_from_slice(&(bad.len() as u32).to_be_bytes());
    framed.extend_from_slice(&bad);
    let refused =
        request("POST", "/codify.v1.CodeService/GetCode", &[("Content-Type", "application/grpc-web+proto")], &framed);
    let text = String::from_utf8_lossy(&refused.body).to_ascii_lowercase();
    let in_headers = refused.header("grpc-status") == Some("3");
    assert!(in_headers || text.contains("grpc-status:3"), "INVALID_ARGUMENT: {text}");
}

#[test]
fn the_coders_page_is_served_beside_the_api() {
    for target in ["/", "/ui/"] {
        let page = get(target);
        assert_eq!(page.status, 200, "{target}");
        assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(page.header("content-security-policy").unwrap_or("").contains("default-src 'none'"));
        assert!(page.text().contains("<title>Codify</title>"));
    }
    let script = get("/ui/app.js");
    assert_eq!(script.status, 200);
    assert_eq!(script.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert_eq!(get("/ui/style.css").header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(get("/ui").status, 308);
    assert_eq!(get("/ui/nothing.js").status, 404);
}

#[test]
fn cors_preflight_allows_only_configured_origins() {
    let preflight = |origin: &str| {
        request(
            "OPTIONS",
            "/fhir/CodeSystem/$lookup",
            &[
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ],
            b"",
        )
    };
    let allowed = preflight(ALLOWED_ORIGIN);
    assert_eq!(allowed.header("access-control-allow-origin"), Some(ALLOWED_ORIGIN));
    assert!(allowed.header("access-control-allow-methods").unwrap_or("").contains("POST"));
    let other = preflight("https://elsewhere.example");
    assert_eq!(other.header("access-control-allow-origin"), None);
    assert!(codify::config::ServerConfig::default().cors_allow_origins.is_empty(), "no origin by default");
}

#[tokio::test]
async fn reflection_v1alpha_lists_the_services() {
    use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;
    use tonic_reflection::pb::v1alpha::ServerReflectionRequest;

    let (grpc, _) = tokio::task::spawn_blocking(server).await.unwrap();
    let mut client = ServerReflectionClient::new(common::channel(grpc).await.unwrap());
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = client.server_reflection_info(tokio_stream::iter([request])).await.unwrap().into_inner();
    let response = responses.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("not a service list: {response:?}");
    };
    let names: Vec<&str> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"codify.v1.CodeService"), "{names:?}");
    assert!(names.contains(&"grpc.health.v1.Health"), "{names:?}");
}

/// Times `$expand` with a filter against SearchCodes, and `$validate-code` against
/// ValidateCodes, on the same server (uncached: each query is asked once per side, with
/// page sizes that differ so neither side answers from the other's cached page). Prints
/// medians; run with `cargo test --release --test fhir -- --ignored --nocapture timing`.
#[tokio::test]
#[ignore = "a measurement, not a check"]
async fn timing_against_grpc() {
    let words = [
        "diab",
        "asthma",
        "fracture femur",
        "heart failure",
        "pneumonia",
        "hypertension",
        "migraine",
        "anemia",
        "sepsis",
        "copd",
        "obesity",
        "depression",
        "otitis media",
        "gout",
        "cellulitis",
        "insulin",
        "wheelchair",
        "glucose monitor",
        "stroke",
        "kidney disease",
    ];
    let mut client = grpc().await;
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let (mut grpc_times, mut fhir_times) = (Vec::new(), Vec::new());
    for word in words {
        let started = std::time::Instant::now();
        let request = proto::SearchCodesRequest {
            query: word.to_string(),
            systems: vec![proto::CodeSystem::Icd10cm as i32],
            page_size: 10,
            ..Default::default()
        };
        client.search_codes(request).await.unwrap();
        grpc_times.push(started.elapsed());
        let target = format!("/fhir/ValueSet/$expand?url={}&filter={}&count=11", q(&format!("{ICD}?fhir_vs")), q(word));
        let started = std::time::Instant::now();
        tokio::task::spawn_blocking(move || get_json(&target)).await.unwrap();
        fhir_times.push(started.elapsed());
    }
    println!("search: SearchCodes median {:?}, $expand median {:?}", median(grpc_times), median(fhir_times));
    let (mut grpc_times, mut fhir_times) = (Vec::new(), Vec::new());
    for code in ["E11.9", "I10", "J45.909", "E11.A", "Z99.999", "M54.50", "F32.A", "N18.30"] {
        let started = std::time::Instant::now();
        let item = common::item(common::ICD, code, "");
        client.validate_codes(proto::ValidateCodesRequest { items: vec![item] }).await.unwrap();
        grpc_times.push(started.elapsed());
        let target = format!("/fhir/CodeSystem/$validate-code?url={}&code={code}", q(ICD));
        let started = std::time::Instant::now();
        tokio::task::spawn_blocking(move || get_json(&target)).await.unwrap();
        fhir_times.push(started.elapsed());
    }
    println!("validate: ValidateCodes median {:?}, $validate-code median {:?}", median(grpc_times), median(fhir_times));
}
