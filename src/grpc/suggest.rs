//! SuggestCodes: the request checked (INVALID_ARGUMENT names every bad field), the note coded by
//! [`crate::notes`] in each system asked for, and byte ranges turned into the API's code-point
//! offsets. The text is
//! never logged or put in spans; only its length is.

use super::convert;
use super::error::{ApiError, FieldViolation};
use super::proto;
use super::validate;
use crate::codes::{CodeSystem, Date, Release};
use crate::notes::{NoteCoding, NoteSuggestion, UncodableMention};
use crate::suggest::Lack;
use crate::text::{Assertion, Trigger};

/// Longest note accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// Most suggestions a call may ask for.
const MAX_SUGGESTIONS: i32 = 100;
/// Suggestions when the request leaves the number at 0.
const DEFAULT_SUGGESTIONS: usize = 20;

/// A SuggestCodes request, checked.
#[derive(Debug, Clone)]
pub struct SuggestRequest {
    /// The note.
    pub text: String,
    /// The systems to code it in, each once, in request order (ICD-10-CM when none was asked).
    pub systems: Vec<CodeSystem>,
    /// The release in force on this date codes the note.
    pub date_of_service: Date,
    /// Most suggestions.
    pub max_suggestions: usize,
    /// Whether the uncodable mentions are wanted.
    pub include_uncodable: bool,
}

/// Checks a request: text 1 to 100,000 characters, known systems (each at most once), a date,
/// 0 to 100 suggestions.
pub fn request(request: &proto::SuggestCodesRequest) -> Result<SuggestRequest, ApiError> {
    let mut violations = Vec::new();
    let chars = request.text.chars().count();
    if request.text.trim().is_empty() {
        violations.push(FieldViolation::new("text", "is required"));
    } else if chars > MAX_TEXT_CHARS {
        violations.push(FieldViolation::new("text", format!("at most {MAX_TEXT_CHARS} characters (got {chars})")));
    }
    let mut systems: Vec<CodeSystem> = Vec::with_capacity(request.systems.len());
    for (position, &value) in request.systems.iter().enumerate() {
        match validate::system(value) {
            Ok(Some(system)) if systems.contains(&system) => {
                violations.push(FieldViolation::new(format!("systems[{position}]"), format!("{system} is repeated")))
            }
            Ok(Some(system)) => systems.push(system),
            Ok(None) => violations.push(FieldViolation::new(format!("systems[{position}]"), "must be specified")),
            Err(reason) => violations.push(FieldViolation::new(format!("systems[{position}]"), reason)),
        }
    }
    let date_of_service = validate::date(&request.date_of_service)
        .map_err(|reason| violations.push(FieldViolation::new("date_of_service", reason)))
        .ok();
    if !(0..=MAX_SUGGESTIONS).contains(&request.max_suggestions) {
        violations.push(FieldViolation::new(
            "max_suggestions",
            format!("must be between 0 and {MAX_SUGGESTIONS} (got {})", request.max_suggestions),
        ));
    }
    match date_of_service {
        Some(date_of_service) if violations.is_empty() => Ok(SuggestRequest {
            text: request.text.clone(),
            systems: if systems.is_empty() { vec![CodeSystem::Icd10Cm] } else { systems },
            date_of_service,
            max_suggestions: match request.max_suggestions {
                0 => DEFAULT_SUGGESTIONS,
                n => n as usize,
            },
            include_uncodable: request.include_uncodable,
        }),
        _ => Err(ApiError::InvalidArgument(violations)),
    }
}

/// The response for `coding` of `text`, with codes summarised from `releases` (one per system).
pub fn response(releases: &[&Release], text: &str, coding: NoteCoding) -> proto::SuggestCodesResponse {
    let offsets = CodePoints::new(text);
    let summary = |system: CodeSystem, code: &str, partial_title: Option<&str>| {
        let release = releases.iter().find(|release| release.info.system == system)?;
        let normalized = code.replace('.', "");
        match (release.entry(&normalized), partial_title) {
            (Some(entry), _) => Some(convert::summary(release, entry)),
            (None, Some(title)) => Some(partial_summary(release, &normalized, title)),
            (None, None) => None,
        }
    };
    let suggestions = coding
        .suggestions
        .into_iter()
        .filter_map(|suggestion: NoteSuggestion| {
            Some(proto::CodeSuggestion {
                code: Some(summary(suggestion.system, &suggestion.code, suggestion.partial_title.as_deref())?),
                score: f64::from(suggestion.score.clamp(0.0, 1.0)),
                evidence: suggestion.evidence.iter().map(|range| offsets.evidence(text, range.clone())).collect(),
                assertion: assertion(suggestion.assertion),
                triggers: triggers(&offsets, text, &suggestion.triggers),
                section: suggestion.section.unwrap_or_default().to_string(),
                lacks: suggestion.lacks.iter().map(gap).collect(),
                query_hint: query_hint(&suggestion.lacks),
            })
        })
        .collect();
    let mentions = coding
        .uncodable
        .into_iter()
        .filter_map(|mention: UncodableMention| {
            Some(proto::UncodableMention {
                code: Some(summary(mention.system, &mention.code, mention.partial_title.as_deref())?),
                evidence: mention.evidence.iter().map(|range| offsets.evidence(text, range.clone())).collect(),
                assertion: assertion(mention.assertion),
                triggers: triggers(&offsets, text, &mention.triggers),
                section: mention.section.unwrap_or_default().to_string(),
            })
        })
        .collect();
    proto::SuggestCodesResponse { suggestions, mentions }
}

