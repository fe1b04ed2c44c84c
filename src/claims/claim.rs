//! A claim checked as a whole: the codes of every position valid on their dates of service,
//! duplicates, and the CMS MCE's per-code edits applied by position and claim type. Every
//! edit names its rule set, version and the row behind it; the report also says which rule
//! sets were applied and which had nothing for the claim's dates.

use crate::codes::{display_code, Catalog, CodeSystem, Date, EntryKind, Verdict};

use super::edits::{check_diagnosis, check_procedure, DiagnosisPosition, FindingKind, MceFinding, Patient};
use super::hcc::HccRules;
use super::mce::MceRules;
use super::ncci::{self, NcciRules};
use super::tabular::{self, TabularRule, TabularRules};

/// The kind of claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimType {
    /// Professional.
    Professional,
    /// Institutional outpatient.
    InstitutionalOutpatient,
    /// Institutional inpatient: the MCE applies in full.
    InstitutionalInpatient,
}

/// One service line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLine {
    /// CPT or HCPCS.
    pub system: CodeSystem,
    /// The code as sent.
    pub code: String,
    /// Modifiers as sent.
    pub modifiers: Vec<String>,
    /// Units (at least 1).
    pub units: u32,
    /// The line's date of service.
    pub date_of_service: Date,
}

/// A claim, checked for shape by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The kind of claim.
    pub claim_type: ClaimType,
    /// The claim's date of service.
    pub date_of_service: Date,
    /// What is known of the patient.
    pub patient: Patient,
    /// Diagnoses as sent, in claim order (the first is the principal / first-listed one).
    pub diagnoses: Vec<String>,
    /// Admitting diagnosis as sent.
    pub admitting_diagnosis: Option<String>,
    /// Service lines.
    pub lines: Vec<ServiceLine>,
    /// ICD-10-PCS procedures as sent.
    pub procedures: Vec<String>,
}

/// What an edit found (the API's `ClaimEditType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EditKind {
    /// Not valid on the date of service.
    InvalidCode,
    /// The same code twice.
    DuplicateCode,
    /// An MCE finding.
    Mce(FindingKind),
    /// A modifier that no CPT or HCPCS release in force knows.
    InvalidModifier,
    /// Two diagnoses an Excludes1 note says are never coded together.
    Excludes1,
    /// A "code first" note not followed.
    CodeFirst,
    /// A "use additional code" note with none of its codes on the claim.
    UseAdditionalCode,
    /// A procedure pair NCCI bundles.
    PtpConflict,
    /// More units than the MUE allows.
    MueExceeded,
    /// An add-on code without any of its primary codes.
    AddOnWithoutPrimary,
}

/// How serious an edit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The claim would be rejected or denied as it stands.
    Error,
    /// Review.
    Warning,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// What was found.
    pub kind: EditKind,
    /// How serious it is.
    pub severity: Severity,
    /// Codes involved, in display form.
    pub codes: Vec<String>,
    /// Their positions (`diagnoses[0]`, `lines[2]`, `procedures[1]`).
    pub positions: Vec<String>,
    /// A human message.
    pub message: String,
    /// Rule set, version and the row behind the edit.
    pub source: EditSource,
    /// For PTP edits: whether a modifier on the claim bypasses the edit, and the modifiers
    /// that would.
    pub bypass: Option<(bool, Vec<String>)>,
}

/// The rule behind an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditSource {
    /// Rule set name.
    pub rule_set: String,
    /// Its version.
    pub version: String,
    /// The exact row or text.
    pub text: String,
}

/// A rule set used on a claim, or not (with why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetUse {
    /// Name.
    pub name: String,
    /// Version (empty when unavailable).
    pub version: String,
    /// Why not applied (unavailable ones only).
    pub reason: String,
}

/// The answer for one claim.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimReport {
    /// Every edit, in claim order.
    pub edits: Vec<Edit>,
    /// Rule sets applied.
    pub applied: Vec<RuleSetUse>,
    /// Rule sets that had nothing for the claim.
    pub unavailable: Vec<RuleSetUse>,
    /// HCCs of the valid diagnoses, per model, after the hierarchies.
    pub hccs: Vec<ClaimHcc>,
}

