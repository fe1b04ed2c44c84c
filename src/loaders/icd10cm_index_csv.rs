//! Loader for the Index to Diseases and Injuries flattened to CSV by a third party
//! (`ICD10CM_2025_Index.csv`, PROVENANCE.md): header `RowID,Letter,Level,Term,See,SeeAlso,
//! NonEssModif,Code`, one row per main term (`Level` 0) or term (1..9) in document order, so
//! the tree is rebuilt from the order and the level.
//!
//! `NonEssModif` may hold several groups, "(-astasia) (hysterical)": each becomes a
//! nonessential modifier, and text among them (the flattening put title text that followed a
//! modifier there) goes back to the term. The CSV is read by the small RFC 4180 reader below:
//! no dependency of the project reads CSV, and quoted fields with commas are all it needs.

use std::path::Path;

use super::source;
use super::LoadError;
use crate::alpha_index::{
    append_essential, collapse_whitespace, split_modifiers, AlphaIndex, AlphaIndexBuilder, EntryId, IndexCode,
    IndexEntry, IndexKind,
};

/// The header the file must start with.
const HEADER: [&str; 8] = ["RowID", "Letter", "Level", "Term", "See", "SeeAlso", "NonEssModif", "Code"];

/// Loads the index CSV (gzip allowed) as the main index.
pub fn load(path: &Path) -> Result<AlphaIndex, LoadError> {
    let text = source::read_text(path)?;
    parse(path, &text)
}

/// Parses index CSV text; `path` only names the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<AlphaIndex, LoadError> {
    let mut records = Records::new(text);
    let header = match records.next() {
        None => return Err(LoadError::file(path, "empty file: not an index CSV")),
        Some(Err((line, reason))) => return Err(LoadError::at_line(path, line, reason)),
        Some(Ok((_, header))) => header,
    };
    if header != HEADER {
        let reason = format!("header is {:?}, expected {}", header.join(","), HEADER.join(","));
        return Err(LoadError::at_line(path, 1, reason));
    }
    let mut builder = AlphaIndexBuilder::new();
    let mut open: Vec<EntryId> = Vec::new();
    for record in records {
        let (line, fields) = record.map_err(|(line, reason)| LoadError::at_line(path, line, reason))?;
        let (level, entry) = row_entry(&fields).map_err(|reason| LoadError::at_line(path, line, reason))?;
        if level > open.len() {
            let reason = match open.len() {
                0 => format!("level {level} before the first main term (level 0)"),
                depth => format!("level {level} after a level {} row: a level was skipped", depth - 1),
            };
            return Err(LoadError::at_line(path, line, reason));
        }
        open.truncate(level);
        let id = match open.last() {
            None => builder.push_main_term(entry),
            Some(&parent) => match builder.push_term(parent, entry) {
                Some(id) => id,
                None => return Err(LoadError::at_line(path, line, format!("level {level} is too deep"))),
            },
        };
        open.push(id);
    }
    if builder.is_empty() {
        return Err(LoadError::file(path, "no rows: not an index CSV"));
    }
    Ok(builder.build())
}

/// One data row as an entry and its level; the error is the reason the row is refused.
fn row_entry(fields: &[String]) -> Result<(usize, IndexEntry), String> {
    let [row_id, _letter, level, term, see, see_also, nonessential, code] = fields else {
        return Err(format!("{} fields, expected {}", fields.len(), HEADER.len()));
    };
    if row_id.is_empty() || !row_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("bad RowID {row_id:?}"));
    }
    let level: usize = match level.trim().parse() {
        Ok(level) if level <= 99 => level,
        _ => return Err(format!("bad Level {level:?}")),
    };
    let modifiers = split_modifiers(nonessential);
    let mut title = collapse_whitespace(term);
    append_essential(&mut title, &modifiers.essential);
    if title.is_empty() && modifiers.groups.is_empty() {
        return Err("empty Term".to_string());
    }
    let mut entry = IndexEntry::new(IndexKind::Main, title);
    entry.nonessential = modifiers.groups;
    entry.see = non_empty(see);
    entry.see_also = non_empty(see_also);
    if !code.trim().is_empty() {
        entry.code = Some(IndexCode::parse(code).ok_or_else(|| format!("bad Code {code:?}"))?);
    }
    Ok((level, entry))
}

fn non_empty(text: &str) -> Option<String> {
    let text = collapse_whitespace(text);
    (!text.is_empty()).then_some(text)
}

/// RFC 4180 records: fields separated by commas, records by CRLF or LF, fields in double
/// quotes may hold commas, line breaks and doubled quotes. Blank lines are skipped. Each item
/// is the 1-based line the record starts on and its fields, or that line and the reason the
/// record is refused.
struct Records<'a> {
    text: &'a str,
    at: usize,
    line: usize,
}

