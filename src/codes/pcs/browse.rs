//! Browsing the tables one position at a time, the way a coder builds a code: the values that
//! can follow a prefix, and the codes that start with it.

use std::collections::BTreeMap;

use super::{AxisValue, PcsRow, PcsTable, PcsTables};

impl PcsTables {
    /// The values of the next position after `prefix` (0 to 6 characters) that lead to at least
    /// one code, with their labels, in character order (0-9 then A-Z). Length 0 gives the
    /// sections, 1 the body systems, 2 the operations, 3 to 6 the row values allowed after it.
    /// A prefix no code starts with gives nothing.
    pub fn next_axis(&self, prefix: &str) -> Vec<AxisValue> {
        let chars: Vec<char> = prefix.chars().collect();
        let mut found: BTreeMap<char, &AxisValue> = BTreeMap::new();
        match chars.len() {
            depth @ 0..=2 => {
                for table in self.tables_matching(&chars) {
                    let value = table.head()[depth];
                    found.entry(value.code).or_insert(value);
                }
            }
            depth @ 3..=6 => {
                for row in self.rows_matching(&chars) {
                    for value in &row.axes[depth - 3] {
                        found.entry(value.code).or_insert(value);
                    }
                }
            }
            _ => {}
        }
        found.into_values().cloned().collect()
    }

    /// The codes starting with `prefix` (0 to 7 characters), sorted.
    pub fn codes_with_prefix(&self, prefix: &str) -> Vec<String> {
        let chars: Vec<char> = prefix.chars().collect();
        if chars.len() > 7 {
            return Vec::new();
        }
        let mut codes: Vec<String> = self
            .tables_matching(&chars)
            .flat_map(PcsTable::entries)
            .filter(|entry| entry.values.iter().zip(chars.iter().skip(3)).all(|(value, c)| value.code == *c))
            .map(|entry| entry.code())
            .collect();
        codes.sort_unstable();
        codes
    }

    /// Tables whose first characters match `chars` (up to three are looked at).
    fn tables_matching<'a>(&'a self, chars: &'a [char]) -> impl Iterator<Item = &'a PcsTable> + 'a {
        self.tables().iter().filter(move |table| table.head().iter().zip(chars).all(|(value, c)| value.code == *c))
    }

    /// Rows of the table named by `chars[..3]` allowing `chars[3..]`.
    fn rows_matching<'a>(&'a self, chars: &'a [char]) -> impl Iterator<Item = &'a PcsRow> + 'a {
        let table = match chars {
            [a, b, c, ..] => self.table_of([*a, *b, *c]),
            _ => None,
        };
        table.into_iter().flat_map(move |table| table.rows.iter().filter(move |row| row.admits(&chars[3..])))
    }
}