/// One HCC a claim's diagnoses map to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimHcc {
    /// The model's name.
    pub model: String,
    /// The category number.
    pub number: u16,
    /// Its label.
    pub label: String,
    /// The diagnoses (display form) that map to it.
    pub diagnoses: Vec<String>,
    /// The payment year.
    pub payment_year: u16,
}

/// The rule set name of code validity (the loaded code-set releases).
pub const VALIDITY_RULES: &str = "codify-validity";
/// The rule set name of the CMS Medicare Code Editor.
pub const MCE_RULES: &str = "cms-mce";

/// The rule set name of the ICD-10-CM tabular notes (Excludes1, code first, use additional).
pub const TABULAR_RULES: &str = "icd10cm-tabular-notes";

/// The rule set name of the CMS-HCC mappings.
pub const HCC_RULES: &str = "cms-hcc";

/// The rule set name of the NCCI edits.
pub const NCCI_RULES: &str = "cms-ncci";

/// The rule sets a claim is checked against.
#[derive(Debug, Clone, Default)]
pub struct ClaimRules {
    /// The MCE, when loaded.
    pub mce: Option<MceRules>,
    /// The tabular-note rules of each ICD-10-CM release that carries notes.
    pub tabular: Vec<TabularRules>,
    /// The NCCI edits (the operator's CMS quarterly files, or the project's sample).
    pub ncci: Option<NcciRules>,
    /// The CMS-HCC mappings of a payment year.
    pub hcc: Option<HccRules>,
}

impl ClaimRules {
    /// Builds the tabular-note rules of every ICD-10-CM release of `catalog` with notes.
    pub fn with_tabular_notes(self, catalog: &Catalog) -> ClaimRules {
        let tabular = catalog
            .releases_of(CodeSystem::Icd10Cm)
            .map(TabularRules::new)
            .filter(|rules| rules.rule_count() > 0)
            .collect();
        ClaimRules { tabular, ..self }
    }
}

/// Checks `claim` against the code releases of `catalog` and `rules`.
pub fn check_claim(catalog: &Catalog, rules: &ClaimRules, claim: &Claim) -> ClaimReport {
    let mut report = ClaimReport::default();
    let validity_versions: Vec<String> = CodeSystem::ALL
        .iter()
        .filter_map(|&system| catalog.release_in_force(system, claim.date_of_service))
        .map(|release| format!("{} {}", release.info.system, release.info.version))
        .collect();
    report.applied.push(RuleSetUse {
        name: VALIDITY_RULES.to_string(),
        version: validity_versions.join(", "),
        reason: String::new(),
    });
    let diagnoses = check_validity(catalog, claim, &mut report);
    let procedures = check_procedures(catalog, claim, &mut report);
    check_duplicates(&diagnoses, &mut report);
    check_modifiers(catalog, claim, &mut report);
    check_tabular(catalog, rules, claim, &diagnoses, &mut report);
    check_ncci(rules, claim, &mut report);
    assign_hccs(rules, &diagnoses, &mut report);
    match rules.mce.as_ref().filter(|mce| mce_covers(mce, claim.date_of_service)) {
        Some(mce) => {
            report.applied.push(RuleSetUse { name: MCE_RULES.into(), version: mce.version(), reason: String::new() });
            check_mce(mce, claim, &diagnoses, &procedures, &mut report);
        }
        None => report.unavailable.push(RuleSetUse {
            name: MCE_RULES.into(),
            version: rules.mce.as_ref().map(MceRules::version).unwrap_or_default(),
            reason: match &rules.mce {
                Some(mce) => format!("the loaded MCE {} ends {}", mce.version(), mce.termination_date()),
                None => "no MCE release is loaded".to_string(),
            },
        }),
    }
    report
}

