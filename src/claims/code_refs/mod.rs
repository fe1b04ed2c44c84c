//! Code references in the text of ICD-10-CM tabular notes, parsed into sets of codes.
//!
//! Notes cite the codes they are about in parentheses: `type 1 diabetes mellitus (E10.-)`,
//! `(O10-O11, O13-O16)`, `(E08-E13 with .42)`, `(B27.0-B27.9 with fifth character 1)`.
//! [`references_in`] finds every parenthesised list that holds a code and parses it into a
//! [`CodeSet`]; [`CodeSet::contains`] tells whether an undotted code is in it. Parsing is
//! pure: no release is needed, and ranges compare codes character by character (ASCII), which
//! agrees with the tabular order for every range the FY2026 notes cite (checked by
//! `tests/claims_tabular.rs`; it would not for a range whose bounds straddle a category with
//! a letter third, such as M1A, which the tabular list files between M10 and M11).

mod parse;

use std::fmt;

use parse::{parse_condition, parse_scope};

/// The codes one reference names, before any character condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// A code or a code prefix, undotted: every code that starts with it. `E11.9` names E119,
    /// `E10.-` every E10 code, `T45.1X5` the 7th-character codes T451X5A, T451X5D, T451X5S.
    Stem(Box<str>),
    /// Every code between two bounds, inclusive, each bound compared at its own length:
    /// `O10-O11` holds O10 and O11 codes, `N18.1-N18.6` holds N181..N186 and their children.
    Range {
        /// Lower bound, undotted.
        low: Box<str>,
        /// Upper bound, undotted.
        high: Box<str>,
    },
}

/// A condition on the characters of the codes a scope names (`with .42`, `with fifth
/// character 1`). Indexes count characters of the undotted code from 0 (the 5th character
/// of `B27.01` is at index 4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// The characters from `index` on, compared at the bounds' length, lie between `low`
    /// and `high` inclusive: `with .42` → index 3, 42..42; `with sixth character 1-4` →
    /// index 5, 1..4.
    At {
        /// First character compared.
        index: u8,
        /// Lower bound.
        low: Box<str>,
        /// Upper bound (same length as `low`).
        high: Box<str>,
    },
    /// The character at `index` is one of `chars` (`with open fracture 7th character`).
    OneOf {
        /// The character compared.
        index: u8,
        /// The allowed characters.
        chars: Box<str>,
    },
    /// The intent character of a T36-T65 code lies between `low` and `high`: the 6th
    /// character, or the 5th when the 6th is the placeholder `X` or absent. This is how the
    /// notes' "fifth or sixth character 5" reads: `T36.0X5A` and `T39.95XA` are adverse
    /// effects, `T40.411A` (5th character 1, 6th 1) is not.
    Intent {
        /// Lowest intent character.
        low: u8,
        /// Highest intent character.
        high: u8,
    },
    /// The code ends with these characters (`I69. with final characters -23`).
    EndsWith(Box<str>),
}

/// One reference of a list: a scope and, when the note says `with ...`, a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRef {
    /// The codes named.
    pub scope: Scope,
    /// A condition on their characters.
    pub condition: Option<Condition>,
}

/// The codes one parenthesised list of a note names, with the list's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSet {
    text: String,
    refs: Vec<CodeRef>,
}

/// Why a list that holds a code could not be read as a list of references.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a code reference list: {text:?} ({reason})")]
pub struct RefParseError {
    /// The list text.
    pub text: String,
    /// What did not parse.
    pub reason: &'static str,
}

/// The code references of one note's text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteReferences {
    /// Every parenthesised list that holds a code and parses.
    pub sets: Vec<CodeSet>,
    /// Parenthesised lists that hold a code but do not parse.
    pub unparsed: Vec<RefParseError>,
    /// The text names a code somewhere (inside parentheses or not).
    pub names_a_code: bool,
}

impl NoteReferences {
    /// Whether the note cites codes and every parenthesised list of it parses. A note that
    /// names codes only outside parentheses (`classified to Q87.-`) is not resolved.
    pub fn resolved(&self) -> bool {
        !self.sets.is_empty() && self.unparsed.is_empty()
    }

    /// Whether any set holds `code` (undotted).
    pub fn contains(&self, code: &str) -> bool {
        self.sets.iter().any(|set| set.contains(code))
    }
}

impl CodeSet {
    /// Parses the text of a reference list (without its parentheses): references separated
    /// by commas or `and`, each a code, a prefix (`E10.-`, `A04.7-`, `I69.`) or a range
    /// (`O10-O11`, `I01.0 -I01.9`, `M05.00 to M05.8A`, `I70.2--I70.7-`), optionally followed
    /// by `with` and a character condition.
    pub fn parse(text: &str) -> Result<CodeSet, RefParseError> {
        let fail = |reason| RefParseError { text: text.to_string(), reason };
        let mut refs: Vec<CodeRef> = Vec::new();
        let unified = text.replace(" and ", ",");
        for segment in unified.split(',').map(str::trim).filter(|segment| !segment.is_empty()) {
            let (base, condition_text) = match segment.find("with") {
                Some(at) => (segment[..at].trim(), Some(segment[at + 4..].trim())),
                None => (segment, None),
            };
            let condition = match condition_text {
                Some(condition_text) => Some(parse_condition(condition_text).ok_or_else(|| fail("condition"))?),
                None => None,
            };
            if base.is_empty() {
                // `T39.0-, with sixth character 1-4`: the condition belongs to the reference before.
                let previous = refs.last_mut().ok_or_else(|| fail("condition without a reference"))?;
                previous.condition = condition;
                continue;
            }
            let scope = parse_scope(base).ok_or_else(|| fail("reference"))?;
            refs.push(CodeRef { scope, condition });
        }
        if refs.is_empty() {
            return Err(fail("no reference"));
        }
        Ok(CodeSet { text: text.trim().to_string(), refs })
    }