impl<'a> Records<'a> {
    fn new(text: &'a str) -> Records<'a> {
        Records { text, at: 0, line: 1 }
    }

    fn record(&mut self) -> Result<Vec<String>, String> {
        let bytes = self.text.as_bytes();
        let mut fields = Vec::new();
        loop {
            let (field, next) = if bytes.get(self.at) == Some(&b'"') {
                self.quoted_field()?
            } else {
                let end = self.text[self.at..].find([',', '\r', '\n']).map_or(self.text.len(), |end| self.at + end);
                (self.text[self.at..end].to_string(), end)
            };
            fields.push(field);
            self.at = next;
            match bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'\r') if bytes.get(self.at + 1) == Some(&b'\n') => {
                    self.at += 2;
                    self.line += 1;
                    return Ok(fields);
                }
                Some(b'\n' | b'\r') => {
                    self.at += 1;
                    self.line += 1;
                    return Ok(fields);
                }
                None => return Ok(fields),
                Some(_) => return Err("text after a closing quote".to_string()),
            }
        }
    }

    /// Reads the quoted field at `self.at`: its text and the offset just after the closing quote.
    fn quoted_field(&mut self) -> Result<(String, usize), String> {
        let mut field = String::new();
        let mut at = self.at + 1;
        loop {
            let Some(offset) = self.text[at..].find('"') else {
                return Err("quoted field not closed before the end of the file".to_string());
            };
            let chunk = &self.text[at..at + offset];
            self.line += chunk.matches('\n').count() + chunk.matches('\r').count() - chunk.matches("\r\n").count();
            field.push_str(chunk);
            at += offset + 1;
            if self.text.as_bytes().get(at) == Some(&b'"') {
                field.push('"');
                at += 1;
            } else {
                return Ok((field, at));
            }
        }
    }
}

impl Iterator for Records<'_> {
    type Item = Result<(usize, Vec<String>), (usize, String)>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        while let Some(&end) = bytes.get(self.at).filter(|b| **b == b'\n' || **b == b'\r') {
            let crlf = end == b'\r' && bytes.get(self.at + 1) == Some(&b'\n');
            self.at += if crlf { 2 } else { 1 };
            self.line += 1;
        }
        if self.at >= self.text.len() {
            return None;
        }
        let start_line = self.line;
        match self.record() {
            Ok(fields) => Some(Ok((start_line, fields))),
            Err(reason) => {
                self.at = self.text.len();
                Some(Err((start_line, reason)))
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SMALL: &str = "RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code\r\n\
        1,A,0,Abasia,,,(-astasia) (hysterical),F44.4\r\n\
        2,A,0,Abandonment,Maltreatment,,,\r\n\
        3,A,0,Alder,,,(-Reilly) anomaly or syndrome  (leukocyte granulation),D72.0\n\
        4,A,1,\"with, comma \"\"quoted\"\"\",\" Pain,  abdominal \",,,\n\
        5,A,2,\"two\nlines\",,,,R10.9\n\
        6,A,1,,,,(somatoform),F45.41\n\n";

    fn parse_text(text: &str) -> Result<AlphaIndex, LoadError> {
        parse(Path::new("index.csv"), text)
    }

    #[test]
    fn rebuilds_the_tree_from_order_and_level() {
        let index = parse_text(SMALL).unwrap();
        assert_eq!(index.len(), 6);
        assert_eq!(index.main_terms(), [0, 1, 2]);
        let abasia = &index.entries()[0];
        assert_eq!(abasia.nonessential, ["(-astasia)", "(hysterical)"]);
        assert_eq!(abasia.code.as_ref().map(IndexCode::display), Some("F44.4"));
        assert_eq!(index.entries()[1].see.as_deref(), Some("Maltreatment"));
        assert_eq!(index.entries()[2].term, "Alder anomaly or syndrome");
        assert_eq!(index.entries()[2].nonessential, ["(-Reilly)", "(leukocyte granulation)"]);
        assert_eq!(index.path(4), ["Alder anomaly or syndrome", "with, comma \"quoted\"", "two lines"]);
        assert_eq!(index.entries()[3].see.as_deref(), Some("Pain, abdominal"));
        assert_eq!(index.children(2), [3, 5]);
        assert_eq!((index.entries()[5].term.as_str(), index.entries()[5].level), ("", 1));
        assert!(index.entries().iter().all(|e| e.kind == IndexKind::Main));
    }

    #[test]
    fn refuses_bad_rows_at_their_line() {
        let jump = SMALL.replace("5,A,2,", "5,A,3,");
        let err = parse_text(&jump).unwrap_err();
        assert_eq!(err.line, Some(6), "{err}");
        assert_eq!(err.reason, "level 3 after a level 1 row: a level was skipped");
        let first = parse_text("RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code\n1,A,1,x,,,,\n").unwrap_err();
        assert_eq!((first.line, first.reason.as_str()), (Some(2), "level 1 before the first main term (level 0)"));

        let err = parse_text(&SMALL.replace("F45.41", "F45-41")).unwrap_err();
        assert_eq!((err.line, err.reason.as_str()), (Some(8), "bad Code \"F45-41\""));
        let err = parse_text(&SMALL.replace("5,A,2,\"two", "5,A,2,\"two,,,,\n\"x")).unwrap_err();
        assert_eq!((err.line, err.reason.as_str()), (Some(6), "text after a closing quote"));
        let err = parse_text(&SMALL.replace("2,A,0,Abandonment,Maltreatment,,,", "2,A,0,x")).unwrap_err();
        assert_eq!((err.line, err.reason.as_str()), (Some(3), "4 fields, expected 8"));
        let truncated = &SMALL[..SMALL.find("lines").unwrap()];
        let err = parse_text(truncated).unwrap_err();
        assert_eq!(err.line, Some(6), "{err}");
        assert!(err.reason.contains("not closed"), "{err}");
        let err = parse_text("Row,Letter\n1,A\n").unwrap_err();
        assert_eq!(err.line, Some(1));
        assert_eq!(parse_text("").unwrap_err().line, None);
        assert_eq!(parse_text(&SMALL[..SMALL.find("1,A").unwrap()]).unwrap_err().line, None);
        assert_eq!(parse_text(&SMALL.replace("4,A,1,", "4,A,x,")).unwrap_err().reason, "bad Level \"x\"");
    }
}
