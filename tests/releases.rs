//! Release history over real releases: DiffReleases on the real pairs (ICD-10-CM FY2025 →
//! FY2026, HCPCS 2020 → Oct 2025), ExportCodes, and code history in GetCode.

#![allow(clippy::expect_used)]

mod common;

use codify::grpc::proto::{self, ChangeType, CodeSystem};
use common::{assert_invalid_fields, client, expect_ok};
use tokio_stream::StreamExt;

async fn diff(system: CodeSystem, from: &str, to: &str) -> Vec<proto::DiffReleasesResponse> {
    let request =
        proto::DiffReleasesRequest { system: system as i32, from_version: from.into(), to_version: to.into() };
    let mut stream = expect_ok(client().await.diff_releases(request).await, "DiffReleases");
    let mut messages = Vec::new();
    while let Some(message) = stream.next().await {
        messages.push(message.expect("stream message"));
    }
    messages
}

fn changes(messages: &[proto::DiffReleasesResponse]) -> Vec<&proto::CodeChange> {
    messages.iter().flat_map(|m| m.changes.iter()).collect()
}

#[tokio::test]
async fn icd10cm_fy2025_to_fy2026_counts_and_examples() {
    let messages = diff(CodeSystem::Icd10cm, "FY2025", "FY2026").await;
    let last = messages.last().expect("at least one message");
    let all = changes(&messages);
    let count = |kind: ChangeType| all.iter().filter(|c| c.r#type == kind as i32).count() as i32;
    assert_eq!(last.added_count, count(ChangeType::Added));
    assert_eq!(last.terminated_count, count(ChangeType::Terminated));
    assert_eq!(last.redescribed_count, count(ChangeType::Redescribed));
    // 614 added and 12 terminated match a set difference of the FY2025 order file and the FY2026 code list.
    assert_eq!((last.added_count, last.terminated_count, last.redescribed_count), (614, 12, 196));
    let s301 = all.iter().find(|c| c.code == "S30.1XXA").expect("S30.1XXA terminated");
    assert_eq!(s301.r#type, ChangeType::Terminated as i32);
    assert_eq!(s301.termination_date, "2025-09-30");
    assert!(s301.new_title.is_empty() && !s301.old_title.is_empty());
    let e11a = all.iter().find(|c| c.code == "E11.A").expect("E11.A added");
    assert_eq!(e11a.r#type, ChangeType::Added as i32);
    assert_eq!(e11a.new_title, "Type 2 diabetes mellitus without complications in remission");
}

#[tokio::test]
async fn hcpcs_2020_to_2025_counts_and_examples() {
    let messages = diff(CodeSystem::Hcpcs, "2020", "2025-10").await;
    let last = messages.last().expect("at least one message");
    assert_eq!((last.added_count, last.terminated_count, last.redescribed_count), (1_557, 400, 312));
    let all = changes(&messages);
    let c9041 = all.iter().find(|c| c.code == "C9041").expect("C9041 terminated");
    assert_eq!(c9041.r#type, ChangeType::Terminated as i32);
    assert_eq!(c9041.termination_date, "2020-06-30");
    assert_eq!(c9041.replacements, ["J7169"]);
    let a2036 = all.iter().find(|c| c.code == "A2036").expect("A2036 added");
    assert_eq!(a2036.r#type, ChangeType::Added as i32);
}

#[tokio::test]
async fn diff_refuses_unknown_versions_and_missing_system() {
    let mut client = client().await;
    let request = proto::DiffReleasesRequest {
        system: CodeSystem::Icd10cm as i32,
        from_version: "FY1999".into(),
        to_version: "FY2026".into(),
    };
    let status = client.diff_releases(request).await.expect_err("unknown version");
    assert_invalid_fields(&status, &["from_version"]);
    let status = client.diff_releases(proto::DiffReleasesRequest::default()).await.expect_err("no system");
    assert_invalid_fields(&status, &["system"]);
}

#[tokio::test]
async fn export_streams_every_code_of_a_release() {
    let request = proto::ExportCodesRequest { system: CodeSystem::Hcpcs as i32, version: "2020".into() };
    let mut stream = expect_ok(client().await.export_codes(request).await, "ExportCodes");
    let mut codes = Vec::new();
    let mut release = None;
    while let Some(message) = stream.next().await {
        let message = message.expect("stream message");
        if release.is_none() {
            release = message.release.clone();
        }
        codes.extend(message.codes);
    }
    let release = release.expect("release on the first message");
    assert_eq!(release.version, "2020");
    assert_eq!(codes.len(), 7_079);
    assert_eq!(release.code_count, 7_079);
    let first = codes[0].summary.as_ref().expect("summary");
    assert!(!first.code.is_empty() && !first.title.is_empty());
}

#[tokio::test]
async fn get_code_shows_history_across_releases() {
    let mut client = client().await;
    let request = proto::GetCodeRequest {
        system: CodeSystem::Icd10cm as i32,
        code: "S30.1XXA".into(),
        as_of: "2025-11-01".into(),
    };
    let code = expect_ok(client.get_code(request).await, "GetCode").code.expect("code");
    let history: Vec<(i32, &str)> = code.history.iter().map(|e| (e.r#type, e.release_version.as_str())).collect();
    assert_eq!(history, [(ChangeType::Added as i32, "FY2025"), (ChangeType::Terminated as i32, "FY2026")]);
    let request =
        proto::GetCodeRequest { system: CodeSystem::Hcpcs as i32, code: "C9041".into(), as_of: "2025-11-01".into() };
    let code = expect_ok(client.get_code(request).await, "GetCode").code.expect("code");
    let history: Vec<(i32, &str)> = code.history.iter().map(|e| (e.r#type, e.release_version.as_str())).collect();
    assert_eq!(history, [(ChangeType::Added as i32, "2020"), (ChangeType::Terminated as i32, "2025-10")]);
}
