//! CORS for the HTTP port: browsers may call it only from the configured origins (none by
//! default), and may read the gRPC-Web status trailers.

use http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Request headers a browser may send: gRPC-Web's and FHIR's.
const ALLOWED_HEADERS: [&str; 7] =
    ["content-type", "accept", "authorization", "x-grpc-web", "x-user-agent", "grpc-timeout", "prefer"];
/// Response headers a browser may read.
const EXPOSED_HEADERS: [&str; 4] = ["grpc-status", "grpc-message", "grpc-status-details-bin", "location"];

/// The CORS layer for `origins` (`*` for any); with none, no cross-origin request is allowed.
pub fn layer(origins: &[String]) -> CorsLayer {
    let allow_origin = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers(ALLOWED_HEADERS.map(HeaderName::from_static))
        .expose_headers(EXPOSED_HEADERS.map(HeaderName::from_static))
        .max_age(std::time::Duration::from_secs(600))
}
