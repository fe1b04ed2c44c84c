//! Validation of an ICD-10-PCS code against the tables, saying which position is wrong and why
//! in a coder's words: the length, a character outside the PCS alphabet, a section / body system /
//! operation with no table, then positions 4 to 7 checked against the rows still possible.

use super::{is_pcs_char, AxisValue, PcsRow, PcsTable, PcsTables};

/// Why a code is not valid: the first wrong position, its character and the reason.
///
/// `position` is 1..7; a code too short is reported at its first missing position (with no
/// character), a code too long at position 8 (its first extra character). Input is expected in
/// upper case: a lower-case letter is reported as a wrong character.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("position {position}: {reason}")]
pub struct PcsInvalid {
    /// 1-based position of the first wrong character (8 = extra characters).
    pub position: u8,
    /// The character found there, `None` when the code stops before it.
    pub character: Option<char>,
    /// What is wrong, e.g. "qualifier X is not allowed in table 0DT for body part J, ...".
    pub reason: String,
}

fn invalid(position: usize, character: Option<char>, reason: String) -> PcsInvalid {
    PcsInvalid { position: u8::try_from(position).unwrap_or(u8::MAX), character, reason }
}

/// "0, 3, 4" from values (duplicates removed, in character order).
fn allowed(values: impl Iterator<Item = char>) -> String {
    let mut chars: Vec<char> = values.collect();
    chars.sort_unstable();
    chars.dedup();
    chars.iter().map(char::to_string).collect::<Vec<_>>().join(", ")
}

impl PcsTables {
    /// Checks `code` (seven upper-case characters) against the tables.
    pub fn check(&self, code: &str) -> Result<(), PcsInvalid> {
        let chars: Vec<char> = code.chars().collect();
        check_form(&chars)?;
        let table = self.check_head(&chars)?;
        check_rows(table, &chars)
    }

    /// Positions 1-3: the first that no table continues.
    fn check_head(&self, chars: &[char]) -> Result<&PcsTable, PcsInvalid> {
        if let Some(table) = self.table_of([chars[0], chars[1], chars[2]]) {
            return Ok(table);
        }
        let matching = |depth: usize| {
            self.tables()
                .iter()
                .filter(move |table| table.head().iter().zip(chars).take(depth).all(|(v, c)| v.code == *c))
        };
        let section_tables = || matching(1);
        let Some(first) = section_tables().next() else {
            let sections = allowed(self.tables().iter().map(|table| table.section.code));
            return Err(invalid(1, Some(chars[0]), format!("there is no section {} (sections: {sections})", chars[0])));
        };
        let section = format!("{} {}", first.section.code, first.section.label);
        if matching(2).next().is_none() {
            let systems = allowed(section_tables().map(|table| table.body_system.code));
            let axis = first.axis_titles[1].to_lowercase();
            let reason = format!("there is no {axis} {} in section {section} (allowed: {systems})", chars[1]);
            return Err(invalid(2, Some(chars[1]), reason));
        }
        let operations = allowed(matching(2).map(|table| table.operation.code));
        let system = matching(2).next().map(|table| table.body_system.label.to_string()).unwrap_or_default();
        let axis = first.axis_titles[2].to_lowercase();
        let reason =
            format!("there is no {axis} {} for {}{} {system} (allowed: {operations})", chars[2], chars[0], chars[1]);
        Err(invalid(3, Some(chars[2]), reason))
    }
}

/// Length and alphabet.
fn check_form(chars: &[char]) -> Result<(), PcsInvalid> {
    for (at, &character) in chars.iter().enumerate().take(7) {
        if !is_pcs_char(character) {
            let reason = if character.is_ascii_lowercase() {
                format!("{character:?} is lower case: ICD-10-PCS codes are written in upper case")
            } else if character == 'I' || character == 'O' {
                format!("the letter {character} is never used in ICD-10-PCS (it would be confused with 1 and 0)")
            } else {
                format!("{character:?} is not an ICD-10-PCS character (0-9 and A-Z except I and O)")
            };
            return Err(invalid(at + 1, Some(character), reason));
        }
    }
    match chars.len() {
        7 => Ok(()),
        short @ 0..=6 => {
            let reason = format!("the code has {short} characters; ICD-10-PCS codes have 7");
            Err(invalid(short + 1, None, reason))
        }
        long => {
            let reason = format!("the code has {long} characters; ICD-10-PCS codes have 7");
            Err(invalid(8, chars.get(7).copied(), reason))
        }
    }
}

/// Positions 4-7: narrows the rows position by position.
fn check_rows(table: &PcsTable, chars: &[char]) -> Result<(), PcsInvalid> {
    let mut rows: Vec<&PcsRow> = table.rows.iter().collect();
    let mut context: Vec<String> = Vec::new();
    for axis in 0..4 {
        let position = axis + 4;
        let character = chars[position - 1];
        let name = table.axis_titles[position - 1].to_lowercase();
        let admitting: Vec<&PcsRow> = rows.iter().copied().filter(|row| row.value(axis, character).is_some()).collect();
        if admitting.is_empty() {
            let choices =
                allowed(rows.iter().flat_map(|row| row.axes[axis].iter().map(|value: &AxisValue| value.code)));
            let mut reason = format!("{name} {character} is not allowed in table {}", table.prefix());
            if !context.is_empty() {
                reason.push_str(&format!(" for {}", context.join(", ")));
            }
            reason.push_str(&format!(" (allowed: {choices})"));
            return Err(invalid(position, Some(character), reason));
        }
        context.push(format!("{name} {character}"));
        rows = admitting;
    }
    Ok(())
}
