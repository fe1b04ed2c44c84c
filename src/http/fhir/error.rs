//! The one mapping from FHIR adapter errors to HTTP responses: an OperationOutcome whose
//! issue names the parameter at fault (`expression`) and says what is wrong (`details.text`,
//! repeated in `diagnostics`), 4xx for anything the caller sent.
//! Internal failures are logged here and answered with a generic message.

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

use super::response::fhir_json;

/// Why a FHIR request was not answered.
#[derive(Debug, thiserror::Error)]
pub enum FhirError {
    /// A parameter is missing.
    #[error("{param}: {message}")]
    Required {
        /// The parameter.
        param: String,
        /// What is needed.
        message: String,
    },
    /// A parameter has a value that cannot be used.
    #[error("{param}: {message}")]
    Invalid {
        /// The parameter.
        param: String,
        /// What is wrong with it.
        message: String,
    },
    /// What a parameter names (code system, version, code, resource) is not loaded.
    #[error("{param}: {message}")]
    NotFound {
        /// The parameter (or the resource id).
        param: String,
        /// What was not found.
        message: String,
    },
    /// The request asks for something this server does not do.
    #[error("{0}")]
    NotSupported(String),
    /// The request asks for a format other than JSON.
    #[error("{0}")]
    NotAcceptable(String),
    /// The body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The releases are still loading.
    #[error("code-set releases are still loading")]
    Loading,
    /// The server failed (logged; never caused by input).
    #[error("{0}")]
    Internal(String),
}

impl FhirError {
    /// A missing parameter.
    pub fn required(param: &str) -> FhirError {
        FhirError::Required { param: param.to_string(), message: "is required".to_string() }
    }

    /// A parameter with an unusable value.
    pub fn invalid(param: &str, message: impl Into<String>) -> FhirError {
        FhirError::Invalid { param: param.to_string(), message: message.into() }
    }

    /// Something a parameter names that is not loaded.
    pub fn not_found(param: &str, message: impl Into<String>) -> FhirError {
        FhirError::NotFound { param: param.to_string(), message: message.into() }
    }

    fn parts(&self) -> (StatusCode, &'static str, Option<&str>) {
        match self {
            FhirError::Required { param, .. } => (StatusCode::BAD_REQUEST, "required", Some(param)),
            FhirError::Invalid { param, .. } => (StatusCode::BAD_REQUEST, "invalid", Some(param)),
            FhirError::NotFound { param, .. } => (StatusCode::NOT_FOUND, "not-found", Some(param)),
            FhirError::NotSupported(_) => (StatusCode::BAD_REQUEST, "not-supported", None),
            FhirError::NotAcceptable(_) => (StatusCode::NOT_ACCEPTABLE, "not-supported", None),
            FhirError::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "not-supported", None),
            FhirError::Loading => (StatusCode::SERVICE_UNAVAILABLE, "transient", None),
            FhirError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "exception", None),
        }
    }
}

/// An OperationOutcome of one error issue.
pub fn operation_outcome(code: &str, diagnostics: &str, expression: Option<&str>) -> serde_json::Value {
    let mut issue =
        json!({ "severity": "error", "code": code, "details": { "text": diagnostics }, "diagnostics": diagnostics });
    if let Some(expression) = expression {
        issue["expression"] = json!([expression]);
    }
    json!({ "resourceType": "OperationOutcome", "issue": [issue] })
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        let (status, code, param) = self.parts();
        let diagnostics = match &self {
            FhirError::Internal(reason) => {
                tracing::error!(error = %reason, "fhir request failed");
                "internal error".to_string()
            }
            other => other.to_string(),
        };
        fhir_json(status, &operation_outcome(code, &diagnostics, param))
    }
}
