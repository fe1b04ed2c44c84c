//! Loader for the CMS ICD-10-PCS Alphabetic Index XML (root `ICD10PCS.index`, FORMATS.md §7):
//! `<letter>`, `<mainTerm>` and nested `<term level="N">`, each with a `<title>` and targets:
//! `<use>` (an axis value label, optionally with a `<tab>`), `<see>` (another main term,
//! optionally with a `<tab>` or `<codes>`), or a bare `<tab>` (3 characters), `<codes>` (4 to 6)
//! or `<code>` (7).
//!
//! A `<term>` without a `<title>` is an alternative target of its parent and is folded into it
//! (see [`PcsIndex`]). A file that is malformed or truncated, whose term levels skip, whose codes
//! are not 3 to 7 PCS characters, or that is otherwise off this layout is refused with its line.

use std::path::Path;

use quick_xml::events::BytesStart;

use super::source;
use super::xml;
use super::LoadError;
use crate::alpha_index::collapse_whitespace;
use crate::codes::pcs_index::{IndexTarget, PartialCode, PcsIndex, PcsIndexBuilder};

/// Loads a PCS index XML file (gzip allowed).
pub fn load(path: &Path) -> Result<PcsIndex, LoadError> {
    let text = source::read_text(path)?;
    parse(path, &text)
}

/// The elements the loader tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Root,
    Version,
    Letter,
    /// The title of the document or of a letter.
    Label,
    MainTerm,
    Term,
    Title,
    Use,
    See,
    /// `<tab>`, `<codes>` or `<code>`.
    Code,
    /// An element outside the entries, skipped with its content.
    Other,
}

/// An open `<mainTerm>` or `<term>`.
struct Frame {
    level: u8,
    /// The entry made at its `<title>`.
    entry: Option<usize>,
    has_target: bool,
    start: u64,
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
    builder: PcsIndexBuilder,
    stack: Vec<Tag>,
    frames: Vec<Frame>,
    /// Text of the open title, version, `<use>` or `<see>`, and of the open code element.
    text_buf: String,
    code_buf: String,
    /// The code given inside the open `<use>` or `<see>`.
    inner_code: Option<PartialCode>,
    event_start: u64,
}

/// Parses PCS index XML text; `path` only names the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<PcsIndex, LoadError> {
    let mut parser = Parser {
        path,
        text,
        builder: PcsIndexBuilder::default(),
        stack: Vec::new(),
        frames: Vec::new(),
        text_buf: String::new(),
        code_buf: String::new(),
        inner_code: None,
        event_start: 0,
    };
    xml::parse_events(path, text, &mut parser)?;
    parser.finish()
}

