//! FHIR responses: JSON only (`application/fhir+json`), refusing XML with 406, and the
//! instant of a response in FHIR's `instant` form.

use axum::response::{IntoResponse, Response};
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, StatusCode};

use super::error::FhirError;

/// Content type of every FHIR response.
pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

/// `value` as a FHIR JSON response.
pub fn fhir_json(status: StatusCode, value: &serde_json::Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    (status, [(CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))], body).into_response()
}

/// Refuses a request for XML (or any format but JSON) through `_format` or `Accept`.
pub fn check_format(headers: &HeaderMap, format_param: Option<&str>) -> Result<(), FhirError> {
    if let Some(format) = format_param {
        let format = format.trim().to_ascii_lowercase();
        let json = matches!(format.as_str(), "json" | "application/json" | "application/fhir+json")
            || format.starts_with("application/fhir+json;")
            || format.starts_with("application/json;");
        if !json {
            return Err(FhirError::NotAcceptable("_format: only json is supported".to_string()));
        }
        return Ok(());
    }
    let accepted: Vec<String> = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|item| item.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .filter(|item| !item.is_empty())
        .collect();
    let takes_json = |item: &str| {
        matches!(item, "*/*" | "application/*" | "application/json" | "application/fhir+json" | "text/html")
            || item.ends_with("+json")
    };
    if accepted.is_empty() || accepted.iter().any(|item| takes_json(item)) {
        return Ok(());
    }
    Err(FhirError::NotAcceptable("Accept: only application/fhir+json is supported".to_string()))
}

/// Now as a FHIR `instant` (`2025-11-02T14:03:07Z`).
pub fn now_instant() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    let day = crate::codes::Date::from_days_since_epoch((seconds / 86_400) as i32);
    let in_day = seconds % 86_400;
    format!("{day}T{:02}:{:02}:{:02}Z", in_day / 3600, in_day % 3600 / 60, in_day % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_xml_only() {
        let mut headers = HeaderMap::new();
        assert!(check_format(&headers, None).is_ok());
        assert!(check_format(&headers, Some("json")).is_ok());
        assert!(check_format(&headers, Some("xml")).is_err());
        headers.insert(ACCEPT, HeaderValue::from_static("application/fhir+xml"));
        assert!(check_format(&headers, None).is_err());
        headers.insert(ACCEPT, HeaderValue::from_static("text/html,application/xml;q=0.9,*/*;q=0.8"));
        assert!(check_format(&headers, None).is_ok());
        assert_eq!(now_instant().len(), 20);
    }
}
