//! The HTTP adapter beside `src/grpc/`: the FHIR R4 terminology API under `/fhir`, gRPC-Web
//! for `codify.v1.CodeService`, and the coder's page that calls it ([`ui`]), on one HTTP/1.1
//! port, with CORS for the configured origins. It validates, converts, calls the same domain
//! as the gRPC handlers, and maps its errors in one place ([`fhir::error`]); it keeps no
//! logic of its own.

pub mod cors;
pub mod fhir;
pub mod ui;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use crate::grpc::admission::Admission;
use crate::grpc::cpu_pool::CpuPool;
use crate::grpc::proto::code_service_server::CodeServiceServer;
use crate::grpc::service::{CodeServiceImpl, SharedEngine};
use crate::telemetry::rpc::RpcService;

/// The code service as the gRPC port serves it (telemetry, admission), for gRPC-Web.
pub type GrpcService = RpcService<Admission<CodeServiceServer<CodeServiceImpl>>>;

/// What the HTTP handlers answer from: the engine the gRPC handlers use, and their CPU pool.
#[derive(Debug, Clone)]
pub struct HttpState {
    engine: SharedEngine,
    cpu: CpuPool,
}

impl HttpState {
    /// Handlers answering from `engine` once it is loaded, searching on `cpu`.
    pub fn new(engine: SharedEngine, cpu: CpuPool) -> HttpState {
        HttpState { engine, cpu }
    }

    /// The loaded engine, or `None` while the releases are loading.
    pub fn engine(&self) -> Option<std::sync::Arc<crate::engine::Engine>> {
        self.engine.read().ok().and_then(|guard| guard.clone())
    }

    /// The CPU pool.
    pub fn cpu(&self) -> &CpuPool {
        &self.cpu
    }
}

/// The HTTP routes: the coder's page (`/`, `/ui/...`), `/fhir/...`, and gRPC-Web (`POST /codify.v1.CodeService/<Method>` with
/// `application/grpc-web[+proto]` or `application/grpc-web-text`), behind CORS.
pub fn router(state: HttpState, grpc: GrpcService, cors_origins: &[String]) -> axum::Router {
    let grpc_web = tower_layer::Layer::layer(&tonic_web::GrpcWebLayer::new(), grpc);
    ui::routes()
        .nest("/fhir", fhir::routes(state))
        .route_service("/codify.v1.CodeService/{*method}", grpc_web)
        .layer(cors::layer(cors_origins))
}

/// Limits on the HTTP port's connections.
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    /// A connection that has not sent a request's whole head this long after it starts one
    /// (or after it connects) is closed.
    pub header_read_timeout: Duration,
    /// Most connections open at once; further ones wait in the listen backlog until one closes.
    pub max_connections: usize,
}

/// Serves `router` on `listener` until `stop` resolves, then lets open requests finish:
/// HTTP/1.1 with a header-read timeout and at most `limits.max_connections` connections.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: HttpLimits,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Ok(address) = listener.local_addr() {
        tracing::info!(
            address = %address,
            max_connections = limits.max_connections,
            header_read_timeout_ms = limits.header_read_timeout.as_millis() as u64,
            "http listening (fhir, grpc-web)"
        );
    }
    let max_connections = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(max_connections));
    let (stopping, _) = watch::channel(false);
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = &mut stop => break,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stop => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                tracing::warn!(error = %error, "http accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve_connection(stream, router.clone(), limits.header_read_timeout, stopping.subscribe(), slot));
    }
    let _ = stopping.send(true);
    // Every connection holds a slot until it ends: all slots back means all drained.
    let _ = slots.acquire_many(max_connections as u32).await;
    Ok(())
}

/// One connection, until it ends or, once `stopping` turns true, its open request is answered.
async fn serve_connection(
    stream: TcpStream,
    router: axum::Router,
    header_read_timeout: Duration,
    mut stopping: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let service = hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
        let mut router = router.clone();
        tower_service::Service::call(&mut router, request.map(axum::body::Body::new))
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(connection);
    let outcome = tokio::select! {
        outcome = connection.as_mut() => outcome,
        () = async { let _ = stopping.wait_for(|stop| *stop).await; } => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = outcome {
        tracing::debug!(error = %error, "http connection ended");
    }
}
