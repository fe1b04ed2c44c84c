//! The HL7 terminology test suite's comparison of an actual response with an expected
//! template, as its runner (the Java validator's `TxTester` and `CompareUtilities`) does it:
//! the actual response is scrubbed (`text`, `meta`, and extensions the suite does not manage
//! are dropped) and sorted (parameters by name, expansion parameters by name and value,
//! `contains` by code, issues by severity, code, expression and text); then every property
//! of the actual must be in the template and every property of the template must be in the
//! actual unless `$optional-properties$` lists it (`*`: all); arrays are compared in order,
//! where template items carrying `$optional$` may be missing; `$count-arrays$` compares only
//! the length; strings may be templates (`$$`, `$id$`, `$uuid$`, `$instant$`, `$url$`,
//! `$token$`, `$string$`, `$date$`, `$semver$`, `$version$`, `$choice:a|b$`,
//! `$fragments:a|b$`, `$external:N:a|b$`). Metadata checks ("the minimum expected things are
//! found") use pattern mode: extra properties and extra array items are allowed.
#![allow(dead_code)]

use std::cmp::Ordering;

use serde_json::{Map, Value};

/// The FHIR version the server speaks (what `$version$` stands for).
pub const FHIR_VERSION: &str = "4.0.1";

/// Runner modes in force: `general` always; `flat` because this server's expansions are flat.
const MODES: [&str; 2] = ["general", "flat"];

/// Extensions the suite's runner keeps in actual responses (others with absolute URLs are a
/// server's own and are dropped before comparing).
const MANAGED_EXTENSIONS: [&str; 12] = [
    "http://hl7.org/fhir/StructureDefinition/codesystem-alternate",
    "http://hl7.org/fhir/StructureDefinition/codesystem-conceptOrder",
    "http://hl7.org/fhir/StructureDefinition/codesystem-label",
    "http://hl7.org/fhir/StructureDefinition/coding-sctdescid",
    "http://hl7.org/fhir/StructureDefinition/itemWeight",
    "http://hl7.org/fhir/StructureDefinition/rendering-style",
    "http://hl7.org/fhir/StructureDefinition/rendering-xhtml",
    "http://hl7.org/fhir/StructureDefinition/translation",
    "http://hl7.org/fhir/StructureDefinition/valueset-concept-definition",
    "http://hl7.org/fhir/StructureDefinition/valueset-conceptOrder",
    "http://hl7.org/fhir/StructureDefinition/valueset-deprecated",
    "http://hl7.org/fhir/StructureDefinition/valueset-label",
];

/// How objects and arrays are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every actual property must be expected; arrays in order (after sorting).
    Exact,
    /// The expected properties and array items must be found; extra ones are allowed.
    Pattern,
}

/// The actual response as the runner compares it: scrubbed, then sorted.
pub fn normalize(actual: &Value) -> Value {
    let mut value = actual.clone();
    scrub(&mut value, true);
    sort_resource(&mut value);
    value
}

/// `None` when `actual` matches `expected`, else the first difference.
pub fn compare(expected: &Value, actual: &Value, mode: Mode) -> Option<String> {
    compare_nodes("", expected, actual, false, mode)
}

fn scrub(value: &mut Value, is_resource: bool) {
    match value {
        Value::Object(object) => {
            if is_resource || object.contains_key("resourceType") {
                object.remove("text");
                object.remove("meta");
            }
            for key in ["extension", "modifierExtension"] {
                if let Some(Value::Array(extensions)) = object.get_mut(key) {
                    extensions.retain(|extension| {
                        let url = extension.get("url").and_then(Value::as_str).unwrap_or("");
                        !is_absolute_url(url) || MANAGED_EXTENSIONS.contains(&url)
                    });
                    if extensions.is_empty() {
                        object.remove(key);
                    }
                }
            }
            for (_, child) in object.iter_mut() {
                scrub(child, false);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| scrub(item, false)),
        _ => {}
    }
}

fn is_absolute_url(url: &str) -> bool {
    url.starts_with("http:") || url.starts_with("https:") || url.starts_with("urn:")
}

fn sort_resource(value: &mut Value) {
    match value.get("resourceType").and_then(Value::as_str) {
        Some("Parameters") => sort_parameters(value),
        Some("OperationOutcome") => sort_issues(value),
        Some("ValueSet") => sort_value_set(value),
        Some("CapabilityStatement") => sort_capability_statement(value),
        _ => {}
    }
}

fn array_mut<'a>(value: &'a mut Value, key: &str) -> Option<&'a mut Vec<Value>> {
    value.get_mut(key).and_then(Value::as_array_mut)
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The primitive value of a parameter (its `value[x]`), as text.
fn primitive(parameter: &Value) -> Option<String> {
    let object = parameter.as_object()?;
    object.iter().find(|(key, _)| key.starts_with("value")).and_then(|(_, value)| match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    })
}

