//! CheckClaim and CheckClaims: requests checked into domain claims (malformed requests are
//! INVALID_ARGUMENT with every field named; malformed codes are left to the edits), reports
//! converted to the API's edits.

use super::error::{ApiError, FieldViolation};
use super::proto;
use super::validate::DATE_FORMAT;
use crate::claims::claim::{self, Claim, ClaimReport, ClaimType, EditKind, Severity};
use crate::claims::{FindingKind, Patient, Sex};
use crate::codes::{CodeSystem, Date};

/// Most claims in one CheckClaims call.
pub const MAX_CLAIMS: usize = 1_000;
/// Most diagnoses on a claim.
const MAX_DIAGNOSES: usize = 100;
/// Most service lines on a claim.
const MAX_LINES: usize = 500;
/// Most ICD-10-PCS procedures on a claim.
const MAX_PROCEDURES: usize = 100;
/// Most modifiers on a line.
const MAX_MODIFIERS: usize = 4;
/// Oldest age accepted.
const MAX_AGE: i32 = 124;
/// Longest code accepted in any position (longer ones are refused, not judged).
const MAX_CODE_CHARS: usize = 64;
/// Most units on a line.
const MAX_UNITS: i32 = 100_000;

/// A CheckClaim request, checked, as a domain claim; violations carry `prefix`.
pub fn claim(request: &proto::CheckClaimRequest, prefix: &str) -> Result<Claim, ApiError> {
    let mut violations = Vec::new();
    let mut add = |field: String, description: String| violations.push(FieldViolation::new(field, description));
    let claim_type = match proto::ClaimType::try_from(request.claim_type) {
        Ok(proto::ClaimType::Professional) => Some(ClaimType::Professional),
        Ok(proto::ClaimType::InstitutionalOutpatient) => Some(ClaimType::InstitutionalOutpatient),
        Ok(proto::ClaimType::InstitutionalInpatient) => Some(ClaimType::InstitutionalInpatient),
        Ok(proto::ClaimType::Unspecified) => {
            add(format!("{prefix}claim_type"), "is required".into());
            None
        }
        Err(_) => {
            add(format!("{prefix}claim_type"), format!("unknown claim type {}", request.claim_type));
            None
        }
    };
    let date_of_service = if request.date_of_service.trim().is_empty() {
        add(format!("{prefix}date_of_service"), "is required".into());
        None
    } else {
        parse_date(&request.date_of_service).or_else(|| {
            add(format!("{prefix}date_of_service"), DATE_FORMAT.into());
            None
        })
    };
    let age = match (request.patient_age, request.patient_birth_date.trim()) {
        (Some(age), _) if (0..=MAX_AGE).contains(&age) => Some(age as u8),
        (Some(age), _) => {
            add(format!("{prefix}patient_age"), format!("must be between 0 and {MAX_AGE} (got {age})"));
            None
        }
        (None, "") => None,
        (None, birth) => match (parse_date(birth), date_of_service) {
            (Some(birth), Some(service)) => match age_on(birth, service) {
                Some(age) => Some(age),
                None => {
                    add(
                        format!("{prefix}patient_birth_date"),
                        "gives an age outside 0 to 124 on the date of service".into(),
                    );
                    None
                }
            },
            (None, _) => {
                add(format!("{prefix}patient_birth_date"), DATE_FORMAT.into());
                None
            }
            (Some(_), None) => None,
        },
    };
    let sex = match proto::Sex::try_from(request.patient_sex) {
        Ok(proto::Sex::Female) => Some(Sex::Female),
        Ok(proto::Sex::Male) => Some(Sex::Male),
        Ok(proto::Sex::Unspecified | proto::Sex::Unknown) => None,
        Err(_) => {
            add(format!("{prefix}patient_sex"), format!("unknown sex {}", request.patient_sex));
            None
        }
    };
    if request.diagnoses.is_empty() && request.lines.is_empty() {
        add(format!("{prefix}diagnoses"), "a claim needs diagnoses or lines".into());
    }
    for (field, count, max) in [
        ("diagnoses", request.diagnoses.len(), MAX_DIAGNOSES),
        ("lines", request.lines.len(), MAX_LINES),
        ("procedures", request.procedures.len(), MAX_PROCEDURES),
    ] {
        if count > max {
            add(format!("{prefix}{field}"), format!("at most {max} (got {count})"));
        }
    }
    for (index, code) in request.diagnoses.iter().enumerate().take(MAX_DIAGNOSES) {
        if code.chars().count() > MAX_CODE_CHARS {
            add(format!("{prefix}diagnoses[{index}]"), "is too long to be a code".into());
        }
    }
    for (index, code) in request.procedures.iter().enumerate().take(MAX_PROCEDURES) {
        if code.chars().count() > MAX_CODE_CHARS {
            add(format!("{prefix}procedures[{index}]"), "is too long to be a code".into());
        }
    }
    if request.admitting_diagnosis.chars().count() > MAX_CODE_CHARS {
        add(format!("{prefix}admitting_diagnosis"), "is too long to be a code".into());
    }
    let mut lines = Vec::with_capacity(request.lines.len().min(MAX_LINES));
    for (index, line) in request.lines.iter().enumerate().take(MAX_LINES) {
        let field = |name: &str| format!("{prefix}lines[{index}].{name}");
        let system = match proto::CodeSystem::try_from(line.system) {
            Ok(proto::CodeSystem::Cpt) => Some(CodeSystem::Cpt),
            Ok(proto::CodeSystem::Hcpcs) => Some(CodeSystem::Hcpcs),
            Ok(_) => {
                add(field("system"), "must be CODE_SYSTEM_CPT or CODE_SYSTEM_HCPCS".into());
                None
            }
            Err(_) => {
                add(field("system"), format!("unknown code system {}", line.system));
                None
            }
        };
        if line.code.chars().count() > MAX_CODE_CHARS {
            add(field("code"), "is too long to be a code".into());
        }
        if line.modifiers.len() > MAX_MODIFIERS {
            add(field("modifiers"), format!("at most {MAX_MODIFIERS} (got {})", line.modifiers.len()));
        }
        if line.modifiers.iter().any(|m| m.chars().count() > 8) {
            add(field("modifiers"), "a modifier is two characters".into());
        }
        let units = match line.units {
            0 => 1,
            units if (1..=MAX_UNITS).contains(&units) => units as u32,
            units => {
                add(field("units"), format!("must be between 1 and {MAX_UNITS} (got {units})"));
                1
            }
        };
        let line_date = if line.date_of_service.trim().is_empty() {
            date_of_service
        } else {
            parse_date(&line.date_of_service).or_else(|| {
                add(field("date_of_service"), DATE_FORMAT.into());
                None
            })
        };
        for (pointer_index, &pointer) in line.diagnosis_pointers.iter().enumerate() {
            if pointer < 1 || pointer as usize > request.diagnoses.len() {
                add(
                    field(&format!("diagnosis_pointers[{pointer_index}]")),
                    format!("must point at one of the {} diagnoses (1-based)", request.diagnoses.len()),
                );
            }
        }
        if let (Some(system), Some(line_date)) = (system, line_date) {
            lines.push(claim::ServiceLine {
                system,
                code: line.code.clone(),
                modifiers: line.modifiers.clone(),
                units,
                date_of_service: line_date,
            });
        }
    }
    let (Some(claim_type), Some(date_of_service), true) = (claim_type, date_of_service, violations.is_empty()) else {
        return Err(ApiError::InvalidArgument(violations));
    };
    let admitting = request.admitting_diagnosis.trim();
    Ok(Claim {
        claim_type,
        date_of_service,
        patient: Patient { age, sex },
        diagnoses: request.diagnoses.clone(),
        admitting_diagnosis: (!admitting.is_empty()).then(|| admitting.to_string()),
        lines,
        procedures: request.procedures.clone(),
    })
}

fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text).ok()
}

/// Whole years from `birth` to `on`, when 0 to 124.
fn age_on(birth: Date, on: Date) -> Option<u8> {
    let ((by, bm, bd), (oy, om, od)) = (birth.ymd(), on.ymd());
    let mut years = oy - by;
    if (om, od) < (bm, bd) {
        years -= 1;
    }
    (0..=MAX_AGE).contains(&years).then_some(years as u8)
}

/// A CheckClaims request, checked: 1 to [`MAX_CLAIMS`] claims, each as [`claim`], every
/// violation named with its claim's index.
pub fn claims(request: &proto::CheckClaimsRequest) -> Result<Vec<Claim>, ApiError> {
    let requests = &request.claims;
    if requests.is_empty() || requests.len() > MAX_CLAIMS {
        return Err(ApiError::invalid(
            "claims",
            format!("must hold 1 to {MAX_CLAIMS} claims (got {})", requests.len()),
        ));
    }
    let mut checked = Vec::with_capacity(requests.len());
    let mut violations = Vec::new();
    for (index, request) in requests.iter().enumerate() {
        match claim(request, &format!("claims[{index}].")) {
            Ok(claim) => checked.push(claim),
            Err(ApiError::InvalidArgument(found)) => violations.extend(found),
            Err(other) => return Err(other),
        }
    }
    if violations.is_empty() {
        Ok(checked)
    } else {
        Err(ApiError::InvalidArgument(violations))
    }
}

