//! The admin HTTP/1.1 listener, apart from the gRPC port: `GET /metrics` (Prometheus text) and
//! `GET /healthz` (the process is up; readiness is the gRPC health service), and
//! `POST /reload` (load the releases again and swap them in; 422 with the reason if refused).

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
    reload_sender: tokio::sync::mpsc::Sender<crate::reload::ReloadRequest>,
    reload_requests: Option<tokio::sync::mpsc::Receiver<crate::reload::ReloadRequest>>,
}

impl AdminServer {
    /// Serves `prometheus` on `listener`.
    pub fn new(listener: TcpListener, prometheus: PrometheusReader) -> AdminServer {
        let (reload_sender, reload_requests) = tokio::sync::mpsc::channel(4);
        AdminServer { listener, prometheus, reload_sender, reload_requests: Some(reload_requests) }
    }

    /// The `POST /reload` requests, for the server to answer (taken once).
    pub fn take_reload_requests(&mut self) -> Option<tokio::sync::mpsc::Receiver<crate::reload::ReloadRequest>> {
        self.reload_requests.take()
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
            let reload = self.reload_sender.clone();
            let service =
                hyper::service::service_fn(move |request| answer(request, prometheus.clone(), reload.clone()));
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

async fn answer(
    request: Request<Incoming>,
    prometheus: PrometheusReader,
    reload: tokio::sync::mpsc::Sender<crate::reload::ReloadRequest>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.method() == Method::POST && request.uri().path() == "/reload" {
        let (reply, outcome) = tokio::sync::oneshot::channel();
        if reload.send(reply).await.is_err() {
            return Ok(text(StatusCode::SERVICE_UNAVAILABLE, "text/plain", "not serving yet\n".to_string()));
        }
        return Ok(match outcome.await {
            Ok(Ok(message)) => text(StatusCode::OK, "text/plain", format!("{message}\n")),
            Ok(Err(reason)) => text(StatusCode::UNPROCESSABLE_ENTITY, "text/plain", format!("refused: {reason}\n")),
            Err(_) => text(StatusCode::SERVICE_UNAVAILABLE, "text/plain", "shutting down\n".to_string()),
        });
    }
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
