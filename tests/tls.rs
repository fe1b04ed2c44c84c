//! TLS and mutual TLS on the gRPC listener, with certificates made in the test: a client
//! with a certificate from the configured client CA is served; one without a certificate, or
//! with one from another CA, is refused. Replaced certificate files are picked up by new
//! connections without a restart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod own_server;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use codify::grpc::proto::code_service_client::CodeServiceClient;
use common::{get, CPT, IN_FORCE};
use own_server::{small_config, ScratchDir};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};

/// A certificate authority made for the test.
struct TestCa {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl TestCa {
    fn new(name: &str) -> TestCa {
        let key = KeyPair::generate().expect("ca key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        let pem = params.self_signed(&key).expect("ca certificate").pem();
        TestCa { pem, issuer: Issuer::new(params, key) }
    }

    /// A certificate for `name` (also its DNS name) and its key, in PEM.
    fn issue(&self, name: &str) -> (String, String) {
        let key = KeyPair::generate().expect("leaf key");
        let params = CertificateParams::new(vec![name.to_string()]).expect("leaf params");
        let cert = params.signed_by(&key, &self.issuer).expect("leaf certificate");
        (cert.pem(), key.serialize_pem())
    }
}

/// A TLS channel to `address` trusting `ca`, with a client identity when given.
async fn tls_channel(address: SocketAddr, ca: &str, identity: Option<&(String, String)>) -> Result<Channel, String> {
    let mut tls = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(ca)).domain_name("localhost");
    if let Some((cert, key)) = identity {
        tls = tls.identity(Identity::from_pem(cert, key));
    }
    let endpoint = Channel::from_shared(format!("https://{address}")).expect("uri");
    let endpoint = endpoint.tls_config(tls).map_err(|e| e.to_string())?.connect_timeout(Duration::from_secs(5));
    endpoint.connect().await.map_err(|e| format!("{e:?}"))
}

/// Whether a GetCode over a fresh TLS connection succeeds.
async fn call_works(address: SocketAddr, ca: &str, identity: Option<&(String, String)>) -> Result<(), String> {
    let channel = tls_channel(address, ca, identity).await?;
    let mut client = CodeServiceClient::new(channel);
    client.get_code(get(CPT, "99213", IN_FORCE)).await.map(|_| ()).map_err(|status| format!("{status:?}"))
}

/// Starts a TLS server; returns its address, stop signal and task once calls are answered.
async fn start(
    config: codify::config::ServerConfig,
    ca: &str,
    identity: Option<&(String, String)>,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<Result<(), codify::ServeError>>) {
    let (listener, address) = common::bind_local().await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(codify::serve(config, listener, async {
        let _ = stopped.await;
    }));
    let mut last = Err(String::new());
    for _ in 0..300 {
        last = call_works(address, ca, identity).await;
        if last.is_ok() {
            return (address, stop, task);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("tls server not answering: {last:?}");
}

fn write_pair(scratch: &ScratchDir, name: &str, pair: &(String, String)) -> (PathBuf, PathBuf) {
    (scratch.write(&format!("{name}.crt"), &pair.0), scratch.write(&format!("{name}.key"), &pair.1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_refuses_clients_without_a_valid_certificate() {
    let scratch = ScratchDir::new("mtls");
    let ca = TestCa::new("codify test ca");
    let rogue_ca = TestCa::new("rogue ca");
    let (server_cert, server_key) = write_pair(&scratch, "server", &ca.issue("localhost"));
    let client = ca.issue("client");
    let rogue_client = rogue_ca.issue("client");
    let mut config = small_config(&scratch);
    config.transport.tls_cert = Some(server_cert);
    config.transport.tls_key = Some(server_key);
    config.transport.tls_client_ca = Some(scratch.write("client-ca.crt", &ca.pem));

    let outcome = tokio::time::timeout(Duration::from_secs(60), async {
        let (address, stop, task) = start(config, &ca.pem, Some(&client)).await;
        call_works(address, &ca.pem, Some(&client)).await.expect("a client with a valid certificate is served");
        let without = call_works(address, &ca.pem, None).await;
        assert!(without.is_err(), "a client without a certificate is refused");
        let rogue = call_works(address, &ca.pem, Some(&rogue_client)).await;
        assert!(rogue.is_err(), "a client with a certificate from another CA is refused");
        let plaintext = common::channel(address).await;
        if let Ok(channel) = plaintext {
            let answer = CodeServiceClient::new(channel).get_code(get(CPT, "99213", IN_FORCE)).await;
            assert!(answer.is_err(), "plaintext is refused");
        }
        stop.send(()).expect("server running");
        task.await.expect("server task").expect("serve returns Ok");
    })
    .await;
    outcome.expect("mtls test finishes within 60 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaced_certificate_files_are_used_by_new_connections() {
    let scratch = ScratchDir::new("tls-reload");
    let old_ca = TestCa::new("old ca");
    let new_ca = TestCa::new("new ca");
    let (cert_path, key_path) = write_pair(&scratch, "server", &old_ca.issue("localhost"));
    let mut config = small_config(&scratch);
    config.transport.tls_cert = Some(cert_path);
    config.transport.tls_key = Some(key_path);
    config.transport.tls_reload_interval = Duration::from_millis(100);

    let outcome = tokio::time::timeout(Duration::from_secs(60), async {
        let (address, stop, task) = start(config, &old_ca.pem, None).await;
        let old_channel = tls_channel(address, &old_ca.pem, None).await.expect("old certificate served");
        assert!(call_works(address, &new_ca.pem, None).await.is_err(), "not yet the new certificate");

        write_pair(&scratch, "server", &new_ca.issue("localhost"));
        let mut reloaded = false;
        for _ in 0..100 {
            if call_works(address, &new_ca.pem, None).await.is_ok() {
                reloaded = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(reloaded, "new connections get the new certificate");
        assert!(call_works(address, &old_ca.pem, None).await.is_err(), "the old certificate is gone");
        let mut old_client = CodeServiceClient::new(old_channel);
        old_client.get_code(get(CPT, "99213", IN_FORCE)).await.expect("an open connection keeps working");
        stop.send(()).expect("server running");
        task.await.expect("server task").expect("serve returns Ok");
    })
    .await;
    outcome.expect("tls reload test finishes within 60 s");
}
