//! The release's billable codes as the suggester needs them: sorted so that the codes under a
//! prefix are a range (completing `S72.00-`), each with a few facts read from its title (does
//! it name a side, an acuity, "unspecified type"...) and the categories its tabular notes ask
//! to code as well ("use additional code", "code also").

use crate::codes::{display_code, CodeSystem, NoteKind, Release};

/// Title facts, as bits.
pub mod flags {
    /// The title names a side ("right", "left", "bilateral").
    pub const SIDE: u16 = 1;
    /// The title names an acuity ("acute", "chronic", "subacute").
    pub const ACUITY: u16 = 1 << 1;
    /// The title says "unspecified".
    pub const UNSPECIFIED: u16 = 1 << 2;
    /// The title says the type is unspecified.
    pub const UNSPECIFIED_TYPE: u16 = 1 << 3;
    /// The title says the site or part is unspecified.
    pub const UNSPECIFIED_SITE: u16 = 1 << 4;
    /// The title says the side is unspecified ("unspecified side", "unspecified femur").
    pub const UNSPECIFIED_SIDE: u16 = 1 << 5;
    /// The title names an encounter (7th character of injuries).
    pub const ENCOUNTER: u16 = 1 << 6;
}

/// One billable code.
#[derive(Debug, Clone)]
pub struct CodeInfo {
    /// Undotted code.
    pub code: String,
    /// Title facts ([`flags`]).
    pub flags: u16,
    /// Three-character categories named by the "use additional code" and "code also" notes of
    /// the code and the codes above it.
    pub additional: Vec<[u8; 3]>,
}

/// Billable codes, sorted.
#[derive(Debug, Default)]
pub struct CodeTable {
    codes: Vec<CodeInfo>,
}

impl CodeTable {
    /// The billable codes of an ICD-10-CM release.
    pub fn build(release: &Release) -> CodeTable {
        let mut codes: Vec<CodeInfo> = release
            .entries
            .iter()
            .filter(|entry| entry.billable)
            .map(|entry| {
                let mut additional = Vec::new();
                let mut current = Some(entry);
                for _ in 0..8 {
                    let Some(at) = current else { break };
                    for note in &at.notes {
                        if matches!(note.kind, NoteKind::UseAdditionalCode | NoteKind::CodeAlso) {
                            categories_named(&note.text, &mut additional);
                        }
                    }
                    current = at.parent_code.as_deref().and_then(|parent| release.entry(parent));
                }
                CodeInfo { code: entry.code.clone(), flags: title_flags(&entry.title), additional }
            })
            .collect();
        codes.sort_by(|a, b| a.code.cmp(&b.code));
        codes.dedup_by(|a, b| a.code == b.code);
        CodeTable { codes }
    }

    /// The position of a billable code.
    pub fn find(&self, code: &str) -> Option<u32> {
        self.codes.binary_search_by(|info| info.code.as_str().cmp(code)).ok().map(|at| at as u32)
    }

    /// The code at a position.
    pub fn get(&self, at: u32) -> Option<&CodeInfo> {
        self.codes.get(at as usize)
    }

    /// The dotted display form of the code at a position.
    pub fn display(&self, at: u32) -> String {
        self.get(at).map_or_else(String::new, |info| display_code(CodeSystem::Icd10Cm, &info.code))
    }

    /// The positions of the billable codes that start with `prefix` (the code itself included).
    pub fn under(&self, prefix: &str) -> std::ops::Range<u32> {
        let start = self.codes.partition_point(|info| info.code.as_str() < prefix);
        let end = start + self.codes[start..].partition_point(|info| info.code.starts_with(prefix));
        start as u32..end as u32
    }

    /// Number of billable codes.
    pub fn count(&self) -> usize {
        self.codes.len()
    }
}

/// The facts a title states, as [`flags`] bits.
pub fn title_flags(title: &str) -> u16 {
    let lower = title.to_ascii_lowercase();
    let has = |word: &str| lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|token| token == word);
    let mut bits = 0;
    if has("right") || has("left") || has("bilateral") {
        bits |= flags::SIDE;
    }
    if has("acute") || has("chronic") || has("subacute") {
        bits |= flags::ACUITY;
    }
    if has("unspecified") {
        bits |= flags::UNSPECIFIED;
    }
    if lower.contains("unspecified type") || lower.contains("type unspecified") || lower.contains("unspecified kind") {
        bits |= flags::UNSPECIFIED_TYPE;
    }
    let site = ["unspecified site", "unspecified part", "site unspecified", "unspecified region", "unspecified sites"];
    if site.iter().any(|phrase| lower.contains(phrase)) {
        bits |= flags::UNSPECIFIED_SITE;
    }
    let side = ["unspecified side", "unspecified laterality"];
    if side.iter().any(|phrase| lower.contains(phrase)) {
        bits |= flags::UNSPECIFIED_SIDE;
    }
    if lower.contains("encounter") || lower.contains("sequela") {
        bits |= flags::ENCOUNTER;
    }
    bits
}

/// Adds the three-character categories a note names ("N18.1-N18.6", "(I50.-)", "Z79.4").
fn categories_named(text: &str, found: &mut Vec<[u8; 3]>) {
    let bytes = text.as_bytes();
    for at in 0..bytes.len().saturating_sub(2) {
        let starts_word = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        let shaped =
            bytes[at].is_ascii_uppercase() && bytes[at + 1].is_ascii_digit() && bytes[at + 2].is_ascii_alphanumeric();
        let ends = bytes.get(at + 3).is_none_or(|next| !next.is_ascii_alphanumeric());
        if starts_word && shaped && ends {
            let category = [bytes[at], bytes[at + 1], bytes[at + 2]];
            if !found.contains(&category) {
                found.push(category);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_categories_and_title_facts() {
        let mut found = Vec::new();
        categories_named("Use additional code to identify stage of chronic kidney disease (N18.1-N18.6)", &mut found);
        categories_named("type of heart failure (I50.-), if known; X58 and Z79.4", &mut found);
        assert_eq!(found, [*b"N18", *b"I50", *b"X58", *b"Z79"]);
        let femur =
            title_flags("Fracture of unspecified part of neck of right femur, initial encounter for closed fracture");
        assert_eq!(femur, flags::SIDE | flags::UNSPECIFIED | flags::UNSPECIFIED_SITE | flags::ENCOUNTER);
        assert_eq!(title_flags("Heart failure, unspecified"), flags::UNSPECIFIED);
    }
}
