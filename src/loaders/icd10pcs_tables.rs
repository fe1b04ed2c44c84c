//! Loader for CMS's ICD-10-PCS tables XML (`icd10pcs_tables_YYYY.xml`, root `ICD10PCS.tabular`,
//! FORMATS.md §7): `<version>`, then `<pcsTable>` elements, each with `<axis pos="1..3">`
//! (section, body system, operation: a `<title>`, one `<label code>`, a `<definition>` for the
//! operation) and `<pcsRow codes="N">` elements holding `<axis pos="4..7" values="N">` with
//! their `<label code>`s. Labels are shared (`Arc<str>`) across rows.
//!
//! A malformed or truncated file, an axis out of place or missing, a `values` or `codes` count
//! that disagrees with the labels, a label code that is not one PCS character, a code listed twice
//! on an axis, a table without rows and a duplicate table are refused with the file, line and reason.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use quick_xml::events::BytesStart;

use super::source;
use super::xml;
use super::LoadError;
use crate::codes::pcs::{is_pcs_char, AxisValue, PcsRow, PcsTable, PcsTables, DEFAULT_AXIS_TITLES};

/// Loads a tables file (gzip allowed).
pub fn load(path: &Path) -> Result<PcsTables, LoadError> {
    let text = source::read_text(path)?;
    parse(path, &text)
}

/// Parses tables XML text; `path` only names the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<PcsTables, LoadError> {
    let mut parser = Parser::new(path, text);
    xml::parse_events(path, text, &mut parser)?;
    parser.finish()
}

/// The elements the loader tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    Version,
    Table,
    Row,
    /// An `<axis>` of a table (positions 1-3) or of a row (4-7).
    Axis,
    AxisTitle,
    Label,
    Definition,
    /// Anything else: skipped.
    Other,
}

/// An open `<axis>`.
struct OpenAxis {
    position: usize,
    declared: usize,
    start: u64,
    title: Option<Arc<str>>,
    values: Vec<AxisValue>,
    definition: Option<String>,
}

/// An open `<pcsRow>`.
struct OpenRow {
    declared: usize,
    start: u64,
    axes: [Option<Vec<AxisValue>>; 4],
}

/// An open `<pcsTable>`.
struct OpenTable {
    start: u64,
    head: [Option<AxisValue>; 3],
    titles: [Option<Arc<str>>; 7],
    definition: Option<String>,
    rows: Vec<PcsRow>,
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
    stack: Vec<Tag>,
    version: Option<String>,
    tables: Vec<PcsTable>,
    /// Byte offset of each finished table, for errors found when the set is built.
    table_starts: Vec<u64>,
    first_offset_of: HashMap<[char; 3], u64>,
    table: Option<OpenTable>,
    row: Option<OpenRow>,
    axis: Option<OpenAxis>,
    label_code: char,
    buf: String,
    labels: HashSet<Arc<str>>,
    event_start: u64,
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl<'a> Parser<'a> {
    fn new(path: &'a Path, text: &'a str) -> Parser<'a> {
        Parser {
            path,
            text,
            stack: Vec::new(),
            version: None,
            tables: Vec::new(),
            table_starts: Vec::new(),
            first_offset_of: HashMap::new(),
            table: None,
            row: None,
            axis: None,
            label_code: ' ',
            buf: String::new(),
            labels: HashSet::new(),
            event_start: 0,
        }
    }

    fn line(&self, offset: u64) -> usize {
        xml::line_at(self.text, offset)
    }

    fn error_at(&self, offset: u64, reason: impl Into<String>) -> LoadError {
        LoadError::at_line(self.path, self.line(offset), reason)
    }

    fn error(&self, reason: impl Into<String>) -> LoadError {
        self.error_at(self.event_start, reason)
    }

    fn intern(&mut self, text: String) -> Arc<str> {
        if let Some(existing) = self.labels.get(text.as_str()) {
            return Arc::clone(existing);
        }
        let shared: Arc<str> = Arc::from(text);
        self.labels.insert(Arc::clone(&shared));
        shared
    }

    fn number(&self, start: &BytesStart<'_>, name: &str) -> Result<usize, LoadError> {
        let value = xml::required_attribute(start, name).map_err(|reason| self.error(reason))?;
        value.trim().parse::<usize>().map_err(|_| self.error(format!("bad {name}=\"{value}\"")))
    }