impl Parser<'_> {
    fn error_at(&self, offset: u64, reason: impl Into<String>) -> LoadError {
        LoadError::at_line(self.path, xml::line_at(self.text, offset), reason)
    }

    fn error(&self, reason: impl Into<String>) -> LoadError {
        self.error_at(self.event_start, reason)
    }

    fn start_term(&mut self, start: &BytesStart<'_>) -> Result<Tag, LoadError> {
        let value = xml::required_attribute(start, "level").map_err(|reason| self.error(reason))?;
        let Some(parent) = self.frames.last() else {
            return Err(self.error("<term> outside a <mainTerm>"));
        };
        if parent.entry.is_none() {
            return Err(self.error("<term> under a term without a <title>"));
        }
        let expected = parent.level.checked_add(1);
        let Some(level) = expected.filter(|&level| value.trim().parse::<u8>().ok() == Some(level)) else {
            return Err(self.error(format!("<term level=\"{value}\"> under a level {} term", parent.level)));
        };
        self.frames.push(Frame { level, entry: None, has_target: false, start: self.event_start });
        Ok(Tag::Term)
    }

    fn start_title(&mut self) -> Result<Tag, LoadError> {
        let Some(frame) = self.frames.last() else {
            return Err(self.error("<title> outside a term"));
        };
        if frame.entry.is_some() {
            return Err(self.error("a second <title> in one term"));
        }
        if frame.has_target {
            return Err(self.error("<title> after a target"));
        }
        self.text_buf.clear();
        Ok(Tag::Title)
    }

    fn start_reference(&mut self, tag: Tag) -> Tag {
        self.text_buf.clear();
        self.inner_code = None;
        tag
    }

    fn end_title(&mut self) -> Result<(), LoadError> {
        let title = collapse_whitespace(&self.text_buf);
        if title.is_empty() {
            return Err(self.error("empty <title>"));
        }
        let parent = self.frames.len().checked_sub(2).and_then(|at| self.frames.get(at)).and_then(|frame| frame.entry);
        let id = match parent {
            None => self.builder.push_main_term(&title),
            Some(parent) => match self.builder.push_term(parent, &title) {
                Some(id) => id,
                None => return Err(self.error("term level out of range")),
            },
        };
        if let Some(frame) = self.frames.last_mut() {
            frame.entry = Some(id);
        }
        Ok(())
    }

    fn end_code(&mut self) -> Result<(), LoadError> {
        let text = collapse_whitespace(&self.code_buf);
        let Some(code) = PartialCode::parse(&text) else {
            return Err(self.error(format!("bad code {text:?}: not 3 to 7 PCS characters")));
        };
        match self.stack.last() {
            Some(Tag::Use | Tag::See) if self.inner_code.is_some() => {
                Err(self.error("more than one code in one <use> or <see>"))
            }
            Some(Tag::Use | Tag::See) => {
                self.inner_code = Some(code);
                Ok(())
            }
            _ => self.attach(IndexTarget::Code(code)),
        }
    }

    fn end_reference(&mut self, tag: Tag) -> Result<(), LoadError> {
        let mut text = collapse_whitespace(&self.text_buf);
        let code = self.inner_code.take();
        if tag == Tag::Use && code.is_some() {
            if let Some(label) = text.strip_suffix(" in") {
                text = label.to_string();
            }
        }
        if text.is_empty() {
            return Err(self.error(format!("empty <{}>", tag_name(tag))));
        }
        let target = match tag {
            Tag::Use => IndexTarget::Use { label: text.into(), table: code },
            _ => IndexTarget::See { text: text.into(), code },
        };
        self.attach(target)
    }

    /// Adds a target to the open entry, or to its parent for a term without a title.
    fn attach(&mut self, target: IndexTarget) -> Result<(), LoadError> {
        let depth = self.frames.len();
        let Some(frame) = self.frames.last_mut() else {
            return Err(self.error("target outside a term"));
        };
        frame.has_target = true;
        let owner = match frame.entry {
            Some(entry) => Some(entry),
            None if frame.level == 0 => return Err(self.error("target before the main term's <title>")),
            None => depth.checked_sub(2).and_then(|at| self.frames.get(at)).and_then(|frame| frame.entry),
        };
        match owner {
            Some(owner) if self.builder.push_target(owner, target) => Ok(()),
            _ => Err(self.error("target without an entry")),
        }
    }

    fn finish(self) -> Result<PcsIndex, LoadError> {
        if !self.stack.is_empty() {
            let reason = format!("unexpected end of file: {} elements not closed", self.stack.len());
            return Err(self.error(reason));
        }
        if self.builder.is_empty() {
            return Err(LoadError::file(self.path, "no <mainTerm>: not an ICD-10-PCS index file"));
        }
        Ok(self.builder.build())
    }
}

