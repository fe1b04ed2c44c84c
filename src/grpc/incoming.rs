//! Accepting connections without letting them hurt the listener: an accept loop that backs
//! off when the process is out of file descriptors (or memory) instead of spinning on the
//! error, and plaintext connections handed to the server only once they have spoken — a
//! connection that sends nothing within the handshake timeout is closed, so idle sockets
//! cannot pile up until the open-file limit.

use std::io;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio_stream::wrappers::ReceiverStream;

/// Connections accepted and waiting for the server to take them.
const ACCEPT_BACKLOG: usize = 1024;
/// First wait after an accept error.
const FIRST_BACKOFF: Duration = Duration::from_millis(5);
/// Longest wait after repeated accept errors.
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// Waits between failed accepts, doubling while they keep failing.
#[derive(Debug)]
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { next: FIRST_BACKOFF }
    }
}

impl Backoff {
    /// The wait after one more failure (then doubled, up to [`MAX_BACKOFF`]).
    pub fn failed(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(MAX_BACKOFF);
        wait
    }

    /// Back to the first wait after a success.
    pub fn succeeded(&mut self) {
        self.next = FIRST_BACKOFF;
    }
}

/// The next connection on `listener`. Accept errors (EMFILE, ENFILE, ENOBUFS, a connection
/// reset before it was accepted) are logged and waited out with `backoff`, never retried
/// in a tight loop.
pub async fn accept(listener: &TcpListener, backoff: &mut Backoff) -> TcpStream {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                backoff.succeeded();
                let _ = stream.set_nodelay(true);
                return stream;
            }
            Err(error) => {
                let wait = backoff.failed();
                if is_resource_error(&error) {
                    tracing::warn!(error = %error, wait_ms = wait.as_millis() as u64, "accept failed: out of resources; backing off");
                } else {
                    tracing::debug!(error = %error, "accept failed");
                }
                tokio::time::sleep(wait).await;
            }
        }
    }
}

fn is_resource_error(error: &io::Error) -> bool {
    // EMFILE 24, ENFILE 23, ENOBUFS 105, ENOMEM 12 on Linux.
    matches!(error.raw_os_error(), Some(24 | 23 | 105 | 12)) || error.kind() == io::ErrorKind::OutOfMemory
}

/// Plaintext connections accepted on `listener` (Nagle off), each passed on once its first
/// bytes arrive; one silent for `handshake_timeout` is closed (zero: no limit). Ends when
/// the server drops the stream.
pub fn plaintext(listener: TcpListener, handshake_timeout: Duration) -> ReceiverStream<io::Result<TcpStream>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(ACCEPT_BACKLOG);
    tokio::spawn(async move {
        let mut backoff = Backoff::default();
        loop {
            let stream = tokio::select! {
                () = sender.closed() => return,
                stream = accept(&listener, &mut backoff) => stream,
            };
            let sender = sender.clone();
            tokio::spawn(async move {
                if !handshake_timeout.is_zero() {
                    let mut first = [0u8; 1];
                    match tokio::time::timeout(handshake_timeout, stream.peek(&mut first)).await {
                        Ok(Ok(0)) => return, // closed before it spoke
                        Ok(Ok(_)) => {}
                        Ok(Err(error)) => {
                            tracing::debug!(error = %error, "connection failed before speaking");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!("connection closed: silent past the handshake timeout");
                            return;
                        }
                    }
                }
                let _ = sender.send(Ok(stream)).await;
            });
        }
    });
    ReceiverStream::new(receiver)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_ceiling_and_resets() {
        let mut backoff = Backoff::default();
        let waits: Vec<Duration> = (0..10).map(|_| backoff.failed()).collect();
        assert_eq!(waits[0], FIRST_BACKOFF);
        assert_eq!(waits[1], FIRST_BACKOFF * 2);
        assert_eq!(waits[9], MAX_BACKOFF);
        backoff.succeeded();
        assert_eq!(backoff.failed(), FIRST_BACKOFF);
    }

    #[test]
    fn descriptor_exhaustion_is_a_resource_error() {
        assert!(is_resource_error(&io::Error::from_raw_os_error(24)));
        assert!(is_resource_error(&io::Error::from_raw_os_error(23)));
        assert!(!is_resource_error(&io::Error::from_raw_os_error(104)));
    }
}
