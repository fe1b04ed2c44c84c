//! Admission: what a call must get before it runs, as a tower layer over the gRPC routes.
//! Every refusal is immediate — `RESOURCE_EXHAUSTED` instead of a queue — so a saturated pod
//! stays fast and callers (or their balancer) retry elsewhere.
//!
//! - **Calls**: at most `concurrency_limit` unary calls in flight. Health checks are exempt:
//!   probes must answer even when the pod is saturated.
//! - **Streams**: server streams (DiffReleases, ExportCodes) have their own, smaller limit,
//!   so streams can never take the slots of unary calls. A stream that sends nothing for
//!   `stream_stall_timeout` (its reader stopped reading) gives its slot back and ends with
//!   `DEADLINE_EXCEEDED` when the transport next polls it.
//! - **Bytes**: a code-service request is read whole before it is dispatched, and charged
//!   [`BYTES_CHARGE`] times its size against a byte budget sized from the memory limit, so
//!   memory in flight is bounded, not only the call count. A request over its size limit or
//!   over the budget left is refused while it is read.
//!
//! A call's permits are held until its response body ends (or is dropped).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::TransportConfig;

/// Path prefix of the gRPC health service, never limited.
const HEALTH_PREFIX: &str = "/grpc.health.v1.Health/";
/// Path prefix of the code service, whose requests are read whole and budgeted.
const CODE_SERVICE_PREFIX: &str = "/codify.v1.CodeService/";
/// The code service's server-streaming methods.
const STREAMING_METHODS: [&str; 2] = ["/codify.v1.CodeService/DiffReleases", "/codify.v1.CodeService/ExportCodes"];
/// Bytes of budget a request takes per byte received: the received copy, tonic's decode
/// buffer, and the decoded message.
pub const BYTES_CHARGE: usize = 3;
/// gRPC's length-prefixed message header.
const MESSAGE_HEADER: usize = 5;
/// Share of the memory limit given to request bytes when no budget is configured.
const BUDGET_SHARE_OF_LIMIT: u64 = 8;
/// Budget when neither a budget nor a memory limit is known.
const DEFAULT_BUDGET: usize = 256 * 1024 * 1024;
/// How often a stream's progress is checked, as a fraction of the stall timeout.
const STALL_CHECKS: u32 = 4;

/// Settings of [`AdmissionLayer`].
#[derive(Debug, Clone)]
pub struct AdmissionSettings {
    /// Unary calls in flight (0: no limit).
    pub call_limit: usize,
    /// Server streams in flight (0: no limit).
    pub stream_limit: usize,
    /// Request bytes in flight, charged [`BYTES_CHARGE`] per byte (0: no budget).
    pub byte_budget: usize,
    /// Largest request message.
    pub max_request_bytes: usize,
    /// Longest a stream may go without sending (zero: no limit).
    pub stall_timeout: Duration,
    /// Longest a request may take to arrive (zero: no limit).
    pub read_timeout: Duration,
}

impl AdmissionSettings {
    /// The settings of `config`; a zero byte budget there means "from the memory limit".
    pub fn from_config(config: &TransportConfig) -> AdmissionSettings {
        let byte_budget = match config.request_bytes_budget {
            0 => budget_from_memory_limit(memory_limit()),
            configured => configured,
        };
        // One request of the largest size must always fit.
        let byte_budget = byte_budget.max(BYTES_CHARGE * (config.max_request_bytes + MESSAGE_HEADER));
        AdmissionSettings {
            call_limit: config.concurrency_limit,
            stream_limit: config.stream_limit,
            byte_budget,
            max_request_bytes: config.max_request_bytes,
            stall_timeout: config.stream_stall_timeout,
            read_timeout: config.request_timeout,
        }
    }
}

/// The byte budget for a memory limit: an eighth of it, or [`DEFAULT_BUDGET`] without one.
pub fn budget_from_memory_limit(limit: Option<u64>) -> usize {
    match limit {
        Some(limit) => usize::try_from(limit / BUDGET_SHARE_OF_LIMIT).unwrap_or(DEFAULT_BUDGET),
        None => DEFAULT_BUDGET,
    }
}

/// The memory limit of this process's cgroup (v2, then v1), when there is one.
pub fn memory_limit() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let limit = read("/sys/fs/cgroup/memory.max").or_else(|| read("/sys/fs/cgroup/memory/memory.limit_in_bytes"))?;
    // "max" (v2) or a huge number (v1) mean no limit.
    limit.trim().parse::<u64>().ok().filter(|&bytes| bytes < (1 << 50))
}

/// Admits calls (see the module documentation).
#[derive(Debug, Clone)]
pub struct AdmissionLayer {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    calls: Option<Arc<Semaphore>>,
    streams: Option<Arc<Semaphore>>,
    bytes: Option<Arc<Semaphore>>,
    settings: AdmissionSettings,
}

fn semaphore(limit: usize) -> Option<Arc<Semaphore>> {
    (limit > 0).then(|| Arc::new(Semaphore::new(limit.min(Semaphore::MAX_PERMITS))))
}

