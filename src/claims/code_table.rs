//! A compact, dated table of one code system's MCE entries: for each code, the date ranges
//! it is in the MCE and the edit flags it carries in each.
//!
//! Rows are sorted by (code, start) in one `Vec`, the code stored inline in 8 bytes, so a
//! lookup is a binary search with no allocation. Flag lists repeat a lot (a few dozen
//! distinct lists over ~85,000 entries), so each distinct list is stored once and rows
//! point at it by a 16-bit index.

use std::collections::HashMap;
use std::fmt;

use crate::codes::Date;

use super::flag::Flag;

/// The longest code a table stores (ICD-10-CM and ICD-10-PCS codes have at most 7).
pub const MAX_CODE_LEN: usize = 8;

/// A code packed into 8 bytes, padded with zeros (so byte order is code order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct CodeKey([u8; MAX_CODE_LEN]);

impl CodeKey {
    /// The key of a code as the MCE data writes it: 1 to 8 upper-case letters or digits.
    fn from_data(code: &str) -> Option<CodeKey> {
        if code.is_empty() || code.len() > MAX_CODE_LEN {
            return None;
        }
        if !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            return None;
        }
        let mut bytes = [0u8; MAX_CODE_LEN];
        bytes[..code.len()].copy_from_slice(code.as_bytes());
        Some(CodeKey(bytes))
    }

    /// The key of a code as a caller writes it: dots and surrounding blanks ignored, any case.
    fn from_query(code: &str) -> Option<CodeKey> {
        let mut bytes = [0u8; MAX_CODE_LEN];
        let mut len = 0;
        for byte in code.trim().bytes().filter(|&b| b != b'.') {
            if len == MAX_CODE_LEN || !byte.is_ascii_alphanumeric() {
                return None;
            }
            bytes[len] = byte.to_ascii_uppercase();
            len += 1;
        }
        (len > 0).then_some(CodeKey(bytes))
    }

    fn as_str(&self) -> &str {
        let len = self.0.iter().position(|&b| b == 0).unwrap_or(MAX_CODE_LEN);
        std::str::from_utf8(&self.0[..len]).unwrap_or_default()
    }
}

/// One stored entry: 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    code: CodeKey,
    start: Date,
    end: Option<Date>,
    flag_set: u16,
}

impl Row {
    fn applies_on(&self, date: Date) -> bool {
        self.start <= date && self.end.is_none_or(|end| date <= end)
    }
}

/// One dated MCE entry of a code, borrowed from its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MceEntry<'a> {
    /// The code, undotted, as the MCE data writes it (`N400`).
    pub code: &'a str,
    /// First day the entry applies.
    pub start: Date,
    /// Last day the entry applies; `None` while open.
    pub end: Option<Date>,
    /// The edit flags of the entry, in file order (empty for a valid code with no edits).
    pub flags: &'a [Flag],
}

impl MceEntry<'_> {
    /// Whether the entry applies to a date of service: start ≤ date and (open or date ≤ end).
    pub fn applies_on(&self, date: Date) -> bool {
        self.start <= date && self.end.is_none_or(|end| date <= end)
    }
}

impl fmt::Display for MceEntry<'_> {
    /// `N400 2015-10-01..2024-09-30 [male, adult]`; an open end is left blank.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}..", self.code, self.start)?;
        if let Some(end) = self.end {
            write!(f, "{end}")?;
        }
        f.write_str(" [")?;
        for (index, flag) in self.flags.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            f.write_str(flag.raw())?;
        }
        f.write_str("]")
    }
}

/// Why an entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// The code is empty, too long or has characters other than upper-case letters and digits.
    #[error("code must be 1 to {MAX_CODE_LEN} upper-case letters or digits, got {0:?}")]
    BadCode(String),
    /// The end date is before the start date.
    #[error("end date {end} is before start date {start}")]
    EndBeforeStart {
        /// First day.
        start: Date,
        /// Last day.
        end: Date,
    },
    /// More distinct flag lists than a 16-bit index can name.
    #[error("more than {} distinct flag lists", u16::MAX)]
    TooManyFlagLists,
    /// Two entries of the same code apply on the same day.
    #[error("code {code} has overlapping entries {first} and {second}")]
    Overlap {
        /// The code.
        code: String,
        /// The earlier entry's dates.
        first: String,
        /// The later entry's dates.
        second: String,
    },
}

/// The dated MCE entries of one code system (ICD-10-CM diagnoses or ICD-10-PCS procedures).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeTable {
    rows: Vec<Row>,
    flag_sets: Vec<Box<[Flag]>>,
}

