//! Servers of a test's own on the small CPT sample (ready in moments), for tests that change
//! settings or stop the server: scratch manifest, start, stop.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use codify::config::ServerConfig;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A scratch directory removed when dropped.
pub struct ScratchDir(pub PathBuf);

impl ScratchDir {
    pub fn new(name: &str) -> ScratchDir {
        let path = std::env::temp_dir().join(format!("codify-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create scratch directory");
        ScratchDir(path)
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write scratch file");
        path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A manifest of the CPT sample alone, written into `scratch`.
pub fn small_manifest(scratch: &ScratchDir) -> PathBuf {
    let data = super::common::manifest_path().parent().expect("data directory").to_path_buf();
    let manifest = serde_json::json!({
        "releases": [{
            "system": "cpt",
            "version": "2026-sample",
            "effective_from": "2026-01-01",
            "format": "cpt-ama",
            "path": data.join("cpt-sample"),
            "hierarchy": data.join("cpt-hierarchy.tsv"),
        }]
    });
    scratch.write("releases.json", manifest.to_string())
}

/// Settings for a server on the small manifest, admin listener off.
pub fn small_config(scratch: &ScratchDir) -> ServerConfig {
    ServerConfig {
        releases: small_manifest(scratch),
        admin_listen: None,
        shutdown_delay: std::time::Duration::ZERO,
        drain_timeout: Duration::from_secs(10),
        ..Default::default()
    }
}

/// A running server: its address, its stop signal and its task.
pub struct RunningServer {
    pub address: SocketAddr,
    pub stop: Option<oneshot::Sender<()>>,
    pub task: JoinHandle<Result<(), codify::ServeError>>,
}

impl RunningServer {
    /// Starts a server with `config` on a fresh local port; returns once it is SERVING.
    pub async fn start(config: ServerConfig) -> RunningServer {
        let (listener, address) = super::common::bind_local().await;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(codify::serve(config, listener, async {
            let _ = stopped.await;
        }));
        super::common::wait_until_serving(address, Duration::from_secs(60)).await.expect("serving");
        RunningServer { address, stop: Some(stop), task }
    }

    /// Sends the stop signal (as SIGTERM would).
    pub fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Stops the server and waits (at most 30 s) for `serve` to return Ok.
    pub async fn stop(mut self) {
        self.signal_stop();
        let outcome = tokio::time::timeout(Duration::from_secs(30), self.task).await.expect("serve returns");
        outcome.expect("server task").expect("serve returns Ok");
    }
}
