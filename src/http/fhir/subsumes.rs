//! `CodeSystem/$subsumes`: how two codes of one release relate in its hierarchy of codes
//! (`equivalent`, `subsumes`, `subsumed-by`, `not-subsumed`).

use serde_json::{json, Value};

use super::error::FhirError;
use super::lookup::entry_of;
use super::params::Params;
use super::systems;
use crate::codes::{Ancestor, CodeEntry, Release};
use crate::engine::Engine;

/// `$subsumes`.
pub fn subsumes(engine: &Engine, params: &Params) -> Result<Value, FhirError> {
    let coding_a = params.coding("codingA");
    let coding_b = params.coding("codingB");
    let system_url = params
        .text("system")
        .map(str::to_string)
        .or_else(|| coding_a.as_ref().and_then(|c| c.system.clone()))
        .ok_or_else(|| FhirError::required("system"))?;
    let (system, url_version) = systems::parse_system("system", &system_url)?;
    for (coding, param) in [(&coding_a, "codingA"), (&coding_b, "codingB")] {
        let other = coding.as_ref().and_then(|c| c.system.as_deref()).and_then(systems::from_canonical);
        if coding.as_ref().and_then(|c| c.system.as_ref()).is_some() && other != Some(system) {
            return Err(FhirError::invalid(param, "must be in the same code system as the other code"));
        }
    }
    let code = |name: &str, coding: &Option<super::params::Coding>| {
        params
            .text(name)
            .map(str::to_string)
            .or_else(|| coding.as_ref().and_then(|c| c.code.clone()))
            .ok_or_else(|| FhirError::required(name))
    };
    let (code_a, code_b) = (code("codeA", &coding_a)?, code("codeB", &coding_b)?);
    let version = params.text("version").or(url_version);
    let release = systems::release(&engine.catalog, system, version, "version", None)?;
    let entry_a = entry_of(engine, release, &code_a, "codeA")?;
    let entry_b = entry_of(engine, release, &code_b, "codeB")?;
    let outcome = if entry_a.code == entry_b.code {
        "equivalent"
    } else if is_below(release, entry_b, entry_a) {
        "subsumes"
    } else if is_below(release, entry_a, entry_b) {
        "subsumed-by"
    } else {
        "not-subsumed"
    };
    Ok(json!({ "resourceType": "Parameters", "parameter": [{ "name": "outcome", "valueCode": outcome }] }))
}

/// Whether `lower` sits under the code `upper`.
fn is_below(release: &Release, lower: &CodeEntry, upper: &CodeEntry) -> bool {
    release.ancestors(lower).iter().any(|ancestor| matches!(ancestor, Ancestor::Code(code) if code.code == upper.code))
}
