//! The claim both benchmarks check: a chronic-care outpatient claim of 12 diagnoses (diabetes
//! with CKD, hypertension, heart disease, asthma, ...) and 20 service lines (visits, labs,
//! imaging, injections, NCCI sample pairs).

use codify::codes::CodeSystem;

/// The diagnoses, principal first.
pub const DIAGNOSES: [&str; 12] =
    ["E11.22", "I12.9", "N18.4", "Z79.4", "E78.5", "I25.10", "Z95.5", "Z87.891", "J45.909", "F41.1", "G47.33", "E66.9"];

/// The lines: (system, code, modifier or "", units).
pub const LINES: [(CodeSystem, &str, &str, u32); 20] = [
    (CodeSystem::Cpt, "99214", "", 1),
    (CodeSystem::Cpt, "36415", "", 1),
    (CodeSystem::Cpt, "80053", "", 1),
    (CodeSystem::Cpt, "83036", "", 1),
    (CodeSystem::Cpt, "80061", "", 1),
    (CodeSystem::Cpt, "82565", "", 1),
    (CodeSystem::Cpt, "85025", "", 1),
    (CodeSystem::Cpt, "81003", "", 1),
    (CodeSystem::Cpt, "93000", "", 1),
    (CodeSystem::Cpt, "93306", "26", 1),
    (CodeSystem::Cpt, "71046", "", 1),
    (CodeSystem::Cpt, "94010", "", 1),
    (CodeSystem::Cpt, "96372", "", 2),
    (CodeSystem::Cpt, "20610", "RT", 1),
    (CodeSystem::Cpt, "90686", "", 1),
    (CodeSystem::Cpt, "90471", "", 1),
    (CodeSystem::Hcpcs, "G0008", "", 1),
    (CodeSystem::Hcpcs, "J1100", "", 4),
    (CodeSystem::Cpt, "3044F", "", 1),
    (CodeSystem::Cpt, "1036F", "", 1),
];

/// The modifiers of a line: none, or the one given.
pub fn modifiers(modifier: &str) -> Vec<String> {
    if modifier.is_empty() {
        Vec::new()
    } else {
        vec![modifier.to_string()]
    }
}
