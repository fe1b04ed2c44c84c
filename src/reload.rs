//! Hot reload: load the configured releases again and swap the new engine in atomically
//! while requests keep flowing. A refused release leaves the running engine in place.
//!
//! Triggers: a change of the manifest or of any release file it names (polled), and the
//! admin endpoint `POST /reload`. What keeps a half-published file out:
//! - a file pinned by `sha256` in the manifest is refused unless it matches;
//! - without a pin, files must have been left alone for the settle period before they are
//!   read, and a load during which they changed is thrown away;
//! - a release that loses more than the configured share of its codes against the one it
//!   replaces is refused, unless the operator allows it for that reload.
//!
//! Reloads run one at a time; one asked for when nothing changed does nothing, and none
//! starts sooner than the minimum interval after the previous one.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::codes::Catalog;
use crate::engine::Engine;
use crate::grpc::service::SharedEngine;
use crate::loaders::manifest::Manifest;

/// How reloads are guarded (see the module documentation).
#[derive(Debug, Clone)]
pub struct ReloadPolicy {
    /// How long files must be unmodified before they are read.
    pub settle: Duration,
    /// Shortest time between the starts of two reloads.
    pub min_interval: Duration,
    /// Largest share of a release's codes (0–100 percent) a reload may lose.
    pub max_code_loss_percent: u8,
}

impl Default for ReloadPolicy {
    fn default() -> Self {
        ReloadPolicy {
            settle: Duration::from_secs(10),
            min_interval: Duration::from_secs(10),
            max_code_loss_percent: 5,
        }
    }
}

/// What the caller of one reload allows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReloadOptions {
    /// Reload even when no file changed.
    pub force: bool,
    /// Accept releases that lose more codes than the policy allows.
    pub allow_code_loss: bool,
}

/// A request to reload, with where to send the outcome.
#[derive(Debug)]
pub struct ReloadRequest {
    /// What the requester allows.
    pub options: ReloadOptions,
    /// Where the outcome goes.
    pub reply: tokio::sync::oneshot::Sender<Result<String, String>>,
}

/// The state of the last reload, behind the one-at-a-time lock.
#[derive(Debug)]
struct LastReload {
    /// Stamp of the files the running engine was loaded from.
    loaded_stamp: u64,
    /// When the last reload started.
    started: Option<Instant>,
}

/// Reloads releases into a shared engine slot, one reload at a time.
#[derive(Debug)]
pub struct Reloader {
    releases: PathBuf,
    index_dir: Option<PathBuf>,
    search_cache_entries: usize,
    slot: SharedEngine,
    policy: ReloadPolicy,
    last: tokio::sync::Mutex<LastReload>,
}

impl Reloader {
    /// A reloader for the manifest at `releases`, swapping into `slot` engines that cache
    /// up to `search_cache_entries` search pages.
    pub fn new(
        releases: PathBuf,
        index_dir: Option<PathBuf>,
        search_cache_entries: usize,
        slot: SharedEngine,
        policy: ReloadPolicy,
    ) -> Reloader {
        let loaded_stamp = files_stamp(&releases).stamp;
        Reloader {
            releases,
            index_dir,
            search_cache_entries,
            slot,
            policy,
            last: tokio::sync::Mutex::new(LastReload { loaded_stamp, started: None }),
        }
    }

    /// Loads the releases again and swaps the engine in; on failure the running engine stays.
    pub async fn reload(&self, trigger: &'static str, options: ReloadOptions) -> Result<String, String> {
        let mut last = self.last.lock().await;
        let outcome = self.reload_locked(&mut last, trigger, options).await;
        match &outcome {
            Ok(message) => tracing::info!(trigger, outcome = %message, "reload finished"),
            Err(reason) => {
                tracing::warn!(trigger, error = %reason, "release reload refused; still serving the previous releases")
            }
        }
        outcome
    }