impl xml::EventParser for Parser<'_> {
    fn at(&mut self, offset: u64) {
        self.event_start = offset;
    }

    fn push_text(&mut self, text: &str) {
        match self.stack.last() {
            Some(Tag::Title | Tag::Version | Tag::Use | Tag::See) => self.text_buf.push_str(text),
            Some(Tag::Code) => self.code_buf.push_str(text),
            _ => {}
        }
    }

    fn start(&mut self, start: &BytesStart<'_>) -> Result<(), LoadError> {
        let qualified = start.name();
        let name = qualified.as_ref();
        let parent = self.stack.last().copied();
        let tag = match (parent, name) {
            (None, "ICD10PCS.index") => Tag::Root,
            (None, _) => return Err(self.error(format!("root element is <{name}>, not <ICD10PCS.index>"))),
            (Some(Tag::Other), _) => Tag::Other,
            (Some(Tag::Root), "version") => Tag::Version,
            (Some(Tag::Root), "letter") => Tag::Letter,
            (Some(Tag::Root | Tag::Letter), "title") => Tag::Label,
            (Some(Tag::Letter), "mainTerm") => {
                self.frames.push(Frame { level: 0, entry: None, has_target: false, start: self.event_start });
                Tag::MainTerm
            }
            (Some(Tag::MainTerm | Tag::Term), "term") => self.start_term(start)?,
            (Some(Tag::MainTerm | Tag::Term), "title") => self.start_title()?,
            (Some(Tag::MainTerm | Tag::Term), "use") => self.start_reference(Tag::Use),
            (Some(Tag::MainTerm | Tag::Term), "see") => self.start_reference(Tag::See),
            (Some(Tag::MainTerm | Tag::Term | Tag::Use | Tag::See), "tab" | "codes" | "code") => {
                self.code_buf.clear();
                Tag::Code
            }
            (Some(Tag::MainTerm | Tag::Term | Tag::Title | Tag::Use | Tag::See | Tag::Code), _) => {
                let parent = self.stack.last().map_or("", |tag| tag_name(*tag));
                return Err(self.error(format!("unexpected <{name}> in <{parent}>")));
            }
            (_, "mainTerm" | "term" | "use" | "see" | "tab" | "codes" | "code") => {
                return Err(self.error(format!("<{name}> outside a <letter> entry")));
            }
            _ => Tag::Other,
        };
        if matches!(tag, Tag::Version) {
            self.text_buf.clear();
        }
        self.stack.push(tag);
        Ok(())
    }

    fn end(&mut self) -> Result<(), LoadError> {
        let Some(tag) = self.stack.pop() else {
            return Err(self.error("end tag without a start tag"));
        };
        match tag {
            Tag::Version => self.builder.set_version(&collapse_whitespace(&self.text_buf)),
            Tag::Title => self.end_title()?,
            Tag::Code => self.end_code()?,
            Tag::Use | Tag::See => self.end_reference(tag)?,
            Tag::MainTerm | Tag::Term => {
                let Some(frame) = self.frames.pop() else {
                    return Err(self.error("end of a term that was not open"));
                };
                if frame.entry.is_none() && (tag == Tag::MainTerm || !frame.has_target) {
                    return Err(self.error_at(frame.start, format!("<{}> without a <title>", tag_name(tag))));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn tag_name(tag: Tag) -> &'static str {
    match tag {
        Tag::Root => "ICD10PCS.index",
        Tag::Version => "version",
        Tag::Letter => "letter",
        Tag::Label | Tag::Title => "title",
        Tag::MainTerm => "mainTerm",
        Tag::Term => "term",
        Tag::Use => "use",
        Tag::See => "see",
        Tag::Code => "code",
        Tag::Other => "element",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::pcs_index::SeeResolution;

    const SAMPLE: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ICD10PCS.index>\n<version>2025</version>\n\
        <title>2025 ICD-10-PCS Index</title>\n<letter><title>A</title>\n\
        <mainTerm><title>Abdominal esophagus</title><use>Esophagus, Lower</use></mainTerm>\n\
        <mainTerm><title>Abdominoplasty</title>\n\
        <term level=\"1\"><see>Alteration, Abdominal Wall<codes>0W0F</codes></see></term>\n\
        <term level=\"1\"><see>Repair, Abdominal Wall<codes>0WQF</codes></see></term>\n</mainTerm>\n\
        <mainTerm><title>Abortion</title>\n\
        <term level=\"1\"><title>Products of Conception</title><codes>10A0</codes></term>\n\
        <term level=\"1\"><title>Abortifacient</title><code>10A07ZX</code></term>\n</mainTerm>\n\
        <mainTerm><title>Acetabulectomy</title><see>Excision, Lower Bones<tab>0QB</tab></see></mainTerm>\n\
        <mainTerm><title>Activa PC</title><use>Stimulator Generator, Multiple Array in<tab>0JH</tab></use></mainTerm>\n\
        <mainTerm><title>Alteration</title><term level=\"1\"><title>Abdominal  Wall &amp; more</title><tab>0W0</tab>\n\
        <term level=\"2\"><title>Left</title><code>0W0F0ZZ</code></term></term></mainTerm>\n\
        </letter>\n</ICD10PCS.index>\n";

    fn parse_text(text: &str) -> Result<PcsIndex, LoadError> {
        parse(Path::new("index.xml"), text)
    }

    fn refusal(text: &str) -> (Option<usize>, String) {
        let err = parse_text(text).unwrap_err();
        (err.line, err.reason)
    }

    #[test]
    fn reads_terms_and_targets_folding_untitled_terms() {
        let index = parse_text(SAMPLE).unwrap();
        assert_eq!(index.version(), "2025");
        let titles: Vec<(&str, u8)> = index.entries().iter().map(|e| (e.title(), e.level())).collect();
        let expected = [
            ("Abdominal esophagus", 0),
            ("Abdominoplasty", 0),
            ("Abortion", 0),
            ("Products of Conception", 1),
            ("Abortifacient", 1),
            ("Acetabulectomy", 0),
            ("Activa PC", 0),
            ("Alteration", 0),
            ("Abdominal Wall & more", 1),
            ("Left", 2),
        ];
        assert_eq!(titles, expected);
        let code = |text: &str| PartialCode::parse(text);
        let see = |text: &str, c: &str| IndexTarget::See { text: text.into(), code: code(c) };
        let abdominoplasty = [see("Alteration, Abdominal Wall", "0W0F"), see("Repair, Abdominal Wall", "0WQF")];
        assert_eq!(index.entries()[1].targets(), abdominoplasty);
        let activa = IndexTarget::Use { label: "Stimulator Generator, Multiple Array".into(), table: code("0JH") };
        assert_eq!(index.entries()[6].targets(), [activa]);
        let pairs: Vec<(String, &str)> = index.code_targets().map(|(p, c)| (p.into_owned(), c)).collect();
        let expected = [
            ("Abdominoplasty", "0W0F"),
            ("Abdominoplasty", "0WQF"),
            ("Abortion, Products of Conception", "10A0"),
            ("Abortion, Abortifacient", "10A07ZX"),
            ("Acetabulectomy", "0QB"),
            ("Activa PC", "0JH"),
            ("Alteration, Abdominal Wall & more", "0W0"),
            ("Alteration, Abdominal Wall & more, Left", "0W0F0ZZ"),
        ];
        assert_eq!(pairs, expected.map(|(p, c)| (p.to_string(), c)));
        assert_eq!(index.uses().count(), 2);
        assert_eq!(index.resolve_see("Alteration, Abdominal Wall & more"), SeeResolution::Term(8));
        assert_eq!(index.resolve_see("Alteration, Abdominal Wall"), SeeResolution::Partial(7));
    }

    #[test]
    fn refuses_broken_files_at_their_line() {
        let skip = SAMPLE.replace("<term level=\"2\">", "<term level=\"3\">");
        assert_eq!(refusal(&skip), (Some(18), "<term level=\"3\"> under a level 1 term".to_string()));
        let bad_code = SAMPLE.replace("<codes>10A0</codes>", "<codes>10I0</codes>");
        assert_eq!(refusal(&bad_code), (Some(12), "bad code \"10I0\": not 3 to 7 PCS characters".to_string()));
        let long = SAMPLE.replace("0W0F0ZZ", "0W0F0ZZ1");
        assert_eq!(refusal(&long).0, Some(18));
        let truncated = &SAMPLE[..SAMPLE.find("<mainTerm><title>Acetabulectomy").unwrap()];
        let (line, reason) = refusal(truncated);
        assert_eq!(line, Some(15));
        assert!(reason.starts_with("unexpected end of file"), "{reason}");
        let (line, reason) = refusal(&SAMPLE[..SAMPLE.find("tle>Abortifacient").unwrap()]);
        assert_eq!(line, Some(13));
        assert!(reason.starts_with("malformed XML"), "{reason}");
        let mismatched = SAMPLE.replace("<codes>10A0</codes>", "<codes>10A0</code>");
        let (line, reason) = refusal(&mismatched);
        assert_eq!(line, Some(12));
        assert!(reason.starts_with("malformed XML"), "{reason}");
        let late_title = SAMPLE.replace("<codes>0W0F</codes></see>", "<codes>0W0F</codes></see><title>X</title>");
        assert_eq!(refusal(&late_title), (Some(8), "<title> after a target".to_string()));
        let nested = SAMPLE.replace("<codes>0WQF</codes></see>", "</see><term level=\"2\"><title>X</title>");
        assert_eq!(refusal(&nested).1, "<term> under a term without a <title>");
        let empty = SAMPLE.replace("<title>Left</title><code>0W0F0ZZ</code>", "");
        assert_eq!(refusal(&empty), (Some(18), "<term> without a <title>".to_string()));
        let stray = SAMPLE.replace("<use>Esophagus, Lower</use>", "<nemod>x</nemod>");
        assert_eq!(refusal(&stray), (Some(6), "unexpected <nemod> in <mainTerm>".to_string()));
        assert_eq!(refusal("<ICD10PCS.tabular/>").0, Some(1));
        let err = parse_text("<ICD10PCS.index><version>2025</version></ICD10PCS.index>").unwrap_err();
        assert_eq!(err.line, None);
        assert!(parse_text("").is_err());
    }

    #[test]
    fn loads_the_fy2025_index() {
        let index = load(Path::new("data/icd10pcs/icd10pcs_index_2025.xml.gz")).unwrap();
        assert_eq!(index.version(), "2025");
        assert_eq!(index.main_terms().count(), 3_215);
        assert_eq!(index.entries().len(), 22_201, "3,215 main terms and 18,986 titled terms");
        let targets = || index.entries().iter().flat_map(|entry| entry.targets());
        let codes = targets().filter(|t| matches!(t, IndexTarget::Code(_))).count();
        let sees: Vec<&str> = targets()
            .filter_map(|t| match t {
                IndexTarget::See { text, .. } => Some(&**text),
                _ => None,
            })
            .collect();
        assert_eq!((codes, sees.len(), index.uses().count()), (14_711, 1_785, 2_342));
        assert_eq!(index.code_targets().count(), 16_361, "direct codes, 1,515 see codes, 135 use tables");
        let mut resolved = [0; 3];
        for text in &sees {
            match index.resolve_see(text) {
                SeeResolution::Term(_) => resolved[0] += 1,
                SeeResolution::Partial(_) => resolved[1] += 1,
                SeeResolution::Unresolved => resolved[2] += 1,
            }
        }
        assert_eq!(resolved, [735, 1_023, 27], "see texts: fully, partly, not resolved");

        let appendectomy = index.main_term("appendectomy").unwrap();
        let codes: Vec<&str> =
            index.entries()[appendectomy].targets().iter().filter_map(|t| t.code()).map(PartialCode::as_str).collect();
        assert_eq!(codes, ["0DBJ", "0DTJ"]);
        let esophagus = index.uses().find(|(term, _)| term == "Abdominal esophagus").map(|(_, label)| label);
        assert_eq!(esophagus, Some("Esophagus, Lower"));
        let SeeResolution::Term(uterus) = index.resolve_see("Resection, Uterus") else { panic!("unresolved") };
        assert_eq!(index.path(uterus), ["Resection", "Uterus"]);
        let found = index.lookup("appendectomy");
        assert_eq!(found.first().map(|(id, _)| *id), Some(appendectomy));
    }
}