fn check_tabular(
    catalog: &Catalog,
    rules: &ClaimRules,
    claim: &Claim,
    diagnoses: &[Option<String>],
    report: &mut ClaimReport,
) {
    let release = catalog.release_in_force(CodeSystem::Icd10Cm, claim.date_of_service);
    let tabular = release.and_then(|release| rules.tabular.iter().find(|rules| rules.built_from(release)));
    let (Some(release), Some(tabular)) = (release, tabular) else {
        report.unavailable.push(RuleSetUse {
            name: TABULAR_RULES.into(),
            version: release.map(|r| r.info.version.clone()).unwrap_or_default(),
            reason: "the ICD-10-CM release in force carries no tabular notes (an order-file release)".into(),
        });
        return;
    };
    report.applied.push(RuleSetUse {
        name: TABULAR_RULES.into(),
        version: release.info.version.clone(),
        reason: String::new(),
    });
    let codes: Vec<&str> = diagnoses.iter().map(|code| code.as_deref().unwrap_or("")).collect();
    let Ok(findings) = tabular::check_claim(tabular, release, &codes) else {
        return;
    };
    for finding in findings.iter().filter(|finding| !finding.optional) {
        let (kind, severity, what) = match finding.rule {
            TabularRule::Excludes1 => (EditKind::Excludes1, Severity::Error, "are never coded together (Excludes1)"),
            TabularRule::CodeFirstAfter => {
                (EditKind::CodeFirst, Severity::Error, "is listed before the etiology its note says to code first")
            }
            TabularRule::CodeFirstMissing => (
                EditKind::CodeFirst,
                Severity::Warning,
                "has a \"code first\" note and none of its codes is on the claim",
            ),
            TabularRule::UseAdditionalCodeMissing => (
                EditKind::UseAdditionalCode,
                Severity::Warning,
                "has a \"use additional code\" note and none of its codes is on the claim",
            ),
        };
        let mut involved = vec![&finding.code];
        if finding.rule != TabularRule::UseAdditionalCodeMissing && finding.rule != TabularRule::CodeFirstMissing {
            involved.extend(finding.other.as_ref());
        }
        let codes: Vec<String> = involved.iter().map(|c| display_code(CodeSystem::Icd10Cm, &c.code)).collect();
        let positions: Vec<String> = involved.iter().map(|c| format!("diagnoses[{}]", c.position)).collect();
        let notes: Vec<String> = finding
            .notes
            .iter()
            .map(|note| format!("{} {:?}: {:?}", display_code(CodeSystem::Icd10Cm, note.source), note.kind, note.text))
            .collect();
        report.edits.push(Edit {
            bypass: None,
            kind,
            severity,
            message: format!("{} {what}", codes.join(" and ")),
            codes,
            positions,
            source: EditSource {
                rule_set: TABULAR_RULES.into(),
                version: release.info.version.clone(),
                text: notes.join("; "),
            },
        });
    }
}

fn assign_hccs(rules: &ClaimRules, diagnoses: &[Option<String>], report: &mut ClaimReport) {
    let Some(hcc) = &rules.hcc else {
        report.unavailable.push(RuleSetUse {
            name: HCC_RULES.into(),
            version: String::new(),
            reason: "no CMS-HCC mappings are loaded".into(),
        });
        return;
    };
    report.applied.push(RuleSetUse {
        name: HCC_RULES.into(),
        version: format!("PY{}", hcc.year()),
        reason: String::new(),
    });
    let codes: Vec<&str> = diagnoses.iter().flatten().map(String::as_str).collect();
    for model in hcc.assign(&codes).models {
        for kept in model.kept {
            report.hccs.push(ClaimHcc {
                model: model.model.name().to_string(),
                number: kept.hcc.number,
                label: kept.hcc.label.to_string(),
                diagnoses: kept.diagnoses.iter().map(|code| display_code(CodeSystem::Icd10Cm, code)).collect(),
                payment_year: hcc.year(),
            });
        }
    }
}

