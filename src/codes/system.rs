//! The code systems Codify serves and the shape of their codes.

use std::fmt;
use std::str::FromStr;

/// A code system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CodeSystem {
    /// ICD-10-CM diagnoses (CMS/NCHS).
    Icd10Cm,
    /// HCPCS Level II procedures, supplies and modifiers (CMS).
    Hcpcs,
    /// CPT (AMA): Category I, II, III, PLA codes and modifiers.
    Cpt,
    /// ICD-10-PCS inpatient procedures (CMS), built from the code tables.
    Icd10Pcs,
}

impl CodeSystem {
    /// Every system, in a fixed order.
    pub const ALL: [CodeSystem; 4] = [CodeSystem::Icd10Cm, CodeSystem::Hcpcs, CodeSystem::Cpt, CodeSystem::Icd10Pcs];

    /// Stable lower-case identifier used in manifests, the index and logs.
    pub fn id(self) -> &'static str {
        match self {
            CodeSystem::Icd10Cm => "icd10cm",
            CodeSystem::Hcpcs => "hcpcs",
            CodeSystem::Cpt => "cpt",
            CodeSystem::Icd10Pcs => "icd10pcs",
        }
    }

    /// Small integer used in index fields.
    pub fn ordinal(self) -> u64 {
        match self {
            CodeSystem::Icd10Cm => 0,
            CodeSystem::Hcpcs => 1,
            CodeSystem::Cpt => 2,
            CodeSystem::Icd10Pcs => 3,
        }
    }
}

impl fmt::Display for CodeSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// An unknown code-system name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code system {0:?} (expected icd10cm, hcpcs, cpt or icd10pcs)")]
pub struct UnknownSystem(pub String);

impl FromStr for CodeSystem {
    type Err = UnknownSystem;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let folded: String =
            text.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        match folded.as_str() {
            "icd10cm" => Ok(CodeSystem::Icd10Cm),
            "hcpcs" | "hcpcs2" | "hcpcsii" | "hcpcslevel2" | "hcpcslevelii" => Ok(CodeSystem::Hcpcs),
            "cpt" => Ok(CodeSystem::Cpt),
            "icd10pcs" | "pcs" => Ok(CodeSystem::Icd10Pcs),
            _ => Err(UnknownSystem(text.to_string())),
        }
    }
}

/// The CPT category of a code, derived from its form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CptCategory {
    /// Category I: five digits, or four digits + `A` (vaccines) / `M` (MAAA).
    CategoryI,
    /// Category II performance-measure codes: four digits + `F`.
    CategoryII,
    /// Category III emerging-technology codes: four digits + `T`.
    CategoryIII,
    /// Proprietary Laboratory Analyses: four digits + `U`.
    Pla,
    /// A CPT modifier (two characters).
    Modifier,
}

impl CptCategory {
    /// The category of a normalised CPT code, or `None` when the form is not CPT.
    pub fn of_code(code: &str) -> Option<CptCategory> {
        let bytes = code.as_bytes();
        if bytes.len() == 2 && bytes.iter().all(|b| b.is_ascii_alphanumeric()) {
            return Some(CptCategory::Modifier);
        }
        if bytes.len() != 5 || !bytes[..4].iter().all(u8::is_ascii_digit) {
            return None;
        }
        match bytes[4] {
            b'0'..=b'9' | b'A' | b'M' => Some(CptCategory::CategoryI),
            b'F' => Some(CptCategory::CategoryII),
            b'T' => Some(CptCategory::CategoryIII),
            b'U' => Some(CptCategory::Pla),
            _ => None,
        }
    }

    /// Stable identifier.
    pub fn id(self) -> &'static str {
        match self {
            CptCategory::CategoryI => "category_i",
            CptCategory::CategoryII => "category_ii",
            CptCategory::CategoryIII => "category_iii",
            CptCategory::Pla => "pla",
            CptCategory::Modifier => "modifier",
        }
    }
}

