//! Index codes checked against the ICD-10-CM release in force: whether the code is there,
//! whether it is billable, and for a category to complete (`S72.00-`, or a drug-table code
//! that still needs its 7th character) which characters are missing.

use crate::codes::{Child, CodeEntry, Release};

use super::IndexCode;

/// What the release in force says of an index code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeInRelease<'a> {
    /// The release's entry for the code (or category), when it has one.
    pub entry: Option<&'a CodeEntry>,
    /// Whether the code can be billed as it stands.
    pub billable: bool,
    /// The missing character positions (1-based, first and last), for a code to complete.
    pub missing: Option<(usize, usize)>,
}

/// Looks `code` up in `release`.
pub fn check<'a>(release: &'a Release, code: &IndexCode) -> CodeInRelease<'a> {
    let entry = release.entry(code.code());
    let billable = entry.is_some_and(|entry| entry.billable) && !code.is_incomplete();
    let missing = if billable {
        None
    } else {
        deepest_billable(release, code.code(), 0).map(|length| (code.code().len() + 1, length))
    };
    CodeInRelease { entry, billable, missing }
}

/// The length of the longest billable code under `code` (searched a few levels down).
fn deepest_billable(release: &Release, code: &str, depth: usize) -> Option<usize> {
    if depth > 4 {
        return None;
    }
    let children = release.children(Some(code))?;
    let mut deepest = None;
    for child in children {
        let Child::Entry(index) = child else { continue };
        let Some(entry) = release.entries.get(*index as usize) else { continue };
        let below = if entry.billable { Some(entry.code.len()) } else { None };
        let further = deepest_billable(release, &entry.code, depth + 1);
        deepest = deepest.max(below).max(further);
    }
    deepest.filter(|&length| length > code.len())
}

/// "6th and 7th characters", "7th character", "5th, 6th and 7th characters".
pub fn describe_missing(first: usize, last: usize) -> String {
    let ordinal = |n: usize| match n {
        1 => "1st".to_string(),
        2 => "2nd".to_string(),
        3 => "3rd".to_string(),
        n => format!("{n}th"),
    };
    let positions: Vec<String> = (first..=last).map(ordinal).collect();
    match positions.as_slice() {
        [] => String::new(),
        [one] => format!("{one} character"),
        [init @ .., last] => format!("{} and {last} characters", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_characters_are_named() {
        assert_eq!(describe_missing(7, 7), "7th character");
        assert_eq!(describe_missing(6, 7), "6th and 7th characters");
        assert_eq!(describe_missing(5, 7), "5th, 6th and 7th characters");
        assert_eq!(describe_missing(4, 4), "4th character");
    }
}
