//! The parameters of a FHIR operation, from the query string (GET) or a `Parameters`
//! resource (POST), in one shape: named values, a Coding where one was sent.

use serde_json::Value;

use super::error::FhirError;
use crate::codes::Date;

/// Longest parameter value kept, in bytes (longer ones are refused).
const MAX_VALUE_BYTES: usize = 4096;
/// Most parameters in one request.
const MAX_PARAMS: usize = 64;

/// A coding sent as `coding`, `codingA`, a `codeableConcept`'s first coding, or `system|code`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coding {
    /// The code system.
    pub system: Option<String>,
    /// Its version.
    pub version: Option<String>,
    /// The code.
    pub code: Option<String>,
    /// The display.
    pub display: Option<String>,
}

/// One parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A primitive, as text (booleans and integers too), with its FHIR type when known.
    Text(String, &'static str),
    /// A Coding.
    Coding(Coding),
}

/// The parameters of a request, in the order sent.
#[derive(Debug, Clone, Default)]
pub struct Params {
    values: Vec<(String, ParamValue)>,
    format: Option<String>,
}

impl Params {
    /// Parameters from a query string (`a=1&b=x%7Cy`); `_format` is left out.
    pub fn from_query(query: &str) -> Result<Params, FhirError> {
        let mut params = Params::default();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(name).ok_or_else(|| FhirError::invalid("query", "bad percent-encoding"))?;
            let value = percent_decode(value).ok_or_else(|| FhirError::invalid(&name, "bad percent-encoding"))?;
            if name == "_format" {
                params.format = Some(value);
                continue;
            }
            if name.starts_with('_') {
                continue;
            }
            params.push(name, ParamValue::Text(value, "string"))?;
        }
        Ok(params)
    }

    /// Parameters from a `Parameters` resource.
    pub fn from_resource(body: &[u8]) -> Result<Params, FhirError> {
        let resource: Value = serde_json::from_slice(body).map_err(|error| {
            FhirError::invalid("body", format!("is not JSON (line {}, column {})", error.line(), error.column()))
        })?;
        if resource.get("resourceType").and_then(Value::as_str) != Some("Parameters") {
            return Err(FhirError::invalid("resourceType", "the body must be a Parameters resource"));
        }
        let mut params = Params::default();
        let listed = resource.get("parameter").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        for parameter in listed {
            let Some(name) = parameter.get("name").and_then(Value::as_str) else {
                return Err(FhirError::invalid("parameter.name", "every parameter needs a name"));
            };
            if let Some(value) = param_value(parameter) {
                params.push(name.to_string(), value)?;
            }
        }
        Ok(params)
    }

    /// Adds the parameters of `other` after these.
    pub fn extend(&mut self, other: Params) -> Result<(), FhirError> {
        for (name, value) in other.values {
            self.push(name, value)?;
        }
        Ok(())
    }

    fn push(&mut self, name: String, value: ParamValue) -> Result<(), FhirError> {
        if self.values.len() >= MAX_PARAMS {
            return Err(FhirError::invalid("parameter", format!("at most {MAX_PARAMS} parameters are accepted")));
        }
        if let ParamValue::Text(text, _) = &value {
            if text.len() > MAX_VALUE_BYTES {
                return Err(FhirError::invalid(&name, "is too long"));
            }
        }
        self.values.push((name, value));
        Ok(())
    }

    /// The `_format` of the query string, when sent.
    pub fn format(&self) -> Option<&str> {
        self.format.as_deref()
    }

    /// Every parameter, in order.
    pub fn all(&self) -> &[(String, ParamValue)] {
        &self.values
    }

    /// The text of a parameter (the first one sent), trimmed; `None` when absent or empty.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.values.iter().find_map(|(param, value)| match value {
            ParamValue::Text(text, _) if param == name && !text.trim().is_empty() => Some(text.trim()),
            _ => None,
        })
    }

    /// The texts of a repeated parameter (each may also be comma-separated).
    pub fn texts(&self, name: &str) -> Vec<&str> {
        self.values
            .iter()
            .filter(|(param, _)| param == name)
            .filter_map(|(_, value)| match value {
                ParamValue::Text(text, _) => Some(text.as_str()),
                ParamValue::Coding(_) => None,
            })
            .flat_map(|text| text.split(','))
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .collect()
    }

    /// A Coding parameter: a Coding or CodeableConcept value, or `system|code` text.
    pub fn coding(&self, name: &str) -> Option<Coding> {
        self.values.iter().find_map(|(param, value)| match value {
            ParamValue::Coding(coding) if param == name => Some(coding.clone()),
            ParamValue::Text(text, _) if param == name => {
                let (system, code) = text.split_once('|').unwrap_or(("", text));
                Some(Coding {
                    system: Some(system.trim().to_string()).filter(|s| !s.is_empty()),
                    code: Some(code.trim().to_string()).filter(|s| !s.is_empty()),
                    ..Coding::default()
                })
            }
            _ => None,
        })
    }

    /// A boolean parameter.
    pub fn boolean(&self, name: &str) -> Result<Option<bool>, FhirError> {
        match self.text(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(FhirError::invalid(name, "must be true or false")),
        }
    }

    /// A non-negative integer parameter, at most `max`.
    pub fn count(&self, name: &str, max: usize) -> Result<Option<usize>, FhirError> {
        let Some(text) = self.text(name) else {
            return Ok(None);
        };
        match text.parse::<usize>() {
            Ok(value) if value <= max => Ok(Some(value)),
            Ok(_) => Err(FhirError::invalid(name, format!("must be at most {max}"))),
            Err(_) => Err(FhirError::invalid(name, "must be a non-negative integer")),
        }
    }

    /// A date parameter (`YYYY-MM-DD`, or a dateTime whose day is taken).
    pub fn date(&self, name: &str) -> Result<Option<Date>, FhirError> {
        let Some(text) = self.text(name) else {
            return Ok(None);
        };
        let day = match text.split_once('T') {
            Some((day, _)) => day,
            None => text,
        };
        if day.len() != 10 {
            return Err(FhirError::invalid(name, "must be a full date (YYYY-MM-DD) or dateTime"));
        }
        Date::parse(day).map(Some).map_err(|_| FhirError::invalid(name, "is not a valid date (YYYY-MM-DD)"))
    }
}