    fn start_axis(&mut self, start: &BytesStart<'_>, in_row: bool) -> Result<Tag, LoadError> {
        let positions = if in_row { 4..=7 } else { 1..=3 };
        let position = self.number(start, "pos")?;
        let declared = self.number(start, "values")?;
        let expected = match (&self.row, &self.table) {
            (Some(row), _) => 4 + row.axes.iter().filter(|axis| axis.is_some()).count(),
            (None, Some(table)) if table.rows.is_empty() => {
                1 + table.head.iter().filter(|value| value.is_some()).count()
            }
            _ => return Err(self.error("table axis after the table's rows")),
        };
        if !positions.contains(&position) || position != expected {
            return Err(self.error(format!("<axis pos=\"{position}\"> where axis {expected} was expected")));
        }
        self.axis = Some(OpenAxis {
            position,
            declared,
            start: self.event_start,
            title: None,
            values: Vec::new(),
            definition: None,
        });
        Ok(Tag::Axis)
    }

    fn start_row(&mut self, start: &BytesStart<'_>) -> Result<Tag, LoadError> {
        let missing = self.table.as_ref().and_then(|table| table.head.iter().position(Option::is_none));
        if let Some(at) = missing {
            return Err(self.error(format!("<pcsRow> before the table's axis {}", at + 1)));
        }
        let declared = self.number(start, "codes")?;
        self.row = Some(OpenRow { declared, start: self.event_start, axes: [None, None, None, None] });
        Ok(Tag::Row)
    }

    fn end_label(&mut self, text: String) -> Result<(), LoadError> {
        let code = self.label_code;
        if text.is_empty() {
            return Err(self.error(format!("label {code} has no text")));
        }
        if self.axis.as_ref().is_some_and(|axis| axis.values.iter().any(|value| value.code == code)) {
            return Err(self.error(format!("label code {code} appears twice in one axis")));
        }
        let label = self.intern(text);
        if let Some(axis) = self.axis.as_mut() {
            axis.values.push(AxisValue { code, label });
        }
        Ok(())
    }

    fn end_axis(&mut self) -> Result<(), LoadError> {
        let Some(axis) = self.axis.take() else {
            return Err(self.error("end of an axis that was not open"));
        };
        let found = axis.values.len();
        if found != axis.declared {
            let reason = format!("axis {} says values=\"{}\" but has {found} labels", axis.position, axis.declared);
            return Err(self.error_at(axis.start, reason));
        }
        if axis.position <= 3 {
            let mut values = axis.values.into_iter();
            let (Some(value), None) = (values.next(), values.next()) else {
                return Err(
                    self.error_at(axis.start, format!("table axis {} must have exactly one label", axis.position))
                );
            };
            if let Some(table) = self.table.as_mut() {
                table.head[axis.position - 1] = Some(value);
                table.titles[axis.position - 1] = axis.title;
                if axis.position == 3 {
                    table.definition = axis.definition;
                }
            }
            return Ok(());
        }
        if let Some(table) = self.table.as_mut() {
            if table.titles[axis.position - 1].is_none() {
                table.titles[axis.position - 1] = axis.title;
            }
        }
        if let Some(row) = self.row.as_mut() {
            row.axes[axis.position - 4] = Some(axis.values);
        }
        Ok(())
    }

    fn end_row(&mut self) -> Result<(), LoadError> {
        let Some(row) = self.row.take() else {
            return Err(self.error("end of a row that was not open"));
        };
        let [Some(parts), Some(approaches), Some(devices), Some(qualifiers)] = row.axes else {
            let missing = row.axes.iter().position(Option::is_none).map_or(4, |at| at + 4);
            return Err(self.error_at(row.start, format!("row has no axis {missing} (a row needs axes 4 to 7)")));
        };
        let row_built = PcsRow { axes: [parts, approaches, devices, qualifiers] };
        let made = row_built.code_count();
        if made != row.declared {
            let reason = format!("row says codes=\"{}\" but its axes make {made} codes", row.declared);
            return Err(self.error_at(row.start, reason));
        }
        if let Some(table) = self.table.as_mut() {
            table.rows.push(row_built);
        }
        Ok(())
    }

    fn end_table(&mut self) -> Result<(), LoadError> {
        let Some(table) = self.table.take() else {
            return Err(self.error("end of a table that was not open"));
        };
        let [Some(section), Some(body_system), Some(operation)] = table.head else {
            let missing = table.head.iter().position(Option::is_none).map_or(1, |at| at + 1);
            return Err(self.error_at(table.start, format!("table has no axis {missing}")));
        };
        let key = [section.code, body_system.code, operation.code];
        let prefix: String = key.iter().collect();
        if table.rows.is_empty() {
            return Err(self.error_at(table.start, format!("table {prefix} has no rows")));
        }
        if let Some(first) = self.first_offset_of.get(&key) {
            let reason = format!("duplicate table {prefix} (first at line {})", self.line(*first));
            return Err(self.error_at(table.start, reason));
        }
        self.first_offset_of.insert(key, table.start);
        let titles = table.titles;
        let axis_titles: [Arc<str>; 7] = std::array::from_fn(|at| match &titles[at] {
            Some(title) => Arc::clone(title),
            None => Arc::from(DEFAULT_AXIS_TITLES[at]),
        });
        self.table_starts.push(table.start);
        self.tables.push(PcsTable {
            section,
            body_system,
            operation,
            operation_definition: table.definition,
            axis_titles,
            rows: table.rows,
        });
        Ok(())
    }

