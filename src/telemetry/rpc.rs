//! One server span and one `rpc.server.duration` measurement per RPC, as a tower layer over
//! the gRPC server, following the OpenTelemetry RPC conventions (`rpc.system`, `rpc.service`,
//! `rpc.method`, `rpc.grpc.status_code`). The span continues the caller's W3C `traceparent`.
//! The call ends when its response body ends (the status is in the trailers), or, for an
//! error, with the response headers; a call dropped before that counts as CANCELLED.
//!
//! Only methods the server knows become labels; anything else is `_OTHER`. Health checks get
//! metrics but no spans (probes would flood the traces). At debug level each call also writes
//! one log line when it ends (service, method, status, time), inside its span.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use http_body::{Body, Frame, SizeHint};
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TraceContextExt;
use opentelemetry::Value;
use opentelemetry_http::HeaderExtractor;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use prost::Message;
use tracing::field::Empty;
use tracing::{Instrument, Span};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// Label and span name for methods the server does not know.
const OTHER: &str = "_OTHER";
/// The gRPC health service, whose calls get no span.
const HEALTH_SERVICE: &str = "grpc.health.v1.Health";
/// gRPC status codes that make a server span an error (the OpenTelemetry RPC conventions).
const SERVER_ERRORS: [i32; 6] = [2, 4, 12, 13, 14, 15];
/// CANCELLED: the call was dropped before it finished.
const CANCELLED: i32 = 1;
/// UNKNOWN: the response ended without a status.
const UNKNOWN: i32 = 2;

/// A method's labels.
#[derive(Debug, Clone)]
struct MethodNames {
    service: Value,
    method: Value,
    full_name: Arc<str>,
    traced: bool,
}

/// Adds the span and the duration metric to every call.
#[derive(Debug, Clone)]
pub struct RpcLayer {
    methods: Arc<HashMap<String, MethodNames>>,
}

impl RpcLayer {
    /// Knows the methods of every service in these encoded `FileDescriptorSet`s.
    pub fn new(descriptor_sets: &[&[u8]]) -> RpcLayer {
        let mut methods = HashMap::new();
        for encoded in descriptor_sets {
            let Ok(set) = prost_types::FileDescriptorSet::decode(*encoded) else {
                tracing::warn!("unreadable file descriptor set; its methods are labelled _OTHER");
                continue;
            };
            for file in &set.file {
                for service in &file.service {
                    let service_name = match file.package() {
                        "" => service.name().to_string(),
                        package => format!("{package}.{}", service.name()),
                    };
                    for method in &service.method {
                        let full_name = format!("{service_name}/{}", method.name());
                        let names = MethodNames {
                            service: Value::from(service_name.clone()),
                            method: Value::from(method.name().to_string()),
                            full_name: Arc::from(full_name.as_str()),
                            traced: service_name != HEALTH_SERVICE,
                        };
                        methods.insert(format!("/{full_name}"), names);
                    }
                }
            }
        }
        RpcLayer { methods: Arc::new(methods) }
    }
}

impl<S> tower_layer::Layer<S> for RpcLayer {
    type Service = RpcService<S>;

    fn layer(&self, inner: S) -> RpcService<S> {
        RpcService { inner, methods: self.methods.clone() }
    }
}

/// The service [`RpcLayer`] wraps around the gRPC routes.
#[derive(Debug, Clone)]
pub struct RpcService<S> {
    inner: S,
    methods: Arc<HashMap<String, MethodNames>>,
}

impl<S, RequestBody, ResponseBody> tower_service::Service<http::Request<RequestBody>> for RpcService<S>
where
    S: tower_service::Service<http::Request<RequestBody>, Response = http::Response<ResponseBody>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ResponseBody: Send + 'static,
{
    type Response = http::Response<RpcBody<ResponseBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<RequestBody>) -> Self::Future {
        let mut call = RpcCall::start(&self.methods, &request);
        let response = self.inner.call(request).instrument(call.span.clone());
        Box::pin(async move {
            match response.await {
                Ok(response) => Ok(call.respond(response)),
                Err(error) => {
                    call.finish(UNKNOWN);
                    Err(error)
                }
            }
        })
    }
}

/// A call in flight: its span, start time and labels. Dropped unfinished, it counts as
/// CANCELLED.
struct RpcCall {
    span: Span,
    started: Instant,
    service: Value,
    method: Value,
    finished: bool,
}

impl RpcCall {
    fn start<B>(methods: &HashMap<String, MethodNames>, request: &http::Request<B>) -> RpcCall {
        let names = methods.get(request.uri().path());
        let (service, method) = match names {
            Some(names) => (names.service.clone(), names.method.clone()),
            None => (Value::from(OTHER), Value::from(OTHER)),
        };
        let span = match names {
            Some(names) if !names.traced => Span::none(),
            _ => {
                let full_name = names.map_or(OTHER, |names| names.full_name.as_ref());
                let span = tracing::info_span!(
                    "grpc.server",
                    otel.name = full_name,
                    otel.kind = "server",
                    rpc.system = "grpc",
                    rpc.service = %service,
                    rpc.method = %method,
                    rpc.grpc.status_code = Empty,
                    otel.status_code = Empty,
                );
                let parent = TraceContextPropagator::new().extract(&HeaderExtractor(request.headers()));
                if parent.span().span_context().is_valid() {
                    let _ = span.set_parent(parent);
                }
                span
            }
        };
        RpcCall { span, started: Instant::now(), service, method, finished: false }
    }

    /// Finishes now when the headers carry the status (an error); else when the body ends.
    fn respond<B>(mut self, response: http::Response<B>) -> http::Response<RpcBody<B>> {
        if let Some(code) = grpc_status(response.headers()) {
            self.finish(code);
            return response.map(|inner| RpcBody { inner, call: None });
        }
        response.map(|inner| RpcBody { inner, call: Some(self) })
    }

    fn finish(&mut self, code: i32) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.span.record("rpc.grpc.status_code", code);
        if SERVER_ERRORS.contains(&code) {
            self.span.record("otel.status_code", "error");
        }
        let elapsed = self.started.elapsed();
        super::metrics::record_rpc(&self.service, &self.method, code, elapsed);
        // The access line, at debug level only: the span's attributes are not log context.
        if tracing::enabled!(tracing::Level::DEBUG) {
            self.span.in_scope(|| {
                tracing::debug!(
                    rpc.service = %self.service,
                    rpc.method = %self.method,
                    rpc.grpc.status_code = code,
                    elapsed_us = elapsed.as_micros() as u64,
                    "rpc finished"
                );
            });
        }
    }
}

impl Drop for RpcCall {
    fn drop(&mut self) {
        self.finish(CANCELLED);
    }
}

fn grpc_status(headers: &http::HeaderMap) -> Option<i32> {
    headers.get("grpc-status")?.to_str().ok()?.parse().ok()
}

/// The response body, finishing the call at its trailers.
pub struct RpcBody<B> {
    inner: B,
    call: Option<RpcCall>,
}

impl<B: Body + Unpin> Body for RpcBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        let polled = {
            let _entered = this.call.as_ref().map(|call| call.span.enter());
            Pin::new(&mut this.inner).poll_frame(context)
        };
        let code = match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                frame.trailers_ref().map(|trailers| grpc_status(trailers).unwrap_or(UNKNOWN))
            }
            Poll::Ready(Some(Err(_))) | Poll::Ready(None) => Some(UNKNOWN),
            Poll::Pending => None,
        };
        if let (Some(code), Some(mut call)) = (code, code.and_then(|_| this.call.take())) {
            call.finish(code);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
