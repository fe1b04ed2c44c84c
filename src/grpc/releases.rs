//! Streaming release RPCs: differences between two releases, and full exports.

use std::pin::Pin;
use std::sync::Arc;

use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::Stream;
use tonic::Status;

use super::error::ApiError;
use super::{convert, proto, validate};
use crate::codes::diff::{self, ChangeKind};
use crate::codes::{display_code, CodeSystem, Date, Release};
use crate::engine::Engine;

/// Messages per streamed batch.
const BATCH: usize = 500;
/// Batches buffered ahead of a slow reader.
const BUFFERED_BATCHES: usize = 4;

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
        ApiError::invalid(field, format!("no {system} release {version:?} is loaded (loaded: {})", known.join(", ")))
    })
}

/// Runs `produce` on a blocking thread, streaming what it sends.
fn stream_from<T: Send + 'static>(
    produce: impl FnOnce(tokio::sync::mpsc::Sender<Result<T, Status>>) + Send + 'static,
) -> ResponseStream<T> {
    let (sender, receiver) = tokio::sync::mpsc::channel(BUFFERED_BATCHES);
    tokio::task::spawn_blocking(move || produce(sender));
    Box::pin(ReceiverStream::new(receiver))
}

/// DiffReleases.
pub fn diff_releases(
    engine: Arc<Engine>,
    request: &proto::DiffReleasesRequest,
) -> Result<ResponseStream<proto::DiffReleasesResponse>, ApiError> {
    let system = required_system(request.system)?;
    let older = release_by_version(&engine, system, &request.from_version, "from_version")?.id;
    let newer = release_by_version(&engine, system, &request.to_version, "to_version")?.id;
    Ok(stream_from(move |sender| {
        let (Some(older), Some(newer)) = (engine.catalog.release(older), engine.catalog.release(newer)) else {
            return;
        };
        let changes = diff::diff(older, newer);
        let (added, terminated, redescribed) = diff::count(&changes);
        let display = |code: &str| display_code(system, code);
        let mut batches = changes.chunks(BATCH).peekable();
        if batches.peek().is_none() {
            let _ = sender.blocking_send(Ok(proto::DiffReleasesResponse::default()));
            return;
        }
        while let Some(batch) = batches.next() {
            let last = batches.peek().is_none();
            let message = proto::DiffReleasesResponse {
                changes: batch
                    .iter()
                    .map(|change| {
                        let title = |entry: Option<&crate::codes::CodeEntry>| {
                            entry.map(|e| e.title.clone()).unwrap_or_default()
                        };
                        let short = |entry: Option<&crate::codes::CodeEntry>| {
                            entry.and_then(|e| e.short_title.clone()).unwrap_or_default()
                        };
                        let ended = change.after.and_then(|e| e.terminated).or(older.info.effective_to);
                        let terminated = change.kind == ChangeKind::Terminated;
                        proto::CodeChange {
                            r#type: change_type(change.kind),
                            code: display(change.code()),
                            old_title: title(change.before),
                            new_title: if terminated { String::new() } else { title(change.after) },
                            old_short_title: short(change.before),
                            new_short_title: if terminated { String::new() } else { short(change.after) },
                            termination_date: if terminated {
                                ended.map(|d| d.to_string()).unwrap_or_default()
                            } else {
                                String::new()
                            },
                            replacements: if terminated {
                                change
                                    .after
                                    .or(change.before)
                                    .map(|e| e.replacements.iter().map(|c| display(c)).collect())
                                    .unwrap_or_default()
                            } else {
                                Vec::new()
                            },
                        }
                    })
                    .collect(),
                added_count: if last { added as i32 } else { 0 },
                terminated_count: if last { terminated as i32 } else { 0 },
                redescribed_count: if last { redescribed as i32 } else { 0 },
            };
            if sender.blocking_send(Ok(message)).is_err() {
                return; // the caller went away
            }
        }
    }))
}

/// Proto value of a change kind.
pub fn change_type(kind: ChangeKind) -> i32 {
    (match kind {
        ChangeKind::Added => proto::ChangeType::Added,
        ChangeKind::Terminated => proto::ChangeType::Terminated,
        ChangeKind::Redescribed => proto::ChangeType::Redescribed,
    }) as i32
}

/// ExportCodes.
pub fn export_codes(
    engine: Arc<Engine>,
    request: &proto::ExportCodesRequest,
) -> Result<ResponseStream<proto::ExportCodesResponse>, ApiError> {
    let system = required_system(request.system)?;
    let release_id = release_by_version(&engine, system, &request.version, "version")?.id;
    Ok(stream_from(move |sender| {
        let Some(release) = engine.catalog.release(release_id) else {
            return;
        };
        let as_of = release.info.effective_from;
        for (index, batch) in release.entries.chunks(BATCH).enumerate() {
            let codes = batch
                .iter()
                .map(|entry| {
                    let found = crate::codes::Found { release, entry, status: crate::codes::Status::Active };
                    convert::code(&engine.catalog, &found, as_of)
                })
                .collect();
            let message =
                proto::ExportCodesResponse { release: (index == 0).then(|| convert::release(release)), codes };
            if sender.blocking_send(Ok(message)).is_err() {
                return;
            }
        }
    }))
}