/// Normalises a code as typed: trims, drops dots and inner spaces, upper-cases.
/// `e11.9` → `E119`. Returns `None` when anything but ASCII letters and digits remains.
pub fn normalize_code(text: &str) -> Option<String> {
    let cleaned: String =
        text.trim().chars().filter(|c| *c != '.' && *c != ' ').map(|c| c.to_ascii_uppercase()).collect();
    if cleaned.is_empty() || cleaned.len() > 8 || !cleaned.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(cleaned)
}

/// Why a code as sent on a claim is not in its system's written form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeFormError {
    /// Nothing but whitespace.
    #[error("is empty")]
    Empty,
    /// Whitespace inside the code.
    #[error("has whitespace inside it")]
    InnerWhitespace,
    /// A dot where the system puts none.
    #[error("has a dot where the code system puts none (only ICD-10-CM codes have one, after the third character)")]
    MisplacedDot,
    /// Characters other than ASCII letters, digits and the one dot.
    #[error("has characters other than letters and digits")]
    BadCharacter,
    /// Longer than any code.
    #[error("is too long to be a code")]
    TooLong,
}

/// A code exactly as a claim would carry it, normalised: surrounding whitespace trimmed and
/// letters upper-cased, but nothing else forgiven. A dot is allowed only where the system
/// writes one: after the third character of an ICD-10-CM code with more characters after
/// it (`E11.9`; `E1.19`, `.E119`, `E119.`, `E11..9` are refused), and, when the system is not
/// given, only there too. Inner whitespace (`E11 9`) is refused. `e11.9` → `E119`.
pub fn strict_code(system: Option<CodeSystem>, text: &str) -> Result<String, CodeFormError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(CodeFormError::Empty);
    }
    if trimmed.chars().any(char::is_whitespace) {
        return Err(CodeFormError::InnerWhitespace);
    }
    let dots: Vec<usize> = trimmed.match_indices('.').map(|(at, _)| at).collect();
    let dot_allowed = matches!(system, None | Some(CodeSystem::Icd10Cm));
    match dots.as_slice() {
        [] => {}
        [3] if dot_allowed && trimmed.len() > 4 => {}
        _ => return Err(CodeFormError::MisplacedDot),
    }
    let code: String = trimmed.chars().filter(|c| *c != '.').map(|c| c.to_ascii_uppercase()).collect();
    if !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(CodeFormError::BadCharacter);
    }
    if code.len() > 8 {
        return Err(CodeFormError::TooLong);
    }
    Ok(code)
}

/// Whether a normalised code has a form valid in `system` (not whether it exists).
pub fn is_well_formed(system: CodeSystem, code: &str) -> bool {
    let bytes = code.as_bytes();
    match system {
        // A letter, then letters and digits (QA0 exists since FY2026), with a digit among
        // the first three characters.
        CodeSystem::Icd10Cm => {
            (3..=7).contains(&bytes.len())
                && bytes[0].is_ascii_uppercase()
                && bytes[1..].iter().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                && bytes[1..3].iter().any(u8::is_ascii_digit)
        }
        CodeSystem::Hcpcs => {
            (bytes.len() == 5 && bytes[0].is_ascii_uppercase() && bytes[1..].iter().all(u8::is_ascii_digit))
                || (bytes.len() == 2 && bytes.iter().all(u8::is_ascii_alphanumeric))
        }
        CodeSystem::Cpt => CptCategory::of_code(code).is_some(),
        // Seven characters of the PCS alphabet: digits and letters but I and O.
        CodeSystem::Icd10Pcs => bytes.len() == 7 && bytes.iter().all(|&b| is_pcs_character(b)),
    }
}

/// Whether `byte` is a character ICD-10-PCS uses: 0-9 and A-Z except I and O.
pub fn is_pcs_character(byte: u8) -> bool {
    byte.is_ascii_digit() || (byte.is_ascii_uppercase() && byte != b'I' && byte != b'O')
}

