//! The one mapping from service errors to gRPC statuses. Internal details are logged
//! here and never sent to the caller, and what is sent is bounded: at most
//! [`MAX_VIOLATIONS`] field violations (the message counts the rest), each field path and
//! description cut short, so the status trailer stays well under the 8 KiB that default
//! client header limits allow whatever the request held.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::index::IndexError;

/// Most field violations sent in one BadRequest; the message counts the rest.
pub const MAX_VIOLATIONS: usize = 100;
/// Most bytes of violation text (field paths and descriptions) sent in one BadRequest.
const MAX_VIOLATION_BYTES: usize = 3 * 1024;
/// Longest field path sent, in characters.
const MAX_FIELD_CHARS: usize = 64;
/// Longest violation description sent, in characters.
const MAX_DESCRIPTION_CHARS: usize = 160;
/// Longest piece of caller input echoed in an error, in characters.
const MAX_ECHO_CHARS: usize = 32;

/// Caller input to quote in an error: at most a short prefix of it, debug-quoted.
pub fn echo(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_ECHO_CHARS).collect();
    if chars.next().is_some() {
        format!("{head:?}…")
    } else {
        format!("{head:?}")
    }
}

/// `text` cut to `limit` characters, with an ellipsis when cut.
fn cut(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

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

/// INVALID_ARGUMENT with a bounded BadRequest: the first violations that fit
/// [`MAX_VIOLATIONS`] and [`MAX_VIOLATION_BYTES`], each cut short, the message counting all.
fn invalid_argument(violations: &[FieldViolation]) -> Status {
    let mut details = ErrorDetails::new();
    let mut listed = 0;
    let mut bytes = 0;
    for violation in violations.iter().take(MAX_VIOLATIONS) {
        let field = cut(&violation.field, MAX_FIELD_CHARS);
        let description = cut(&violation.description, MAX_DESCRIPTION_CHARS);
        bytes += field.len() + description.len();
        if bytes > MAX_VIOLATION_BYTES {
            break;
        }
        details.add_bad_request_violation(field, description);
        listed += 1;
    }
    let message = match violations {
        [only] => cut(&format!("invalid {}: {}", only.field, only.description), MAX_DESCRIPTION_CHARS * 2),
        _ if listed == violations.len() => format!("{} invalid fields", violations.len()),
        _ => format!("{} invalid fields (the first {listed} listed)", violations.len()),
    };
    Status::with_error_details(Code::InvalidArgument, message, details)
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Status {
        match error {
            ApiError::InvalidArgument(violations) => invalid_argument(&violations),
            ApiError::NotFound(message) => Status::not_found(message),
            ApiError::Unavailable(message) => Status::unavailable(message),
            ApiError::Index(IndexError::NotYetIndexed) => Status::unavailable(IndexError::NotYetIndexed.to_string()),
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
