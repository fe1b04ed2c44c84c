//! Optional TLS and mutual TLS on the gRPC listener, for deployments without a mesh. The
//! certificate, key and client CA are PEM files; they are checked for changes periodically and
//! reloaded without a restart: new connections use the new files, open ones keep theirs. A
//! reload that fails keeps the previous configuration.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{self, RootCertStore, ServerConfig};
use tokio_rustls::server::TlsStream;
use tokio_stream::wrappers::ReceiverStream;

/// Longest a client may take to complete the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Accepted connections waiting for the server to take them.
const ACCEPT_BACKLOG: usize = 64;

/// Why the TLS files could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file could not be read or parsed.
    #[error("{path}: {reason}")]
    File {
        /// The file.
        path: PathBuf,
        /// What was wrong with it.
        reason: String,
    },
    /// rustls refused the certificates or key.
    #[error("tls configuration refused: {0}")]
    Config(String),
}

/// Where the PEM files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// Certificate chain, leaf first.
    pub cert: PathBuf,
    /// Private key of the leaf.
    pub key: PathBuf,
    /// CA bundle client certificates must chain to; mutual TLS when set.
    pub client_ca: Option<PathBuf>,
}

impl TlsFiles {
    fn paths(&self) -> impl Iterator<Item = &Path> {
        [Some(self.cert.as_path()), Some(self.key.as_path()), self.client_ca.as_deref()].into_iter().flatten()
    }

    /// Latest modification time of the files (None when one cannot be read).
    fn modified(&self) -> Option<SystemTime> {
        self.paths().map(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok()).max().flatten()
    }
}

/// Reads the files into a rustls server configuration offering HTTP/2.
pub fn load(files: &TlsFiles) -> Result<Arc<ServerConfig>, TlsError> {
    let file_error = |path: &Path, reason: String| TlsError::File { path: path.to_path_buf(), reason };
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| file_error(&files.cert, e.to_string()))?;
    if certs.is_empty() {
        return Err(file_error(&files.cert, "no certificate in the file".to_string()));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| file_error(&files.key, e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?;
    let builder = match &files.client_ca {
        Some(path) => {
            let mut roots = RootCertStore::empty();
            let cas = CertificateDer::pem_file_iter(path)
                .and_then(|cas| cas.collect::<Result<Vec<_>, _>>())
                .map_err(|e| file_error(path, e.to_string()))?;
            for ca in cas {
                roots.add(ca).map_err(|e| file_error(path, e.to_string()))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| file_error(path, e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder.with_single_cert(certs, key).map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

/// Accepts TLS connections with the current configuration, reloading it when the files change.
#[derive(Debug, Clone)]
pub struct TlsAcceptor {
    files: TlsFiles,
    current: Arc<RwLock<Arc<ServerConfig>>>,
}

impl TlsAcceptor {
    /// An acceptor for `files`, failing now if they cannot be used.
    pub fn new(files: TlsFiles) -> Result<TlsAcceptor, TlsError> {
        let config = load(&files)?;
        Ok(TlsAcceptor { files, current: Arc::new(RwLock::new(config)) })
    }

    fn config(&self) -> Option<Arc<ServerConfig>> {
        self.current.read().ok().map(|config| config.clone())
    }

    /// Reloads the files now; on failure the previous configuration stays.
    pub fn reload(&self) -> Result<(), TlsError> {
        let config = load(&self.files)?;
        if let Ok(mut current) = self.current.write() {
            *current = config;
        }
        Ok(())
    }

    /// Checks the files every `interval` and reloads them when they change, until the server
    /// stops taking connections.
    pub fn watch<T: Send + 'static>(&self, interval: Duration, stopped: tokio::sync::mpsc::Sender<T>) {
        if interval.is_zero() {
            return;
        }
        let acceptor = self.clone();
        tokio::spawn(async move {
            let mut seen = acceptor.files.modified();
            loop {
                tokio::select! {
                    () = stopped.closed() => return,
                    () = tokio::time::sleep(interval) => {}
                }
                let modified = acceptor.files.modified();
                if modified == seen {
                    continue;
                }
                seen = modified;
                match acceptor.reload() {
                    Ok(()) => tracing::info!(cert = %acceptor.files.cert.display(), "tls files reloaded"),
                    Err(error) => tracing::warn!(error = %error, "tls reload failed; keeping the previous files"),
                }
            }
        });
    }

    /// TLS connections accepted on `listener`, handshakes done off the accept loop; ends when
    /// the server drops the stream.
    pub fn incoming(
        &self,
        listener: TcpListener,
        reload_interval: Duration,
    ) -> ReceiverStream<std::io::Result<TlsStream<TcpStream>>> {
        let (sender, receiver) = tokio::sync::mpsc::channel(ACCEPT_BACKLOG);
        self.watch(reload_interval, sender.clone());
        let acceptor = self.clone();
        tokio::spawn(async move {
            let mut backoff = crate::grpc::incoming::Backoff::default();
            loop {
                let stream = tokio::select! {
                    () = sender.closed() => return,
                    stream = crate::grpc::incoming::accept(&listener, &mut backoff) => stream,
                };
                let Some(config) = acceptor.config() else { return };
                let sender = sender.clone();
                tokio::spawn(async move {
                    let handshake = tokio_rustls::TlsAcceptor::from(config).accept(stream);
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
                        Ok(Ok(tls)) => {
                            let _ = sender.send(Ok(tls)).await;
                        }
                        Ok(Err(error)) => tracing::debug!(error = %error, "tls handshake failed"),
                        Err(_) => tracing::debug!("tls handshake timed out"),
                    }
                });
            }
        });
        ReceiverStream::new(receiver)
    }
}