fn check_ncci(rules: &ClaimRules, claim: &Claim, report: &mut ClaimReport) {
    let Some(ncci) = &rules.ncci else {
        report.unavailable.push(RuleSetUse {
            name: NCCI_RULES.into(),
            version: String::new(),
            reason: "no NCCI tables are loaded".into(),
        });
        return;
    };
    let claim_type = match claim.claim_type {
        ClaimType::Professional => ncci::ClaimType::Practitioner,
        ClaimType::InstitutionalOutpatient => ncci::ClaimType::OutpatientHospital,
        ClaimType::InstitutionalInpatient => {
            report.unavailable.push(RuleSetUse {
                name: NCCI_RULES.into(),
                version: ncci.version().to_string(),
                reason: "NCCI edits apply to practitioner and outpatient hospital claims".into(),
            });
            return;
        }
    };
    report.applied.push(RuleSetUse {
        name: NCCI_RULES.into(),
        version: ncci.version().to_string(),
        reason: String::new(),
    });
    let lines: Vec<ncci::ClaimLine<'_>> = claim
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| ncci::ClaimLine {
            position: index + 1,
            code: &line.code,
            modifiers: &line.modifiers,
            units: line.units,
            date_of_service: line.date_of_service,
        })
        .collect();
    for finding in ncci.check_claim(claim_type, &lines) {
        let positions: Vec<String> = finding.lines().iter().map(|line| format!("lines[{}]", line - 1)).collect();
        let (kind, severity, codes, bypass) = match &finding {
            ncci::NcciFinding::Ptp(ptp) => (
                EditKind::PtpConflict,
                if ptp.bypassed { Severity::Warning } else { Severity::Error },
                vec![ptp.column1_code.to_string(), ptp.column2_code.to_string()],
                Some((ptp.bypassed, ptp.bypass_modifiers.iter().map(|m| m.to_string()).collect())),
            ),
            ncci::NcciFinding::Mue(mue) => (EditKind::MueExceeded, Severity::Error, vec![mue.code.to_string()], None),
            ncci::NcciFinding::AddOn(add_on) => {
                (EditKind::AddOnWithoutPrimary, Severity::Error, vec![add_on.add_on_code.to_string()], None)
            }
        };
        let message = finding.to_string();
        let message = message.split(": ").next().unwrap_or_default().to_string();
        report.edits.push(Edit {
            kind,
            severity,
            codes,
            positions,
            message,
            source: EditSource {
                rule_set: NCCI_RULES.into(),
                version: ncci.version().to_string(),
                text: finding.rule_row().to_string(),
            },
            bypass,
        });
    }
}

/// The first day the MCE data covers (ICD-10 implementation).
fn mce_first_day() -> Date {
    Date::from_ymd(2015, 10, 1).unwrap_or_else(Date::today_utc)
}

fn mce_covers(mce: &MceRules, date: Date) -> bool {
    date >= mce_first_day() && date <= mce.termination_date()
}

/// Checks every code's validity; returns the normalised diagnoses (None when invalid).
fn check_validity(catalog: &Catalog, claim: &Claim, report: &mut ClaimReport) -> Vec<Option<String>> {
    let mut diagnoses = Vec::with_capacity(claim.diagnoses.len());
    for (index, code) in claim.diagnoses.iter().enumerate() {
        let position = format!("diagnoses[{index}]");
        diagnoses.push(valid_code(catalog, CodeSystem::Icd10Cm, code, claim.date_of_service, &position, report));
    }
    if let Some(code) = &claim.admitting_diagnosis {
        valid_code(catalog, CodeSystem::Icd10Cm, code, claim.date_of_service, "admitting_diagnosis", report);
    }
    for (index, line) in claim.lines.iter().enumerate() {
        let position = format!("lines[{index}]");
        valid_code(catalog, line.system, &line.code, line.date_of_service, &position, report);
    }
    diagnoses
}

/// The claim's ICD-10-PCS procedures checked against the release in force (each position
/// of an invalid code explained); `None` for an invalid one. Without a PCS release for the
/// date, the procedures go to the MCE as sent, which judges them by its own code list.
fn check_procedures(catalog: &Catalog, claim: &Claim, report: &mut ClaimReport) -> Vec<Option<String>> {
    if catalog.release_in_force(CodeSystem::Icd10Pcs, claim.date_of_service).is_none() {
        return claim.procedures.iter().map(|code| Some(code.trim().to_ascii_uppercase())).collect();
    }
    claim
        .procedures
        .iter()
        .enumerate()
        .map(|(index, code)| {
            let position = format!("procedures[{index}]");
            valid_code(catalog, CodeSystem::Icd10Pcs, code, claim.date_of_service, &position, report)
        })
        .collect()
}

