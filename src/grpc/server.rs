//! Server assembly: health, reflection and the code service on one listener, each call
//! traced and measured, with start-up loading, a bounded graceful drain and, when given, the
//! admin listener (`/metrics`, `/healthz`) alongside.

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use tokio::net::TcpListener;
use tonic::transport::Server;
use tonic_health::ServingStatus;
use tower_layer::Layer as _;

use super::admission::{AdmissionLayer, AdmissionSettings};
use super::cpu_pool::CpuPool;
use super::incoming;
use super::limits;
use super::proto::code_service_server::CodeServiceServer;
use super::proto::FILE_DESCRIPTOR_SET;
use super::service::{CodeServiceImpl, SharedEngine};
use crate::codes::Date;
use crate::config::ServerConfig;
use crate::engine::{Engine, EngineError};
use crate::reload::Reloader;
use crate::telemetry::admin::AdminServer;
use crate::telemetry::rpc::RpcLayer;

/// Name health reports the code service under.
pub const SERVICE_NAME: &str = "codify.v1.CodeService";

/// Why the server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Releases or index could not be loaded.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The transport failed.
    #[error("transport error: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// Reflection could not be set up.
    #[error("reflection setup failed: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// The TLS files could not be used.
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
    /// A start-up task failed.
    #[error("start-up task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The worker threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(std::io::Error),
}

/// How the server was asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShutdownKind {
    /// Turn health NOT_SERVING, wait `shutdown_delay` so balancers and probes see it, then
    /// drain (SIGTERM, as Kubernetes sends it; a future resolving to `()`).
    Graceful,
    /// Drain at once, without the delay (SIGINT at a terminal).
    Immediate,
}

impl From<()> for ShutdownKind {
    fn from((): ()) -> ShutdownKind {
        ShutdownKind::Graceful
    }
}

/// Serves on `listener` until `shutdown` resolves. Health is NOT_SERVING until the releases
/// are loaded and indexed, and again as soon as shutdown starts; in-flight calls then get
/// `drain_timeout` to finish.
pub async fn serve<K: Into<ShutdownKind>>(
    config: ServerConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = K> + Send + 'static,
) -> Result<(), ServeError> {
    serve_with_admin(config, listener, None, shutdown).await
}

/// [`serve`], with the admin server running until the drain is over.
pub async fn serve_with_admin<K: Into<ShutdownKind>>(
    config: ServerConfig,
    listener: TcpListener,
    admin: Option<AdminServer>,
    shutdown: impl Future<Output = K> + Send + 'static,
) -> Result<(), ServeError> {
    serve_with_listeners(config, listener, Listeners { admin, http: None }, shutdown).await
}

/// The listeners beside the gRPC one, each optional.
#[derive(Debug, Default)]
pub struct Listeners {
    /// The admin server (`/metrics`, `/healthz`, `/reload`), running until the drain is over.
    pub admin: Option<AdminServer>,
    /// The HTTP port: FHIR under `/fhir` and gRPC-Web, drained with the gRPC port.
    pub http: Option<TcpListener>,
}