    fn finish(self) -> Result<PcsTables, LoadError> {
        if !self.stack.is_empty() {
            let reason = format!("unexpected end of file: {} elements not closed", self.stack.len());
            return Err(self.error_at(self.text.len() as u64, reason));
        }
        let Some(version) = self.version else {
            return Err(LoadError::file(self.path, "no <version>: not an ICD-10-PCS tables file"));
        };
        if self.tables.is_empty() {
            return Err(LoadError::file(self.path, "no <pcsTable>: not an ICD-10-PCS tables file"));
        }
        let starts = self.table_starts;
        PcsTables::new(version, self.tables).map_err(|err| {
            let offset = starts.get(err.index).copied().unwrap_or(0);
            LoadError::at_line(self.path, xml::line_at(self.text, offset), err.to_string())
        })
    }
}

impl xml::EventParser for Parser<'_> {
    fn at(&mut self, offset: u64) {
        self.event_start = offset;
    }

    fn push_text(&mut self, text: &str) {
        let target = self.stack.iter().rev().find(|tag| **tag != Tag::Other);
        if matches!(target, Some(Tag::Version | Tag::AxisTitle | Tag::Label | Tag::Definition)) {
            self.buf.push_str(text);
        }
    }

    fn start(&mut self, start: &BytesStart<'_>) -> Result<(), LoadError> {
        let qualified = start.name();
        let name = qualified.as_ref().to_string();
        let tag = match (self.stack.last().copied(), name.as_str()) {
            (None, "ICD10PCS.tabular") => Tag::Root,
            (None, _) => return Err(self.error(format!("root element is <{name}>, not <ICD10PCS.tabular>"))),
            (Some(Tag::Root), "version") => Tag::Version,
            (Some(Tag::Root), "pcsTable") => {
                let open = OpenTable {
                    start: self.event_start,
                    head: [None, None, None],
                    titles: Default::default(),
                    definition: None,
                    rows: Vec::new(),
                };
                self.table = Some(open);
                Tag::Table
            }
            (Some(Tag::Table), "axis") => self.start_axis(start, false)?,
            (Some(Tag::Table), "pcsRow") => self.start_row(start)?,
            (Some(Tag::Row), "axis") => self.start_axis(start, true)?,
            (Some(Tag::Axis), "title") => Tag::AxisTitle,
            (Some(Tag::Axis), "label") => {
                let code = xml::required_attribute(start, "code").map_err(|reason| self.error(reason))?;
                let mut chars = code.chars();
                match (chars.next(), chars.next()) {
                    (Some(character), None) if is_pcs_char(character) => self.label_code = character,
                    _ => {
                        let reason =
                            format!("label code \"{code}\" is not one ICD-10-PCS character (0-9, A-Z except I and O)");
                        return Err(self.error(reason));
                    }
                }
                Tag::Label
            }
            (Some(Tag::Axis), "definition") => Tag::Definition,
            (Some(Tag::Root | Tag::Table | Tag::Row), "axis" | "pcsRow" | "pcsTable" | "label") => {
                return Err(self.error(format!("<{name}> out of place")));
            }
            _ => Tag::Other,
        };
        if matches!(tag, Tag::Version | Tag::AxisTitle | Tag::Label | Tag::Definition) {
            self.buf.clear();
        }
        self.stack.push(tag);
        Ok(())
    }

    fn end(&mut self) -> Result<(), LoadError> {
        let Some(tag) = self.stack.pop() else {
            return Err(self.error("end tag without a start tag"));
        };
        let text = collapse_whitespace(&std::mem::take(&mut self.buf));
        match tag {
            Tag::Version => self.version = Some(text),
            Tag::AxisTitle => {
                let title = self.intern(text);
                if let Some(axis) = self.axis.as_mut() {
                    axis.title = Some(title);
                }
            }
            Tag::Definition => {
                if let Some(axis) = self.axis.as_mut() {
                    axis.definition = Some(text);
                }
            }
            Tag::Label => self.end_label(text)?,
            Tag::Axis => self.end_axis()?,
            Tag::Row => self.end_row()?,
            Tag::Table => self.end_table()?,
            Tag::Root | Tag::Other => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<ICD10PCS.tabular>
  <version>2026</version>
  <pcsTable>
    <axis pos="1" values="1"><title>Section</title><label code="0">Medical and Surgical</label></axis>
    <axis pos="2" values="1"><title>Body System</title><label code="D">Gastrointestinal System</label></axis>
    <axis pos="3" values="1"><title>Operation</title><label code="T">Resection</label>
      <definition>Cutting out or off, without replacement, all of a body part</definition></axis>
    <pcsRow codes="2">
      <axis pos="4" values="1"><title>Body Part</title><label code="J">Appendix</label></axis>
      <axis pos="5" values="2"><title>Approach</title><label code="0">Open</label><label code="4">Percutaneous Endoscopic</label></axis>
      <axis pos="6" values="1"><title>Device</title><label code="Z">No Device</label></axis>
      <axis pos="7" values="1"><title>Qualifier</title><label code="Z">No Qualifier</label></axis>
    </pcsRow>
  </pcsTable>
</ICD10PCS.tabular>
"#;

    fn refusal(text: &str) -> (Option<usize>, String) {
        let err = parse(Path::new("tables.xml"), text).unwrap_err();
        (err.line, err.reason)
    }

    /// SAMPLE without its line holding `needle`.
    fn without_line(needle: &str) -> String {
        SAMPLE.lines().filter(|line| !line.contains(needle)).map(|line| format!("{line}\n")).collect()
    }

    #[test]
    fn reads_tables_rows_titles_and_definitions() {
        let tables = parse(Path::new("tables.xml"), SAMPLE).unwrap();
        assert_eq!(tables.version(), "2026");
        assert_eq!(tables.codes().collect::<Vec<_>>(), ["0DTJ0ZZ", "0DTJ4ZZ"]);
        let table = tables.table("0DT").unwrap();
        assert_eq!(&*table.operation.label, "Resection");
        let definition = table.operation_definition.as_deref();
        assert_eq!(definition, Some("Cutting out or off, without replacement, all of a body part"));
        assert_eq!(&*table.axis_titles[4], "Approach");
    }

    #[test]
    fn refuses_a_truncated_file() {
        let cut = SAMPLE.find("</pcsRow>").unwrap();
        assert_eq!(refusal(&SAMPLE[..cut]), (Some(14), "unexpected end of file: 3 elements not closed".into()));
        let (line, reason) = refusal(&SAMPLE[..SAMPLE.find("Gastro").unwrap() - 10]);
        assert_eq!(line, Some(6));
        assert!(reason.starts_with("malformed XML"), "{reason}");
        let (line, reason) = refusal("<ICD10CM.index><version>2025</version></ICD10CM.index>");
        assert_eq!((line, reason), (Some(1), "root element is <ICD10CM.index>, not <ICD10PCS.tabular>".into()));
    }

    #[test]
    fn refuses_a_bad_label_code() {
        let (line, reason) = refusal(&SAMPLE.replace(r#"<label code="J">"#, r#"<label code="I">"#));
        assert_eq!(line, Some(10));
        assert_eq!(reason, r#"label code "I" is not one ICD-10-PCS character (0-9, A-Z except I and O)"#);
        let (line, reason) = refusal(&SAMPLE.replace(r#"<label code="T">"#, r#"<label code="TT">"#));
        assert_eq!(line, Some(7));
        assert!(reason.starts_with(r#"label code "TT" is not one"#), "{reason}");
    }

    #[test]
    fn refuses_counts_that_disagree_with_the_labels() {
        let (line, reason) = refusal(&SAMPLE.replace(r#"<axis pos="5" values="2">"#, r#"<axis pos="5" values="3">"#));
        assert_eq!(line, Some(11));
        assert_eq!(reason, r#"axis 5 says values="3" but has 2 labels"#);
        let (line, reason) = refusal(&SAMPLE.replace(r#"<pcsRow codes="2">"#, r#"<pcsRow codes="99">"#));
        assert_eq!(line, Some(9));
        assert_eq!(reason, r#"row says codes="99" but its axes make 2 codes"#);
    }

    #[test]
    fn refuses_a_row_missing_an_axis_and_a_duplicate_table() {
        let missing_last = refusal(&without_line(r#"<axis pos="7""#));
        assert_eq!(missing_last, (Some(9), "row has no axis 7 (a row needs axes 4 to 7)".into()));
        let missing_middle = refusal(&without_line(r#"<axis pos="6""#));
        assert_eq!(missing_middle, (Some(12), r#"<axis pos="7"> where axis 6 was expected"#.into()));
        let table_start = SAMPLE.find("  <pcsTable>").unwrap();
        let table_end = SAMPLE.find("</ICD10PCS.tabular>").unwrap();
        let doubled = format!("{}{}{}", &SAMPLE[..table_end], &SAMPLE[table_start..table_end], &SAMPLE[table_end..]);
        assert_eq!(refusal(&doubled), (Some(16), "duplicate table 0DT (first at line 4)".into()));
    }
}
