//! Streaming release RPCs: differences between two releases, and full exports, each
//! message built on demand (see [`OnDemand`]).

use std::pin::Pin;
use std::sync::Arc;

use tokio_stream::Stream;
use tonic::Status;

use super::cpu_pool::CpuPool;
use super::error::{echo, ApiError};
use super::on_demand::OnDemand;
use super::{convert, proto, validate};
use crate::codes::diff::{self, ChangeKind};
use crate::codes::ReleaseId;
use crate::codes::{display_code, CodeSystem, Date, Release};
use crate::engine::Engine;

/// Changes per DiffReleases message.
const DIFF_BATCH: usize = 500;
/// Codes per ExportCodes message (full entries with notes: ~100–200 KB encoded).
const EXPORT_BATCH: usize = 200;

/// A server stream of `T`.
pub type ResponseStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

fn required_system(value: i32) -> Result<CodeSystem, ApiError> {
    match validate::system(value) {
        Ok(Some(system)) => Ok(system),
        Ok(None) => Err(ApiError::invalid("system", "is required")),
        Err(reason) => Err(ApiError::invalid("system", reason)),
    }
}

fn release_by_version<'a>(
    engine: &'a Engine,
    system: CodeSystem,
    version: &str,
    field: &str,
) -> Result<&'a Release, ApiError> {
    if version.trim().is_empty() {
        return engine
            .catalog
            .release_in_force(system, Date::today_utc())
            .ok_or_else(|| ApiError::NotFound(format!("no {system} release is in force today")));
    }
    engine.catalog.releases_of(system).find(|release| release.info.version == version.trim()).ok_or_else(|| {
        let known: Vec<&str> = engine.catalog.releases_of(system).map(|r| r.info.version.as_str()).collect();
        ApiError::invalid(
            field,
            format!("no {system} release {} is loaded (loaded: {})", echo(version.trim()), known.join(", ")),
        )
    })
}

/// Where a DiffReleases stream is.
struct DiffState {
    engine: Arc<Engine>,
    system: CodeSystem,
    older: ReleaseId,
    newer: ReleaseId,
    /// The changes (kind and code), computed on the first step.
    changes: Option<Vec<(ChangeKind, String)>>,
    next: usize,
}

/// DiffReleases.
pub fn diff_releases(
    engine: Arc<Engine>,
    cpu: CpuPool,
    request: &proto::DiffReleasesRequest,
) -> Result<ResponseStream<proto::DiffReleasesResponse>, ApiError> {
    let system = required_system(request.system)?;
    let older = release_by_version(&engine, system, &request.from_version, "from_version")?.id;
    let newer = release_by_version(&engine, system, &request.to_version, "to_version")?.id;
    let state = DiffState { engine, system, older, newer, changes: None, next: 0 };
    Ok(Box::pin(OnDemand::new(cpu, state, diff_step)))
}

/// The next DiffReleases message: up to [`DIFF_BATCH`] changes; the last carries the counts
/// (an empty difference is one empty message).
fn diff_step(state: &mut DiffState) -> Option<proto::DiffReleasesResponse> {
    let (older, newer) = (state.engine.catalog.release(state.older)?, state.engine.catalog.release(state.newer)?);
    let changes = state.changes.get_or_insert_with(|| {
        diff::diff(older, newer).iter().map(|change| (change.kind, change.code().to_string())).collect()
    });
    let start = state.next;
    if start > 0 && start >= changes.len() {
        return None;
    }
    let end = (start + DIFF_BATCH).min(changes.len());
    state.next = end.max(1);
    let last = end == changes.len();
    let system = state.system;
    let display = |code: &str| display_code(system, code);
    let title = |entry: Option<&crate::codes::CodeEntry>| entry.map(|e| e.title.clone()).unwrap_or_default();
    let short = |entry: Option<&crate::codes::CodeEntry>| entry.and_then(|e| e.short_title.clone()).unwrap_or_default();
    let batch = changes[start..end]
        .iter()
        .map(|(kind, code)| {
            let (before, after) = (older.entry(code), newer.entry(code));
            let terminated = *kind == ChangeKind::Terminated;
            let ended = after.and_then(|e| e.terminated()).or(older.info.effective_to);
            proto::CodeChange {
                r#type: change_type(*kind),
                code: display(code),
                old_title: title(before),
                new_title: if terminated { String::new() } else { title(after) },
                old_short_title: short(before),
                new_short_title: if terminated { String::new() } else { short(after) },
                termination_date: if terminated {
                    ended.map(|d| d.to_string()).unwrap_or_default()
                } else {
                    String::new()
                },
                replacements: if terminated {
                    after.or(before).map(|e| e.replacements().iter().map(|c| display(c)).collect()).unwrap_or_default()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    let (added, terminated, redescribed) = if last {
        let count = |wanted: ChangeKind| changes.iter().filter(|(kind, _)| *kind == wanted).count() as i32;
        (count(ChangeKind::Added), count(ChangeKind::Terminated), count(ChangeKind::Redescribed))
    } else {
        (0, 0, 0)
    };
    Some(proto::DiffReleasesResponse {
        changes: batch,
        added_count: added,
        terminated_count: terminated,
        redescribed_count: redescribed,
    })
}

/// Proto value of a change kind.
pub fn change_type(kind: ChangeKind) -> i32 {
    (match kind {
        ChangeKind::Added => proto::ChangeType::Added,
        ChangeKind::Terminated => proto::ChangeType::Terminated,
        ChangeKind::Redescribed => proto::ChangeType::Redescribed,
    }) as i32
}

/// Where an ExportCodes stream is.
struct ExportState {
    engine: Arc<Engine>,
    release: ReleaseId,
    next: usize,
}

/// ExportCodes.
pub fn export_codes(
    engine: Arc<Engine>,
    cpu: CpuPool,
    request: &proto::ExportCodesRequest,
) -> Result<ResponseStream<proto::ExportCodesResponse>, ApiError> {
    let system = required_system(request.system)?;
    let release = release_by_version(&engine, system, &request.version, "version")?.id;
    Ok(Box::pin(OnDemand::new(cpu, ExportState { engine, release, next: 0 }, export_step)))
}

/// The next ExportCodes message: up to [`EXPORT_BATCH`] codes; the first also carries the
/// release.
fn export_step(state: &mut ExportState) -> Option<proto::ExportCodesResponse> {
    let release = state.engine.catalog.release(state.release)?;
    let start = state.next;
    if start >= release.entries.len() {
        return None;
    }
    let end = (start + EXPORT_BATCH).min(release.entries.len());
    state.next = end;
    let as_of = release.info.effective_from;
    let codes = release.entries[start..end]
        .iter()
        .map(|entry| {
            let found = crate::codes::Found { release, entry, status: crate::codes::Status::Active };
            convert::code(&state.engine.catalog, &found, as_of)
        })
        .collect();
    Some(proto::ExportCodesResponse { release: (start == 0).then(|| convert::release(release)), codes })
}
