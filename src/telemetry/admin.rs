//! The admin HTTP/1.1 listener, apart from the gRPC port: `GET /metrics` (Prometheus text) and
//! `GET /healthz` (the process is up; readiness is the gRPC health service).

use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use super::prometheus::{PrometheusReader, CONTENT_TYPE};

/// Longest wait for a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The admin server, ready to run on its listener.
#[derive(Debug)]
pub struct AdminServer {
    listener: TcpListener,
    prometheus: PrometheusReader,
}

impl AdminServer {
    /// Serves `prometheus` on `listener`.
    pub fn new(listener: TcpListener, prometheus: PrometheusReader) -> AdminServer {
        AdminServer { listener, prometheus }
    }

    /// Answers until `stop` resolves; connections already open finish on their own.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        if let Ok(address) = self.listener.local_addr() {
            tracing::info!(address = %address, "admin listening");
        }
        tokio::pin!(stop);
        loop {
            let accepted = tokio::select! {
                accepted = self.listener.accept() => accepted,
                () = &mut stop => return,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    tracing::warn!(error = %error, "admin accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let prometheus = self.prometheus.clone();
            let service = hyper::service::service_fn(move |request| answer(request, prometheus.clone()));
            tokio::spawn(async move {
                let connection = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .serve_connection(TokioIo::new(stream), service);
                if let Err(error) = connection.await {
                    tracing::debug!(error = %error, "admin connection ended");
                }
            });
        }
    }
}

async fn answer(request: Request<Incoming>, prometheus: PrometheusReader) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return Ok(text(StatusCode::METHOD_NOT_ALLOWED, "text/plain", "method not allowed\n".to_string()));
    }
    Ok(match request.uri().path() {
        "/metrics" => match tokio::task::spawn_blocking(move || prometheus.render()).await {
            Ok(Ok(body)) => text(StatusCode::OK, CONTENT_TYPE, body),
            Ok(Err(error)) => {
                tracing::warn!(error = %error, "metrics collection failed");
                text(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", "metrics collection failed\n".to_string())
            }
            Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", "metrics collection failed\n".to_string()),
        },
        "/healthz" => text(StatusCode::OK, "text/plain", "ok\n".to_string()),
        _ => text(StatusCode::NOT_FOUND, "text/plain", "not found: try /metrics or /healthz\n".to_string()),
    })
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    response
}