impl CodeTable {
    /// The entry of `code` (dotted or not, any case) that applies on `date`; `None` when the
    /// code has no entry in force that day (not in the MCE: an invalid code).
    pub fn entry_on(&self, code: &str, date: Date) -> Option<MceEntry<'_>> {
        self.rows_of(code).iter().find(|row| row.applies_on(date)).map(|row| self.entry(row))
    }

    /// Every dated entry of `code`, oldest first.
    pub fn history(&self, code: &str) -> impl Iterator<Item = MceEntry<'_>> + '_ {
        self.rows_of(code).iter().map(|row| self.entry(row))
    }

    /// Every entry, in (code, start) order.
    pub fn iter(&self) -> impl Iterator<Item = MceEntry<'_>> + '_ {
        self.rows.iter().map(|row| self.entry(row))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Number of distinct flag lists stored.
    pub fn flag_list_count(&self) -> usize {
        self.flag_sets.len()
    }

    /// Approximate heap bytes held by the table.
    pub fn heap_bytes(&self) -> usize {
        let flag_bytes: usize = self
            .flag_sets
            .iter()
            .map(|set| {
                set.len() * size_of::<Flag>()
                    + set.iter().map(|flag| if let Flag::Other(raw) = flag { raw.capacity() } else { 0 }).sum::<usize>()
            })
            .sum();
        self.rows.capacity() * size_of::<Row>() + self.flag_sets.capacity() * size_of::<Box<[Flag]>>() + flag_bytes
    }

    fn rows_of(&self, code: &str) -> &[Row] {
        let Some(key) = CodeKey::from_query(code) else { return &[] };
        let first = self.rows.partition_point(|row| row.code < key);
        let count = self.rows[first..].iter().take_while(|row| row.code == key).count();
        &self.rows[first..first + count]
    }

    fn entry<'a>(&'a self, row: &'a Row) -> MceEntry<'a> {
        let flags = self.flag_sets.get(usize::from(row.flag_set)).map_or(&[][..], |set| &set[..]);
        MceEntry { code: row.code.as_str(), start: row.start, end: row.end, flags }
    }
}

/// Builds a [`CodeTable`] entry by entry, interning the flag lists.
#[derive(Debug, Default)]
pub struct CodeTableBuilder {
    rows: Vec<Row>,
    flag_sets: Vec<Box<[Flag]>>,
    flag_set_ids: HashMap<Vec<String>, u16>,
}

impl CodeTableBuilder {
    /// A builder with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> CodeTableBuilder {
        CodeTableBuilder { rows: Vec::with_capacity(capacity), ..CodeTableBuilder::default() }
    }

    /// Adds one entry. Empty flag strings (the MCE's "no flag") are dropped.
    pub fn push(&mut self, code: &str, start: Date, end: Option<Date>, raw_flags: &[String]) -> Result<(), EntryError> {
        let key = CodeKey::from_data(code).ok_or_else(|| EntryError::BadCode(code.chars().take(40).collect()))?;
        if let Some(end) = end.filter(|&end| end < start) {
            return Err(EntryError::EndBeforeStart { start, end });
        }
        let flag_set = self.intern(raw_flags)?;
        self.rows.push(Row { code: key, start, end, flag_set });
        Ok(())
    }

    /// The table, sorted by (code, start); refuses a code whose entries overlap in time.
    pub fn finish(mut self) -> Result<CodeTable, EntryError> {
        self.rows.sort_by_key(|row| (row.code, row.start));
        for pair in self.rows.windows(2) {
            let [first, second] = pair else { continue };
            if first.code == second.code && first.end.is_none_or(|end| end >= second.start) {
                return Err(EntryError::Overlap {
                    code: first.code.as_str().to_string(),
                    first: date_range(first),
                    second: date_range(second),
                });
            }
        }
        self.rows.shrink_to_fit();
        self.flag_sets.shrink_to_fit();
        Ok(CodeTable { rows: self.rows, flag_sets: self.flag_sets })
    }

    fn intern(&mut self, raw_flags: &[String]) -> Result<u16, EntryError> {
        let id = if raw_flags.iter().all(|raw| !raw.is_empty()) {
            self.flag_set_ids.get(raw_flags).copied()
        } else if raw_flags.iter().all(String::is_empty) {
            self.flag_set_ids.get(&[][..]).copied()
        } else {
            None
        };
        if let Some(id) = id {
            return Ok(id);
        }
        let kept: Vec<String> = raw_flags.iter().filter(|raw| !raw.is_empty()).cloned().collect();
        if let Some(&id) = self.flag_set_ids.get(&kept) {
            return Ok(id);
        }
        let id = u16::try_from(self.flag_sets.len()).map_err(|_| EntryError::TooManyFlagLists)?;
        self.flag_sets.push(kept.iter().map(|raw| Flag::from_raw(raw)).collect());
        self.flag_set_ids.insert(kept, id);
        Ok(id)
    }
}

