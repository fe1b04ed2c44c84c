//! Long-title patterns of the sections other than Medical and Surgical, e.g.
//! Placement "Immobilization of Right Upper Arm using Splint", Administration "Introduction of
//! Insulin into Peripheral Vein, Percutaneous Approach", Imaging "Fluoroscopy of Right Renal Vein
//! using Other Contrast, Guidance", Radiation Therapy "High Dose Rate (HDR) Brachytherapy of
//! Rectum using Iodine 125 (I-125)", Rehabilitation "Muscle Performance Assessment of ... using
//! Orthosis", Substance Abuse "Group Counseling for Substance Abuse Treatment, Cognitive",
//! New Technology "Fusion of Lumbar Vertebral Joint using ..., Open Approach, New Technology Group 7".

use super::phrase::{approach, body, device, equipment, is_none, qualifier, region, reverse};
use super::title::{medical_surgical, Parts};

fn some(label: &str, phrase: impl Fn(&str) -> String) -> Option<String> {
    (!is_none(label)).then(|| phrase(label))
}

fn comma(value: &Option<String>) -> String {
    value.as_ref().map(|value| format!(", {value}")).unwrap_or_default()
}

/// ", External Approach" unless the approach is External and the pattern leaves it out.
fn approach_unless_external(label: &str) -> String {
    if label == "External" {
        String::new()
    } else {
        format!(", {}", approach(label))
    }
}

/// Section 1: like Medical and Surgical, with the qualifier as the object of some operations.
pub(super) fn obstetrics(parts: &Parts<'_>) -> String {
    let [part_label, approach_label, device_label, qualifier_label] = parts.labels;
    let part = body(part_label);
    let approach = approach(approach_label);
    let with = some(device_label, device).map(|name| format!(" with {name}")).unwrap_or_default();
    match (parts.operation, some(qualifier_label, qualifier)) {
        ("Drainage", Some(fluid)) => format!("Drainage of {fluid} from {part}, {approach}"),
        ("Repair", Some(system)) => format!("Repair {system} in {part}{with}, {approach}"),
        ("Transplantation", Some(system)) => format!("Transplantation of {system} into {part}, {approach}"),
        ("Extraction", Some(manual)) if qualifier_label == "Manual" => {
            format!("{manual} Extraction of {part}, {approach}")
        }
        _ => medical_surgical(parts),
    }
}

/// Section 2: "Immobilization of X using Splint", "Change D on X"; no approach.
pub(super) fn placement(parts: &Parts<'_>) -> String {
    let [part_label, _, device_label, _] = parts.labels;
    let part = body(part_label);
    let device = some(device_label, device);
    let orifice = parts.body_system.starts_with("Anatomical Orifices");
    let name = device.clone().unwrap_or_default();
    match parts.operation {
        "Change" if orifice => format!("Change {part} {name}"),
        "Change" => format!("Change {name} on {part}"),
        "Removal" if orifice => format!("Removal of {part} {name}"),
        "Removal" => format!("Removal of {name} on {part}"),
        operation => {
            let using = device.map(|name| format!(" using {name}")).unwrap_or_default();
            format!("{operation} of {}{using}", region(&part))
        }
    }
}

/// Qualifiers of Introduction written before the substance ("Autologous Pancreatic Islet Cells").
const BEFORE_SUBSTANCE: [&str; 4] = ["Autologous", "Nonautologous", "Hyperthermic", "Nitric Oxide"];

