//! Loader for the NCHS ICD-10-CM index XML (root `ICD10CM.index`, FORMATS.md §8): the Index to
//! Diseases and Injuries and the External Cause index (`<letter>`, `<mainTerm>`, nested
//! `<term level="N">` with `<title>`, `<code>`, `<see>`, `<seeAlso>`, `<subcat>`, `<seecat>`,
//! `<manif>`), and the Table of Neoplasms and Table of Drugs and Chemicals (the same, plus
//! `<indexHeading>` column heads and `<cell col="N">` codes).
//!
//! A `<title>` may hold a `<nemod>` inline: its parenthesised groups become the entry's
//! nonessential modifiers and any other text in it goes back to the term. In addenda files, text
//! inside `<old>` is dropped. A file that is malformed, truncated or off the schema is refused
//! with its line.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use quick_xml::events::BytesStart;

use super::source;
use super::xml;
use super::LoadError;
use crate::alpha_index::{
    append_essential, collapse_whitespace, split_modifiers, AlphaIndex, AlphaIndexBuilder, CodeForm, EntryId,
    IndexCode, IndexEntry, IndexKind,
};

/// Loads one index XML file (gzip allowed) as a tree of `kind`.
pub fn load(path: &Path, kind: IndexKind) -> Result<AlphaIndex, LoadError> {
    let text = source::read_text(path)?;
    parse(path, &text, kind)
}

/// The elements the loader tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    IndexHeading,
    Head,
    Letter,
    MainTerm,
    Term,
    /// The title of a main term or term (or a `<diff>` standing for it).
    Title,
    /// The title of a letter or of the document.
    Label,
    Nemod,
    /// An element whose text is a field of the open entry.
    Field(Field),
    Warning,
    Old,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Code,
    SubCat,
    SeeCat,
    See,
    SeeAlso,
    Manif,
    Cell,
}

/// Where a text event goes.
enum Target {
    Skip,
    Term,
    Nemod,
    Field,
}

/// An open `<mainTerm>` or `<term>`.
struct Frame {
    id: EntryId,
    level: u8,
    start: u64,
    has_title: bool,
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
    kind: IndexKind,
    builder: AlphaIndexBuilder,
    stack: Vec<Tag>,
    frames: Vec<Frame>,
    /// Column heads by `col` number, from `<indexHeading>`.
    heads: Vec<(u32, String)>,
    /// Column name by `col` number, once the heads are known.
    column_of: HashMap<u32, Arc<str>>,
    /// Text of the open title outside `<nemod>`, of the open `<nemod>`, and of the open field.
    term_buf: String,
    nemod_buf: String,
    field_buf: String,
    title_groups: Vec<String>,
    /// The `col` of the open `<cell>` or `<head>`.
    open_col: u32,
    event_start: u64,
}

/// Parses index XML text; `path` only names the file in errors.
pub fn parse(path: &Path, text: &str, kind: IndexKind) -> Result<AlphaIndex, LoadError> {
    let mut parser = Parser::new(path, text, kind);
    xml::parse_events(path, text, &mut parser)?;
    parser.finish()
}

