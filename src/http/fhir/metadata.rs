//! What the server offers: the CapabilityStatement (`GET /metadata`), the
//! TerminologyCapabilities (`?mode=terminology`: each code system with its loaded versions),
//! and one CodeSystem resource per loaded release (read and search).

use serde_json::{json, Value};

use super::error::FhirError;
use super::lookup::PROPERTIES;
use super::params::Params;
use super::response::now_instant;
use super::systems;
use crate::codes::{CodeSystem, Date, Release};
use crate::engine::Engine;

/// FHIR version served.
pub const FHIR_VERSION: &str = "4.0.1";

/// The `$expand` parameters the server reads.
const EXPANSION_PARAMETERS: [&str; 7] =
    ["activeOnly", "count", "date", "filter", "force-system-version", "offset", "system-version"];

const OPERATIONS: [(&str, &str); 5] = [
    ("lookup", "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup"),
    ("validate-code", "http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code"),
    ("subsumes", "http://hl7.org/fhir/OperationDefinition/CodeSystem-subsumes"),
    ("expand", "http://hl7.org/fhir/OperationDefinition/ValueSet-expand"),
    ("validate-code", "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code"),
];

/// `GET /metadata`, or with `mode=terminology`, the TerminologyCapabilities.
pub fn metadata(engine: Option<&Engine>, params: &Params) -> Result<Value, FhirError> {
    match params.text("mode") {
        None | Some("full") | Some("normative") => Ok(capability_statement()),
        Some("terminology") => {
            let engine = engine.ok_or(FhirError::Loading)?;
            Ok(terminology_capabilities(engine))
        }
        Some(_) => Err(FhirError::invalid("mode", "must be full, normative or terminology")),
    }
}

fn operation(name: &str, definition: &str) -> Value {
    json!({ "name": name, "definition": definition })
}

fn capability_statement() -> Value {
    let code_system_ops: Vec<Value> = OPERATIONS[..3].iter().map(|(name, url)| operation(name, url)).collect();
    let value_set_ops: Vec<Value> = OPERATIONS[3..5].iter().map(|(name, url)| operation(name, url)).collect();
    json!({
        "resourceType": "CapabilityStatement",
        "url": "urn:codify:capability-statement",
        "version": env!("CARGO_PKG_VERSION"),
        "name": "Codify",
        "title": "Codify FHIR terminology server",
        "status": "active",
        "date": now_instant(),
        "publisher": "Codify",
        "description": "FHIR R4 terminology operations over the loaded releases of ICD-10-CM, ICD-10-PCS, HCPCS Level II and CPT.",
        "kind": "instance",
        "instantiates": ["http://hl7.org/fhir/CapabilityStatement/terminology-server"],
        "software": { "name": "Codify", "version": env!("CARGO_PKG_VERSION") },
        "implementation": { "description": "Codify terminology API" },
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json"],
        "rest": [{
            "mode": "server",
            "resource": [
                {
                    "type": "CodeSystem",
                    "interaction": [{ "code": "read" }, { "code": "search-type" }],
                    "searchParam": [
                        { "name": "url", "type": "uri" },
                        { "name": "version", "type": "token" },
                    ],
                    "operation": code_system_ops,
                },
                { "type": "ValueSet", "operation": value_set_ops },
            ],
        }],
    })
}

fn terminology_capabilities(engine: &Engine) -> Value {
    let today = Date::today_utc();
    let code_systems: Vec<Value> = CodeSystem::ALL
        .into_iter()
        .filter(|&system| engine.catalog.releases_of(system).next().is_some())
        .map(|system| {
            let in_force = engine.catalog.release_in_force(system, today).map(|release| release.id);
            let versions: Vec<Value> = engine
                .catalog
                .releases_of(system)
                .map(|release| {
                    json!({
                        "code": release.info.version,
                        "isDefault": Some(release.id) == in_force,
                        "property": PROPERTIES,
                    })
                })
                .collect();
            json!({ "uri": systems::canonical(system), "version": versions, "subsumption": true })
        })
        .collect();
    json!({
        "resourceType": "TerminologyCapabilities",
        "url": "urn:codify:terminology-capabilities",
        "version": env!("CARGO_PKG_VERSION"),
        "name": "CodifyTerminology",
        "title": "Codify terminology capabilities",
        "status": "active",
        "date": now_instant(),
        "kind": "instance",
        "software": { "name": "Codify", "version": env!("CARGO_PKG_VERSION") },
        "codeSystem": code_systems,
        "expansion": {
            "hierarchical": false,
            "paging": true,
            "parameter": EXPANSION_PARAMETERS.map(|name| json!({ "name": name })),
            "textFilter": "Codify search: words, stems, synonyms and codes, ranked as SearchCodes ranks",
        },
        "validateCode": { "translations": false },
    })
}

/// The CodeSystem resource of a release (content not present: `$lookup` and `$expand` give
/// the codes).
pub fn code_system(release: &Release) -> Value {
    let system = release.info.system;
    let mut resource = json!({
        "resourceType": "CodeSystem",
        "id": systems::resource_id(release),
        "url": systems::canonical(system),
        "version": release.info.version,
        "name": systems::name(system),
        "title": systems::title(system),
        "status": "active",
        "experimental": false,
        "caseSensitive": false,
        "valueSet": systems::value_set_url(system),
        "hierarchyMeaning": "is-a",
        "versionNeeded": false,
        "content": "not-present",
        "count": release.entries.len(),
        "property": PROPERTIES.map(|code| json!({ "code": code, "type": property_type(code) })),
    });
    let mut period = json!({ "start": release.info.effective_from.to_string() });
    if let Some(end) = release.info.effective_to {
        period["end"] = Value::from(end.to_string());
    }
    resource["extension"] = json!([{
        "url": "http://hl7.org/fhir/StructureDefinition/resource-effectivePeriod",
        "valuePeriod": period,
    }]);
    resource
}

fn property_type(code: &str) -> &'static str {
    match code {
        "inactive" | "billable" => "boolean",
        "effective-from" | "effective-to" => "dateTime",
        "note" | "hcc" => "string",
        _ => "code",
    }
}

/// `GET /CodeSystem/{id}`.
pub fn read(engine: &Engine, id: &str) -> Result<Value, FhirError> {
    engine
        .catalog
        .releases()
        .iter()
        .find(|release| systems::resource_id(release) == id)
        .map(code_system)
        .ok_or_else(|| FhirError::not_found("id", format!("no CodeSystem {:?}", systems::clip(id))))
}

/// `GET /CodeSystem?url=&version=`: a searchset Bundle.
pub fn search(engine: &Engine, params: &Params) -> Result<Value, FhirError> {
    let url = params.text("url").or_else(|| params.text("system"));
    let version = params.text("version");
    let entries: Vec<Value> = engine
        .catalog
        .releases()
        .iter()
        .filter(|release| url.is_none_or(|url| systems::canonical(release.info.system) == url))
        .filter(|release| version.is_none_or(|version| release.info.version == version))
        .map(|release| json!({ "resource": code_system(release), "search": { "mode": "match" } }))
        .collect();
    Ok(json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": now_instant(),
        "total": entries.len(),
        "entry": entries,
    }))
}
