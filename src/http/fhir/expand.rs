//! `ValueSet/$expand` over each system's implicit value set (`{system}?fhir_vs`): every code
//! of the release asked for in code order, or, with `filter`, the codes SearchCodes finds,
//! ranked as it ranks them; paged by `count` and `offset` (applied after the filter).

use std::sync::Arc;

use serde_json::{json, Value};

use super::error::FhirError;
use super::params::{ParamValue, Params};
use super::response::{new_uuid_urn, now_instant};
use super::systems;
use crate::codes::{CodeEntry, CodeSystem, Date, Release};
use crate::engine::Engine;
use crate::grpc::validate::{MAX_OFFSET, MAX_QUERY_CHARS};
use crate::http::HttpState;
use crate::index::SearchRequest;

/// Most codes in one expansion page.
pub const MAX_COUNT: usize = 1000;
/// Codes in a page when `count` is not given.
pub const DEFAULT_COUNT: usize = 100;

/// `$expand`.
pub async fn expand(state: &HttpState, engine: Arc<Engine>, params: &Params) -> Result<Value, FhirError> {
    let url = params.text("url").ok_or_else(|| FhirError::required("url"))?;
    let system = systems::from_value_set_url(url).ok_or_else(|| {
        FhirError::not_found(
            "url",
            format!(
                "unknown value set {:?} (known: each code system's implicit value set, {{system}}?fhir_vs)",
                systems::clip(url)
            ),
        )
    })?;
    let date = params.date("date")?;
    let count = params.count("count", MAX_COUNT)?;
    let offset = params.count("offset", i32::MAX as usize)?.unwrap_or(0);
    let active_only = params.boolean("activeOnly")?.unwrap_or(false);
    let version = pinned_version(params, system)?;
    let release = systems::release(&engine.catalog, system, version.as_deref(), "system-version", date)?;
    let as_of = systems::as_of(release, date);
    let limit = count.unwrap_or(DEFAULT_COUNT);
    let (total, entries) = match params.text("filter") {
        Some(filter) => {
            let chars = filter.chars().count();
            if chars > MAX_QUERY_CHARS {
                return Err(FhirError::invalid("filter", format!("must be at most {MAX_QUERY_CHARS} characters")));
            }
            if offset > MAX_OFFSET {
                return Err(FhirError::invalid("offset", format!("with a filter, must be at most {MAX_OFFSET}")));
            }
            let search = SearchRequest {
                text: filter.to_string(),
                systems: vec![system],
                billable_only: false,
                cpt_categories: Vec::new(),
                under: None,
                as_of,
                offset,
                limit: limit.max(1),
            };
            filtered(state, engine.clone(), search, release, limit).await?
        }
        None => all_codes(release, as_of, active_only, offset, limit),
    };
    let contains: Vec<Value> = entries
        .iter()
        .filter_map(|&index| release.entries.get(index as usize))
        .map(|entry| contains_item(release, entry, as_of))
        .collect();
    let mut expansion = json!({
        "identifier": new_uuid_urn(),
        "timestamp": now_instant(),
        "total": total,
        "offset": offset,
        "parameter": echo(params, count.is_none().then_some(limit), release),
    });
    if !contains.is_empty() {
        expansion["contains"] = Value::from(contains);
    }
    Ok(json!({
        "resourceType": "ValueSet",
        "url": systems::value_set_url(system),
        "version": release.info.version,
        "name": format!("{}_all", systems::name(system)),
        "title": format!("All {} codes", systems::title(system)),
        "status": "active",
        "expansion": expansion,
    }))
}

/// The release version pinned by `system-version` (or `force-system-version`), `canonical|version`.
fn pinned_version(params: &Params, system: CodeSystem) -> Result<Option<String>, FhirError> {
    for name in ["force-system-version", "system-version"] {
        for text in params.texts(name) {
            let (url, version) = text.split_once('|').ok_or_else(|| {
                FhirError::invalid(name, "must be a code system URL and version: {canonical}|{version}")
            })?;
            if systems::from_canonical(url) == Some(system) {
                return Ok(Some(version.trim().to_string()));
            }
        }
    }
    Ok(None)
}