/// The summary of a partial ICD-10-PCS code (not reportable; titled by its axis labels).
fn partial_summary(release: &Release, code: &str, title: &str) -> proto::CodeSummary {
    proto::CodeSummary {
        system: convert::system(release.info.system),
        code: code.to_string(),
        normalized_code: code.to_string(),
        title: title.to_string(),
        short_title: String::new(),
        billable: false,
        kind: proto::CodeKind::Header as i32,
        cpt_category: 0,
        release_version: release.info.version.clone(),
    }
}

fn assertion(assertion: Assertion) -> i32 {
    let value = match assertion {
        Assertion::Present => proto::Assertion::Present,
        Assertion::Negated => proto::Assertion::Negated,
        Assertion::Possible => proto::Assertion::Possible,
        Assertion::Hypothetical => proto::Assertion::Hypothetical,
        Assertion::Historical => proto::Assertion::Historical,
        Assertion::Family => proto::Assertion::Family,
    };
    value as i32
}

fn triggers(offsets: &CodePoints, text: &str, triggers: &[Trigger]) -> Vec<proto::Evidence> {
    triggers.iter().map(|trigger| offsets.evidence(text, trigger.start..trigger.end)).collect()
}

fn gap(lack: &Lack) -> i32 {
    let value = match lack {
        Lack::Laterality => proto::SpecificityGap::Laterality,
        Lack::Type => proto::SpecificityGap::Type,
        Lack::Acuity => proto::SpecificityGap::Acuity,
        Lack::Encounter => proto::SpecificityGap::Encounter,
        Lack::Site => proto::SpecificityGap::Site,
        Lack::Approach => proto::SpecificityGap::Approach,
        Lack::Device => proto::SpecificityGap::Device,
        Lack::Qualifier => proto::SpecificityGap::Qualifier,
        Lack::Operation => proto::SpecificityGap::Operation,
        Lack::Other(_) => proto::SpecificityGap::Detail,
    };
    value as i32
}

/// What to ask the physician, in words ("Documentation does not state: laterality, encounter.").
fn query_hint(lacks: &[Lack]) -> String {
    if lacks.is_empty() {
        return String::new();
    }
    let words: Vec<String> = lacks
        .iter()
        .map(|lack| match lack {
            Lack::Laterality => "laterality (right, left, bilateral)".to_string(),
            Lack::Type => "type".to_string(),
            Lack::Acuity => "acuity (acute, chronic)".to_string(),
            Lack::Encounter => "encounter (initial, subsequent, sequela)".to_string(),
            Lack::Site => "site".to_string(),
            Lack::Approach => "approach (open, percutaneous, endoscopic)".to_string(),
            Lack::Device => "device".to_string(),
            Lack::Qualifier => "qualifier".to_string(),
            Lack::Operation => "root operation".to_string(),
            Lack::Other(detail) => detail.clone(),
        })
        .collect();
    format!("Documentation does not state: {}.", words.join(", "))
}

/// Byte offsets of a text turned into code-point offsets.
struct CodePoints {
    /// Byte offset of every character start, and the text's length last.
    starts: Vec<usize>,
}

impl CodePoints {
    fn new(text: &str) -> CodePoints {
        let mut starts: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
        starts.push(text.len());
        CodePoints { starts }
    }

    /// The code point at (or, inside a character, after) byte `offset`.
    fn at(&self, offset: usize) -> u32 {
        self.starts.partition_point(|&start| start < offset) as u32
    }

    fn evidence(&self, text: &str, range: std::ops::Range<usize>) -> proto::Evidence {
        let slice = text.get(range.clone()).unwrap_or_default();
        proto::Evidence { start: self.at(range.start), end: self.at(range.end), text: slice.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_code_points() {
        let text = "Pt é\u{1F600} has HTN";
        let offsets = CodePoints::new(text);
        let start = text.find("HTN").unwrap_or_default();
        let evidence = offsets.evidence(text, start..start + 3);
        assert_eq!((evidence.start, evidence.end, evidence.text.as_str()), (10, 13, "HTN"));
        assert_eq!(text.chars().skip(10).take(3).collect::<String>(), "HTN");
    }

    #[test]
    fn requests_are_checked_field_by_field() {
        let bad = proto::SuggestCodesRequest {
            text: " ".into(),
            systems: vec![proto::CodeSystem::Cpt as i32, 99, proto::CodeSystem::Cpt as i32],
            date_of_service: "2025-13-01".into(),
            max_suggestions: 101,
            include_uncodable: false,
        };
        let Err(ApiError::InvalidArgument(violations)) = request(&bad) else { panic!("accepted") };
        let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["text", "systems[1]", "systems[2]", "date_of_service", "max_suggestions"]);
        let good = proto::SuggestCodesRequest { text: "HTN".into(), ..Default::default() };
        let checked = request(&good).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((checked.max_suggestions, checked.include_uncodable), (20, false));
        assert_eq!(checked.systems, [CodeSystem::Icd10Cm]);
        let both = proto::SuggestCodesRequest {
            text: "appendectomy".into(),
            systems: vec![proto::CodeSystem::Icd10pcs as i32, proto::CodeSystem::Icd10cm as i32],
            ..Default::default()
        };
        let checked = request(&both).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(checked.systems, [CodeSystem::Icd10Pcs, CodeSystem::Icd10Cm]);
    }
}