    async fn reload_locked(
        &self,
        last: &mut LastReload,
        trigger: &'static str,
        options: ReloadOptions,
    ) -> Result<String, String> {
        let manifest = self.releases.clone();
        let files = tokio::task::spawn_blocking(move || files_stamp(&manifest))
            .await
            .map_err(|error| format!("reload task failed: {error}"))?;
        if !options.force && !options.allow_code_loss && files.stamp == last.loaded_stamp {
            return Ok("unchanged: no release file changed since the last load".to_string());
        }
        if let Some(started) = last.started.filter(|started| started.elapsed() < self.policy.min_interval) {
            let wait = self.policy.min_interval.saturating_sub(started.elapsed());
            return Err(format!(
                "a reload started {} ms ago; retry in {} ms",
                started.elapsed().as_millis(),
                wait.as_millis()
            ));
        }
        if let Some(age) = files.youngest_age().filter(|age| *age < self.policy.settle) {
            return Err(format!(
                "a release file changed {} ms ago; files are read once left alone for {} ms",
                age.as_millis(),
                self.policy.settle.as_millis()
            ));
        }
        last.started = Some(Instant::now());
        let previous = self.slot.read().ok().and_then(|slot| slot.clone());
        let releases = self.releases.clone();
        let index_dir = self.index_dir.clone();
        let cache_entries = self.search_cache_entries;
        let max_loss = if options.allow_code_loss { 100 } else { self.policy.max_code_loss_percent };
        let span = tracing::info_span!("engine.reload", trigger);
        let loaded = tokio::task::spawn_blocking(move || {
            let engine = span.in_scope(|| {
                Engine::load_checked(&releases, index_dir.as_ref(), |catalog| match &previous {
                    Some(previous) => check_code_loss(&previous.catalog, catalog, max_loss),
                    None => Ok(()),
                })
            });
            // Files that changed while they were read may have been read half-written.
            let after = files_stamp(&releases).stamp;
            (after, engine)
        })
        .await
        .map_err(|error| format!("reload task failed: {error}"))?;
        let (stamp_after, engine) = loaded;
        if stamp_after != files.stamp {
            crate::telemetry::metrics::record_reload(false);
            return Err("release files changed while they were read; the load was discarded".to_string());
        }
        let engine = match engine {
            Ok(engine) => engine.with_search_cache(cache_entries),
            Err(error) => {
                crate::telemetry::metrics::record_reload(false);
                // The files were judged: do not judge the same files again on every tick.
                last.loaded_stamp = files.stamp;
                return Err(error.to_string());
            }
        };
        let summary: Vec<String> = engine
            .catalog
            .releases()
            .iter()
            .map(|r| format!("{} {} ({} codes)", r.info.system, r.info.version, r.entries.len()))
            .collect();
        crate::telemetry::metrics::record_index(&engine);
        crate::telemetry::metrics::record_reload(true);
        let docs = engine.index.doc_count();
        let engine = Arc::new(engine);
        Engine::warm_in_background(&engine);
        match self.slot.write() {
            Ok(mut slot) => *slot = Some(engine),
            Err(_) => return Err("engine slot unavailable".to_string()),
        }
        last.loaded_stamp = files.stamp;
        tracing::info!(trigger, docs, "releases reloaded and swapped in");
        Ok(format!("reloaded: {}", summary.join(", ")))
    }