/// Section 3: "Introduction of S into X", "Irrigation of X using S", "Transfusion of Q S into X".
pub(super) fn administration(parts: &Parts<'_>) -> String {
    let [part_label, approach_label, substance_label, qualifier_label] = parts.labels;
    let part = if is_none(part_label) { parts.body_system.to_string() } else { body(part_label) };
    let approach = approach(approach_label);
    let substance = some(substance_label, body).unwrap_or_default();
    let detail = some(qualifier_label, |label| label.replace(", ", " "));
    match parts.operation {
        "Introduction" => {
            let what = match detail {
                None => substance,
                Some(_) if qualifier_label == "Other Substance" => substance,
                Some(detail) if BEFORE_SUBSTANCE.contains(&qualifier_label) => format!("{detail} {substance}"),
                Some(detail) if qualifier_label == "Blood Brain Barrier Disruption" => format!("{detail} Substance"),
                Some(detail) if qualifier_label == "Monoclonal Antibody" => format!("{substance}, {detail},"),
                Some(detail) => detail,
            };
            format!("Introduction of {what} into {part}, {approach}")
        }
        "Irrigation" => {
            let tail = approach_unless_external(approach_label);
            format!("Irrigation of {part} using {substance}{tail}{}", comma(&detail))
        }
        "Transfusion" => {
            let what = detail.map(|detail| format!("{detail} {substance}")).unwrap_or(substance);
            format!("Transfusion of {what} into {part}, {approach}")
        }
        _ => medical_surgical(parts),
    }
}

/// Section 4: "Measurement of Arterial Flow, Peripheral, External Approach".
pub(super) fn measurement(parts: &Parts<'_>) -> String {
    let [system_label, approach_label, function, qualifier_label] = parts.labels;
    let mut system = some(system_label, body);
    let mut detail = some(qualifier_label, qualifier);
    if qualifier_label == "Intracranial" {
        system = detail.take();
    }
    let mut text = match system {
        Some(system) => format!("{} of {system} {function}", parts.operation),
        None => format!("{} of {function}", parts.operation),
    };
    if let Some(detail) = detail {
        let using = matches!(qualifier_label, "Wireless Sensor" | "Indocyanine Green Dye");
        text.push_str(&if using { format!(" using {detail}") } else { format!(", {detail}") });
    }
    format!("{text}, {}", approach(approach_label))
}

/// Section 5: "Assistance with Cardiac Output using Balloon Pump, Continuous".
pub(super) fn extracorporeal_assistance(parts: &Parts<'_>) -> String {
    let [system_label, duration, function, qualifier_label] = parts.labels;
    let system = body(system_label);
    let detail = some(qualifier_label, qualifier);
    match parts.operation {
        "Assistance" => {
            if let (Some(detail), "Hyperbaric") = (&detail, qualifier_label) {
                return format!("Extracorporeal {detail} {function}, {duration}");
            }
            let text = format!("Assistance with {system} {function}");
            match detail {
                Some(detail) if system_label == "Cardiac" => format!("{text} using {detail}, {duration}"),
                detail => format!("{text}, {duration}{}", comma(&detail)),
            }
        }
        "Performance" if system_label == "Circulatory" => {
            let when = if duration == "Continuous" { String::new() } else { format!(", {duration}") };
            format!("Extracorporeal {function}{}{when}", comma(&detail))
        }
        "Performance" if system_label == "Respiratory" => format!("{system} {function}, {duration}{}", comma(&detail)),
        operation => format!("{operation} of {system} {function}, {duration}{}", comma(&detail)),
    }
}

/// Section 6: "Pheresis of Platelets, Single", "Phototherapy of Skin, Single", "Decompression, Circulatory, Single".
pub(super) fn extracorporeal_therapies(parts: &Parts<'_>) -> String {
    let [system_label, duration, first_label, qualifier_label] = parts.labels;
    let operation = parts.operation;
    let system = some(system_label, body);
    match (some(qualifier_label, qualifier), some(first_label, body), system) {
        (Some(what), _, _) => format!("{operation} of {what}, {duration}"),
        (None, Some(what), system) => format!("{operation} of {} {what}, {duration}", system.unwrap_or_default()),
        (None, None, None) => format!("{operation}, {duration}"),
        (None, None, Some(system)) if system_label == "Skin" => format!("{operation} of {system}, {duration}"),
        (None, None, Some(system)) => format!("{operation}, {system}, {duration}"),
    }
}

