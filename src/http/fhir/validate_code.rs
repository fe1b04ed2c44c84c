//! `CodeSystem/$validate-code` and `ValueSet/$validate-code` over each system's implicit
//! value set: the same verdict as ValidateCodes for the release asked for, as `result` with
//! a `message`; a code not in the set is `result: false` (HTTP 200), not an error.

use serde_json::{json, Value};

use super::error::FhirError;
use super::lookup::{code_params, CodeParams};
use super::params::Params;
use super::systems;
use crate::codes::{display_code, CodeEntry, Verdict};
use crate::engine::Engine;

/// `CodeSystem/$validate-code` (R4 names the system `url`; `system` is accepted too).
pub fn code_system(engine: &Engine, params: &Params) -> Result<Value, FhirError> {
    let request = match code_params(params, &["url", "system"]) {
        Ok(request) => request,
        Err(FhirError::NotFound { .. }) => return Ok(unknown_system(params, &["url", "system"])),
        Err(other) => return Err(other),
    };
    check(engine, params, request)
}

/// `result: false` for a code system this server does not know: the code cannot be
/// validated (HTTP 200, as for any code that is not valid), naming the system.
fn unknown_system(params: &Params, system_params: &[&str]) -> Value {
    let coding = params.coding("coding").or_else(|| params.coding("codeableConcept"));
    let system = system_params
        .iter()
        .find_map(|name| params.text(name))
        .or_else(|| coding.as_ref().and_then(|c| c.system.as_deref()))
        .unwrap_or("");
    let code = params.text("code").or_else(|| coding.as_ref().and_then(|c| c.code.as_deref())).unwrap_or("");
    let system = systems::clip(system);
    let mut rest = Vec::new();
    if !code.is_empty() {
        rest.push(json!({ "name": "code", "valueCode": systems::clip(code) }));
    }
    rest.push(json!({ "name": "system", "valueUri": system }));
    rest.push(json!({ "name": "x-caused-by-unknown-system", "valueCanonical": system }));
    outcome(
        false,
        Some(format!("A definition for CodeSystem '{system}' could not be found, so the code cannot be validated")),
        rest,
    )
}

/// `ValueSet/$validate-code` on `{system}?fhir_vs`.
pub fn value_set(engine: &Engine, params: &Params) -> Result<Value, FhirError> {
    let url = params.text("url").ok_or_else(|| FhirError::required("url"))?;
    let Some(value_set_system) = systems::from_value_set_url(url) else {
        return Err(FhirError::not_found(
            "url",
            format!(
                "unknown value set {:?} (known: each code system's implicit value set, {{system}}?fhir_vs)",
                systems::clip(url)
            ),
        ));
    };
    let coding = params.coding("coding").or_else(|| params.coding("codeableConcept"));
    let system_url = params.text("system").or_else(|| coding.as_ref().and_then(|c| c.system.as_deref()));
    if let Some(system_url) = system_url {
        let system_part = system_url.split_once('|').map_or(system_url, |(url, _)| url);
        if systems::from_canonical(system_part).is_none() {
            return Ok(unknown_system(params, &["system"]));
        }
        if systems::from_canonical(system_part) != Some(value_set_system) {
            let code = params.text("code").or_else(|| coding.as_ref().and_then(|c| c.code.as_deref())).unwrap_or("");
            return Ok(outcome(
                false,
                Some(format!(
                    "the code system {:?} is not in the value set {} (only {})",
                    systems::clip(system_part),
                    systems::value_set_url(value_set_system),
                    systems::canonical(value_set_system)
                )),
                vec![json!({ "name": "code", "valueCode": systems::clip(code) })],
            ));
        }
    }
    let url_version = system_url.and_then(|url| url.split_once('|')).map(|(_, version)| version.trim());
    let from_coding = |field: fn(&super::params::Coding) -> Option<&str>| coding.as_ref().and_then(field);
    let code = params
        .text("code")
        .or_else(|| from_coding(|c| c.code.as_deref()))
        .ok_or_else(|| FhirError::required("code"))?;
    let request = CodeParams {
        system: value_set_system,
        code: code.to_string(),
        version: params
            .text("systemVersion")
            .or_else(|| params.text("version"))
            .or(url_version.filter(|v| !v.is_empty()))
            .or_else(|| from_coding(|c| c.version.as_deref()))
            .map(str::to_string),
        display: params.text("display").or_else(|| from_coding(|c| c.display.as_deref())).map(str::to_string),
    };
    check(engine, params, request)
}

