//! Server streams produced on demand: each message is built on the CPU pool only when the
//! transport asks for the next one, so a reader that stops reading stops the producer — no
//! thread parked on a full channel, no batches queued ahead of a reader that may never come
//! back. What a stalled stream holds is its state and the one message in the transport.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio_stream::Stream;
use tonic::Status;

use super::cpu_pool::{CpuPool, PoolError};
use super::error::ApiError;

type Pending<S, T> = Pin<Box<dyn Future<Output = Result<(S, Option<T>), PoolError>> + Send>>;

/// A stream whose next message is `step(&mut state)`, run on the CPU pool when polled;
/// `None` from `step` ends the stream.
pub struct OnDemand<S, T> {
    cpu: CpuPool,
    state: Option<S>,
    step: fn(&mut S) -> Option<T>,
    pending: Option<Pending<S, T>>,
}

impl<S, T> OnDemand<S, T> {
    /// A stream starting from `state`.
    pub fn new(cpu: CpuPool, state: S, step: fn(&mut S) -> Option<T>) -> OnDemand<S, T> {
        OnDemand { cpu, state: Some(state), step, pending: None }
    }
}

impl<S: Send + 'static, T: Send + 'static> Stream for OnDemand<S, T> {
    type Item = Result<T, Status>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            let Some(mut state) = this.state.take() else {
                return Poll::Ready(None);
            };
            let step = this.step;
            let cpu = this.cpu.clone();
            this.pending = Some(Box::pin(async move {
                cpu.run(move || {
                    let item = step(&mut state);
                    (state, item)
                })
                .await
            }));
        }
        let Some(pending) = this.pending.as_mut() else {
            return Poll::Ready(None);
        };
        let outcome = match pending.as_mut().poll(context) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(outcome) => outcome,
        };
        this.pending = None;
        match outcome {
            Ok((state, Some(item))) => {
                this.state = Some(state);
                Poll::Ready(Some(Ok(item)))
            }
            Ok((_, None)) => Poll::Ready(None),
            Err(error) => Poll::Ready(Some(Err(ApiError::Task(error).into()))),
        }
    }
}

impl<S, T> Unpin for OnDemand<S, T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_stream::StreamExt;

    fn count_to_three(next: &mut u32) -> Option<u32> {
        *next += 1;
        (*next <= 3).then_some(*next)
    }

    #[tokio::test]
    async fn yields_each_step_then_ends() {
        let cpu = CpuPool::new(1).unwrap_or_else(|e| panic!("pool: {e}"));
        let items: Vec<u32> = OnDemand::new(cpu, 0u32, count_to_three).map(|item| item.unwrap_or(0)).collect().await;
        assert_eq!(items, vec![1, 2, 3]);
    }

    #[tokio::test]
    async fn produces_nothing_until_asked() {
        static STEPS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        fn counted(next: &mut u32) -> Option<u32> {
            STEPS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            count_to_three(next)
        }
        let cpu = CpuPool::new(1).unwrap_or_else(|e| panic!("pool: {e}"));
        let mut stream = OnDemand::new(cpu, 0u32, counted);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert_eq!(STEPS.load(std::sync::atomic::Ordering::SeqCst), 0);
        assert_eq!(stream.next().await.and_then(Result::ok), Some(1));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert_eq!(STEPS.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
