//! A fixed pool of threads, one per core, for the CPU-bound part of calls (searches, large
//! validation batches), fed from one queue.
//!
//! tokio's blocking pool grows a thread per waiting task: sixteen concurrent searches on
//! two cores ran on sixteen threads that preempted each other (p99.9 at 16 streams 11–15 ms).
//! A semaphore in front of it left the cores idle between tasks (3,880 searches/s against
//! 5,000–5,800). A thread per core taking the next job as soon as it is done: the same
//! throughput, p99.9 7–9 ms (2 cores, `CODIFY_LOAD_ONLY=uncached cargo bench --bench load`).

use std::panic::{catch_unwind, AssertUnwindSafe};

use crossbeam_channel::Sender;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Why a job gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The job panicked (the thread survives).
    #[error("the job panicked")]
    Panicked,
    /// The pool has stopped.
    #[error("the worker pool has stopped")]
    Stopped,
}

/// The pool. Its threads end when the last clone of it is dropped.
#[derive(Debug, Clone)]
pub struct CpuPool {
    jobs: Sender<Job>,
}

impl CpuPool {
    /// A pool of `threads` threads (at least one), named `codify-cpu-N`.
    pub fn new(threads: usize) -> std::io::Result<CpuPool> {
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        for number in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new().name(format!("codify-cpu-{number}")).spawn(move || {
                for job in queue {
                    job();
                }
            })?;
        }
        Ok(CpuPool { jobs })
    }

    /// A pool with one thread per core.
    pub fn per_core() -> std::io::Result<CpuPool> {
        CpuPool::new(std::thread::available_parallelism().map_or(1, usize::from))
    }

    /// Runs `work` on a pool thread and waits for its result without blocking the caller's
    /// thread.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, PoolError> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            let outcome = catch_unwind(AssertUnwindSafe(work)).map_err(|_| PoolError::Panicked);
            let _ = answer.send(outcome);
        });
        self.jobs.send(job).map_err(|_| PoolError::Stopped)?;
        answered.await.map_err(|_| PoolError::Stopped)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_jobs_and_survives_a_panic() {
        let pool = CpuPool::new(2).unwrap_or_else(|e| panic!("pool: {e}"));
        assert_eq!(pool.run(|| 6 * 7).await.ok(), Some(42));
        let panicked = pool.run(|| -> u32 { panic!("boom") }).await;
        assert!(matches!(panicked, Err(PoolError::Panicked)));
        let answers = futures_join(&pool).await;
        assert_eq!(answers, (0..8).map(|n| n * 2).collect::<Vec<_>>());
    }

    async fn futures_join(pool: &CpuPool) -> Vec<u32> {
        let mut handles = Vec::new();
        for n in 0..8u32 {
            let pool = pool.clone();
            handles.push(tokio::spawn(async move { pool.run(move || n * 2).await.ok() }));
        }
        let mut answers = Vec::new();
        for handle in handles {
            answers.push(handle.await.ok().flatten().unwrap_or(u32::MAX));
        }
        answers
    }
}
