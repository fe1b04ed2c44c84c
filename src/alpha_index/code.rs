//! A code as the Alphabetic Index prints it: `E11.9`, or a category or subcategory the coder
//! must complete from the Tabular List (`S72.00-`, `D05.-`, a `<subcat>` or "see category").

use std::fmt;

/// How an index code was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeForm {
    /// A code as written, e.g. `E11.9` (it may still lack a 7th character).
    Code,
    /// A category or subcategory written with a trailing dash, e.g. `S72.00-`, `D05.-`.
    Category,
    /// A `<subcat>` element: a subcategory to complete, written without the dash.
    Subcategory,
    /// A `<seecat>` element: "see category", a category to complete.
    SeeCategory,
}

/// A code from the index: its display form as written and its undotted code prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndexCode {
    display: String,
    code: String,
    form: CodeForm,
}

impl IndexCode {
    /// Parses a code as written in the index (`E11.9`, `S72.00-`, `D05.-`, `T75.0`): a letter,
    /// two letters or digits, then optionally a dot and one to four letters or digits, then
    /// optionally a dash. A trailing dash makes it a [`CodeForm::Category`].
    pub fn parse(text: &str) -> Option<IndexCode> {
        let display = text.trim();
        let (body, form) = match display.strip_suffix('-') {
            Some(body) => (body.strip_suffix('.').unwrap_or(body), CodeForm::Category),
            None => (display, CodeForm::Code),
        };
        let (category, subcode) = match body.split_once('.') {
            Some((category, subcode)) => (category, Some(subcode)),
            None => (body, None),
        };
        let category_ok = category.len() == 3
            && category.as_bytes()[0].is_ascii_uppercase()
            && category.bytes().skip(1).all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        let subcode_ok = subcode.is_none_or(|sub| {
            (1..=4).contains(&sub.len()) && sub.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        });
        if !category_ok || !subcode_ok {
            return None;
        }
        let code = format!("{category}{}", subcode.unwrap_or_default());
        Some(IndexCode { display: display.to_string(), code, form })
    }

    /// The same code, marked as written in a `<subcat>` or `<seecat>` element.
    pub fn with_form(mut self, form: CodeForm) -> IndexCode {
        self.form = form;
        self
    }

    /// The code as the index writes it, e.g. `S72.00-`.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The undotted code, without a trailing dash: `S7200` for `S72.00-`, `E119` for `E11.9`.
    /// For a category to complete it is the prefix of the codes to choose from.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// How the code was written.
    pub fn form(&self) -> CodeForm {
        self.form
    }

    /// Whether the coder must complete the code from the Tabular List (a category or
    /// subcategory rather than a code as written).
    pub fn is_incomplete(&self) -> bool {
        self.form != CodeForm::Code
    }
}

impl fmt::Display for IndexCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_categories() {
        let code = IndexCode::parse("E11.9").unwrap();
        assert_eq!((code.display(), code.code(), code.form()), ("E11.9", "E119", CodeForm::Code));
        assert!(!code.is_incomplete());

        let category = IndexCode::parse(" S72.00- ").unwrap();
        assert_eq!((category.display(), category.code()), ("S72.00-", "S7200"));
        assert!(category.is_incomplete());

        let dotted = IndexCode::parse("D05.-").unwrap();
        assert_eq!((dotted.code(), dotted.form()), ("D05", CodeForm::Category));
        assert_eq!(IndexCode::parse("X58").unwrap().code(), "X58");
        assert_eq!(IndexCode::parse("T39.1X1").unwrap().code(), "T391X1");

        let subcat = IndexCode::parse("T75.0").unwrap().with_form(CodeForm::Subcategory);
        assert!(subcat.is_incomplete());
        assert_eq!(subcat.to_string(), "T75.0");
    }

    #[test]
    fn refuses_what_is_not_a_code() {
        for bad in ["", "-", "--", "E1", "e11.9", "E11.", "E11.12345", "E11-9", "1E1.9", "E11.9--", "E11..9"] {
            assert_eq!(IndexCode::parse(bad), None, "{bad:?}");
        }
    }
}
