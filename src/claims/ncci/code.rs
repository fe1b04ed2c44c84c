//! The code an NCCI table names: a 5-character HCPCS Level II or CPT code packed into
//! 5 bytes, so table rows stay small and compare as plain bytes.

use std::fmt;

/// A 5-character HCPCS/CPT code: ASCII digits and upper-case letters (`45380`, `G2211`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NcciCode([u8; 5]);

impl NcciCode {
    /// The code as a table writes it: exactly 5 ASCII digits or upper-case letters.
    pub fn from_data(text: &str) -> Option<NcciCode> {
        let bytes: [u8; 5] = text.as_bytes().try_into().ok()?;
        bytes.iter().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()).then_some(NcciCode(bytes))
    }

    /// The code as a claim writes it: any case, surrounding blanks ignored.
    pub fn parse(text: &str) -> Option<NcciCode> {
        let trimmed = text.trim();
        let bytes: [u8; 5] = trimmed.as_bytes().try_into().ok()?;
        if !bytes.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        Some(NcciCode(bytes.map(|b| b.to_ascii_uppercase())))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for NcciCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_codes_are_strict_and_claim_codes_are_normalised() {
        assert_eq!(NcciCode::from_data("45380").unwrap().as_str(), "45380");
        assert_eq!(NcciCode::from_data("G2211").unwrap().to_string(), "G2211");
        assert!(NcciCode::from_data("g2211").is_none());
        assert!(NcciCode::from_data("4538").is_none());
        assert!(NcciCode::from_data("453800").is_none());
        assert!(NcciCode::from_data("45 80").is_none());
        assert_eq!(NcciCode::parse(" g2211 "), NcciCode::from_data("G2211"));
        assert!(NcciCode::parse("E11.9").is_none());
        assert!(NcciCode::parse("ééé").is_none());
    }
}