/// Section 7: "Osteopathic Treatment of Cervical Region using Indirect Forces".
pub(super) fn osteopathic(parts: &Parts<'_>) -> String {
    let [region_label, _, method, _] = parts.labels;
    let forces = method.contains('-') || matches!(method, "Direct" | "Indirect");
    let method = if forces { format!("{method} Forces") } else { method.to_string() };
    format!("Osteopathic Treatment of {} using {method}", region(&body(region_label)))
}

/// Section 8: "Fluorescence Guided Procedure of Trunk Region using Pafolacianine, Percutaneous Approach".
pub(super) fn other_procedures(parts: &Parts<'_>) -> String {
    let [region_label, approach_label, method, qualifier_label] = parts.labels;
    let place = some(region_label, body);
    let detail = some(qualifier_label, qualifier);
    if method == "Collection" {
        let what = detail.unwrap_or_default();
        return match place {
            Some(place) if parts.body_system == "Indwelling Device" => {
                format!("Collection of {what} from {} in {place}", parts.body_system)
            }
            _ => format!("{what} Collection"),
        };
    }
    let Some(place) = place else {
        return match detail {
            Some(detail) if method == "Other Method" => detail,
            Some(detail) => format!("{method} using {detail}"),
            None => method.to_string(),
        };
    };
    if let (Some(detail), "Other Method") = (&detail, method) {
        let link = if qualifier_label == "Suture Removal" { "from" } else { "of" };
        return format!("{detail} {link} {place}");
    }
    let mut text = format!("{method} of {place}");
    if let Some(detail) = detail {
        let link = if qualifier_label.starts_with("With") { ", " } else { " using " };
        text.push_str(&format!("{link}{detail}"));
    }
    text + &approach_unless_external(approach_label)
}

/// Section 9: "Chiropractic Manipulation of Pelvis, Non-Manual".
pub(super) fn chiropractic(parts: &Parts<'_>) -> String {
    let [region_label, _, method, _] = parts.labels;
    format!("Chiropractic Manipulation of {}, {method}", region(&body(region_label)))
}

/// Section B: "CT Scan of Left Pelvic Veins using Low Osmolar Contrast, Unenhanced and Enhanced".
pub(super) fn imaging(parts: &Parts<'_>) -> String {
    let [part_label, contrast_label, first, second] = parts.labels;
    let mut text = format!("{} of {}", parts.operation, body(part_label));
    let contrast = some(contrast_label, |label| {
        if label.contains("Contrast") || label.contains("Agent") {
            label.to_string()
        } else {
            format!("{label} Contrast")
        }
    });
    if let Some(contrast) = &contrast {
        text.push_str(&format!(" using {contrast}"));
    }
    if !is_none(first) {
        text.push_str(&if contrast.is_some() { format!(", {first}") } else { format!(" using {first}") });
    }
    if !is_none(second) {
        text.push_str(&if first == "Laser" { format!(" {second}") } else { format!(", {second}") });
    }
    text
}

/// Section C: "Planar Nuclear Medicine Imaging of Brain using Technetium 99m (Tc-99m)".
pub(super) fn nuclear_medicine(parts: &Parts<'_>) -> String {
    let [part_label, radionuclide, _, _] = parts.labels;
    let using = some(radionuclide, str::to_string).map(|name| format!(" using {name}")).unwrap_or_default();
    format!("{} of {}{using}", parts.operation, body(part_label))
}

