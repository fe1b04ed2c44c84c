//! The admin HTTP/1.1 listener, apart from the gRPC port: `GET /metrics` (Prometheus text) and
//! `GET /healthz` (the process is up; readiness is the gRPC health service), open to anyone
//! who can reach the port; and `POST /reload` (load the releases again and swap them in; 422
//! with the reason if refused), which must carry `Authorization: Bearer <token>` when a token
//! is configured, else the header `X-Codify-Admin: reload`. Both are headers a browser cannot
//! send cross-site without a CORS preflight, which this server never grants, and a request
//! with an `Origin` header (a browser's) is refused outright: a web page cannot make a pod
//! rebuild its index. Query `?force=true` reloads even when no file changed;
//! `?allow_code_loss=true` accepts releases that lose more codes than the policy allows.

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
    token: Option<std::sync::Arc<str>>,
}

impl AdminServer {
    /// Serves `prometheus` on `listener`.
    pub fn new(listener: TcpListener, prometheus: PrometheusReader) -> AdminServer {
        let (reload_sender, reload_requests) = tokio::sync::mpsc::channel(4);
        AdminServer { listener, prometheus, reload_sender, reload_requests: Some(reload_requests), token: None }
    }

    /// The same server, requiring `token` as a bearer token on `POST /reload`.
    pub fn with_token(self, token: Option<String>) -> AdminServer {
        AdminServer { token: token.filter(|t| !t.is_empty()).map(Into::into), ..self }
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
            let token = self.token.clone();
            let service = hyper::service::service_fn(move |request| {
                answer(request, prometheus.clone(), reload.clone(), token.clone())
            });
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
    token: Option<std::sync::Arc<str>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.method() == Method::POST && request.uri().path() == "/reload" {
        if let Err(refusal) = authorize(&request, token.as_deref()) {
            return Ok(refusal);
        }
        let options = reload_options(request.uri().query().unwrap_or(""));
        let (reply, outcome) = tokio::sync::oneshot::channel();
        if reload.send(crate::reload::ReloadRequest { options, reply }).await.is_err() {
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

/// Refuses a reload request that a browser could have sent, or that lacks the token.
#[allow(clippy::result_large_err)]
fn authorize<B>(request: &Request<B>, token: Option<&str>) -> Result<(), Response<Full<Bytes>>> {
    let headers = request.headers();
    if headers.contains_key(http::header::ORIGIN) {
        return Err(text(
            StatusCode::FORBIDDEN,
            "text/plain",
            "refused: admin requests do not come from browsers\n".into(),
        ));
    }
    match token {
        Some(token) => {
            let given = headers
                .get(http::header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "))
                .unwrap_or("");
            let matches = given.len() == token.len()
                && given.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
            if matches {
                Ok(())
            } else {
                let mut refusal =
                    text(StatusCode::UNAUTHORIZED, "text/plain", "refused: bearer token required\n".into());
                refusal.headers_mut().insert(http::header::WWW_AUTHENTICATE, http::HeaderValue::from_static("Bearer"));
                Err(refusal)
            }
        }
        None if headers.get(ADMIN_HEADER).is_some_and(|value| value == "reload") => Ok(()),
        None => Err(text(
            StatusCode::FORBIDDEN,
            "text/plain",
            format!("refused: send the header {ADMIN_HEADER}: reload (or configure CODIFY_ADMIN_TOKEN)\n"),
        )),
    }
}

/// The header a reload request must carry when no token is configured.
pub const ADMIN_HEADER: &str = "x-codify-admin";

/// `force` and `allow_code_loss` from a query string (`true` or `1`).
fn reload_options(query: &str) -> crate::reload::ReloadOptions {
    let mut options = crate::reload::ReloadOptions::default();
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, "true"));
        let on = matches!(value, "true" | "1");
        match name {
            "force" => options.force = on,
            "allow_code_loss" => options.allow_code_loss = on,
            _ => {}
        }
    }
    options
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)]) -> Request<()> {
        let mut request = Request::post("/reload").body(()).unwrap_or_default();
        for (name, value) in headers {
            if let (Ok(name), Ok(value)) =
                (http::HeaderName::from_bytes(name.as_bytes()), http::HeaderValue::from_str(value))
            {
                request.headers_mut().insert(name, value);
            }
        }
        request
    }

    fn status(outcome: Result<(), Response<Full<Bytes>>>) -> StatusCode {
        outcome.err().map_or(StatusCode::OK, |response| response.status())
    }

    #[test]
    fn reload_needs_the_token_or_the_admin_header_and_never_an_origin() {
        assert_eq!(status(authorize(&post(&[]), None)), StatusCode::FORBIDDEN);
        assert_eq!(status(authorize(&post(&[("x-codify-admin", "reload")]), None)), StatusCode::OK);
        let browser = post(&[("x-codify-admin", "reload"), ("origin", "https://evil.example")]);
        assert_eq!(status(authorize(&browser, None)), StatusCode::FORBIDDEN);
        assert_eq!(status(authorize(&post(&[("x-codify-admin", "reload")]), Some("s3cret"))), StatusCode::UNAUTHORIZED);
        assert_eq!(status(authorize(&post(&[("authorization", "Bearer s3cret")]), Some("s3cret"))), StatusCode::OK);
        assert_eq!(
            status(authorize(&post(&[("authorization", "Bearer s3cre")]), Some("s3cret"))),
            StatusCode::UNAUTHORIZED
        );
    }

    #[test]
    fn reload_options_come_from_the_query() {
        assert_eq!(reload_options(""), crate::reload::ReloadOptions::default());
        let both = reload_options("force=true&allow_code_loss=1");
        assert!(both.force && both.allow_code_loss);
        assert!(reload_options("force").force);
        assert!(!reload_options("force=no").force);
    }
}
