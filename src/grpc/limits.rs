//! Transport limits: connection age with per-pod jitter, HTTP/2 keepalive and the server-side
//! deadline applied to the server builder, and load shedding: a global limit on calls in
//! flight, as a tower layer over the gRPC routes. A call over the limit is answered at once
//! with `RESOURCE_EXHAUSTED` instead of waiting in a queue, so a saturated pod stays fast and
//! callers (or their balancer) retry elsewhere. Health checks are exempt: probes must answer
//! even when the pod is saturated. A permit is held until the response body ends, so
//! streaming calls count for as long as they stream.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http_body::{Body, Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::transport::Server;

use crate::config::TransportConfig;

/// Path prefix of the gRPC health service, never limited.
const HEALTH_PREFIX: &str = "/grpc.health.v1.Health/";

/// `builder` with the connection-age, keepalive and deadline settings of `config` applied.
/// The connection age gets a random spread of ±`max_connection_age_jitter` percent, drawn
/// once per process.
pub fn configure(builder: Server, config: &TransportConfig) -> Server {
    let mut builder = builder;
    if !config.max_connection_age.is_zero() {
        let age = jittered(config.max_connection_age, config.max_connection_age_jitter, random_unit());
        tracing::info!(max_connection_age_ms = age.as_millis() as u64, "connection age set");
        builder = builder.max_connection_age(age).max_connection_age_grace(config.max_connection_age_grace);
    }
    if !config.http2_keepalive_interval.is_zero() {
        builder = builder
            .http2_keepalive_interval(Some(config.http2_keepalive_interval))
            .http2_keepalive_timeout(Some(config.http2_keepalive_timeout));
    }
    if !config.request_timeout.is_zero() {
        builder = builder.timeout(config.request_timeout);
    }
    builder
}

/// `age` moved by up to ±`percent` percent: `unit` in [0, 1) picks where in that range.
pub fn jittered(age: Duration, percent: u8, unit: f64) -> Duration {
    let spread = f64::from(percent.min(100)) / 100.0;
    age.mul_f64((1.0 + spread * (2.0 * unit.clamp(0.0, 1.0) - 1.0)).max(0.0))
}

/// A random number in [0, 1) from the standard library's randomly keyed hasher.
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Limits the calls in flight to `limit`; zero turns the limit off.
#[derive(Debug, Clone)]
pub struct ConcurrencyLimitLayer {
    permits: Option<Arc<Semaphore>>,
}

impl ConcurrencyLimitLayer {
    /// A layer admitting at most `limit` calls at once (no limit when zero).
    pub fn new(limit: usize) -> ConcurrencyLimitLayer {
        let permits = (limit > 0).then(|| Arc::new(Semaphore::new(limit.min(Semaphore::MAX_PERMITS))));
        ConcurrencyLimitLayer { permits }
    }
}

impl<S> tower_layer::Layer<S> for ConcurrencyLimitLayer {
    type Service = ConcurrencyLimit<S>;

    fn layer(&self, inner: S) -> ConcurrencyLimit<S> {
        ConcurrencyLimit { inner, permits: self.permits.clone() }
    }
}

/// The service [`ConcurrencyLimitLayer`] wraps around the gRPC routes.
#[derive(Debug, Clone)]
pub struct ConcurrencyLimit<S> {
    inner: S,
    permits: Option<Arc<Semaphore>>,
}

impl<S, RequestBody, ResponseBody> tower_service::Service<http::Request<RequestBody>> for ConcurrencyLimit<S>
where
    S: tower_service::Service<http::Request<RequestBody>, Response = http::Response<ResponseBody>>,
    S::Future: Send + 'static,
    ResponseBody: Default + Send + 'static,
{
    type Response = http::Response<LimitedBody<ResponseBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<RequestBody>) -> Self::Future {
        let exempt = request.uri().path().starts_with(HEALTH_PREFIX);
        let permit = match (&self.permits, exempt) {
            (Some(permits), false) => match permits.clone().try_acquire_owned() {
                Ok(permit) => Some(permit),
                Err(_) => {
                    let status = tonic::Status::resource_exhausted("server is at its concurrency limit; retry later");
                    let response = status.into_http::<ResponseBody>();
                    return Box::pin(async move { Ok(response.map(|body| LimitedBody { inner: body, permit: None })) });
                }
            },
            _ => None,
        };
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            Ok(response.map(|body| LimitedBody { inner: body, permit }))
        })
    }
}

/// A response body holding its call's permit until the body ends or is dropped.
#[derive(Debug, Default)]
pub struct LimitedBody<B> {
    inner: B,
    permit: Option<OwnedSemaphorePermit>,
}

impl<B: Body + Unpin> Body for LimitedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(context);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            self.permit = None;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_its_range() {
        let age = Duration::from_secs(100);
        assert_eq!(jittered(age, 10, 0.0), Duration::from_secs(90));
        assert_eq!(jittered(age, 10, 0.5), Duration::from_secs(100));
        assert!(jittered(age, 10, 0.999_999) <= Duration::from_secs(110));
        assert_eq!(jittered(age, 0, 0.7), age);
        for _ in 0..100 {
            let unit = random_unit();
            assert!((0.0..1.0).contains(&unit), "{unit}");
        }
    }
}