    /// Whether the set holds `code` (undotted, upper-case).
    pub fn contains(&self, code: &str) -> bool {
        self.refs.iter().any(|reference| reference.contains(code))
    }

    /// The list's text as the note writes it (inside the parentheses).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The references.
    pub fn refs(&self) -> &[CodeRef] {
        &self.refs
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.refs.capacity() * std::mem::size_of::<CodeRef>()
            + self.refs.iter().map(CodeRef::heap_bytes).sum::<usize>()
    }

    /// Applies a condition written after the closing parenthesis (`(T36-T50) with fifth or
    /// sixth character 6`) to the last reference that has none.
    fn apply_trailing(&mut self, condition: Condition) {
        if let Some(last) = self.refs.last_mut().filter(|last| last.condition.is_none()) {
            last.condition = Some(condition);
        }
    }
}

impl fmt::Display for CodeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({})", self.text)
    }
}

impl CodeRef {
    /// Whether the reference names `code` (undotted).
    pub fn contains(&self, code: &str) -> bool {
        let in_scope = match &self.scope {
            Scope::Stem(stem) => code.starts_with(&**stem),
            Scope::Range { low, high } => at_least(code, low) && at_most(code, high),
        };
        in_scope && self.condition.as_ref().is_none_or(|condition| condition.holds(code))
    }

    fn heap_bytes(&self) -> usize {
        let scope = match &self.scope {
            Scope::Stem(stem) => stem.len(),
            Scope::Range { low, high } => low.len() + high.len(),
        };
        let condition = match &self.condition {
            Some(Condition::At { low, high, .. }) => low.len() + high.len(),
            Some(Condition::OneOf { chars, .. }) => chars.len(),
            Some(Condition::EndsWith(end)) => end.len(),
            Some(Condition::Intent { .. }) | None => 0,
        };
        scope + condition
    }
}

impl Condition {
    /// Whether `code` (undotted) meets the condition.
    pub fn holds(&self, code: &str) -> bool {
        let bytes = code.as_bytes();
        match self {
            Condition::At { index, low, high } => {
                let start = usize::from(*index);
                let Some(part) = bytes.get(start..start + low.len()) else {
                    return false;
                };
                low.as_bytes() <= part && part <= high.as_bytes()
            }
            Condition::OneOf { index, chars } => {
                bytes.get(usize::from(*index)).is_some_and(|byte| chars.as_bytes().contains(byte))
            }
            Condition::Intent { low, high } => {
                let intent = match bytes.get(5) {
                    Some(&sixth) if sixth != b'X' => Some(sixth),
                    _ => bytes.get(4).copied(),
                };
                intent.is_some_and(|intent| (*low..=*high).contains(&intent))
            }
            Condition::EndsWith(end) => code.ends_with(&**end),
        }
    }
}

/// `code` compared at the length of `low` is not below it.
fn at_least(code: &str, low: &str) -> bool {
    let length = low.len().min(code.len());
    code.as_bytes()[..length] >= *low.as_bytes()
}

/// `code` compared at the length of `high` is not above it.
fn at_most(code: &str, high: &str) -> bool {
    let length = high.len().min(code.len());
    code.as_bytes()[..length] <= high.as_bytes()[..length]
}

/// The code references of a note: every parenthesised list that holds a code (an innermost
/// `( ... )`, or an unclosed `(` to the end of the text), parsed; plus whether the text
/// names a code anywhere.
pub fn references_in(note: &str) -> NoteReferences {
    let mut found = NoteReferences { names_a_code: names_a_code(note), ..NoteReferences::default() };
    if !found.names_a_code {
        return found;
    }
    let mut open: Option<usize> = None;
    let mut lists: Vec<(usize, usize)> = Vec::new();
    for (at, byte) in note.bytes().enumerate() {
        match byte {
            b'(' => open = Some(at + 1),
            b')' => {
                if let Some(start) = open.take() {
                    lists.push((start, at));
                }
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        lists.push((start, note.len()));
    }
    for (start, end) in lists {
        let list = &note[start..end];
        if !names_a_code(list) {
            continue;
        }
        match CodeSet::parse(list) {
            Ok(mut set) => {
                if let Some(condition) = trailing_condition(note.get(end + 1..).unwrap_or("")) {
                    set.apply_trailing(condition);
                }
                found.sets.push(set);
            }
            Err(error) => found.unparsed.push(error),
        }
    }
    found
}

/// A condition right after a list's closing parenthesis: ` with fifth or sixth character 6`.
fn trailing_condition(after: &str) -> Option<Condition> {
    parse_condition(after.trim_start().strip_prefix("with ")?.trim())
}

/// Whether the text names an ICD-10-CM code or category: a capital letter, a digit and a
/// digit or capital letter, not inside a longer word (`E11`, `E11.9`, `C4A`; not `H1N1`).
pub fn names_a_code(text: &str) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|at| {
        let before_ok = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        let after_ok = bytes.get(at + 3).is_none_or(|next| !next.is_ascii_alphanumeric());
        before_ok && after_ok && bytes.get(at..at + 3).is_some_and(is_category)
    })
}

fn is_category(three: &[u8]) -> bool {
    matches!(three, [letter, digit, last]
        if letter.is_ascii_uppercase() && digit.is_ascii_digit()
            && (last.is_ascii_digit() || last.is_ascii_uppercase()))
}

#[cfg(test)]
mod tests;
