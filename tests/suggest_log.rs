//! Notes are patient data: the `codify` binary, logging at debug level, codes a note in
//! ICD-10-CM and ICD-10-PCS (building both suggesters on the way) and no word of the note may
//! appear in what it writes. The log must show the call and the suggester builds, so a server
//! that logged nothing would fail too.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(target_os = "linux")]

mod common;
mod own_server;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use codify::grpc::proto::{CodeSystem, SuggestCodesRequest};
use own_server::ScratchDir;

/// The note: words no release, log line or library would write on its own.
const NOTE: &str = "Patient Quillfeather Brandtvoss, MRN 88431207. Assessment: acute appendicitis. \
                    Procedure: laparoscopic appendectomy by Dr Osterwald-Ngata.";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A manifest of the FY2026 ICD-10-CM and ICD-10-PCS releases with the Alphabetic Index.
fn manifest(scratch: &ScratchDir) -> std::path::PathBuf {
    let data = common::manifest_path().parent().expect("data directory").to_path_buf();
    let path = |relative: &str| data.join(relative).to_string_lossy().into_owned();
    let manifest = serde_json::json!({
        "releases": [
            { "system": "icd10cm", "version": "FY2026", "effective_from": "2025-10-01",
              "format": "icd10cm-tabular", "path": path("icd10cm/icd10cm-tabular-2026.xml.gz") },
            { "system": "icd10pcs", "version": "FY2026", "effective_from": "2025-10-01",
              "format": "icd10pcs-tables", "path": path("icd10pcs/icd10pcs_tables_2026.xml.gz"),
              "definitions": path("icd10pcs/icd10pcs_definitions_2026.xml.gz"),
              "index": path("icd10pcs/icd10pcs_index_2025.xml.gz") }
        ],
        "synonyms": path("search/synonyms.tsv"),
        "indexes": [
            { "system": "icd10cm", "version": "FY2025", "effective_from": "2024-10-01", "files": [
                { "kind": "main", "format": "icd10cm-index-csv",
                  "path": path("icd10cm/index-fy2025/ICD10CM_2025_Index.csv.gz") }
            ] }
        ]
    });
    scratch.write("releases.json", serde_json::to_vec_pretty(&manifest).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_logs_of_suggest_codes_hold_no_word_of_the_note() {
    let scratch = ScratchDir::new("suggest-log");
    let manifest = manifest(&scratch);
    let log_path = scratch.0.join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let address: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_codify"))
        .args(["serve", "--listen", &address.to_string(), "--admin-listen", "", "--http-listen", ""])
        .arg("--releases")
        .arg(&manifest)
        .args(["--log", "debug", "--log-format", "text"])
        .env_remove("RUST_LOG")
        .env_remove("CODIFY_LOG")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .expect("start codify");
    let server = Server(child);
    common::wait_until_serving(address, Duration::from_secs(180)).await.expect("serving");

    let mut client =
        codify::grpc::proto::code_service_client::CodeServiceClient::new(common::channel(address).await.unwrap());
    let request = SuggestCodesRequest {
        text: NOTE.into(),
        systems: vec![CodeSystem::Icd10cm as i32, CodeSystem::Icd10pcs as i32],
        date_of_service: "2025-11-01".into(),
        max_suggestions: 10,
        include_uncodable: true,
    };
    let response = client.suggest_codes(request).await.expect("SuggestCodes").into_inner();
    let codes: Vec<String> =
        response.suggestions.iter().filter_map(|s| s.code.as_ref()).map(|c| c.code.clone()).collect();
    assert!(codes.contains(&"0DTJ4ZZ".to_string()), "{codes:?}");
    drop(server);

    let written = std::fs::read_to_string(&log_path).unwrap();
    assert!(written.contains("DEBUG"), "not logging at debug level:\n{written}");
    assert!(written.contains("SuggestCodes"), "the call is not in the log:\n{written}");
    assert!(written.contains("note suggester built") && written.contains("icd10pcs"), "no suggester build logged");
    let lowered = written.to_lowercase();
    let words = NOTE.split(|c: char| !c.is_alphanumeric()).filter(|word| word.len() >= 4);
    let leaked: Vec<&str> = words.filter(|word| lowered.contains(&word.to_lowercase())).collect();
    assert!(leaked.is_empty(), "note words in the log: {leaked:?}");
}