impl<'a> Parser<'a> {
    fn new(path: &'a Path, text: &'a str, kind: IndexKind) -> Parser<'a> {
        Parser {
            path,
            text,
            kind,
            builder: AlphaIndexBuilder::new(),
            stack: Vec::new(),
            frames: Vec::new(),
            heads: Vec::new(),
            column_of: HashMap::new(),
            term_buf: String::new(),
            nemod_buf: String::new(),
            field_buf: String::new(),
            title_groups: Vec::new(),
            open_col: 0,
            event_start: 0,
        }
    }

    fn error_at(&self, offset: u64, reason: impl Into<String>) -> LoadError {
        LoadError::at_line(self.path, xml::line_at(self.text, offset), reason)
    }

    fn error(&self, reason: impl Into<String>) -> LoadError {
        self.error_at(self.event_start, reason)
    }

    fn target(&self) -> Target {
        let mut in_nemod = false;
        for tag in self.stack.iter().rev() {
            match tag {
                Tag::Nemod => in_nemod = true,
                Tag::Title if in_nemod => return Target::Nemod,
                Tag::Title => return Target::Term,
                Tag::Field(_) | Tag::Head => return Target::Field,
                Tag::Other => {}
                _ => return Target::Skip,
            }
        }
        Target::Skip
    }

    fn start_main_term(&mut self) -> Result<Tag, LoadError> {
        self.set_columns()?;
        let id = self.builder.push_main_term(IndexEntry::new(self.kind, String::new()));
        self.frames.push(Frame { id, level: 0, start: self.event_start, has_title: false });
        Ok(Tag::MainTerm)
    }

    fn start_term(&mut self, start: &BytesStart<'_>) -> Result<Tag, LoadError> {
        let value = self.attribute(start, "level")?;
        let Some(parent) = self.frames.last() else {
            return Err(self.error("<term> outside a <mainTerm>"));
        };
        let expected = parent.level.checked_add(1);
        if expected.is_none() || value.trim().parse::<u8>().ok() != expected {
            return Err(self.error(format!("<term level=\"{value}\"> under a level {} term", parent.level)));
        }
        let parent_id = parent.id;
        let Some(id) = self.builder.push_term(parent_id, IndexEntry::new(self.kind, String::new())) else {
            return Err(self.error("term level out of range"));
        };
        let level = expected.unwrap_or(u8::MAX);
        self.frames.push(Frame { id, level, start: self.event_start, has_title: false });
        Ok(Tag::Term)
    }

    fn start_title(&mut self) -> Result<Tag, LoadError> {
        if self.frames.last().is_some_and(|frame| frame.has_title) {
            return Err(self.error("a second <title> in one term"));
        }
        self.term_buf.clear();
        self.title_groups.clear();
        Ok(Tag::Title)
    }

    fn start_field(&mut self, start: &BytesStart<'_>, name: &str) -> Result<Tag, LoadError> {
        self.field_buf.clear();
        let field = match name {
            "code" => Field::Code,
            "subcat" => Field::SubCat,
            "seecat" => Field::SeeCat,
            "see" => Field::See,
            "seeAlso" => Field::SeeAlso,
            "manif" => Field::Manif,
            _ => {
                if !self.kind.is_table() {
                    return Err(self.error("<cell> in an index that is not a table"));
                }
                self.open_col = self.col(start)?;
                Field::Cell
            }
        };
        Ok(Tag::Field(field))
    }

    fn col(&self, start: &BytesStart<'_>) -> Result<u32, LoadError> {
        let value = self.attribute(start, "col")?;
        match value.trim().parse::<u32>() {
            Ok(col) if (1..=32).contains(&col) => Ok(col),
            _ => Err(self.error(format!("bad col=\"{value}\""))),
        }
    }

    /// Fixes the column names at the first main term: the `<indexHeading>` heads after the
    /// first (which names the row-label column), else NCHS's heads for the kind.
    fn set_columns(&mut self) -> Result<(), LoadError> {
        if !self.kind.is_table() || !self.column_of.is_empty() {
            return Ok(());
        }
        let mut heads = std::mem::take(&mut self.heads);
        heads.sort_by_key(|(col, _)| *col);
        if heads.is_empty() {
            let defaults = self.kind.default_columns();
            heads = defaults.iter().zip(2..).map(|(head, col)| (col, (*head).to_string())).collect();
        } else if heads.first().is_some_and(|(col, _)| *col == 1) {
            heads.remove(0);
        }
        if heads.is_empty() {
            return Err(self.error("<indexHeading> names no code column"));
        }
        self.builder.set_columns(self.kind, heads.iter().map(|(_, head)| head.as_str()));
        for ((col, _), name) in heads.iter().zip(self.builder.columns(self.kind)) {
            self.column_of.insert(*col, Arc::clone(name));
        }
        Ok(())
    }

    fn end_title(&mut self) -> Result<(), LoadError> {
        let term = collapse_whitespace(&self.term_buf);
        let groups = std::mem::take(&mut self.title_groups);
        if term.is_empty() && groups.is_empty() {
            return Err(self.error("empty <title>"));
        }
        let entry = self.open_entry()?;
        entry.term = term;
        entry.nonessential = groups;
        if let Some(frame) = self.frames.last_mut() {
            frame.has_title = true;
        }
        Ok(())
    }

    fn end_field(&mut self, field: Field) -> Result<(), LoadError> {
        let text = collapse_whitespace(&std::mem::take(&mut self.field_buf));
        let form = match field {
            Field::SubCat => CodeForm::Subcategory,
            Field::SeeCat => CodeForm::SeeCategory,
            _ => CodeForm::Code,
        };
        match field {
            Field::Code | Field::SubCat | Field::SeeCat => {
                let Some(code) = IndexCode::parse(&text) else {
                    return Err(self.error(format!("bad code {text:?}")));
                };
                let code = if form == CodeForm::Code { code } else { code.with_form(form) };
                let entry = self.open_entry()?;
                if entry.code.is_some() {
                    return Err(self.error("more than one code in one term"));
                }
                entry.code = Some(code);
            }
            Field::See | Field::SeeAlso | Field::Manif => {
                let entry = self.open_entry()?;
                let slot = match field {
                    Field::See => &mut entry.see,
                    Field::SeeAlso => &mut entry.see_also,
                    _ => &mut entry.manifestation,
                };
                if slot.is_some() {
                    let element = match field {
                        Field::See => "see",
                        Field::SeeAlso => "seeAlso",
                        _ => "manif",
                    };
                    return Err(self.error(format!("a second <{element}> in one term")));
                }
                *slot = (!text.is_empty()).then_some(text);
            }
            Field::Cell => self.end_cell(&text)?,
        }
        Ok(())
    }

    fn end_cell(&mut self, text: &str) -> Result<(), LoadError> {
        let col = self.open_col;
        let Some(column) = self.column_of.get(&col).cloned() else {
            return Err(self.error(format!("<cell col=\"{col}\"> has no column head")));
        };
        if text.is_empty() || text.bytes().all(|b| b == b'-') {
            return Ok(());
        }
        let Some(code) = IndexCode::parse(text) else {
            return Err(self.error(format!("bad code {text:?} in column {column:?}")));
        };
        let entry = self.open_entry()?;
        if entry.cells.iter().any(|(name, _)| *name == column) {
            return Err(self.error(format!("column {column:?} given twice")));
        }
        entry.cells.push((column, code));
        Ok(())
    }

    fn open_entry(&mut self) -> Result<&mut IndexEntry, LoadError> {
        let (path, text, offset) = (self.path, self.text, self.event_start);
        let id = self.frames.last().map(|frame| frame.id);
        id.and_then(|id| self.builder.entry_mut(id))
            .ok_or_else(|| LoadError::at_line(path, xml::line_at(text, offset), "no open term"))
    }

    fn attribute(&self, start: &BytesStart<'_>, name: &str) -> Result<String, LoadError> {
        xml::required_attribute(start, name).map_err(|reason| self.error(reason))
    }

    fn finish(self) -> Result<AlphaIndex, LoadError> {
        if !self.stack.is_empty() {
            let reason = format!("unexpected end of file: {} elements not closed", self.stack.len());
            return Err(self.error(reason));
        }
        if self.builder.is_empty() {
            return Err(LoadError::file(self.path, "no <mainTerm>: not an ICD-10-CM index file"));
        }
        Ok(self.builder.build())
    }
}

