//! ICD-10-PCS as CMS publishes it: a set of tables, one per section / body system / operation,
//! each with rows whose axes list the values allowed at positions 4 to 7. Every combination of
//! one value per axis of a row is a valid code. This module holds the tables of one release and
//! answers what a coder asks of them: the codes, whether a code is valid (and if not, which
//! position is wrong and why), the seven axis values of a code with their names, browsing axis by
//! axis, and CMS-style long titles phrased from the labels (rules in `title.rs`, `title_other.rs`).
//!
//! Labels are `Arc<str>` shared between the rows that carry them; nothing is stored per code.
//! Codes are upper-case: callers normalise case before asking.

mod browse;
mod check;
mod phrase;
mod title;
mod title_other;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;

use super::system::is_pcs_character;

pub use check::PcsInvalid;

/// Axis names used when a table gives none (Medical and Surgical names).
pub const DEFAULT_AXIS_TITLES: [&str; 7] =
    ["Section", "Body System", "Operation", "Body Part", "Approach", "Device", "Qualifier"];

/// One value of an axis: its character and CMS's label for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisValue {
    /// The character at the axis's position (0-9, A-Z without I and O).
    pub code: char,
    /// CMS's label, e.g. "Appendix".
    pub label: Arc<str>,
}

impl AxisValue {
    /// A value from its character and label.
    pub fn new(code: char, label: impl Into<Arc<str>>) -> AxisValue {
        AxisValue { code, label: label.into() }
    }
}

/// One row of a table: the values allowed at positions 4, 5, 6 and 7, in the order CMS lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcsRow {
    /// Positions 4..7 (body part, approach, device, qualifier in Medical and Surgical).
    pub axes: [Vec<AxisValue>; 4],
}

impl PcsRow {
    /// How many codes the row makes (the product of its axis sizes).
    pub fn code_count(&self) -> usize {
        self.axes.iter().map(Vec::len).product()
    }

    /// The value of character `code` on row axis `axis` (0 = position 4), if the row allows it.
    pub fn value(&self, axis: usize, code: char) -> Option<&AxisValue> {
        self.axes.get(axis)?.iter().find(|value| value.code == code)
    }

    /// Whether the row allows `chars` at positions 4, 5, ... (as many as given).
    fn admits(&self, chars: &[char]) -> bool {
        chars.iter().enumerate().all(|(axis, &code)| self.value(axis, code).is_some())
    }
}

/// One table: the section, body system and operation (positions 1-3) and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcsTable {
    /// Position 1.
    pub section: AxisValue,
    /// Position 2.
    pub body_system: AxisValue,
    /// Position 3 (the root operation, or the type in ancillary sections).
    pub operation: AxisValue,
    /// CMS's definition of the operation, when the file gives one.
    pub operation_definition: Option<String>,
    /// The names of the seven axes as this table titles them (e.g. "Body Part", "Contrast").
    pub axis_titles: [Arc<str>; 7],
    /// The rows, in file order.
    pub rows: Vec<PcsRow>,
}

impl PcsTable {
    /// The first three characters of the table's codes, e.g. "0DT".
    pub fn prefix(&self) -> String {
        [self.section.code, self.body_system.code, self.operation.code].iter().collect()
    }

    /// Positions 1-3 as values.
    pub fn head(&self) -> [&AxisValue; 3] {
        [&self.section, &self.body_system, &self.operation]
    }

    /// How many codes the table makes.
    pub fn code_count(&self) -> usize {
        self.rows.iter().map(PcsRow::code_count).sum()
    }

    /// The codes of the table, row by row, each axis in the order listed.
    pub fn entries(&self) -> impl Iterator<Item = PcsCode<'_>> + '_ {
        self.rows.iter().flat_map(move |row| {
            let [parts, approaches, devices, qualifiers] = &row.axes;
            parts.iter().flat_map(move |part| {
                approaches.iter().flat_map(move |approach| {
                    devices.iter().flat_map(move |device| {
                        qualifiers.iter().map(move |qualifier| PcsCode {
                            table: self,
                            row,
                            values: [part, approach, device, qualifier],
                        })
                    })
                })
            })
        })
    }

    /// The code made of positions 4-7 `tail`, if a row of the table allows it.
    fn resolve(&self, tail: [char; 4]) -> Option<PcsCode<'_>> {
        self.rows.iter().find_map(|row| {
            let [part, approach, device, qualifier] = [0, 1, 2, 3].map(|axis| row.value(axis, tail[axis]));
            Some(PcsCode { table: self, row, values: [part?, approach?, device?, qualifier?] })
        })
    }
}

/// One valid code, resolved to its table, row and values.
#[derive(Debug, Clone, Copy)]
pub struct PcsCode<'a> {
    /// The table the code belongs to.
    pub table: &'a PcsTable,
    /// The row that allows it.
    pub row: &'a PcsRow,
    /// Its values at positions 4..7.
    pub values: [&'a AxisValue; 4],
}

impl<'a> PcsCode<'a> {
    /// The seven characters.
    pub fn code(&self) -> String {
        self.table.head().iter().chain(self.values.iter()).map(|value| value.code).collect()
    }

    /// The long title, phrased the way CMS phrases its long titles.
    pub fn title(&self) -> String {
        title::long_title(self)
    }

    /// The seven values with the names of their axes.
    pub fn axes(&self) -> CodeAxes<'a> {
        let [section, body_system, operation] = self.table.head();
        let values = [section, body_system, operation, self.values[0], self.values[1], self.values[2], self.values[3]];
        let titles = &self.table.axis_titles;
        CodeAxes {
            axes: [0, 1, 2, 3, 4, 5, 6].map(|at| AxisRef {
                position: at as u8 + 1,
                name: &titles[at],
                value: values[at],
            }),
        }
    }
}