fn part<'a>(parameter: &'a Value, name: &str) -> Option<&'a Value> {
    parameter.get("part")?.as_array()?.iter().find(|part| text(part, "name") == name)
}

fn part_value(parameter: &Value, name: &str) -> Option<String> {
    part(parameter, name).and_then(primitive).map(|text| text.to_lowercase())
}

fn parameter_order(a: &Value, b: &Value) -> Ordering {
    let (name_a, name_b) = (text(a, "name"), text(b, "name"));
    if name_a == name_b && (name_a == "property" || name_a == "designation") {
        let key = if name_a == "property" { "code" } else { "language" };
        let (first_a, first_b) = (part_value(a, key), part_value(b, key));
        if first_a.is_some() && first_b.is_some() && first_a != first_b {
            return first_a.cmp(&first_b);
        }
        let (value_a, value_b) = (part_value(a, "value"), part_value(b, "value"));
        if value_a.is_some() && value_b.is_some() && value_a != value_b {
            return value_a.cmp(&value_b);
        }
    }
    name_a.cmp(name_b)
}

fn sort_parts(parameter: &mut Value) {
    if let Some(parts) = array_mut(parameter, "part") {
        parts.iter_mut().for_each(sort_parts);
        parts.sort_by(parameter_order);
    }
}

fn sort_parameters(value: &mut Value) {
    let Some(parameters) = array_mut(value, "parameter") else {
        return;
    };
    for parameter in parameters.iter_mut() {
        sort_parts(parameter);
        if let Some(resource) = parameter.get_mut("resource") {
            sort_resource(resource);
        }
        if text(parameter, "name") == "message" {
            if let Some(Value::String(message)) = parameter.get_mut("valueString") {
                let mut bits: Vec<&str> = message.split("; ").collect();
                bits.sort_unstable();
                *message = bits.join("; ");
            }
        }
    }
    parameters.sort_by(parameter_order);
}

fn sort_issues(value: &mut Value) {
    if let Some(issues) = array_mut(value, "issue") {
        let key = |issue: &Value| {
            let expression = issue.get("expression").and_then(|e| e.get(0)).and_then(Value::as_str).unwrap_or("");
            let details = issue.get("details").map_or("", |details| text(details, "text"));
            (
                text(issue, "severity").to_string(),
                text(issue, "code").to_string(),
                expression.to_string(),
                details.to_string(),
            )
        };
        issues.sort_by_key(key);
    }
}

fn sort_value_set(value: &mut Value) {
    let Some(expansion) = value.get_mut("expansion") else {
        return;
    };
    if let Some(parameters) = array_mut(expansion, "parameter") {
        parameters.sort_by(|a, b| text(a, "name").cmp(text(b, "name")).then_with(|| primitive(a).cmp(&primitive(b))));
    }
    if let Some(contains) = array_mut(expansion, "contains") {
        sort_contains(contains);
    }
}

fn sort_contains(contains: &mut [Value]) {
    contains.sort_by(|a, b| text(a, "code").cmp(text(b, "code")));
    for item in contains.iter_mut() {
        if let Some(nested) = array_mut(item, "contains") {
            sort_contains(nested);
        }
    }
}

