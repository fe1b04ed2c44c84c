//! Transport limits: connection age with per-pod jitter, HTTP/2 keepalive, streams per
//! connection and the server-side deadline applied to the server builder; and admission (see
//! [`admission`](super::admission)) as a tower layer over the gRPC routes.

use std::time::Duration;

use tonic::transport::Server;

use crate::config::TransportConfig;

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
    if config.max_concurrent_streams > 0 {
        builder = builder.max_concurrent_streams(config.max_concurrent_streams);
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