/// Display form of a code: ICD-10-CM gets its dot after the third character.
pub fn display_code(system: CodeSystem, code: &str) -> String {
    if system == CodeSystem::Icd10Cm && code.len() > 3 && code.is_ascii() {
        let mut display = String::with_capacity(code.len() + 1);
        display.push_str(&code[..3]);
        display.push('.');
        display.push_str(&code[3..]);
        display
    } else {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_code_form() {
        assert_eq!(CptCategory::of_code("99213"), Some(CptCategory::CategoryI));
        assert_eq!(CptCategory::of_code("0001A"), Some(CptCategory::CategoryI));
        assert_eq!(CptCategory::of_code("3074F"), Some(CptCategory::CategoryII));
        assert_eq!(CptCategory::of_code("0042T"), Some(CptCategory::CategoryIII));
        assert_eq!(CptCategory::of_code("0001U"), Some(CptCategory::Pla));
        assert_eq!(CptCategory::of_code("25"), Some(CptCategory::Modifier));
        assert_eq!(CptCategory::of_code("A0021"), None);
    }

    #[test]
    fn normalises_and_checks_form() {
        assert_eq!(normalize_code(" e11.9 ").as_deref(), Some("E119"));
        assert_eq!(normalize_code("E11-9"), None);
        assert!(is_well_formed(CodeSystem::Icd10Cm, "S72001A"));
        assert!(!is_well_formed(CodeSystem::Icd10Cm, "1E11"));
        assert!(is_well_formed(CodeSystem::Icd10Cm, "QA0"));
        assert!(!is_well_formed(CodeSystem::Icd10Cm, "ABC"));
        assert!(is_well_formed(CodeSystem::Hcpcs, "J1234"));
        assert!(!is_well_formed(CodeSystem::Hcpcs, "12345"));
        assert_eq!(display_code(CodeSystem::Icd10Cm, "E119"), "E11.9");
        assert_eq!(display_code(CodeSystem::Icd10Cm, "E11"), "E11");
        assert_eq!("ICD-10-CM".parse::<CodeSystem>(), Ok(CodeSystem::Icd10Cm));
        assert_eq!("ICD-10-PCS".parse::<CodeSystem>(), Ok(CodeSystem::Icd10Pcs));
        assert!(is_well_formed(CodeSystem::Icd10Pcs, "0DTJ4ZZ"));
        assert!(!is_well_formed(CodeSystem::Icd10Pcs, "0DTJ4ZO"));
        assert!(!is_well_formed(CodeSystem::Icd10Pcs, "0DTJ4Z"));
        assert_eq!(display_code(CodeSystem::Icd10Pcs, "0DTJ4ZZ"), "0DTJ4ZZ");
    }

    #[test]
    fn strict_codes_allow_a_dot_only_where_the_system_writes_it() {
        let icd = Some(CodeSystem::Icd10Cm);
        assert_eq!(strict_code(icd, " e11.9 "), Ok("E119".to_string()));
        assert_eq!(strict_code(icd, "E119"), Ok("E119".to_string()));
        assert_eq!(strict_code(icd, "S72.001A"), Ok("S72001A".to_string()));
        assert_eq!(strict_code(None, "E11.9"), Ok("E119".to_string()));
        for bad in ["E1.19", ".E119", "E119.", "E11..9", "E11.", "E.119"] {
            assert_eq!(strict_code(icd, bad), Err(CodeFormError::MisplacedDot), "{bad}");
            assert_eq!(strict_code(None, bad), Err(CodeFormError::MisplacedDot), "{bad}");
        }
        assert_eq!(strict_code(icd, "E11 9"), Err(CodeFormError::InnerWhitespace));
        assert_eq!(strict_code(icd, "E11\t9"), Err(CodeFormError::InnerWhitespace));
        assert_eq!(strict_code(icd, "   "), Err(CodeFormError::Empty));
        assert_eq!(strict_code(icd, "E11-9"), Err(CodeFormError::BadCharacter));
        assert_eq!(strict_code(icd, "E11.90000000"), Err(CodeFormError::TooLong));
        assert_eq!(strict_code(Some(CodeSystem::Hcpcs), "J1100"), Ok("J1100".to_string()));
        assert_eq!(strict_code(Some(CodeSystem::Hcpcs), "J11.00"), Err(CodeFormError::MisplacedDot));
        assert_eq!(strict_code(Some(CodeSystem::Cpt), "992.13"), Err(CodeFormError::MisplacedDot));
    }
}
