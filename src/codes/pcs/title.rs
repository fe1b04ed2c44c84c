//! Long titles phrased from the axis labels the way CMS phrases them in its order file.
//!
//! Medical and Surgical (section 0, and the fallback for any section without rules) reads
//! "<Operation> of <Body Part> with <Device>, <Qualifier>, <Approach> Approach", where the
//! operation decides the linking words ("Bypass X to Y", "Insertion of D into X", "Removal of D
//! from X", "Extirpation of Matter from X", "Control Bleeding in X", "Release X", ...) and the
//! qualifier decides its place: right after the body part (teeth counts, bifurcation), after
//! "using" (techniques, balloons), after the approach (Diagnostic), or in place of the body part
//! when it names the structure more precisely (Left Atrial Appendage). Other sections have their
//! own patterns, in [`super::title_other`]. "No Device", "No Qualifier" and "None" are left out.
//!
//! Measured against CMS's FY2024 long titles for the 78,577 codes the FY2025 tables share with
//! them, these rules agree exactly on 78,426 (see the test `titles_agree_with_cms_fy2024`).

use super::phrase::{approach, body, device, is_none, qualifier};
use super::{title_other, PcsCode, PcsRow};

/// What the phrasing rules look at for one code.
pub(super) struct Parts<'a> {
    pub(super) section: char,
    pub(super) operation: &'a str,
    pub(super) body_system: &'a str,
    /// Labels at positions 4..7.
    pub(super) labels: [&'a str; 4],
    pub(super) row: &'a PcsRow,
    /// The table holds this one code only (its qualifiers then add nothing).
    pub(super) only_code: bool,
}

/// The long title of `code`.
pub(super) fn long_title(code: &PcsCode<'_>) -> String {
    let parts = Parts {
        section: code.table.section.code,
        operation: &code.table.operation.label,
        body_system: &code.table.body_system.label,
        labels: code.values.map(|value| &*value.label),
        row: code.row,
        only_code: code.table.code_count() == 1,
    };
    match parts.section {
        '1' => title_other::obstetrics(&parts),
        '2' => title_other::placement(&parts),
        '3' => title_other::administration(&parts),
        '4' => title_other::measurement(&parts),
        '5' => title_other::extracorporeal_assistance(&parts),
        '6' => title_other::extracorporeal_therapies(&parts),
        '7' => title_other::osteopathic(&parts),
        '8' => title_other::other_procedures(&parts),
        '9' => title_other::chiropractic(&parts),
        'B' => title_other::imaging(&parts),
        'C' => title_other::nuclear_medicine(&parts),
        'D' => title_other::radiation_therapy(&parts),
        'F' => title_other::rehabilitation(&parts),
        'G' => title_other::mental_health(&parts),
        'H' => title_other::substance_abuse(&parts),
        'X' => title_other::new_technology(&parts),
        _ => medical_surgical(&parts),
    }
}

/// Qualifiers written right after the body part, before a device.
const BEFORE_DEVICE: [&str; 5] = ["Bifurcation", "Single", "Multiple", "All", "Sesamoid Bone(s) 1st Toe"];

/// Qualifiers written after the approach.
const AFTER_APPROACH: [&str; 4] = ["Diagnostic", "Ultrasonic", "Hand-Assisted", "Vertical"];

/// Tooth counts.
const TEETH: [&str; 3] = ["Single", "Multiple", "All"];

/// Qualifiers introduced by "using" (techniques and tools).
const USING: [&str; 5] = [
    "Laser Interstitial Thermal Therapy",
    "Irreversible Electroporation",
    "Drug-Coated Balloon",
    "Stent Retriever",
    "Rapid Deployment Technique",
];

/// Qualifiers naming the structure more precisely than the body part: they replace it.
const REPLACES_BODY_PART: [&str; 7] = [
    "Left Atrial Appendage",
    "Hemorrhoidal Plexus",
    "Ductus Arteriosus",
    "Uterine Artery, Right",
    "Uterine Artery, Left",
    "Prostatic Artery, Right",
    "Prostatic Artery, Left",
];

/// Arch vessels a pulmonary artery is bypassed from.
const ARCH_SOURCES: [&str; 3] = ["Innominate Artery", "Subclavian", "Carotid"];

/// Operations written "<Operation> <Body Part>" without "of".
const WITHOUT_OF: [&str; 6] = ["Map", "Release", "Repair", "Reposition", "Supplement", "Transfer"];

fn with(device: &Option<String>) -> String {
    device.as_ref().map(|device| format!(" with {device}")).unwrap_or_default()
}