impl AdmissionLayer {
    /// A layer admitting calls under `settings`.
    pub fn new(settings: AdmissionSettings) -> AdmissionLayer {
        let shared = Shared {
            calls: semaphore(settings.call_limit),
            streams: semaphore(settings.stream_limit),
            bytes: semaphore(settings.byte_budget),
            settings,
        };
        AdmissionLayer { shared: Arc::new(shared) }
    }
}

impl<S> tower_layer::Layer<S> for AdmissionLayer {
    type Service = Admission<S>;

    fn layer(&self, inner: S) -> Admission<S> {
        Admission { inner, shared: self.shared.clone() }
    }
}

/// The service [`AdmissionLayer`] wraps around the gRPC routes.
#[derive(Debug, Clone)]
pub struct Admission<S> {
    inner: S,
    shared: Arc<Shared>,
}

/// What a call holds while it runs (released when dropped).
#[derive(Debug, Default)]
struct Permits {
    _call: Option<OwnedSemaphorePermit>,
    _bytes: Option<OwnedSemaphorePermit>,
}

/// Why a call was not admitted.
enum Refusal {
    Calls,
    Streams,
    TooLarge(usize),
    Budget,
    SlowRequest,
    BadBody,
}

impl Refusal {
    fn status(&self) -> tonic::Status {
        match self {
            Refusal::Calls => tonic::Status::resource_exhausted("server is at its concurrency limit; retry later"),
            Refusal::Streams => tonic::Status::resource_exhausted("server is at its limit of streams; retry later"),
            Refusal::TooLarge(limit) => {
                tonic::Status::resource_exhausted(format!("request is larger than the {limit}-byte limit"))
            }
            Refusal::Budget => {
                tonic::Status::resource_exhausted("server is at its limit of request bytes in flight; retry later")
            }
            Refusal::SlowRequest => tonic::Status::deadline_exceeded("request did not arrive in time"),
            Refusal::BadBody => tonic::Status::cancelled("request body failed"),
        }
    }
}

impl Shared {
    fn take(semaphore: &Option<Arc<Semaphore>>, refusal: Refusal) -> Result<Option<OwnedSemaphorePermit>, Refusal> {
        match semaphore {
            Some(semaphore) => semaphore.clone().try_acquire_owned().map(Some).map_err(|_| refusal),
            None => Ok(None),
        }
    }

    /// Reads `body` whole, taking budget as it arrives.
    async fn read_request(&self, body: tonic::body::Body) -> Result<(Bytes, Option<OwnedSemaphorePermit>), Refusal> {
        let limit = self.settings.max_request_bytes + MESSAGE_HEADER;
        let mut chunks: Vec<Bytes> = Vec::new();
        let mut received = 0usize;
        let mut permit: Option<OwnedSemaphorePermit> = None;
        let mut body = body;
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.map_err(|_| Refusal::BadBody)?.into_data() else {
                continue; // request trailers carry nothing for us
            };
            received += data.len();
            if received > limit {
                return Err(Refusal::TooLarge(self.settings.max_request_bytes));
            }
            if let Some(budget) = &self.bytes {
                let charge = u32::try_from(data.len() * BYTES_CHARGE).map_err(|_| Refusal::Budget)?;
                let more = budget.clone().try_acquire_many_owned(charge).map_err(|_| Refusal::Budget)?;
                match permit.as_mut() {
                    Some(held) => held.merge(more),
                    None => permit = Some(more),
                }
            }
            chunks.push(data);
        }
        let bytes = match chunks.len() {
            0 => Bytes::new(),
            1 => chunks.pop().unwrap_or_default(),
            _ => {
                let mut joined = Vec::with_capacity(received);
                for chunk in &chunks {
                    joined.extend_from_slice(chunk);
                }
                Bytes::from(joined)
            }
        };
        Ok((bytes, permit))
    }

    async fn admit(
        self: Arc<Self>,
        request: http::Request<tonic::body::Body>,
    ) -> Result<(http::Request<tonic::body::Body>, Permits, Option<Stall>), Refusal> {
        let path = request.uri().path();
        if path.starts_with(HEALTH_PREFIX) {
            return Ok((request, Permits::default(), None));
        }
        let streaming = STREAMING_METHODS.contains(&path);
        let (call, stall) = if streaming {
            let permit = Shared::take(&self.streams, Refusal::Streams)?;
            (None, Some(Stall::new(permit)))
        } else {
            (Shared::take(&self.calls, Refusal::Calls)?, None)
        };
        if !path.starts_with(CODE_SERVICE_PREFIX) {
            return Ok((request, Permits { _call: call, _bytes: None }, stall));
        }
        let (parts, body) = request.into_parts();
        let read = self.read_request(body);
        let (bytes, budget) = if self.settings.read_timeout.is_zero() {
            read.await?
        } else {
            tokio::time::timeout(self.settings.read_timeout, read).await.map_err(|_| Refusal::SlowRequest)??
        };
        let body = tonic::body::Body::new(http_body_util::Full::new(bytes));
        Ok((http::Request::from_parts(parts, body), Permits { _call: call, _bytes: budget }, stall))
    }
}

