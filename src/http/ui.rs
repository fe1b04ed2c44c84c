//! The coder's page: a few static files embedded in the binary (vanilla HTML, CSS and
//! JavaScript; no build step), served at `/` and under `/ui/`. The page calls
//! `codify.v1.CodeService` over gRPC-Web on the same origin (so it needs no CORS), with a
//! small protobuf encoder/decoder of its own (`ui/app.js`). Queries and notes travel in
//! POST bodies, never in URLs, so no access log can keep them.

use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use http::HeaderValue;

/// The page.
pub const INDEX_HTML: &str = include_str!("ui/index.html");
/// Its script: the gRPC-Web client and the page's behaviour.
pub const APP_JS: &str = include_str!("ui/app.js");
/// Its style sheet.
pub const STYLE_CSS: &str = include_str!("ui/style.css");

/// Everything from this origin, nothing inline, nothing from elsewhere, never framed.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The page's routes: `/` and `/ui/` (the page), `/ui/app.js`, `/ui/style.css`.
pub fn routes() -> Router {
    Router::new()
        .route("/", get(index))
        .route("/ui", get(|| async { Redirect::permanent("/ui/") }))
        .route("/ui/", get(index))
        .route("/ui/index.html", get(index))
        .route("/ui/app.js", get(app_js))
        .route("/ui/style.css", get(style_css))
}

async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn style_css() -> Response {
    asset("text/css; charset=utf-8", STYLE_CSS)
}

/// A static file: revalidated on each load (`no-cache`; the files change with the binary).
fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_its_own_files() {
        assert!(INDEX_HTML.contains(r#"src="/ui/app.js""#));
        assert!(INDEX_HTML.contains(r#"href="/ui/style.css""#));
        assert!(!INDEX_HTML.contains("<script>"), "no inline script (CSP)");
        assert!(!INDEX_HTML.contains("style="), "no inline style (CSP)");
        assert!(!APP_JS.contains("innerHTML"), "server text is inserted as text, never as HTML");
        assert!(!APP_JS.contains("eval("));
    }

    #[test]
    fn the_page_calls_the_service_it_is_served_with() {
        for method in ["SearchCodes", "GetCode", "ValidateCodes", "CheckClaim", "SuggestCodes"] {
            assert!(APP_JS.contains(&format!("\"{method}\"")), "{method}");
        }
        assert!(APP_JS.contains("/codify.v1.CodeService/"));
        assert!(APP_JS.contains("application/grpc-web+proto"));
    }

    #[tokio::test]
    async fn assets_carry_their_type_and_policy() {
        let page = index().await;
        assert_eq!(page.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
        assert!(page.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap_or("").contains("script-src 'self'"));
        assert_eq!(app_js().await.headers()[CONTENT_TYPE], "text/javascript; charset=utf-8");
        assert_eq!(style_css().await.headers()[CONTENT_TYPE], "text/css; charset=utf-8");
        assert_eq!(style_css().await.headers()[X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