/// Medical and Surgical.
pub(super) fn medical_surgical(parts: &Parts<'_>) -> String {
    let [part_label, approach_label, device_label, qualifier_label] = parts.labels;
    let operation = parts.operation;
    let mut part = body(part_label);
    let approach = approach(approach_label);
    let mut device = (!is_none(device_label)).then(|| device(device_label));
    let mut qualifier = (!is_none(qualifier_label)).then(|| qualifier(qualifier_label));
    if REPLACES_BODY_PART.contains(&qualifier_label) {
        if let Some(structure) = qualifier.take() {
            part = structure;
        }
    }
    if qualifier_label == "Biventricular" {
        if let (Some(side), Some(name)) = (&qualifier, &device) {
            device = Some(format!("{side} {name}"));
            qualifier = None;
        }
    }
    let mut flap = None;
    if operation == "Replacement" && qualifier_label.contains("Flap") {
        device = None;
        flap = qualifier.take();
    }
    let target = qualifier.clone().unwrap_or_default();
    match operation {
        "Bypass" if qualifier.is_some() => {
            let arch = part_label.starts_with("Pulmonary") && ARCH_SOURCES.contains(&qualifier_label);
            let preposition = if part_label.starts_with("Coronary Artery") || arch { "from" } else { "to" };
            if arch && device.is_none() {
                device = Some("No Device".to_string());
            }
            return format!("Bypass {part} {preposition} {target}{}, {approach}", with(&device));
        }
        "Creation" if qualifier.is_some() => {
            if qualifier_label.ends_with("Valve") {
                let using = device.map(|device| format!(" using {device}")).unwrap_or_default();
                return format!("Creation of {part} from {target}{using}, {approach}");
            }
            return format!("Creation of {target} in {part}{}, {approach}", with(&device));
        }
        "Transfer" if qualifier.is_some() => {
            if qualifier_label.contains("Flap") {
                return format!("Transfer {part}, {target}, {approach}");
            }
            let link = if qualifier_label.contains("Skin") || qualifier_label.contains("Subcutaneous") {
                "with"
            } else {
                "to"
            };
            return format!("Transfer {part} {link} {target}, {approach}");
        }
        _ => {}
    }
    let mut text = match (operation, device.take()) {
        ("Change", Some(name)) => format!("Change {name} in {part}"),
        ("Insertion", Some(name)) => format!("Insertion of {name} into {part}"),
        ("Removal", Some(name)) => format!("Removal of {name} from {part}"),
        ("Revision", Some(name)) => format!("Revision of {name} in {part}"),
        (_, kept) => {
            device = kept;
            opening(parts, &part)
        }
    };
    let valve_source = ["Valve", "Valve, Left", "Valve, Right"].iter().any(|end| qualifier_label.ends_with(end));
    if matches!(operation, "Repair" | "Supplement") && valve_source {
        if let Some(source) = qualifier.take() {
            text.push_str(&format!(" created from {source}"));
        }
    }
    if BEFORE_DEVICE.contains(&qualifier_label) && !matches!(operation, "Drainage" | "Excision") {
        if let Some(count) = qualifier.take() {
            text.push_str(&format!(", {count}{}", if device.is_some() { "," } else { "" }));
        }
    }
    if let Some(flap) = flap {
        text.push_str(&format!(" using {flap}"));
    }
    if USING.contains(&qualifier_label) {
        if let Some(technique) = qualifier.take() {
            if let Some(name) = device.take() {
                text.push_str(&format!(" with {name},"));
            }
            text.push_str(&format!(" using {technique}"));
        }
    }
    if operation == "Replacement" && qualifier_label.starts_with("Toe, ") {
        if let Some(toe) = qualifier.take() {
            text.push_str(&format!(" with {toe}"));
            if let Some(name) = device.take() {
                text.push_str(&format!(", {name}"));
            }
        }
    }
    text.push_str(&with(&device));
    let after = AFTER_APPROACH.contains(&qualifier_label)
        || (matches!(operation, "Drainage" | "Excision") && TEETH.contains(&qualifier_label));
    match qualifier {
        Some(qualifier) if after => text.push_str(&format!(", {approach}, {qualifier}")),
        Some(qualifier) => text.push_str(&format!(", {qualifier}, {approach}")),
        None => text.push_str(&format!(", {approach}")),
    }
    text
}

/// "Excision of Appendix", "Control Bleeding in Neck", "Release Median Nerve", ...
fn opening(parts: &Parts<'_>, part: &str) -> String {
    let operation = parts.operation;
    let [part_label, _, _, qualifier_label] = parts.labels;
    match operation {
        "Control" => format!("Control Bleeding in {part}"),
        "Extirpation" => format!("Extirpation of Matter from {part}"),
        "Detachment" => format!("Detachment at {part}"),
        "Fragmentation" => {
            let of = parts.row.axes[3].iter().any(|value| &*value.label == "Ultrasonic");
            format!("Fragmentation {} {part}", if of { "of" } else { "in" })
        }
        "Repair" if TEETH.contains(&qualifier_label) => format!("Repair of {part}"),
        "Supplement" if part_label.starts_with("Eye, ") || parts.body_system == "Subcutaneous Tissue and Fascia" => {
            format!("Supplement of {part}")
        }
        "Bypass" => format!("Bypass {part}"),
        _ if WITHOUT_OF.contains(&operation) => format!("{operation} {part}"),
        _ => format!("{operation} of {part}"),
    }
}