/// [`serve`], with the admin server and the HTTP port (FHIR, gRPC-Web) when given.
pub async fn serve_with_listeners<K: Into<ShutdownKind>>(
    config: ServerConfig,
    listener: TcpListener,
    listeners: Listeners,
    shutdown: impl Future<Output = K> + Send + 'static,
) -> Result<(), ServeError> {
    let Listeners { admin, http } = listeners;
    let started = Instant::now();
    if let Some(key) = &config.page_token_key {
        if !super::page_token::set_key(key.as_bytes()) {
            tracing::warn!("page token key already set in this process; keeping the first one");
        }
    }
    let (admin_stop, admin_stopped) = tokio::sync::watch::channel(false);
    let mut admin = admin;
    let reload_requests = admin.as_mut().and_then(AdminServer::take_reload_requests);
    let reload_stopped = admin_stopped.clone();
    let admin_task = admin.map(|admin| {
        let mut stopped = admin_stopped;
        tokio::spawn(admin.run(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }))
    });
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter.set_service_status("", ServingStatus::NotServing).await;
    health_reporter.set_service_status(SERVICE_NAME, ServingStatus::NotServing).await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;
    let tls = config.transport.tls_files().map(crate::tls::TlsAcceptor::new).transpose()?;
    let engine_slot: SharedEngine = Arc::new(RwLock::new(None));
    let cpu = CpuPool::per_core().map_err(ServeError::Threads)?;
    let service = CodeServiceServer::new(CodeServiceImpl::new(engine_slot.clone(), cpu.clone()))
        .max_decoding_message_size(config.transport.max_request_bytes)
        .max_encoding_message_size(config.transport.max_response_bytes);

    let (stop_sender, stop_receiver) = tokio::sync::watch::channel(false);
    let server_receiver = stop_receiver.clone();
    let server_stop = async move {
        let mut receiver = server_receiver;
        let _ = receiver.wait_for(|stop| *stop).await;
    };
    let local_address = listener.local_addr().ok();
    let admission = AdmissionSettings::from_config(&config.transport);
    tracing::info!(
        calls = admission.call_limit,
        streams = admission.stream_limit,
        request_bytes_budget = admission.byte_budget,
        "admission limits set"
    );
    let rpc_layer = RpcLayer::new(&[
        FILE_DESCRIPTOR_SET,
        tonic_health::pb::FILE_DESCRIPTOR_SET,
        tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET,
        tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
    ]);
    let admission_layer = AdmissionLayer::new(admission);
    let http_task = http.map(|http_listener| {
        // gRPC-Web calls go through the same telemetry and admission as gRPC ones.
        let grpc_web = rpc_layer.layer(admission_layer.layer(service.clone()));
        let state = crate::http::HttpState::new(engine_slot.clone(), cpu.clone());
        let app = crate::http::router(state, grpc_web, &config.cors_allow_origins);
        let mut stopped = stop_receiver.clone();
        let limits = crate::http::HttpLimits {
            header_read_timeout: config.http_header_read_timeout,
            max_connections: config.http_max_connections as usize,
        };
        tokio::spawn(crate::http::serve(http_listener, app, limits, async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }))
    });
    let router = limits::configure(Server::builder().tcp_nodelay(true), &config.transport)
        .layer(rpc_layer)
        .layer(admission_layer)
        .add_service(health_service)
        .add_service(reflection)
        .add_service(reflection_v1alpha)
        .add_service(service);
    let server = match &tls {
        Some(acceptor) => tokio::spawn(router.serve_with_incoming_shutdown(
            acceptor.incoming(listener, config.transport.tls_reload_interval),
            server_stop,
        )),
        None => tokio::spawn(router.serve_with_incoming_shutdown(
            incoming::plaintext(listener, config.transport.handshake_timeout),
            server_stop,
        )),
    };
    tracing::info!(address = ?local_address, "listening; not serving until releases are loaded");

    let releases = config.releases.clone();
    let index_dir = config.index_dir.clone();
    let cache_entries = config.search_cache_entries;
    let load_span = tracing::info_span!("engine.load");
    let every_release_first = config.index_ended_releases_first;
    let load = tokio::task::spawn_blocking(move || {
        load_span.in_scope(|| {
            let engine = if every_release_first {
                Engine::load(&releases, index_dir.as_ref())
            } else {
                Engine::load_current_first(&releases, index_dir.as_ref(), Date::today_utc())
            };
            engine.map(|e| e.with_search_cache(cache_entries))
        })
    });
    let shutdown = async move { shutdown.await.into() };
    tokio::pin!(shutdown);
    let mut kind = ShutdownKind::Graceful;
    let outcome: Result<(), ServeError> = tokio::select! {
        loaded = load => match loaded {
            Ok(Ok(engine)) => {
                log_ready(&engine, started);
                let engine = Arc::new(engine);
                if let Ok(mut slot) = engine_slot.write() {
                    *slot = Some(engine.clone());
                }
                if !engine.index.is_final() {
                    tokio::task::spawn_blocking(move || complete_index(&engine, started));
                }
                health_reporter.set_service_status("", ServingStatus::Serving).await;
                health_reporter.set_service_status(SERVICE_NAME, ServingStatus::Serving).await;
                let reloader = Arc::new(Reloader::new(
                    config.releases.clone(),
                    config.index_dir.clone(),
                    config.search_cache_entries,
                    engine_slot.clone(),
                    config.reload_policy(),
                ));
                tokio::spawn(reloader.run(config.reload_interval, reload_requests, reload_stopped));
                kind = (&mut shutdown).await;
                Ok(())
            }
            Ok(Err(error)) => Err(error.into()),
            Err(error) => Err(error.into()),
        },
        requested = &mut shutdown => {
            kind = requested;
            Ok(())
        }
    };

    tracing::info!("shutting down: health not serving");
    health_reporter.set_service_status("", ServingStatus::NotServing).await;
    health_reporter.set_service_status(SERVICE_NAME, ServingStatus::NotServing).await;
    if outcome.is_ok() && kind == ShutdownKind::Graceful && !config.shutdown_delay.is_zero() {
        tracing::info!(delay_ms = config.shutdown_delay.as_millis() as u64, "waiting before draining");
        tokio::time::sleep(config.shutdown_delay).await;
    }
    let _ = stop_sender.send(true);
    let drain_deadline = tokio::time::Instant::now() + config.drain_timeout;
    if let Some(task) = http_task {
        match tokio::time::timeout_at(drain_deadline, task).await {
            Ok(Ok(Ok(()))) => tracing::info!("http drained"),
            Ok(Ok(Err(error))) => tracing::warn!(error = %error, "http error while draining"),
            Ok(Err(error)) => tracing::warn!(error = %error, "http task failed"),
            Err(_) => tracing::warn!("http drain timed out; closing"),
        }
    }
    match tokio::time::timeout_at(drain_deadline, server).await {
        Ok(Ok(Ok(()))) => tracing::info!("drained"),
        Ok(Ok(Err(error))) => tracing::warn!(error = %error, "transport error while draining"),
        Ok(Err(error)) => tracing::warn!(error = %error, "server task failed"),
        Err(_) => tracing::warn!(timeout_ms = config.drain_timeout.as_millis() as u64, "drain timed out; closing"),
    }
    let _ = admin_stop.send(true);
    if let Some(task) = admin_task {
        let _ = task.await;
    }
    outcome
}

