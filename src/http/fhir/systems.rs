//! The canonical FHIR URLs of the code systems, their implicit value sets
//! (`{system}?fhir_vs`), and which loaded release answers: the version asked for, else the
//! release in force on the date asked for (today when none), never the load order.

use super::error::FhirError;
use crate::codes::{Catalog, CodeSystem, Date, Release};

/// Canonical URL of a code system.
pub fn canonical(system: CodeSystem) -> &'static str {
    match system {
        CodeSystem::Icd10Cm => "http://hl7.org/fhir/sid/icd-10-cm",
        CodeSystem::Icd10Pcs => "http://www.cms.gov/Medicare/Coding/ICD10",
        CodeSystem::Hcpcs => "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        CodeSystem::Cpt => "http://www.ama-assn.org/go/cpt",
    }
}

/// The system of a canonical URL (a `|version` suffix is not part of it).
pub fn from_canonical(url: &str) -> Option<CodeSystem> {
    CodeSystem::ALL.into_iter().find(|&system| canonical(system) == url.trim())
}

/// Human name of a system (`name` of `$lookup`).
pub fn title(system: CodeSystem) -> &'static str {
    match system {
        CodeSystem::Icd10Cm => "ICD-10-CM",
        CodeSystem::Icd10Pcs => "ICD-10-PCS",
        CodeSystem::Hcpcs => "HCPCS Level II",
        CodeSystem::Cpt => "CPT",
    }
}

/// Computer-friendly name of a system (`CodeSystem.name`).
pub fn name(system: CodeSystem) -> &'static str {
    match system {
        CodeSystem::Icd10Cm => "ICD10CM",
        CodeSystem::Icd10Pcs => "ICD10PCS",
        CodeSystem::Hcpcs => "HCPCSLevelII",
        CodeSystem::Cpt => "CPT",
    }
}

/// URL of the implicit value set of all codes of a system.
pub fn value_set_url(system: CodeSystem) -> String {
    format!("{}?fhir_vs", canonical(system))
}

/// The system of an implicit value set URL (`{system}?fhir_vs`, maybe `|version`).
pub fn from_value_set_url(url: &str) -> Option<CodeSystem> {
    let url = url.split_once('|').map_or(url, |(url, _)| url);
    from_canonical(url.trim().strip_suffix("?fhir_vs")?)
}

/// `Resource.id` of a release: `icd10cm-FY2026`.
pub fn resource_id(release: &Release) -> String {
    let version: String = release
        .info
        .version
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '-' })
        .collect();
    format!("{}-{version}", release.info.system.id())
}

/// A system parameter: a canonical URL, with an optional `|version`. Returns the system and
/// the version.
pub fn parse_system<'a>(param: &str, url: &'a str) -> Result<(CodeSystem, Option<&'a str>), FhirError> {
    let (url, version) = match url.split_once('|') {
        Some((url, version)) => (url, Some(version.trim()).filter(|v| !v.is_empty())),
        None => (url, None),
    };
    let system = from_canonical(url).ok_or_else(|| {
        let known: Vec<&str> = CodeSystem::ALL.iter().map(|&s| canonical(s)).collect();
        FhirError::not_found(param, format!("unknown code system {:?} (known: {})", clip(url), known.join(", ")))
    })?;
    Ok((system, version))
}

/// Release asked for: `version` when given (`version_param` names it in errors), else the
/// release in force on `date` (today when none).
pub fn release<'a>(
    catalog: &'a Catalog,
    system: CodeSystem,
    version: Option<&str>,
    version_param: &str,
    date: Option<Date>,
) -> Result<&'a Release, FhirError> {
    if let Some(version) = version {
        return catalog.releases_of(system).find(|release| release.info.version == version).ok_or_else(|| {
            let known: Vec<&str> = catalog.releases_of(system).map(|r| r.info.version.as_str()).collect();
            FhirError::not_found(
                version_param,
                format!("no {} version {:?} is loaded (loaded: {})", title(system), clip(version), known.join(", ")),
            )
        });
    }
    let on = date.unwrap_or_else(Date::today_utc);
    catalog.release_in_force(system, on).ok_or_else(|| {
        let param = if date.is_some() { "date" } else { version_param };
        FhirError::not_found(param, format!("no loaded {} release is in force on {on}", title(system)))
    })
}

/// The date to answer for in `release`: `date` when given, else today when the release is in
/// force today, else its last day (an older release) or its first (a newer one).
pub fn as_of(release: &Release, date: Option<Date>) -> Date {
    if let Some(date) = date {
        return date;
    }
    let today = Date::today_utc();
    if release.in_force_on(today) {
        today
    } else if release.info.effective_from > today {
        release.info.effective_from
    } else {
        release.info.effective_to.unwrap_or(release.info.effective_from)
    }
}

/// Caller text cut short for an error message.
pub fn clip(text: &str) -> String {
    text.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_round_trip() {
        for system in CodeSystem::ALL {
            assert_eq!(from_canonical(canonical(system)), Some(system));
            assert_eq!(from_value_set_url(&value_set_url(system)), Some(system));
        }
        assert_eq!(from_value_set_url("http://hl7.org/fhir/sid/icd-10-cm"), None);
        assert!(matches!(parse_system("system", "http://hl7.org/fhir/sid/icd-10-cm|FY2025"), Ok((_, Some("FY2025")))));
    }
}