/// The codes SearchCodes finds for `search` (from its cache, else on the CPU pool).
async fn filtered(
    state: &HttpState,
    engine: Arc<Engine>,
    search: SearchRequest,
    release: &Release,
    limit: usize,
) -> Result<(usize, Vec<u32>), FhirError> {
    let page = match engine.cached_search(&search) {
        Some(page) => page,
        None => {
            engine.wait_for_index(&search).await.map_err(|_| FhirError::Loading)?;
            let span = tracing::Span::current();
            state
                .cpu()
                .run(move || span.in_scope(|| engine.search(&search)))
                .await
                .map_err(|error| FhirError::Internal(error.to_string()))?
                .map_err(|error| FhirError::Internal(error.to_string()))?
        }
    };
    let entries = page.hits.iter().filter(|hit| hit.release == release.id).map(|hit| hit.entry).take(limit).collect();
    Ok((page.total, entries))
}

/// Every code of the release (in force on `as_of` when `active_only`), one page of them.
fn all_codes(release: &Release, as_of: Date, active_only: bool, offset: usize, limit: usize) -> (usize, Vec<u32>) {
    if !active_only {
        let end = offset.saturating_add(limit).min(release.entries.len());
        let page = (offset.min(end)..end).map(|index| index as u32).collect();
        return (release.entries.len(), page);
    }
    let active = || release.entries.iter().enumerate().filter(|(_, entry)| entry.in_force_on(as_of));
    let total = active().count();
    (total, active().skip(offset).take(limit).map(|(index, _)| index as u32).collect())
}

fn contains_item(release: &Release, entry: &CodeEntry, as_of: Date) -> Value {
    let system = release.info.system;
    let mut item = json!({
        "system": systems::canonical(system),
        "version": release.info.version,
        "code": crate::codes::display_code(system, &entry.code),
        "display": entry.title,
    });
    if !entry.in_force_on(as_of) {
        item["inactive"] = Value::from(true);
    }
    item
}

/// The parameters that controlled the expansion, typed (not the value set named), then
/// `count` when defaulted and `used-codesystem`.
fn echo(params: &Params, default_count: Option<usize>, release: &Release) -> Vec<Value> {
    let mut echoed: Vec<Value> = params
        .all()
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "url" | "valueSet" | "valueSetVersion" | "context"))
        .filter_map(|(name, value)| {
            let ParamValue::Text(text, kind) = value else {
                return None;
            };
            let text = text.trim();
            let typed = match (name.as_str(), *kind) {
                ("count" | "offset", _) | (_, "integer") => ("valueInteger", Value::from(text.parse::<i64>().ok()?)),
                ("activeOnly" | "includeDesignations" | "excludeNested" | "includeDefinition", _) | (_, "boolean") => {
                    ("valueBoolean", Value::from(text.parse::<bool>().ok()?))
                }
                ("date", _) => ("valueDateTime", Value::from(text)),
                ("displayLanguage", _) => ("valueCode", Value::from(text)),
                ("url" | "system-version" | "force-system-version", _) => ("valueUri", Value::from(text)),
                _ if text.is_empty() => return None,
                _ => ("valueString", Value::from(text)),
            };
            let mut parameter = serde_json::Map::new();
            parameter.insert("name".to_string(), Value::from(name.as_str()));
            parameter.insert(typed.0.to_string(), typed.1);
            Some(Value::Object(parameter))
        })
        .collect();
    if let Some(count) = default_count {
        echoed.push(json!({ "name": "count", "valueInteger": count }));
    }
    let used = format!("{}|{}", systems::canonical(release.info.system), release.info.version);
    echoed.push(json!({ "name": "used-codesystem", "valueUri": used }));
    echoed
}