fn date_range(row: &Row) -> String {
    match row.end {
        Some(end) => format!("{}..{end}", row.start),
        None => format!("{}..", row.start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn flags(raw: &[&str]) -> Vec<String> {
        raw.iter().map(|r| r.to_string()).collect()
    }

    fn sample() -> CodeTable {
        let mut builder = CodeTableBuilder::default();
        builder.push("N400", date("20241001"), None, &flags(&["adult"])).unwrap();
        builder.push("N400", date("20151001"), Some(date("20240930")), &flags(&["male", "adult"])).unwrap();
        builder.push("E11", date("20151001"), None, &flags(&[""])).unwrap();
        builder.push("E119", date("20151001"), None, &flags(&["qadm"])).unwrap();
        builder.push("A000", date("20151001"), None, &flags(&[""])).unwrap();
        builder.finish().unwrap()
    }

    #[test]
    fn finds_the_entry_in_force_on_the_date() {
        let table = sample();
        assert_eq!(table.len(), 5);
        let old = table.entry_on("N400", date("2024-09-30")).unwrap();
        assert_eq!(old.flags, &[Flag::Male, Flag::Adult]);
        assert_eq!(old.to_string(), "N400 2015-10-01..2024-09-30 [male, adult]");
        let new = table.entry_on("n40.0", date("2024-10-01")).unwrap();
        assert_eq!(new.flags, &[Flag::Adult]);
        assert_eq!(new.to_string(), "N400 2024-10-01.. [adult]");
        assert!(table.entry_on("N400", date("2015-09-30")).is_none(), "before the first entry");
        assert!(table.entry_on("N401", date("2025-01-01")).is_none());
        assert!(table.entry_on("", date("2025-01-01")).is_none());
        assert!(table.entry_on("N4000000000", date("2025-01-01")).is_none());
        assert!(table.entry_on("N4-0", date("2025-01-01")).is_none());
    }

    #[test]
    fn a_prefix_is_not_the_code() {
        let table = sample();
        assert_eq!(table.entry_on("E11", date("2025-01-01")).unwrap().flags, &[] as &[Flag]);
        assert_eq!(table.entry_on("E11.9", date("2025-01-01")).unwrap().flags, &[Flag::Qadm]);
        assert_eq!(table.history("E11").count(), 1);
        assert_eq!(
            table.history("N400").map(|e| e.start.to_string()).collect::<Vec<_>>(),
            ["2015-10-01", "2024-10-01"]
        );
    }

    #[test]
    fn flag_lists_are_stored_once() {
        let table = sample();
        assert_eq!(table.flag_list_count(), 4, "adult, male+adult, none, qadm");
        let codes: Vec<&str> = table.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["A000", "E11", "E119", "N400", "N400"]);
        assert!(table.heap_bytes() >= 5 * 24);
    }

    #[test]
    fn refuses_bad_codes_reversed_dates_and_overlaps() {
        let mut builder = CodeTableBuilder::default();
        let none = flags(&[]);
        assert!(matches!(builder.push("", date("20151001"), None, &none), Err(EntryError::BadCode(_))));
        assert!(matches!(builder.push("A00.0", date("20151001"), None, &none), Err(EntryError::BadCode(_))));
        assert!(matches!(builder.push("a000", date("20151001"), None, &none), Err(EntryError::BadCode(_))));
        assert!(matches!(builder.push("A000000000", date("20151001"), None, &none), Err(EntryError::BadCode(_))));
        assert!(matches!(
            builder.push("A000", date("20151001"), Some(date("20150930")), &none),
            Err(EntryError::EndBeforeStart { .. })
        ));
        builder.push("A000", date("20151001"), Some(date("20201001")), &none).unwrap();
        builder.push("A000", date("20201001"), None, &none).unwrap();
        let error = builder.finish().unwrap_err();
        assert_eq!(error.to_string(), "code A000 has overlapping entries 2015-10-01..2020-10-01 and 2020-10-01..");
    }
}
