//! The one mapping from service errors to gRPC statuses. Internal details are logged
//! here and never sent to the caller.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::index::IndexError;

/// A field of a request that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// Path of the field (`items[3].date_of_service`).
    pub field: String,
    /// What is wrong with it.
    pub description: String,
}

impl FieldViolation {
    /// A violation of `field`.
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> FieldViolation {
        FieldViolation { field: field.into(), description: description.into() }
    }
}

/// Errors of the gRPC layer.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed.
    #[error("invalid request: {}", .0.iter().map(|v| format!("{}: {}", v.field, v.description)).collect::<Vec<_>>().join("; "))]
    InvalidArgument(Vec<FieldViolation>),
    /// No loaded release knows the code.
    #[error("{0}")]
    NotFound(String),
    /// The service is not ready (releases still loading) or is shutting down.
    #[error("{0}")]
    Unavailable(String),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// Work on the CPU pool failed (panicked, or the pool stopped).
    #[error("background work failed: {0}")]
    Task(#[from] super::cpu_pool::PoolError),
}

impl ApiError {
    /// The same error with every field path prefixed (`system` → `codes[3].system`).
    pub fn within(self, prefix: &str) -> ApiError {
        match self {
            ApiError::InvalidArgument(violations) => ApiError::InvalidArgument(
                violations
                    .into_iter()
                    .map(|v| FieldViolation { field: format!("{prefix}{}", v.field), description: v.description })
                    .collect(),
            ),
            other => other,
        }
    }

    /// A single-field invalid-argument error.
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> ApiError {
        ApiError::InvalidArgument(vec![FieldViolation::new(field, description)])
    }
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Status {
        match error {
            ApiError::InvalidArgument(violations) => {
                let message = match violations.as_slice() {
                    [only] => format!("invalid {}: {}", only.field, only.description),
                    _ => format!("{} invalid fields", violations.len()),
                };
                let mut details = ErrorDetails::new();
                for violation in &violations {
                    details.add_bad_request_violation(violation.field.clone(), violation.description.clone());
                }
                Status::with_error_details(Code::InvalidArgument, message, details)
            }
            ApiError::NotFound(message) => Status::not_found(message),
            ApiError::Unavailable(message) => Status::unavailable(message),
            ApiError::Index(error) => {
                tracing::error!(error = %error, "index failure");
                Status::internal("internal error")
            }
            ApiError::Task(error) => {
                tracing::error!(error = %error, "background work failure");
                Status::internal("internal error")
            }
        }
    }
}
