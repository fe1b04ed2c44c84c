//! The FHIR R4 terminology API under `/fhir`: metadata, CodeSystem read and search, and the
//! operations `$lookup`, `$validate-code`, `$subsumes` and `$expand` by GET (query
//! parameters) or POST (a `Parameters` resource). Handlers read the request, run one
//! operation on the engine, and answer JSON; errors become an OperationOutcome in
//! [`error`]. Each request runs in a `fhir.request` span (like the gRPC handlers' server
//! spans) holding the operation, the number of parameters and the status; parameter values
//! (filter text, codes) never reach logs or spans.

pub mod error;
pub mod expand;
pub mod lookup;
pub mod metadata;
pub mod params;
pub mod response;
pub mod subsumes;
pub mod systems;
pub mod validate_code;

use std::time::Instant;

use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::header::CONTENT_TYPE;
use http::{Method, StatusCode};
use tracing::Instrument;

use super::HttpState;
use error::FhirError;
use params::Params;
use response::{check_format, fhir_json};

/// Largest request body read, in bytes.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// The operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Metadata,
    SearchCodeSystems,
    Lookup,
    CodeSystemValidateCode,
    ValueSetValidateCode,
    Subsumes,
    Expand,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::Metadata => "metadata",
            Operation::SearchCodeSystems => "CodeSystem.search",
            Operation::Lookup => "CodeSystem.$lookup",
            Operation::CodeSystemValidateCode => "CodeSystem.$validate-code",
            Operation::ValueSetValidateCode => "ValueSet.$validate-code",
            Operation::Subsumes => "CodeSystem.$subsumes",
            Operation::Expand => "ValueSet.$expand",
        }
    }
}

/// The `/fhir` routes.
pub fn routes(state: HttpState) -> Router {
    Router::new()
        .route("/metadata", get(metadata))
        .route("/CodeSystem", get(search_code_systems))
        .route("/CodeSystem/{id}", get(read_code_system))
        .route("/CodeSystem/$lookup", get(lookup).post(lookup))
        .route("/CodeSystem/$validate-code", get(code_system_validate).post(code_system_validate))
        .route("/CodeSystem/$subsumes", get(subsumes).post(subsumes))
        .route("/ValueSet/$validate-code", get(value_set_validate).post(value_set_validate))
        .route("/ValueSet/$expand", get(expand).post(expand))
        .fallback(unknown)
        .with_state(state)
}

async fn metadata(State(state): State<HttpState>, request: Request) -> Response {
    run(state, request, Operation::Metadata).await
}

async fn search_code_systems(State(state): State<HttpState>, request: Request) -> Response {
    run(state, request, Operation::SearchCodeSystems).await
}

async fn lookup(State(state): State<HttpState>, request: Request) -> Response {
    run(state, request, Operation::Lookup).await
}

async fn code_system_validate(State(state): State<HttpState>, request: Request) -> Response {
    run(state, request, Operation::CodeSystemValidateCode).await
}

async fn value_set_validate(State(state): State<HttpState>, request: Request) -> Response {
    run(state, request, Operation::ValueSetValidateCode).await
}

async fn subsumes(State(state): State<HttpState>, request: Request) -> Response {
    run(state, request, Operation::Subsumes).await
}

async fn expand(State(state): State<HttpState>, request: Request) -> Response {
    run(state, request, Operation::Expand).await
}

async fn read_code_system(State(state): State<HttpState>, Path(id): Path<String>, request: Request) -> Response {
    let started = Instant::now();
    let span = request_span("CodeSystem.read");
    let answer = span.in_scope(|| {
        let params = Params::from_query(request.uri().query().unwrap_or(""))?;
        span.record("fhir.param_count", params.all().len());
        check_format(request.headers(), params.format())?;
        let engine = state.engine().ok_or(FhirError::Loading)?;
        metadata::read(&engine, &id)
    });
    span.in_scope(|| respond("CodeSystem.read", started, answer))
}

/// The span of one FHIR request: the operation now, the parameter count and status later.
fn request_span(operation: &'static str) -> tracing::Span {
    tracing::info_span!(
        "fhir.request",
        otel.name = operation,
        otel.kind = "server",
        fhir.operation = operation,
        fhir.param_count = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
    )
}

async fn unknown(request: Request) -> Response {
    let path = request.uri().path();
    let message = format!("no FHIR endpoint {} {}", request.method(), systems::clip(path));
    FhirError::NotSupported(message).into_response()
}

/// Reads the request, runs `operation`, answers.
async fn run(state: HttpState, request: Request, operation: Operation) -> Response {
    let started = Instant::now();
    let span = request_span(operation.name());
    let answer = answer(state, request, operation).instrument(span.clone()).await;
    span.in_scope(|| respond(operation.name(), started, answer))
}

fn respond(operation: &'static str, started: Instant, answer: Result<serde_json::Value, FhirError>) -> Response {
    let response = match answer {
        Ok(value) => fhir_json(StatusCode::OK, &value),
        Err(error) => error.into_response(),
    };
    let span = tracing::Span::current();
    span.record("http.response.status_code", response.status().as_u16());
    if response.status().is_server_error() {
        span.record("otel.status_code", "error");
    }
    tracing::debug!(
        operation,
        status = response.status().as_u16(),
        elapsed_us = started.elapsed().as_micros() as u64,
        "fhir request"
    );
    response
}

async fn answer(state: HttpState, request: Request, operation: Operation) -> Result<serde_json::Value, FhirError> {
    let (parts, body) = request.into_parts();
    let mut params = Params::from_query(parts.uri.query().unwrap_or(""))?;
    let span = tracing::Span::current();
    check_format(&parts.headers, params.format())?;
    if parts.method == Method::POST {
        let content_type = parts.headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("");
        let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if !matches!(media.as_str(), "application/fhir+json" | "application/json") {
            return Err(FhirError::UnsupportedMediaType(
                "Content-Type: send a Parameters resource as application/fhir+json".to_string(),
            ));
        }
        let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
            .await
            .map_err(|_| FhirError::invalid("body", format!("must be at most {MAX_BODY_BYTES} bytes")))?;
        params.extend(Params::from_resource(&bytes)?)?;
    }
    span.record("fhir.param_count", params.all().len());
    if operation == Operation::Metadata {
        return metadata::metadata(state.engine().as_deref(), &params);
    }
    let engine = state.engine().ok_or(FhirError::Loading)?;
    match operation {
        Operation::Metadata => metadata::metadata(Some(&engine), &params),
        Operation::SearchCodeSystems => metadata::search(&engine, &params),
        Operation::Lookup => lookup::lookup(&engine, &params),
        Operation::CodeSystemValidateCode => validate_code::code_system(&engine, &params),
        Operation::ValueSetValidateCode => validate_code::value_set(&engine, &params),
        Operation::Subsumes => subsumes::subsumes(&engine, &params),
        Operation::Expand => expand::expand(&state, engine.clone(), &params).await,
    }
}