/// Section D: "Beam Radiation of Brain using Electrons, Intraoperative", "Contact Radiation of Brain".
pub(super) fn radiation_therapy(parts: &Parts<'_>) -> String {
    let [site_label, modality, isotope_label, qualifier_label] = parts.labels;
    let site = body(site_label);
    let isotope = some(isotope_label, str::to_string);
    let text = match (parts.operation, isotope) {
        ("Beam Radiation", _) => format!("Beam Radiation of {site} using {modality}"),
        ("Brachytherapy", isotope) => {
            let using = isotope.map(|name| format!(" using {name}")).unwrap_or_default();
            format!("{modality} Brachytherapy of {site}{using}")
        }
        (_, Some(isotope)) => format!("{modality} to {site} using {isotope}"),
        (_, None) => format!("{modality} of {site}"),
    };
    text + &comma(&some(qualifier_label, qualifier))
}

/// Section F: "Muscle Performance Assessment of ... using Orthosis", "Caregiver Training in ...".
pub(super) fn rehabilitation(parts: &Parts<'_>) -> String {
    let [system_label, kind, equipment_label, _] = parts.labels;
    let operation = parts.operation;
    let mut text = match operation {
        "Caregiver Training" => format!("Caregiver Training in {kind}"),
        "Device Fitting" => format!("{kind} Device Fitting"),
        _ => format!("{kind} {}", operation.rsplit(' ').next().unwrap_or(operation)),
    };
    if !is_none(system_label) {
        text.push_str(&format!(" of {system_label}"));
    }
    if !is_none(equipment_label) {
        text.push_str(&format!(" using {}", equipment(equipment_label)));
    }
    text
}

/// Section G: "Individual Psychotherapy, Interactive", "Educational Counseling".
pub(super) fn mental_health(parts: &Parts<'_>) -> String {
    let operation = parts.operation;
    let kind = parts.labels[0];
    if is_none(kind) || parts.only_code {
        return operation.to_string();
    }
    if operation == "Counseling" {
        return if kind.starts_with("Other") { kind.to_string() } else { format!("{kind} {operation}") };
    }
    if kind.strip_prefix("Other ") == Some(operation) {
        return kind.to_string();
    }
    format!("{operation}, {kind}")
}

/// Section H: "Group Counseling for Substance Abuse Treatment, Cognitive".
pub(super) fn substance_abuse(parts: &Parts<'_>) -> String {
    let text = format!("{} for Substance Abuse Treatment", parts.operation);
    let kind = parts.labels[0];
    if is_none(kind) || parts.only_code {
        text
    } else {
        format!("{text}, {kind}")
    }
}

/// Section X: Medical and Surgical wording, the technology after "using" (or "with", "into"),
/// and the New Technology group last.
pub(super) fn new_technology(parts: &Parts<'_>) -> String {
    let [part_label, approach_label, technology_label, group] = parts.labels;
    let operation = parts.operation;
    let part = some(part_label, body);
    let approach = approach(approach_label);
    let pieces: Vec<&str> = technology_label.split(", ").collect();
    let generic_device =
        pieces.len() == 2 && (pieces[0].ends_with("Fusion Device") || pieces[0].ends_with("Fixation Device"));
    let technology = if generic_device { reverse(technology_label) } else { technology_label.to_string() };
    let place = part.unwrap_or_default();
    let text = match operation {
        "Insertion" | "Introduction" | "Transfusion" => format!("{operation} of {technology} into {place}"),
        "Assistance" => format!("{technology} in {place}"),
        "Other Procedures" => return format!("{technology} of {place}, {group}"),
        "Measurement" | "Monitoring" if place.is_empty() => format!("{operation} of {technology}"),
        "Measurement" | "Monitoring" => format!("{operation} of {place} {technology}"),
        _ => {
            let opening = match operation {
                "Extirpation" => format!("Extirpation of Matter from {place}"),
                "Bypass" | "Supplement" => format!("{operation} {place}"),
                _ => format!("{operation} of {place}"),
            };
            let link = if matches!(operation, "Replacement" | "Restriction" | "Supplement") { "with" } else { "using" };
            format!("{opening} {link} {technology}")
        }
    };
    format!("{text}, {approach}, {group}")
}
