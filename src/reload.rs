//! Hot reload: load the configured releases again and swap the new engine in atomically
//! while requests keep flowing. A refused release leaves the running engine in place.
//!
//! Triggers: a change of the manifest or of any release file it names (polled), and the
//! admin endpoint `POST /reload`.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::engine::Engine;
use crate::grpc::service::SharedEngine;
use crate::loaders::manifest::Manifest;

/// Reloads releases into a shared engine slot, one reload at a time.
#[derive(Debug)]
pub struct Reloader {
    releases: PathBuf,
    index_dir: Option<PathBuf>,
    search_cache_entries: usize,
    slot: SharedEngine,
    running: tokio::sync::Mutex<u64>,
}

/// A request to reload, with where to send the outcome.
pub type ReloadRequest = tokio::sync::oneshot::Sender<Result<String, String>>;

impl Reloader {
    /// A reloader for the manifest at `releases`, swapping into `slot` engines that cache
    /// up to `search_cache_entries` search pages.
    pub fn new(
        releases: PathBuf,
        index_dir: Option<PathBuf>,
        search_cache_entries: usize,
        slot: SharedEngine,
    ) -> Reloader {
        let stamp = files_stamp(&releases);
        Reloader { releases, index_dir, search_cache_entries, slot, running: tokio::sync::Mutex::new(stamp) }
    }

    /// Loads the releases again and swaps the engine in; on failure the running engine stays.
    pub async fn reload(&self, trigger: &'static str) -> Result<String, String> {
        let mut stamp = self.running.lock().await;
        let releases = self.releases.clone();
        let index_dir = self.index_dir.clone();
        let cache_entries = self.search_cache_entries;
        let span = tracing::info_span!("engine.reload", trigger);
        let loaded = tokio::task::spawn_blocking(move || {
            let stamp = files_stamp(&releases);
            let engine = span
                .in_scope(|| Engine::load(&releases, index_dir.as_ref()))
                .map(|engine| engine.with_search_cache(cache_entries));
            (stamp, engine)
        })
        .await
        .map_err(|error| format!("reload task failed: {error}"));
        let loaded = match loaded {
            Ok((loaded_stamp, engine)) => {
                *stamp = loaded_stamp;
                engine.map_err(|error| error.to_string())
            }
            Err(reason) => Err(reason),
        };
        match loaded {
            Ok(engine) => {
                let summary: Vec<String> = engine
                    .catalog
                    .releases()
                    .iter()
                    .map(|r| format!("{} {} ({} codes)", r.info.system, r.info.version, r.entries.len()))
                    .collect();
                crate::telemetry::metrics::record_index(&engine);
                crate::telemetry::metrics::record_reload(true);
                let docs = engine.index.doc_count();
                match self.slot.write() {
                    Ok(mut slot) => *slot = Some(Arc::new(engine)),
                    Err(_) => return Err("engine slot unavailable".to_string()),
                }
                tracing::info!(trigger, docs, "releases reloaded and swapped in");
                Ok(format!("reloaded: {}", summary.join(", ")))
            }
            Err(reason) => {
                crate::telemetry::metrics::record_reload(false);
                tracing::warn!(trigger, error = %reason, "release reload refused; still serving the previous releases");
                Err(reason)
            }
        }
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
                    let changed = *self.running.lock().await != current;
                    if changed {
                        let _ = self.reload("files changed").await;
                    }
                }
                reply = request => match reply {
                    Some(reply) => {
                        let _ = reply.send(self.reload("admin request").await);
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

/// A fingerprint of the manifest and of every file it names (size and modification time),
/// directories walked.
pub fn files_stamp(manifest_path: &Path) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    stamp_path(manifest_path, &mut hasher, 0);
    if let Ok(manifest) = Manifest::read(manifest_path) {
        for spec in &manifest.releases {
            stamp_path(&spec.path, &mut hasher, 0);
            if let Some(hierarchy) = &spec.hierarchy {
                stamp_path(hierarchy, &mut hasher, 0);
            }
        }
        if let Some(synonyms) = &manifest.synonyms {
            stamp_path(synonyms, &mut hasher, 0);
        }
    }
    hasher.finish()
}

fn stamp_path(path: &Path, hasher: &mut impl Hasher, depth: usize) {
    path.hash(hasher);
    let Ok(metadata) = std::fs::metadata(path) else {
        "missing".hash(hasher);
        return;
    };
    metadata.len().hash(hasher);
    if let Ok(modified) = metadata.modified() {
        modified.hash(hasher);
    }
    if metadata.is_dir() && depth < 4 {
        let Ok(entries) = std::fs::read_dir(path) else { return };
        let mut children: Vec<PathBuf> = entries.filter_map(|entry| entry.ok().map(|e| e.path())).collect();
        children.sort();
        for child in children {
            stamp_path(&child, hasher, depth + 1);
        }
    }
}
