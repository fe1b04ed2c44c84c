//! The NCCI PTP-associated modifiers: the one list of modifiers that may bypass a PTP edit
//! whose modifier indicator is 1, as the NCCI Policy Manual for Medicare Services
//! (Chapter I, "Modifiers and Modifier Indicators") and CMS's MLN booklet "How to Use the
//! Medicare NCCI Tools" list them:
//!
//! - anatomic: E1–E4 (eyelids), FA and F1–F9 (fingers), TA and T1–T9 (toes), LT, RT, LC,
//!   LD, RC, LM, RI (sides and coronary arteries);
//! - global surgery: 24, 25, 57, 58, 78, 79;
//! - other: 27 (multiple outpatient hospital E/M encounters), 59 and its subsets XE, XS,
//!   XP, XU, and 91 (repeat clinical laboratory test).
//!
//! Whether a modifier is *clinically appropriate* (the same side on both lines, a 25 on a
//! procedure rather than the E/M) is for the claim's documentation; the checks only look
//! at presence, as the claims processing edit does.

/// Every NCCI PTP-associated modifier, in the order of the list above.
pub const NCCI_ASSOCIATED_MODIFIERS: &[&str] = &[
    "E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "TA", "T1", "T2", "T3", "T4",
    "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "RC", "LM", "RI", "24", "25", "57", "58", "78", "79", "27",
    "59", "91", "XE", "XS", "XP", "XU",
];

/// Whether `modifier` (any case, blanks ignored) is NCCI PTP-associated.
pub fn is_ncci_associated(modifier: &str) -> bool {
    let trimmed = modifier.trim();
    NCCI_ASSOCIATED_MODIFIERS.iter().any(|known| known.eq_ignore_ascii_case(trimmed))
}

/// The NCCI-associated modifiers among `modifiers`, upper-cased, in order, without repeats.
pub(super) fn associated_among<'a>(modifiers: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for modifier in modifiers {
        let upper = modifier.trim().to_ascii_uppercase();
        if is_ncci_associated(&upper) && !found.contains(&upper) {
            found.push(upper);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_the_manual_groups() {
        assert_eq!(NCCI_ASSOCIATED_MODIFIERS.len(), 44);
        for modifier in ["59", "xs", " XU ", "LT", "F9", "T9", "E4", "25", "27", "91", "RI"] {
            assert!(is_ncci_associated(modifier), "{modifier}");
        }
        for modifier in ["26", "50", "51", "76", "TC", "E5", "GA", ""] {
            assert!(!is_ncci_associated(modifier), "{modifier}");
        }
    }

    #[test]
    fn associated_among_dedupes_and_upper_cases() {
        let modifiers = ["26".to_string(), "xs".to_string(), "59".to_string(), "XS".to_string()];
        assert_eq!(associated_among(&modifiers), vec!["XS".to_string(), "59".to_string()]);
    }
}