impl xml::EventParser for Parser<'_> {
    fn at(&mut self, offset: u64) {
        self.event_start = offset;
    }

    fn push_text(&mut self, text: &str) {
        match self.target() {
            Target::Skip => {}
            Target::Term => self.term_buf.push_str(text),
            Target::Nemod => self.nemod_buf.push_str(text),
            Target::Field => self.field_buf.push_str(text),
        }
    }

    fn start(&mut self, start: &BytesStart<'_>) -> Result<(), LoadError> {
        let qualified = start.name();
        let name = qualified.as_ref();
        let parent = self.stack.last().copied();
        let in_entry = matches!(parent, Some(Tag::MainTerm | Tag::Term));
        let tag = match (parent, name) {
            (None, "ICD10CM.index") => Tag::Root,
            (None, _) => return Err(self.error(format!("root element is <{name}>, not <ICD10CM.index>"))),
            (Some(Tag::Root), "indexHeading") => Tag::IndexHeading,
            (Some(Tag::IndexHeading), "head") => {
                self.open_col = self.col(start)?;
                Tag::Head
            }
            (Some(Tag::Root), "letter") => Tag::Letter,
            (Some(Tag::Root | Tag::Letter), "title") => Tag::Label,
            (Some(Tag::Letter), "mainTerm") => self.start_main_term()?,
            (_, "mainTerm") => return Err(self.error("<mainTerm> outside a <letter>")),
            (Some(Tag::MainTerm | Tag::Term), "term") => self.start_term(start)?,
            (_, "term") => return Err(self.error("<term> outside a <mainTerm>")),
            (_, "title" | "diff") if in_entry => self.start_title()?,
            (Some(Tag::Title), "nemod") => {
                self.nemod_buf.clear();
                Tag::Nemod
            }
            (_, "code" | "subcat" | "seecat" | "see" | "seeAlso" | "manif" | "cell") if in_entry => {
                self.start_field(start, name)?
            }
            (_, "code" | "subcat" | "seecat" | "see" | "seeAlso" | "manif" | "cell" | "title") => {
                return Err(self.error(format!("<{name}> outside a <mainTerm> or <term>")));
            }
            (_, "warning") => Tag::Warning,
            (_, "old") => Tag::Old,
            _ => Tag::Other,
        };
        self.stack.push(tag);
        Ok(())
    }

    fn end(&mut self) -> Result<(), LoadError> {
        let Some(tag) = self.stack.pop() else {
            return Err(self.error("end tag without a start tag"));
        };
        match tag {
            Tag::Nemod => {
                let modifiers = split_modifiers(&self.nemod_buf);
                self.title_groups.extend(modifiers.groups);
                append_essential(&mut self.term_buf, &modifiers.essential);
            }
            Tag::Title => self.end_title()?,
            Tag::Head => {
                let head = collapse_whitespace(&self.field_buf);
                if self.heads.iter().any(|(col, _)| *col == self.open_col) {
                    return Err(self.error(format!("a second <head col=\"{}\">", self.open_col)));
                }
                self.heads.push((self.open_col, head));
                self.field_buf.clear();
            }
            Tag::Field(field) => self.end_field(field)?,
            Tag::MainTerm | Tag::Term => {
                let Some(frame) = self.frames.pop() else {
                    return Err(self.error("end of a term that was not open"));
                };
                if !frame.has_title {
                    return Err(self.error_at(frame.start, "term without a <title>"));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const EINDEX: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ICD10CM.index>\n<version>2025</version>\n\
        <title>ICD-10-CM EXTERNAL CAUSE of INJURIES INDEX</title>\n<letter><title>A</title>\n\
        <mainTerm><title>Abandonment<nemod>(causing exposure) (with intent)</nemod> NEC</title><code>X58</code>\n\
        <term level=\"1\"><title>step<nemod>(stepping) exercise (class)</nemod></title><code>Y93.A5</code></term>\n\
        <term level=\"1\"><title>aircraft<nemod>(in transit)</nemod></title>\
        <seeAlso>Accident, transport, aircraft</seeAlso>\n\
        <term level=\"2\"><title>due to  cataclysm &amp; more</title><see>Forces of nature, by type</see></term>\n\
        <term level=\"2\"><title>lightning</title><subcat>T75.0</subcat></term></term>\n\
        </mainTerm>\n<mainTerm><title><nemod>(mono)</nemod> semicarbazone</title><seecat>T71</seecat></mainTerm>\n\
        </letter>\n</ICD10CM.index>\n";

    fn parse_as(text: &str, kind: IndexKind) -> Result<AlphaIndex, LoadError> {
        parse(Path::new("index.xml"), text, kind)
    }

    #[test]
    fn reads_terms_nemods_codes_and_references() {
        let index = parse_as(EINDEX, IndexKind::ExternalCause).unwrap();
        let terms: Vec<(&str, u8)> = index.entries().iter().map(|e| (e.term.as_str(), e.level)).collect();
        let expected = [
            ("Abandonment NEC", 0),
            ("step exercise", 1),
            ("aircraft", 1),
            ("due to cataclysm & more", 2),
            ("lightning", 2),
            ("semicarbazone", 0),
        ];
        assert_eq!(terms, expected);
        let entries = index.entries();
        assert_eq!(entries[0].nonessential, ["(causing exposure)", "(with intent)"]);
        assert_eq!(entries[1].nonessential, ["(stepping)", "(class)"]);
        assert_eq!(entries[0].code.as_ref().map(IndexCode::display), Some("X58"));
        assert_eq!(entries[2].see_also.as_deref(), Some("Accident, transport, aircraft"));
        assert_eq!(entries[3].see.as_deref(), Some("Forces of nature, by type"));
        let lightning = entries[4].code.as_ref().unwrap();
        assert_eq!((lightning.display(), lightning.form()), ("T75.0", CodeForm::Subcategory));
        assert_eq!(entries[5].code.as_ref().map(IndexCode::form), Some(CodeForm::SeeCategory));
        assert_eq!(entries[5].nonessential, ["(mono)"]);
        assert!(entries.iter().all(|e| e.kind == IndexKind::ExternalCause));
        assert_eq!(index.main_terms(), [0, 5]);
        assert_eq!(index.path(4), ["Abandonment NEC", "aircraft", "lightning"]);
    }

    const TABLE: &str = "<ICD10CM.index><version>2025</version><indexHeading><head col=\"1\">Substance</head>\
        <head col=\"2\">Poisoning Accidental (unintentional)</head><head col=\"3\">Adverse effect</head>\
        </indexHeading>\n<letter><title>A</title><mainTerm><title>Acetaminophen</title>\
        <cell col=\"2\">T39.1X1</cell><cell col=\"3\">--</cell>\n\
        <term level=\"1\"><title>breast</title><cell col=\"2\"><diff><old>C50.8</old><new>C50.9-</new></diff></cell>\
        </term></mainTerm></letter></ICD10CM.index>";

    #[test]
    fn reads_table_heads_and_cells() {
        let index = parse_as(TABLE, IndexKind::Drug).unwrap();
        let heads: Vec<&str> = index.columns(IndexKind::Drug).iter().map(|h| &**h).collect();
        assert_eq!(heads, ["Poisoning Accidental (unintentional)", "Adverse effect"]);
        let acetaminophen = &index.entries()[0];
        assert_eq!(acetaminophen.cells.len(), 1, "-- is no code");
        let accidental = acetaminophen.cell("Poisoning Accidental (unintentional)").unwrap();
        assert_eq!((accidental.display(), accidental.code()), ("T39.1X1", "T391X1"));
        assert_eq!(index.entries()[1].cells[0].1.display(), "C50.9-", "<old> text is dropped");

        let no_heading = TABLE.replace("<indexHeading>", "<x>").replace("</indexHeading>", "</x>");
        let index = parse_as(&no_heading.replace("<head col", "<y col").replace("</head>", "</y>"), IndexKind::Drug);
        let index = index.unwrap();
        assert_eq!(index.columns(IndexKind::Drug).len(), 6);
        assert!(index.entries()[0].cell("Poisoning Accidental (unintentional)").is_some());
        let err = parse_as(TABLE, IndexKind::Main).unwrap_err();
        assert!(err.reason.contains("not a table"), "{err}");
    }

    #[test]
    fn refuses_broken_files_at_their_line() {
        let truncated = &EINDEX[..EINDEX.find("<term level=\"2\"><title>lightning").unwrap()];
        let err = parse_as(truncated, IndexKind::ExternalCause).unwrap_err();
        assert_eq!(err.line, Some(10), "{err}");
        assert!(err.reason.starts_with("unexpected end of file"), "{err}");
        let cut_in_tag = &EINDEX[..EINDEX.find("seeAlso>Acc").unwrap()];
        let err = parse_as(cut_in_tag, IndexKind::ExternalCause).unwrap_err();
        assert_eq!(err.line, Some(8), "{err}");

        let mismatched = EINDEX.replace("<code>Y93.A5</code>", "<code>Y93.A5</cod>");
        let err = parse_as(&mismatched, IndexKind::ExternalCause).unwrap_err();
        assert_eq!(err.line, Some(7), "{err}");
        assert!(err.reason.starts_with("malformed XML"), "{err}");

        let jump = EINDEX.replace("<term level=\"2\"><title>lightning", "<term level=\"3\"><title>lightning");
        let err = parse_as(&jump, IndexKind::ExternalCause).unwrap_err();
        assert_eq!(err.line, Some(10), "{err}");
        assert_eq!(err.reason, "<term level=\"3\"> under a level 1 term");

        let bad_code = EINDEX.replace("<code>X58</code>", "<code>X5-8</code>");
        let err = parse_as(&bad_code, IndexKind::ExternalCause).unwrap_err();
        assert_eq!((err.line, err.reason.as_str()), (Some(6), "bad code \"X5-8\""));

        let untitled = EINDEX.replace("<title>lightning</title>", "");
        let err = parse_as(&untitled, IndexKind::ExternalCause).unwrap_err();
        assert_eq!((err.line, err.reason.as_str()), (Some(10), "term without a <title>"));

        let err = parse_as("<ICD10CM.tabular/>", IndexKind::Main).unwrap_err();
        assert_eq!(err.line, Some(1));
        let err = parse_as("<ICD10CM.index><version>2025</version></ICD10CM.index>", IndexKind::Main).unwrap_err();
        assert_eq!(err.line, None);
        assert!(parse_as("", IndexKind::Main).is_err());
    }
}
