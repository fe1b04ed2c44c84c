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

/// A fresh random version-4 UUID as a URI (`urn:uuid:...`), for `ValueSet.expansion.identifier`.
/// Random enough to tell expansions apart (std's randomly keyed SipHash over a counter and the
/// clock), not for secrets.
pub fn new_uuid_urn() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos() as u64)
        .unwrap_or(0);
    let mut halves = [0u64; 2];
    for (index, half) in halves.iter_mut().enumerate() {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u64(nanos);
        hasher.write_usize(index);
        *half = hasher.finish();
    }
    let high = (halves[0] & !0xF000) | 0x4000; // version 4
    let low = (halves[1] & !(0b11 << 62)) | (0b10 << 62); // RFC 4122 variant
    format!(
        "urn:uuid:{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xFFFF,
        high & 0xFFFF,
        low >> 48,
        low & 0xFFFF_FFFF_FFFF
    )
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
        let (first, second) = (new_uuid_urn(), new_uuid_urn());
        assert_ne!(first, second);
        assert_eq!(first.len(), "urn:uuid:".len() + 36);
        assert_eq!(&first[23..24], "4", "{first}");
        assert!(matches!(&first[28..29], "8" | "9" | "a" | "b"), "{first}");
    }
}