/// The API form of a report.
pub fn response(report: ClaimReport) -> proto::CheckClaimResponse {
    let rule_set =
        |used: claim::RuleSetUse| proto::RuleSetUse { name: used.name, version: used.version, reason: used.reason };
    proto::CheckClaimResponse {
        edits: report
            .edits
            .into_iter()
            .map(|edit| proto::ClaimEdit {
                r#type: edit_type(edit.kind) as i32,
                severity: match edit.severity {
                    Severity::Error => proto::EditSeverity::Error,
                    Severity::Warning => proto::EditSeverity::Warning,
                } as i32,
                codes: edit.codes,
                positions: edit.positions,
                message: edit.message,
                source: Some(proto::EditSource {
                    rule_set: edit.source.rule_set,
                    version: edit.source.version,
                    text: edit.source.text,
                }),
                modifier_bypasses: edit.bypass.as_ref().is_some_and(|(bypassed, _)| *bypassed),
                bypass_modifiers: edit.bypass.map(|(_, modifiers)| modifiers).unwrap_or_default(),
            })
            .collect(),
        rule_sets: report.applied.into_iter().map(rule_set).collect(),
        rule_sets_unavailable: report.unavailable.into_iter().map(rule_set).collect(),
        hccs: report
            .hccs
            .into_iter()
            .map(|hcc| proto::ClaimHcc {
                model: hcc.model,
                hcc: i32::from(hcc.number),
                label: hcc.label,
                diagnoses: hcc.diagnoses,
                payment_year: hcc.payment_year.to_string(),
            })
            .collect(),
    }
}

fn edit_type(kind: EditKind) -> proto::ClaimEditType {
    match kind {
        EditKind::InvalidCode | EditKind::Mce(FindingKind::InvalidCode) => proto::ClaimEditType::InvalidCode,
        EditKind::DuplicateCode => proto::ClaimEditType::DuplicateCode,
        EditKind::InvalidModifier => proto::ClaimEditType::InvalidModifier,
        EditKind::Excludes1 => proto::ClaimEditType::Excludes1,
        EditKind::CodeFirst => proto::ClaimEditType::CodeFirst,
        EditKind::UseAdditionalCode => proto::ClaimEditType::UseAdditionalCode,
        EditKind::PtpConflict => proto::ClaimEditType::PtpConflict,
        EditKind::MueExceeded => proto::ClaimEditType::MueExceeded,
        EditKind::AddOnWithoutPrimary => proto::ClaimEditType::AddOnWithoutPrimary,
        EditKind::Mce(FindingKind::AgeConflict) => proto::ClaimEditType::AgeConflict,
        EditKind::Mce(FindingKind::SexConflict) => proto::ClaimEditType::SexConflict,
        EditKind::Mce(FindingKind::ManifestationAsPrincipal) => proto::ClaimEditType::ManifestationAsPrincipal,
        EditKind::Mce(FindingKind::ExternalCauseAsPrincipal) => proto::ClaimEditType::ExternalCauseAsPrincipal,
        EditKind::Mce(FindingKind::UnacceptablePrincipal) => proto::ClaimEditType::UnacceptablePrincipal,
        EditKind::Mce(FindingKind::QuestionableAdmission) => proto::ClaimEditType::QuestionableAdmission,
        EditKind::Mce(FindingKind::UnspecifiedCode) => proto::ClaimEditType::UnspecifiedCode,
        EditKind::Mce(FindingKind::NonCovered) => proto::ClaimEditType::NoncoveredProcedure,
        EditKind::Mce(FindingKind::LimitedCoverage) => proto::ClaimEditType::LimitedCoverage,
    }
}
