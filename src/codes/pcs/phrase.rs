//! How CMS writes one axis label inside a long title. Tables list labels as "noun, modifier"
//! ("Lower Leg, Left"); titles read "Left Lower Leg". The general rule reverses the comma parts;
//! the exceptions below are rules about labels (enumerations, counts, laterality after a named
//! surface, the device names CMS shortens), never titles of particular codes.

/// Labels meaning "nothing at this position": left out of titles.
const NONE_LABELS: [&str; 3] = ["No Device", "No Qualifier", "None"];

/// The laterality a label may end with.
const LATERALITY: [&str; 3] = ["Right", "Left", "Bilateral"];

/// Body part labels CMS writes as they stand although they hold a comma.
const BODY_KEPT: [&str; 3] = ["Products of Conception, ", "Thoracic Aorta, ", "Stomach, Pylorus"];

/// Qualifier labels CMS writes as they stand.
const QUALIFIER_KEPT: [&str; 4] = ["Anterior Approach, ", "Posterior Approach, ", "Amniotic Fluid, ", "Membrane, "];

/// Labels CMS rewrites (devices, and a qualifier of heart bypasses).
const REWORDED: [(&str, &str); 5] = [
    ("Cardiac Lead, Pacemaker", "Pacemaker Lead"),
    ("Cardiac Lead, Defibrillator", "Defibrillator Lead"),
    ("Infusion Device, Pump", "Infusion Pump"),
    (
        "Biologic with Synthetic Substitute, Autoregulated Electrohydraulic",
        "Biologic and Synthetic Substitute, Autoregulated Electrohydraulic",
    ),
    ("Pulmonary Vein, Confluence", "Pulmonary Vein Confluence"),
];

/// Device labels whose second part names the device itself: CMS writes only that part.
const DEVICE_NAMED_BY_LAST: [&str; 7] = [
    "Hearing Device, Single Channel Cochlear Prosthesis",
    "Hearing Device, Multiple Channel Cochlear Prosthesis",
    "Synthetic Substitute, Intraocular Telescope",
    "Intraluminal Device, Airway",
    "Intraluminal Device, Endotracheal Airway",
    "Intraluminal Device, Endobronchial Valve",
    "Intraluminal Device, Pessary",
];

/// Device labels CMS writes as they stand.
const DEVICE_KEPT: [&str; 5] = [
    "Radioactive Element, ",
    "Synthetic Substitute, Pneumatic",
    "Intraluminal Device, Flow Diverter",
    "Pacemaker, ",
    "Spinal Stabilization Device, Vertebral Body Tether",
];

/// Counts a device label may end with ("Intraluminal Device, Two" → "Two Intraluminal Devices").
const DEVICE_COUNTS: [&str; 3] = ["Two", "Three", "Four or More"];

/// Words that start a count in a body part ("Coronary Artery, Two Arteries" stays as it is).
const COUNT_WORDS: [&str; 4] = ["One", "Two", "Three", "Four"];

/// Whether the label stands for "nothing" ("No Device", "No Qualifier", "None").
pub(super) fn is_none(label: &str) -> bool {
    NONE_LABELS.contains(&label)
}

fn parts(label: &str) -> Vec<&str> {
    label.split(", ").collect()
}

fn reversed(parts: &[&str]) -> String {
    parts.iter().rev().copied().collect::<Vec<_>>().join(" ")
}

/// The comma parts reversed: "Lymphatic, Internal Mammary, Right" → "Right Internal Mammary Lymphatic".
pub(super) fn reverse(label: &str) -> String {
    reversed(&parts(label))
}

/// A body part, body region or anatomical qualifier as a title writes it.
pub(super) fn body(label: &str) -> String {
    let parts = parts(label);
    let count = parts.len();
    if count == 1 {
        return label.to_string();
    }
    let counted = count == 2 && parts[1].split(' ').next().is_some_and(|word| COUNT_WORDS.contains(&word));
    if counted || BODY_KEPT.iter().any(|kept| label.starts_with(kept)) || parts[0].contains("Trimester") {
        return label.to_string();
    }
    let last = parts[count - 1];
    if last == "Right and Left" || (count == 2 && last == "Other" && !parts[0].ends_with("System")) {
        return reversed(&parts);
    }
    let lateral = LATERALITY.contains(&last);
    let core = if lateral && count >= 3 { &parts[..count - 1] } else { &parts[..] };
    let enumeration = core.len() >= 3
        || (core.len() == 2
            && ((core[1].contains(" and ") && !core[0].contains(" and ")) || core[1] == "All" || core[1] == "Other"));
    if enumeration {
        let joined = core.join(", ");
        return if core.len() < count { format!("{last} {joined}") } else { joined };
    }
    if count == 3 && lateral && parts[1].ends_with("Surface") {
        return format!("{last} {}, {}", parts[0], parts[1]);
    }
    reversed(&parts)
}