fn valid_code(
    catalog: &Catalog,
    system: CodeSystem,
    code: &str,
    date: Date,
    position: &str,
    report: &mut ClaimReport,
) -> Option<String> {
    let validation = catalog.validate(system, code, date);
    let shown = validation.normalized.as_deref().map_or_else(|| short(code), |c| display_code(system, c));
    let reason = match &validation.verdict {
        Verdict::Valid => return validation.normalized,
        Verdict::Malformed => format!("is not a well-formed {system} code"),
        Verdict::Unknown => match &validation.pcs_invalid {
            Some(invalid) => format!("is not a {system} code: position {}: {}", invalid.position, invalid.reason),
            None => format!("is not in any loaded {system} release"),
        },
        Verdict::NotBillable { children } => {
            let more: Vec<String> = children.iter().take(5).map(|c| display_code(system, c)).collect();
            format!("is a header; report a more specific code ({})", more.join(", "))
        }
        Verdict::Terminated { last_day, .. } => format!("was terminated; last valid day {last_day}"),
        Verdict::NotYetEffective { first_day } => format!("is not in force until {first_day}"),
        Verdict::NoRelease => format!("has no loaded {system} release for {date}"),
    };
    let version = validation.release_in_force.map(|release| release.info.version.clone()).unwrap_or_default();
    report.edits.push(Edit {
        bypass: None,
        kind: EditKind::InvalidCode,
        severity: Severity::Error,
        codes: vec![shown.clone()],
        positions: vec![position.to_string()],
        message: format!("{shown} {reason} (date of service {date})"),
        source: EditSource {
            rule_set: VALIDITY_RULES.into(),
            version: format!("{system} {version}"),
            text: format!("{system} {version}: {shown} {reason}"),
        },
    });
    None
}

/// A caller's code cut short for messages.
fn short(code: &str) -> String {
    code.trim().chars().take(16).collect()
}

fn check_duplicates(diagnoses: &[Option<String>], report: &mut ClaimReport) {
    for (index, code) in diagnoses.iter().enumerate() {
        let Some(code) = code else { continue };
        let Some(first) = diagnoses[..index].iter().position(|earlier| earlier.as_deref() == Some(code.as_str()))
        else {
            continue;
        };
        let shown = display_code(CodeSystem::Icd10Cm, code);
        let of_principal = first == 0;
        report.edits.push(Edit {
            bypass: None,
            kind: EditKind::DuplicateCode,
            severity: if of_principal { Severity::Error } else { Severity::Warning },
            codes: vec![shown.clone()],
            positions: vec![format!("diagnoses[{first}]"), format!("diagnoses[{index}]")],
            message: if of_principal {
                format!("{shown} is listed again as a secondary diagnosis (duplicate of the principal diagnosis)")
            } else {
                format!("{shown} is listed twice")
            },
            source: EditSource {
                rule_set: VALIDITY_RULES.into(),
                version: String::new(),
                text: format!("diagnoses[{first}] = diagnoses[{index}] = {shown}"),
            },
        });
    }
}

fn check_modifiers(catalog: &Catalog, claim: &Claim, report: &mut ClaimReport) {
    for (index, line) in claim.lines.iter().enumerate() {
        for modifier in &line.modifiers {
            let normalized = modifier.trim().to_ascii_uppercase();
            let known = [CodeSystem::Cpt, CodeSystem::Hcpcs].iter().any(|&system| {
                catalog
                    .release_in_force(system, line.date_of_service)
                    .and_then(|release| release.entry(&normalized))
                    .is_some_and(|entry| entry.kind == EntryKind::Modifier)
            });
            if known {
                continue;
            }
            let shown = short(modifier);
            report.edits.push(Edit {
                bypass: None,
                kind: EditKind::InvalidModifier,
                severity: Severity::Error,
                codes: vec![display_code(line.system, &line.code), shown.clone()],
                positions: vec![format!("lines[{index}]")],
                message: format!(
                    "modifier {shown:?} is not a CPT or HCPCS modifier in force on {}",
                    line.date_of_service
                ),
                source: EditSource {
                    rule_set: VALIDITY_RULES.into(),
                    version: String::new(),
                    text: format!("no CPT or HCPCS modifier {shown:?} in the releases in force"),
                },
            });
        }
    }
}