/// The verdict on one code.
fn check(engine: &Engine, params: &Params, request: CodeParams) -> Result<Value, FhirError> {
    let date = params.date("date")?;
    let system = request.system;
    let release = match systems::release(&engine.catalog, system, request.version.as_deref(), "version", date) {
        Ok(release) => release,
        Err(FhirError::NotFound { .. }) if request.version.is_some() => return Ok(unknown_version(engine, &request)),
        Err(other) => return Err(other),
    };
    let as_of = systems::as_of(release, date);
    let validation = engine.catalog.validate(system, &request.code, as_of);
    let shown = validation.normalized.as_deref().map(|code| display_code(system, code));
    let shown_text = shown.clone().unwrap_or_else(|| systems::clip(request.code.trim()));
    let title = systems::title(system);
    let version = &release.info.version;
    let (mut result, mut message) = match &validation.verdict {
        Verdict::Valid => (true, None),
        Verdict::NotBillable { .. } => (
            true,
            Some(format!("{shown_text} is a header code of {title} (not billable): report a more specific code")),
        ),
        Verdict::Malformed => (false, Some(format!("{shown_text:?} is not a well-formed {title} code"))),
        Verdict::Unknown => (false, Some(format!("{shown_text} is not a code of {title} {version}"))),
        Verdict::NoRelease => (false, Some(format!("no loaded {title} release covers {as_of}"))),
        Verdict::Terminated { last_day, .. } => {
            (false, Some(format!("{shown_text} is inactive in {title} on {as_of}: its last valid day was {last_day}")))
        }
        Verdict::NotYetEffective { first_day } => {
            (false, Some(format!("{shown_text} is not in {title} on {as_of}: it starts on {first_day}")))
        }
    };
    if let Some(invalid) = &validation.pcs_invalid {
        message =
            Some(format!("{shown_text} is not a code of {title}: position {}: {}", invalid.position, invalid.reason));
    }
    // The display comes only from the release answered from (a code another release has is
    // not a concept of this version).
    let entry = validation.entry.filter(|entry| release.entry(&entry.code).is_some());
    if let (Some(display), Some(entry)) = (request.display.as_deref(), entry) {
        if result && !display_matches(entry, display) {
            result = false;
            message = Some(format!(
                "wrong display {:?} for {shown_text}: the display is {:?}",
                systems::clip(display),
                entry.title
            ));
        }
    }
    let mut out = Vec::new();
    if let Some(entry) = entry {
        out.push(json!({ "name": "display", "valueString": entry.title }));
    }
    let sent = request.code.trim();
    out.push(json!({ "name": "code", "valueCode": systems::clip(sent) }));
    if let Some(shown) = shown.filter(|shown| shown.as_str() != sent) {
        out.push(json!({ "name": "normalized-code", "valueCode": shown }));
    }
    out.push(json!({ "name": "system", "valueUri": systems::canonical(system) }));
    out.push(json!({ "name": "version", "valueString": version }));
    Ok(outcome(result, message, out))
}

/// `result: false` for a version of a known system that is not loaded, naming the loaded ones.
fn unknown_version(engine: &Engine, request: &CodeParams) -> Value {
    let canonical = systems::canonical(request.system);
    let version = systems::clip(request.version.as_deref().unwrap_or(""));
    let loaded: Vec<&str> = engine.catalog.releases_of(request.system).map(|r| r.info.version.as_str()).collect();
    outcome(
        false,
        Some(format!(
            "A definition for CodeSystem '{canonical}' version '{version}' could not be found, so the code cannot be validated. Valid versions: {}",
            loaded.join(" or ")
        )),
        vec![
            json!({ "name": "code", "valueCode": systems::clip(request.code.trim()) }),
            json!({ "name": "system", "valueUri": canonical }),
            json!({ "name": "version", "valueString": version }),
            json!({ "name": "x-caused-by-unknown-system", "valueCanonical": format!("{canonical}|{version}") }),
        ],
    )
}

fn outcome(result: bool, message: Option<String>, rest: Vec<Value>) -> Value {
    let mut parameters = vec![json!({ "name": "result", "valueBoolean": result })];
    if let Some(message) = message {
        parameters.push(json!({ "name": "message", "valueString": message }));
    }
    parameters.extend(rest);
    json!({ "resourceType": "Parameters", "parameter": parameters })
}

/// Whether `display` is one of the entry's texts (case and surrounding space aside).
fn display_matches(entry: &CodeEntry, display: &str) -> bool {
    let wanted = display.trim();
    let same = |text: &str| text.trim().eq_ignore_ascii_case(wanted);
    same(&entry.title)
        || entry.short_title.as_deref().is_some_and(same)
        || entry.descriptors.iter().any(|descriptor| same(&descriptor.text))
}