/// A qualifier as a title writes it.
pub(super) fn qualifier(label: &str) -> String {
    if let Some((_, reworded)) = REWORDED.iter().find(|(from, _)| *from == label) {
        return (*reworded).to_string();
    }
    if QUALIFIER_KEPT.iter().any(|kept| label.starts_with(kept)) {
        return label.to_string();
    }
    body(label)
}

/// A device as a Medical and Surgical title writes it.
pub(super) fn device(label: &str) -> String {
    if let Some((_, reworded)) = REWORDED.iter().find(|(from, _)| *from == label) {
        return (*reworded).to_string();
    }
    let parts = parts(label);
    let count = parts.len();
    if count == 1 {
        return label.to_string();
    }
    if DEVICE_NAMED_BY_LAST.contains(&label) {
        return parts[count - 1].to_string();
    }
    if DEVICE_KEPT.iter().any(|kept| label.starts_with(kept)) {
        return label.to_string();
    }
    if DEVICE_COUNTS.contains(&parts[count - 1]) {
        return format!("{} {}s", parts[count - 1], reversed(&parts[..count - 1]));
    }
    if count == 3 {
        return format!("{} {}, {}", parts[1], parts[0], parts[2]);
    }
    if let Some(side) = parts[1].strip_prefix("Unicondylar ") {
        return format!("{side} Unicondylar {}", parts[0]);
    }
    reversed(&parts)
}

/// An approach: "Open Approach", but "Via Natural or Artificial Opening" as it stands.
pub(super) fn approach(label: &str) -> String {
    if label.starts_with("Via") {
        label.to_string()
    } else {
        format!("{label} Approach")
    }
}

/// A one-word adjective region gets "Region": "Cervical" → "Cervical Region".
pub(super) fn region(label: &str) -> String {
    let adjective = !label.contains(' ') && (label.ends_with("al") || label.ends_with("ic") || label == "Lumbar");
    if adjective {
        format!("{label} Region")
    } else {
        label.to_string()
    }
}

/// Rehabilitation equipment: "Audiovisual" → "Audiovisual Equipment", but "Audiometer" as it stands.
pub(super) fn equipment(label: &str) -> String {
    const NOUNS: [&str; 8] =
        ["Equipment", "Prosthesis", "Computer", "Audiometer", "Orthosis", "Tympanometer", "Booth", "Agents"];
    if NOUNS.iter().any(|noun| label.ends_with(noun)) {
        label.to_string()
    } else {
        format!("{label} Equipment")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_titles_write_them() {
        assert_eq!(body("Lower Leg, Left"), "Left Lower Leg");
        assert_eq!(body("Lymphatic, Internal Mammary, Right"), "Right Internal Mammary Lymphatic");
        assert_eq!(body("Hip Joint, Acetabular Surface, Right"), "Right Hip Joint, Acetabular Surface");
        assert_eq!(body("Kidneys, Ureters and Bladder"), "Kidneys, Ureters and Bladder");
        assert_eq!(body("Kidney, Ureter and Bladder, Right"), "Right Kidney, Ureter and Bladder");
        assert_eq!(
            body("Subcutaneous Tissue and Fascia, Head and Neck"),
            "Head and Neck Subcutaneous Tissue and Fascia"
        );
        assert_eq!(body("Coronary Artery, Two Arteries"), "Coronary Artery, Two Arteries");
        assert_eq!(body("Heart, Right and Left"), "Right and Left Heart");
        assert_eq!(body("Veins, Other"), "Other Veins");
        assert_eq!(device("Intraluminal Device, Drug-eluting, Two"), "Two Drug-eluting Intraluminal Devices");
        assert_eq!(device("Synthetic Substitute, Unicondylar Medial"), "Medial Unicondylar Synthetic Substitute");
        assert_eq!(
            device("Intraluminal Device, Branched or Fenestrated, One or Two Arteries"),
            "Branched or Fenestrated Intraluminal Device, One or Two Arteries"
        );
        assert_eq!(approach("Percutaneous Endoscopic"), "Percutaneous Endoscopic Approach");
        assert_eq!(approach("Via Natural or Artificial Opening"), "Via Natural or Artificial Opening");
        assert_eq!(region("Cervical"), "Cervical Region");
        assert_eq!(region("Ear"), "Ear");
        assert_eq!(equipment("Audiovisual"), "Audiovisual Equipment");
        assert_eq!(equipment("Orthosis"), "Orthosis");
    }
}