/// The value at one position of a code, with the axis's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxisRef<'a> {
    /// 1..7.
    pub position: u8,
    /// The axis name the table gives, e.g. "Body Part" or "Contrast".
    pub name: &'a str,
    /// The value.
    pub value: &'a AxisValue,
}

/// The seven axis values of a code, position 1 first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeAxes<'a> {
    /// Positions 1..7.
    pub axes: [AxisRef<'a>; 7],
}

/// Why a set of tables was refused: the table (by index in the list given) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("table {prefix}: {reason}")]
pub struct PcsTablesError {
    /// Index of the table in the list given to [`PcsTables::new`].
    pub index: usize,
    /// Its prefix.
    pub prefix: String,
    /// What is wrong.
    pub reason: String,
}

/// The ICD-10-PCS tables of one release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcsTables {
    version: String,
    tables: Vec<PcsTable>,
    by_prefix: HashMap<[char; 3], usize>,
}

/// Whether `code` may appear in an ICD-10-PCS code: 0-9 and A-Z except I and O (upper case).
pub fn is_pcs_char(code: char) -> bool {
    u8::try_from(code).is_ok_and(is_pcs_character)
}

impl PcsTables {
    /// Builds the tables of release `version`. Refuses a duplicate table, a table without rows,
    /// an empty axis, a character that is not a PCS character, a character listed twice on one
    /// axis, and two rows of a table that would make the same code.
    pub fn new(version: impl Into<String>, tables: Vec<PcsTable>) -> Result<PcsTables, PcsTablesError> {
        let mut by_prefix = HashMap::with_capacity(tables.len());
        for (index, table) in tables.iter().enumerate() {
            let fail = |reason: String| PcsTablesError { index, prefix: table.prefix(), reason };
            check_table(table).map_err(fail)?;
            let key = [table.section.code, table.body_system.code, table.operation.code];
            if let Some(first) = by_prefix.insert(key, index) {
                return Err(fail(format!("appears twice (first as table {})", first + 1)));
            }
        }
        Ok(PcsTables { version: version.into(), tables, by_prefix })
    }

    /// The release's version as the file gives it, e.g. "2026".
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The tables in file order.
    pub fn tables(&self) -> &[PcsTable] {
        &self.tables
    }

    /// The table whose codes start with `prefix` (three characters), if any.
    pub fn table(&self, prefix: &str) -> Option<&PcsTable> {
        let mut chars = prefix.chars();
        let key = [chars.next()?, chars.next()?, chars.next()?];
        if chars.next().is_some() {
            return None;
        }
        self.table_of(key)
    }

    fn table_of(&self, key: [char; 3]) -> Option<&PcsTable> {
        self.by_prefix.get(&key).and_then(|&index| self.tables.get(index))
    }

    /// Every code: tables in file order, rows in table order, axis values in the order listed.
    pub fn entries(&self) -> impl Iterator<Item = PcsCode<'_>> + '_ {
        self.tables.iter().flat_map(PcsTable::entries)
    }

    /// Every code as text, in the order of [`entries`](Self::entries).
    pub fn codes(&self) -> impl Iterator<Item = String> + '_ {
        self.entries().map(|entry| entry.code())
    }

    /// How many codes the release has.
    pub fn code_count(&self) -> usize {
        self.tables.iter().map(PcsTable::code_count).sum()
    }

    /// How many rows the release has.
    pub fn row_count(&self) -> usize {
        self.tables.iter().map(|table| table.rows.len()).sum()
    }

    /// The valid code `code` (seven upper-case characters), resolved; `None` if it is not valid.
    pub fn lookup(&self, code: &str) -> Option<PcsCode<'_>> {
        let chars: Vec<char> = code.chars().collect();
        let [a, b, c, d, e, f, g] = <[char; 7]>::try_from(chars).ok()?;
        self.table_of([a, b, c])?.resolve([d, e, f, g])
    }

    /// The long title of a valid code, phrased the way CMS phrases its long titles.
    pub fn title(&self, code: &str) -> Option<String> {
        self.lookup(code).map(|entry| entry.title())
    }

    /// The seven axis values of a valid code with the names of their axes.
    pub fn axes(&self, code: &str) -> Option<CodeAxes<'_>> {
        self.lookup(code).map(|entry| entry.axes())
    }
}

fn check_table(table: &PcsTable) -> Result<(), String> {
    for value in table.head() {
        if !is_pcs_char(value.code) {
            return Err(format!("{:?} is not an ICD-10-PCS character", value.code));
        }
    }
    if table.rows.is_empty() {
        return Err("the table has no rows".to_string());
    }
    for (at, row) in table.rows.iter().enumerate() {
        for (axis, values) in row.axes.iter().enumerate() {
            let position = axis + 4;
            if values.is_empty() {
                return Err(format!("row {} has no values at position {position}", at + 1));
            }
            for (index, value) in values.iter().enumerate() {
                if !is_pcs_char(value.code) {
                    return Err(format!("row {}: {:?} is not an ICD-10-PCS character", at + 1, value.code));
                }
                if values[..index].iter().any(|earlier| earlier.code == value.code) {
                    return Err(format!("row {} lists {} twice at position {position}", at + 1, value.code));
                }
            }
        }
        for (earlier_at, earlier) in table.rows[..at].iter().enumerate() {
            let overlap =
                (0..4).all(|axis| row.axes[axis].iter().any(|value| earlier.value(axis, value.code).is_some()));
            if overlap {
                return Err(format!("rows {} and {} both make the same codes", earlier_at + 1, at + 1));
            }
        }
    }
    Ok(())
}