impl<S, ResponseBody> tower_service::Service<http::Request<tonic::body::Body>> for Admission<S>
where
    S: tower_service::Service<http::Request<tonic::body::Body>, Response = http::Response<ResponseBody>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    ResponseBody: Default + Send + 'static,
{
    type Response = http::Response<AdmittedBody<ResponseBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        // The clone that was driven to readiness serves this call (tower's usual dance).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        Box::pin(async move {
            let (request, permits, stall) = match shared.clone().admit(request).await {
                Ok(admitted) => admitted,
                Err(refusal) => {
                    let response = refusal.status().into_http::<ResponseBody>();
                    return Ok(response.map(AdmittedBody::bare));
                }
            };
            let response = inner.call(request).await?;
            if let Some(stall) = &stall {
                stall.watch(shared.settings.stall_timeout);
            }
            Ok(response.map(|inner| AdmittedBody { inner, permits, stall, ended: false }))
        })
    }
}

/// A stream's progress, shared with the watchdog that takes its slot back when it stalls.
#[derive(Debug, Clone)]
struct Stall {
    started: Instant,
    /// Milliseconds since `started` at the last frame sent.
    last_progress_ms: Arc<AtomicU64>,
    stalled: Arc<AtomicBool>,
    permit: Arc<Mutex<Option<OwnedSemaphorePermit>>>,
}

impl Stall {
    fn new(permit: Option<OwnedSemaphorePermit>) -> Stall {
        Stall {
            started: Instant::now(),
            last_progress_ms: Arc::new(AtomicU64::new(0)),
            stalled: Arc::new(AtomicBool::new(false)),
            permit: Arc::new(Mutex::new(permit)),
        }
    }

    fn progressed(&self) {
        self.last_progress_ms.store(self.started.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    /// Starts the watchdog: it ends when the body is gone or the stream stalls.
    fn watch(&self, timeout: Duration) {
        if timeout.is_zero() {
            return;
        }
        let watched = self.clone();
        let alive = Arc::downgrade(&self.last_progress_ms);
        let check = (timeout / STALL_CHECKS).max(Duration::from_millis(10));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(check).await;
                if alive.strong_count() <= 1 {
                    return; // the body is gone: only this watchdog's copy is left
                }
                let idle_ms = (watched.started.elapsed().as_millis() as u64)
                    .saturating_sub(watched.last_progress_ms.load(Ordering::Relaxed));
                if idle_ms >= timeout.as_millis() as u64 {
                    watched.stalled.store(true, Ordering::Relaxed);
                    if let Ok(mut permit) = watched.permit.lock() {
                        permit.take();
                    }
                    tracing::warn!(idle_ms, "stream made no progress; its slot is released and it will end");
                    return;
                }
            }
        });
    }
}

/// A response body holding its call's permits until it ends or is dropped; a stalled stream
/// ends with `DEADLINE_EXCEEDED` trailers.
#[derive(Debug)]
pub struct AdmittedBody<B> {
    inner: B,
    permits: Permits,
    stall: Option<Stall>,
    ended: bool,
}

impl<B> AdmittedBody<B> {
    fn bare(inner: B) -> AdmittedBody<B> {
        AdmittedBody { inner, permits: Permits::default(), stall: None, ended: false }
    }

    fn release(&mut self) {
        self.permits = Permits::default();
        if let Some(stall) = &self.stall {
            if let Ok(mut permit) = stall.permit.lock() {
                permit.take();
            }
        }
    }
}

impl<B: Default> Default for AdmittedBody<B> {
    fn default() -> Self {
        AdmittedBody::bare(B::default())
    }
}

impl<B: Body + Unpin> Body for AdmittedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        if self.ended {
            return Poll::Ready(None);
        }
        if self.stall.as_ref().is_some_and(|stall| stall.stalled.load(Ordering::Relaxed)) {
            self.ended = true;
            self.release();
            let status = tonic::Status::deadline_exceeded("stream made no progress: the reader stopped reading");
            let mut trailers = http::HeaderMap::new();
            return match status.add_header(&mut trailers) {
                Ok(()) => Poll::Ready(Some(Ok(Frame::trailers(trailers)))),
                Err(_) => Poll::Ready(None),
            };
        }
        let polled = Pin::new(&mut self.inner).poll_frame(context);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(stall) = &self.stall {
                    stall.progressed();
                }
                if frame.is_trailers() {
                    // The status is out: the call is over even if the body is polled no more.
                    self.release();
                }
            }
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => {
                self.ended = true;
                self.release();
            }
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.ended || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_is_a_share_of_the_memory_limit() {
        assert_eq!(budget_from_memory_limit(Some(768 * 1024 * 1024)), 96 * 1024 * 1024);
        assert_eq!(budget_from_memory_limit(None), DEFAULT_BUDGET);
    }

    #[test]
    fn the_largest_request_always_fits_the_budget() {
        let config = TransportConfig { request_bytes_budget: 1024, ..TransportConfig::default() };
        let settings = AdmissionSettings::from_config(&config);
        assert_eq!(settings.byte_budget, BYTES_CHARGE * (config.max_request_bytes + MESSAGE_HEADER));
    }
}