/// Indexes the releases left out at start-up (see [`Engine::load_current_first`]).
fn complete_index(engine: &Engine, started: Instant) {
    let began = Instant::now();
    match engine.complete_index() {
        Ok(()) => tracing::info!(
            docs = engine.index.doc_count(),
            index_bytes = engine.index.size_bytes(),
            index_ms = began.elapsed().as_millis() as u64,
            since_start_ms = started.elapsed().as_millis() as u64,
            "index complete: every release searchable"
        ),
        // Searches dated in the releases left out keep waiting until their deadline; a reload
        // builds a whole index again.
        Err(error) => tracing::error!(error = %error, "indexing the releases that ended failed"),
    }
}

fn log_ready(engine: &Engine, started: Instant) {
    for release in engine.catalog.releases() {
        tracing::info!(
            system = %release.info.system,
            version = %release.info.version,
            effective_from = %release.info.effective_from,
            entries = release.entries.len(),
            "release ready"
        );
    }
    tracing::info!(
        docs = engine.index.doc_count(),
        index_bytes = engine.index.size_bytes(),
        load_ms = engine.load_time.as_millis() as u64,
        index_ms = engine.index_time.as_millis() as u64,
        startup_ms = started.elapsed().as_millis() as u64,
        "serving"
    );
    crate::telemetry::metrics::record_index(engine);
}