    /// Polls the manifest and the files it names every `interval`, reloading on change,
    /// and answers reload requests, until `stop` is set.
    pub async fn run(
        self: Arc<Self>,
        interval: Duration,
        mut requests: Option<tokio::sync::mpsc::Receiver<ReloadRequest>>,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut ticker = (!interval.is_zero()).then(|| tokio::time::interval(interval));
        loop {
            let tick = async {
                match ticker.as_mut() {
                    Some(ticker) => {
                        ticker.tick().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let request = async {
                match requests.as_mut() {
                    Some(receiver) => receiver.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = stopped(&mut stop) => return,
                () = tick => {
                    // File metadata is blocking I/O: read it off the async workers.
                    let manifest = self.releases.clone();
                    let Ok(current) = tokio::task::spawn_blocking(move || files_stamp(&manifest)).await else {
                        continue;
                    };
                    let changed = self.last.lock().await.loaded_stamp != current.stamp;
                    let settled = current.youngest_age().is_none_or(|age| age >= self.policy.settle);
                    if changed && settled {
                        let _ = self.reload("files changed", ReloadOptions::default()).await;
                    }
                }
                request = request => match request {
                    Some(ReloadRequest { options, reply }) => {
                        let _ = reply.send(self.reload("admin request", options).await);
                    }
                    None => requests = None,
                },
            }
        }
    }
}

async fn stopped(stop: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Refuses `loaded` when one of its releases has lost more than `max_loss_percent` of the
/// codes of the release of the same system and version in `running`.
pub fn check_code_loss(running: &Catalog, loaded: &Catalog, max_loss_percent: u8) -> Result<(), String> {
    for release in loaded.releases() {
        let Some(before) = running
            .releases_of(release.info.system)
            .find(|old| old.info.version == release.info.version)
            .map(|old| old.entries.len())
        else {
            continue;
        };
        let after = release.entries.len();
        let lost = before.saturating_sub(after);
        if lost * 100 > before * usize::from(max_loss_percent.min(100)) {
            return Err(format!(
                "{} {} would lose {lost} of its {before} codes (more than {max_loss_percent}%): \
                 refused as a likely truncated file; reload with allow_code_loss to accept it",
                release.info.system, release.info.version
            ));
        }
    }
    Ok(())
}

/// What the release files looked like at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilesStamp {
    /// A fingerprint of the manifest and every file it names (size and modification time).
    pub stamp: u64,
    /// The latest modification time among them.
    pub youngest: Option<SystemTime>,
}

impl FilesStamp {
    /// How long ago the most recently modified file was modified.
    pub fn youngest_age(&self) -> Option<Duration> {
        self.youngest.map(|modified| SystemTime::now().duration_since(modified).unwrap_or(Duration::ZERO))
    }
}

/// The stamp of the manifest and of every file it names, directories walked.
pub fn files_stamp(manifest_path: &Path) -> FilesStamp {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let mut youngest = None;
    stamp_path(manifest_path, &mut hasher, &mut youngest, 0);
    if let Ok(manifest) = Manifest::read(manifest_path) {
        for spec in &manifest.releases {
            stamp_path(&spec.path, &mut hasher, &mut youngest, 0);
            for extra in spec.hierarchy.iter().chain(&spec.definitions).chain(&spec.procedure_index) {
                stamp_path(extra, &mut hasher, &mut youngest, 0);
            }
        }
        if let Some(synonyms) = &manifest.synonyms {
            stamp_path(synonyms, &mut hasher, &mut youngest, 0);
        }
        for file in manifest.indexes.iter().flat_map(|index| &index.files) {
            stamp_path(&file.path, &mut hasher, &mut youngest, 0);
        }
        for rule in &manifest.rules {
            stamp_path(&rule.path, &mut hasher, &mut youngest, 0);
        }
    }
    FilesStamp { stamp: hasher.finish(), youngest }
}

fn stamp_path(path: &Path, hasher: &mut impl Hasher, youngest: &mut Option<SystemTime>, depth: usize) {
    path.hash(hasher);
    let Ok(metadata) = std::fs::metadata(path) else {
        "missing".hash(hasher);
        return;
    };
    metadata.len().hash(hasher);
    if let Ok(modified) = metadata.modified() {
        modified.hash(hasher);
        if youngest.is_none_or(|seen| modified > seen) {
            *youngest = Some(modified);
        }
    }
    if metadata.is_dir() && depth < 4 {
        let Ok(entries) = std::fs::read_dir(path) else { return };
        let mut children: Vec<PathBuf> = entries.filter_map(|entry| entry.ok().map(|e| e.path())).collect();
        children.sort();
        for child in children {
            stamp_path(&child, hasher, youngest, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{CodeEntry, CodeSystem, Date, EntryKind, ReleaseContent, ReleaseInfo};

    fn catalog(codes: usize) -> Catalog {
        let info = ReleaseInfo {
            system: CodeSystem::Icd10Cm,
            version: "FY2025".to_string(),
            effective_from: Date::parse("2024-10-01").unwrap_or_else(|e| panic!("{e}")),
            effective_to: None,
            sources: Vec::new(),
        };
        let entries = (0..codes).map(|n| CodeEntry::new(format!("A{n:04}"), EntryKind::Code, true, "x")).collect();
        Catalog::new(vec![(info, ReleaseContent { entries, nodes: Vec::new(), pcs: None })])
    }

    #[test]
    fn a_release_losing_more_than_its_share_is_refused() {
        let running = catalog(1000);
        assert_eq!(check_code_loss(&running, &catalog(1000), 5), Ok(()));
        assert_eq!(check_code_loss(&running, &catalog(950), 5), Ok(()));
        assert_eq!(check_code_loss(&running, &catalog(1200), 5), Ok(()));
        let refused = check_code_loss(&running, &catalog(949), 5);
        assert!(refused.as_ref().is_err_and(|reason| reason.contains("lose 51 of its 1000 codes")), "{refused:?}");
        assert_eq!(check_code_loss(&running, &catalog(500), 100), Ok(()));
    }
}