/// Where CMS and the Official Guidelines apply each MCE edit: the MCE is defined for
/// inpatient claims; manifestation and external cause codes may never be first-listed in any
/// setting, and age and sex conflicts are conflicts in any setting.
fn mce_applies(kind: FindingKind, claim_type: ClaimType) -> bool {
    match kind {
        FindingKind::ManifestationAsPrincipal
        | FindingKind::ExternalCauseAsPrincipal
        | FindingKind::AgeConflict
        | FindingKind::SexConflict => true,
        FindingKind::UnacceptablePrincipal
        | FindingKind::QuestionableAdmission
        | FindingKind::UnspecifiedCode
        | FindingKind::NonCovered
        | FindingKind::LimitedCoverage => claim_type == ClaimType::InstitutionalInpatient,
        // Code validity is judged against the code releases, not the MCE's own list.
        FindingKind::InvalidCode => false,
    }
}

/// The severity of each MCE edit.
pub fn mce_severity(kind: FindingKind) -> Severity {
    match kind {
        FindingKind::QuestionableAdmission | FindingKind::UnspecifiedCode | FindingKind::LimitedCoverage => {
            Severity::Warning
        }
        _ => Severity::Error,
    }
}

fn check_mce(
    mce: &MceRules,
    claim: &Claim,
    diagnoses: &[Option<String>],
    procedures: &[Option<String>],
    report: &mut ClaimReport,
) {
    for (index, code) in diagnoses.iter().enumerate() {
        let Some(code) = code else { continue };
        let position = if index == 0 { DiagnosisPosition::Principal } else { DiagnosisPosition::Secondary };
        let findings = check_diagnosis(mce, code, claim.date_of_service, claim.patient, position);
        let shown = display_code(CodeSystem::Icd10Cm, code);
        push_mce(mce, claim.claim_type, &findings, &shown, &format!("diagnoses[{index}]"), report);
    }
    if claim.claim_type != ClaimType::InstitutionalInpatient {
        return;
    }
    for (index, code) in procedures.iter().enumerate() {
        let Some(code) = code else { continue };
        let findings = check_procedure(mce, code, claim.date_of_service, claim.patient);
        push_mce(mce, claim.claim_type, &findings, &short(code), &format!("procedures[{index}]"), report);
    }
}

fn push_mce(
    mce: &MceRules,
    claim_type: ClaimType,
    findings: &[MceFinding],
    shown: &str,
    position: &str,
    report: &mut ClaimReport,
) {
    for finding in findings.iter().filter(|finding| mce_applies(finding.kind, claim_type)) {
        report.edits.push(Edit {
            bypass: None,
            kind: EditKind::Mce(finding.kind),
            severity: mce_severity(finding.kind),
            codes: vec![shown.to_string()],
            positions: vec![position.to_string()],
            message: format!("{shown}: {}", mce_message(finding.kind)),
            source: EditSource { rule_set: MCE_RULES.into(), version: mce.version(), text: finding.rule_row.clone() },
        });
    }
}

fn mce_message(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::InvalidCode => "not a valid code for the MCE on the date of service",
        FindingKind::AgeConflict => "the patient's age is outside the code's age group",
        FindingKind::SexConflict => "the code is for the other sex",
        FindingKind::ManifestationAsPrincipal => {
            "a manifestation code may not be the principal / first-listed diagnosis: code the etiology first"
        }
        FindingKind::ExternalCauseAsPrincipal => {
            "an external cause code may not be the principal / first-listed diagnosis"
        }
        FindingKind::UnacceptablePrincipal => "not acceptable as principal diagnosis",
        FindingKind::QuestionableAdmission => {
            "as principal diagnosis it does not by itself justify an inpatient admission"
        }
        FindingKind::UnspecifiedCode => "an unspecified code where a more specific one is available",
        FindingKind::NonCovered => "a procedure Medicare does not cover",
        FindingKind::LimitedCoverage => "a procedure Medicare covers only in some circumstances",
    }
}