/// The value of one `Parameters.parameter`, when it has one this server reads.
fn param_value(parameter: &Value) -> Option<ParamValue> {
    let object = parameter.as_object()?;
    for (key, value) in object {
        let Some(kind) = key.strip_prefix("value") else {
            continue;
        };
        return match kind {
            "Coding" => Some(ParamValue::Coding(coding(value))),
            "CodeableConcept" => {
                let first = value.get("coding").and_then(Value::as_array).and_then(|codings| codings.first())?;
                Some(ParamValue::Coding(coding(first)))
            }
            "Boolean" => value.as_bool().map(|flag| ParamValue::Text(flag.to_string(), "boolean")),
            "Integer" | "UnsignedInt" | "PositiveInt" => {
                value.as_i64().map(|number| ParamValue::Text(number.to_string(), "integer"))
            }
            _ => value.as_str().map(|text| ParamValue::Text(text.to_string(), fhir_type(kind))),
        };
    }
    None
}

fn fhir_type(kind: &str) -> &'static str {
    match kind {
        "Code" => "code",
        "Uri" => "uri",
        "Canonical" => "canonical",
        "Date" => "date",
        "DateTime" => "dateTime",
        _ => "string",
    }
}

fn coding(value: &Value) -> Coding {
    let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
    Coding { system: field("system"), version: field("version"), code: field("code"), display: field("display") }
}

/// Decodes `%XX` escapes and `+` (a space, as forms send it).
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'%' => {
                let hex = text.get(at + 1..at + 3)?;
                decoded.push(u8::from_str_radix(hex, 16).ok()?);
                at += 3;
            }
            b'+' => {
                decoded.push(b' ');
                at += 1;
            }
            byte => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_query_and_parameters() {
        let query = Params::from_query(
            "system=http%3A%2F%2Fhl7.org%2Ffhir%2Fsid%2Ficd-10-cm&code=E11.9&property=parent,child&_format=json",
        )
        .unwrap_or_default();
        assert_eq!(query.text("code"), Some("E11.9"));
        assert_eq!(query.text("system"), Some("http://hl7.org/fhir/sid/icd-10-cm"));
        assert_eq!(query.texts("property"), vec!["parent", "child"]);
        assert_eq!(query.text("_format"), None);
        let body = br#"{"resourceType":"Parameters","parameter":[{"name":"coding","valueCoding":{"system":"s","code":"c"}},{"name":"count","valueInteger":5}]}"#;
        let resource = Params::from_resource(body).unwrap_or_default();
        assert_eq!(resource.coding("coding").and_then(|c| c.code), Some("c".to_string()));
        assert_eq!(resource.count("count", 10).ok().flatten(), Some(5));
        assert!(Params::from_resource(b"{\"resourceType\":\"Patient\"}").is_err());
    }
}
