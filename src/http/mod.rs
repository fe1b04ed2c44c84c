//! The HTTP adapter beside `src/grpc/`: the FHIR R4 terminology API under `/fhir`, gRPC-Web
//! for `codify.v1.CodeService`, and the coder's page that calls it ([`ui`]), on one HTTP/1.1
//! port, with CORS for the configured origins. It validates, converts, calls the same domain
//! as the gRPC handlers, and maps its errors in one place ([`fhir::error`]); it keeps no
//! logic of its own.

pub mod cors;
pub mod fhir;
pub mod ui;

use std::future::Future;

use tokio::net::TcpListener;

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

/// Serves `router` on `listener` until `stop` resolves, then lets open requests finish.
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Ok(address) = listener.local_addr() {
        tracing::info!(address = %address, "http listening (fhir, grpc-web)");
    }
    axum::serve(listener, router).with_graceful_shutdown(stop).await
}