fn sort_capability_statement(value: &mut Value) {
    if let Some(formats) = array_mut(value, "format") {
        formats.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    let Some(rests) = array_mut(value, "rest") else {
        return;
    };
    for rest in rests.iter_mut() {
        if let Some(resources) = array_mut(rest, "resource") {
            resources.sort_by(|a, b| text(a, "type").cmp(text(b, "type")));
            for resource in resources.iter_mut() {
                if let Some(interactions) = array_mut(resource, "interaction") {
                    interactions.sort_by(|a, b| text(a, "code").cmp(text(b, "code")));
                }
                if let Some(operations) = array_mut(resource, "operation") {
                    operations.sort_by(|a, b| text(a, "name").cmp(text(b, "name")));
                }
            }
        }
        if let Some(operations) = array_mut(rest, "operation") {
            operations.sort_by(|a, b| text(a, "name").cmp(text(b, "name")));
        }
    }
}

/// Whether a `$optional$` / `$only$` filter passes for this runner.
fn filter_passes(filter: &Value) -> bool {
    match filter {
        Value::Bool(flag) => *flag,
        Value::String(text) => {
            if let Some(version) = text.strip_prefix("version:") {
                return FHIR_VERSION.starts_with(version);
            }
            if text.starts_with("warning:") {
                return true;
            }
            match text.strip_prefix('!') {
                Some(mode) => !MODES.contains(&mode),
                None => !MODES.contains(&text.as_str()),
            }
        }
        _ => false,
    }
}

fn is_optional(item: &Value) -> bool {
    item.get("$optional$").is_some_and(filter_passes)
}

/// `Some(true)`: must be there; `Some(false)`: must not be; `None`: no `$only$`.
fn only(item: &Value) -> Option<bool> {
    let filter = item.get("$only$")?;
    Some(match filter {
        Value::String(text) => match text.strip_prefix("version:") {
            Some(version) => FHIR_VERSION.starts_with(version),
            None => match text.strip_prefix('!') {
                Some(mode) => !MODES.contains(&mode),
                None => MODES.contains(&text.as_str()),
            },
        },
        other => filter_passes(other),
    })
}

fn strings_of(object: &Map<String, Value>, key: &str) -> Vec<String> {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

fn compare_objects(
    path: &str,
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
    mode: Mode,
) -> Option<String> {
    let optional = strings_of(expected, "$optional-properties$");
    let count_only = strings_of(expected, "$count-arrays$");
    for (name, actual_value) in actual {
        match expected.get(name) {
            Some(expected_value) => {
                let at = format!("{path}.{name}");
                if let Some(difference) =
                    compare_nodes(&at, expected_value, actual_value, count_only.contains(name), mode)
                {
                    return Some(difference);
                }
            }
            None if mode == Mode::Exact => return Some(format!("unexpected property {path}.{name}")),
            None => {}
        }
    }
    for name in expected.keys() {
        let control = name.starts_with('$') && name.ends_with('$');
        let may_omit = optional.iter().any(|item| item == name || item == "*");
        if !control && !may_omit && !actual.contains_key(name) {
            return Some(format!("missing property {path}.{name}"));
        }
    }
    None
}

fn compare_nodes(path: &str, expected: &Value, actual: &Value, count_only: bool, mode: Mode) -> Option<String> {
    match (expected, actual) {
        (Value::String(template), Value::String(text)) => {
            (!string_matches(text, template)).then(|| format!("{path}: expected {template:?}, found {text:?}"))
        }
        (Value::Bool(want), Value::Bool(found)) => {
            (want != found).then(|| format!("{path}: expected {want}, found {found}"))
        }
        (Value::Number(want), Value::Number(found)) => {
            (want.to_string() != found.to_string()).then(|| format!("{path}: expected {want}, found {found}"))
        }
        (Value::Null, Value::Null) => None,
        (Value::Object(want), Value::Object(found)) => compare_objects(path, want, found, mode),
        (Value::Array(want), Value::Array(found)) if count_only => {
            (want.len() != found.len()).then(|| format!("{path}: expected {} items, found {}", want.len(), found.len()))
        }
        (Value::Array(want), Value::Array(found)) => match mode {
            Mode::Exact => compare_arrays(path, want, found),
            Mode::Pattern => compare_array_pattern(path, want, found),
        },
        _ => Some(format!("{path}: expected {expected}, found {actual}")),
    }
}

/// In order, as the suite's runner does after sorting; optional template items may be skipped.
fn compare_arrays(path: &str, expected: &[Value], actual: &[Value]) -> Option<String> {
    let mut at = 0;
    for (index, item) in expected.iter().enumerate() {
        let excluded = only(item) == Some(false);
        let optional = is_optional(item) || excluded;
        let Some(candidate) = actual.get(at) else {
            if optional {
                continue;
            }
            return Some(format!("{path}: item {index} of the template is missing"));
        };
        let difference = compare_nodes(&format!("{path}[{index}]"), item, candidate, false, Mode::Exact);
        match difference {
            None if excluded => return Some(format!("{path}[{index}]: present but $only$ excludes it")),
            None => at += 1,
            Some(_) if optional => {}
            Some(difference) => return Some(difference),
        }
    }
    (at < actual.len()).then(|| format!("{path}: unexpected item at index {at}: {}", actual[at]))
}

/// Every required template item matches some actual item.
fn compare_array_pattern(path: &str, expected: &[Value], actual: &[Value]) -> Option<String> {
    for (index, item) in expected.iter().enumerate() {
        let found = actual.iter().any(|candidate| compare_nodes(path, item, candidate, false, Mode::Pattern).is_none());
        if !found && !is_optional(item) {
            return Some(format!("{path}: no item matches template item {index}: {item}"));
        }
    }
    None
}

/// Whether `text` matches a template string (or equals a plain one).
pub fn string_matches(text: &str, template: &str) -> bool {
    if template.contains("$version$") && template != "$version$" {
        return text == template.replace("$version$", FHIR_VERSION);
    }
    if !(template.len() >= 2 && template.starts_with('$') && template.ends_with('$')) {
        return text == template;
    }
    let inner = &template[1..template.len() - 1];
    if let Some(choices) = inner.strip_prefix("choice:") {
        return choices.split('|').any(|choice| choice == text);
    }
    if let Some(fragments) = inner.strip_prefix("fragments:") {
        return contains_all(text, fragments);
    }
    if let Some(external) = inner.strip_prefix("external:") {
        return match external.split_once(':') {
            Some((_, fragments)) => contains_all(text, fragments),
            None => true,
        };
    }
    match inner {
        "" => true,
        "instant" => is_instant(text),
        "uuid" => is_uuid(text),
        "id" => {
            !text.is_empty()
                && text.len() <= 64
                && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        }
        "url" => is_absolute_url(text) && !text.contains(char::is_whitespace),
        "token" => !text.is_empty() && !text.contains(char::is_whitespace),
        "string" => !text.is_empty() && text.trim() == text,
        "date" => is_date(text),
        "semver" => is_semver(text),
        "version" => text == FHIR_VERSION,
        _ => panic!("unhandled template {template}"),
    }
}

fn contains_all(text: &str, fragments: &str) -> bool {
    let lower = text.to_lowercase();
    fragments.split('|').all(|fragment| lower.contains(&fragment.to_lowercase()))
}

fn digits(text: &str, count: usize) -> bool {
    text.len() == count && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_date(text: &str) -> bool {
    if text.contains('T') {
        return is_instant(text);
    }
    let parts: Vec<&str> = text.split('-').collect();
    match parts.as_slice() {
        [year] => digits(year, 4),
        [year, month] => digits(year, 4) && digits(month, 2),
        [year, month, day] => digits(year, 4) && digits(month, 2) && digits(day, 2),
        _ => false,
    }
}

fn is_instant(text: &str) -> bool {
    let Some((day, time)) = text.split_once('T') else {
        return false;
    };
    let zone_at = time.find(['Z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let clock = clock.split_once('.').map_or(clock, |(seconds, fraction)| {
        if digits(fraction, fraction.len()) && !fraction.is_empty() {
            seconds
        } else {
            ""
        }
    });
    let clock_ok = clock.split(':').count() == 3 && clock.split(':').all(|part| digits(part, 2));
    let zone_ok = zone == "Z" || (zone.len() == 6 && zone.as_bytes()[3] == b':');
    day.split('-').count() == 3 && is_date(day) && clock_ok && zone_ok
}

fn is_uuid(text: &str) -> bool {
    let Some(uuid) = text.strip_prefix("urn:uuid:") else {
        return false;
    };
    let groups: Vec<&str> = uuid.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|group| group.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

fn is_semver(text: &str) -> bool {
    let core = text.split(['-', '+']).next().unwrap_or("");
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3 && numbers.iter().all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_match_their_kinds() {
        assert!(string_matches("2026-01-02T03:04:05Z", "$instant$"));
        assert!(!string_matches("2026-01-02", "$instant$"));
        assert!(string_matches("urn:uuid:0a1b2c3d-0000-4000-8000-00000000abcd", "$uuid$"));
        assert!(!string_matches("0a1b2c3d-0000-4000-8000-00000000abcd", "$uuid$"));
        assert!(string_matches("0.1.0", "$semver$") && !string_matches("FY2026", "$semver$"));
        assert!(string_matches("b", "$choice:a|b$") && !string_matches("c", "$choice:a|b$"));
        assert!(string_matches("Code X not FOUND", "$fragments:x|found$"));
        assert!(!string_matches(" padded", "$string$"));
    }

    #[test]
    fn extra_and_missing_properties_fail_unless_allowed() {
        let template = json!({ "$optional-properties$": ["b"], "a": 1, "b": 2 });
        assert_eq!(compare(&template, &json!({ "a": 1 }), Mode::Exact), None);
        assert!(compare(&template, &json!({ "a": 1, "c": 3 }), Mode::Exact).is_some());
        assert!(compare(&json!({ "a": 1 }), &json!({}), Mode::Exact).is_some());
        assert_eq!(compare(&json!({ "a": 1 }), &json!({ "a": 1, "c": 3 }), Mode::Pattern), None);
    }

    #[test]
    fn optional_items_and_counted_arrays() {
        let template = json!({ "x": [{ "$optional$": true, "n": 1 }, { "n": 2 }] });
        assert_eq!(compare(&template, &json!({ "x": [{ "n": 2 }] }), Mode::Exact), None);
        assert_eq!(compare(&template, &json!({ "x": [{ "n": 1 }, { "n": 2 }] }), Mode::Exact), None);
        assert!(compare(&template, &json!({ "x": [{ "n": 2 }, { "n": 3 }] }), Mode::Exact).is_some());
        let counted = json!({ "$count-arrays$": ["x"], "x": [1, 2] });
        assert_eq!(compare(&counted, &json!({ "x": [7, 8] }), Mode::Exact), None);
        assert!(compare(&counted, &json!({ "x": [7] }), Mode::Exact).is_some());
    }
}
